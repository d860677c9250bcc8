"""What every step of a concern shares, whoever takes it: writing the timeline event (and the
notice it leaves the citizen), the access-log entry when someone other than the citizen acts,
the check that the person acted on the version they saw, the steps that need nothing but a
message (acknowledge, close, withdraw), booking the meeting, releasing a hold, and reading a
concern's current meeting, offered times, decision and consent.

The citizen's use cases are in ``portal.services.concerns``, the caseworker's in
``portal.services.casework_steps``, the decision in ``portal.services.decisions``. Every step is
checked by ``portal.domain.concerns.next_status`` and saved through
``portal.services.transaction.saved``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from portal.domain.casework import queue_position
from portal.domain.concerns import (
    FINISHED,
    ConcernAction,
    ConcernStatus,
    consent_answer,
    consent_given,
    event_kind,
    next_status,
)
from portal.domain.danish import DANISH_TIME
from portal.domain.principal import Actor
from portal.domain.regions import clinical_unit
from portal.models import (
    Concern,
    ConcernEvent,
    CoordinatorMeeting,
    MeetingProposal,
    Offer,
    OfferStatus,
)
from portal.models.base import utcnow
from portal.services import access_log, notices
from portal.services.transaction import ConcurrentChange, saved


@dataclass(frozen=True)
class MeetingPlan:
    """A booking as the caseworker enters it: an aware time, the form and where (or the link)."""

    starts_at: datetime
    form: str
    place: str
    video_url: str
    coordinator: str
    clinical_unit: str
    message: str = ""


# Where a concern ends: the retention clock starts (portal.services.retention).
ENDED = FINISHED | {ConcernStatus.DISCARDED}


def move(concern: Concern, after: ConcernStatus) -> None:
    """The concern's new status; reaching an end records when, once."""
    concern.status = after
    if after in ENDED and concern.finished_at is None:
        concern.finished_at = utcnow()


def write_event(
    db: Session,
    concern: Concern,
    kind: str,
    actor: Actor,
    visible: bool = True,
    notice_deadline: date | None = None,
    **data,
) -> ConcernEvent:
    """The timeline event of a step (``data``: what the timeline shows), and — for a step by
    someone else that the citizen sees — the notice and e-mail, naming ``notice_deadline``."""
    if actor.role == "relative":
        data["by"] = actor.name
    event = ConcernEvent(
        concern_id=concern.id,
        occurred_at=utcnow(),
        kind=kind,
        actor_role=actor.role,
        actor_ref=actor.ref,
        citizen_visible=visible,
        data=data,
    )
    db.add(event)
    if visible and actor.role != "citizen":  # the citizen knows what they did themself
        notices.notify(db, concern, kind, notice_deadline)
    return event


def still_as_seen(concern: Concern, expected_version: int | None) -> None:
    """The person acted on the version they saw; if it has moved on, nothing is done."""
    if expected_version is not None and concern.version != expected_version:
        raise ConcurrentChange


def log_if_someone_else(db: Session, actor: Actor, concern: Concern, action: str) -> None:
    """Someone other than the citizen handled their health data: it goes in the access log in
    the same transaction (docs/domain.md §8), once per action, with its purpose."""
    if actor.is_citizen:
        return
    purpose = {
        "relative": access_log.Purpose.RELATIVE_HELP,
        "coordinator": access_log.Purpose.COORDINATOR_MEETING,
    }.get(actor.role, access_log.Purpose.CONCERN_HANDLING)
    access_log.record(db, actor.role, actor.ref, [concern.citizen_id], action, purpose)


def act_without_transition(
    db: Session,
    actor: Actor,
    concern: Concern,
    action: ConcernAction,
    expected_version: int | None,
    **details,
) -> None:
    still_as_seen(concern, expected_version)
    next_status(concern.status, action, concern.right_applies)
    with saved(db):
        concern.updated_at = utcnow()  # bumps the version: two tabs cannot both add
        write_event(db, concern, event_kind(concern.status, action), actor, **details)
        log_if_someone_else(db, actor, concern, f"concern.{action}")


def transition(
    db: Session,
    actor: Actor,
    concern: Concern,
    action: ConcernAction,
    expected_version: int | None = None,
    **details,
) -> Concern:
    """Move the concern on by a step that needs nothing but its message (acknowledge, close,
    withdraw); the domain decides whether it may. Withdrawing releases a hold."""
    still_as_seen(concern, expected_version)
    before = concern.status
    after = next_status(before, action, concern.right_applies)
    with saved(db):
        move(concern, after)
        concern.updated_at = utcnow()
        if action is ConcernAction.WITHDRAW:
            release_hold(db, concern)
        write_event(db, concern, event_kind(before, action), actor, **details)
        log_if_someone_else(db, actor, concern, f"concern.{action}")
    return concern


