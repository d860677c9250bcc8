"""One story on every screen (docs/architecture.md §6): where a citizen's concern about an offer
stands, from
one source, for the front page, the offers list, an offer, "Mine bekymringer" and the calendar.

Per offer, the concern that tells the story is the open one, else a draft, else the latest
finished one. A few queries for a citizen's whole case, however many offers and concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from portal.domain.concerns import FINISHED, OPEN, ConcernStatus
from portal.models import Concern, CoordinatorMeeting, MeetingProposal, Offer, OfferDecision

# Decisions that change what the citizen plans around (a kept offer stays as it was).
PLAN_CHANGING = frozenset({"adapted", "replaced", "stopped"})


@dataclass(frozen=True)
class PlanChange:
    """A decision that changed an offer's plan (adapted, replaced or stopped)."""

    concern_id: int
    outcome: str
    decided_at: datetime


@dataclass(frozen=True)
class BookedMeeting:
    """A meeting as the citizen's pages show it: when, how, where and with whom."""

    id: int
    starts_at: datetime
    form: str
    place: str
    video_url: str
    coordinator: str
    clinical_unit: str
    moves: int

    @classmethod
    def of(cls, meeting: CoordinatorMeeting) -> BookedMeeting:
        return cls(*(getattr(meeting, field.name) for field in fields(cls)))


@dataclass(frozen=True)
class ConcernState:
    concern_id: int
    offer_id: int
    offer_title: str
    offer_start: date
    status: ConcernStatus
    reference: str | None
    submitted_at: datetime | None
    updated_at: datetime
    right_applies: bool
    on_hold: bool
    started_when_sent: bool | None
    meeting: BookedMeeting | None  # booked, not yet held or not held
    comment_until: date | None
    decision: str | None  # adapted, kept, replaced or stopped, once decided
    changes: str
    decided_at: datetime | None
    # The caseworker offered meeting times and no one has answered yet: when they were offered.
    times_offered_at: datetime | None = None
    # Once the citizen got the decision: the last day to complain.
    complaint_deadline: date | None = None
    # The latest decision that changed the offer's plan, whichever concern it came from: the
    # offer's pages say "Ændret efter din bekymring den …" and link to it.
    plan_changed: PlanChange | None = None

    @property
    def times_to_choose(self) -> bool:
        return self.times_offered_at is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_draft(self) -> bool:
        return self.status is ConcernStatus.DRAFT


def _rank(state: ConcernState) -> tuple:
    """Open first, then a draft, then the latest finished."""
    group = 0 if state.is_open else (1 if state.is_draft else 2)
    return (group, -state.updated_at.timestamp(), -state.concern_id)


# Each concern of the citizen with its offer, its latest meeting, its decision and when open
# times were offered: one statement, built once, read as plain rows. Every page of the citizen
# runs it; as ORM objects with their loader options, and up to three statements, it was an
# eighth of a drawn front page (py-spy on the bench's data, issue 27).
_LATEST_MEETING_ID = (
    select(func.max(CoordinatorMeeting.id))
    .where(CoordinatorMeeting.concern_id == Concern.id)
    .correlate(Concern)
    .scalar_subquery()
)
_TIMES_OFFERED_AT = (
    select(func.max(MeetingProposal.proposed_at))
    .where(MeetingProposal.concern_id == Concern.id, MeetingProposal.status == "open")
    .correlate(Concern)
    .scalar_subquery()
)
# A booked meeting's columns, each named after its BookedMeeting field ("meeting_starts_at").
_MEETING_COLUMNS = [
    getattr(CoordinatorMeeting, field.name).label(f"meeting_{field.name}")
    for field in fields(BookedMeeting)
]
_CONCERNS = (
    # What the story tells, not the answers (health data, and the biggest column).
    select(
        Concern.id,
        Concern.offer_id,
        Offer.title.label("offer_title"),
        Offer.start_date.label("offer_start"),
        Concern.status,
        Concern.reference,
        Concern.submitted_at,
        Concern.updated_at,
        Concern.right_applies,
        Concern.held_offer_status,
        Concern.offer_started_when_sent,
        Concern.comment_until,
        Concern.complaint_deadline,
        OfferDecision.outcome.label("decision"),
        OfferDecision.change_text,
        OfferDecision.decided_at,
        _TIMES_OFFERED_AT.label("times_offered_at"),
        CoordinatorMeeting.outcome.label("meeting_outcome"),
        *_MEETING_COLUMNS,
    )
    .join(Offer, Offer.id == Concern.offer_id)
    .outerjoin(OfferDecision, OfferDecision.concern_id == Concern.id)
    .outerjoin(CoordinatorMeeting, CoordinatorMeeting.id == _LATEST_MEETING_ID)
    .where(
        Concern.citizen_id == bindparam("citizen_id"),
        Concern.status != ConcernStatus.DISCARDED,
    )
    .order_by(Concern.created_at.desc(), Concern.id.desc())
)


