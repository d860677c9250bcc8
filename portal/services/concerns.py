"""The citizen's use cases of a concern, also taken by a relative acting under a fuldmagt: start
or resume a draft, save a step, send, add information, comment on the advice, answer the
offered meeting times, consent to the doctor being contacted (the citizen alone), withdraw.

Access: a citizen reaches only concerns about their own offers (None → the view answers 404).
Sending is idempotent (a conditional UPDATE from draft), so a double tap, a resend after "back"
or a second tab never makes a second concern. The rules use what the portal knows — the offer's
start date, the day the concern is sent, the forløb's end — never an answer the citizen gave
(docs/domain.md). What every step shares is in ``portal.services.concern_steps``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Row, Select, bindparam, exists, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from portal import page_marks
from portal.domain.casework import queue_position
from portal.domain.concerns import (
    FINISHED,
    OPEN,
    ConcernAction,
    ConcernRefusal,
    ConcernStatus,
    TransitionRefused,
    event_kind,
    next_status,
    offer_started,
    puts_offer_on_hold,
    reference_number,
    started_when_sent,
)
from portal.domain.danish import danish_date
from portal.domain.documents import DocumentProblem
from portal.domain.principal import Actor, Principal
from portal.models import (
    Citizen,
    Concern,
    ConcernDocument,
    ConcernEvent,
    CoordinatorMeeting,
    Forloeb,
    MeetingProposal,
    Offer,
    OfferStatus,
)
from portal.models.base import utcnow
from portal.services import documents
from portal.services.concern_steps import (
    MeetingPlan,
    act_without_transition,
    book,
    consent_since,
    log_if_someone_else,
    move,
    open_proposal,
    reposition,
    still_as_seen,
    transition,
    write_event,
)
from portal.services.offers import offer_lists, own_offer, refusal_for, right_for
from portal.services.transaction import AlreadyExists, ConcurrentChange, NotSaved, saved

__all__ = ["ConcurrentChange", "NotSaved", "TransitionRefused"]

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
    under a fuldmagt (GDPR art. 4(11) and 7; docs/domain.md §3)."""


# -- meeting times offered to the citizen ------------------------------------------------------
class TimesAlreadyAnswered(Exception):
    """The times were answered (by someone else, a moment ago) or replaced; nothing was done."""


class AnswerNotUsable(ValueError):
    """The answer to the offered times cannot be saved as it is: no time, or one that was not
    offered; none fit, but no reason. Nothing was done."""


def _own(principal: Principal):
    """The citizen's concerns; a deleted draft is gone for them (only counted, issue 17)."""
    return select(Concern).where(
        Concern.citizen_id == principal.citizen_id, Concern.status != ConcernStatus.DISCARDED
    )


# A concern as its page shows it, the citizen's and the caseworker's alike: the citizen and
# their municipality, the offer with its forløb and caseworker, the decision (one at most:
# joined, a round trip fewer than a second select) — and its lists (``with_lists``).
CONCERN_PAGE = (
    joinedload(Concern.citizen).joinedload(Citizen.municipality),
    joinedload(Concern.offer).joinedload(Offer.forloeb).joinedload(Forloeb.caseworker),
    joinedload(Concern.plan_decision),
)
# The concern's timeline, meetings, offered times and files, in the relationships' own order.
# Each is a select built once: SQLAlchemy's selectin loader builds its select anew for every
# concern, and that was two thirds of the look-up (py-spy on the bench's data, issue 27).
# ``portal.services.concern_page`` reads the same lists, in the same order, as plain rows.
CONCERN_LISTS = {
    "events": ConcernEvent,
    "meetings": CoordinatorMeeting,
    "proposals": MeetingProposal,
    "documents": ConcernDocument,
}


def list_select(name: str, *columns) -> Select:
    """The select of one of a concern's lists (``CONCERN_LISTS``) in its relationship's order:
    of its model, or of ``columns``."""
    model = CONCERN_LISTS[name]
    return (
        select(*(columns or (model,)))
        .where(model.concern_id == bindparam("concern_id"))
        .order_by(*Concern.__mapper__.relationships[name].order_by)
    )


_LISTS = {name: list_select(name) for name in CONCERN_LISTS}
# Whether the concern has each list at all, read with the concern (a column named as the list):
# a list it does not have is not asked for. Most concerns have a timeline and little else, and
# each select is a round trip (for a concern just sent, three of the four lists, issue 27).
# ``portal.services.concern_page`` reads them too.
HAS_LISTS = tuple(
    exists().where(model.concern_id == Concern.id).label(name)
    for name, model in CONCERN_LISTS.items()
)


def page_select(*conditions) -> Select:
    """A concern as its page shows it (``CONCERN_PAGE``) and whether it has each of its lists;
    ``with_lists`` loads them."""
    return select(Concern, *HAS_LISTS).where(*conditions).options(*CONCERN_PAGE)


def with_lists(db: Session, found: Row | None) -> Concern | None:
    """The concern of a ``page_select`` row, with its timeline, meetings, offered times and
    files loaded: one select for each it has, however long, none for those it has not."""
    if found is None:
        return None
    concern = found[0]
    for name, statement in _LISTS.items():
        has = getattr(found, name)
        listed = list(db.scalars(statement, {"concern_id": concern.id})) if has else []
        set_committed_value(concern, name, listed)
    return concern


