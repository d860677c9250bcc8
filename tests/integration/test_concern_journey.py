"""The concern form as a citizen uses it: step by step, errors, resume, send once, follow."""

from __future__ import annotations

import re
import urllib.parse

import pytest
from sqlalchemy import func, select

from portal.models import Concern, ConcernEvent, Offer, OfferStatus
from tests.factories import (
    STEPS,
    callback_path,
    csrf_token,
    fill_all,
    idp_login_url,
    login,
    offer_id,
    pick_persona,
    post_step,
    start,
)
from tests.pages import text_of


def test_the_whole_journey_before_the_offer_starts(client, db, demo):
    login(client, "mette")
    concern_id = fill_all(client, db)
    summary = client.get(f"/bekymringer/{concern_id}/opsummering")
    text = text_of(summary)
    assert "Trin 6 af 6" in text
    assert "Der er for mange timer, Jeg bliver for træt" in text
    assert "&lt;b&gt;efter&lt;/b&gt;" in summary.get_data(as_text=True), "markup shown as text"
    assert "Din sagsbehandler og sundhedskoordinatoren kan se dine svar" in text

    sent = client.post(f"/bekymringer/{concern_id}/send", data={"csrf_token": csrf_token(summary)})
    assert sent.headers["Location"] == f"/bekymringer/{concern_id}/kvittering"
    receipt = text_of(client.get(sent.headers["Location"]))
    reference = re.search(r"B-\d{4}-\d{6}", receipt).group(0)
    assert "Tilbuddet er sat i bero" in receipt
    assert "inden 4 uger fra den dag, du fik afgørelsen" in receipt
    assert text_of(client.get(sent.headers["Location"])) == receipt, "the receipt can be reloaded"

    again = client.post(f"/bekymringer/{concern_id}/send", data={"csrf_token": csrf_token(summary)})
    assert again.headers["Location"] == f"/bekymringer/{concern_id}/kvittering"
    assert db.scalar(select(func.count()).select_from(Concern)) == 1
    assert db.scalar(select(Offer.status).where(Offer.id == offer_id(db))) is OfferStatus.ON_HOLD

    listing = text_of(client.get("/bekymringer/"))
    assert reference in listing and "Sendt" in listing
    detail = text_of(client.get(f"/bekymringer/{concern_id}"))
    assert "Du sendte din bekymring." in detail
    assert "Sat i bero" in text_of(client.get(f"/tilbud/{offer_id(db)}"))


