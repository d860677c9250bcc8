"""The login journey on a phone, in Chromium, through the live test IdP, axe-checked throughout."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from portal import db as database
from portal.auth.sessions import COOKIE_NAME, token_hash
from portal.db import utcnow
from portal.models import LoginSession
from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.browser


def test_citizen_logs_in_sees_the_front_page_and_logs_out(phone: Page, live_portal: str):
    phone.goto(live_portal)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Se dit ressourceforløb")
    assert_accessible(phone)

    phone.get_by_role("link", name="Log ind med MitID").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Vælg en testperson")
    expect(phone.get_by_text("Det er ikke MitID")).to_be_visible()
    assert_accessible(phone)

    phone.get_by_role("button", name="Mette Testesen").click()
    expect(phone).to_have_url(f"{live_portal}/mit-forloeb")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mit forløb")
    expect(phone.get_by_text("Hej Mette Testesen.")).to_be_visible()
    expect(phone.get_by_text("Lone Madsen")).to_be_visible()
    expect(phone.get_by_role("button", name="Log af")).to_be_visible()
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scroll"

    phone.get_by_role("button", name="Log af").click()
    expect(phone).to_have_url(re.compile(re.escape(live_portal) + r"/logget-af"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Du er logget af")
    assert_accessible(phone)

    phone.goto(f"{live_portal}/mit-forloeb")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Se dit ressourceforløb")


def test_the_journey_works_without_javascript(phone_without_js: Page, live_portal: str):
    page = phone_without_js
    page.goto(live_portal)
    page.get_by_role("link", name="Log ind med MitID").click()
    page.get_by_role("button", name="Ali Prøvesen").click()
    expect(page.get_by_text("Hej Ali Prøvesen.")).to_be_visible()
    expect(page.get_by_text("Lagerjob med løntilskud")).to_be_visible()
    page.get_by_role("button", name="Log af").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du er logget af")


def test_cancel_at_the_idp_and_try_again(phone: Page, live_portal: str):
    phone.goto(f"{live_portal}/login")
    phone.get_by_role("button", name="Afbryd log ind").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Du afbrød log ind")
    assert_accessible(phone)
    phone.get_by_role("link", name="Prøv igen").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Vælg en testperson")


def test_english_journey_and_a_person_without_forloeb(phone: Page, live_portal: str):
    phone.goto(f"{live_portal}/?lang=en")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.get_by_role("link", name="Log in with MitID").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Choose a test person")
    assert_accessible(phone)
    phone.get_by_role("button", name="Peter Uden-Forløb").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "We cannot find a resource programme"
    )
    assert_accessible(phone)


@pytest.mark.parametrize(
    "path",
    [
        "/kontakt",
        "/om-dine-data",
        "/tilgaengelighed",
        "/findes-ikke",
        "/dine-rettigheder/",
        "/dine-rettigheder/sundhedskoordinator",
        "/dine-rettigheder/ord-og-begreber",
        "/dine-rettigheder/klage?lang=en",
    ],
)
def test_footer_and_error_pages_are_accessible(phone: Page, live_portal: str, path: str):
    phone.goto(f"{live_portal}{path}")
    assert_accessible(phone)


def test_the_session_warning_offers_to_stay_logged_in(phone: Page, live_portal, live_app):
    phone.goto(f"{live_portal}/login")
    phone.get_by_role("button", name="Birgitte Eksempel").click()
    expect(phone.get_by_text("Hej Birgitte Eksempel.")).to_be_visible()
    dialog = phone.get_by_role("dialog")
    expect(dialog).to_be_hidden()

    cookie = next(c for c in phone.context.cookies() if c["name"] == COOKIE_NAME)
    this_session = LoginSession.token_hash == token_hash(cookie["value"])
    # The citizen left the page alone until 100 seconds before the idle timeout.
    with live_app.app_context(), database.new_session() as db:
        db.execute(
            update(LoginSession)
            .where(this_session)
            .values(idle_expires_at=utcnow() + timedelta(seconds=100), last_seen_at=utcnow())
        )
        db.commit()
    phone.reload()
    expect(dialog).to_be_visible(timeout=5000)
    expect(dialog).to_contain_text("Du bliver snart logget af")
    assert_accessible(phone)

    dialog.get_by_role("button", name="Bliv logget ind").click()
    expect(dialog).to_be_hidden()
    with live_app.app_context(), database.new_session() as db:
        ends = db.scalar(select(LoginSession.idle_expires_at).where(this_session))
    assert ends > utcnow() + timedelta(minutes=14)
