"""The caseworker's use cases: the queue of their municipality's concerns, opening one (logged),
and the service goals. The actions themselves go through ``portal.services.concerns``.

Access: a caseworker sees only concerns of their own municipality — the municipality of the
concern's forløb, which stays when a citizen moves. Anything else is None (the view answers 404),
and an attempt to open another municipality's concern is logged.
Every list or concern shown writes to the access log in the same request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Date, func, literal, select, tuple_
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.domain.casework import (
    Attention,
    GoalState,
    ServiceGoals,
    add_working_days,
    attention_points,
    danish_holidays,
    open_goals,
    times_unanswered,
)
from portal.domain.concerns import FINISHED, OPEN, UNSENT, ConcernStatus, answer_disagrees
from portal.domain.danish import DANISH_TIME, danish_date
from portal.domain.principal import Actor, Principal
from portal.models import Citizen, Concern, ConcernDocument, Forloeb, Offer
from portal.models.base import UTCDateTime
from portal.services import access_log, cursors, documents

PAGE_SIZE = 25
STATUS_FILTERS = ("open", "finished", "all", *(str(s) for s in ConcernStatus if s not in UNSENT))
SCOPES = ("all", "mine")
RIGHT_FILTERS = ("any", "yes", "no")
_REFERENCE = re.compile(r"^(?:B-?)?(\d{4})-?(\d{1,6})$", re.IGNORECASE)


@dataclass(frozen=True)
class QueueFilter:
    status: str = "open"
    scope: str = "all"
    right: str = "any"
    reference: str = ""

    @classmethod
    def from_args(cls, args) -> QueueFilter:
        """From the query string; an unknown value means the default, never an error."""

        def pick(name: str, allowed: tuple[str, ...], default: str) -> str:
            value = args.get(name, default)
            return value if value in allowed else default

        return cls(
            status=pick("status", STATUS_FILTERS, "open"),
            scope=pick("scope", SCOPES, "all"),
            right=pick("right", RIGHT_FILTERS, "any"),
            reference=(args.get("reference") or "").strip()[:30],
        )


def normalise_reference(text: str) -> str | None:
    """'b-2026-123', '2026-000123' and 'B-2026-000123' all mean B-2026-000123; else None."""
    match = _REFERENCE.match(text.strip())
    if not match:
        return None
    return f"B-{match.group(1)}-{int(match.group(2)):06d}"


@dataclass(frozen=True)
class QueueRow:
    concern: Concern
    received_on: date
    goals: list[GoalState]
    attention: list[Attention]

    @property
    def overdue(self) -> bool:
        return any(goal.overdue for goal in self.goals)


@dataclass(frozen=True)
class Queue:
    rows: list[QueueRow]
    counts: dict[str, int]  # per status, and "open", "finished" and "all"
    next_cursor: str | None
    reference_unreadable: bool = False


def received_on(concern: Concern) -> date:
    return concern.submitted_at.astimezone(DANISH_TIME).date()


def service_goals(config: dict) -> ServiceGoals:
    return ServiceGoals(**config)


# Urgency: concerns holding an offer on hold come first, the offer starting soonest
# first; then the rest, oldest first. The key (group, day, submitted_at, id) is kept on the row
# (portal.models.concern) and is never NULL, so every page of the queue, however deep, is a
# range of one index (ix_concern_queue).
_URGENCY_KEY = (Concern.queue_group, Concern.queue_day, Concern.submitted_at, Concern.id)


def _encode_cursor(concern: Concern) -> str:
    return cursors.encode(
        [
            concern.queue_group,
            concern.queue_day.isoformat(),
            concern.submitted_at.isoformat(),
            concern.id,
        ]
    )


def _decode_cursor(cursor: str | None):
    """The key after which the next page starts, or None for a cursor that is not one of ours."""
    key = cursors.decode(cursor)
    if key is None or len(key) != 4:
        return None
    decoded = (
        cursors.small_number(key[0], range(3)),
        cursors.day(key[1]),
        cursors.moment(key[2]),
        cursors.identifier(key[3]),
    )
    return None if None in decoded else decoded


def _in_scope(principal: Principal, filters: QueueFilter):
    """Conditions every query of the queue shares: own municipality, sent, scope, right."""
    conditions = [
        Concern.municipality_id == principal.municipality_id,
        Concern.status.not_in(UNSENT),
    ]
    if filters.scope == "mine":
        conditions.append(
            Concern.offer_id.in_(
                select(Offer.id)
                .join(Forloeb, Offer.forloeb_id == Forloeb.id)
                .where(Forloeb.caseworker_id == principal.caseworker_id)
            )
        )
    if filters.right != "any":
        conditions.append(Concern.right_applies.is_(filters.right == "yes"))
    return conditions


def _status_condition(status: str):
    if status == "open":
        return Concern.status.in_(OPEN)
    if status == "finished":
        return Concern.status.in_(FINISHED)
    if status == "all":
        return None
    return Concern.status == ConcernStatus(status)


def queue(
    db: Session,
    principal: Principal,
    filters: QueueFilter,
    cursor: str | None,
    today: date,
    goals: ServiceGoals,
    answer_days: int = 3,
) -> Queue:
    """One page of the queue and the counts per status (three queries, however long it is)."""
    scope = _in_scope(principal, filters)
    counts = dict(
        db.execute(
            select(Concern.status, func.count()).where(*scope).group_by(Concern.status)
        ).all()
    )
    statement = (
        select(Concern)
        .options(
            # What a row shows: the name, the offer's title and start (not its long texts).
            joinedload(Concern.citizen).load_only(Citizen.id, Citizen.name),
            joinedload(Concern.offer).load_only(Offer.id, Offer.title, Offer.start_date),
            selectinload(Concern.meetings),
            selectinload(Concern.proposals),
        )
        .where(*scope)
        .order_by(*_URGENCY_KEY)
        .limit(PAGE_SIZE + 1)
    )
    unreadable = False
    if filters.reference:
        reference = normalise_reference(filters.reference)
        unreadable = reference is None
        statement = statement.where(Concern.reference == (reference or ""))
    else:
        status_condition = _status_condition(filters.status)
        if status_condition is not None:
            statement = statement.where(status_condition)
    after = _decode_cursor(cursor)
    if after is not None:
        group, day, submitted, concern_id = after
        statement = statement.where(
            tuple_(*_URGENCY_KEY)
            > tuple_(
                literal(group),
                literal(day, Date),
                literal(submitted, UTCDateTime()),
                literal(concern_id),
            )
        )
    found = list(db.scalars(statement).unique())
    page, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    holidays = danish_holidays()
    now = datetime.now(UTC)
    rows = [
        QueueRow(
            concern=c,
            received_on=received_on(c),
            goals=open_goals(c.status, c.right_applies, received_on(c), today, goals, holidays),
            attention=attention(c, now, with_timeline=False, answer_days=answer_days),
        )
        for c in page
    ]
    # The list shows names and the state of each citizen's concern: a look at their data.
    access_log.note(
        db,
        "caseworker",
        Actor.caseworker(principal).ref,
        [c.citizen_id for c in page],
        "concern.list",
        access_log.Purpose.QUEUE_OVERVIEW,
    )
    per_status = {str(status): n for status, n in counts.items()}
    per_status["open"] = sum(per_status.get(str(s), 0) for s in OPEN)
    per_status["finished"] = sum(per_status.get(str(s), 0) for s in FINISHED)
    per_status["all"] = per_status["open"] + per_status["finished"]
    return Queue(
        rows=rows,
        counts=per_status,
        next_cursor=_encode_cursor(page[-1]) if more else None,
        reference_unreadable=unreadable,
    )


def open_concern(
    db: Session, principal: Principal, concern_id: int, log_read: bool = True
) -> Concern | None:
    """A sent concern of the caseworker's own municipality, with everything the page shows.

    Opening it to read is logged (``log_read``; an action logs itself instead, so one action is
    one entry). Another municipality's concern is None, and the attempt is always logged.
    """
    concern = db.scalar(
        select(Concern)
        .where(Concern.id == concern_id, Concern.status.not_in(UNSENT))
        .options(
            joinedload(Concern.citizen).joinedload(Citizen.municipality),
            joinedload(Concern.offer).joinedload(Offer.forloeb).joinedload(Forloeb.caseworker),
            selectinload(Concern.events),
            selectinload(Concern.meetings),
            selectinload(Concern.proposals),
            selectinload(Concern.documents),
        )
    )
    if concern is None:
        return None
    actor = Actor.caseworker(principal)
    if concern.municipality_id != principal.municipality_id:
        access_log.note(
            db,
            actor.role,
            actor.ref,
            [concern.citizen_id],
            "concern.open_refused",
            access_log.Purpose.REFUSED,
        )
        return None
    if log_read:
        record_look(db, principal, concern)
    return concern


def open_document(
    db: Session, principal: Principal, concern_id: int, document_id: int
) -> ConcernDocument | None:
    """A file on a sent concern of the caseworker's own municipality, to download; the download
    is logged with the file. Another municipality's file is None, and the attempt is logged."""
    found = db.execute(
        select(ConcernDocument, Concern.municipality_id, Concern.citizen_id)
        .join(Concern, Concern.id == ConcernDocument.concern_id)
        .where(
            ConcernDocument.id == document_id,
            ConcernDocument.concern_id == concern_id,
            Concern.status.not_in(UNSENT),
        )
    ).first()
    if found is None:
        return None
    document, municipality_id, citizen_id = found
    actor = Actor.caseworker(principal)
    if municipality_id != principal.municipality_id:
        access_log.note(
            db,
            actor.role,
            actor.ref,
            [citizen_id],
            "document.download_refused",
            access_log.Purpose.REFUSED,
        )
        return None
    documents.note_download(db, actor, citizen_id, document.id, access_log.Purpose.CONCERN_HANDLING)
    return document


