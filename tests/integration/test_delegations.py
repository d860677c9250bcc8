"""Relatives acting under a fuldmagt, through HTTP: Digital Fuldmagt at login, choosing whom to
act for, the scopes, the access log, a fuldmagt given and withdrawn in the portal."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from portal.models import AuditEvent, Concern, ConcernEvent, Delegation, Offer
from tests.factories import (
    COMPLETE,
    TODAY,
    as_relative_for,
    caseworker_login,
    choose,
    csrf_token,
    forloeb_ends_in,
    login,
)
from tests.pages import text_of


def text(response) -> str:
    return response.get_data(as_text=True)


def send_concern(client, offer_id: int) -> int:
    """Through the pages, as whoever the client is; returns the concern's id."""
    page = client.get(f"/tilbud/{offer_id}/bekymret")
    started = client.post(
        "/bekymringer/ny", data={"offer_id": offer_id, "csrf_token": csrf_token(page)}
    )
    concern_id = int(re.search(r"/bekymringer/(\d+)/", started.headers["Location"]).group(1))
    answers = {"offer_started": "no", **COMPLETE}
    for number in range(1, 6):
        form = client.get(f"/bekymringer/{concern_id}/trin/{number}")
        data = {"csrf_token": csrf_token(form)}
        for key, value in answers.items():
            data[key] = value
        client.post(f"/bekymringer/{concern_id}/trin/{number}", data=data)
    summary = client.get(f"/bekymringer/{concern_id}/opsummering")
    sent = client.post(f"/bekymringer/{concern_id}/send", data={"csrf_token": csrf_token(summary)})
    assert sent.headers["Location"].endswith("/kvittering"), text(sent)[:500]
    return concern_id


def offer_id(db, external_id: str) -> int:
    return db.scalar(select(Offer.id).where(Offer.external_id == external_id))


# -- Digital Fuldmagt at login and choosing --------------------------------------------------
def test_digital_fuldmagt_in_the_token_offers_the_grantors_to_choose_from(app, db, demo, caplog):
    caplog.set_level(logging.INFO)
    client = app.test_client()
    assert login(client, "sofie").headers["Location"] == "/vaelg"
    page = text(client.get("/vaelg"))
    assert "Mig selv" in page
    assert "På vegne af Jens Testhansen" in page and "På vegne af Birgitte Eksempel" in page
    assert "Peter" not in page, "another service's fuldmagt gives nothing here"
    assert "not for this portal" in caplog.text and "unknown here" in caplog.text
    assert "0707907777" not in caplog.text and "0404904444" not in caplog.text


def test_acting_for_a_citizen_shows_their_case_says_so_and_is_logged(app, db, demo):
    client = app.test_client()
    login(client, "sofie")
    before = client.get_cookie("portal_session").value
    choose(client, "Jens Testhansen")
    assert client.get_cookie("portal_session").value != before, "the session id is rotated"
    page = text_of(client.get("/mit-forloeb"))
    assert "Du handler på vegne af Jens Testhansen." in page and "Du må se og handle." in page
    assert "Kursus i rengøring og service" in page, "Jens' offer"
    assert "Hej Sofie. Du hjælper Jens Testhansen." in page, "written to the helper"
    assert "Hej Jens" not in page
    [looked] = db.scalars(select(AuditEvent).where(AuditEvent.actor_role == "relative")).all()
    assert looked.action == "relative.citizen.overview"
    assert looked.purpose == "relative_help"
    jens_id = db.scalar(
        select(Delegation.grantor_citizen_id)
        .limit(1)
        .where(Delegation.holder_name == "Sofie Testhansen", Delegation.scope == "act")
    )
    assert looked.subject_citizen_id == jens_id


def test_switching_back_to_oneself(app, db, demo):
    client = as_relative_for(app, "Jens Testhansen")
    page = client.get("/vaelg")
    client.post("/vaelg", data={"for": "self", "csrf_token": csrf_token(page)})
    own = text(client.get("/mit-forloeb"))
    assert "Du handler på vegne af" not in own
    assert "Vi kan ikke finde et ressourceforløb" in own, "Sofie has no forløb of her own"
    assert "Vælg, hvem du vil handle for" in own


