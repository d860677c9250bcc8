"""One story on a phone (issue 13), in a real browser at 375×667 and 375×812: Mette sends a concern
and sees "Sat i bero" on the front page, the offer, the list and in her calendar feed; the
caseworker books a video meeting and moves it, and she sees one "flyttet" line, a tappable video
link and an updated calendar file; she saves mid-step and finds her text again; each step's
question and primary button show without scrolling; every control is at least 44×44 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Browser, Page, expect

from portal.domain.casework import add_working_days, danish_holidays
from tests.browser.helpers import (
    assert_accessible,
    fill_meeting,
    laid_out,
    meeting_form,
    on_first_screen,
    send_concern,
)
from tests.factories import TODAY

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 375, "height": 667}
TALL_PHONE = {"width": 375, "height": 812}
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.fixture(params=[SMALL_PHONE, TALL_PHONE], ids=["375x667", "375x812"])
def mobile(request, browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=request.param, is_mobile=True, has_touch=True, locale="da-DK"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def small_phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=SMALL_PHONE, is_mobile=True, has_touch=True, locale="da-DK"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desk(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


def shoot(page: Page, name: str) -> None:
    """A screenshot to look at (build/screenshots, not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    height = page.viewport_size["height"]
    page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}.png"), full_page=True)
    page.screenshot(path=str(SHOTS / f"{name}-{width}x{height}-screen.png"))


def log_in(page: Page, live_portal: str, name: str) -> None:
    page.goto(f"{live_portal}/login")
    page.get_by_role("button", name=name).click()


# Controls a finger must hit (WCAG 2.5.5): buttons, links styled or used as controls, form fields,
# the labels of radios and checkboxes, the language switch. Links inside running text are exempt,
# as WCAG allows for inline targets.
CONTROLS = ", ".join(
    [
        "button",
        "a.button",
        "a.control-link",
        ".language-switcher a",
        "input:not([type=hidden]):not(.form-checkbox):not(.form-radio)",
        "select",
        "textarea",
        ".form-checkbox + label",
        ".form-radio + label",
        "summary",
    ]
)

TOO_SMALL = """(selector) => Array.from(document.querySelectorAll(selector))
  .filter((el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden")
  .map((el) => ({text: (el.innerText || el.value || el.name || "").trim().slice(0, 40),
                 width: Math.round(el.getBoundingClientRect().width),
                 height: Math.round(el.getBoundingClientRect().height)}))
  .filter((box) => box.width < 44 || box.height < 44)"""


def too_small(page: Page) -> list[dict]:
    return laid_out(page).evaluate(TOO_SMALL, CONTROLS)


def printed_pages(page: Page) -> int:
    pdf = page.pdf(format="A4")
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_on_hold_and_the_moved_meeting_tell_one_story(mobile: Page, desk: Page, live_portal):
    log_in(mobile, live_portal, "Mette Testesen")
    reference = send_concern(
        mobile, "Virksomhedspraktik i en planteskole", "Der er for mange timer", "Ondt i ryggen."
    )
    expect(mobile.get_by_text("Det er kommunens eget mål.", exact=False)).to_be_visible()
    shoot(mobile, "receipt")
    assert printed_pages(mobile) <= 2, "the receipt prints on one or two A4 pages"

    mobile.goto(f"{live_portal}/mit-forloeb")
    card = mobile.locator("#next-offer-heading").locator("xpath=..")
    expect(card.get_by_text("Sat i bero", exact=True)).to_be_visible()
    expect(card.get_by_text("Tilbuddet venter, til kommunen har besluttet.")).to_be_visible()
    assert_accessible(mobile)
    shoot(mobile, "front-on-hold")
    mobile.goto(f"{live_portal}/tilbud")
    expect(mobile.get_by_text("Sat i bero", exact=True).first).to_be_visible()
    mobile.get_by_role("link", name="Virksomhedspraktik i en planteskole").first.click()
    expect(mobile.get_by_text("Sat i bero", exact=True).first).to_be_visible()
    expect(mobile.get_by_role("link", name=re.compile("bekymret for, om tilbuddet"))).to_have_count(
        0
    )
    assert_accessible(mobile)
    mobile.goto(f"{live_portal}/kalender")
    feed = mobile.get_by_label("Dit kalender-link").input_value()
    [held] = [
        e
        for e in icalendar.Calendar.from_ical(mobile.request.get(feed).body()).walk("VEVENT")
        if "planteskole" in e["summary"]
    ]
    assert held["status"] == "CANCELLED" and held["summary"].startswith("Sat i bero:")

    # The caseworker books a video meeting, then moves it.
    desk.goto(f"{live_portal}/sagsbehandler/login")
    desk.get_by_role("button", name="Lone Madsen").click()
    desk.get_by_label("Find et nummer (frivilligt)").fill(reference)
    desk.get_by_role("button", name="Vis").click()
    desk.get_by_role("link", name=re.compile(reference)).click()
    desk.get_by_role("button", name="Kvitter").click()
    day = add_working_days(TODAY, 5, danish_holidays())
    fill_meeting(desk, day.isoformat(), "Video", "video.example/rum-7")
    desk.get_by_role("button", name="Gem mødet").click()
    expect(desk.get_by_text("Det skal starte med https://.").first).to_be_visible()
    meeting_form(desk).get_by_label("Sted eller link (frivilligt)").fill(
        "https://video.example/rum-7"
    )
    desk.get_by_role("button", name="Gem mødet").click()
    expect(desk.get_by_text("Mødet er gemt.")).to_be_visible()
    meeting_form(desk).get_by_label("Klokkeslæt").fill("13:30")
    desk.get_by_role("button", name="Gem mødet").click()
    expect(desk.get_by_text("Mødet er gemt.")).to_be_visible()

    mobile.goto(f"{live_portal}/mit-forloeb")
    expect(mobile.get_by_role("heading", name="Dit møde")).to_be_visible()
    join = mobile.get_by_role("link", name="Gå til videomødet")
    expect(join).to_have_attribute("href", "https://video.example/rum-7")
    assert_accessible(mobile)
    shoot(mobile, "front-meeting")
    mobile.get_by_role("link", name="Se din bekymring").first.click()
    expect(mobile.get_by_text(re.compile("^Mødet er flyttet fra"))).to_have_count(1)
    expect(mobile.get_by_text("Mødet er flyttet. Det er den nye tid.")).to_be_visible()
    assert_accessible(mobile)
    shoot(mobile, "concern-moved")
    ics = mobile.get_by_role("link", name="Føj til kalender").get_attribute("href")
    [meeting] = icalendar.Calendar.from_ical(mobile.request.get(f"{live_portal}{ics}").body()).walk(
        "VEVENT"
    )
    assert meeting["sequence"] == 1, "the moved meeting updates the same event"
    assert meeting.decoded("dtstart").strftime("%d %H:%M") == day.strftime("%d") + " 13:30"


