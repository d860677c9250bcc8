"""A concern from the citizen's phone to the municipality's decision, in two real browsers:
the citizen sends, the caseworker works it through, the citizen sees each step and the log."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from portal.domain.casework import add_working_days, danish_holidays
from tests.browser.helpers import PHONE, assert_accessible, send_concern_from_the_front_page
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
    phone: Page, desk: Page, live_portal: str
):
    phone.goto(f"{live_portal}/login")
    phone.get_by_role("button", name="Mette Testesen").click()
    reference = send_concern_from_the_front_page(
        phone, "Der er for mange timer", "Min ryg tåler ikke løft."
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
    desk.get_by_label("Dato").fill(TODAY.replace(year=TODAY.year - 1).isoformat())
    desk.get_by_label("Klokkeslæt").fill("10:00")
    desk.get_by_label("Fremmøde").check()
    desk.get_by_label("Sted eller link (frivilligt)").fill("Jobcentret, Torvet 1")
    desk.get_by_label("Sundhedskoordinatorens navn").fill("Dr. Anne Berg")
    desk.get_by_label("Regionens kliniske funktion").fill("Klinisk Funktion, Region Nord")
    desk.get_by_role("button", name="Gem mødet").click()
    expect(desk.get_by_role("heading", name="Der er problemer")).to_be_visible()
    expect(desk.get_by_label("Sundhedskoordinatorens navn")).to_have_value("Dr. Anne Berg")
    assert_accessible(desk)
    meeting_day = add_working_days(TODAY, 5, danish_holidays())
    desk.get_by_label("Dato").fill(meeting_day.isoformat())
    desk.get_by_role("button", name="Gem mødet").click()
    expect(desk.get_by_text("Mødet er gemt.")).to_be_visible()

    phone.goto(f"{live_portal}/bekymringer/")
    phone.get_by_role("link", name=re.compile("planteskole")).first.click()
    expect(phone.get_by_text("Tak. Jeg ringer i morgen.")).to_be_visible()
    expect(phone.get_by_text(re.compile("Mødet er aftalt til"))).to_be_visible()
    expect(
        phone.get_by_text(re.compile("Dr. Anne Berg, Klinisk Funktion, Region Nord"))
    ).to_be_visible()
    assert_accessible(phone)

    desk.get_by_label("Rådgivningen").fill("Start med 10 timer om ugen uden løft.")
    desk.get_by_role("button", name="Gem rådgivningen").click()
    expect(desk.get_by_text("Rådgivningen er gemt.")).to_be_visible()
    desk.get_by_label("Tilbuddet bliver ændret").check()
    desk.get_by_label("Hvad ændres, eller hvorfor?").fill("Du starter med 10 timer om ugen.")
    desk.get_by_role("button", name="Gem beslutningen").click()
    expect(desk.get_by_text("Beslutningen er gemt.")).to_be_visible()
    assert_accessible(desk)

    phone.reload()
    expect(phone.get_by_text("Start med 10 timer om ugen uden løft.")).to_be_visible()
    expect(phone.get_by_text(re.compile("Tilbuddet bliver ændret"))).to_be_visible()
    expect(phone.get_by_text("Du starter med 10 timer om ugen.")).to_be_visible()

    phone.goto(f"{live_portal}/mit-forloeb")
    phone.get_by_role("link", name="Se hvornår og hvorfor andre har set dine oplysninger").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hvem har set mine oplysninger")
    expect(
        phone.get_by_text(re.compile("En sagsbehandler i kommunen: Behandling af din bekymring"))
    ).to_be_visible()
    expect(phone.get_by_text("Lone Madsen")).to_have_count(0)
    assert_accessible(phone)
