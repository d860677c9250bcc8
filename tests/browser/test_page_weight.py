"""The page-weight budget of docs/architecture.md §10, measured in the browser (bytes, not
seconds)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.browser.helpers import PHONE

pytestmark = pytest.mark.browser

FIRST_VISIT_BUDGET = 150 * 1024
REPEAT_VISIT_BUDGET = 15 * 1024


def transferred(browser: Browser, url: str) -> tuple[int, list[str], int, list[str]]:
    """Bytes over the wire for a first visit and for a reload, each with what was fetched."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    first, fetched = sum(sizes.values()), listed(sizes, urls)
    sizes.clear()
    page.reload()
    page.wait_for_load_state("networkidle")
    repeat, refetched = sum(sizes.values()), listed(sizes, urls)
    context.close()
    return first, fetched, repeat, refetched


def listed(sizes: dict[str, int], urls: dict[str, str]) -> list[str]:
    return [f"{urls.get(r, r)} {size}" for r, size in sorted(sizes.items(), key=lambda x: -x[1])]


@pytest.mark.parametrize("path", ["/", "/dine-rettigheder/sundhedskoordinator"])
def test_a_first_visit_stays_within_the_budget(browser, live_portal, path):
    first, fetched, repeat, refetched = transferred(browser, f"{live_portal}{path}")
    assert first <= FIRST_VISIT_BUDGET, f"{first / 1024:.1f} KB: {fetched}"
    assert repeat <= REPEAT_VISIT_BUDGET, f"{repeat / 1024:.1f} KB: {refetched}"
    assert not [u for u in fetched if "/complete/" in u], f"only the font subsets: {fetched}"