def all_states(db: Session, citizen_id: int | None) -> list[ConcernState]:
    """The state of every concern of the citizen, newest first (one query)."""
    if citizen_id is None:
        return []
    return [_state_of_row(row) for row in db.execute(_CONCERNS, {"citizen_id": citizen_id})]


# Where times can be waiting for an answer (portal.domain.concerns: PROPOSE_TIMES).
_TIMES_OFFERED_IN = frozenset({ConcernStatus.ACKNOWLEDGED, ConcernStatus.MEETING_BOOKED})


def _state_of_row(row) -> ConcernState:
    meeting = None
    if row.meeting_id is not None and row.meeting_outcome is None:  # booked, not yet held
        meeting = BookedMeeting(*(getattr(row, column.name) for column in _MEETING_COLUMNS))
    finished = row.status in FINISHED  # a decision is told once the concern is finished
    return _state(
        row,
        row.offer_title,
        row.offer_start,
        meeting,
        (row.decision, row.change_text or "", row.decided_at) if finished else (None, "", None),
        row.times_offered_at if row.status in _TIMES_OFFERED_IN else None,
    )


def state_of(concern: Concern, times_offered_at: datetime | None = None) -> ConcernState:
    """The state of one concern already loaded with its offer and meetings (its own page, which
    shows the decision itself)."""
    meeting = concern.meetings[-1] if concern.meetings else None
    return _state(
        concern,
        concern.offer.title,
        concern.offer.start_date,
        BookedMeeting.of(meeting) if meeting is not None and meeting.outcome is None else None,
        (None, "", None),
        times_offered_at,
    )


def _state(
    concern,
    offer_title: str,
    offer_start: date,
    meeting: BookedMeeting | None,
    decided: tuple[str | None, str, datetime | None],
    times_offered_at: datetime | None,
) -> ConcernState:
    """A concern's state from a Concern or a row of ``_CONCERNS`` (its columns carry the
    Concern's own attribute names)."""
    decision, changes, decided_at = decided
    return ConcernState(
        concern_id=concern.id,
        offer_id=concern.offer_id,
        offer_title=offer_title,
        offer_start=offer_start,
        status=concern.status,
        reference=concern.reference,
        submitted_at=concern.submitted_at,
        updated_at=concern.updated_at,
        right_applies=concern.right_applies,
        on_hold=concern.held_offer_status is not None,
        started_when_sent=concern.offer_started_when_sent,
        meeting=meeting,
        comment_until=concern.comment_until,
        decision=decision,
        changes=changes,
        decided_at=decided_at,
        times_offered_at=times_offered_at,
        complaint_deadline=concern.complaint_deadline,
    )


def by_offer(states: list[ConcernState]) -> dict[int, ConcernState]:
    """Per offer, the state that tells its story, with the latest decision that changed the
    offer's plan."""
    changed: dict[int, PlanChange] = {}
    for state in sorted(states, key=lambda s: s.decided_at or datetime.min.replace(tzinfo=UTC)):
        if state.decision in PLAN_CHANGING:
            changed[state.offer_id] = PlanChange(state.concern_id, state.decision, state.decided_at)
    chosen: dict[int, ConcernState] = {}
    for state in sorted(states, key=_rank):
        if state.offer_id not in chosen:
            chosen[state.offer_id] = replace(state, plan_changed=changed.get(state.offer_id))
    return chosen


def concern_states(db: Session, citizen_id: int | None) -> dict[int, ConcernState]:
    """The state of the concern that tells each offer's story, by offer id."""
    return by_offer(all_states(db, citizen_id))


def booked_meetings(states: dict[int, ConcernState]) -> list[ConcernState]:
    """The concerns with a meeting booked now, soonest first (the front page's "Dit møde")."""
    return sorted(
        (state for state in states.values() if state.meeting is not None),
        key=lambda state: state.meeting.starts_at,
    )
