"""Use cases of a concern: the citizen's (start or resume a draft, save a step, send, add
information, comment on the advice, consent to the doctor being contacted, withdraw) and the
caseworker's (acknowledge, book or move the meeting, record whether it was held, record the
advice, decide, write, close).

Access: a citizen reaches only concerns about their own offers (None → the view answers 404).
Every action is checked by ``portal.domain.concerns.next_status``, writes a timeline event and is
saved through ``portal.services.transaction.saved``; sending is idempotent (a conditional UPDATE
from draft), so a double tap, a resend after "back" or a second tab never makes a second concern.
The rules use what the portal knows — the offer's start date, the day the concern is sent, the
forløb's end, the meeting's time — never an answer the citizen gave (domain.md §3).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from portal import page_marks
from portal.domain.casework import queue_position
from portal.domain.concerns import (
    FINISHED,
    OPEN,
    ConcernAction,
    ConcernRefusal,
    ConcernStatus,
    Decision,
    DecisionProblem,
    ForloebDates,
    TransitionRefused,
    comment_until,
    concern_refusal,
    consent_given,
    decision_problem,
    event_kind,
    meeting_can_be_recorded,
    next_status,
    offer_started,
    puts_offer_on_hold,
    reference_number,
    right_applies,
    started_when_sent,
)
from portal.domain.danish import DANISH_TIME, danish_date
from portal.domain.documents import DocumentProblem
from portal.domain.principal import Actor, Principal
from portal.models import (
    Citizen,
    Concern,
    ConcernDocument,
    ConcernEvent,
    CoordinatorMeeting,
    Forloeb,
    ForloebStatus,
    MeetingProposal,
    Offer,
    OfferStatus,
)
from portal.models.base import utcnow
from portal.services import access_log, documents, notices
from portal.services.offers import offer_lists, own_offer
from portal.services.transaction import AlreadyExists, ConcurrentChange, NotSaved, saved

__all__ = ["Actor", "ConcurrentChange", "NotSaved", "TransitionRefused"]

# The steps a draft must have completed before it can be sent (see portal.concerns.forms).
STEP_COUNT = 5


class ConcernNotAllowed(Exception):
    """No concern can be started about this offer; ``refusal`` says why."""

    def __init__(self, refusal: ConcernRefusal):
        super().__init__(refusal)
        self.refusal = refusal


class NotReady(Exception):
    """The draft is missing answers; ``step`` is the first step to complete."""

    def __init__(self, step: int):
        super().__init__(step)
        self.step = step


class OnlyTheCitizen(Exception):
    """Consent about one's own health data is given by the citizen, never by a relative acting
    under a fuldmagt (GDPR art. 4(11) and 7; domain.md §3)."""


class MeetingNotYet(Exception):
    """Whether the meeting was held is recorded at or after its time."""


class DecisionRefused(Exception):
    def __init__(self, problem: DecisionProblem):
        super().__init__(problem)
        self.problem = problem


def forloeb_dates(forloeb: Forloeb) -> ForloebDates:
    return ForloebDates(
        start=forloeb.start_date,
        planned_end=forloeb.planned_end_date,
        ended=forloeb.status is ForloebStatus.ENDED,
    )


def right_for(offer: Offer, today: date) -> bool:
    """Whether LAB § 113, stk. 3 gives the right for this offer today (its forløb loaded)."""
    return right_applies(offer.kind, offer.start_date, forloeb_dates(offer.forloeb), today)


def refusal_for(offer: Offer, today: date) -> ConcernRefusal | None:
    """Why no concern can be started about this offer today, or None (its forløb loaded)."""
    return concern_refusal(
        offer.status, offer.start_date, offer.end_date, forloeb_dates(offer.forloeb), today
    )


def _own(principal: Principal):
    """The citizen's concerns; a deleted draft is gone for them (only counted, issue 17)."""
    return select(Concern).where(
        Concern.citizen_id == principal.citizen_id, Concern.status != ConcernStatus.DISCARDED
    )


def own_concern(db: Session, principal: Principal, concern_id: int) -> Concern | None:
    if principal.citizen_id is None:
        return None
    return db.scalar(
        _own(principal)
        .options(
            joinedload(Concern.citizen).joinedload(Citizen.municipality),
            joinedload(Concern.offer).joinedload(Offer.forloeb).joinedload(Forloeb.caseworker),
            selectinload(Concern.events),
            selectinload(Concern.meetings),
        )
        .where(Concern.id == concern_id)
    )


