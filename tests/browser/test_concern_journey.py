"""Sending a concern on a phone with the keyboard, axe-checked on every step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import assert_accessible

pytestmark = pytest.mark.browser


def press_choice(page: Page, label: str, nth: int = 0) -> None:
    page.get_by_label(label, exact=True).nth(nth).focus()
    page.keyboard.press("Space")


def type_into(page: Page, label: str, text: str) -> None:
    page.get_by_label(label).focus()
    page.keyboard.type(text)


def continue_with_enter(page: Page) -> None:
    page.get_by_role("button", name="Gem og fortsæt", exact=True).focus()
    page.keyboard.press("Enter")


def test_a_concern_about_an_offer_not_yet_started(phone: Page, live_portal: str):
    phone.goto(f"{live_portal}/login")
    phone.get_by_role("button", name="Mette Testesen").click()
    phone.get_by_role("link", name="Se tilbuddet").click()
    phone.get_by_role(
        "link", name="Jeg er bekymret for, om tilbuddet passer til mit helbred"
    ).click()
    assert_accessible(phone)
    phone.get_by_role("button", name="Skriv din bekymring").click()

    expect(phone.get_by_text("Trin 1 af 6")).to_be_visible()
    expect(phone.get_by_label("Nej, ikke endnu")).to_be_checked()  # proposed from the dates
    assert_accessible(phone)
    continue_with_enter(phone)

    expect(phone.get_by_role("heading", level=1)).to_have_text("Hvad er du bekymret for?")
    continue_with_enter(phone)  # nothing chosen: an error summary, linked to the field
    expect(phone.get_by_role("heading", name="Der er problemer")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("link", name=re.compile("Vælg mindst én ting")).click()
    press_choice(phone, "Jeg bliver for træt")
    type_into(phone, "Fortæl med dine egne ord (frivilligt)", "Jeg kan ikke stå op så længe.")
    continue_with_enter(phone)

    expect(phone.get_by_role("heading", level=1)).to_have_text("Dit helbred")
    type_into(phone, "Hvad er vigtigt at vide om dit helbred?", "Dårlig ryg.")
    press_choice(phone, "Ja")
    expect(
        phone.get_by_text("Må sundhedskoordinatoren læse om dit helbred og kontakte din læge?")
    ).to_have_count(0)
    assert_accessible(phone)
    continue_with_enter(phone)

    expect(phone.get_by_role("heading", level=1)).to_have_text("Hvad kunne hjælpe?")
    press_choice(phone, "Flere pauser")
    continue_with_enter(phone)

    expect(phone.get_by_role("heading", level=1)).to_have_text("Samtalen")
    press_choice(phone, "Telefon")
    type_into(phone, "Dit telefonnummer", "20 30 40 50")
    assert_accessible(phone)
    continue_with_enter(phone)

    expect(phone.get_by_role("heading", level=1)).to_have_text("Opsummering")
    expect(phone.get_by_text("Jeg kan ikke stå op så længe.")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("button", name="Send din bekymring").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Kvittering")
    expect(phone.get_by_text(re.compile(r"Dit nummer er B-\d{4}-\d{6}\."))).to_be_visible()
    expect(phone.get_by_text("Tilbuddet er sat i bero.", exact=False).first).to_be_visible()
    expect(phone.get_by_text(re.compile("Kommunen vil svare dig senest"))).to_be_visible()
    assert_accessible(phone)

    # Consent to contact the doctor is asked separately, informed, by the citizen herself.
    phone.get_by_role("link", name="Læs om samtykke").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Må sundhedskoordinatoren læse om dit helbred og kontakte din læge?"
    )
    assert_accessible(phone)
    phone.get_by_label("Ja, sundhedskoordinatoren må læse det og kontakte min læge").focus()
    phone.keyboard.press("Space")
    type_into(phone, "Din læge", "Lægehuset Torvet")
    phone.get_by_role("button", name="Send dit svar").click()
    expect(phone.get_by_text("Du har givet lov")).to_be_visible()
    phone.get_by_role("button", name="Træk dit samtykke tilbage").click()
    expect(phone.get_by_text("Du har trukket dit samtykke tilbage")).to_be_visible()
    phone.goto(phone.url.split("?")[0] + "/kvittering")

    phone.get_by_role("link", name="Følg din bekymring").click()
    expect(phone.get_by_text("Du sendte din bekymring.")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("link", name="Træk bekymringen tilbage").click()
    assert_accessible(phone)
    phone.get_by_role("button", name="Ja, træk bekymringen tilbage").click()
    expect(phone.get_by_text("Du trak din bekymring tilbage.")).to_be_visible()
    phone.goto(f"{live_portal}/bekymringer/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mine bekymringer")
    assert_accessible(phone)


def test_a_started_offer_resumed_after_closing_the_browser_and_sent_twice(
    browser, live_portal: str
):
    from tests.browser.helpers import PHONE

    def new_phone():
        return browser.new_context(viewport=PHONE, is_mobile=True, locale="da-DK")

    first = new_phone()
    page = first.new_page()
    page.goto(f"{live_portal}/login")
    page.get_by_role("button", name="Ali Prøvesen").click()
    page.goto(f"{live_portal}/bekymringer/")
    page.get_by_role("button", name="Skriv en bekymring om Lagerjob med løntilskud").click()
    expect(page.get_by_label("Ja, det er startet")).to_be_checked()
    press_choice(page, "Nej, ikke endnu")  # his answer; the dates decide
    continue_with_enter(page)
    press_choice(page, "Det er for hårdt for kroppen")
    continue_with_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Dit helbred")
    first.close()  # the browser is closed halfway

    second = new_phone()
    page = second.new_page()
    page.goto(f"{live_portal}/login?next=/bekymringer/")
    page.get_by_role("button", name="Ali Prøvesen").click()
    expect(page.get_by_text("Kladde")).to_be_visible()
    page.get_by_role("link", name="Lagerjob med løntilskud").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dit helbred")
    type_into(page, "Hvad er vigtigt at vide om dit helbred?", "Ondt i skulderen.")
    press_choice(page, "Nej")
    continue_with_enter(page)
    continue_with_enter(page)
    press_choice(page, "Et møde, hvor vi ses")
    type_into(page, "Dit telefonnummer", "30405060")
    continue_with_enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Opsummering")
    page.get_by_role("button", name="Send din bekymring").dblclick()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kvittering")
    # Ali's job started three weeks ago: not on hold, and he is told what to do now.
    expect(page.get_by_text(re.compile("Tilbuddet er sat i bero"))).to_have_count(0)
    expect(
        page.get_by_text(re.compile("Bliv ved med at møde op, til din sagsbehandler har svaret"))
    ).to_be_visible()
    expect(page.get_by_role("link", name="70 10 20 41")).to_be_visible()
    assert_accessible(page)
    page.go_back()
    page.goto(f"{live_portal}/bekymringer/")
    expect(page.get_by_role("link", name="Lagerjob med løntilskud", exact=True)).to_have_count(1)
    expect(
        page.get_by_role("button", name="Skriv en bekymring om Lagerjob med løntilskud")
    ).to_have_count(0)
    assert_accessible(page)
    second.close()
