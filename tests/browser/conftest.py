"""A live portal and the system Chromium (never a downloaded browser), at phone size."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from portal import create_app
from portal import db as database
from portal.services.demo_seed import seed_demo
from tests.conftest import CPR_KEY, TODAY, LiveServer, _database_url, _drop_schema, portal_settings

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 375, "height": 812}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def live_app(live_portal):
    return live_portal.app


class LivePortal(str):
    """The live portal's base URL, which also knows its app (for setting the scene in tests)."""

    app: object


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory, idp, work_idp) -> Iterator[LivePortal]:
    url = _database_url(tmp_path_factory, "browser")
    database.upgrade(url)
    holder: dict = {}
    server = LiveServer(lambda environ, start: holder["app"](environ, start))
    app = create_app(portal_settings(url, idp.url, work_idp.url, base_url=server.url))
    with app.app_context(), database.new_session() as db:
        seed_demo(db, CPR_KEY, TODAY)
    holder["app"] = app
    idp.allow_portal(server.url)
    work_idp.allow_portal(server.url)
    live = LivePortal(server.url)
    live.app = app
    yield live
    server.stop()
    app.extensions["db_engine"].dispose()
    _drop_schema(url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
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


_axe = Axe()


def assert_accessible(page: Page) -> None:
    """Zero axe-core violations of the WCAG 2.1 A and AA rules on the page as shown."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    summary = [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in violations
    ]
    assert not violations, f"axe on {page.url}: " + "; ".join(summary)


def send_concern_from_the_front_page(page: Page, worry: str, health_text: str) -> str:
    """From the front page's next offer through the five steps to the receipt, by mouse (the
    keyboard journey is its own test); returns the reference number."""
    page.get_by_role("link", name="Se tilbuddet").click()
    page.get_by_role(
        "link", name="Jeg er bekymret for, om tilbuddet passer til mit helbred"
    ).click()
    page.get_by_role("button", name="Skriv din bekymring").click()
    next_step = page.get_by_role("button", name="Gem og fortsæt")
    next_step.click()
    page.get_by_label(worry).check()
    next_step.click()
    page.get_by_label("Hvad er vigtigt at vide om dit helbred?").fill(health_text)
    page.get_by_label("Ja", exact=True).first.check()
    page.get_by_label("Nej", exact=True).last.check()
    next_step.click()
    next_step.click()
    page.get_by_role("radio", name="Telefon").check()
    page.get_by_label("Dit telefonnummer").fill("20 30 40 50")
    next_step.click()
    page.get_by_role("button", name="Send din bekymring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kvittering")
    return re.search(r"B-\d{4}-\d{6}", page.content()).group(0)
