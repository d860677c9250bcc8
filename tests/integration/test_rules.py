"""'Dine rettigheder': every page renders in both languages, with its rules and date."""

from __future__ import annotations

import pytest

from portal.rules.pages import PAGES
from tests.factories import login
from tests.pages import text_of


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("page", PAGES, ids=[p.slug for p in PAGES])
def test_every_rules_page_renders_with_summary_rules_and_date(client, page, lang):
    response = client.get(f"/dine-rettigheder/{page.slug}?lang={lang}")
    assert response.status_code == 200
    text = text_of(response)
    if lang == "da":
        assert "Kort fortalt" in text and "Regler" in text and "Sidst opdateret" in text
        assert "1. december 2026" in text
    else:
        assert "In short" in text and "Rules" in text and "Last updated" in text
    for source in page.sources:
        assert source.url in response.get_data(as_text=True)


def test_the_index_lists_every_page_and_the_glossary(client):
    text = text_of(client.get("/dine-rettigheder/"))
    for page in PAGES:
        assert page.title in text
    assert "Ord og begreber" in text


def test_the_glossary_explains_every_term_of_the_domain(client):
    text = text_of(client.get("/dine-rettigheder/ord-og-begreber"))
    for term in [
        "ressourceforløb",
        "tilbud",
        "bekymring",
        "sundhedskoordinator",
        "koordinerende sagsbehandler",
        "pårørende",
        "fuldmagt",
        "bisidder",
        "sat i bero",
        "afgørelse",
        "aktindsigt",
        "skånehensyn",
        "klinisk funktion",
    ]:
        assert term in text, term


def test_an_unknown_rules_page_is_not_found(client):
    assert client.get("/dine-rettigheder/findes-ikke").status_code == 404


def test_the_uncertain_is_said_to_be_uncertain(client):
    text = text_of(client.get("/dine-rettigheder/aendringer-2026"))
    assert "Vi ved ikke helt, om alle regler i dit forløb bliver ved med at gælde." in text
    assert "Vi har tjekket reglerne den 1. december 2026." in text
    meeting = text_of(client.get("/dine-rettigheder/efter-bekymring"))
    assert "Loven siger ikke, hvor hurtigt mødet skal holdes." in meeting


def test_help_where_it_is_needed_links_to_the_rules(client, db, demo):
    from sqlalchemy import select

    from portal.models import Offer

    login(client, "mette")
    offer_id = db.scalar(select(Offer.id).where(Offer.external_id == "demo-offer-mette-1"))
    page = client.get(f"/tilbud/{offer_id}").get_data(as_text=True)
    assert page.count('class="details help-text"') == 2
    assert 'href="/dine-rettigheder/helbred"' in page
    assert 'href="/dine-rettigheder/sundhedskoordinator"' in page
    assert 'href="/dine-rettigheder/"' in client.get("/mit-forloeb").get_data(as_text=True)


def test_a_dated_rule_is_shown_from_its_day_without_a_deploy(client, monkeypatch):
    """The merger of two regions is prepared now and shown from 1 January 2027."""
    from datetime import date

    import portal.rules

    monkeypatch.setattr(portal.rules, "today_in_denmark", lambda: date(2026, 12, 31))
    before = text_of(client.get("/dine-rettigheder/aendringer-2026"))
    assert "To regioner bliver til én i 2027" in before
    assert "Region Hovedstaden og Region Sjælland er nu Region Østdanmark" not in before
    assert "Gælder fra 1. februar 2026" in before

    monkeypatch.setattr(portal.rules, "today_in_denmark", lambda: date(2027, 1, 1))
    after = text_of(client.get("/dine-rettigheder/aendringer-2026"))
    assert "Region Hovedstaden og Region Sjælland er nu Region Østdanmark" in after
    assert "To regioner bliver til én i 2027" not in after
    assert "Gælder fra 1. januar 2027" in after


def test_the_right_page_says_it_applies_while_the_forloeb_runs_and_since_when(client):
    text = text_of(client.get("/dine-rettigheder/sundhedskoordinator"))
    assert "Gælder fra 1. januar 2022" in text
    assert "Den gælder, mens dit forløb kører, og for tilbud i forløbet." in text
    assert "Det er startdatoen og den dag, du sender, der afgør det." in text
