"""Concern use cases against the database: drafts, sending once, on hold, the whole path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from portal.domain.concerns import ConcernAction as A
from portal.domain.concerns import ConcernStatus as S
from portal.domain.concerns import TransitionRefused
from portal.models import Concern, ConcernEvent, Notice, OfferStatus
from portal.services import casework_steps, concern_page, concern_steps, concerns, decisions
from portal.services.concerns import Actor
from tests.factories import (
    CASEWORKER,
    COMPLETE,
    TODAY,
    decision_input,
    login,
    meeting_plan,
    offer,
    principal,
    sent,
    walk,
)
from tests.pages import text_of


def test_starting_twice_resumes_the_same_draft(db, demo):
    mette = principal(db, demo["mette"])
    first = concerns.start(db, mette, offer(db, "demo-offer-mette-1").id, TODAY)
    again = concerns.start(db, mette, offer(db, "demo-offer-mette-1").id, TODAY)
    assert first.id == again.id
    assert first.answers == {"offer_started": "no"}, "proposed from the offer's dates"
    assert first.right_applies is True


def test_another_citizens_offer_cannot_be_concerned_about(db, demo):
    ali = principal(db, demo["ali"])
    assert concerns.start(db, ali, offer(db, "demo-offer-mette-1").id, TODAY) is None


def test_an_ended_offer_cannot_be_concerned_about(db, demo):
    ended = offer(db, "demo-offer-mette-2")
    ended.status = OfferStatus.ENDED
    db.commit()
    with pytest.raises(concerns.ConcernNotAllowed):
        concerns.start(db, principal(db, demo["mette"]), ended.id, TODAY)


def test_a_draft_is_not_sent_before_every_step_is_done(db, demo):
    mette = principal(db, demo["mette"])
    draft = concerns.start(db, mette, offer(db, "demo-offer-mette-1").id, TODAY)
    concerns.save_step(db, draft, 2, {"worries": ["pain"]})
    with pytest.raises(concerns.NotReady) as not_ready:
        concerns.submit(db, mette, draft)
    assert not_ready.value.step == 3
    assert draft.status is S.DRAFT


def test_sending_puts_a_not_started_offer_on_hold_once(db, demo):
    mette, concern = sent(db, demo)
    assert concern.status is S.SUBMITTED
    assert concern.reference == f"B-{concern.submitted_at.year}-{concern.id:06d}"
    assert concern.offer_started_when_sent is False
    assert offer(db, "demo-offer-mette-1").status is OfferStatus.ON_HOLD
    again = concerns.submit(db, mette, concern)
    assert again.reference == concern.reference
    assert db.scalar(select(func.count()).select_from(Concern)) == 1
    assert db.scalar(select(func.count()).select_from(ConcernEvent)) == 1


def test_a_stale_copy_of_the_draft_cannot_send_a_second_concern(db, demo):
    mette = principal(db, demo["mette"])
    draft = concerns.start(db, mette, offer(db, "demo-offer-mette-1").id, TODAY)
    concerns.save_step(db, draft, 5, COMPLETE)
    # Another tab sent it already; this request still holds the draft as it was.
    db.execute(
        update(Concern)
        .where(Concern.id == draft.id)
        .values(status=S.SUBMITTED)
        .execution_options(synchronize_session=False)
    )
    result = concerns.submit(db, mette, draft)
    assert result.status is S.SUBMITTED
    assert db.scalar(select(func.count()).select_from(ConcernEvent)) == 0


def test_a_started_offer_is_not_put_on_hold(db, demo):
    _who, concern = sent(db, demo, "ali", "demo-offer-ali-1")
    assert concern.offer_started_when_sent is True
    assert offer(db, "demo-offer-ali-1").status is OfferStatus.ACTIVE


def test_without_the_right_nothing_is_put_on_hold(db, demo):
    _who, concern = sent(db, demo, "birgitte", "demo-offer-birgitte-2")
    assert concern.right_applies is False
    assert offer(db, "demo-offer-birgitte-2").status is OfferStatus.PLANNED


def test_withdrawing_releases_the_hold(db, demo):
    mette, concern = sent(db, demo)
    concerns.withdraw(db, mette, concern)
    assert concern.status is S.WITHDRAWN
    assert offer(db, "demo-offer-mette-1").status is OfferStatus.PLANNED
    with pytest.raises(TransitionRefused):
        concerns.withdraw(db, mette, concern)


def test_the_whole_path_to_the_decision_releases_the_hold(db, demo):
    mette, concern = sent(db, demo)
    concerns.add_information(db, mette, concern, "Jeg har også ondt i knæet.", concern.version)
    walk(db, concern, "closed")
    assert concern.status is S.CLOSED
    assert offer(db, "demo-offer-mette-1").status is OfferStatus.PLANNED
    kinds = [e.kind for e in db.scalars(select(ConcernEvent).order_by(ConcernEvent.id))]
    assert kinds == [
        "submitted",
        "information_added",
        "acknowledged",
        "meeting_booked",
        "meeting_held",
        "advice_recorded",
        "decided",
        "closed",
    ]


def test_deciding_before_the_advice_is_refused(db, demo):
    _mette, concern = sent(db, demo)
    concern_steps.transition(db, CASEWORKER, concern, A.ACKNOWLEDGE)
    with pytest.raises(TransitionRefused, match="decide only after the advice"):
        concern_steps.transition(db, CASEWORKER, concern, A.DECIDE, decision="kept")
    assert concern.status is S.ACKNOWLEDGED


def test_the_second_of_two_caseworkers_acting_at_once_is_told(db, demo):
    _mette, concern = sent(db, demo)
    seen_version = concern.version
    concern_steps.transition(db, CASEWORKER, concern, A.ACKNOWLEDGE, expected_version=seen_version)
    with pytest.raises(concerns.ConcurrentChange):
        concern_steps.transition(
            db,
            Actor("caseworker", "caseworker:2"),
            concern,
            A.WITHDRAW,
            expected_version=seen_version,
        )
    assert concern.status is S.ACKNOWLEDGED


def test_information_cannot_be_added_to_a_finished_concern(db, demo):
    mette, concern = sent(db, demo)
    concerns.withdraw(db, mette, concern)
    with pytest.raises(TransitionRefused):
        concerns.add_information(db, mette, concern, "Mere", concern.version)


def test_own_concerns_are_listed_newest_first(db, demo):
    mette, first = sent(db, demo)
    second = concerns.start(db, mette, offer(db, "demo-offer-mette-2").id, TODAY)
    listed = concerns.own_concerns(db, mette)
    assert [c.id for c in listed] == [second.id, first.id]
    assert concerns.own_concerns(db, principal(db, demo["ali"])) == []


def test_the_citizen_reads_the_whole_path_in_plain_danish(client, db, demo):
    _mette, concern = sent(db, demo)
    walk(db, concern, "meeting_booked")
    casework_steps.book_meeting(
        db,
        CASEWORKER,
        concern,
        meeting_plan(starts_at=datetime(2027, 1, 12, 9, 0, tzinfo=UTC)),  # moved to 10.00 Danish
    )
    walk_on = concern_steps.current_meeting(concern)
    walk_on.starts_at = datetime.now(UTC) - timedelta(hours=1)
    casework_steps.record_meeting(db, CASEWORKER, concern, True, datetime.now(UTC), ["citizen"])
    casework_steps.record_advice(db, CASEWORKER, concern, "Færre timer.", TODAY, 7)
    decisions.decide(
        db,
        CASEWORKER,
        concern,
        decision_input(assessment="Du kan tåle 8 timer.", change_text="8 timer om ugen."),
        TODAY,
    )
    login(client, "mette")
    page = text_of(client.get(f"/bekymringer/{concern.id}"))
    for expected in [
        "Du sendte din bekymring.",
        "Din sagsbehandler har modtaget din bekymring.",
        "til tirsdag den 12. januar 2027 kl. 10.00.",
        "Mødet med sundhedskoordinatoren er holdt.",
        "Sundhedskoordinatoren har givet sit råd efter mødet. Færre timer.",
        "Kommunen har besluttet: Tilbuddet bliver ændret.",
        "Det bliver ændret: 8 timer om ugen.",
        "Begrundelse: Du kan tåle 8 timer.",
        "Du kan klage over afgørelsen.",
    ]:
        assert expected in page, expected
    assert page.count("Mødet er flyttet fra") == 1, "a move is one event, not a second booking"


def test_starting_again_after_sending_leads_to_the_open_concern(db, demo):
    mette, concern = sent(db, demo)
    assert concerns.start(db, mette, offer(db, "demo-offer-mette-1").id, TODAY).id == concern.id
    concerns.withdraw(db, mette, concern)
    fresh = concerns.start(db, mette, offer(db, "demo-offer-mette-1").id, TODAY)
    assert fresh.id != concern.id and fresh.status is S.DRAFT


def test_a_caseworkers_steps_are_in_the_access_log_and_the_citizens_are_not(db, demo):
    from portal.models import AuditEvent

    mette, concern = sent(db, demo)
    concern_steps.transition(db, CASEWORKER, concern, A.ACKNOWLEDGE)
    concerns.withdraw(db, mette, concern)
    (event,) = db.scalars(select(AuditEvent)).all()
    assert (event.actor_role, event.actor_ref, event.action) == (
        "caseworker",
        "caseworker:demo-cw-nordby-1",
        "concern.acknowledge",
    )
    assert event.subject_citizen_id == concern.citizen_id
    assert event.purpose == "concern_handling"


@pytest.mark.parametrize(
    "read", [concerns.own_concern, concern_page.own_concern_page], ids=["to change", "its page"]
)
def test_a_concern_is_read_with_the_lists_it_has_and_no_select_for_those_it_has_not(
    db, demo, count_queries, read
):
    # Each list is a round trip; most concerns have a timeline and little else (issue 27).
    mette, concern = sent(db, demo)
    db.expunge_all()
    with count_queries() as fresh:
        found = read(db, mette, concern.id)
    assert fresh.count == 2, "the concern with what it has, then its timeline"
    assert [event.kind for event in found.events] == ["submitted"]
    assert (found.meetings, found.proposals, found.documents) == ([], [], [])
    walk(db, concerns.own_concern(db, mette, concern.id), "meeting_booked")
    db.expunge_all()
    with count_queries() as booked:
        found = read(db, mette, concern.id)
    assert booked.count == 3, "and now its meeting"
    assert [meeting.coordinator for meeting in found.meetings] == ["Dr. Anne Berg"]
    assert [event.kind for event in found.events][-1] == "meeting_booked"


def test_a_concern_page_is_only_the_citizens_own(db, demo):
    mette, concern = sent(db, demo)
    ali = principal(db, demo["ali"])
    assert concern_page.own_concern_page(db, ali, concern.id) is None
    assert concern_page.own_concern_page(db, mette, concern.id + 1000) is None
    concerns.withdraw(db, mette, concern)
    assert concern_page.own_concern_page(db, mette, concern.id).status == "withdrawn"
    draft = concerns.start(db, mette, offer(db, "demo-offer-mette-2").id, TODAY)
    assert concern_page.own_concern_page(db, mette, draft.id).status == "draft"
    concerns.delete_draft(db, draft, mette)
    assert concern_page.own_concern_page(db, mette, draft.id) is None, "a deleted draft is gone"


def test_opening_a_concern_reads_its_news_and_a_look_without_news_writes_nothing(
    db, demo, count_queries
):
    mette, concern = sent(db, demo)

    def unread() -> int:
        return db.scalar(select(func.count()).select_from(Notice).where(Notice.read_at.is_(None)))

    with count_queries() as quiet:
        concern_page.own_concern_page(db, mette, concern.id, opened=True)
    assert not [s for s in quiet.statements if s.lstrip().upper().startswith("UPDATE")]
    concern_steps.transition(db, CASEWORKER, concern, A.ACKNOWLEDGE)  # news for Mette
    concerns.own_concern(db, mette, concern.id)  # a form's page: the news stays unread
    concern_page.own_concern_page(db, mette, concern.id)  # not opened to be read: nor here
    assert unread() == 1
    with count_queries() as news:
        concern_page.own_concern_page(db, mette, concern.id, opened=True)
    assert [s for s in news.statements if s.lstrip().upper().startswith("UPDATE NOTICE")]
    assert unread() == 0