def test_a_concern_sent_by_a_relative_says_so_to_the_citizen_and_the_caseworker(app, db, demo):
    forloeb_ends_in(db, "demo-forloeb-jens", 60)
    relative = as_relative_for(app, "Jens Testhansen")
    concern_id = send_concern(relative, offer_id(db, "demo-offer-jens-2"))
    concern = db.get(Concern, concern_id)
    assert concern.created_by_role == "relative"
    event = db.scalar(
        select(ConcernEvent).where(
            ConcernEvent.concern_id == concern_id, ConcernEvent.kind == "submitted"
        )
    )
    assert event.actor_role == "relative" and event.data["by"] == "Sofie Testhansen"

    jens = app.test_client()
    login(jens, "jens")
    assert "Sofie Testhansen sendte bekymringen på dine vegne." in text(
        jens.get(f"/bekymringer/{concern_id}")
    )
    log_page = text_of(jens.get("/hvem-har-set"))
    assert "En pårørende med fuldmagt (Sofie Testhansen): Hjælp til dig med en fuldmagt" in log_page

    karim = app.test_client()
    caseworker_login(karim, "karim")
    seen = text(karim.get(f"/sagsbehandler/bekymringer/{concern_id}"))
    assert "Sofie Testhansen, pårørende med fuldmagt, på borgerens vegne" in seen
    assert "Sofie Testhansen sendte bekymringen på borgerens vegne" in seen


def test_with_scope_see_a_relative_reads_but_cannot_act(app, db, demo):
    client = as_relative_for(app, "Birgitte Eksempel")
    page = client.get("/tilbud")
    assert page.status_code == 200 and "Du må kun se." in text(page)
    worried = text(client.get(f"/tilbud/{offer_id(db, 'demo-offer-birgitte-1')}/bekymret"))
    assert "Skriv din bekymring" not in worried, "no action is offered that would be refused"
    refused = client.post(
        "/bekymringer/ny",
        data={"offer_id": offer_id(db, "demo-offer-birgitte-1"), "csrf_token": csrf_token(page)},
    )
    assert refused.status_code == 403 and "Du må kun se" in text(refused)
    assert db.scalar(select(Concern.id).limit(1)) is None, "nothing was started"


def test_a_relative_trying_another_citizens_ids_gets_404(app, db, demo):
    client = as_relative_for(app, "Jens Testhansen")
    assert client.get(f"/tilbud/{offer_id(db, 'demo-offer-mette-1')}").status_code == 404
    page = client.get("/vaelg")
    mette_only = client.post("/vaelg", data={"for": "99999", "csrf_token": csrf_token(page)})
    assert mette_only.status_code == 404


def test_the_citizens_own_settings_are_not_for_a_relative(app, db, demo):
    client = as_relative_for(app, "Jens Testhansen")
    assert client.get("/fuldmagter").status_code == 403
    assert client.get("/kalender").status_code == 403


def test_a_fuldmagt_withdrawn_in_digital_fuldmagt_ends_at_the_next_login(app, db, demo, idp):
    acting = as_relative_for(app, "Jens Testhansen")
    sofie = idp.provider.personas["sofie"]
    idp.provider.personas["sofie"] = replace(sofie, privileges={})
    try:
        login(app.test_client(), "sofie")  # Sofie logs in again elsewhere, without the fuldmagt
    finally:
        idp.provider.personas["sofie"] = sofie
    ended = acting.get("/mit-forloeb")
    assert ended.status_code == 403 and "Din fuldmagt gælder ikke længere" in text(ended)
    assert "Du handler på vegne af" not in text(acting.get("/mit-forloeb"))


def test_an_expired_delegation_ends_access_on_the_next_request(app, db, demo):
    client = as_relative_for(app, "Jens Testhansen")
    db.execute(update(Delegation).values(valid_until=datetime.now(UTC) - timedelta(minutes=1)))
    db.commit()
    answer = client.get("/tilbud")
    assert answer.status_code == 403
    assert "Du kan ikke længere se eller handle for Jens Testhansen" in text(answer)


def test_hostile_privileges_are_ignored_and_logged_without_personal_data(
    app, db, demo, idp, caplog
):
    idp.provider.misbehave("hostile_privileges")
    client = app.test_client()
    assert login(client, "sofie").headers["Location"] == "/mit-forloeb", "nothing to choose"
    assert "digital fuldmagt ignored: xml_forbidden_construct" in caplog.text
    assert "passwd" not in caplog.text and "Sofie" not in caplog.text


# -- a fuldmagt given in the portal ----------------------------------------------------------
def grant(client, **changes):
    page = client.get("/fuldmagter")
    form = {
        "cpr": "050590-5555",
        "name": "Sofie Testhansen",
        "scope": "act",
        "ends_on": (TODAY + timedelta(days=30)).isoformat(),
        "csrf_token": csrf_token(page),
        **changes,
    }
    return client.post("/fuldmagter", data=form)