def test_a_step_shows_its_question_and_button_at_once_and_save_later_keeps_the_text(
    small_phone: Page, live_portal
):
    page = small_phone
    log_in(page, live_portal, "Mette Testesen")
    page.goto(f"{live_portal}/tilbud")
    page.get_by_role("link", name="Virksomhedspraktik i en planteskole").first.click()
    page.get_by_role("link", name=re.compile("bekymret for, om tilbuddet")).click()
    page.get_by_role("button", name="Skriv din bekymring").click()
    primary = page.get_by_role("button", name="Gem og fortsæt", exact=True)
    for number in range(1, 6):
        expect(page.get_by_text(f"Trin {number} af 6")).to_be_visible()
        question = page.locator("h1, legend h1").first
        on_first_screen(page, question, f"step {number}: the question")
        on_first_screen(page, primary, f"step {number}: the button")
        assert_accessible(page)
        if number == 1:
            shoot(page, "step-1")
            page.get_by_label("Nej, ikke endnu").check()
        elif number == 2:
            page.get_by_label("Jeg bliver for træt").check()
            field = page.get_by_label(re.compile("Fortæl med dine egne ord"))
            field.fill("Jeg bliver træt efter to timer.")
            expect(page.get_by_text("Du har 1969 tegn tilbage.")).to_be_visible()
        elif number == 3:
            text = "Jeg har ondt i ryggen, når jeg løfter."
            page.get_by_label("Hvad er vigtigt at vide om dit helbred?").fill(text)
            page.get_by_role("button", name="Gem og fortsæt senere").click()
            expect(page.get_by_role("heading", name="Dine svar er gemt")).to_be_visible()
            expect(page.get_by_text("Du er i gang med en bekymring om tilbuddet.")).to_be_visible()
            page.get_by_role("link", name="Virksomhedspraktik i en planteskole").click()
            expect(page.get_by_label("Hvad er vigtigt at vide om dit helbred?")).to_have_value(text)
            page.get_by_label("Nej", exact=True).check()
        elif number == 4:
            page.get_by_label("Færre timer").check()
        else:
            page.get_by_role("radio", name="Telefon").check()
            page.get_by_label("Dit telefonnummer").fill("20 30 40 50")
        primary.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opsummering")


def test_a_very_long_answer_prints_every_word(small_phone: Page, live_portal):
    page = small_phone
    log_in(page, live_portal, "Mette Testesen")
    long_word = "Rygsmerter" * 30  # no place to break a line
    answer = ("Jeg får ondt i ryggen, når jeg løfter planter. " * 13) + long_word
    send_concern(page, "Virksomhedspraktik i en planteskole", "Jeg får ondt", answer)
    page.get_by_role("link", name="Følg din bekymring").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "no sideways scrolling"
    page.emulate_media(media="print")
    shown = page.get_by_text(long_word, exact=False).first
    expect(shown).to_be_visible()
    assert shown.evaluate("(el) => el.scrollWidth <= el.clientWidth"), "nothing cut at the edge"
    assert printed_pages(page) <= 3


def test_every_control_is_at_least_44_by_44(small_phone: Page, live_portal):
    page = small_phone
    log_in(page, live_portal, "Mette Testesen")
    send_concern(page, "Mentorstøtte", "Jeg bliver for træt", "Træt.")
    page.goto(f"{live_portal}/tilbud")
    page.get_by_role("link", name="Virksomhedspraktik i en planteskole").first.click()
    offer_url = page.url
    page.get_by_role("link", name=re.compile("bekymret for, om tilbuddet")).click()
    worried_url = page.url
    page.get_by_role("button", name="Skriv din bekymring").click()
    step_url = page.url
    urls = [
        "/mit-forloeb",
        "/tilbud",
        offer_url,
        worried_url,
        step_url,
        "/bekymringer/",
        "/hvem-har-set",
        "/fuldmagter",
        "/kalender",
        "/regler",
    ]
    problems = {}
    for url in urls:
        page.goto(url if url.startswith("http") else f"{live_portal}{url}")
        if small := too_small(page):
            problems[page.url] = small
    page.goto(f"{live_portal}/bekymringer/")
    page.get_by_role("link", name="Mentorstøtte").first.click()
    if small := too_small(page):
        problems[page.url] = small
    assert not problems, problems
