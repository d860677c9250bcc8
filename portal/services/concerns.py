"""Use cases of a concern: start or resume a draft, save a step, send, add information, withdraw,
and the caseworker's steps (acknowledge, book the meeting, record advice, decide, close).

Access: a citizen reaches only concerns about their own offers (None → the view answers 404).
Every action is checked by ``portal.domain.concerns.next_status``, writes a timeline event and is
saved through ``portal.services.transaction.saved``; sending is idempotent (a conditional UPDATE
from draft), so a double tap, a resend after "back" or a second tab never makes a second concern.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.domain.concerns import (
    FINISHED,
    OPEN,
    ConcernAction,
    ConcernStatus,
    Decision,
    can_concern,
    event_kind,
    next_status,
    offer_started,
    puts_offer_on_hold,
    reference_number,
    right_applies,
)
from portal.domain.principal import Actor, Principal
from portal.models import Concern, ConcernEvent, Forloeb, Offer, OfferStatus
from portal.models.base import utcnow
from portal.services import access_log, notices
from portal.services.offers import offer_lists, own_offer
from portal.services.transaction import AlreadyExists, ConcurrentChange, NotSaved, saved

__all__ = ["Actor", "ConcurrentChange", "NotSaved"]

# The steps a draft must have completed before it can be sent (see portal.concerns.forms).
STEP_COUNT = 5


class ConcernNotAllowed(Exception):
    """The offer cannot be the subject of a concern (it has ended or was cancelled)."""


class NotReady(Exception):
    """The draft is missing answers; ``step`` is the first step to complete."""

    def __init__(self, step: int):
        super().__init__(step)
        self.step = step


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
    try:
        with saved(db):
            db.add(concern)
    except AlreadyExists:  # another tab created the draft a moment ago: use that one
        return db.scalar(
            _own(principal).where(
                Concern.offer_id == offer.id, Concern.status == ConcernStatus.DRAFT
            )
        )
    return concern


def save_step(db: Session, concern: Concern, step: int, answers: dict) -> None:
    """Keep a step's answers on the draft (server-side, so a closed browser loses nothing)."""
    next_status(concern.status, ConcernAction.EDIT, concern.right_applies)
    with saved(db):
        concern.answers = {**concern.answers, **answers}
        concern.steps_done = max(concern.steps_done, step)
        concern.updated_at = utcnow()


def delete_draft(db: Session, concern: Concern) -> None:
    next_status(concern.status, ConcernAction.DELETE, concern.right_applies)
    with saved(db):
        db.delete(concern)


def submit(db: Session, principal: Principal, concern: Concern) -> Concern:
    """Send the draft. Sending again (double tap, back and resend, two tabs) changes nothing."""
    if concern.status is not ConcernStatus.DRAFT:
        return concern
    if concern.steps_done < STEP_COUNT:
        raise NotReady(concern.steps_done + 1)
    status = next_status(concern.status, ConcernAction.SUBMIT, concern.right_applies)
    now = utcnow()
    started = concern.answers.get("offer_started") == "yes"
    with saved(db):
        offer = db.get(Offer, concern.offer_id)
        on_hold = puts_offer_on_hold(concern.right_applies, started)
        hold = on_hold and offer.status is not OfferStatus.ON_HOLD
        # Only one request can move the row out of draft; a repeat finds it already sent.
        moved = db.execute(
            update(Concern)
            .where(Concern.id == concern.id, Concern.status == ConcernStatus.DRAFT)
            .values(
                status=status,
                submitted_at=now,
                updated_at=now,
                offer_started_when_sent=started,
                reference=reference_number(concern.id, now.year),
                held_offer_status=str(offer.status) if hold else None,
                version=Concern.version + 1,
            )
            .execution_options(synchronize_session=False)
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
            )
            _log_if_someone_else(db, actor, concern, "concern.submit")
    db.refresh(concern)
    return concern


def add_information(
    db: Session, principal: Principal, concern: Concern, text: str, expected_version: int
) -> None:
    """'Tilføj noget': more for an open concern, on the version the person saw."""
    _act_without_transition(
        db,
        Actor.citizen(principal),
        concern,
        ConcernAction.ADD_INFORMATION,
        expected_version,
        text=text,
    )


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
    before = concern.status
    after = next_status(before, action, concern.right_applies)
    with saved(db):
        concern.status = after
        concern.updated_at = utcnow()
        if action is ConcernAction.DECIDE:
            details["decision"] = str(Decision(details["decision"]))
        if action in (ConcernAction.DECIDE, ConcernAction.WITHDRAW):
            _release_hold(db, concern)
        _event(db, concern, event_kind(before, action), actor, **details)
        _log_if_someone_else(db, actor, concern, f"concern.{action}")
    return concern


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