def test_a_citizen_gives_and_withdraws_a_fuldmagt_and_access_ends_at_the_next_click(app, db, demo):
    mette = app.test_client()
    login(mette, "mette")
    assert grant(mette).headers["Location"].endswith("/fuldmagter?givet=1")
    listed = text(mette.get("/fuldmagter"))
    assert "Sofie Testhansen" in listed and "Træk fuldmagten til Sofie Testhansen tilbage" in listed

    sofie = as_relative_for(app, "Mette Testesen")
    assert "Du handler på vegne af Mette Testesen." in text(sofie.get("/mit-forloeb"))

    delegation_id = db.scalar(select(Delegation.id).where(Delegation.source == "portal"))
    page = mette.get("/fuldmagter")
    withdrawn = mette.post(
        f"/fuldmagter/{delegation_id}/tilbagekald", data={"csrf_token": csrf_token(page)}
    )
    assert withdrawn.headers["Location"].endswith("tilbagekaldt=1")
    assert "Ingen har fuldmagt fra dig." in text(mette.get("/fuldmagter"))
    refused = sofie.get("/tilbud")
    assert refused.status_code == 403 and "Din fuldmagt gælder ikke længere" in text(refused)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cpr": "0101901111"}, "Du kan ikke give fuldmagt til dig selv."),
        ({"cpr": "12345"}, "Skriv CPR-nummeret med 10 cifre"),
        ({"ends_on": TODAY.isoformat()}, "Slutdatoen skal ligge efter i dag."),
        ({"ends_on": (TODAY + timedelta(days=2000)).isoformat()}, "højst ligge 1095 dage fremme"),
        ({"scope": "everything"}, "Vælg, hvad din pårørende må."),
    ],
)
def test_a_fuldmagt_that_cannot_be_given_is_refused_and_the_typing_kept(
    app, db, demo, change, message
):
    mette = app.test_client()
    login(mette, "mette")
    answer = grant(mette, **change)
    assert answer.status_code == 400
    assert message in text(answer) and "Der er problemer" in text(answer)
    assert 'value="Sofie Testhansen"' in text(answer)
    assert db.scalar(select(Delegation.id).limit(1)) is None


# -- the access log is complete for a relative -----------------------------------------------
def relative_entries(db) -> list[tuple[str, str]]:
    return [
        (e.action, e.purpose)
        for e in db.scalars(
            select(AuditEvent).where(AuditEvent.actor_role == "relative").order_by(AuditEvent.id)
        )
    ]


def test_every_write_and_look_of_a_relative_is_logged_once(app, db, demo):
    forloeb_ends_in(db, "demo-forloeb-jens", 60)
    relative = as_relative_for(app, "Jens Testhansen")
    db.execute(delete(AuditEvent))
    db.commit()

    concern_id = send_concern(relative, offer_id(db, "demo-offer-jens-2"))
    entries = relative_entries(db)
    writes = [action for action, _ in entries if action.startswith("concern.")]
    assert writes == ["concern.start", *["concern.save_step"] * 5, "concern.submit"]
    looks = [action for action, _ in entries if action.startswith("relative.")]
    # Each step and the summary are the pages a write led to: part of that write, one entry
    # each. Only the page Sofie opened herself is a look of its own.
    assert looks == ["relative.citizen.worried"]
    assert {purpose for _, purpose in entries} == {"relative_help"}
    relative.get(f"/bekymringer/{concern_id}/kvittering")  # the send's result page
    relative.get(f"/bekymringer/{concern_id}/kvittering")  # opened again: a look
    assert [a for a, _ in relative_entries(db)][len(entries) :] == ["relative.concerns.receipt"]

    db.execute(delete(AuditEvent))
    db.commit()
    page = relative.get(f"/bekymringer/{concern_id}")
    version = re.search(r'name="version" value="(\d+)"', text(page)).group(1)
    relative.post(
        f"/bekymringer/{concern_id}/tilfoej",
        data={"csrf_token": csrf_token(page), "version": version, "information": "Mere."},
    )
    relative.get(f"/bekymringer/{concern_id}?added=1")
    relative.post(  # nothing written: the page with the problem is a look
        f"/bekymringer/{concern_id}/tilfoej",
        data={"csrf_token": csrf_token(page), "version": version, "information": ""},
    )
    assert [a for a, _ in relative_entries(db)] == [
        "relative.concerns.detail",
        "concern.add_information",
        "relative.concerns.add_information",
    ]


def test_a_refused_attempt_of_a_relative_is_logged_as_refused(app, db, demo):
    client = as_relative_for(app, "Birgitte Eksempel")
    page = client.get("/tilbud")
    client.post(
        "/bekymringer/ny",
        data={"offer_id": offer_id(db, "demo-offer-birgitte-1"), "csrf_token": csrf_token(page)},
    )
    assert ("relative.concerns.start", "refused") in relative_entries(db)
