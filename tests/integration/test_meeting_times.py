"""Meeting times offered and chosen (issue 16): the caseworker offers 2-5 times; the citizen, or a
relative who may act, picks one and the meeting is booked at once, or says none fit and why,
which puts the concern at the top of the caseworker's queue; times left unanswered are flagged;
two answers at once: one wins, the other is told.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.domain.casework import add_working_days, danish_holidays
from portal.domain.concerns import ConcernAction as A
from portal.domain.danish import DANISH_TIME
from portal.models import Concern, CoordinatorMeeting, MeetingProposal, Notice
from portal.services import casework_steps, concern_export, concern_steps, concerns
from tests.factories import (
    CASEWORKER,
    TODAY,
    api_token,
    as_caseworker,
    as_citizen,
    as_relative_for,
    csrf_token,
    forloeb_ends_in,
    meeting_plan,
    post_action,
    sent,
)
from tests.pages import text_of


def working_day(n: int):
    return add_working_days(TODAY, n, danish_holidays())


def proposal_fields(times: list[tuple[str, str]], **changes) -> dict:
    fields = {
        "form": "in_person",
        "place": "Jobcentret, Torvet 1",
        "coordinator": "Dr. Anne Berg",
        "clinical_unit": "Klinisk Funktion, Region Nord",
        "message": "",
    }
    for n, (day, clock) in enumerate(times, start=1):
        fields[f"day_{n}"], fields[f"time_{n}"] = day, clock
    return fields | changes


THREE_TIMES = [
    (working_day(3).isoformat(), "09:00"),
    (working_day(4).isoformat(), "13:30"),
    (working_day(6).isoformat(), "10:00"),
]


def acknowledged(db, demo, persona="mette", offer="demo-offer-mette-1"):
    who, concern = sent(db, demo, persona, offer)
    concern_steps.transition(db, CASEWORKER, concern, A.ACKNOWLEDGE)
    return who, concern


def propose(app, concern_id: int, times=THREE_TIMES, caseworker="lone", **changes):
    client = as_caseworker(app, caseworker)
    answer = post_action(client, concern_id, "tider", proposal_fields(times, **changes))
    return client, answer


def radio_values(page) -> list[str]:
    return re.findall(r'name="time" value="([^"]+)"', page.get_data(as_text=True))


def choose_url(page) -> str:
    return re.search(r'action="(/bekymringer/\d+/tider/\d+/vaelg)"', page.get_data(as_text=True))[1]


def choose_time(client, concern_id: int, value: str | None = None):
    page = client.get(f"/bekymringer/{concern_id}")
    proposal_url = re.search(
        rf'action="(/bekymringer/{concern_id}/tider/\d+/vaelg)"', page.get_data(as_text=True)
    )[1]
    chosen = radio_values(page)[1] if value is None else value
    return client.post(proposal_url, data={"csrf_token": csrf_token(page), "time": chosen})


def decline(client, concern_id: int, reason: str):
    page = client.get(f"/bekymringer/{concern_id}")
    url = re.search(
        rf'action="(/bekymringer/{concern_id}/tider/\d+/ingen)"', page.get_data(as_text=True)
    )[1]
    return client.post(url, data={"csrf_token": csrf_token(page), "reason": reason})


def test_lone_proposes_three_times_and_mette_picks_one_that_becomes_her_meeting(app, db, demo):
    _mette, concern = acknowledged(db, demo)
    _lone, proposed = propose(app, concern.id)
    assert proposed.status_code == 302, text_of(proposed)[:800]

    mette = as_citizen(app, "mette")
    front = text_of(mette.get("/mit-forloeb"))
    assert "Der er nyt i din sag" in front, "the times are news"
    assert "Din sagsbehandler har foreslået tider til mødet" in front
    page = mette.get(f"/bekymringer/{concern.id}")
    text = text_of(page)
    assert "Vælg en tid til mødet" in text
    assert "Dr. Anne Berg" in text and "Jobcentret, Torvet 1" in text
    values = radio_values(page)
    assert len(values) == 3
    assert datetime.fromisoformat(values[1]).astimezone(DANISH_TIME).strftime("%H:%M") == "13:30"

    chosen = choose_time(mette, concern.id)
    assert chosen.status_code == 302
    after = text_of(mette.get(chosen.headers["Location"]))
    assert "Mødet er aftalt" in after and "Dit møde" in after
    assert "Du valgte en tid. Mødet er aftalt til" in after
    assert "Vælg en tid til mødet" not in after

    db.expire_all()
    meeting = db.scalar(
        select(CoordinatorMeeting).where(CoordinatorMeeting.concern_id == concern.id)
    )
    assert meeting.starts_at == datetime.fromisoformat(values[1])
    assert meeting.place == "Jobcentret, Torvet 1"
    assert db.scalar(select(Concern.status).where(Concern.id == concern.id)) == "meeting_booked"
    ics = mette.get(f"/bekymringer/{concern.id}/moede.ics").get_data(as_text=True)
    local = datetime.fromisoformat(values[1]).astimezone(DANISH_TIME).strftime("%Y%m%dT%H%M%S")
    start = f"DTSTART;TZID=Europe/Copenhagen:{local}"
    assert start in ics
    assert start in mette.get(_feed(mette)).get_data(as_text=True), "in her calendar"
    own = db.scalar(
        select(func.count())
        .select_from(Notice)
        .where(Notice.concern_id == concern.id, Notice.kind == "meeting_booked")
    )
    assert own == 0, "no news of what she did herself"

    lone = as_caseworker(app, "lone")
    case_page = text_of(lone.get(f"/sagsbehandler/bekymringer/{concern.id}"))
    assert "Borgeren valgte en tid." in case_page


def _feed(client) -> str:
    from tests.factories import feed_url

    return feed_url(client)


def test_none_fit_and_why_puts_the_concern_first_in_the_queue(app, db, demo):
    _ali, ali_concern = acknowledged(db, demo, "ali", "demo-offer-ali-1")
    _mette, mette_concern = acknowledged(db, demo)
    propose(app, ali_concern.id)
    ali = as_citizen(app, "ali")

    empty = decline(ali, ali_concern.id, "  ")
    assert empty.status_code == 400
    assert "Skriv, hvorfor ingen af tiderne passer, fx hvornår du kan." in text_of(empty)

    answered = decline(ali, ali_concern.id, "Jeg arbejder om formiddagen. Efter kl. 14 kan jeg.")
    assert answered.status_code == 302
    page = text_of(ali.get(answered.headers["Location"]))
    assert "Dit svar er sendt" in page
    assert "Du svarede, at ingen af tiderne passer: Jeg arbejder om formiddagen." in page

    lone = as_caseworker(app, "lone")
    queue = lone.get("/sagsbehandler/bekymringer").get_data(as_text=True)
    assert queue.index(ali_concern.reference) < queue.index(mette_concern.reference)
    assert "Ingen af tiderne passer" in text_of(queue)
    case_page = text_of(lone.get(f"/sagsbehandler/bekymringer/{ali_concern.id}"))
    assert "Ingen af de foreslåede tider passer borgeren." in case_page
    assert "Efter kl. 14 kan jeg." in case_page

    # New times take it off the top: the citizen has something to answer again.
    propose(app, ali_concern.id, [(working_day(5).isoformat(), "14:30"),
                                  (working_day(7).isoformat(), "15:00")])  # fmt: skip
    db.expire_all()
    assert db.scalar(select(Concern.queue_group).where(Concern.id == ali_concern.id)) != 0


def test_times_left_unanswered_are_flagged_to_the_caseworker(app, db, demo, monkeypatch):
    _mette, concern = acknowledged(db, demo)
    propose(app, concern.id)
    lone = as_caseworker(app, "lone")
    assert "Tiderne er ikke besvaret" not in text_of(lone.get("/sagsbehandler/bekymringer"))

    proposal = db.scalar(select(MeetingProposal).where(MeetingProposal.concern_id == concern.id))
    proposal.proposed_at -= timedelta(days=app.config["TIMES_ANSWER_DAYS"], hours=1)
    db.commit()
    assert "Tiderne er ikke besvaret" in text_of(lone.get("/sagsbehandler/bekymringer"))
    assert "Borgeren har ikke valgt en af tiderne" in text_of(
        lone.get(f"/sagsbehandler/bekymringer/{concern.id}")
    )


def test_two_answers_at_once_one_wins_and_the_other_is_told(app, db, demo):
    _who, concern = acknowledged(db, demo)
    propose(app, concern.id)
    first, second = as_citizen(app, "mette"), as_citizen(app, "mette")
    page_first = first.get(f"/bekymringer/{concern.id}")
    page_second = second.get(f"/bekymringer/{concern.id}")
    url = choose_url(page_first)
    values = radio_values(page_first)

    won = first.post(url, data={"csrf_token": csrf_token(page_first), "time": values[0]})
    lost = second.post(url, data={"csrf_token": csrf_token(page_second), "time": values[2]})
    assert won.status_code == 302
    assert lost.status_code == 409
    told = text_of(lost)
    assert "Tiderne er allerede besvaret" in told and "Dit møde" in told
    db.expire_all()
    booked = db.scalars(select(CoordinatorMeeting.starts_at)).all()
    assert booked == [datetime.fromisoformat(values[0])]


def test_the_same_race_in_the_service_two_sessions_one_booking(app, db, demo):
    """The guard is the database's, not the page's: a second session that loaded the times as
    open before the first answer is refused by the conditional update."""
    mette, concern = acknowledged(db, demo)
    times = _times()
    proposal = casework_steps.propose_times(
        db, CASEWORKER, concern, times, meeting_plan(starts_at=times[0])
    )
    other = app.extensions["db_sessionmaker"]()
    stale = other.get(Concern, concern.id)
    assert concern_steps.open_proposal(stale).id == proposal.id  # the other tab sees them open

    concerns.choose_time(db, mette, concern, proposal.id, times[0])
    with pytest.raises(concerns.TimesAlreadyAnswered):
        concerns.choose_time(other, mette, stale, proposal.id, times[1])
    other.close()
    db.expire_all()
    booked = db.scalars(select(CoordinatorMeeting.starts_at)).all()
    assert booked == [times[0]]


def _times() -> list[datetime]:
    return [
        datetime.combine(working_day(n), datetime.min.time(), DANISH_TIME).replace(hour=10)
        for n in (3, 4)
    ]


def test_a_direct_booking_replaces_the_times_and_a_late_choice_is_told(app, db, demo):
    _who, concern = acknowledged(db, demo)
    propose(app, concern.id)
    mette = as_citizen(app, "mette")
    page = mette.get(f"/bekymringer/{concern.id}")
    url = choose_url(page)
    db.refresh(concern)  # as the caseworker's next request sees it
    casework_steps.book_meeting(db, CASEWORKER, concern, meeting_plan())
    late = mette.post(url, data={"csrf_token": csrf_token(page), "time": radio_values(page)[0]})
    assert late.status_code == 409 and "Tiderne er allerede besvaret" in text_of(late)
    db.expire_all()
    assert db.scalar(select(MeetingProposal.status)) == "replaced"


def test_a_time_that_was_not_offered_is_not_booked(app, db, demo):
    _who, concern = acknowledged(db, demo)
    propose(app, concern.id)
    mette = as_citizen(app, "mette")
    for made_up in ("2026-12-24T18:00:00+00:00", "i morgen", "2026-12-24T18:00:00"):
        answer = choose_time(mette, concern.id, made_up)
        assert answer.status_code == 400, made_up
        assert "Vælg en af de tider, der står her." in text_of(answer)
    nothing = choose_time(mette, concern.id, "")
    assert nothing.status_code == 400 and "Vælg den tid, der passer dig." in text_of(nothing)
    db.expire_all()
    assert db.scalar(select(Concern.status).where(Concern.id == concern.id)) == "acknowledged"
    proposal_id = db.scalar(select(MeetingProposal.id))
    page = mette.get(f"/bekymringer/{concern.id}")
    unknown = mette.post(
        f"/bekymringer/{concern.id}/tider/{proposal_id + 99}/vaelg",
        data={"csrf_token": csrf_token(page), "time": radio_values(page)[0]},
    )
    assert unknown.status_code == 404


NEXT_SUNDAY = TODAY + timedelta(days=(6 - TODAY.weekday()) or 7)
PROPOSAL_PROBLEMS = {
    "one time only": ([THREE_TIMES[0]], "Foreslå mindst to tider, så borgeren kan vælge."),
    "the same time twice": ([THREE_TIMES[0], THREE_TIMES[0]], "Den samme tid står to gange."),
    "a Sunday": ([THREE_TIMES[0], (NEXT_SUNDAY.isoformat(), "10:00")], ""),
    "in the evening": ([THREE_TIMES[0], (THREE_TIMES[1][0], "20:00")], ""),
    "in the past": ([THREE_TIMES[0], ((TODAY - timedelta(days=7)).isoformat(), "10:00")], ""),
    "more than a year ahead": (
        [THREE_TIMES[0], ((TODAY + timedelta(days=400)).isoformat(), "10:00")],
        "",
    ),
}


@pytest.mark.parametrize("case", list(PROPOSAL_PROBLEMS))
def test_each_offered_time_follows_the_booking_rules(app, db, demo, case):
    times, message = PROPOSAL_PROBLEMS[case]
    _who, concern = acknowledged(db, demo)
    _lone, answer = propose(app, concern.id, times)
    assert answer.status_code == 400, case
    assert "Der er problemer" in text_of(answer)
    if message:
        assert message in text_of(answer)
    assert db.scalar(select(func.count()).select_from(MeetingProposal)) == 0, case


def test_a_relative_who_may_act_picks_a_time_and_the_citizen_is_told(app, db, demo):
    forloeb_ends_in(db, "demo-forloeb-jens", 60)
    _jens, concern = acknowledged(db, demo, "jens", "demo-offer-jens-1")
    propose(app, concern.id, caseworker="karim")  # Jens lives in Sydhavn

    for_jens = as_relative_for(app, "Jens Testhansen")
    page = text_of(for_jens.get(f"/bekymringer/{concern.id}"))
    assert "Vælg den tid, der passer Jens" in page, "the helper reads about Jens, not to him"
    assert choose_time(for_jens, concern.id).status_code == 302
    jens = as_citizen(app, "jens")
    assert "Der er nyt i din sag" in text_of(jens.get("/mit-forloeb"))
    assert "Sofie Testhansen valgte en tid på dine vegne." in text_of(
        jens.get(f"/bekymringer/{concern.id}")
    )


def test_the_export_tells_the_case_system_the_times_and_the_answer(app, db, demo):
    mette, concern = acknowledged(db, demo)
    proposal = casework_steps.propose_times(
        db, CASEWORKER, concern, _times(), meeting_plan(starts_at=_times()[0])
    )
    concerns.decline_times(db, mette, concern, proposal.id, "Jeg er på sygehuset den uge.")
    from portal.models import ApiClient

    api_token(db, "901", "export")
    client = db.scalars(select(ApiClient)).one()
    records, _cursor, _more = concern_export.changed(db, client, None, None, 10, str)
    (record,) = [r for r in records if r["reference"] == concern.reference]
    (offered,) = record["meeting_proposals"]
    assert offered["status"] == "declined"
    assert offered["decline_reason"] == "Jeg er på sygehuset den uge."
    assert len(offered["times"]) == 2