def test_field_errors_are_specific_and_keep_what_was_typed(client, db, demo):
    login(client, "mette")
    concern_id = fill_all(client, db)
    long_text = "x" * 2100
    response = post_step(
        client, f"/bekymringer/{concern_id}/trin/2", {"worries": [], "worry_text": long_text}
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "Der er problemer" in text
    assert "Du kan højst skrive 2000 tegn. Du har skrevet 2100." in text
    assert long_text in response.get_data(as_text=True), "the typed text is kept"
    assert 'aria-invalid="true"' in response.get_data(as_text=True)

    response = post_step(
        client,
        f"/bekymringer/{concern_id}/trin/5",
        {"meeting_form": "", "phone": "123", "email": "ikke-en-mail"},
    )
    text = text_of(response)
    assert "Vælg, hvordan du vil holde samtalen." in text
    assert "Skriv telefonnummeret med 8 cifre" in text
    assert "Skriv en e-mailadresse som navn@eksempel.dk." in text
    assert 'value="ikke-en-mail"' in response.get_data(as_text=True)


def test_a_draft_survives_a_new_login_and_continues_where_it_was(app, client, db, demo):
    login(client, "mette")
    url = start(client, db)
    concern_id = int(re.search(r"/bekymringer/(\d+)/", url).group(1))
    post_step(client, url, STEPS[1])
    post_step(client, f"/bekymringer/{concern_id}/trin/2", STEPS[2])

    later = app.test_client()
    login(later, "mette")
    listing = text_of(later.get("/bekymringer/"))
    assert "Kladde" in listing
    resumed = later.get(f"/bekymringer/{concern_id}")
    assert resumed.headers["Location"] == f"/bekymringer/{concern_id}/trin/3"
    page = later.get(f"/bekymringer/{concern_id}/trin/2").get_data(as_text=True)
    assert "Jeg bliver meget træt" in page, "earlier answers are shown again"
    restarted = start(later, db)
    assert restarted == f"/bekymringer/{concern_id}/trin/3", "starting again resumes the draft"


def test_steps_cannot_be_skipped(client, db, demo):
    login(client, "mette")
    url = start(client, db)
    concern_id = int(re.search(r"/bekymringer/(\d+)/", url).group(1))
    assert client.get(f"/bekymringer/{concern_id}/trin/4").headers["Location"] == url
    assert client.get(f"/bekymringer/{concern_id}/opsummering").headers["Location"] == url


def test_someone_elses_concern_is_not_found(app, client, db, demo):
    login(client, "mette")
    concern_id = fill_all(client, db)
    other = app.test_client()
    login(other, "ali")
    for path in ["", "/trin/1", "/opsummering", "/kvittering", "/traek-tilbage"]:
        assert other.get(f"/bekymringer/{concern_id}{path}").status_code == 404, path
    token = csrf_token(other.get("/bekymringer/"))
    assert (
        other.post(f"/bekymringer/{concern_id}/send", data={"csrf_token": token}).status_code == 404
    )
    assert (
        other.post(
            "/bekymringer/ny", data={"csrf_token": token, "offer_id": offer_id(db)}
        ).status_code
        == 404
    )


def test_an_ended_offer_is_explained(client, db, demo):
    offer = db.get(Offer, offer_id(db))
    offer.status = OfferStatus.CANCELLED
    db.commit()
    login(client, "mette")
    token = csrf_token(client.get("/bekymringer/"))
    response = client.post("/bekymringer/ny", data={"csrf_token": token, "offer_id": offer.id})
    assert response.status_code == 409
    assert "Dette tilbud er slut eller aflyst." in text_of(response)


def test_adding_information_and_withdrawing(client, db, demo):
    login(client, "mette")
    concern_id = fill_all(client, db)
    summary = client.get(f"/bekymringer/{concern_id}/opsummering")
    client.post(f"/bekymringer/{concern_id}/send", data={"csrf_token": csrf_token(summary)})

    detail = client.get(f"/bekymringer/{concern_id}")
    empty = client.post(
        f"/bekymringer/{concern_id}/tilfoej",
        data={"csrf_token": csrf_token(detail), "information": "  "},
    )
    assert empty.status_code == 400
    assert "Skriv det, du vil tilføje, eller vælg en fil." in text_of(empty)
    added = client.post(
        f"/bekymringer/{concern_id}/tilfoej",
        data={"csrf_token": csrf_token(detail), "information": "Også knæet."},
    )
    assert added.status_code == 302
    assert "Du tilføjede: Også knæet." in text_of(client.get(added.headers["Location"]))

    confirm = client.get(f"/bekymringer/{concern_id}/traek-tilbage")
    assert "Tilbuddet er ikke længere i bero" in text_of(confirm)
    client.post(
        f"/bekymringer/{concern_id}/traek-tilbage", data={"csrf_token": csrf_token(confirm)}
    )
    detail = text_of(client.get(f"/bekymringer/{concern_id}"))
    assert "Du trak din bekymring tilbage." in detail
    assert "Tilføj noget" not in detail
    assert db.scalar(select(Offer.status).where(Offer.id == offer_id(db))) is OfferStatus.PLANNED


def test_an_offer_without_the_right_says_so_on_the_first_step(client, db, demo):
    login(client, "birgitte")
    url = start(client, db, "demo-offer-birgitte-1")
    assert "Retten til et møde med en sundhedskoordinator gælder ikke" in text_of(client.get(url))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_step_renders_in_both_languages(client, db, demo, lang):
    headings = {
        "da": [
            "Er tilbuddet startet?",
            "Hvad er du bekymret for?",
            "Dit helbred",
            "Hvad kunne hjælpe?",
            "Samtalen",
            "Opsummering",
        ],
        "en": [
            "Has the offer started?",
            "What are you worried about?",
            "Your health",
            "What could help?",
            "The meeting",
            "Summary",
        ],
    }[lang]
    step_of = {"da": "Trin {n} af 6", "en": "Step {n} of 6"}[lang]
    login(client, "mette")
    concern_id = fill_all(client, db)
    pages = [f"/bekymringer/{concern_id}/trin/{n}" for n in range(1, 6)]
    pages.append(f"/bekymringer/{concern_id}/opsummering")
    for number, (path, heading) in enumerate(zip(pages, headings, strict=True), start=1):
        page = client.get(f"{path}?lang={lang}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert f'<html lang="{lang}">' in html
        assert f"<h1>{heading}</h1>" in html, (lang, number)
        assert step_of.format(n=number) in text_of(page)


def test_deleting_a_draft(client, db, demo):
    login(client, "mette")
    concern_id = fill_all(client, db)
    summary = client.get(f"/bekymringer/{concern_id}/opsummering")
    response = client.post(
        f"/bekymringer/{concern_id}/slet", data={"csrf_token": csrf_token(summary)}
    )
    assert response.headers["Location"] == "/bekymringer/?deleted=1"
    kept = db.get(Concern, concern_id)
    assert kept.status == "discarded", "only the fact that one was started stays, to be counted"
    assert kept.answers == {} and kept.steps_done == 0, "what was written is gone"
    assert db.scalar(select(func.count()).select_from(ConcernEvent)) == 0
    assert client.get(f"/bekymringer/{concern_id}").status_code == 404
    assert f"/bekymringer/{concern_id}" not in client.get("/bekymringer/").get_data(as_text=True)
    assert client.get(f"/tilbud/{offer_id(db)}").status_code == 200
    again = start(client, db)
    assert f"/bekymringer/{concern_id}/" not in again, "a new draft, not the deleted one"


def test_a_refused_write_keeps_the_typed_text_and_the_draft(client, db, demo, monkeypatch):
    from portal.services import concerns as service

    login(client, "mette")
    url = start(client, db)
    concern_id = int(re.search(r"/bekymringer/(\d+)/", url).group(1))
    post_step(client, url, STEPS[1])

    def refuse(*_args, **_kwargs):
        raise service.NotSaved

    monkeypatch.setattr(service, "save_step", refuse)
    response = post_step(client, f"/bekymringer/{concern_id}/trin/2", STEPS[2])
    assert response.status_code == 503
    assert "Vi kunne ikke gemme dine svar" in text_of(response)
    assert "Jeg bliver meget træt" in response.get_data(as_text=True)
    monkeypatch.undo()
    assert db.get(Concern, concern_id).steps_done == 1, "the draft is as it was"


def test_after_a_timeout_the_citizen_comes_back_to_the_same_step(client, db, demo):
    from sqlalchemy import update

    from portal.db import utcnow
    from portal.models import LoginSession

    login(client, "mette")
    url = start(client, db)
    post_step(client, url, STEPS[1])
    step_two = url.replace("/trin/1", "/trin/2")
    db.execute(update(LoginSession).values(idle_expires_at=utcnow()))
    db.commit()
    timed_out = client.get(step_two)
    assert timed_out.headers["Location"] == f"/logget-af?reason=timeout&next={step_two}"
    page = client.get(timed_out.headers["Location"])
    link = re.search(r'href="(/login\?next=[^"]+)"', page.get_data(as_text=True)).group(1)
    assert urllib.parse.unquote(link) == f"/login?next={step_two}"
    assert "kommer du tilbage til siden, hvor du var" in text_of(page)
    callback = pick_persona(idp_login_url(client, f"/login?next={step_two}"), "mette")
    assert client.get(callback_path(callback)).headers["Location"] == step_two


def test_a_concern_can_be_started_from_mine_bekymringer(client, db, demo):
    login(client, "mette")
    page = client.get("/bekymringer/")
    text = text_of(page)
    assert "Skriv en bekymring om Virksomhedspraktik i en planteskole" in text
    assert "Skriv en bekymring om Mentorstøtte" in text
    response = client.post(
        "/bekymringer/ny", data={"csrf_token": csrf_token(page), "offer_id": offer_id(db)}
    )
    assert re.fullmatch(r"/bekymringer/\d+/trin/1", response.headers["Location"])
