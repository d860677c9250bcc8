"""The decision reaches the plan (issue 22): after the municipality decides, every screen, file
and message shows what was decided — the old plan only on the decision page — and the case
system's later imports neither undo it silently nor are ignored when they follow it."""

from __future__ import annotations

import copy
from datetime import date, timedelta

from babel.dates import format_date
from sqlalchemy import select

from portal.domain.concerns import ConcernAction as A
from portal.domain.decisions import complaint_deadline
from portal.domain.offers import first_session
from portal.models import ApiClient, OfferDecision, OfferStatus, OutboxMessage
from portal.services import casework_steps, concern_export, concern_steps, concerns
from portal.services.case_import import import_batch
from portal.services.demo_seed import demo_batch
from tests.factories import (
    CASEWORKER,
    COMPLETE,
    CPR_KEY,
    TODAY,
    api_token,
    as_caseworker,
    as_citizen,
    feed_url,
    forloeb_ends_in,
    form_values,
    meeting_plan,
    offer,
    post_action,
    principal,
    sent,
    walk,
)
from tests.pages import text_of

NEW_START = TODAY + timedelta(days=30)


def long(day: date) -> str:
    return format_date(day, "EEEE 'den' d. MMMM y", locale="da")


def ics_start(day: date, weekdays: list[int], clock: str) -> str:
    return f"DTSTART;TZID=Europe/Copenhagen:{first_session(day, weekdays):%Y%m%d}T{clock}"


def adapt(app, db, concern, **plan) -> None:
    """Lone decides, through her form, that Mette's placement starts later, fewer hours."""
    fields = {
        "decision": "adapted",
        "facts": "Mette bliver træt efter 3 timer. Rådet er 6 timer om ugen.",
        "assessment": "Du kan bedst tåle 6 timer om ugen, to dage.",
        "start_date": NEW_START.isoformat(),
        "weekdays": ["MO", "TH"],
        "day_starts_at": "09:00",
        "day_ends_at": "12:00",
        "hours_per_week": "6",
        "early_reason": "Mette sagde på mødet, at hun ikke vil kommentere.",
        **plan,
    }
    answer = post_action(as_caseworker(app), concern.id, "beslutning", fields)
    assert answer.status_code == 302, text_of(answer)[:3000]
    db.expire_all()


def test_an_adapted_decision_is_the_plan_on_every_page_and_in_every_calendar(app, db, demo):
    _mette, concern = sent(db, demo)
    placement = offer(db, "demo-offer-mette-1")
    old_start = placement.start_date
    walk(db, concern, "advice_given")
    mette = as_citizen(app)
    feed = feed_url(mette)
    adapt(app, db, concern)

    assert placement.start_date == NEW_START and placement.weekdays == "MO,TH"
    assert placement.status is OfferStatus.PLANNED, "the hold is released"
    changed = f"Ændret efter din bekymring {long(TODAY)}."
    for path in ("/mit-forloeb", "/tilbud", f"/tilbud/{placement.id}"):
        page = text_of(mette.get(path))
        assert f"Starter {long(NEW_START)}" in page, path
        assert changed in page, path
        assert long(old_start) not in page, f"{path} still shows the old plan"
    offer_page = text_of(mette.get(f"/tilbud/{placement.id}"))
    assert "mandag, torsdag fra kl. 09.00 til 12.00" in offer_page
    assert "6 timer" in offer_page

    for ics in (mette.get(f"/tilbud/{placement.id}/kalender.ics"), mette.get(feed)):
        body = ics.get_data(as_text=True)
        assert ics_start(NEW_START, [0, 3], "090000") in body
        assert "BYDAY=MO,TH" in body and "T120000" in body
        assert ics_start(old_start, [0, 1, 3], "090000") not in body, "the old sessions are gone"
        assert "SEQUENCE:1" in body, "a calendar that has the event replaces it"

    letter = text_of(mette.get(f"/bekymringer/{concern.id}/afgoerelse"))
    assert "Planen nu" in letter and long(NEW_START) in letter
    assert "Planen før afgørelsen" in letter and long(old_start) in letter, "kept readable here"
    assert "Timer om ugen 12" in letter and "Timer om ugen 6" in letter