def current_meeting(concern: Concern) -> CoordinatorMeeting | None:
    """The meeting booked now (not yet recorded as held or not held)."""
    if concern.meetings and concern.meetings[-1].outcome is None:
        return concern.meetings[-1]
    return None


def open_proposal(concern: Concern) -> MeetingProposal | None:
    return next((p for p in reversed(concern.proposals) if p.status == "open"), None)


def local_minute(moment: datetime) -> str:
    """A meeting time in the timeline: Danish local time, to the minute, as it was booked."""
    return moment.astimezone(DANISH_TIME).replace(tzinfo=None).isoformat(timespec="minutes")


def book(
    db: Session, actor: Actor, concern: Concern, plan: MeetingPlan, action: ConcernAction
) -> CoordinatorMeeting:
    """The booking itself, inside the caller's transaction."""
    before = concern.status
    after = next_status(before, action, concern.right_applies)
    meeting = current_meeting(concern)
    now = utcnow()
    details = {
        "meeting_at": local_minute(plan.starts_at),
        "form": plan.form,
        "place": plan.place,
        "video_url": plan.video_url,
        "coordinator": plan.coordinator,
        "clinical_unit": plan.clinical_unit,
        "message": plan.message,
    }
    if action is ConcernAction.CHOOSE_TIME:
        details["chosen"] = True  # the citizen's side picked it among the offered times
    if meeting is None:
        meeting = CoordinatorMeeting(concern_id=concern.id, moves=0, created_at=now)
        db.add(meeting)
        concern.meetings.append(meeting)
    else:
        details["moved_from"] = local_minute(meeting.starts_at)
        meeting.moves += 1
    meeting.starts_at = plan.starts_at
    meeting.form = plan.form
    meeting.place = plan.place
    meeting.video_url = plan.video_url
    meeting.coordinator = plan.coordinator
    meeting.clinical_unit = plan.clinical_unit
    meeting.updated_at = now
    concern.status = after
    concern.updated_at = now
    write_event(db, concern, event_kind(before, action), actor, **details)
    return meeting


def close_proposals(concern: Concern, status: str) -> None:
    for proposal in concern.proposals:
        if proposal.status == "open":
            proposal.status = status


def reposition(concern: Concern, times_declined: bool) -> None:
    offer_start = concern.offer.start_date
    concern.queue_group, concern.queue_day = queue_position(
        concern.held_offer_status is not None, times_declined, offer_start
    )


def decision_event(concern: Concern) -> ConcernEvent | None:
    return next((e for e in reversed(concern.events) if e.kind == "decided"), None)


def advice_event(concern: Concern) -> ConcernEvent | None:
    """The coordinator's advice as recorded (the last, if it was recorded again)."""
    return next((e for e in reversed(concern.events) if e.kind == "advice_recorded"), None)


def has_comment(concern: Concern) -> bool:
    return any(event.kind == "advice_commented" for event in concern.events)


def consent_since(concern: Concern) -> datetime | None:
    """When the citizen's consent to contact their doctor was given, if it holds now: it ends
    when withdrawn, and when the municipality has decided (or the concern is finished)."""
    if concern.status in FINISHED:
        return None
    return consent_given([(event.kind, event.occurred_at) for event in concern.events])


def release_hold(db: Session, concern: Concern) -> Offer:
    """The offer waits no more (the concern is decided or withdrawn): it gets back the status it
    had before the concern put it on hold, and the concern leaves the queue's hold group."""
    offer = db.get(Offer, concern.offer_id)
    if concern.held_offer_status:
        if offer.status is OfferStatus.ON_HOLD:
            offer.status = OfferStatus(concern.held_offer_status)
        concern.held_offer_status = None
        concern.queue_group, concern.queue_day = queue_position(False, False, offer.start_date)
    return offer


def consent_of(concern: Concern) -> tuple[str, datetime, dict] | None:
    """The citizen's last answer about letting the coordinator contact their doctor — given,
    declined or withdrawn — when, and what it said (the doctor it names); None when they never
    answered, which the caseworker reads as "Ikke besvaret", not as "Nej"."""
    answer = consent_answer([(event.kind, event.occurred_at) for event in concern.events])
    if answer is None:
        return None
    kind, at = answer
    event = next(e for e in reversed(concern.events) if e.occurred_at == at)
    return str(kind), at, event.data


@dataclass(frozen=True)
class Coordinator:
    """Who the sundhedskoordinator is, as far as the case knows: a name once a meeting is
    booked or times are offered, and the region's clinical unit."""

    name: str
    unit: str


def coordinator_of(concern: Concern, today: date) -> Coordinator:
    """The coordinator of the booked (or last) meeting or of the offered times; before that, the
    clinical unit of the municipality's region on ``today`` (its name is data)."""
    source = concern.meetings[-1] if concern.meetings else open_proposal(concern)
    if source is not None:
        return Coordinator(source.coordinator, source.clinical_unit)
    return Coordinator("", clinical_unit(concern.citizen.municipality.region, today))
