"""Figures on the use of the right (issue 17), as pure rules: the period a manager may ask for,
how long a step took in working days, the median and the 90th percentile, and which counts must
not be shown.

**Suppression.** No figure may point at a person. A count below ``SMALLEST_SHOWN`` (5) is shown
as "< 5" (primary suppression). Where counts add up to a total that is shown, one hidden count
could be worked out from the others, so a second count is hidden as well ("skjult": secondary
suppression). Parts that are not shown at all (the citizens who did *not* see the guidance)
still count: if such a part is small, it must not be derivable either.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.domain.casework import is_working_day

SMALLEST_SHOWN = 5
LONGEST_PERIOD_YEARS = 5
DEFAULT_PERIOD_DAYS = 365  # the last twelve months, up to today
# Ressourceforløb exist from 1 January 2013 (lov nr. 1380 af 23. december 2012); a period that
# starts earlier counts nothing more, and day 1 of year 1 is not a time the database can hold.
FIRST_DAY = date(2013, 1, 1)


class PeriodProblem(enum.StrEnum):
    MISSING = "missing"  # a day not given, or not a day
    REVERSED = "reversed"  # the end before the start
    TOO_LONG = "too_long"  # more than five years
    FUTURE = "future"  # starts after today: nothing can have happened
    TOO_EARLY = "too_early"  # starts before there were ressourceforløb


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def last_twelve_months(today: date) -> Period:
    return Period(today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today)


def period_problem(first: date | None, last: date | None, today: date) -> PeriodProblem | None:
    if first is None or last is None:
        return PeriodProblem.MISSING
    if last < first:
        return PeriodProblem.REVERSED
    if first < FIRST_DAY:
        return PeriodProblem.TOO_EARLY
    if first > today:  # before the length: five years after the year 9999 is no day
        return PeriodProblem.FUTURE
    try:
        longest = first.replace(year=first.year + LONGEST_PERIOD_YEARS)
    except ValueError:  # 29 February
        longest = first.replace(year=first.year + LONGEST_PERIOD_YEARS, day=28)
    if last >= longest:
        return PeriodProblem.TOO_LONG
    return None


# -- durations --------------------------------------------------------------------------------
class WorkingDays:
    """Working days between two Danish days, in constant time: a running count of working days
    over the period asked about (``is_working_day``, the service goals' rule)."""

    def __init__(self, first: date, last: date, holidays: Container[date]):
        self.first = first
        self._count: list[int] = []
        running = 0
        day = first
        while day <= max(last, first):
            running += is_working_day(day, holidays)
            self._count.append(running)
            day += timedelta(days=1)

    def _index(self, day: date) -> int:
        return min(max((day - self.first).days, 0), len(self._count) - 1)

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (the same day is 0)."""
        if end <= start:
            return 0
        return self._count[self._index(end)] - self._count[self._index(start)]


@dataclass(frozen=True)
class Spread:
    """How long a step took: the middle case and the case that 9 of 10 were faster than."""

    count: int
    median: float | None
    p90: float | None
    within_goal: int | None  # how many met the goal, when there is one


def percentile(sorted_values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile: the smallest value with at least ``share`` of the values at
    or below it (a value that occurred, never an interpolation)."""
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[rank - 1]


def spread(values: Iterable[float], goal: int | None = None) -> Spread:
    """Median and 90th percentile of the values; none of it for fewer than five cases, since a
    median of three is three people's own times."""
    ordered = sorted(values)
    count = len(ordered)
    if count < SMALLEST_SHOWN:
        return Spread(count, None, None, None)
    middle = count // 2
    median = ordered[middle] if count % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    within = sum(1 for v in ordered if v <= goal) if goal is not None else None
    return Spread(count, median, percentile(ordered, 0.9), within)


# -- suppression ------------------------------------------------------------------------------
class Shown(enum.StrEnum):
    VALUE = "value"
    BELOW_FIVE = "below_5"  # primary: a small count
    HIDDEN = "hidden"  # secondary: hidden so that a small count cannot be worked out


@dataclass(frozen=True)
class Cell:
    value: int
    shown: Shown

    @property
    def visible(self) -> int | None:
        return self.value if self.shown is Shown.VALUE else None


@dataclass(frozen=True)
class Sum:
    """``total`` = the sum of ``parts`` (names of counts). A part named in ``unshown`` is a count
    that is never displayed (the rest), but must not become derivable if it is small."""

    total: str
    parts: tuple[str, ...]
    unshown: frozenset[str] = field(default_factory=frozenset)


def suppress(counts: Mapping[str, int], sums: Sequence[Sum] = ()) -> dict[str, Cell]:
    """Which counts are shown, "< 5" or hidden. Unshown parts are given in ``counts`` too.

    The rule for a sum: the counts a reader cannot see (hidden or never shown) must together
    hold at least five, or else none of them is small; otherwise the smallest count still shown
    is hidden too, and so on (a part first, the total when no part is left)."""
    hidden: set[str] = {name for name, value in counts.items() if value < SMALLEST_SHOWN}
    primary = set(hidden)
    changed = True
    while changed:
        changed = False
        for relation in sums:
            members = (relation.total, *relation.parts)
            unknown = [m for m in members if m in hidden or m in relation.unshown]
            if not any(m in hidden for m in unknown):
                continue
            if len(unknown) > 1 and _together(counts, relation, unknown) >= SMALLEST_SHOWN:
                continue
            candidates = [
                part
                for part in relation.parts
                if part not in hidden and part not in relation.unshown
            ] or [total for total in (relation.total,) if total not in hidden]
            if candidates:
                hidden.add(min(candidates, key=lambda name: (counts[name], name)))
                changed = True
    return {
        name: Cell(
            value,
            Shown.VALUE
            if name not in hidden
            else (Shown.BELOW_FIVE if name in primary else Shown.HIDDEN),
        )
        for name, value in counts.items()
    }


def _together(counts: Mapping[str, int], relation: Sum, unknown: list[str]) -> int:
    """What a reader can work out about the unknown counts of a sum: their sum (the total less
    the parts shown), or, when the total itself is unknown, nothing (counted as plenty)."""
    if relation.total in unknown:
        return SMALLEST_SHOWN
    return sum(counts[name] for name in unknown)