def test_a_stopped_offer_leaves_the_feed_and_says_so(app, db, demo):
    _mette, concern = sent(db, demo)
    placement = offer(db, "demo-offer-mette-1")
    walk(db, concern, "advice_given")
    mette = as_citizen(app)
    feed = feed_url(mette)
    assert placement.external_id in mette.get(feed).get_data(as_text=True)
    adapt(app, db, concern, decision="stopped")
    assert placement.status is OfferStatus.CANCELLED
    assert placement.external_id not in mette.get(feed).get_data(as_text=True)
    page = text_of(mette.get(f"/tilbud/{placement.id}"))
    assert f"Stoppet efter din bekymring {long(TODAY)}." in page
    assert "Føj til kalender" not in page
    one = mette.get(f"/tilbud/{placement.id}/kalender.ics").get_data(as_text=True)
    assert "STATUS:CANCELLED" in one


def test_a_replaced_offer_says_what_comes_instead(app, db, demo):
    _mette, concern = sent(db, demo)
    walk(db, concern, "advice_given")
    lone = as_caseworker(app)
    fields = {
        "decision": "replaced",
        "facts": "Planteskolen har kun tunge opgaver.",
        "assessment": "Et kontorjob passer bedre.",
        "early_reason": "Aftalt på mødet.",
    }
    refused = post_action(lone, concern.id, "beslutning", fields)
    assert refused.status_code == 400
    assert "Skriv, hvad borgeren får i stedet." in text_of(refused)
    fields["replacement"] = "Praktik på et kontor i Nordby."
    assert post_action(lone, concern.id, "beslutning", fields).status_code == 302
    db.expire_all()
    assert offer(db, "demo-offer-mette-1").status is OfferStatus.CANCELLED
    page = text_of(as_citizen(app).get(f"/bekymringer/{concern.id}"))
    assert "Det får du i stedet: Praktik på et kontor i Nordby." in page


