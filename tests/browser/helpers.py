"""What the browser journeys share: the phone viewport, the accessibility check, and sending a
concern from the front page."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

PHONE = {"width": 375, "height": 812}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_axe = Axe()


def assert_accessible(page: Page) -> None:
    """Zero axe-core violations of the WCAG 2.1 A and AA rules on the page as shown."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    summary = [
        f"{v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in violations
    ]
    assert not violations, f"axe on {page.url}: " + "; ".join(summary)


def send_concern_from_the_front_page(page: Page, worry: str, health_text: str) -> str:
    """From the front page's next offer through the five steps to the receipt, by mouse (the
    keyboard journey is its own test); returns the reference number."""
    page.get_by_role("link", name="Se tilbuddet").click()
    page.get_by_role(
        "link", name="Jeg er bekymret for, om tilbuddet passer til mit helbred"
    ).click()
    page.get_by_role("button", name="Skriv din bekymring").click()
    next_step = page.get_by_role("button", name="Gem og fortsæt")
    next_step.click()
    page.get_by_label(worry).check()
    next_step.click()
    page.get_by_label("Hvad er vigtigt at vide om dit helbred?").fill(health_text)
    page.get_by_label("Ja", exact=True).first.check()
    page.get_by_label("Nej", exact=True).last.check()
    next_step.click()
    next_step.click()
    page.get_by_role("radio", name="Telefon").check()
    page.get_by_label("Dit telefonnummer").fill("20 30 40 50")
    next_step.click()
    page.get_by_role("button", name="Send din bekymring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kvittering")
    return re.search(r"B-\d{4}-\d{6}", page.content()).group(0)
