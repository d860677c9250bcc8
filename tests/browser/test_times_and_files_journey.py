"""Meeting times and files on a phone (issue 16), in real browsers at 375 px with axe-core: Lone
proposes three times, Mette picks one and finds it in "Dit møde" and in her calendar; Ali says
none fit, and Lone sees him first in her queue; Mette attaches a photo and a PDF, Lone opens both,
and Mette sees both looks in "Hvem har set mine oplysninger". Without JavaScript a file goes with
the form all the same."""

from __future__ import annotations

import re
from collections.abc import Iterator

import icalendar
import pytest
from playwright.sync_api import Browser, Page, expect

from portal.domain.casework import add_working_days, danish_holidays
from tests import files
from tests.browser.helpers import PHONE, assert_accessible, send_concern
from tests.factories import TODAY

pytestmark = pytest.mark.browser


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, locale="da-DK", accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def other_phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


def working_day(n: int) -> str:
    return add_working_days(TODAY, n, danish_holidays()).isoformat()


def caseworker_opens(desk: Page, portal: str, reference: str) -> None:
    desk.goto(f"{portal}/sagsbehandler/bekymringer")
    if desk.get_by_role("link", name="Log ind med MitID Erhverv").count():
        desk.get_by_role("link", name="Log ind med MitID Erhverv").click()
        desk.get_by_role("button", name="Lone Madsen").click()
    desk.get_by_role("link", name=re.compile(reference)).click()
    expect(desk.get_by_role("heading", level=1)).to_have_text(f"Bekymring {reference}")


def acknowledge_and_propose(desk: Page, times: list[tuple[str, str]]) -> None:
    desk.get_by_role("button", name="Kvitter").click()
    expect(desk.get_by_text("Bekymringen er kvitteret.")).to_be_visible()
    section = desk.get_by_role("region", name="Foreslå tider til mødet")
    for n, (day, clock) in enumerate(times, start=1):
        slot = section.get_by_role("group", name=re.compile(f"^Tid {n}"))
        slot.get_by_label("Dato").fill(day)
        slot.get_by_label("Klokkeslæt").fill(clock)
    section.get_by_label("Fremmøde").check()
    section.get_by_label("Sted eller link (frivilligt)").fill("Jobcentret, Torvet 1")
    section.get_by_label("Sundhedskoordinatorens navn").fill("Dr. Anne Berg")
    section.get_by_label("Regionens kliniske funktion").fill("Klinisk Funktion, Region Nord")
    assert_accessible(desk)
    section.get_by_role("button", name="Send tiderne til borgeren").click()
    expect(desk.get_by_text("Tiderne er sendt.")).to_be_visible()
    assert_accessible(desk)