def record_look(db: Session, principal: Principal, concern: Concern) -> None:
    """The caseworker saw the concern without acting on it (an action logs itself)."""
    actor = Actor.caseworker(principal)
    access_log.note(
        db,
        actor.role,
        actor.ref,
        [concern.citizen_id],
        "concern.read",
        access_log.Purpose.CONCERN_HANDLING,
    )


def attention(
    concern: Concern, now: datetime, with_timeline: bool = True, answer_days: int = 3
) -> list[Attention]:
    """What is unusual about this concern (its meetings and offered times loaded; its events
    too, unless ``with_timeline`` is False, as in the queue, which then leaves out the comment
    points)."""
    meeting = concern.meetings[-1] if concern.meetings else None
    points = attention_points(
        concern.status,
        concern.offer_started_when_sent is not None
        and answer_disagrees(concern.answers.get("offer_started"), concern.offer_started_when_sent),
        meeting.starts_at if meeting is not None and meeting.outcome is None else None,
        now,
        with_timeline and any(event.kind == "advice_commented" for event in concern.events),
        concern.comment_until,
        danish_date(now),
    )
    latest = concern.proposals[-1] if concern.proposals else None
    if latest is not None and latest.status == "declined":
        points.insert(0, Attention.TIMES_DECLINED)
    elif (
        latest is not None
        and latest.status == "open"
        and times_unanswered(latest.proposed_at, now, answer_days)
    ):
        points.insert(0, Attention.TIMES_UNANSWERED)
    if with_timeline:
        return points
    shown_in_queue = (
        Attention.TIMES_DECLINED,
        Attention.TIMES_UNANSWERED,
        Attention.ANSWER_DISAGREES,
        Attention.MEETING_UNRECORDED,
    )
    return [p for p in points if p in shown_in_queue]


def reply_due(concern: Concern, goals: ServiceGoals) -> date:
    """The day the citizen will hear from the municipality at the latest, by its own goal."""
    return add_working_days(received_on(concern), goals.acknowledge_days, danish_holidays())


def concern_goals(concern: Concern, today: date, goals: ServiceGoals) -> list[GoalState]:
    return open_goals(
        concern.status,
        concern.right_applies,
        received_on(concern),
        today,
        goals,
        danish_holidays(),
    )
