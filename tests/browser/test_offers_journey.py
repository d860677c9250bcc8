"""Offers on a phone: what is next without scrolling, an offer with the right, the calendar."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible, forloeb_ends_in, on_first_screen

pytestmark = pytest.mark.browser


def log_in(page: Page, live_portal: str, name: str) -> None:
    page.goto(f"{live_portal}/login")
    page.get_by_role("button", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mit forløb")


def test_what_is_next_is_visible_without_scrolling(phone: Page, live_portal: str):
    log_in(phone, live_portal, "Mette Testesen")
    heading = phone.get_by_role("heading", name="Dit næste tilbud")
    title = phone.get_by_text("Virksomhedspraktik i en planteskole")
    for element in (heading, title):
        on_first_screen(phone, element)


def test_from_the_front_page_to_an_offer_and_the_right(phone: Page, live_portal: str):
    log_in(phone, live_portal, "Mette Testesen")
    phone.get_by_role("link", name="Se tilbuddet").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Virksomhedspraktik i en planteskole"
    )
    expect(
        phone.get_by_role("heading", name="Din ret til en samtale med en sundhedskoordinator")
    ).to_be_visible()
    assert_accessible(phone)

    with phone.expect_download() as download:
        phone.get_by_role("link", name="Føj til kalender").click()
    assert download.value.suggested_filename == "tilbud.ics"

    phone.get_by_role(
        "link", name="Jeg er bekymret for, om tilbuddet passer til mit helbred"
    ).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Sådan bruger du din ret til en samtale"
    )
    assert_accessible(phone)

    phone.get_by_role("link", name="Tilbage til Virksomhedspraktik i en planteskole").click()
    phone.get_by_role("link", name="Alle dine tilbud").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Dine tilbud")
    assert_accessible(phone)

    phone.get_by_role("link", name="Sådan får du dem på din telefon").click()
    expect(phone.get_by_label("Dit kalender-link")).to_have_value(
        __import__("re").compile(r"/kalender/.+\.ics$")
    )
    assert_accessible(phone)
    phone.get_by_role("button", name="Lav et nyt link").click()
    expect(phone.get_by_text("Du har fået et nyt link")).to_be_visible()
    assert_accessible(phone)


def test_a_non_employment_offer_in_english(phone: Page, live_portal: str):
    phone.goto(f"{live_portal}/?lang=en")
    phone.get_by_role("link", name="Log in with MitID").click()
    phone.get_by_role("button", name="Birgitte Eksempel").click()
    phone.get_by_role("link", name="See all your offers").click()
    phone.get_by_role("link", name="Forløb hos psykolog").click()
    expect(phone.get_by_text("Health effort:")).to_be_visible()
    expect(phone.get_by_text("Your right to a meeting")).to_have_count(0)
    assert_accessible(phone)


def test_an_offer_after_the_forloeb_promises_nothing(phone: Page, live_portal):
    """Jens's forløb ends in two weeks; his course starts in a month."""
    forloeb_ends_in(live_portal.app, "demo-forloeb-jens", 13)
    log_in(phone, live_portal, "Jens Testhansen")
    phone.get_by_role("link", name="Se tilbuddet").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Kursus i rengøring og service")
    expect(
        phone.get_by_text(
            re.compile("Retten gælder for tilbud i forløbet, så den gælder ikke for dette tilbud")
        )
    ).to_be_visible()
    expect(
        phone.get_by_role("link", name="Jeg er bekymret for, om tilbuddet passer til mit helbred")
    ).to_have_count(0)
    assert_accessible(phone)