# Built once, with bound parameters (docs/architecture.md §10 — building a select with its
# loader options cost about 0.2 ms).
_OWN_CONCERN = page_select(
    Concern.citizen_id == bindparam("citizen_id"),
    Concern.status != ConcernStatus.DISCARDED,
    Concern.id == bindparam("concern_id"),
)


def own_concern(db: Session, principal: Principal, concern_id: int) -> Concern | None:
    """The citizen's own concern, to change, with everything its page shows (the page itself
    reads it as plain rows: ``portal.services.concern_page``)."""
    if principal.citizen_id is None:
        return None
    found = db.execute(
        _OWN_CONCERN, {"citizen_id": principal.citizen_id, "concern_id": concern_id}
    ).first()
    return with_lists(db, found)


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
            log_if_someone_else(db, actor, concern, "concern.start")
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
            log_if_someone_else(db, Actor.citizen(by), concern, "concern.save_step")


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
        move(concern, after)
        concern.updated_at = utcnow()
        if by is not None:
            log_if_someone_else(db, Actor.citizen(by), concern, "concern.delete_draft")


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
            write_event(
                db,
                concern,
                event_kind(ConcernStatus.DRAFT, ConcernAction.SUBMIT),
                actor,
                on_hold=on_hold,
                offer_started=started,
            )
            log_if_someone_else(db, actor, concern, "concern.submit")
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
    still_as_seen(concern, expected_version)
    next_status(concern.status, ConcernAction.ADD_INFORMATION, concern.right_applies)
    _room_for(concern, files, max_files)
    actor = Actor.citizen(principal)
    with saved(db):
        added = documents.attach(db, actor, concern, list(files))
        db.flush()
        concern.updated_at = utcnow()  # bumps the version: two tabs cannot both add
        write_event(
            db,
            concern,
            event_kind(concern.status, ConcernAction.ADD_INFORMATION),
            actor,
            text=text,
            documents=[{"id": d.id, "name": d.filename} for d in added],
        )
        log_if_someone_else(db, actor, concern, "concern.add_information")


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
    act_without_transition(
        db, Actor.citizen(principal), concern, ConcernAction.COMMENT, expected_version, text=text
    )


def give_consent(
    db: Session, principal: Principal, concern: Concern, doctor: str, expected_version: int | None
) -> None:
    """The citizen lets the sundhedskoordinator contact their own doctor (``doctor``: the name
    or the clinic they gave) about this concern, until the municipality has decided or the
    consent is withdrawn. Asked only until the advice is recorded: then it can serve nothing."""
    _only_the_citizen(principal)
    if consent_since(concern) is not None:
        raise TransitionRefused(concern.status, ConcernAction.GIVE_CONSENT, "given already")
    act_without_transition(
        db,
        Actor.citizen(principal),
        concern,
        ConcernAction.GIVE_CONSENT,
        expected_version,
        doctor=doctor,
    )


def decline_consent(
    db: Session, principal: Principal, concern: Concern, expected_version: int | None
) -> None:
    """The citizen says no: the caseworker then reads "Nej", not "Ikke besvaret"."""
    _only_the_citizen(principal)
    if consent_since(concern) is not None:
        raise TransitionRefused(concern.status, ConcernAction.DECLINE_CONSENT, "given: withdraw")
    act_without_transition(
        db, Actor.citizen(principal), concern, ConcernAction.DECLINE_CONSENT, expected_version
    )


def _only_the_citizen(principal: Principal) -> None:
    if principal.is_delegate:
        raise OnlyTheCitizen


def withdraw_consent(
    db: Session, principal: Principal, concern: Concern, expected_version: int | None
) -> None:
    _only_the_citizen(principal)
    if consent_since(concern) is None:
        raise TransitionRefused(concern.status, ConcernAction.WITHDRAW_CONSENT, "none to withdraw")
    act_without_transition(
        db, Actor.citizen(principal), concern, ConcernAction.WITHDRAW_CONSENT, expected_version
    )


def _still_open(concern: Concern, proposal_id: int) -> MeetingProposal:
    """The times the citizen answers, if they are still the open ones."""
    proposal = open_proposal(concern)
    if proposal is None or proposal.id != proposal_id:
        raise TimesAlreadyAnswered
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
            meeting = book(db, actor, concern, plan, ConcernAction.CHOOSE_TIME)
            reposition(concern, times_declined=False)
            log_if_someone_else(db, actor, concern, "concern.choose_time")
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
        reposition(concern, times_declined=True)
        concern.updated_at = utcnow()
        write_event(
            db,
            concern,
            event_kind(concern.status, ConcernAction.DECLINE_TIMES),
            actor,
            reason=reason,
        )
        log_if_someone_else(db, actor, concern, "concern.decline_times")
    db.refresh(proposal)


def withdraw(
    db: Session, principal: Principal, concern: Concern, expected_version: int | None = None
) -> Concern:
    return transition(
        db, Actor.citizen(principal), concern, ConcernAction.WITHDRAW, expected_version
    )