def own_concerns(db: Session, principal: Principal) -> list[Concern]:
    """Drafts and sent concerns, newest first (two queries, however many there are)."""
    if principal.citizen_id is None:
        return []
    return list(
        db.scalars(
            _own(principal)
            .options(joinedload(Concern.offer))
            .order_by(Concern.created_at.desc(), Concern.id.desc())
        )
    )


def offers_open_for_concern(db: Session, principal: Principal, today: date) -> list[Offer]:
    """Current and upcoming offers a concern can be started about, without a draft or an open
    concern (starting one of those would only resume it)."""
    lists = offer_lists(db, principal, today)
    busy = {c.offer_id for c in own_concerns(db, principal) if c.status not in FINISHED}
    return [
        o
        for o in (*lists.upcoming, *lists.current)
        if o.id not in busy and refusal_for(o, today) is None
    ]


def _event(
    db: Session, concern: Concern, kind: str, actor: Actor, visible: bool = True, **data
) -> ConcernEvent:
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
        notices.notify(db, concern, kind)
    return event


def start(db: Session, principal: Principal, offer_id: int, today: date) -> Concern | None:
    """The concern to continue for this offer: the open one or the draft if there is one (more
    is added to an open concern, not sent twice), else a new draft. None: not their offer."""
    offer = own_offer(db, principal, offer_id)
    if offer is None:
        return None
    existing = db.scalar(
        _own(principal)
        .where(Concern.offer_id == offer.id, Concern.status.in_([ConcernStatus.DRAFT, *OPEN]))
        .order_by(Concern.created_at.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    refusal = refusal_for(offer, today)
    if refusal is not None:
        raise ConcernNotAllowed(refusal)
    now = utcnow()
    actor = Actor.citizen(principal)
    concern = Concern(
        citizen_id=principal.citizen_id,
        offer_id=offer.id,
        municipality_id=offer.forloeb.municipality_id,
        status=ConcernStatus.DRAFT,
        # Proposed from the dates; the citizen may say otherwise, but the dates decide.
        answers={"offer_started": "yes" if offer_started(offer.start_date, today) else "no"},
        right_applies=right_for(offer, today),
        created_by_role=actor.role,
        created_by_ref=actor.ref,
        created_at=now,
        updated_at=now,
    )
    try:
        with saved(db):
            db.add(concern)
            db.flush()
            _log_if_someone_else(db, actor, concern, "concern.start")
    except AlreadyExists:  # another tab created the draft a moment ago: use that one
        return db.scalar(
            _own(principal).where(
                Concern.offer_id == offer.id, Concern.status == ConcernStatus.DRAFT
            )
        )
    return concern


def save_step(
    db: Session,
    concern: Concern,
    step: int,
    answers: dict,
    by: Principal | None = None,
    files: Sequence[documents.Prepared] = (),
    remove: set[int] = frozenset(),
    max_files: int = 5,
) -> None:
    """Keep a step's answers on the draft (server-side, so a closed browser loses nothing),
    with the files chosen on it and without those ticked to go, in one transaction. ``by``: who
    typed them; a relative's writing goes in the citizen's access log."""
    next_status(concern.status, ConcernAction.EDIT, concern.right_applies)
    going = [document for document in concern.documents if document.id in remove]
    if len(concern.documents) - len(going) + len(files) > max_files:
        raise documents.DocumentRefused(DocumentProblem.TOO_MANY)
    with saved(db):
        for document in going:
            concern.documents.remove(document)
            db.delete(document)
        concern.answers = {**concern.answers, **answers}
        concern.steps_done = max(concern.steps_done, step)
        concern.updated_at = utcnow()
        if files:  # only ever chosen by someone logged in, so ``by`` is known
            documents.attach(db, Actor.citizen(by), concern, list(files))
        if by is not None:
            _log_if_someone_else(db, Actor.citizen(by), concern, "concern.save_step")


def delete_draft(db: Session, concern: Concern, by: Principal | None = None) -> None:
    """ "Slet kladde": the answers and files are deleted; what stays is that a concern about
    this offer was started and not sent, for the municipality's figures (issue 17), until the
    retention rules remove it."""
    after = next_status(concern.status, ConcernAction.DELETE, concern.right_applies)
    with saved(db):
        for document in list(concern.documents):
            concern.documents.remove(document)
            db.delete(document)
        concern.answers = {}
        concern.steps_done = 0
        concern.status = after
        concern.updated_at = utcnow()
        if by is not None:
            _log_if_someone_else(db, Actor.citizen(by), concern, "concern.delete_draft")


def submit(db: Session, principal: Principal, concern: Concern) -> Concern:
    """Send the draft. Sending again (double tap, back and resend, two tabs) changes nothing.

    Whether the right applies and whether the offer is put on hold are decided now, from the
    offer's start date, the forløb and the Danish day of sending."""
    if concern.status is not ConcernStatus.DRAFT:
        return concern
    if concern.steps_done < STEP_COUNT:
        raise NotReady(concern.steps_done + 1)
    now = utcnow()
    today = danish_date(now)
    offer = db.scalar(
        select(Offer).options(joinedload(Offer.forloeb)).where(Offer.id == concern.offer_id)
    )
    refusal = refusal_for(offer, today)
    if refusal is not None:
        raise ConcernNotAllowed(refusal)
    applies = right_for(offer, today)
    status = next_status(concern.status, ConcernAction.SUBMIT, applies)
    started = started_when_sent(offer.start_date, now)
    on_hold = puts_offer_on_hold(applies, started)
    hold = on_hold and offer.status is not OfferStatus.ON_HOLD
    with saved(db):
        # Only one request can move the row out of draft; a repeat finds it already sent.
        moved = db.execute(
            update(Concern)
            .where(Concern.id == concern.id, Concern.status == ConcernStatus.DRAFT)
            .values(
                status=status,
                submitted_at=now,
                updated_at=now,
                right_applies=applies,
                offer_started_when_sent=started,
                reference=reference_number(concern.id, today.year),
                held_offer_status=str(offer.status) if hold else None,
                queue_group=queue_position(hold, False, offer.start_date)[0],
                queue_day=queue_position(hold, False, offer.start_date)[1],
                version=Concern.version + 1,
            )
            .execution_options(
                synchronize_session=False, **page_marks.changes_concern_pages(concern)
            )
        ).rowcount
        if moved == 1:
            if hold:
                offer.status = OfferStatus.ON_HOLD
            actor = Actor.citizen(principal)
            _event(
                db,
                concern,
                event_kind(ConcernStatus.DRAFT, ConcernAction.SUBMIT),
                actor,
                on_hold=on_hold,
                offer_started=started,
            )
            _log_if_someone_else(db, actor, concern, "concern.submit")
    db.refresh(concern)
    return concern


def add_information(
    db: Session,
    principal: Principal,
    concern: Concern,
    text: str,
    expected_version: int | None,
    files: Sequence[documents.Prepared] = (),
    max_files: int = 5,
) -> None:
    """'Tilføj noget': more for an open concern — words, files or both — on the version the
    person saw. The files are stored in the same transaction as the event that tells of them."""
    _still_as_seen(concern, expected_version)
    next_status(concern.status, ConcernAction.ADD_INFORMATION, concern.right_applies)
    _room_for(concern, files, max_files)
    actor = Actor.citizen(principal)
    with saved(db):
        added = documents.attach(db, actor, concern, list(files))
        db.flush()
        concern.updated_at = utcnow()  # bumps the version: two tabs cannot both add
        _event(
            db,
            concern,
            event_kind(concern.status, ConcernAction.ADD_INFORMATION),
            actor,
            text=text,
            documents=[{"id": d.id, "name": d.filename} for d in added],
        )
        _log_if_someone_else(db, actor, concern, "concern.add_information")


def _room_for(concern: Concern, files: Sequence, max_files: int) -> None:
    if len(concern.documents) + len(files) > max_files:
        raise documents.DocumentRefused(DocumentProblem.TOO_MANY)


def document_of(concern: Concern, document_id: int) -> ConcernDocument | None:
    return next((d for d in concern.documents if d.id == document_id), None)


def comment_on_advice(
    db: Session,
    principal: Principal,
    concern: Concern,
    text: str,
    today: date,
    expected_version: int | None,
) -> None:
    """The citizen (or a relative who may act) answers the coordinator's advice before the
    decision, within the period (forvaltningsloven § 19)."""
    if concern.comment_until is not None and today > concern.comment_until:
        raise TransitionRefused(concern.status, ConcernAction.COMMENT, "the period has passed")
    _act_without_transition(
        db, Actor.citizen(principal), concern, ConcernAction.COMMENT, expected_version, text=text
    )


def consent_since(concern: Concern) -> datetime | None:
    """When the citizen's consent to contact their doctor was given, if it holds now: it ends
    when withdrawn, and when the municipality has decided (or the concern is finished)."""
    if concern.status in FINISHED:
        return None
    return consent_given([(event.kind, event.occurred_at) for event in concern.events])


def give_consent(
    db: Session, principal: Principal, concern: Concern, expected_version: int | None
) -> None:
    """The citizen lets the sundhedskoordinator contact their own doctor about this concern,
    until the municipality has decided (or the consent is withdrawn)."""
    if principal.is_delegate:
        raise OnlyTheCitizen
    if consent_since(concern) is not None:
        raise TransitionRefused(concern.status, ConcernAction.GIVE_CONSENT, "given already")
    _act_without_transition(
        db, Actor.citizen(principal), concern, ConcernAction.GIVE_CONSENT, expected_version
    )


def withdraw_consent(
    db: Session, principal: Principal, concern: Concern, expected_version: int | None
) -> None:
    if principal.is_delegate:
        raise OnlyTheCitizen
    if consent_since(concern) is None:
        raise TransitionRefused(concern.status, ConcernAction.WITHDRAW_CONSENT, "none to withdraw")
    _act_without_transition(
        db, Actor.citizen(principal), concern, ConcernAction.WITHDRAW_CONSENT, expected_version
    )


def decision_event(concern: Concern) -> ConcernEvent | None:
    return next((e for e in reversed(concern.events) if e.kind == "decided"), None)


def send_message(
    db: Session, actor: Actor, concern: Concern, text: str, expected_version: int | None = None
) -> Concern:
    """The caseworker writes to the citizen about a sent concern (shown on its page)."""
    _act_without_transition(db, actor, concern, ConcernAction.MESSAGE, expected_version, text=text)
    return concern


def _act_without_transition(
    db: Session,
    actor: Actor,
    concern: Concern,
    action: ConcernAction,
    expected_version: int | None,
    **details,
) -> None:
    _still_as_seen(concern, expected_version)
    next_status(concern.status, action, concern.right_applies)
    with saved(db):
        concern.updated_at = utcnow()  # bumps the version: two tabs cannot both add
        _event(db, concern, event_kind(concern.status, action), actor, **details)
        _log_if_someone_else(db, actor, concern, f"concern.{action}")


def _release_hold(db: Session, concern: Concern, stopped: bool = False) -> None:
    offer = db.get(Offer, concern.offer_id)
    if concern.held_offer_status:
        if offer.status is OfferStatus.ON_HOLD:
            offer.status = OfferStatus(concern.held_offer_status)
        concern.held_offer_status = None
        concern.queue_group, concern.queue_day = queue_position(False, False, offer.start_date)
    if stopped and offer.status is not OfferStatus.ENDED:
        # The municipality stopped the offer; the case system confirms it at its next import.
        offer.status = OfferStatus.CANCELLED


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
    _still_as_seen(concern, expected_version)
    before = concern.status
    after = next_status(before, action, concern.right_applies)
    with saved(db):
        concern.status = after
        concern.updated_at = utcnow()
        if action is ConcernAction.WITHDRAW:
            _release_hold(db, concern)
        _event(db, concern, event_kind(before, action), actor, **details)
        _log_if_someone_else(db, actor, concern, f"concern.{action}")
    return concern


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


def current_meeting(concern: Concern) -> CoordinatorMeeting | None:
    """The meeting booked now (not yet recorded as held or not held)."""
    if concern.meetings and concern.meetings[-1].outcome is None:
        return concern.meetings[-1]
    return None


def held_meeting(concern: Concern) -> CoordinatorMeeting | None:
    return next((m for m in reversed(concern.meetings) if m.outcome == "held"), None)


def _local(moment: datetime) -> str:
    """A meeting time in the timeline: Danish local time, to the minute, as it was booked."""
    return moment.astimezone(DANISH_TIME).replace(tzinfo=None).isoformat(timespec="minutes")


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
    _still_as_seen(concern, expected_version)
    next_status(concern.status, ConcernAction.BOOK_MEETING, concern.right_applies)
    with saved(db):
        meeting = _book(db, actor, concern, plan, ConcernAction.BOOK_MEETING)
        _close_proposals(concern, "replaced")
        _log_if_someone_else(db, actor, concern, "concern.book_meeting")
    return meeting


def _book(
    db: Session, actor: Actor, concern: Concern, plan: MeetingPlan, action: ConcernAction
) -> CoordinatorMeeting:
    """The booking itself, inside the caller's transaction."""
    before = concern.status
    after = next_status(before, action, concern.right_applies)
    meeting = current_meeting(concern)
    now = utcnow()
    details = {
        "meeting_at": _local(plan.starts_at),
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
        details["moved_from"] = _local(meeting.starts_at)
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
    _event(db, concern, event_kind(before, action), actor, **details)
    return meeting


# -- meeting times offered to the citizen ------------------------------------------------------
class TimesAlreadyAnswered(Exception):
    """The times were answered (by someone else, a moment ago) or replaced; nothing was done."""


class AnswerNotUsable(ValueError):
    """The answer to the offered times cannot be saved as it is: no time, or one that was not
    offered; none fit, but no reason. Nothing was done."""


def open_proposal(concern: Concern) -> MeetingProposal | None:
    return next((p for p in reversed(concern.proposals) if p.status == "open"), None)


def _still_open(concern: Concern, proposal_id: int) -> MeetingProposal:
    """The times the citizen answers, if they are still the open ones."""
    proposal = open_proposal(concern)
    if proposal is None or proposal.id != proposal_id:
        raise TimesAlreadyAnswered
    return proposal


def _close_proposals(concern: Concern, status: str) -> None:
    for proposal in concern.proposals:
        if proposal.status == "open":
            proposal.status = status


def _reposition(concern: Concern, times_declined: bool) -> None:
    offer_start = concern.offer.start_date
    concern.queue_group, concern.queue_day = queue_position(
        concern.held_offer_status is not None, times_declined, offer_start
    )


def propose_times(
    db: Session,
    actor: Actor,
    concern: Concern,
    times: list[datetime],
    plan: MeetingPlan,
    expected_version: int | None = None,
) -> MeetingProposal:
    """Offer the citizen 2-5 times for the meeting (each valid as a booking; the form checks
    them); earlier times not answered are replaced."""
    _still_as_seen(concern, expected_version)
    next_status(concern.status, ConcernAction.PROPOSE_TIMES, concern.right_applies)
    soonest_first = sorted(times)
    with saved(db):
        _close_proposals(concern, "replaced")
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
        _reposition(concern, times_declined=False)
        concern.updated_at = utcnow()
        _event(
            db,
            concern,
            event_kind(concern.status, ConcernAction.PROPOSE_TIMES),
            actor,
            times=[_local(moment) for moment in soonest_first],
            form=plan.form,
            message=plan.message,
        )
        _log_if_someone_else(db, actor, concern, "concern.propose_times")
    return proposal


def _answer(db: Session, proposal: MeetingProposal, status: str, **values) -> None:
    """Only one answer wins: the row moves from open in one statement, or nothing happens."""
    moved = db.execute(
        update(MeetingProposal)
        .where(MeetingProposal.id == proposal.id, MeetingProposal.status == "open")
        .values(status=status, answered_at=utcnow(), **values)
        .execution_options(
            synchronize_session=False, **page_marks.changes_concern_pages(proposal.concern)
        )
    ).rowcount
    if moved != 1:
        raise TimesAlreadyAnswered


def choose_time(
    db: Session,
    principal: Principal,
    concern: Concern,
    proposal_id: int,
    chosen: datetime | None,
) -> CoordinatorMeeting:
    """The citizen (or a relative who may act) picks one of the offered times: the meeting is
    booked (or moved) at it at once."""
    proposal = _still_open(concern, proposal_id)
    if chosen is None or chosen not in proposal.starts:
        raise AnswerNotUsable
    next_status(concern.status, ConcernAction.CHOOSE_TIME, concern.right_applies)
    actor = Actor.citizen(principal)
    plan = MeetingPlan(
        chosen, proposal.form, proposal.place, proposal.video_url, proposal.coordinator,
        proposal.clinical_unit,
    )  # fmt: skip
    try:
        with saved(db):
            _answer(db, proposal, "chosen", chosen_time=chosen)
            meeting = _book(db, actor, concern, plan, ConcernAction.CHOOSE_TIME)
            _reposition(concern, times_declined=False)
            _log_if_someone_else(db, actor, concern, "concern.choose_time")
    except TimesAlreadyAnswered:
        db.refresh(concern)
        raise
    db.refresh(proposal)
    return meeting


def decline_times(
    db: Session, principal: Principal, concern: Concern, proposal_id: int, reason: str | None
) -> None:
    """None of the times fit, and why: the caseworker sees it at the top of the queue."""
    proposal = _still_open(concern, proposal_id)
    if not reason:
        raise AnswerNotUsable
    next_status(concern.status, ConcernAction.DECLINE_TIMES, concern.right_applies)
    actor = Actor.citizen(principal)
    with saved(db):
        _answer(db, proposal, "declined", decline_reason=reason)
        _reposition(concern, times_declined=True)
        concern.updated_at = utcnow()
        _event(
            db,
            concern,
            event_kind(concern.status, ConcernAction.DECLINE_TIMES),
            actor,
            reason=reason,
        )
        _log_if_someone_else(db, actor, concern, "concern.decline_times")
    db.refresh(proposal)


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
    _still_as_seen(concern, expected_version)
    before = concern.status
    after = next_status(before, action, concern.right_applies)
    meeting = current_meeting(concern)
    if meeting is None:
        raise TransitionRefused(before, action, "no meeting is booked")
    if not meeting_can_be_recorded(meeting.starts_at, now):
        raise MeetingNotYet
    details = {"meeting_at": _local(meeting.starts_at), "note": note}
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
        _event(db, concern, event_kind(before, action), actor, **details)
        _log_if_someone_else(db, actor, concern, f"concern.{action}")


def record_advice(
    db: Session,
    actor: Actor,
    concern: Concern,
    advice: str,
    today: date,
    comment_period_days: int,
    expected_version: int | None = None,
) -> None:
    """The coordinator's advice from the held meeting; the citizen may now comment on it until
    the end of the period (forvaltningsloven § 19)."""
    _still_as_seen(concern, expected_version)
    before = concern.status
    after = next_status(before, ConcernAction.RECORD_ADVICE, concern.right_applies)
    until = comment_until(today, comment_period_days)
    with saved(db):
        concern.status = after
        concern.comment_until = until
        concern.updated_at = utcnow()
        _event(
            db,
            concern,
            event_kind(before, ConcernAction.RECORD_ADVICE),
            actor,
            advice=advice,
            comment_until=until.isoformat(),
        )
        _log_if_someone_else(db, actor, concern, "concern.record_advice")


def has_comment(concern: Concern) -> bool:
    return any(event.kind == "advice_commented" for event in concern.events)


def decide(
    db: Session,
    actor: Actor,
    concern: Concern,
    decision: Decision,
    reason: str,
    changes: str,
    early_reason: str,
    today: date,
    expected_version: int | None = None,
) -> None:
    """The municipality's decision about the offer, with its reasons, what changes, and — before
    the comment period has passed without a comment — why it is decided now. Releases a hold;
    a stopped offer is cancelled."""
    _still_as_seen(concern, expected_version)
    before = concern.status
    after = next_status(before, ConcernAction.DECIDE, concern.right_applies)
    decision = Decision(decision)
    problem = decision_problem(
        decision, changes, has_comment(concern), concern.comment_until, today, early_reason
    )
    if problem is not None:
        raise DecisionRefused(problem)
    with saved(db):
        concern.status = after
        concern.updated_at = utcnow()
        _release_hold(db, concern, stopped=decision is Decision.STOPPED)
        _event(
            db,
            concern,
            event_kind(before, ConcernAction.DECIDE),
            actor,
            decision=str(decision),
            reason=reason,
            changes=changes if decision is Decision.ADAPTED else "",
            early_reason=early_reason,
            decided_on=today.isoformat(),
        )
        _log_if_someone_else(db, actor, concern, "concern.decide")


def _still_as_seen(concern: Concern, expected_version: int | None) -> None:
    """The person acted on the version they saw; if it has moved on, nothing is done."""
    if expected_version is not None and concern.version != expected_version:
        raise ConcurrentChange


def _log_if_someone_else(db: Session, actor: Actor, concern: Concern, action: str) -> None:
    """Someone other than the citizen handled their health data: it goes in the access log in
    the same transaction (domain.md §8), once per action, with its purpose."""
    if actor.is_citizen:
        return
    purpose = (
        access_log.Purpose.RELATIVE_HELP
        if actor.role == "relative"
        else access_log.Purpose.CONCERN_HANDLING
    )
    access_log.record(db, actor.role, actor.ref, [concern.citizen_id], action, purpose)


def withdraw(
    db: Session, principal: Principal, concern: Concern, expected_version: int | None = None
) -> Concern:
    return transition(
        db, Actor.citizen(principal), concern, ConcernAction.WITHDRAW, expected_version
    )
