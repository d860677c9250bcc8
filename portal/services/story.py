"""One story on every screen (docs/architecture.md §6): where a citizen's concern about an offer
stands, from
one source, for the front page, the offers list, an offer, "Mine bekymringer" and the calendar.

Per offer, the concern that tells the story is the open one, else a draft, else the latest
finished one. A few queries for a citizen's whole case, however many offers and concerns.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload, load_only

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
    meeting: CoordinatorMeeting | None  # booked, not yet held or not held
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


# Built once, with bound parameters: every page of the citizen's runs them (docs/architecture.md
# §10 — building a select with its loader options cost about 0.1 ms each).
_CONCERNS = (
    select(Concern)
    .where(
        Concern.citizen_id == bindparam("citizen_id"),
        Concern.status != ConcernStatus.DISCARDED,
    )
    .options(
        # What the story tells, not the answers (health data, and the biggest column).
        load_only(
            Concern.id,
            Concern.offer_id,
            Concern.status,
            Concern.reference,
            Concern.submitted_at,
            Concern.updated_at,
            Concern.created_at,
            Concern.right_applies,
            Concern.held_offer_status,
            Concern.offer_started_when_sent,
            Concern.comment_until,
            Concern.complaint_deadline,
            Concern.version,
        ),
        joinedload(Concern.meetings),
        joinedload(Concern.offer).load_only(Offer.id, Offer.title, Offer.start_date),
    )
    .order_by(Concern.created_at.desc(), Concern.id.desc())
)
_DECISIONS = select(OfferDecision).where(
    OfferDecision.concern_id.in_(bindparam("ids", expanding=True))
)
_OFFERED = select(MeetingProposal.concern_id, MeetingProposal.proposed_at).where(
    MeetingProposal.concern_id.in_(bindparam("ids", expanding=True)),
    MeetingProposal.status == "open",
)


def all_states(db: Session, citizen_id: int | None) -> list[ConcernState]:
    """The state of every concern of the citizen, newest first (one query; a second for the
    decisions when some concern is finished, a third for offered times when one waits for a
    meeting)."""
    if citizen_id is None:
        return []
    concerns = list(db.scalars(_CONCERNS, {"citizen_id": citizen_id}).unique())
    finished = [c.id for c in concerns if c.status in FINISHED]
    decisions: dict[int, OfferDecision] = {}
    if finished:
        for decision in db.scalars(_DECISIONS, {"ids": finished}):
            decisions[decision.concern_id] = decision
    waiting = [c.id for c in concerns if c.status in _TIMES_OFFERED_IN]
    offered = dict(db.execute(_OFFERED, {"ids": waiting}).all()) if waiting else {}
    return [
        _state(concern, decisions.get(concern.id), offered.get(concern.id)) for concern in concerns
    ]


# Where times can be waiting for an answer (portal.domain.concerns: PROPOSE_TIMES).
_TIMES_OFFERED_IN = frozenset({ConcernStatus.ACKNOWLEDGED, ConcernStatus.MEETING_BOOKED})


def _state(
    concern: Concern, decided: OfferDecision | None, times_offered_at: datetime | None = None
) -> ConcernState:
    meeting = concern.meetings[-1] if concern.meetings else None
    return ConcernState(
        concern_id=concern.id,
        offer_id=concern.offer_id,
        offer_title=concern.offer.title,
        offer_start=concern.offer.start_date,
        status=concern.status,
        reference=concern.reference,
        submitted_at=concern.submitted_at,
        updated_at=concern.updated_at,
        right_applies=concern.right_applies,
        on_hold=concern.held_offer_status is not None,
        started_when_sent=concern.offer_started_when_sent,
        meeting=meeting if meeting is not None and meeting.outcome is None else None,
        comment_until=concern.comment_until,
        decision=decided.outcome if decided else None,
        changes=decided.change_text if decided else "",
        decided_at=decided.decided_at if decided else None,
        times_offered_at=times_offered_at,
        complaint_deadline=concern.complaint_deadline,
    )


def state_of(concern: Concern, times_offered_at: datetime | None = None) -> ConcernState:
    """The state of one concern already loaded with its offer and meetings (its own page)."""
    return _state(concern, None, times_offered_at)


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
