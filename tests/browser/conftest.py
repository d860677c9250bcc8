"""A live portal and the system Chromium (never a downloaded browser), at phone size."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from portal import create_app
from portal import db as database
from tests.browser.helpers import PHONE
from tests.factories import (
    CPR_KEY,
    TODAY,
    LiveServer,
    database_url_for,
    drop_schema,
    portal_settings,
    reset_to_demo,
)

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def live_app(live_portal):
    return live_portal.app


class LivePortal(str):
    """The live portal's base URL, which also knows its app (for setting the scene in tests)."""

    app: object


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory, idp, work_idp) -> Iterator[LivePortal]:
    url = database_url_for(tmp_path_factory, "browser")
    database.upgrade(url)
    holder: dict = {}
    server = LiveServer(lambda environ, start: holder["app"](environ, start))
    app = create_app(portal_settings(url, idp.url, work_idp.url, base_url=server.url))
    holder["app"] = app
    idp.allow_portal(server.url)
    work_idp.allow_portal(server.url)
    live = LivePortal(server.url)
    live.app = app
    yield live
    server.stop()
    app.extensions["db_engine"].dispose()
    drop_schema(url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    # Under libfaketime (`make test-clock`) only this Python process lives at the faked hour:
    # the browser and Playwright's driver keep the real clock, as a citizen's phone would.
    os.environ.pop("LD_PRELOAD", None)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2, locale="da-DK"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(autouse=True)
def own_demo_data(request) -> None:
    """Each journey starts from the demo personas as seeded, whatever ran before it (the suite
    runs in random order)."""
    if "live_portal" in request.fixturenames:
        reset_to_demo(request.getfixturevalue("live_portal").app, CPR_KEY, TODAY)
