"""Use cases of a concern: start or resume a draft, save a step, send, add information, withdraw,
and the caseworker's steps (acknowledge, book the meeting, record advice, decide, close).

Access: a citizen reaches only concerns about their own offers (None → the view answers 404).
Every transition goes through ``portal.domain.concerns.next_status`` and writes a timeline event;
sending is idempotent (a conditional UPDATE from draft), so a double tap, a resend after "back"
or a second tab never makes a second concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from portal.auth.principal import Principal
from portal.db import utcnow
from portal.domain.concerns import (
    FINISHED,
    OPEN,
    ConcernAction,
    ConcernStatus,
    Decision,
    TransitionRefused,
    can_concern,
    can_message,
    next_status,
    offer_started,
    puts_offer_on_hold,
    reference_number,
    right_applies,
)
from portal.models import Concern, ConcernEvent, Forloeb, Offer, OfferStatus
from portal.services import access_log, notices
from portal.services.offers import offer_lists, own_offer

# The steps a draft must have completed before it can be sent (see portal.concerns.steps).
STEP_COUNT = 5


class ConcernNotAllowed(Exception):
    """The offer cannot be the subject of a concern (it has ended or was cancelled)."""


class ConcurrentChange(Exception):
    """Someone else changed the concern first; nothing was saved."""


class NotSaved(Exception):
    """The database refused the write; it was rolled back and nothing was half-saved."""


class NotReady(Exception):
    """The draft is missing answers; ``step`` is the first step to complete."""

    def __init__(self, step: int):
        super().__init__(step)
        self.step = step


@dataclass(frozen=True)
class Actor:
    """Who acts: the citizen themselves, a relative for them, or a caseworker. A relative's
    name goes on the timeline, so the citizen and the caseworker see who sent what."""

    role: str
    ref: str
    name: str = ""

    @classmethod
    def citizen(cls, principal: Principal) -> Actor:
        """The person at the keyboard on the citizen's side: the citizen, or their relative."""
        if principal.is_delegate:
            return cls("relative", f"relative:{principal.delegation_id}", principal.name)
        return cls("citizen", f"citizen:{principal.citizen_id}")

    @classmethod
    def caseworker(cls, principal: Principal) -> Actor:
        # The professional id (a MitID Erhverv UUID), never a CPR number.
        return cls("caseworker", f"caseworker:{principal.subject}")


def _own(principal: Principal):
    return select(Concern).where(Concern.citizen_id == principal.citizen_id)


