"""A concern from the citizen's phone to the municipality's decision, in two real browsers:
the citizen sends, the caseworker books the meeting, records that it was held and the advice,
the citizen comments on the advice, the caseworker decides, and the citizen reads the decision
with its reasons and how to complain — and who has looked at her data."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from portal.domain.casework import add_working_days, danish_holidays
from tests.browser.helpers import (
    PHONE,
    assert_accessible,
    fill_meeting,
    meeting_form,
    meeting_has_passed,
    send_concern,
)
from tests.factories import TODAY

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    """The caseworker's browser: a separate context, so no cookie is shared with the citizen."""
    context = browser.new_context(viewport=PHONE, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


def test_from_concern_to_decision_with_the_citizen_following_along(
    phone: Page, desk: Page, live_portal
):
    phone.goto(f"{live_portal}/login")
    phone.get_by_role("button", name="Mette Testesen").click()
    reference = send_concern(
        phone,
        "Virksomhedspraktik i en planteskole",
        "Der er for mange timer",
        "Min ryg tåler ikke løft.",
    )

    desk.goto(f"{live_portal}/sagsbehandler/")
    assert_accessible(desk)
    desk.get_by_role("link", name="Log ind med MitID Erhverv").click()
    desk.get_by_role("button", name="Lone Madsen").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Bekymringer i kommunen")
    assert_accessible(desk)
    desk.get_by_label("Find et nummer (frivilligt)").fill(reference)
    desk.get_by_role("button", name="Vis").click()
    desk.get_by_role("link", name=re.compile(f"Mette Testesen.*{reference}")).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Bekymring {reference}")
    expect(desk.get_by_text("Min ryg tåler ikke løft.")).to_be_visible()
    assert_accessible(desk)

    desk.get_by_label("Besked til borgeren (frivilligt)").fill("Tak. Jeg ringer i morgen.")
    desk.get_by_role("button", name="Kvitter").click()
    expect(desk.get_by_text("Bekymringen er kvitteret.")).to_be_visible()
    assert_accessible(desk)

    # A meeting in the past is refused, and what was typed stays.
    last_year = TODAY.replace(year=TODAY.year - 1).isoformat()
    fill_meeting(desk, last_year, "Fremmøde", "Jobcentret, Torvet 1")
    desk.get_by_role("button", name="Gem mødet").click()
    expect(desk.get_by_role("heading", name="Der er problemer")).to_be_visible()
    expect(meeting_form(desk).get_by_label("Sundhedskoordinatorens navn")).to_have_value(
        "Dr. Anne Berg"
    )
    assert_accessible(desk)
    meeting_day = add_working_days(TODAY, 5, danish_holidays())
    meeting_form(desk).get_by_label("Dato").fill(meeting_day.isoformat())
    desk.get_by_role("button", name="Gem mødet").click()
    expect(desk.get_by_text("Mødet er gemt.")).to_be_visible()

    phone.goto(f"{live_portal}/bekymringer/")
    phone.get_by_role("link", name=re.compile("planteskole")).first.click()
    expect(phone.get_by_text("Tak. Jeg ringer i morgen.")).to_be_visible()
    expect(phone.get_by_text(re.compile("Mødet er aftalt til"))).to_be_visible()
    expect(phone.get_by_role("heading", name="Dit møde")).to_be_visible()
    expect(
        phone.get_by_text(re.compile("Dr. Anne Berg, Klinisk Funktion, Region Nord")).first
    ).to_be_visible()
    assert_accessible(phone)

    # Advice comes from a meeting that has taken place: no advice form before it is held.
    expect(desk.get_by_role("button", name="Gem rådgivningen")).to_have_count(0)
    meeting_has_passed(live_portal.app, reference)
    desk.reload()
    expect(desk.get_by_text(re.compile("Registrér, om det blev holdt."))).to_be_visible()
    desk.get_by_label("Borgeren", exact=True).check()
    desk.get_by_label("Sundhedskoordinatoren", exact=True).check()
    desk.get_by_label("Den koordinerende sagsbehandler").check()
    desk.get_by_role("button", name="Registrér mødet").click()
    expect(desk.get_by_text("Mødet er registreret.")).to_be_visible()
    desk.get_by_label("Rådgivningen").fill("Start med 10 timer om ugen uden løft.")
    desk.get_by_role("button", name="Gem rådgivningen").click()
    expect(desk.get_by_text("Rådgivningen er gemt.")).to_be_visible()
    expect(desk.get_by_text(re.compile("kan kommentere rådgivningen til og med"))).to_be_visible()
    assert_accessible(desk)

    # Mette answers the advice before the decision (partshøring).
    phone.reload()
    expect(phone.get_by_text("Start med 10 timer om ugen uden løft.")).to_be_visible()
    phone.get_by_label("Din kommentar").fill("Jeg er enig, men jeg har brug for pauser.")
    phone.get_by_role("button", name="Send din kommentar").click()
    expect(phone.get_by_text("Din kommentar er sendt")).to_be_visible()
    assert_accessible(phone)

    desk.reload()
    expect(desk.get_by_text("Jeg er enig, men jeg har brug for pauser.")).to_be_visible()
    desk.get_by_label("Tilbuddet bliver ændret").check()
    desk.get_by_label("Begrundelse").fill("Du kan tåle 10 timer, når du kan holde pauser.")
    desk.get_by_role("button", name="Gem beslutningen").click()
    expect(desk.get_by_text("Skriv, hvad der bliver ændret i tilbuddet.").first).to_be_visible()
    expect(desk.get_by_label("Begrundelse")).to_have_value(
        "Du kan tåle 10 timer, når du kan holde pauser."
    )
    desk.get_by_label("Hvad bliver ændret i tilbuddet? (frivilligt)").fill(
        "10 timer om ugen, med pauser."
    )
    desk.get_by_role("button", name="Gem beslutningen").click()
    expect(desk.get_by_text("Beslutningen er gemt.")).to_be_visible()
    assert_accessible(desk)

    phone.reload()
    expect(phone.get_by_role("heading", name="Kommunens afgørelse")).to_be_visible()
    expect(phone.get_by_text("10 timer om ugen, med pauser.").first).to_be_visible()
    expect(phone.get_by_text(re.compile("Du kan klage over afgørelsen")).first).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("link", name="Se afgørelsen på en side, du kan printe").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Afgørelse om dit tilbud")
    expect(phone.get_by_text(re.compile("En klage stopper ikke afgørelsen"))).to_be_visible()
    assert_accessible(phone)

    phone.goto(f"{live_portal}/mit-forloeb")
    phone.get_by_role("link", name="Se, hvem der har set dine oplysninger, og hvorfor").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hvem har set mine oplysninger")
    expect(
        phone.get_by_text(re.compile("En sagsbehandler i kommunen: Behandling af din bekymring"))
    ).to_be_visible()
    expect(phone.get_by_text("Lone Madsen")).to_have_count(0)
    assert_accessible(phone)
