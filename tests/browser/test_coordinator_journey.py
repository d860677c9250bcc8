"""The sundhedskoordinator's seat in real browsers (issue 26), on a phone (375 px) and at a desk
(1280 px): Lone books the meeting; Anne, the region's coordinator, logs in with MitID Erhverv and
prepares it — the citizen's health description and file hidden until Mette consents, shown
after; the meeting is held, Anne records it and writes her advice; Mette reads the advice, who
wrote it, and comments. Every page is axe-checked."""

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
    meeting_has_passed,
    send_concern,
)
from tests.factories import TODAY

pytestmark = pytest.mark.browser
DESK = {"width": 1280, "height": 800}
HEALTH = "Min ryg tåler ikke løft."


def _attach_a_letter(app, reference: str) -> None:
    """Set the scene: the concern carries a doctor's letter (the file journey is its own test)."""
    from sqlalchemy import select

    from portal import db as database
    from portal.domain.principal import Actor
    from portal.models import Concern
    from portal.services import documents
    from portal.services.documents import Prepared

    letter = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    with app.app_context(), database.new_session() as session:
        concern = session.scalar(select(Concern).where(Concern.reference == reference))
        actor = Actor("citizen", f"citizen:{concern.citizen_id}")
        documents.attach(
            session, actor, concern, [Prepared("laegebrev.pdf", "application/pdf", letter)]
        )
        session.commit()


@pytest.fixture(params=[PHONE, DESK], ids=["375px", "1280px"])
def screens(request, browser: Browser) -> Iterator[dict[str, Page]]:
    """Three people, three browsers: Mette on her phone, Lone and Anne at the given width."""
    contexts = [
        browser.new_context(viewport=PHONE, is_mobile=True, locale="da-DK"),
        browser.new_context(viewport=request.param, locale="da-DK"),
        browser.new_context(viewport=request.param, locale="da-DK"),
    ]
    yield dict(zip(("mette", "lone", "anne"), (c.new_page() for c in contexts), strict=True))
    for context in contexts:
        context.close()


def _log_in_at_work(page: Page, live_portal: str, name: str) -> None:
    page.goto(f"{live_portal}/sagsbehandler/")
    page.get_by_role("link", name="Log ind med MitID Erhverv").click()
    page.get_by_role("button", name=name).click()


def test_the_coordinator_prepares_the_meeting_and_gives_the_advice(screens, live_portal):
    mette, lone, anne = screens["mette"], screens["lone"], screens["anne"]
    mette.goto(f"{live_portal}/login")
    mette.get_by_role("button", name="Mette Testesen").click()
    reference = send_concern(
        mette, "Virksomhedspraktik i en planteskole", "Der er for mange timer", HEALTH
    )
    _attach_a_letter(live_portal.app, reference)

    # Lone acknowledges and books the meeting with the region's coordinator.
    _log_in_at_work(lone, live_portal, "Lone Madsen")
    lone.get_by_label("Find et nummer (frivilligt)").fill(reference)
    lone.get_by_role("button", name="Vis").click()
    lone.get_by_role("link", name=re.compile(reference)).click()
    lone.get_by_role("button", name="Kvitter").click()
    fill_meeting(
        lone,
        add_working_days(TODAY, 5, danish_holidays()).isoformat(),
        "Fremmøde",
        "Jobcentret, Torvet 1",
    )
    lone.get_by_role("button", name="Gem mødet").click()
    expect(lone.get_by_text("Mødet er gemt.")).to_be_visible()

    # Anne sees the concern in her list, but not Mette's health or file: no consent yet.
    _log_in_at_work(anne, live_portal, "Anne Berg")
    expect(anne.get_by_role("heading", level=1)).to_have_text("Møder om bekymringer")
    assert_accessible(anne)
    anne.get_by_role("link", name=re.compile(reference)).click()
    expect(anne.get_by_role("heading", level=1)).to_have_text(f"Bekymring {reference}")
    expect(
        anne.get_by_text(re.compile("Borgeren har ikke delt det, hun eller han skrev"))
    ).to_be_visible()
    expect(anne.get_by_text(HEALTH)).to_have_count(0)
    expect(anne.get_by_role("link", name="laegebrev.pdf")).to_have_count(0)
    assert_accessible(anne)

    # Mette consents; Anne now reads what she wrote and sees her file.
    mette.goto(f"{live_portal}/bekymringer/")
    mette.get_by_role("link", name=re.compile("planteskole")).first.click()
    mette.get_by_role("link", name="Læs om samtykke").click()
    expect(
        mette.get_by_text(re.compile("Sundhedskoordinatoren ser dem i portalen"))
    ).to_be_visible()
    mette.get_by_label("Ja, sundhedskoordinatoren må læse det og kontakte min læge").check()
    mette.get_by_label("Din læge").fill("Lægehuset Torvet")
    mette.get_by_role("button", name="Send dit svar").click()
    expect(mette.get_by_text("Du har givet lov")).to_be_visible()
    anne.reload()
    expect(anne.get_by_text(HEALTH)).to_be_visible()
    expect(anne.get_by_role("link", name="laegebrev.pdf")).to_be_visible()
    assert_accessible(anne)

    # After the meeting, Anne records it and writes her advice; Lone does not write it for her.
    meeting_has_passed(live_portal.app, reference)
    lone.reload()
    expect(lone.get_by_role("button", name="Gem rådgivningen")).to_have_count(0)
    anne.reload()
    anne.get_by_role("link", name="Skriv, at mødet er holdt").click()
    anne.get_by_label("Borgeren", exact=True).check()
    anne.get_by_label("Sundhedskoordinatoren", exact=True).check()
    anne.get_by_role("button", name="Registrér mødet").click()
    expect(anne.get_by_text("Mødet er registreret. Skriv dit råd herunder.")).to_be_visible()
    anne.get_by_role("textbox", name="Dit råd").fill("Start med 8 timer om ugen, uden løft.")
    anne.get_by_role("button", name="Gem dit råd").click()
    expect(anne.get_by_text("Dit råd er gemt.")).to_be_visible()
    assert_accessible(anne)

    # Mette reads the advice, who wrote it, and comments before the decision.
    mette.goto(f"{live_portal}/mit-forloeb")
    mette.get_by_role("link", name="Læs rådet, og skriv til kommunen").click()
    advice = mette.locator("#raad")
    expect(advice.get_by_text("Start med 8 timer om ugen, uden løft.")).to_be_visible()
    expect(
        mette.get_by_text("Skrevet af sundhedskoordinator Anne Berg, Region Nordjylland.")
    ).to_be_visible()
    mette.get_by_label("Din kommentar").fill("Det passer mig godt.")
    mette.get_by_role("button", name="Send din kommentar").click()
    expect(mette.get_by_text("Din kommentar er sendt")).to_be_visible()
    assert_accessible(mette)

    # And she sees the coordinator among those who looked at her data.
    mette.goto(f"{live_portal}/hvem-har-set")
    expect(
        mette.get_by_text(re.compile("Sundhedskoordinator, Region Nordjylland")).first
    ).to_be_visible()
    assert_accessible(mette)
