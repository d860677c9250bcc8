"""'Tal om retten' on a manager's phone (issue 17): from the queue to the figures, a period
chosen and a mistake corrected, charts with their tables at 375 px with no axe violation and no
sideways scrolling, the CSV downloaded, and the page as it prints — and all of it without
JavaScript too."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from portal.domain.figures import month_start
from tests.browser.helpers import assert_accessible
from tests.factories import TODAY

# The last month that is over, and one five months before it.
LAST = month_start(TODAY) - timedelta(days=1)
FIRST = month_start(LAST - timedelta(days=150))

pytestmark = pytest.mark.browser


def month_name(day) -> str:
    from babel.dates import format_date

    return format_date(day, "MMMM y", locale="da")


def _log_in_as_karim(page: Page, live_portal) -> None:
    page.goto(f"{live_portal}/sagsbehandler/")
    page.get_by_role("link", name="Log ind med MitID Erhverv").click()
    page.get_by_role("button", name="Karim Olsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bekymringer i kommunen")


def _fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways ({width} px)"


def test_a_manager_reads_the_figures_on_a_phone(phone: Page, live_portal):
    _log_in_as_karim(phone, live_portal)
    phone.get_by_role("link", name="Tal om retten").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tal om retten")
    expect(phone.get_by_role("img", name="Bekymringer trin for trin")).to_be_visible()
    expect(phone.get_by_role("table", name="Bekymringer trin for trin")).to_be_visible()
    assert_accessible(phone)
    _fits_the_phone(phone)

    phone.get_by_label("Første måned").fill(f"{FIRST:%Y-%m}")
    phone.get_by_label("Sidste måned").fill(f"{month_start(FIRST) - timedelta(days=1):%Y-%m}")
    phone.get_by_role("button", name="Vis tallene").click()
    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("Den sidste måned skal ligge efter den første måned.")
    expect(phone.get_by_label("Første måned")).to_have_value(f"{FIRST:%Y-%m}")
    assert_accessible(phone)
    summary.get_by_role("link").click()
    expect(phone.get_by_label("Sidste måned")).to_be_focused()
    phone.get_by_label("Sidste måned").fill(f"{LAST:%Y-%m}")
    phone.get_by_label("Slags tilbud").select_option(label="Virksomhedspraktik")
    phone.get_by_role("button", name="Vis tallene").click()
    expect(phone.get_by_text("Kun tilbud af slagsen Virksomhedspraktik.")).to_be_visible()
    expect(
        phone.get_by_role("heading", name="Hvilke tilbud handler bekymringerne om?")
    ).to_have_count(0)
    assert_accessible(phone)
    _fits_the_phone(phone)

    with phone.expect_download() as download:
        phone.get_by_role("link", name="Hent tallene som CSV-fil").click()
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert saved.startswith("\ufeffTal;Værdi;Fra;Til")
    assert "Bekymringer sendt;" in saved and f";{FIRST};{LAST}" in saved

    phone.emulate_media(media="print")
    expect(phone.get_by_role("img", name="Bekymringer trin for trin")).to_be_visible()
    expect(phone.get_by_role("button", name="Vis tallene")).to_be_hidden()


def test_the_figures_need_no_javascript(phone_without_js: Page, live_portal):
    _log_in_as_karim(phone_without_js, live_portal)
    phone_without_js.goto(f"{live_portal}/kommune/tal-om-retten")
    phone_without_js.get_by_label("Første måned").fill(f"{FIRST:%Y-%m}")
    phone_without_js.get_by_role("button", name="Vis tallene").click()
    expect(phone_without_js.get_by_text(f"Periode: {month_name(FIRST)}")).to_be_visible()
    expect(phone_without_js.get_by_role("img", name="Afgørelser")).to_be_visible()
