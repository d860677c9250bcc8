"""The caseworker's use cases: the queue of their municipality's concerns, opening one (logged),
and the service goals. The actions themselves go through ``portal.services.concerns``.

Access: a caseworker sees only concerns of their own municipality — the municipality of the
concern's forløb, which stays when a citizen moves. Anything else is None (the view answers 404),
and an attempt to open another municipality's concern is logged.
Every list or concern shown writes to the access log in the same request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import (
    Date,
    Integer,
    SmallInteger,
    bindparam,
    case,
    func,
    select,
    tuple_,
    type_coerce,
)
from sqlalchemy.orm import Session

from portal import page_marks
from portal.domain.casework import (
    Attention,
    GoalState,
    ServiceGoals,
    add_working_days,
    attention_points,
    danish_holidays,
    forloeb_ends_first,
    open_goals,
    times_unanswered,
)
from portal.domain.concerns import FINISHED, OPEN, UNSENT, ConcernStatus, answer_disagrees
from portal.domain.danish import DANISH_TIME, danish_date
from portal.domain.principal import Actor, Principal
from portal.models import (
    Citizen,
    Concern,
    ConcernCount,
    ConcernDocument,
    CoordinatorMeeting,
    Forloeb,
    MeetingProposal,
    Offer,
    OfferDecision,
)
from portal.models.base import UTCDateTime
from portal.services import access_log, cursors, documents
from portal.services.concerns import page_select, with_lists
from portal.services.decisions import DISAGREES

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
class AttentionFacts:
    """What is needed of a concern to say what is unusual about it (``attention``)."""

    status: ConcernStatus
    answer_disagrees: bool
    meeting_unrecorded_from: datetime | None  # the last meeting's time, while no outcome is in
    times_status: str | None  # the last offered times: open, chosen, declined, replaced
    times_proposed_at: datetime | None
    commented: bool = False
    comment_until: date | None = None
    forloeb_ends_first: bool = False
    case_system_disagrees: bool = False

    @classmethod
    def of(cls, concern: Concern, today: date, goals: ServiceGoals) -> AttentionFacts:
        """From a concern with its events, meetings, offered times, forløb and the decision's
        plan loaded."""
        meeting = concern.meetings[-1] if concern.meetings else None
        times = concern.proposals[-1] if concern.proposals else None
        decided = concern.plan_decision
        return cls(
            status=concern.status,
            answer_disagrees=answer_disagrees(
                concern.answers.get("offer_started"), concern.offer_started_when_sent
            ),
            meeting_unrecorded_from=(
                meeting.starts_at if meeting is not None and meeting.outcome is None else None
            ),
            times_status=times.status if times is not None else None,
            times_proposed_at=times.proposed_at if times is not None else None,
            commented=any(event.kind == "advice_commented" for event in concern.events),
            comment_until=concern.comment_until,
            forloeb_ends_first=forloeb_ends_before_meeting(concern, today, goals),
            case_system_disagrees=decided is not None and decided.case_system == DISAGREES,
        )


def forloeb_ends_before_meeting(concern: Concern, today: date, goals: ServiceGoals) -> bool:
    """The forløb ends (by plan) before the booked meeting or a service goal still to be met
    (the concern's offer, forløb and meetings loaded)."""
    meeting = concern.meetings[-1] if concern.meetings else None
    return _forloeb_ends_first(
        concern.status,
        concern.right_applies,
        concern.offer.forloeb.planned_end_date,
        concern_goals(concern, today, goals),
        meeting.starts_at if meeting is not None and meeting.outcome is None else None,
    )


def _forloeb_ends_first(
    status, right: bool, ends: date, goals_open: list[GoalState], meeting_at
) -> bool:
    meeting_on = danish_date(meeting_at) if meeting_at is not None else None
    return forloeb_ends_first(status, right, ends, [goal.due for goal in goals_open], meeting_on)


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue: what it shows of the concern, its citizen and its offer (read
    as plain columns in one query: a page is 25 of these)."""

    id: int
    reference: str
    status: ConcernStatus
    right_applies: bool
    holds_offer: bool
    citizen_name: str
    offer_title: str
    offer_start: date
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
    citizen_ids: list[int] = field(default_factory=list)  # whose data the page shows
    # The first moment the page would say something else by the clock alone (a booked
    # meeting's time passes unrecorded, offered times go unanswered too long); None: none.
    changes_at: datetime | None = None


def received_on(concern) -> date:
    """The Danish day the concern (or a queue row of it) was sent."""
    return concern.submitted_at.astimezone(DANISH_TIME).date()


def service_goals(config: dict) -> ServiceGoals:
    return ServiceGoals(**config)


# Urgency: concerns holding an offer on hold come first, the offer starting soonest
# first; then the rest, oldest first. The key (group, day, submitted_at, id) is kept on the row
# (portal.models.concern) and is never NULL, so every page of the queue, however deep, is a
# range of one index (ix_concern_queue).
_URGENCY_KEY = (Concern.queue_group, Concern.queue_day, Concern.submitted_at, Concern.id)


def _encode_cursor(row) -> str:
    return cursors.encode(
        [row.queue_group, row.queue_day.isoformat(), row.submitted_at.isoformat(), row.id]
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


def _in_scope(scope: str, right: str) -> list:
    """Conditions every query of the queue shares: own municipality, sent, scope, right. The
    municipality and the caseworker are bound when it runs (``_scope_values``), so a select
    built from these is built once (``_queue_select``)."""
    conditions = [
        Concern.municipality_id == bindparam("municipality_id"),
        Concern.status.not_in(UNSENT),
    ]
    if scope == "mine":
        conditions.append(
            Concern.offer_id.in_(
                select(Offer.id)
                .join(Forloeb, Offer.forloeb_id == Forloeb.id)
                .where(Forloeb.caseworker_id == bindparam("caseworker_id"))
            )
        )
    return conditions + _right_is(Concern.right_applies, right)


def _right_is(column, right: str) -> list:
    """The right filter ("any", "yes", "no") on a column that says whether the right applies."""
    return [] if right == "any" else [column.is_(right == "yes")]


def _scope_values(principal: Principal) -> dict:
    return {
        "municipality_id": principal.municipality_id,
        "caseworker_id": principal.caseworker_id,
    }


def _status_condition(status: str):
    if status == "open":
        return Concern.status.in_(OPEN)
    if status == "finished":
        return Concern.status.in_(FINISHED)
    if status == "all":
        return None
    return Concern.status == ConcernStatus(status)


# The last meeting's time while its outcome is not recorded, and the last offered times' state:
# one index lookup each per row of the page, in the same query as the row.
_MEETING_UNRECORDED_FROM = (
    select(
        type_coerce(
            case((CoordinatorMeeting.outcome.is_(None), CoordinatorMeeting.starts_at)),
            UTCDateTime(),
        )
    )
    .where(CoordinatorMeeting.concern_id == Concern.id)
    .order_by(CoordinatorMeeting.id.desc())
    .limit(1)
    .correlate(Concern)
    .scalar_subquery()
)


def _last_times(column):
    return (
        select(column)
        .where(MeetingProposal.concern_id == Concern.id)
        .order_by(MeetingProposal.id.desc())
        .limit(1)
        .correlate(Concern)
        .scalar_subquery()
    )


_CASE_SYSTEM_DISAGREES = (
    select(OfferDecision.id)
    .where(OfferDecision.concern_id == Concern.id, OfferDecision.case_system == DISAGREES)
    .correlate(Concern)
    .exists()
)

_QUEUE_COLUMNS = (
    Concern.id,
    Concern.citizen_id,
    Concern.reference,
    Concern.status,
    Concern.right_applies,
    Concern.held_offer_status,
    Concern.offer_started_when_sent,
    Concern.answers["offer_started"].as_string().label("offer_started_answer"),
    Concern.comment_until,
    *_URGENCY_KEY,
    Citizen.name.label("citizen_name"),
    Offer.title.label("offer_title"),
    Offer.start_date.label("offer_start"),
    Forloeb.planned_end_date.label("forloeb_ends"),
    _MEETING_UNRECORDED_FROM.label("meeting_unrecorded_from"),
    _CASE_SYSTEM_DISAGREES.label("case_system_disagrees"),
    _last_times(MeetingProposal.status).label("times_status"),
    _last_times(MeetingProposal.proposed_at).label("times_proposed_at"),
)


def count_by_status(db: Session, principal: Principal, filters: QueueFilter) -> dict[str, int]:
    """How many sent concerns of each status the filters' scope holds, with the sums the
    status filter offers ("open", "finished" and "all"). The municipality's counts are read
    from the few rows the database keeps (``ConcernCount``); "mine" counts the caseworker's
    concerns. Either is kept with the queue's pages until one of the municipality's concerns
    (or forløb, for "mine") changes (portal.page_marks)."""
    key = (
        "queue-counts",
        principal.municipality_id,
        filters.scope,
        principal.caseworker_id if filters.scope == "mine" else "",
        filters.right,
    )
    return page_marks.kept(
        db,
        key,
        [page_marks.municipality_mark(principal.municipality_id)],
        lambda: _count_by_status(db, principal, filters),
    )


@lru_cache(maxsize=8)
def _counts_select(scope: str, right: str):
    """The counts per status, built once per scope and right filter. The municipality's come
    from what the database keeps (ConcernCount, migration 0016): a few rows, however many
    concerns it has had. "Mine" counts the caseworker's own concerns."""
    if scope == "mine":
        return (
            select(Concern.status, func.count())
            .where(*_in_scope(scope, right))
            .group_by(Concern.status)
        )
    return (
        select(ConcernCount.status, func.sum(ConcernCount.concerns))
        .where(
            ConcernCount.municipality_id == bindparam("municipality_id"),
            ConcernCount.status.not_in(UNSENT),
            *_right_is(ConcernCount.right_applies, right),
        )
        .group_by(ConcernCount.status)
    )


def _count_by_status(db: Session, principal: Principal, filters: QueueFilter) -> dict[str, int]:
    counts = db.execute(
        _counts_select(filters.scope, filters.right), _scope_values(principal)
    ).all()
    per_status = {str(status): n for status, n in counts}
    per_status["open"] = sum(per_status.get(str(s), 0) for s in OPEN)
    per_status["finished"] = sum(per_status.get(str(s), 0) for s in FINISHED)
    per_status["all"] = per_status["open"] + per_status["finished"]
    return per_status


_AFTER = ("after_group", "after_day", "after_submitted", "after_id")


@lru_cache(maxsize=128)
def _queue_select(scope: str, right: str, status: str, by_reference: bool, paged: bool):
    """The queue's select for one combination of filters, built once: its values (the
    municipality, the caseworker, the number looked for, the key a page starts after) are
    bound when it runs. Building it anew, with its four correlated sub-selects, was a
    twentieth of a drawn queue page (issue 27)."""
    statement = (
        select(*_QUEUE_COLUMNS)
        .join(Citizen, Citizen.id == Concern.citizen_id)
        .join(Offer, Offer.id == Concern.offer_id)
        .join(Forloeb, Forloeb.id == Offer.forloeb_id)
        .where(*_in_scope(scope, right))
        .order_by(*_URGENCY_KEY)
        .limit(PAGE_SIZE + 1)
    )
    if by_reference:  # a number looked for is found whatever its status
        statement = statement.where(Concern.reference == bindparam("reference"))
    elif (condition := _status_condition(status)) is not None:
        statement = statement.where(condition)
    if paged:
        statement = statement.where(
            tuple_(*_URGENCY_KEY)
            > tuple_(
                bindparam("after_group", type_=SmallInteger),
                bindparam("after_day", type_=Date),
                bindparam("after_submitted", type_=UTCDateTime()),
                bindparam("after_id", type_=Integer),
            )
        )
    return statement


def queue(
    db: Session,
    principal: Principal,
    filters: QueueFilter,
    cursor: str | None,
    today: date,
    goals: ServiceGoals,
    answer_days: int = 3,
) -> Queue:
    """One page of the queue and the counts per status (two queries, however long it is; one
    while the counts are kept, see ``count_by_status``)."""
    values = _scope_values(principal)
    unreadable = False
    if filters.reference:
        reference = normalise_reference(filters.reference)
        unreadable = reference is None
        values["reference"] = reference or ""
    after = _decode_cursor(cursor)
    if after is not None:
        values.update(zip(_AFTER, after, strict=True))
    statement = _queue_select(
        filters.scope,
        filters.right,
        filters.status,
        by_reference=bool(filters.reference),
        paged=after is not None,
    )
    found = db.execute(statement, values).all()
    page, more = found[:PAGE_SIZE], len(found) > PAGE_SIZE
    holidays = danish_holidays()
    now = datetime.now(UTC)
    rows, changes = [], []
    for row in page:
        received = received_on(row)
        goals_open = open_goals(row.status, row.right_applies, received, today, goals, holidays)
        facts = AttentionFacts(
            status=row.status,
            answer_disagrees=answer_disagrees(
                row.offer_started_answer, row.offer_started_when_sent
            ),
            meeting_unrecorded_from=row.meeting_unrecorded_from,
            times_status=row.times_status,
            times_proposed_at=row.times_proposed_at,
            comment_until=row.comment_until,
            forloeb_ends_first=_forloeb_ends_first(
                row.status,
                row.right_applies,
                row.forloeb_ends,
                goals_open,
                row.meeting_unrecorded_from,
            ),
            case_system_disagrees=row.case_system_disagrees,
        )
        rows.append(
            QueueRow(
                id=row.id,
                reference=row.reference,
                status=row.status,
                right_applies=row.right_applies,
                holds_offer=row.held_offer_status is not None,
                citizen_name=row.citizen_name,
                offer_title=row.offer_title,
                offer_start=row.offer_start,
                received_on=received,
                goals=goals_open,
                attention=[
                    point
                    for point in attention_of(facts, now, answer_days)
                    if point in SHOWN_IN_QUEUE
                ],
            )
        )
        changes.append(attention_changes_at(facts, now, answer_days))
    citizen_ids = [row.citizen_id for row in page]
    note_queue_look(db, principal, citizen_ids)
    return Queue(
        rows=rows,
        counts=count_by_status(db, principal, filters),
        next_cursor=_encode_cursor(page[-1]) if more else None,
        reference_unreadable=unreadable,
        citizen_ids=citizen_ids,
        changes_at=min(filter(None, changes), default=None),
    )


def note_queue_look(db: Session, principal: Principal, citizen_ids: list[int]) -> None:
    """The queue shows names and the state of each citizen's concern: a look at their data,
    whether the page was drawn now or kept from a moment ago."""
    access_log.note(
        db,
        "caseworker",
        Actor.caseworker(principal).ref,
        citizen_ids,
        "concern.list",
        access_log.Purpose.QUEUE_OVERVIEW,
    )


def open_concern(
    db: Session, principal: Principal, concern_id: int, log_read: bool = True
) -> Concern | None:
    """A sent concern of the caseworker's own municipality, with everything the page shows.

    Opening it to read is logged (``log_read``; an action logs itself instead, so one action is
    one entry). Another municipality's concern is None, and the attempt is always logged.
    """
    found = db.execute(page_select(Concern.id == concern_id, Concern.status.not_in(UNSENT))).first()
    if found is None:
        return None
    concern = found[0]
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
    return with_lists(db, found)


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


# What a queue row flags (the comment period needs the timeline, which the queue does not read).
SHOWN_IN_QUEUE = frozenset(
    {
        Attention.CASE_SYSTEM_DISAGREES,
        Attention.FORLOEB_ENDS_FIRST,
        Attention.TIMES_DECLINED,
        Attention.TIMES_UNANSWERED,
        Attention.ANSWER_DISAGREES,
        Attention.MEETING_UNRECORDED,
    }
)


def attention(
    concern: Concern, now: datetime, goals: ServiceGoals, answer_days: int = 3
) -> list[Attention]:
    """What is unusual about this concern (loaded as ``open_concern`` loads it)."""
    return attention_of(AttentionFacts.of(concern, danish_date(now), goals), now, answer_days)


def attention_of(facts: AttentionFacts, now: datetime, answer_days: int = 3) -> list[Attention]:
    """What is unusual, from the facts, the most pressing first."""
    points = attention_points(
        facts.status,
        facts.answer_disagrees,
        facts.meeting_unrecorded_from,
        now,
        facts.commented,
        facts.comment_until,
        danish_date(now),
    )
    if facts.forloeb_ends_first:
        points.insert(0, Attention.FORLOEB_ENDS_FIRST)
    if facts.times_status == "declined":
        points.insert(0, Attention.TIMES_DECLINED)
    elif (
        facts.times_status == "open"
        and facts.times_proposed_at is not None
        and times_unanswered(facts.times_proposed_at, now, answer_days)
    ):
        points.insert(0, Attention.TIMES_UNANSWERED)
    if facts.case_system_disagrees:
        points.insert(0, Attention.CASE_SYSTEM_DISAGREES)
    return points


def attention_changes_at(facts: AttentionFacts, now: datetime, answer_days: int) -> datetime | None:
    """The next moment ``attention_of`` these facts says something else by the clock alone
    (a booked meeting's time passes, offered times go unanswered too long); None: none ahead."""
    moments = []
    if facts.status is ConcernStatus.MEETING_BOOKED and facts.meeting_unrecorded_from is not None:
        moments.append(facts.meeting_unrecorded_from)
    if facts.times_status == "open" and facts.times_proposed_at is not None:
        moments.append(facts.times_proposed_at + timedelta(days=answer_days))
    return min((moment for moment in moments if moment >= now), default=None)


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
