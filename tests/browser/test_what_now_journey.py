"""Every screen says what now (issue 25), on a phone of 375 × 667 — the smallest screen the
portal is made for: each person's next step is on the first screen, the helper reads about the
citizen with every word of a button apart, Peter (no forløb) gets a number to call, Jens reads
what happens when his forløb ends in 8 days, Lone's next action is above the fold on her
concern page (and on a tablet), and the figures' goal lines never cross their words."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import (
    assert_accessible,
    forloeb_ends_in,
    laid_out,
    on_first_screen,
    send_concern,
)

pytestmark = pytest.mark.browser
SMALL_PHONE = {"width": 375, "height": 667}
TABLET = {"width": 768, "height": 1024}


@pytest.fixture
def small_phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=SMALL_PHONE, is_mobile=True, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def tablet(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=TABLET, locale="da-DK")
    page = context.new_page()
    yield page
    context.close()


def words_apart(locator) -> None:
    """The words a person sees on a control are separate words (a flex button once showed
    "SkrivJens'bekymring")."""
    for text in locator.all_inner_texts():
        assert not re.search(r"[a-zæøå'][A-ZÆØÅ]", text), f"words fused: {text!r}"


def test_the_helper_reads_about_jens_and_sees_the_next_step_first(small_phone, live_portal):
    forloeb_ends_in(live_portal.app, "demo-forloeb-jens", 60)
    small_phone.goto(f"{live_portal}/login")
    small_phone.get_by_role("button", name="Sofie Testhansen").click()
    small_phone.get_by_role("button", name="På vegne af Jens Testhansen").click()
    now = small_phone.locator("section.portal-now")
    expect(now).to_contain_text("Det sker nu")
    on_first_screen(small_phone, now)
    assert_accessible(small_phone)

    send_concern(small_phone, "Mentorstøtte", "Jens får ondt", "Ryg.", "Jens")
    words_apart(small_phone.get_by_role("button"))
    small_phone.goto(f"{live_portal}/mit-forloeb")
    expect(now).to_contain_text("Bekymringen er sendt. Jens hører snart fra kommunen.")
    on_first_screen(small_phone, now)
    small_phone.get_by_role("link", name="Se bekymringen").click()
    answers = small_phone.locator("dl.portal-facts").first
    expect(answers).to_contain_text("Jens får ondt")
    expect(small_phone.get_by_text("Jeg får ondt")).to_have_count(0)
    words_apart(small_phone.get_by_role("button"))
    words_apart(small_phone.locator("a.button"))
    assert_accessible(small_phone)


def test_peter_without_a_forloeb_gets_a_number_to_call(small_phone, live_portal):
    small_phone.goto(f"{live_portal}/login")
    small_phone.get_by_role("button", name="Peter Uden-Forløb").click()
    expect(small_phone.get_by_role("heading", level=1)).to_have_text(
        "Vi kan ikke finde et ressourceforløb"
    )
    call = small_phone.locator("main a[href^='tel:']")
    expect(call).to_have_count(1)
    expect(small_phone.locator("main").get_by_text(re.compile("Åbent: .+"))).to_be_visible()
    expect(small_phone.get_by_role("link", name="Find din kommune på borger.dk")).to_be_visible()
    assert_accessible(small_phone)


def test_jens_reads_what_happens_when_his_forloeb_ends_in_eight_days(small_phone, live_portal):
    forloeb_ends_in(live_portal.app, "demo-forloeb-jens", 8)
    small_phone.goto(f"{live_portal}/login")
    small_phone.get_by_role("button", name="Jens Testhansen").click()
    small_phone.goto(f"{live_portal}/mit-forloeb")
    now = small_phone.locator("section.portal-now")
    expect(now).to_contain_text("Dit forløb slutter")
    on_first_screen(small_phone, now)
    now.get_by_role("link", name="Læs mere").click()
    section = small_phone.locator("section[aria-labelledby='forloeb-ends-heading']")
    expect(section).to_contain_text("Det får du at vide i en afgørelse.")
    expect(section).to_contain_text("aktindsigt")
    expect(section.locator("a[href^='tel:']").first).to_be_visible()
    expect(section).to_contain_text("Åbent:")
    assert_accessible(small_phone)


def _lone_opens_the_newest_concern(page: Page, live_portal) -> None:
    page.goto(f"{live_portal}/sagsbehandler/")
    page.get_by_role("link", name="Log ind med MitID Erhverv").click()
    page.get_by_role("button", name="Lone Madsen").click()
    page.locator("ul.queue-list h3 a").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bekymring B-")


@pytest.mark.parametrize("screen", ["small_phone", "tablet"])
def test_the_caseworkers_next_action_is_above_the_fold(request, browser, live_portal, screen):
    context = browser.new_context(viewport=SMALL_PHONE, is_mobile=True, locale="da-DK")
    mette = context.new_page()
    mette.goto(f"{live_portal}/login")
    mette.get_by_role("button", name="Mette Testesen").click()
    send_concern(mette, "Virksomhedspraktik i en planteskole", "Der er for mange timer", "Ryg.")
    context.close()

    desk = request.getfixturevalue(screen)
    _lone_opens_the_newest_concern(desk, live_portal)
    card = desk.locator("section.casework-summary")
    expect(card).to_contain_text("Det skal ske nu")
    action = card.get_by_role("link", name="Kvitter nu")
    on_first_screen(desk, action)
    action.click()
    expect(desk.get_by_role("heading", name="Kvitter for bekymringen")).to_be_in_viewport()
    assert_accessible(desk)


def test_the_goal_lines_never_cross_the_figures_words(small_phone, live_portal):
    small_phone.goto(f"{live_portal}/sagsbehandler/")
    small_phone.get_by_role("link", name="Log ind med MitID Erhverv").click()
    small_phone.get_by_role("button", name="Karim Olsen").click()
    small_phone.get_by_role("link", name="Tal om retten").click()
    crossings = laid_out(small_phone).evaluate(
        """() => {
          const hit = (a, b) => a.left < b.right && b.left < a.right
                                && a.top < b.bottom && b.top < a.bottom;
          const found = [];
          for (const line of document.querySelectorAll('svg.chart line.chart-goal')) {
            const l = line.getBoundingClientRect();
            for (const text of line.ownerSVGElement.querySelectorAll('text')) {
              if (hit(l, text.getBoundingClientRect())) found.push(text.textContent);
            }
          }
          return found;
        }"""
    )
    assert crossings == []
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 375