def test_mette_picks_a_time_attaches_two_files_and_sees_lone_open_them(
    phone: Page, desk: Page, live_portal
):
    phone.goto(f"{live_portal}/login")
    phone.get_by_role("button", name="Mette Testesen").click()
    reference = send_concern(
        phone, "Virksomhedspraktik i en planteskole", "Der er for mange timer", "Min ryg."
    )
    caseworker_opens(desk, live_portal, reference)
    acknowledge_and_propose(
        desk, [(working_day(3), "09:00"), (working_day(4), "13:30"), (working_day(6), "10:00")]
    )

    # Mette: the front page says there are times to choose; she picks the second.
    phone.goto(f"{live_portal}/mit-forloeb")
    expect(phone.get_by_text(re.compile("har foreslået tider til mødet")).first).to_be_visible()
    phone.get_by_role("link", name="Vælg en tid").first.click()
    expect(phone.get_by_role("heading", name="Vælg en tid til mødet")).to_be_visible()
    assert_accessible(phone)
    times = phone.get_by_role("radio")
    expect(times).to_have_count(3)
    chosen_label = phone.locator("label[for=time-2]").inner_text()
    assert "13.30" in chosen_label
    times.nth(1).check()
    phone.get_by_role("button", name="Vælg tiden").click()
    expect(phone.get_by_role("heading", name="Mødet er aftalt")).to_be_visible()
    meeting_box = phone.get_by_role("region", name="Dit møde")
    expect(meeting_box).to_contain_text(chosen_label)
    expect(meeting_box).to_contain_text("Jobcentret, Torvet 1")
    assert_accessible(phone)
    with phone.expect_download() as download:
        meeting_box.get_by_role("link", name="Føj til kalender").click()
    ics = download.value.path().read_bytes()
    (event,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    starts = event.decoded("DTSTART")
    assert starts.strftime("%H:%M") == "13:30" and starts.date().isoformat() == working_day(4)

    # Mette attaches a photo of a letter and her doctor's note ("Tilføj noget", with JavaScript:
    # the upload shows its progress and the page then shows the files).
    phone.get_by_label("Skriv det, du vil tilføje").fill("Her er brevet og et billede.")
    phone.get_by_label("Vedhæft en fil (frivilligt)").set_input_files(
        [
            {"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": files.photo_with_location()},
            {"name": "lægebrev.pdf", "mimeType": "application/pdf", "buffer": files.letter_pdf()},
        ]
    )
    phone.get_by_role("button", name="Tilføj", exact=True).click()
    expect(phone.get_by_role("heading", name="Tilføjet")).to_be_visible()
    expect(phone.get_by_role("link", name="foto.jpg").first).to_be_visible()
    expect(phone.get_by_role("link", name="lægebrev.pdf").first).to_be_visible()
    assert_accessible(phone)

    # Lone opens both.
    desk.reload()
    for name in ("foto.jpg", "lægebrev.pdf"):
        with desk.expect_download() as download:
            desk.get_by_role("link", name=name).click()
        assert download.value.suggested_filename == name
    with desk.expect_download() as download:
        desk.get_by_role("link", name="foto.jpg").click()
    assert not files.has_location(download.value.path().read_bytes()), "no GPS kept"

    phone.goto(f"{live_portal}/hvem-har-set")
    expect(phone.get_by_text(re.compile("Åbnede din fil foto.jpg"))).to_be_visible()
    expect(phone.get_by_text(re.compile("Åbnede din fil lægebrev.pdf"))).to_be_visible()
    assert_accessible(phone)


def test_ali_says_none_fit_and_is_first_in_lones_queue(
    other_phone: Page, phone: Page, desk: Page, live_portal
):
    phone.goto(f"{live_portal}/login")
    phone.get_by_role("button", name="Mette Testesen").click()
    send_concern(phone, "Virksomhedspraktik i en planteskole", "Der er for mange timer", "Ryg.")
    other_phone.goto(f"{live_portal}/login")
    other_phone.get_by_role("button", name="Ali Prøvesen").click()
    reference = send_concern(
        other_phone, "Lagerjob med løntilskud", "Der er for mange timer", "Mine knæ."
    )
    caseworker_opens(desk, live_portal, reference)
    acknowledge_and_propose(desk, [(working_day(3), "08:00"), (working_day(4), "08:30")])

    other_phone.goto(f"{live_portal}/bekymringer/")
    expect(other_phone.get_by_text("Vælg en tid", exact=True).first).to_be_visible()  # the tag
    other_phone.get_by_role("link", name="Lagerjob med løntilskud").click()
    other_phone.get_by_text("Ingen af tiderne passer").click()
    other_phone.get_by_role("button", name="Send svar").click()
    expect(other_phone.get_by_role("heading", name="Der er problemer")).to_be_visible()
    assert_accessible(other_phone)
    other_phone.get_by_label("Hvorfor passer ingen af tiderne?").fill(
        "Jeg er på arbejde om morgenen. Efter kl. 13 kan jeg."
    )
    other_phone.get_by_role("button", name="Send svar").click()
    expect(other_phone.get_by_role("heading", name="Dit svar er sendt")).to_be_visible()
    assert_accessible(other_phone)

    desk.goto(f"{live_portal}/sagsbehandler/bekymringer")
    first_row = desk.locator("main li, main tr").filter(has_text=re.compile(r"B-\d{4}")).first
    expect(first_row).to_contain_text(reference)
    expect(first_row).to_contain_text("Ingen af tiderne passer")
    assert_accessible(desk)


def test_a_file_goes_with_the_form_without_javascript(phone_without_js: Page, live_portal):
    page = phone_without_js
    page.goto(f"{live_portal}/login")
    page.get_by_role("button", name="Mette Testesen").click()
    send_concern(page, "Virksomhedspraktik i en planteskole", "Der er for mange timer", "Ryg.")
    page.goto(f"{live_portal}/bekymringer/")
    page.get_by_role("link", name="Virksomhedspraktik i en planteskole").click()
    page.get_by_label("Vedhæft en fil (frivilligt)").set_input_files(
        [{"name": "brev.pdf", "mimeType": "application/pdf", "buffer": files.letter_pdf()}]
    )
    page.get_by_role("button", name="Tilføj", exact=True).click()
    expect(page.get_by_role("heading", name="Tilføjet")).to_be_visible()
    expect(page.get_by_role("link", name="brev.pdf").first).to_be_visible()
