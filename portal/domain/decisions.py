"""The municipality's decision about an offer after a concern, as pure rules: what it does to the
offer's plan, what it rests on (forvaltningsloven §§ 22 and 24), how it reached the citizen, and
the klagevejledning counted from that day (forvaltningsloven § 25; retssikkerhedsloven §§ 66–67
and 72).

The case system owns offers; the municipality decides (LOB §§ 15–17 in docs/domain.md). A
decision changes the plan the portal shows at once, because a citizen told one thing and shown
another is the harm the right exists to prevent. The export carries the change for the case
system to apply. An import that still carries another plan does not undo it: the portal keeps
the decided values and tells the caseworker that the case system disagrees, until an import
agrees or a new decision about the offer takes this one's place (``case_system_agrees``).
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, fields, replace
from datetime import date, time, timedelta
from decimal import Decimal

from portal.domain.danish import C_, N_


class Decision(enum.StrEnum):
    """What the municipality decided about the offer (it decides; the coordinator advises)."""

    ADAPTED = "adapted"  # new start, hours, days and times, place, or a written change
    KEPT = "kept"  # as planned
    REPLACED = "replaced"  # another offer instead; the case system sends the new one
    STOPPED = "stopped"  # the offer is cancelled


# -- the plan --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Plan:
    """The parts of an offer a decision can change, as the citizen plans around them."""

    start_date: date
    end_date: date | None = None
    weekdays: str = ""  # "MO,TU,TH"
    day_starts_at: time | None = None
    day_ends_at: time | None = None
    hours_per_week: Decimal | None = None
    place: str = ""
    address: str = ""
    status: str = "planned"

    @classmethod
    def of(cls, offer) -> Plan:
        """The plan of anything with these attributes (an offer row, an imported offer)."""
        return cls(**{name: getattr(offer, name) for name in PLAN_FIELDS})

    def as_json(self) -> dict:
        return {name: _to_json(value) for name, value in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> Plan:
        return cls(**{name: _from_json(name, data.get(name)) for name in PLAN_FIELDS})


PLAN_FIELDS = tuple(field.name for field in fields(Plan))
# A plan's status after the decision: cancelled is what the case system would also call ended.
CANCELLED = "cancelled"
_OVER = frozenset({"cancelled", "ended"})


def _to_json(value):
    if isinstance(value, time):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 30.0 → "30", 7.5 → "7.5"
    return str(value) if value is not None else None


_TEXTS = {"weekdays": "", "place": "", "address": "", "status": "planned"}


def _from_json(name: str, value):
    if name in _TEXTS:
        return value or _TEXTS[name]
    if value in (None, ""):
        return None
    if name in ("start_date", "end_date"):
        return date.fromisoformat(value)
    if name in ("day_starts_at", "day_ends_at"):
        return time.fromisoformat(value)
    return Decimal(value)  # hours_per_week


def decided_plan(before: Plan, decision: Decision, wanted: Plan) -> Plan:
    """The plan after the decision: ``wanted`` (the caseworker's adapted plan) when adapted, the
    plan as it was when kept, and the plan cancelled when replaced or stopped."""
    decision = Decision(decision)
    if decision is Decision.ADAPTED:
        return replace(wanted, status=before.status)
    if decision is Decision.KEPT:
        return before
    return replace(before, status=CANCELLED)


def changed_fields(before: Plan, after: Plan) -> tuple[str, ...]:
    """The parts of the plan the decision changed: what a later import must carry to agree."""
    return tuple(name for name in PLAN_FIELDS if getattr(before, name) != getattr(after, name))


def case_system_agrees(decided: dict, imported: Plan) -> bool:
    """Whether an imported offer carries the decided values (``decided``: field → JSON value,
    the fields the decision changed). A cancelled offer agrees as ended, too."""
    said = imported.as_json()
    for name, value in decided.items():
        if name == "status" and value == CANCELLED:
            if imported.status not in _OVER:
                return False
        elif said.get(name) != value:
            return False
    return True


# -- what makes a decision complete ----------------------------------------------------------------
class DecisionProblem(enum.StrEnum):
    TOO_EARLY = "too_early"  # the comment period runs, nothing said, and no reason to decide now
    NO_CHANGES = "no_changes"  # adapted, but nothing changes and nothing is written
    NO_REPLACEMENT = "no_replacement"  # replaced, but not said by what
    END_BEFORE_START = "end_before_start"
    HALF_TIMES = "half_times"  # a day's start time without its end, or the other way
    TIMES_BACKWARDS = "times_backwards"  # the day ends before it starts


def plan_problem(before: Plan, after: Plan, change_text: str) -> DecisionProblem | None:
    """Why an adapted plan cannot be recorded, or None."""
    if after == replace(before, status=after.status) and not change_text.strip():
        return DecisionProblem.NO_CHANGES
    if after.end_date is not None and after.end_date < after.start_date:
        return DecisionProblem.END_BEFORE_START
    if (after.day_starts_at is None) != (after.day_ends_at is None):
        return DecisionProblem.HALF_TIMES
    if after.day_starts_at is not None and after.day_ends_at <= after.day_starts_at:
        return DecisionProblem.TIMES_BACKWARDS
    return None


def decision_problem(
    decision: Decision,
    commented: bool,
    comment_deadline: date | None,
    today: date,
    early_reason: str,
    replacement: str = "",
) -> DecisionProblem | None:
    """Why the decision cannot be recorded as given, or None. Before the comment period has
    passed, and without the citizen's comment, an explicit reason to decide now is needed
    (forvaltningsloven § 19)."""
    period_running = comment_deadline is not None and today <= comment_deadline
    if period_running and not commented and not early_reason.strip():
        return DecisionProblem.TOO_EARLY
    if Decision(decision) is Decision.REPLACED and not replacement.strip():
        return DecisionProblem.NO_REPLACEMENT
    return None


# -- what the decision rests on (forvaltningsloven § 24) -------------------------------------------
RIGHT_BASIS = (
    C_(
        "Lov om en aktiv beskæftigelsesindsats § 113, stk. 3. Den giver dig ret til en samtale "
        "med en sundhedskoordinator og din sagsbehandler."
    ),
    C_(
        "Bekendtgørelse nr. 2409 af 13. december 2021 § 3. Kommunen skal holde et møde med dig, "
        "sundhedskoordinatoren og din sagsbehandler."
    ),
    C_(
        "Lov om en aktiv beskæftigelsesindsats § 53, stk. 4. Et tilbud skal altid passe til "
        "helbredet."
    ),
)
# The provision each employment-oriented offer is given under (LAB ch. 11, 12 and 14).
OFFER_PROVISIONS = {
    "virksomhedspraktik": C_(
        "Lov om en aktiv beskæftigelsesindsats kapitel 11. Det er reglerne om virksomhedspraktik."
    ),
    "loentilskud": C_(
        "Lov om en aktiv beskæftigelsesindsats kapitel 12. Det er reglerne om job med løntilskud."
    ),
    "vejledning_opkvalificering": C_(
        "Lov om en aktiv beskæftigelsesindsats kapitel 14. Det er reglerne om vejledning og "
        "opkvalificering."
    ),
}


def legal_basis(offer_kind: str) -> list[str]:
    """The rules a decision on a concern about this offer applies, in Danish (msgids)."""
    provision = OFFER_PROVISIONS.get(str(offer_kind))
    return [*RIGHT_BASIS, *([provision] if provision else [])]


@dataclass(frozen=True)
class CaseFacts:
    """The facts of the case the decision rests on, from its timeline."""

    sent_on: date
    meeting_on: date | None
    advice_on: date | None
    commented_on: date | None
    comment_until: date | None

    def as_json(self) -> dict:
        return {name: _to_json(value) for name, value in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> CaseFacts:
        return cls(
            **{
                field.name: date.fromisoformat(data[field.name]) if data.get(field.name) else None
                for field in fields(cls)
            }
        )


def facts_lines(facts: CaseFacts) -> list[tuple[str, dict]]:
    """The main facts in plain Danish (msgids with their values): the concern, the meeting, the
    advice, and the citizen's comment or that the period passed without one."""
    lines: list[tuple[str, dict]] = [
        (C_("Du sendte en bekymring om tilbuddet %(date)s."), {"date": facts.sent_on})
    ]
    if facts.meeting_on is not None:
        lines.append(
            (C_("Mødet med sundhedskoordinatoren blev holdt %(date)s."), {"date": facts.meeting_on})
        )
    if facts.advice_on is not None:
        lines.append((C_("Sundhedskoordinatoren gav sit råd %(date)s."), {"date": facts.advice_on}))
    if facts.commented_on is not None:
        lines.append(
            (C_("Du skrev, hvad du mente om rådet, %(date)s."), {"date": facts.commented_on})
        )
    elif facts.comment_until is not None:
        lines.append(
            (
                C_("Du kunne skrive, hvad du mente om rådet, til og med %(date)s."),
                {"date": facts.comment_until},
            )
        )
    return lines


# -- how the decision reached the citizen ----------------------------------------------------------
class DeliveryChannel(enum.StrEnum):
    DIGITAL_POST = "digital_post"
    LETTER = "letter"
    HANDED_OVER = "handed_over"  # given at a meeting


class DeliveryProblem(enum.StrEnum):
    BEFORE_DECISION = "before_decision"
    IN_FUTURE = "in_future"


def delivery_problem(received_on: date, decided_on: date, today: date) -> DeliveryProblem | None:
    """The citizen got the decision on a day between the decision and today."""
    if received_on < decided_on:
        return DeliveryProblem.BEFORE_DECISION
    if received_on > today:
        return DeliveryProblem.IN_FUTURE
    return None


# -- the klagevejledning ---------------------------------------------------------------------------
COMPLAINT_WEEKS = 4


def complaint_deadline(received_on: date) -> date:
    """4 weeks from the day the person received the decision (retssikkerhedsloven § 67)."""
    return received_on + timedelta(weeks=COMPLAINT_WEEKS)


def complaint_guidance(municipality: str, received_on: date | None) -> list[tuple[str, dict]]:
    """The klagevejledning of a decision (forvaltningsloven § 25; retssikkerhedsloven §§ 66–67,
    72): where, how, the deadline counted from the day the citizen got the decision (or that the
    letter is on its way), free, reconsidered first, and no pause. Danish texts with their
    values; the page translates them, the export fills them in Danish."""
    if received_on is None:
        deadline: tuple[str, dict] = (
            N_(
                "Afgørelsen er på vej til dig med posten eller Digital Post. Fristen regner fra "
                "den dag, du får den."
            ),
            {},
        )
    else:
        deadline = (
            N_("Du fik afgørelsen %(received)s. Sidste frist er %(deadline)s."),
            {"received": received_on, "deadline": complaint_deadline(received_on)},
        )
    return [
        (
            N_(
                "Du kan klage over afgørelsen. Klagen skal være kommet frem inden 4 uger fra den "
                "dag, du fik afgørelsen."
            ),
            {},
        ),
        deadline,
        (
            N_("Du klager til %(municipality)s. Du kan skrive eller ringe. Det er gratis."),
            {"municipality": municipality},
        ),
        (
            N_(
                "Kommunen ser på sagen igen. Er kommunen stadig uenig med dig, sender den klagen "
                "videre til Ankestyrelsen."
            ),
            {},
        ),
        (
            N_(
                "En klage stopper ikke afgørelsen. Den gælder, til du får svar på klagen. En "
                "bekymring er ikke en klage."
            ),
            {},
        ),
    ]
