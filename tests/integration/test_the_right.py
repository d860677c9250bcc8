"""The right, by the rules (LAB § 113, stk. 3; BEK nr. 2409): what the portal promises and does
follows from the dates it knows, the meeting takes place before the advice, the citizen can
answer the advice, and the decision comes with reasons and klagevejledning."""

from __future__ import annotations

from sqlalchemy import select

from portal.domain.concerns import ConcernStatus as S
from portal.models import ApiClient, ConcernEvent, Offer, OfferStatus
from portal.services import concern_export, concerns
from tests.factories import (
    COMPLETE,
    TODAY,
    api_token,
    as_relative_for,
    csrf_token,
    forloeb_ends_in,
    login,
    offer,
    offer_id,
    principal,
    sent,
    walk,
)
from tests.pages import text_of


def test_a_started_offer_is_not_put_on_hold_whatever_the_answer(client, db, demo):
    """Ali's job started three weeks ago; he answers "Nej, ikke endnu". The dates decide."""
    ali = principal(db, demo["ali"])
    draft = concerns.start(db, ali, offer(db, "demo-offer-ali-1").id, TODAY)
    assert draft.answers["offer_started"] == "yes", "proposed from the dates"
    concerns.save_step(db, draft, 5, {**COMPLETE, "offer_started": "no"})
    concern = concerns.submit(db, ali, draft)
    assert concern.offer_started_when_sent is True
    assert concern.held_offer_status is None
    assert offer(db, "demo-offer-ali-1").status is OfferStatus.ACTIVE

    login(client, "ali")
    receipt = text_of(client.get(f"/bekymringer/{concern.id}/kvittering"))
    assert "sat i bero" not in receipt.replace("Derfor er det ikke sat i bero", "")
    assert "Loven siger ikke, hvad der gælder, når tilbuddet er startet." in receipt
    assert "Bliv ved med at møde op, til din sagsbehandler har svaret." in receipt
    assert "Lone Madsen" in receipt, "how to reach the caseworker now"
    offer_page = text_of(client.get(f"/tilbud/{concern.offer_id}"))
    assert "Sat i bero" not in offer_page


