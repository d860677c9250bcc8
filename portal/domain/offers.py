"""Rules about offers (tilbud): which are employment-oriented, and which come next.

The right to a meeting with the sundhedskoordinator covers only employment-oriented offers:
virksomhedspraktik (LAB ch. 11), ansættelse med løntilskud (ch. 12) and vejledning og
opkvalificering (ch. 14) — LAB § 113, stk. 3 with § 53, stk. 4.
"""

from __future__ import annotations

from datetime import date, timedelta

EMPLOYMENT_ORIENTED_KINDS = frozenset(
    {"virksomhedspraktik", "loentilskud", "vejledning_opkvalificering"}
)


def is_employment_oriented(kind: str) -> bool:
    return str(kind) in EMPLOYMENT_ORIENTED_KINDS


def is_over(status: str, end: date | None, today: date) -> bool:
    """Ended, cancelled, or past its last day."""
    return str(status) in ("ended", "cancelled") or (end is not None and end < today)


def phase(start: date, end: date | None, status: str, today: date) -> str:
    """'upcoming', 'current' or 'past', as the citizen would put it."""
    if is_over(status, end, today):
        return "past"
    if start > today:
        return "upcoming"
    return "current"


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def weekdays_of(code_list: str) -> list[int]:
    """'MO,TH' → [0, 3] (Monday is 0, as in ``date.weekday()``)."""
    return [WEEKDAY_CODES.index(c) for c in code_list.split(",") if c in WEEKDAY_CODES]


def first_session(start: date, weekdays: list[int]) -> date:
    """The first day on or after ``start`` that the weekly schedule meets."""
    if not weekdays:
        return start
    return min(start + timedelta(days=(w - start.weekday()) % 7) for w in weekdays)
