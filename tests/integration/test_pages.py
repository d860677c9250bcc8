"""Every page renders, in both languages, and passes the page-quality checks (tests/pages.py)."""

from __future__ import annotations

import pytest

from tests.factories import login

# The skip link is on every page: its words show which language the page is in.
SKIP_LINK = {"da": "Gå til sidens indhold", "en": "Go to the content of the page"}

PUBLIC_PAGES = [
    "/",
    "/kontakt",
    "/om-dine-data",
    "/tilgaengelighed",
    "/logget-af",
    "/logget-af?reason=timeout",
]


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_render(client, url, lang):
    response = client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert SKIP_LINK[lang] in page


@pytest.mark.parametrize("persona", ["mette", "ali", "birgitte", "jens", "sofie", "peter"])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_persona_gets_a_front_page(client, demo, persona, lang):
    login(client, persona)
    response = client.get(f"/mit-forloeb?lang={lang}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert demo[persona].name in page
    assert demo[persona].cpr not in page
    assert f'<html lang="{lang}">' in page and SKIP_LINK[lang] in page
    assert {"da": "Log af", "en": "Log out"}[lang] in page


def test_front_page_shows_the_municipality_contact_in_the_header(client, demo):
    login(client, "birgitte")
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert "Sydhavn Kommune" in page and 'href="tel:70405060"' in page
    assert "Karim Olsen" in page


def test_the_five_year_forloeb_from_2021_is_shown_with_its_dates(client, demo):
    login(client, "jens")
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert "15. december 2021" in page
    assert "14. december 2026" in page
    assert "startet før 2022" in page


def test_front_page_queries_do_not_grow_with_the_number_of_offers(client, db, demo, count_queries):
    from datetime import timedelta

    from portal.models import Forloeb, Offer, OfferKind
    from tests.factories import TODAY

    login(client, "mette")
    client.get("/mit-forloeb")  # the first page after login also saves the session's data
    with count_queries() as few:
        client.get("/mit-forloeb")
    forloeb = db.query(Forloeb).filter_by(external_id="demo-forloeb-mette").one()
    db.add_all(
        Offer(
            external_id=f"extra-{i}",
            forloeb=forloeb,
            kind=OfferKind.MENTOR,
            title=f"Ekstra {i}",
            start_date=TODAY + timedelta(days=30 + i),
        )
        for i in range(40)
    )
    db.commit()
    with count_queries() as many:
        client.get("/mit-forloeb")
    assert many.count == few.count


@pytest.mark.parametrize("persona", ["mette", "ali", "birgitte", "jens"])
@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_offer_page_renders_for_every_persona(client, db, demo, persona, lang):
    """Each page passes the page-quality checks (CheckedClient) in both languages."""
    from sqlalchemy import select

    from portal.models import Offer

    login(client, persona)
    urls = ["/tilbud", "/kalender"]
    for external_id in [o.external_id for o in demo[persona].forloeb.offers]:
        offer_id = db.scalar(select(Offer.id).where(Offer.external_id == external_id))
        urls += [f"/tilbud/{offer_id}", f"/tilbud/{offer_id}/bekymret"]
    for url in urls:
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert demo[persona].cpr not in page
        assert f'<html lang="{lang}">' in page and SKIP_LINK[lang] in page, url