def test_the_caseworker_sees_when_the_answer_and_the_dates_disagree(app, db, demo):
    from tests.factories import caseworker_login

    ali = principal(db, demo["ali"])
    draft = concerns.start(db, ali, offer(db, "demo-offer-ali-1").id, TODAY)
    concerns.save_step(db, draft, 5, {**COMPLETE, "offer_started": "no"})
    concern = concerns.submit(db, ali, draft)
    lone = app.test_client()
    caseworker_login(lone, "lone")
    page = text_of(lone.get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert (
        "Borgeren svarede, at tilbuddet ikke var startet, men efter datoerne var det startet"
        in page
    )
    assert "Datoerne afgør, om tilbuddet er sat i bero." in page


def test_an_offer_after_the_forloeb_promises_nothing_and_takes_no_concern(client, db, demo):
    """Jens's forløb ends in two weeks; his course starts in a month."""
    forloeb_ends_in(db, "demo-forloeb-jens", 13)
    login(client, "jens")
    course = offer_id(db, "demo-offer-jens-1")
    page = text_of(client.get(f"/tilbud/{course}"))
    assert "Retten gælder for tilbud i forløbet, så den gælder ikke for dette tilbud." in page
    assert "Jeg er bekymret for, om tilbuddet passer til mit helbred" not in page
    worried = client.get(f"/tilbud/{course}/bekymret")
    assert "Du kan kun sende en bekymring om tilbud i dit forløb." in text_of(worried)
    assert "Skriv din bekymring" not in text_of(worried)
    refused = client.post(
        "/bekymringer/ny", data={"csrf_token": csrf_token(worried), "offer_id": course}
    )
    assert refused.status_code == 409
    assert "Du kan kun sende en bekymring om tilbud i dit forløb." in text_of(refused)
    front = text_of(client.get("/mit-forloeb"))
    assert "Dit forløb slutter – hvad så?" in front


def test_no_concern_once_the_forloeb_has_ended(client, db, demo):
    from portal.models import Forloeb

    forloeb = db.scalar(select(Forloeb).where(Forloeb.external_id == "demo-forloeb-mette"))
    forloeb.planned_end_date = TODAY.replace(year=TODAY.year - 1)
    forloeb.start_date = forloeb.planned_end_date.replace(year=forloeb.planned_end_date.year - 2)
    db.commit()
    login(client, "mette")
    practice = offer_id(db, "demo-offer-mette-1")
    assert "Din ret til en samtale" not in text_of(client.get(f"/tilbud/{practice}"))
    page = client.get("/bekymringer/")
    refused = client.post(
        "/bekymringer/ny", data={"csrf_token": csrf_token(page), "offer_id": practice}
    )
    assert refused.status_code == 409
    assert "Dit ressourceforløb er slut." in text_of(refused)


def test_an_offer_without_the_right_neither_mentions_the_coordinator_nor_asks_of_the_doctor(
    client, db, demo
):
    login(client, "birgitte")
    page = client.get(f"/tilbud/{offer_id(db, 'demo-offer-birgitte-2')}/bekymret")
    started = client.post(
        "/bekymringer/ny",
        data={"csrf_token": csrf_token(page), "offer_id": offer_id(db, "demo-offer-birgitte-2")},
    )
    concern_id = int(started.headers["Location"].split("/")[2])
    for number in (1, 2):
        form = client.get(f"/bekymringer/{concern_id}/trin/{number}")
        client.post(
            f"/bekymringer/{concern_id}/trin/{number}",
            data={"csrf_token": csrf_token(form), "offer_started": "no", "worries": ["hours"]},
        )
    health = client.get(f"/bekymringer/{concern_id}/trin/3")
    text = text_of(health)
    assert health.status_code == 200
    assert "sundhedskoordinator" not in text.lower()
    assert "læge" not in text
    assert "Jeg vil hellere sige det til min sagsbehandler" in text


def test_the_health_story_may_wait_for_the_meeting(client, db, demo):
    login(client, "mette")
    page = client.get(f"/tilbud/{offer_id(db)}/bekymret")
    started = client.post(
        "/bekymringer/ny", data={"csrf_token": csrf_token(page), "offer_id": offer_id(db)}
    )
    concern_id = int(started.headers["Location"].split("/")[2])
    for number, data in [(1, {"offer_started": "no"}), (2, {"worries": ["pain"]})]:
        form = client.get(f"/bekymringer/{concern_id}/trin/{number}")
        client.post(
            f"/bekymringer/{concern_id}/trin/{number}",
            data={"csrf_token": csrf_token(form), **data},
        )
    form = client.get(f"/bekymringer/{concern_id}/trin/3")
    empty = client.post(
        f"/bekymringer/{concern_id}/trin/3",
        data={"csrf_token": csrf_token(form), "health_text": "", "doctor_knows": "unknown"},
    )
    assert empty.status_code == 400
    assert "Eller vælg, at du hellere vil fortælle det, når I taler sammen." in text_of(empty)
    later = client.post(
        f"/bekymringer/{concern_id}/trin/3",
        data={
            "csrf_token": csrf_token(form),
            "health_text": "",
            "tell_later": "y",
            "doctor_knows": "unknown",
        },
    )
    assert later.status_code == 302
    assert "Må sundhedskoordinatoren kontakte din læge" not in text_of(form), "asked separately"


def test_consent_is_separate_informed_withdrawable_and_the_citizens_own(app, client, db, demo):
    _mette, concern = sent(db, demo)
    login(client, "mette")
    page = client.get(f"/bekymringer/{concern.id}/samtykke")
    text = text_of(page)
    for informed in ("Hvem", "Må kontakte", "Om hvad", "Hvor længe", "trække det tilbage"):
        assert informed in text, informed
    assert "Klinisk funktion, Region Nordjylland" in text, "the coordinator's unit is named"
    unanswered = client.post(
        f"/bekymringer/{concern.id}/samtykke",
        data={"csrf_token": csrf_token(page), "version": str(concern.version)},
    )
    assert unanswered.status_code == 400, "a consent is an answer the citizen gives"
    nameless = client.post(
        f"/bekymringer/{concern.id}/samtykke",
        data={"csrf_token": csrf_token(page), "version": str(concern.version), "answer": "yes"},
    )
    assert nameless.status_code == 400
    assert "Skriv navnet på din læge eller dit lægehus." in text_of(nameless)
    given = client.post(
        f"/bekymringer/{concern.id}/samtykke",
        data={
            "csrf_token": csrf_token(page),
            "version": str(concern.version),
            "answer": "yes",
            "doctor": "Lægehuset Torvet",
        },
    )
    assert given.status_code == 302
    detail = client.get(f"/bekymringer/{concern.id}")
    assert "Du gav sundhedskoordinatoren lov til at kontakte din læge." in text_of(detail)
    assert "Læge: Lægehuset Torvet" in text_of(detail)
    db.refresh(concern)
    withdrawn = client.post(
        f"/bekymringer/{concern.id}/samtykke/tilbagekald",
        data={"csrf_token": csrf_token(detail), "version": str(concern.version)},
    )
    assert withdrawn.status_code == 302
    assert "Du trak dit samtykke tilbage." in text_of(client.get(f"/bekymringer/{concern.id}"))
    kinds = db.scalars(select(ConcernEvent.kind).where(ConcernEvent.concern_id == concern.id)).all()
    assert kinds.count("consent_given") == 1 and kinds.count("consent_withdrawn") == 1


def test_a_relative_cannot_give_the_doctor_consent(app, db, demo):
    forloeb_ends_in(db, "demo-forloeb-jens", 60)
    jens = principal(db, demo["jens"])
    draft = concerns.start(db, jens, offer(db, "demo-offer-jens-2").id, TODAY)
    concerns.save_step(db, draft, 5, COMPLETE)
    concern = concerns.submit(db, jens, draft)
    assert concern.right_applies is False  # a mentor offer: nothing to consent to
    relative = as_relative_for(app, "Jens Testhansen")
    assert relative.get(f"/bekymringer/{concern.id}/samtykke").status_code == 404
    concern.right_applies = True  # as if it were an employment-oriented offer
    db.commit()
    page = relative.get(f"/bekymringer/{concern.id}/samtykke")
    assert "Kun borgeren selv kan give lov" in text_of(page)
    assert 'name="answer"' not in page.get_data(as_text=True)
    forced = relative.post(
        f"/bekymringer/{concern.id}/samtykke",
        data={
            "csrf_token": csrf_token(page),
            "version": str(concern.version),
            "answer": "yes",
            "doctor": "Lægehuset Torvet",
        },
    )
    assert forced.status_code == 403
    kinds = db.scalars(select(ConcernEvent.kind).where(ConcernEvent.concern_id == concern.id))
    assert "consent_given" not in list(kinds)


def test_the_decision_reaches_the_export_with_reasons_and_klagevejledning(db, demo):
    _mette, concern = sent(db, demo)
    walk(db, concern, "decided", decision="kept")
    db.expire_all()  # as a new request would see it
    api_token(db, "901", "export")
    nordby = db.scalars(select(ApiClient)).one()
    records, _cursor, _more = concern_export.changed(db, nordby, None, None, 10, str)
    record = next(r for r in records if r["reference"] == concern.reference)
    decision = record["decision"]
    assert decision["outcome"] == "kept"
    assert decision["assessment"] == "Du kan bedst tåle 8 timer om ugen."
    assert decision["facts"].startswith("Borgeren får ondt efter 3 timer.")
    assert any("§ 113, stk. 3" in rule for rule in decision["legal_basis"])
    assert decision["case_facts"]["sent_on"] == TODAY.isoformat()
    assert decision["delivery"] is None, "the letter is on its way"
    assert decision["complaint"]["deadline"] is None, "counted from the day it is received"
    assert decision["complaint"]["to"] == "Nordby Kommune"
    assert any("4 uger" in line for line in decision["complaint"]["guidance_da"])
    assert any("Ankestyrelsen" in line for line in decision["complaint"]["guidance_da"])
    assert record["meetings"][0]["outcome"] == "held"
    assert [e["kind"] for e in record["timeline"]][-2:] == ["advice_recorded", "decided"]
    assert db.get(Offer, concern.offer_id).status is OfferStatus.PLANNED
    assert concern.status is S.DECIDED