def own_concern(db: Session, principal: Principal, concern_id: int) -> Concern | None:
    if principal.citizen_id is None:
        return None
    return db.scalar(
        _own(principal)
        .options(
            joinedload(Concern.offer).joinedload(Offer.forloeb).joinedload(Forloeb.caseworker),
            selectinload(Concern.events),
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
    """Current and upcoming offers without a draft or an open concern (starting one of those
    would only resume it)."""
    lists = offer_lists(db, principal, today)
    busy = {c.offer_id for c in own_concerns(db, principal) if c.status not in FINISHED}
    return [o for o in (*lists.upcoming, *lists.current) if o.id not in busy]


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
    if visible:
        notices.notify(db, concern, kind)
    return event


def start(db: Session, principal: Principal, offer_id: int, today: date) -> Concern | None:
    """The concern to continue for this offer: the open one or the draft if there is one (more
    is added to an open concern, not sent twice), else a new draft. None: not their offer."""
    offer = own_offer(db, principal, offer_id)
    if offer is None:
        return None
    if not can_concern(offer.status, offer.end_date, today):
        raise ConcernNotAllowed
    existing = db.scalar(
        _own(principal)
        .where(Concern.offer_id == offer.id, Concern.status.in_([ConcernStatus.DRAFT, *OPEN]))
        .order_by(Concern.created_at.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    now = utcnow()
    actor = Actor.citizen(principal)
    concern = Concern(
        citizen_id=principal.citizen_id,
        offer_id=offer.id,
        status=ConcernStatus.DRAFT,
        answers={"offer_started": "yes" if offer_started(offer.start_date, today) else "no"},
        right_applies=right_applies(offer.kind),
        created_by_role=actor.role,
        created_by_ref=actor.ref,
        created_at=now,
        updated_at=now,
    )
    db.add(concern)
    try:
        db.commit()
    except IntegrityError:  # another tab created the draft a moment ago: use that one
        db.rollback()
        return db.scalar(
            _own(principal).where(
                Concern.offer_id == offer.id, Concern.status == ConcernStatus.DRAFT
            )
        )
    return concern


def save_step(db: Session, concern: Concern, step: int, answers: dict) -> None:
    """Keep a step's answers on the draft (server-side, so a closed browser loses nothing)."""
    if concern.status is not ConcernStatus.DRAFT:
        raise TransitionRefused(concern.status, ConcernAction.SUBMIT, "only a draft can change")
    concern.answers = {**concern.answers, **answers}
    concern.steps_done = max(concern.steps_done, step)
    concern.updated_at = utcnow()
    try:
        db.commit()
    except StaleDataError as error:
        db.rollback()
        raise ConcurrentChange from error
    except SQLAlchemyError as error:
        db.rollback()
        raise NotSaved from error


def delete_draft(db: Session, concern: Concern) -> None:
    if concern.status is not ConcernStatus.DRAFT:
        raise TransitionRefused(concern.status, ConcernAction.WITHDRAW, "only a draft is deleted")
    db.delete(concern)
    db.commit()


def submit(db: Session, principal: Principal, concern: Concern) -> Concern:
    """Send the draft. Sending again (double tap, back and resend, two tabs) changes nothing."""
    if concern.status is not ConcernStatus.DRAFT:
        return concern
    if concern.steps_done < STEP_COUNT:
        raise NotReady(concern.steps_done + 1)
    now = utcnow()
    started = concern.answers.get("offer_started") == "yes"
    offer = db.get(Offer, concern.offer_id)
    on_hold = puts_offer_on_hold(concern.right_applies, started)
    hold = on_hold and offer.status is not OfferStatus.ON_HOLD
    # Only one request can move the row out of draft; a repeat finds it already sent.
    moved = db.execute(
        update(Concern)
        .where(Concern.id == concern.id, Concern.status == ConcernStatus.DRAFT)
        .values(
            status=ConcernStatus.SUBMITTED,
            submitted_at=now,
            updated_at=now,
            offer_started_when_sent=started,
            reference=reference_number(concern.id, now.year),
            held_offer_status=str(offer.status) if hold else None,
            version=Concern.version + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:  # sent already, by another request: nothing was written here
        db.refresh(concern)
        return concern
    if hold:
        offer.status = OfferStatus.ON_HOLD
    _event(db, concern, "submitted", Actor.citizen(principal), on_hold=on_hold)
    try:
        db.commit()
    except SQLAlchemyError as error:
        db.rollback()
        raise NotSaved from error
    db.refresh(concern)
    return concern


def add_information(db: Session, principal: Principal, concern: Concern, text: str) -> None:
    if concern.status not in (
        ConcernStatus.SUBMITTED,
        ConcernStatus.ACKNOWLEDGED,
        ConcernStatus.MEETING_BOOKED,
        ConcernStatus.ADVICE_GIVEN,
    ):
        raise TransitionRefused(
            concern.status, ConcernAction.SUBMIT, "information can be added only to an open concern"
        )
    _event(db, concern, "information_added", Actor.citizen(principal), text=text)
    concern.updated_at = utcnow()
    db.commit()


def _release_hold(db: Session, concern: Concern) -> None:
    if concern.held_offer_status:
        offer = db.get(Offer, concern.offer_id)
        if offer.status is OfferStatus.ON_HOLD:
            offer.status = OfferStatus(concern.held_offer_status)
        concern.held_offer_status = None


def transition(
    db: Session,
    actor: Actor,
    concern: Concern,
    action: ConcernAction,
    expected_version: int | None = None,
    **details,
) -> Concern:
    """Move the concern on (the domain decides whether it may), record it, release a hold
    when the municipality decides or the citizen withdraws."""
    _still_as_seen(concern, expected_version)
    concern.status = next_status(concern.status, action, concern.right_applies)
    concern.updated_at = utcnow()
    if action is ConcernAction.DECIDE:
        details["decision"] = str(Decision(details["decision"]))
    if action in (ConcernAction.DECIDE, ConcernAction.WITHDRAW):
        _release_hold(db, concern)
    _event(db, concern, str(action), actor, **details)
    _log_if_someone_else(db, actor, concern, f"concern.{action}")
    _commit_unless_changed(db)
    return concern


def _still_as_seen(concern: Concern, expected_version: int | None) -> None:
    """The person acted on the version they saw; if it has moved on, nothing is done."""
    if expected_version is not None and concern.version != expected_version:
        raise ConcurrentChange


def _commit_unless_changed(db: Session) -> None:
    """Commit, or roll back and say so when someone else changed the concern meanwhile (the
    version column did not match: optimistic locking)."""
    try:
        db.commit()
    except StaleDataError as error:
        db.rollback()
        raise ConcurrentChange from error


def _log_if_someone_else(db: Session, actor: Actor, concern: Concern, action: str) -> None:
    """Someone other than the citizen handled their health data: it goes in the access log in
    the same transaction (domain.md §8)."""
    if actor.role != "citizen":
        access_log.record(
            db,
            actor.role,
            actor.ref,
            [concern.citizen_id],
            action,
            access_log.Purpose.CONCERN_HANDLING,
        )


def send_message(
    db: Session, actor: Actor, concern: Concern, text: str, expected_version: int | None = None
) -> Concern:
    """The caseworker writes to the citizen about a sent concern (shown on its page)."""
    _still_as_seen(concern, expected_version)
    if not can_message(concern.status):
        raise TransitionRefused(concern.status, ConcernAction.ACKNOWLEDGE, "the concern is closed")
    concern.updated_at = utcnow()
    _event(db, concern, "message", actor, text=text)
    _log_if_someone_else(db, actor, concern, "concern.message")
    _commit_unless_changed(db)
    return concern


def withdraw(db: Session, principal: Principal, concern: Concern) -> Concern:
    return transition(db, Actor.citizen(principal), concern, ConcernAction.WITHDRAW)
