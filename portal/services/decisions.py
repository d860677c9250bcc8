"""The municipality's decision about the offer a concern is about, and what follows from it: the
offer's plan changes at once for every page, file and feed; the decision records what it rests
on (forvaltningsloven § 24); the caseworker records how and when it reached the citizen, from
which the complaint deadline runs; and an import from the case system is weighed against it.

The rules are ``portal.domain.decisions``. The case system owns offers: the export carries the
decided plan for it to apply, and an import that still carries another plan keeps the decided
values and leaves the caseworker a "Læg mærke til" point (``follow_import``), until an import
agrees or a new decision about the offer replaces this one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from portal import page_marks
from portal.domain.concerns import ConcernAction, ConcernStatus, event_kind, next_status
from portal.domain.danish import danish_date
from portal.domain.decisions import (
    PLAN_FIELDS,
    CaseFacts,
    Decision,
    DecisionProblem,
    DeliveryChannel,
    DeliveryProblem,
    Plan,
    case_system_agrees,
    changed_fields,
    complaint_deadline,
    decided_plan,
    decision_problem,
    delivery_problem,
    legal_basis,
    plan_problem,
)
from portal.domain.principal import Actor
from portal.models import Concern, OfferDecision, OfferStatus
from portal.models.base import utcnow
from portal.services.concern_steps import (
    decision_event,
    has_comment,
    log_if_someone_else,
    move,
    release_hold,
    still_as_seen,
    write_event,
)
from portal.services.transaction import saved

# The case system's answer to a decision, on ``OfferDecision.case_system``.
WAITING, AGREES, DISAGREES, REPLACED = "waiting", "agrees", "disagrees", "replaced"
STANDING = (WAITING, DISAGREES)


class DecisionRefused(Exception):
    def __init__(self, problem: DecisionProblem):
        super().__init__(problem)
        self.problem = problem


class DeliveryRefused(Exception):
    def __init__(self, problem: DeliveryProblem):
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class DecisionInput:
    """A decision as the caseworker writes it: the outcome, the facts and the assessment it
    rests on, the adapted plan (the offer's plan with the caseworker's changes), a written
    change, what replaces the offer, and why it is decided before the comment period ends."""

    decision: Decision
    facts: str
    assessment: str
    plan: Plan | None = None
    change_text: str = ""
    replacement: str = ""
    early_reason: str = ""


def plan_before(concern: Concern) -> Plan:
    """The offer's plan as the citizen knew it before the decision (not "on hold")."""
    offer = concern.offer
    return replace(Plan.of(offer), status=concern.held_offer_status or str(offer.status))


def case_facts(concern: Concern) -> CaseFacts:
    """The facts the decision rests on, from the concern's timeline (events loaded)."""

    def last_day(kind: str) -> date | None:
        event = next((e for e in reversed(concern.events) if e.kind == kind), None)
        return danish_date(event.occurred_at) if event is not None else None

    return CaseFacts(
        sent_on=danish_date(concern.submitted_at),
        meeting_on=last_day("meeting_held"),
        advice_on=last_day("advice_recorded"),
        commented_on=last_day("advice_commented"),
        comment_until=concern.comment_until,
    )


def decide(
    db: Session,
    actor: Actor,
    concern: Concern,
    given: DecisionInput,
    today: date,
    expected_version: int | None = None,
) -> OfferDecision:
    """Record the decision and change the offer's plan with it (concern, offer, forløb and events
    loaded). Releases a hold; a replaced or stopped offer is cancelled; an earlier decision about
    the same offer that the case system has not followed yet is replaced by this one."""
    still_as_seen(concern, expected_version)
    before_status = concern.status
    after_status = next_status(before_status, ConcernAction.DECIDE, concern.right_applies)
    decision = Decision(given.decision)
    problem = decision_problem(
        decision,
        has_comment(concern),
        concern.comment_until,
        today,
        given.early_reason,
        given.replacement,
    )
    before = plan_before(concern)
    wanted = given.plan or before
    if problem is None and decision is Decision.ADAPTED:
        problem = plan_problem(before, wanted, given.change_text)
    if problem is not None:
        raise DecisionRefused(problem)
    after = decided_plan(before, decision, wanted)
    facts = case_facts(concern)
    with saved(db):
        move(concern, after_status)
        concern.updated_at = utcnow()
        offer = release_hold(db, concern)
        for name in PLAN_FIELDS:
            value = getattr(after, name)
            setattr(offer, name, OfferStatus(value) if name == "status" else value)
        db.execute(
            update(OfferDecision)
            .where(OfferDecision.offer_id == offer.id, OfferDecision.case_system.in_(STANDING))
            .values(case_system=REPLACED)
            # The same offer: the same citizen's pages and municipality's queue.
            .execution_options(**page_marks.changes_concern_pages(concern))
        )
        decided = after.as_json()
        record = OfferDecision(
            concern_id=concern.id,
            offer_id=offer.id,
            outcome=str(decision),
            decided_at=utcnow(),
            before=before.as_json(),
            after=decided,
            decided={name: decided[name] for name in changed_fields(before, after)},
            change_text=given.change_text if decision is Decision.ADAPTED else "",
            replacement=given.replacement if decision is Decision.REPLACED else "",
            case_system=WAITING,
            case_system_said={},
        )
        db.add(record)
        write_event(
            db,
            concern,
            event_kind(before_status, ConcernAction.DECIDE),
            actor,
            decision=str(decision),
            facts=given.facts,
            assessment=given.assessment,
            changes=record.change_text,
            replacement=record.replacement,
            early_reason=given.early_reason,
            decided_on=today.isoformat(),
            legal_basis=legal_basis(offer.kind),
            case_facts=facts.as_json(),
        )
        log_if_someone_else(db, actor, concern, "concern.decide")
    return record


