"""What the browser journeys share: the phone viewport, the accessibility check, sending a
concern about an offer, and setting the scene in the live portal's database."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from portal.i18n import genitive

PHONE = {"width": 375, "height": 812}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def laid_out(page: Page) -> Page:
    """The page as a person sees it: its stylesheet and fonts loaded. A click returns once the
    next page starts loading, and what is measured before the stylesheet arrives is the browser's
    default layout (CI once measured the front page unstyled, at the default 8 px margin)."""
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def box(page: Page, locator) -> dict | None:
    """Where ``locator`` is drawn on the laid-out page (None when it is not shown)."""
    laid_out(page)
    return locator.bounding_box()


def on_first_screen(page: Page, locator, what: str = "") -> None:
    """Seen without scrolling: the element is shown and lies within the viewport's height."""
    drawn = box(page, locator)
    assert drawn is not None, f"{what} not shown"
    bottom, height = drawn["y"] + drawn["height"], page.viewport_size["height"]
    assert drawn["y"] >= 0 and bottom <= height, f"{what} ends {bottom:.0f} px down of {height}"


def assert_accessible(page: Page) -> None:
    """Zero axe-core violations of the WCAG 2.1 A and AA rules on the page as shown."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    summary = [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in violations
    ]
    assert not violations, f"axe on {page.url}: " + "; ".join(summary)


def send_concern(
    page: Page, offer_title: str, worry: str, health_text: str, helping: str | None = None
) -> str:
    """From "Dine tilbud" through the five steps to the receipt, by mouse (the keyboard journey
    is its own test); returns the reference number. With the right the health step also asks
    whether the doctor knows; without it, it does not. A relative ``helping`` a citizen (their
    first name) finds every label written about the citizen ("Jens' telefonnummer")."""
    they = helping
    their = genitive(helping, "da") if helping else None
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    page.goto(f"{origin}/tilbud")
    page.get_by_role("link", name=offer_title, exact=True).first.click()
    worried = page.get_by_role(
        "link",
        name=f"{they} er bekymret for, om tilbuddet passer til {their} helbred"
        if helping
        else "Jeg er bekymret for, om tilbuddet passer til mit helbred",
    )
    if worried.count() == 0:
        worried = page.get_by_role(
            "link", name=f"Sådan fortæller du {their or 'din'} sagsbehandler om det"
        )
    worried.click()
    page.get_by_role("button", name=f"Skriv {their or 'din'} bekymring").click()
    next_step = page.get_by_role("button", name="Gem og fortsæt", exact=True)
    next_step.click()
    page.get_by_label(worry).check()
    next_step.click()
    page.get_by_label(f"Hvad er vigtigt at vide om {their or 'dit'} helbred?").fill(health_text)
    if page.get_by_label("Ja", exact=True).count():
        page.get_by_label("Ja", exact=True).check()
    next_step.click()
    next_step.click()
    page.get_by_role("radio", name="Telefon").check()
    page.get_by_label(f"{their} telefonnummer" if helping else "Dit telefonnummer").fill(
        "20 30 40 50"
    )
    next_step.click()
    page.get_by_role("button", name="Send bekymringen" if helping else "Send din bekymring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kvittering")
    return re.search(r"B-\d{4}-\d{6}", page.content()).group(0)


def forloeb_ends_in(app, forloeb_id: str, days: int) -> None:
    """The live portal's version of tests.factories.forloeb_ends_in."""
    from portal import db as database
    from tests import factories

    with app.app_context(), database.new_session() as session:
        factories.forloeb_ends_in(session, forloeb_id, days)


def meeting_has_passed(app, reference: str) -> None:
    """Time passes for the live portal: the concern's booked meeting began an hour ago."""
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select

    from portal import db as database
    from portal.models import Concern
    from portal.services import concern_steps

    with app.app_context(), database.new_session() as session:
        concern = session.scalar(select(Concern).where(Concern.reference == reference))
        concern_steps.current_meeting(concern).starts_at = datetime.now(UTC) - timedelta(hours=1)
        session.commit()


def meeting_form(desk: Page):
    """The caseworker's form that books (or moves) the meeting; the page also has the form that
    offers the citizen times, with the same labels."""
    return desk.locator("form[action$='/moede']")


def fill_meeting(desk: Page, day: str, form: str, place: str) -> None:
    """The caseworker's meeting form, filled in as a caseworker would (not yet saved)."""
    booking = meeting_form(desk)
    booking.get_by_label("Dato").fill(day)
    booking.get_by_label("Klokkeslæt").fill("10:00")
    booking.get_by_label(form).check()
    booking.get_by_label("Sted eller link (frivilligt)").fill(place)
    booking.get_by_label("Sundhedskoordinatorens navn").fill("Dr. Anne Berg")
    booking.get_by_label("Regionens kliniske funktion").fill("Klinisk Funktion, Region Nord")


def advice_given(app, reference: str) -> None:
    """Set the scene: the concern has been acknowledged, its meeting held and the advice given
    (the journey that walks those steps in the browser is its own test)."""
    from sqlalchemy import select

    from portal import db as database
    from portal.models import Concern
    from tests import factories

    with app.app_context(), database.new_session() as session:
        concern = session.scalar(select(Concern).where(Concern.reference == reference))
        factories.walk(session, concern, "advice_given")


def coordinator_gives_advice(page: Page, live_portal: str, reference: str, advice: str) -> None:
    """The region's sundhedskoordinator (Anne, Region Nordjylland) logs in at MitID Erhverv, opens
    the concern from her list and writes her advice (issue 26); axe-checked on every page."""
    page.goto(f"{live_portal}/sagsbehandler/")
    page.get_by_role("link", name="Log ind med MitID Erhverv").click()
    page.get_by_role("button", name="Anne Berg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Møder om bekymringer")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(reference)).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Bekymring {reference}")
    assert_accessible(page)
    page.get_by_role("link", name="Skriv dit råd").click()
    page.get_by_role("textbox", name="Dit råd").fill(advice)
    page.get_by_role("button", name="Gem dit råd").click()
    expect(page.get_by_text("Dit råd er gemt.")).to_be_visible()
    assert_accessible(page)
