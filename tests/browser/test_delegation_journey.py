"""A relative on a phone: Digital Fuldmagt at login, a concern sent for her father that he and
his caseworker see she sent, and a fuldmagt given in the portal that ends at once when it is
withdrawn. Every new page is axe-checked."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.helpers import PHONE, assert_accessible, box, forloeb_ends_in, send_concern

pytestmark = pytest.mark.browser


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    """Separate browsers for each person: nothing is shared between them."""
    opened: list[BrowserContext] = []

    def new() -> Page:
        context = browser.new_context(viewport=PHONE, is_mobile=True, locale="da-DK")
        opened.append(context)
        return context.new_page()

    yield new
    for context in opened:
        context.close()


def log_in(page: Page, live_portal: str, name: str) -> None:
    page.goto(f"{live_portal}/login")
    page.get_by_role("button", name=name).click()


def test_a_relative_acts_for_her_father_and_loses_access_when_it_is_withdrawn(
    contexts, live_portal
):
    forloeb_ends_in(live_portal.app, "demo-forloeb-jens", 60)
    sofie = contexts()
    log_in(sofie, live_portal, "Sofie Testhansen")
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Hvem vil du handle for?")
    # Digital Fuldmagt's token does not say until when: borger.dk does, never the session's end.
    expect(
        sofie.get_by_role("link", name="Se hvor længe den gælder på borger.dk").first
    ).to_have_attribute("href", re.compile(r"^https://www\.borger\.dk/"))
    expect(sofie.get_by_text(re.compile("Fuldmagten gælder til"))).to_have_count(0)
    assert_accessible(sofie)
    sofie.get_by_role("button", name="På vegne af Jens Testhansen").click()
    expect(sofie.get_by_text("Du handler på vegne af Jens Testhansen.")).to_be_visible()
    # Written to the helper, about Jens, in the third person.
    expect(sofie.get_by_text("Hej Sofie. Du hjælper Jens Testhansen.")).to_be_visible()
    expect(sofie.get_by_text("Teksterne handler om Jens.")).to_be_visible()
    expect(sofie.get_by_role("heading", name="Jens' sagsbehandler")).to_be_visible()
    expect(sofie.get_by_text(re.compile("Hej Jens"))).to_have_count(0)
    switch = box(sofie, sofie.get_by_role("link", name=re.compile("^Skift")))
    assert switch["width"] >= 44 and switch["height"] >= 44, "Skift is a full-size control"
    assert_accessible(sofie)

    reference = send_concern(
        sofie, "Mentorstøtte", "Jens bliver for træt", "Han har ondt i ryggen.", helping="Jens"
    )
    expect(sofie.get_by_text("Du handler på vegne af Jens Testhansen.")).to_be_visible()

    jens = contexts()
    log_in(jens, live_portal, "Jens Testhansen")
    jens.goto(f"{live_portal}/bekymringer/")
    jens.get_by_role("link", name="Mentorstøtte").first.click()
    expect(jens.get_by_text("Sofie Testhansen sendte bekymringen på dine vegne.")).to_be_visible()
    jens.goto(f"{live_portal}/hvem-har-set")
    expect(
        jens.get_by_text(re.compile(r"En pårørende med fuldmagt \(Sofie Testhansen\)")).first
    ).to_be_visible()

    karim = contexts()
    karim.goto(f"{live_portal}/sagsbehandler/login")
    karim.get_by_role("button", name="Karim Olsen").click()
    karim.get_by_label("Find et nummer (frivilligt)").fill(reference)
    karim.get_by_role("button", name="Vis").click()
    karim.get_by_role("link", name=re.compile(f"Jens Testhansen.*{reference}")).click()
    expect(
        karim.get_by_text("Sofie Testhansen, pårørende med fuldmagt, på borgerens vegne")
    ).to_be_visible()

    # Sofie withdraws it again for her father ("se og handle" allows it).
    sofie.get_by_role("link", name="Følg bekymringen").click()
    sofie.get_by_role("link", name="Træk bekymringen tilbage").click()
    sofie.get_by_role("button", name="Ja, træk bekymringen tilbage").click()
    expect(
        sofie.get_by_text("Sofie Testhansen trak bekymringen tilbage på Jens' vegne.")
    ).to_be_visible()

    # Mette gives Sofie a fuldmagt in the portal; her own CPR number is refused first.
    mette = contexts()
    log_in(mette, live_portal, "Mette Testesen")
    mette.get_by_role("link", name=re.compile("Giv en pårørende lov")).click()
    assert_accessible(mette)
    mette.get_by_label("Din pårørendes CPR-nummer").fill("010190-1111")
    mette.get_by_label("Din pårørendes navn").fill("Sofie Testhansen")
    mette.get_by_label("Se og handle: også sende og trække bekymringer tilbage").check()
    mette.get_by_role("button", name="Giv fuldmagt").click()
    expect(mette.get_by_role("heading", name="Der er problemer")).to_be_visible()
    expect(mette.get_by_label("Din pårørendes navn")).to_have_value("Sofie Testhansen")
    assert_accessible(mette)
    mette.get_by_label("Din pårørendes CPR-nummer").fill("050590-5555")
    mette.get_by_role("button", name="Giv fuldmagt").click()
    expect(mette.get_by_text("Fuldmagten er givet")).to_be_visible()

    sofie.get_by_role("link", name=re.compile("^Skift")).click()
    sofie.get_by_role("button", name="På vegne af Mette Testesen").click()
    expect(sofie.get_by_text("Du må se og handle.")).to_be_visible()

    # Sofie may send for Mette, but only Mette can let the coordinator contact her doctor.
    send_concern(
        sofie,
        "Virksomhedspraktik i en planteskole",
        "Mette får ondt",
        "Hun har ondt.",
        helping="Mette",
    )
    expect(sofie.get_by_role("link", name="Læs om samtykke")).to_have_count(0)
    sofie.get_by_role("link", name="Følg bekymringen").click()
    expect(
        sofie.get_by_text(re.compile("Kun borgeren selv kan give eller trække samtykke"))
    ).to_be_visible()
    sofie.goto(sofie.url + "/samtykke")
    expect(sofie.get_by_text("Kun borgeren selv kan give lov")).to_be_visible()
    expect(sofie.get_by_role("button", name="Giv lov")).to_have_count(0)
    assert_accessible(sofie)

    mette.get_by_role("button", name="Træk fuldmagten til Sofie Testhansen tilbage").click()
    expect(mette.get_by_text("Fuldmagten er trukket tilbage")).to_be_visible()

    sofie.get_by_role("link", name="Tilbage til bekymringen").click()
    expect(sofie.get_by_role("heading", level=1)).to_have_text("Din fuldmagt gælder ikke længere")
    expect(sofie.get_by_text("Du handler på vegne af")).to_have_count(0)
    assert_accessible(sofie)
