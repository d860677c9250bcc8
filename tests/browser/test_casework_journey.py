"""A concern from the citizen's phone to the municipality's decision, in two real browsers:
the citizen sends, the caseworker books the meeting, records that it was held and the advice,
the citizen comments on the advice, the caseworker decides to adapt the offer — and from then on
every screen and calendar of the citizen's shows the decided plan, the old plan only on the
decision page — and the citizen reads the decision with its reasons and how to complain, and who
has looked at her data. A second journey: a stopped offer leaves the calendar feed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import Browser, Page, expect

from portal.domain.casework import add_working_days, danish_holidays
from portal.domain.offers import first_session
from tests.browser.helpers import (
    PHONE,
    advice_given,
    assert_accessible,
    coordinator_gives_advice,
    fill_meeting,
    meeting_form,
    meeting_has_passed,
    send_concern,
)
from tests.factories import TODAY

pytestmark = pytest.mark.browser
OLD_START = TODAY + timedelta(days=9)  # Mette's placement in the demo data
NEW_START = TODAY + timedelta(days=30)


def long(day: date) -> str:
    return format_date(day, "EEEE 'den' d. MMMM y", locale="da")


def first_session_line(day: date, weekdays: tuple = (0, 3)) -> str:
    return f"DTSTART;TZID=Europe/Copenhagen:{first_session(day, list(weekdays)):%Y%m%d}T090000"


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    """The caseworker's browser: a separate context, so no cookie is shared with the citizen."""
    context = browser.new_context(viewport=PHONE, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def region(browser: Browser) -> Iterator[Page]:
    """The sundhedskoordinator's browser, of their own."""
    context = browser.new_context(viewport=PHONE, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


def test_from_concern_to_decision_with_the_citizen_following_along(
    phone: Page, desk: Page, region: Page, live_portal
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
    # The advice is the coordinator's own (issue 26): Lone waits for it.
    expect(
        desk.get_by_role("heading", name="Rådet kommer fra sundhedskoordinatoren")
    ).to_be_visible()
    expect(desk.get_by_role("button", name="Gem rådgivningen")).to_have_count(0)
    coordinator_gives_advice(
        region, live_portal, reference, "Start med 10 timer om ugen uden løft."
    )
    desk.reload()
    expect(desk.get_by_text(re.compile("kan sige sin mening om rådet til og med"))).to_be_visible()
    assert_accessible(desk)

    # Mette answers the advice before the decision (partshøring).
    phone.reload()
    # The advice stands directly above the form that asks what she thinks of it.
    expect(
        phone.locator("#raad").get_by_text("Start med 10 timer om ugen uden løft.")
    ).to_be_visible()
    phone.get_by_label("Din kommentar").fill("Jeg er enig, men jeg har brug for pauser.")
    phone.get_by_role("button", name="Send din kommentar").click()
    expect(phone.get_by_text("Din kommentar er sendt")).to_be_visible()
    assert_accessible(phone)

    desk.reload()
    expect(desk.get_by_text("Jeg er enig, men jeg har brug for pauser.")).to_be_visible()
    decision = desk.locator("form[action$='/beslutning']")
    decision.get_by_label("Tilbuddet bliver ændret").check()
    assessment = "Du kan tåle 6 timer, når du kan holde pauser."
    decision.get_by_label("Kommunens vurdering").fill(assessment)
    desk.get_by_role("button", name="Gem beslutningen").click()
    # The facts are a field of their own, and an adapted offer must change something.
    expect(desk.get_by_role("heading", name="Der er problemer")).to_be_visible()
    expect(decision.get_by_label("Kommunens vurdering")).to_have_value(assessment)
    decision.get_by_label("Fakta i sagen").fill("Mette kan ikke løfte. Rådet er 6 timer.")
    decision.get_by_label("Start", exact=True).fill(NEW_START.isoformat())
    decision.get_by_label("tirsdag").uncheck()
    decision.get_by_label("Til kl. (frivilligt)").fill("12:00")
    decision.get_by_label("Timer om ugen (frivilligt)").fill("6")
    decision.get_by_label("Andet, der bliver ændret (frivilligt)").fill("Pauser, når du har brug.")
    desk.get_by_role("button", name="Gem beslutningen").click()
    expect(desk.get_by_text("Beslutningen er gemt.")).to_be_visible()
    assert_accessible(desk)
    desk.get_by_label("Digital Post", exact=True).check()
    desk.get_by_role("button", name="Gem dagen").click()
    expect(desk.get_by_text(re.compile("Klagefristen regner fra den dag")).first).to_be_visible()

    phone.reload()
    expect(phone.get_by_role("heading", name="Kommunens afgørelse")).to_be_visible()
    expect(phone.get_by_text("Pauser, når du har brug.").first).to_be_visible()
    expect(phone.get_by_text(re.compile("Du kan klage over afgørelsen")).first).to_be_visible()
    assert_accessible(phone)
    phone.get_by_role("link", name="Se afgørelsen på en side, du kan printe").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Afgørelse om dit tilbud")
    expect(phone.get_by_text(re.compile("En klage stopper ikke afgørelsen"))).to_be_visible()
    expect(phone.get_by_text(re.compile("Sidste frist er"))).to_be_visible()
    expect(phone.get_by_role("heading", name="Planen før afgørelsen")).to_be_visible()
    assert long(OLD_START) in phone.content(), "the old plan is readable on the decision page"
    assert_accessible(phone)

    # Every other screen and file shows the decided plan, and the old one nowhere.
    changed = f"Ændret efter din bekymring {long(TODAY)}."
    for path in ("/mit-forloeb", "/tilbud"):
        phone.goto(f"{live_portal}{path}")
        expect(phone.get_by_text(f"Starter {long(NEW_START)}").first).to_be_visible()
        expect(phone.get_by_text(changed).first).to_be_visible()
        assert long(OLD_START) not in phone.content(), path
        assert_accessible(phone)
    phone.get_by_role("link", name="Virksomhedspraktik i en planteskole").first.click()
    expect(phone.get_by_text(re.compile("mandag, torsdag fra kl. 09.00 til 12.00"))).to_be_visible()
    assert long(OLD_START) not in phone.content()
    assert_accessible(phone)
    ics = phone.request.get(phone.url + "/kalender.ics").text()
    assert first_session_line(NEW_START) in ics and "BYDAY=MO,TH" in ics
    assert first_session_line(OLD_START, [0, 1, 3]) not in ics
    phone.goto(f"{live_portal}/kalender")
    feed = phone.locator("#feed-url").input_value()
    body = phone.request.get(feed).text()
    assert first_session_line(NEW_START) in body and "T120000" in body
    assert first_session_line(OLD_START, [0, 1, 3]) not in body

    phone.goto(f"{live_portal}/mit-forloeb")
    phone.get_by_role("link", name="Se, hvem der har set dine oplysninger, og hvorfor").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hvem har set mine oplysninger")
    expect(
        phone.get_by_text(re.compile("En sagsbehandler i kommunen: Behandling af din bekymring"))
    ).to_be_visible()
    expect(phone.get_by_text("Lone Madsen")).to_have_count(0)
    assert_accessible(phone)


def test_a_stopped_offer_leaves_the_citizens_calendar(phone: Page, desk: Page, live_portal):
    phone.goto(f"{live_portal}/login")
    phone.get_by_role("button", name="Mette Testesen").click()
    reference = send_concern(
        phone, "Virksomhedspraktik i en planteskole", "Der er for mange timer", "Ryggen."
    )
    advice_given(live_portal.app, reference)
    phone.goto(f"{live_portal}/kalender")
    feed = phone.locator("#feed-url").input_value()
    assert "demo-offer-mette-1" in phone.request.get(feed).text()

    desk.goto(f"{live_portal}/sagsbehandler/")
    desk.get_by_role("link", name="Log ind med MitID Erhverv").click()
    desk.get_by_role("button", name="Lone Madsen").click()
    desk.get_by_label("Find et nummer (frivilligt)").fill(reference)
    desk.get_by_role("button", name="Vis").click()
    desk.get_by_role("link", name=re.compile(f"Mette Testesen.*{reference}")).click()
    decision = desk.locator("form[action$='/beslutning']")
    decision.get_by_label("Tilbuddet stopper").check()
    decision.get_by_label("Fakta i sagen").fill("Planteskolen har kun tunge opgaver.")
    decision.get_by_label("Kommunens vurdering").fill("Praktikken kan ikke passe til dit helbred.")
    decision.get_by_label("Hvorfor beslutter kommunen nu?").fill("Aftalt med Mette på mødet.")
    desk.get_by_role("button", name="Gem beslutningen").click()
    expect(desk.get_by_text("Beslutningen er gemt.")).to_be_visible()
    assert_accessible(desk)

    assert "demo-offer-mette-1" not in phone.request.get(feed).text(), "its sessions are gone"
    phone.goto(f"{live_portal}/tilbud")
    expect(phone.get_by_text(f"Stoppet efter din bekymring {long(TODAY)}.").first).to_be_visible()
    assert_accessible(phone)
