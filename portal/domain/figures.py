"""Figures on the use of the right (issues 17 and 23), as pure rules: the period a manager may
ask for, how long a step took in working days, the median and the 90th percentile, and how a
count is published.

**No figure may point at a person, alone or subtracted from another** (issue 23). Hiding the
small counts of one table is not enough: two tables — all kinds of offer and one kind, or two
periods that end a day apart — could be subtracted. So, by design:

- a period is whole calendar months that are over (no day can be isolated, and a figure once
  published does not change the next day);
- every published count follows one rule (``publish``): 0 is shown as 0 — that no concern was
  sent says nothing about anyone — 1 to 4 as "< 5", and 5 and more rounded to the nearest
  multiple of 5. Each published count is then within 2 of the true one, so the difference of two
  is never a small count, exactly; a filtered table and its complement are rounded alike.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from portal.domain.casework import is_working_day

SMALLEST_SHOWN = 5
ROUNDING = 5
LONGEST_PERIOD_MONTHS = 60
DEFAULT_PERIOD_MONTHS = 12  # the last twelve months that are over
# Ressourceforløb exist from 1 January 2013 (lov nr. 1380 af 23. december 2012); a period that
# starts earlier counts nothing more, and day 1 of year 1 is not a time the database can hold.
FIRST_DAY = date(2013, 1, 1)


class PeriodProblem(enum.StrEnum):
    MISSING = "missing"  # a month not given, or not a month
    REVERSED = "reversed"  # the end before the start
    TOO_LONG = "too_long"  # more than five years
    NOT_OVER = "not_over"  # ends in a month that is not over yet
    TOO_EARLY = "too_early"  # starts before there were ressourceforløb
    NOT_WHOLE_MONTHS = "not_whole_months"  # days that are not a month's first or last


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(day: date) -> date:
    if day.month == 12:  # December: no day after it to count back from in the year 9999
        return day.replace(day=31)
    return day.replace(month=day.month + 1, day=1) - timedelta(days=1)


_MONTH_OR_DAY = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$", re.ASCII)


def month_or_day(text: str | None, end: bool = False) -> date | None:
    """2026-01 is January 2026: its first day, or its last when ``end``. A whole day
    (2026-01-31, from an older link or the API) is that day; anything else None."""
    match = _MONTH_OR_DAY.match((text or "").strip())
    if match is None:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        if day is not None:
            return date(year, month, day)
        first = date(year, month, 1)
    except ValueError:
        return None
    return month_end(first) if end else first


def last_twelve_months(today: date) -> Period:
    """The twelve months that are over, before this one."""
    last = month_start(today) - timedelta(days=1)
    first = month_start(last)
    for _ in range(DEFAULT_PERIOD_MONTHS - 1):
        first = month_start(first - timedelta(days=1))
    return Period(first, last)


def month_count(period: Period) -> int:
    return (period.last.year - period.first.year) * 12 + period.last.month - period.first.month + 1


def period_problem(first: date | None, last: date | None, today: date) -> PeriodProblem | None:
    if first is None or last is None:
        return PeriodProblem.MISSING
    if first != month_start(first) or last != month_end(last):
        return PeriodProblem.NOT_WHOLE_MONTHS
    if last < first:
        return PeriodProblem.REVERSED
    if first < FIRST_DAY:
        return PeriodProblem.TOO_EARLY
    if last >= month_start(today):  # this month (or a later one) is not over
        return PeriodProblem.NOT_OVER
    if month_count(Period(first, last)) > LONGEST_PERIOD_MONTHS:
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


# -- publication -------------------------------------------------------------------------------
class Shown(enum.StrEnum):
    EXACT = "exact"  # 0: nothing happened, which points at no one
    BELOW_FIVE = "below_5"  # 1-4
    ROUNDED = "rounded"  # 5 and more, to the nearest multiple of 5


@dataclass(frozen=True)
class Cell:
    value: int  # the true count, never shown
    shown: Shown
    published: int | None  # what a reader sees (None: "< 5")

    @property
    def visible(self) -> int | None:
        return self.published


def publish(value: int) -> Cell:
    """A count as every page, file and API shows it (the rule above)."""
    if value == 0:
        return Cell(0, Shown.EXACT, 0)
    if value < SMALLEST_SHOWN:
        return Cell(value, Shown.BELOW_FIVE, None)
    rounded = ROUNDING * ((value + ROUNDING // 2) // ROUNDING)
    return Cell(value, Shown.ROUNDED, rounded)


def possible(cell: Cell) -> range:
    """The true counts a reader can tell from a published one (what subtraction starts from)."""
    if cell.shown is Shown.EXACT:
        return range(0, 1)
    if cell.shown is Shown.BELOW_FIVE:
        return range(1, SMALLEST_SHOWN)
    return range(max(SMALLEST_SHOWN, cell.published - ROUNDING // 2), cell.published + 3)