# -- how the decision reached the citizen ----------------------------------------------------------
def record_delivery(
    db: Session,
    actor: Actor,
    concern: Concern,
    channel: DeliveryChannel,
    received_on: date,
    today: date,
    expected_version: int | None = None,
) -> None:
    """The decision was sent from the case system (Digital Post, a letter) or handed over at a
    meeting, and the citizen got it on ``received_on``: the complaint deadline runs from that
    day (retssikkerhedsloven § 67). Recorded again, the last word counts."""
    decided = decision_event(concern)
    if decided is None:
        next_status(concern.status, ConcernAction.RECORD_DELIVERY, concern.right_applies)
        raise DeliveryRefused(DeliveryProblem.BEFORE_DECISION)
    problem = delivery_problem(received_on, decided_on(decided), today)
    if problem is not None:
        raise DeliveryRefused(problem)
    still_as_seen(concern, expected_version)
    action = ConcernAction.RECORD_DELIVERY
    next_status(concern.status, action, concern.right_applies)
    with saved(db):
        concern.complaint_deadline = complaint_deadline(received_on)
        concern.updated_at = utcnow()
        write_event(
            db,
            concern,
            event_kind(concern.status, action),
            actor,
            channel=str(DeliveryChannel(channel)),
            received_on=received_on.isoformat(),
        )
        log_if_someone_else(db, actor, concern, f"concern.{action}")


def decided_on(decided) -> date:
    """The Danish day of a decision event."""
    if decided.data.get("decided_on"):
        return date.fromisoformat(decided.data["decided_on"])
    return danish_date(decided.occurred_at)


def delivery(concern: Concern) -> tuple[str, date] | None:
    """How and on which day the citizen got the decision, once recorded (events loaded); None
    while the letter is on its way."""
    for event in reversed(concern.events):
        if event.kind == "decided":
            return None
        if event.kind == "decision_delivered":
            return event.data["channel"], date.fromisoformat(event.data["received_on"])
    return None


def received_on(concern: Concern) -> date | None:
    found = delivery(concern)
    return found[1] if found is not None else None


# -- what the case system says afterwards ----------------------------------------------------------
@dataclass(frozen=True)
class Standing:
    """A decision the case system has not yet followed: its id, its plan and what it changed."""

    id: int
    after: Plan
    decided: dict


def standing(db: Session, offer_ids: list[int]) -> dict[int, Standing]:
    """Per offer, the decision an import must follow (the latest not yet agreed to)."""
    found: dict[int, Standing] = {}
    for chunk in (offer_ids[i : i + 500] for i in range(0, len(offer_ids), 500)):
        rows = db.execute(
            select(
                OfferDecision.id, OfferDecision.offer_id, OfferDecision.after, OfferDecision.decided
            )
            .where(OfferDecision.offer_id.in_(chunk), OfferDecision.case_system.in_(STANDING))
            .order_by(OfferDecision.id)
        )
        for row in rows:
            found[row.offer_id] = Standing(row.id, Plan.from_json(row.after), row.decided)
    return found


@dataclass
class Verdicts:
    """What an import said to the decisions it met, written after its rows."""

    agrees: list[int]
    disagrees: dict[int, dict]  # decision id → what the case system said of the decided parts

    def __init__(self):
        self.agrees, self.disagrees = [], {}


def follow_import(values: dict, decision: Standing | None, verdicts: Verdicts) -> dict:
    """An imported offer's values as the portal keeps them: as imported when they agree with the
    standing decision (the case system applied it, and owns the plan again), else with the
    decided parts kept — the citizen goes on seeing what was decided."""
    if decision is None:
        return values
    imported = Plan(**{name: values[name] for name in PLAN_FIELDS})
    if case_system_agrees(decision.decided, imported):
        verdicts.agrees.append(decision.id)
        return values
    said = imported.as_json()
    verdicts.disagrees[decision.id] = {name: said[name] for name in decision.decided}
    return {**values, **{name: getattr(decision.after, name) for name in decision.decided}}


def write_verdicts(db: Session, verdicts: Verdicts, now: datetime) -> None:
    """Inside the import's transaction: each decision it met agrees or disagrees now."""
    if verdicts.agrees:
        db.execute(
            update(OfferDecision)
            .where(OfferDecision.id.in_(verdicts.agrees))
            .values(case_system=AGREES, case_system_said={}, case_system_at=now)
        )
    for decision_id, said in verdicts.disagrees.items():
        db.execute(
            update(OfferDecision)
            .where(OfferDecision.id == decision_id)
            .values(case_system=DISAGREES, case_system_said=said, case_system_at=now)
        )


# Built once: every drawn queue page asks (docs/architecture.md §10).
_DISAGREEMENTS = (
    select(Concern.id, Concern.reference, OfferDecision.case_system_at)
    .join(OfferDecision, OfferDecision.concern_id == Concern.id)
    .where(
        Concern.municipality_id == bindparam("municipality_id"),
        OfferDecision.case_system == DISAGREES,
        Concern.status.in_([ConcernStatus.DECIDED, ConcernStatus.CLOSED]),
    )
    .order_by(OfferDecision.decided_at, OfferDecision.id)
    .limit(bindparam("limit"))
)


def disagreements(db: Session, municipality_id: int, limit: int = 10) -> list:
    """Decided concerns of the municipality whose offer the case system still plans otherwise:
    the caseworker's queue names them, soonest decided first."""
    return list(db.execute(_DISAGREEMENTS, {"municipality_id": municipality_id, "limit": limit}))
