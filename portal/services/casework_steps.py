"""The caseworker's steps on a concern: book or move the meeting with the sundhedskoordinator,
offer times for it, record whether it was held, record the coordinator's advice, and write to
the citizen. Acknowledging and closing are ``concern_steps.transition``; the decision is
``portal.services.decisions``.

Each step is taken on the version of the concern the caseworker saw, writes a timeline event the
citizen reads (with its notice), and goes to the access log as a look at the citizen's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from portal.domain.casework import times_answer_by
from portal.domain.concerns import (
    ConcernAction,
    TransitionRefused,
    comment_until,
    event_kind,
    meeting_can_be_recorded,
    next_status,
)
from portal.domain.danish import danish_date
from portal.domain.principal import Actor
from portal.domain.regions import REGION_NAMES, advice_in_portal, region_on
from portal.models import Concern, CoordinatorMeeting, MeetingProposal
from portal.models.base import utcnow
from portal.services.concern_steps import (
    MeetingPlan,
    act_without_transition,
    book,
    close_proposals,
    current_meeting,
    local_minute,
    log_if_someone_else,
    reposition,
    still_as_seen,
    write_event,
)
from portal.services.transaction import saved


class MeetingNotYet(Exception):
    """Whether the meeting was held is recorded at or after its time."""


def book_meeting(
    db: Session,
    actor: Actor,
    concern: Concern,
    plan: MeetingPlan,
    expected_version: int | None = None,
) -> CoordinatorMeeting:
    """Book the meeting with the sundhedskoordinator (BEK nr. 2409 § 3), or move the booked one:
    the same meeting at a new time, one "meeting_moved" event with the old and the new time.
    Times offered to the citizen and not answered are replaced by this booking."""
    still_as_seen(concern, expected_version)
    next_status(concern.status, ConcernAction.BOOK_MEETING, concern.right_applies)
    with saved(db):
        meeting = book(db, actor, concern, plan, ConcernAction.BOOK_MEETING)
        close_proposals(concern, "replaced")
        log_if_someone_else(db, actor, concern, "concern.book_meeting")
    return meeting


def propose_times(
    db: Session,
    actor: Actor,
    concern: Concern,
    times: list[datetime],
    plan: MeetingPlan,
    expected_version: int | None = None,
    answer_days: int = 3,
) -> MeetingProposal:
    """Offer the citizen 2-5 times for the meeting (each valid as a booking; the form checks
    them); earlier times not answered are replaced. The citizen is asked to choose within
    ``answer_days`` (the municipality's setting)."""
    still_as_seen(concern, expected_version)
    next_status(concern.status, ConcernAction.PROPOSE_TIMES, concern.right_applies)
    soonest_first = sorted(times)
    with saved(db):
        close_proposals(concern, "replaced")
        proposal = MeetingProposal(
            concern_id=concern.id,
            times=[moment.astimezone(UTC).isoformat() for moment in soonest_first],
            form=plan.form,
            place=plan.place,
            video_url=plan.video_url,
            coordinator=plan.coordinator,
            clinical_unit=plan.clinical_unit,
            status="open",
            proposed_at=utcnow(),
        )
        db.add(proposal)
        concern.proposals.append(proposal)
        reposition(concern, times_declined=False)
        concern.updated_at = utcnow()
        write_event(
            db,
            concern,
            event_kind(concern.status, ConcernAction.PROPOSE_TIMES),
            actor,
            notice_deadline=danish_date(times_answer_by(proposal.proposed_at, answer_days)),
            times=[local_minute(moment) for moment in soonest_first],
            form=plan.form,
            message=plan.message,
        )
        log_if_someone_else(db, actor, concern, "concern.propose_times")
    return proposal


def record_meeting(
    db: Session,
    actor: Actor,
    concern: Concern,
    held: bool,
    now: datetime,
    participants: list[str] | None = None,
    note: str = "",
    reason: str = "",
    expected_version: int | None = None,
) -> None:
    """The meeting took place (who took part), or it did not (why): recorded at or after its
    time. Not held sends the concern back to be booked again."""
    action = ConcernAction.RECORD_MEETING_HELD if held else ConcernAction.RECORD_MEETING_NOT_HELD
    still_as_seen(concern, expected_version)
    before = concern.status
    after = next_status(before, action, concern.right_applies)
    meeting = current_meeting(concern)
    if meeting is None:
        raise TransitionRefused(before, action, "no meeting is booked")
    if not meeting_can_be_recorded(meeting.starts_at, now):
        raise MeetingNotYet
    details = {"meeting_at": local_minute(meeting.starts_at), "note": note}
    if held:
        details["participants"] = list(participants or [])
    else:
        details["reason"] = reason
    with saved(db):
        meeting.outcome = "held" if held else "not_held"
        meeting.outcome_note = note
        meeting.participants = list(participants or [])
        meeting.updated_at = utcnow()
        concern.status = after
        concern.updated_at = utcnow()
        write_event(db, concern, event_kind(before, action), actor, **details)
        log_if_someone_else(db, actor, concern, f"concern.{action}")


class AdviceInPortal(Exception):
    """The region's sundhedskoordinator gives the advice in the portal: the caseworker does not
    write it for them (issue 26)."""


def record_advice(
    db: Session,
    actor: Actor,
    concern: Concern,
    advice: str,
    today: date,
    comment_period_days: int,
    expected_version: int | None = None,
    connected: Iterable[str] = (),
    given_by: str = "",
) -> None:
    """The coordinator's advice from the held meeting; the citizen may now comment on it until
    the end of the period (forvaltningsloven § 19).

    The advice is the coordinator's (LAB § 113, stk. 3; BEK nr. 2409 § 3): written by them in the
    portal when their region is ``connected`` (its coordinators log in); otherwise given orally
    and recorded by the caseworker, with who gave it (``given_by``). Either way the timeline and
    the export say who gave it and for which region."""
    region_code = concern.municipality.region
    in_portal = advice_in_portal(region_code, connected, today)
    if actor.role == "caseworker" and in_portal:
        raise AdviceInPortal
    still_as_seen(concern, expected_version)
    before = concern.status
    after = next_status(before, ConcernAction.RECORD_ADVICE, concern.right_applies)
    until = comment_until(today, comment_period_days)
    region = region_on(region_code, today)
    with saved(db):
        concern.status = after
        concern.comment_until = until
        concern.updated_at = utcnow()
        write_event(
            db,
            concern,
            event_kind(before, ConcernAction.RECORD_ADVICE),
            actor,
            notice_deadline=until,
            advice=advice,
            comment_until=until.isoformat(),
            given_by=actor.name if actor.role == "coordinator" else given_by,
            region=REGION_NAMES[region] if region else "",
            orally=actor.role != "coordinator",
        )
        log_if_someone_else(db, actor, concern, "concern.record_advice")


def send_message(
    db: Session, actor: Actor, concern: Concern, text: str, expected_version: int | None = None
) -> Concern:
    """The caseworker writes to the citizen about a sent concern (shown on its page)."""
    act_without_transition(db, actor, concern, ConcernAction.MESSAGE, expected_version, text=text)
    return concern