def test_an_import_with_the_old_plan_keeps_the_decision_and_tells_the_caseworker(app, db, demo):
    _mette, concern = sent(db, demo)
    placement = offer(db, "demo-offer-mette-1")
    walk(db, concern, "advice_given")
    adapt(app, db, concern)

    import_batch(db, demo_batch(TODAY), CPR_KEY)  # tonight's batch: the case system's old plan
    db.expire_all()
    assert placement.start_date == NEW_START, "an import does not silently undo the decision"
    assert placement.weekdays == "MO,TH" and placement.hours_per_week == 6
    decided = db.scalar(select(OfferDecision).where(OfferDecision.concern_id == concern.id))
    assert decided.case_system == "disagrees"
    lone = as_caseworker(app)
    page = text_of(lone.get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "Sagssystemet har en anden plan for tilbuddet" in page
    assert f"Start: {long(TODAY + timedelta(days=9))}" in page, "what the case system said"
    queue = text_of(lone.get("/sagsbehandler/bekymringer"))
    assert concern.reference in queue and "Sagssystemet følger ikke" in queue
    assert long(NEW_START) in text_of(as_citizen(app).get("/mit-forloeb"))

    # The case system applies the decision: the point goes, and the case system owns the plan.
    batch = demo_batch(TODAY)
    mine = next(c for c in batch["citizens"] if c["name"] == "Mette Testesen")
    entry = next(o for o in mine["forloeb"][0]["offers"] if o["id"] == "demo-offer-mette-1")
    entry.update(start=NEW_START.isoformat(), weekdays=["MO", "TH"], hours_per_week=6)
    entry.update(day_ends_at="12:00")
    import_batch(db, batch, CPR_KEY)
    db.expire_all()
    assert decided.case_system == "agrees"
    page = text_of(lone.get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "Sagssystemet har en anden plan" not in page
    later = copy.deepcopy(batch)
    moved = next(c for c in later["citizens"] if c["name"] == "Mette Testesen")["forloeb"][0]
    moved["offers"][0]["place"] = "Grønt Hjørne, afdeling Syd"
    moved["offers"][0]["start"] = (NEW_START + timedelta(days=7)).isoformat()
    import_batch(db, later, CPR_KEY)
    db.expire_all()
    assert placement.start_date == NEW_START + timedelta(days=7), "the case system owns it again"


def test_a_new_decision_replaces_the_one_the_case_system_did_not_follow(app, db, demo):
    _mette, first = sent(db, demo)
    walk(db, first, "advice_given")
    adapt(app, db, first)
    import_batch(db, demo_batch(TODAY), CPR_KEY)
    mette = principal(db, demo["mette"])
    concern_steps.transition(db, CASEWORKER, first, A.CLOSE)
    draft = concerns.start(db, mette, offer(db, "demo-offer-mette-1").id, TODAY)
    assert draft.id != first.id
    concerns.save_step(db, draft, 5, COMPLETE)
    second = concerns.submit(db, mette, draft)
    walk(db, second, "advice_given")
    adapt(app, db, second, hours_per_week="8", weekdays=["MO", "TU", "TH"])
    states = dict(db.execute(select(OfferDecision.concern_id, OfferDecision.case_system)).all())
    assert states == {first.id: "replaced", second.id: "waiting"}
    page = text_of(as_caseworker(app).get(f"/sagsbehandler/bekymringer/{first.id}"))
    assert "Sagssystemet har en anden plan" not in page


def test_the_decision_states_its_basis_and_the_deadline_runs_from_its_receipt(app, db, demo):
    _mette, concern = sent(db, demo)
    walk(db, concern, "advice_given")
    adapt(app, db, concern)
    mette = as_citizen(app)
    letter = text_of(mette.get(f"/bekymringer/{concern.id}/afgoerelse"))
    for basis in (
        "Lov om en aktiv beskæftigelsesindsats § 113, stk. 3.",
        "Bekendtgørelse nr. 2409 af 13. december 2021 § 3.",
        "kapitel 11. Det er reglerne om virksomhedspraktik.",
        f"Du sendte en bekymring om tilbuddet {long(TODAY)}.",
        "Mødet med sundhedskoordinatoren blev holdt",
        "Sundhedskoordinatoren gav sit råd",
        "Mette bliver træt efter 3 timer.",  # the caseworker's facts
        "Du kan bedst tåle 6 timer om ugen, to dage.",  # and assessment, apart
        "Afgørelsen er på vej til dig",
    ):
        assert basis in letter, basis
    assert "Sidste frist" not in letter, "no deadline until the day it was received is known"

    lone = as_caseworker(app)
    future = post_action(
        lone,
        concern.id,
        "afgoerelse-sendt",
        {"channel": "digital_post", "received_on": (TODAY + timedelta(days=1)).isoformat()},
    )
    assert future.status_code == 400
    assert "Skriv en dag, der er kommet." in text_of(future)
    received = post_action(
        lone,
        concern.id,
        "afgoerelse-sendt",
        {"channel": "digital_post", "received_on": TODAY.isoformat()},
    )
    assert received.status_code == 302, text_of(received)[:2000]
    letter = text_of(mette.get(f"/bekymringer/{concern.id}/afgoerelse"))
    assert f"Du fik afgørelsen {long(TODAY)}: Digital Post." in letter
    assert f"Sidste frist er {long(complaint_deadline(TODAY))}." in letter
    timeline = text_of(mette.get(f"/bekymringer/{concern.id}"))
    assert "Klagefristen regner fra den dag." in timeline

    db.expire_all()
    api_token(db, "901", "export")
    nordby = db.scalars(select(ApiClient)).one()
    records, _c, _m = concern_export.changed(db, nordby, None, None, 10, str)
    decision = next(r for r in records if r["reference"] == concern.reference)["decision"]
    assert decision["delivery"] == {"channel": "digital_post", "received_on": TODAY.isoformat()}
    assert decision["complaint"]["deadline"] == complaint_deadline(TODAY).isoformat()
    assert decision["plan"]["changed"]["start_date"] == NEW_START.isoformat()
    assert decision["plan"]["before"]["hours_per_week"] == "12"
    assert decision["plan"]["case_system"] == "waiting"
    assert decision["facts"] and decision["assessment"]


def test_the_hold_deadline_is_on_the_draft_the_saved_list_and_the_front_page(app, db, demo):
    mette = as_citizen(app)
    placement = offer(db, "demo-offer-mette-1")
    last = placement.start_date - timedelta(days=1)
    said = f"Send den senest {long(last)}, så venter tilbuddet, til kommunen har besluttet."
    page = mette.get(f"/tilbud/{placement.id}/bekymret")
    started = mette.post(
        "/bekymringer/ny",
        data={"csrf_token": form_values(page.get_data(as_text=True), "csrf")["csrf_token"],
              "offer_id": placement.id},
    )  # fmt: skip
    step = mette.get(started.headers["Location"])
    assert said in text_of(step)
    assert said in text_of(mette.get("/bekymringer/"))
    assert said in text_of(mette.get("/mit-forloeb"))


def test_offered_times_say_by_when_and_the_email_names_the_step(app, db, demo):
    _mette, concern = sent(db, demo)
    walk(db, concern, "acknowledged")
    plan = meeting_plan()
    times = [plan.starts_at, plan.starts_at + timedelta(days=1)]
    casework_steps.propose_times(
        db, CASEWORKER, concern, times, plan,
        answer_days=3,
    )  # fmt: skip
    by = long(TODAY + timedelta(days=3))
    mette = as_citizen(app)
    assert f"Vælg en tid senest {by}." in text_of(mette.get(f"/bekymringer/{concern.id}"))
    assert f"Vælg en tid senest {by}." in text_of(mette.get("/mit-forloeb"))


def test_emails_say_what_and_by_when_from_the_municipality(app, db, demo):
    _mette, concern = sent(db, demo)
    concern.answers = {**concern.answers, "email": "mette@example.dk"}
    db.commit()
    walk(db, concern, "advice_given")
    messages = db.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    subjects = [m.subject.split(" / ")[0] for m in messages]
    assert subjects == [
        "Kommunen har modtaget din bekymring",
        "Dit møde er aftalt",
        "Sundhedskoordinatoren har givet sit råd",
    ]
    advice = messages[-1]
    assert f"til og med {long(concern.comment_until)}" in advice.body
    assert {m.sender_name for m in messages} == {"Nordby Kommune"}
    for message in messages:
        for private in ("Mette", "planteskole", "Ryg", "træt", "http"):
            assert private not in message.body and private not in message.subject


def test_consent_is_asked_until_the_advice_and_unanswered_is_not_no(app, db, demo):
    _mette, concern = sent(db, demo)
    lone = as_caseworker(app)
    mette = as_citizen(app)
    assert "Samtykke til at kontakte lægen Ikke besvaret" in text_of(
        lone.get(f"/sagsbehandler/bekymringer/{concern.id}")
    )
    page = mette.get(f"/bekymringer/{concern.id}/samtykke")
    values = form_values(page.get_data(as_text=True), "")
    declined = mette.post(
        f"/bekymringer/{concern.id}/samtykke",
        data={"csrf_token": values["csrf_token"], "version": values["version"], "answer": "no"},
    )
    assert declined.status_code == 302
    assert "Nej, borgeren sagde nej" in text_of(
        lone.get(f"/sagsbehandler/bekymringer/{concern.id}")
    )
    db.refresh(concern)
    walk(db, concern, "advice_given")
    after = text_of(mette.get(f"/bekymringer/{concern.id}/samtykke"))
    assert "Du kan ikke give lov nu" in after
    assert "Må sundhedskoordinatoren læse om dit helbred og kontakte din læge?" not in text_of(
        mette.get(f"/bekymringer/{concern.id}")
    ), "not offered once it can no longer serve the advice"


def test_a_forloeb_ending_before_the_meeting_is_pointed_out_to_both(app, db, demo):
    _mette, concern = sent(db, demo)
    forloeb_ends_in(db, "demo-forloeb-mette", 3)  # before the 10-working-day goal for the meeting
    lone = text_of(as_caseworker(app).get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "Forløbet slutter efter planen" in lone
    mette = text_of(as_citizen(app).get(f"/bekymringer/{concern.id}"))
    assert "Det kan være før mødet." in mette
    assert "Din bekymring bliver besvaret, også hvis forløbet slutter først." in mette
    forloeb_ends_in(db, "demo-forloeb-mette", 400)
    lone = text_of(as_caseworker(app).get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "Forløbet slutter efter planen" not in lone
