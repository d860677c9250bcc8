"""The rules behind "Tal om retten": the period a manager may ask for, working days, the median
and the 90th percentile, and how a count is published so that no person can be picked out — not
even by subtracting two published counts (issue 23)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.casework import danish_holidays
from portal.domain.figures import (
    Period,
    PeriodProblem,
    Shown,
    WorkingDays,
    last_twelve_months,
    month_or_day,
    percentile,
    period_problem,
    possible,
    publish,
    spread,
)

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("first", "last", "problem"),
    [
        (date(2026, 1, 1), date(2026, 11, 30), None),
        (date(2026, 11, 1), date(2026, 11, 30), None),  # one month is a period
        (None, date(2026, 11, 30), PeriodProblem.MISSING),
        (date(2026, 5, 1), date(2026, 4, 30), PeriodProblem.REVERSED),
        (date(2021, 12, 1), date(2026, 11, 30), None),  # 60 months
        (date(2021, 11, 1), date(2026, 11, 30), PeriodProblem.TOO_LONG),
        (date(2026, 11, 1), date(2026, 12, 31), PeriodProblem.NOT_OVER),  # December runs
        (date(2026, 12, 1), date(2026, 12, 31), PeriodProblem.NOT_OVER),
        (date(2026, 1, 2), date(2026, 11, 30), PeriodProblem.NOT_WHOLE_MONTHS),
        (date(2026, 1, 1), date(2026, 11, 29), PeriodProblem.NOT_WHOLE_MONTHS),  # a day short
        (date(1, 1, 1), date(2, 1, 31), PeriodProblem.TOO_EARLY),  # Schemathesis found a 500
        (date(2012, 12, 1), date(2013, 6, 30), PeriodProblem.TOO_EARLY),
        (date(2013, 1, 1), date(2013, 6, 30), None),
        (date(9996, 1, 1), date(9996, 2, 29), PeriodProblem.NOT_OVER),  # not a 500 either
    ],
)
def test_a_period_is_whole_months_that_are_over_in_order_at_most_five_years(first, last, problem):
    assert period_problem(first, last, TODAY) == problem


def test_the_default_period_is_the_twelve_months_that_are_over():
    period = last_twelve_months(TODAY)
    assert (period.first, period.last) == (date(2025, 12, 1), date(2026, 11, 30))
    assert last_twelve_months(date(2026, 1, 31)) == Period(date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("text", "end", "day"),
    [
        ("2026-02", False, date(2026, 2, 1)),
        ("2026-02", True, date(2026, 2, 28)),
        ("2024-02", True, date(2024, 2, 29)),
        ("2026-12", True, date(2026, 12, 31)),
        ("9999-12", True, date(9999, 12, 31)),  # the URL fuzz found a 500 here
        ("2026-02-15", False, date(2026, 2, 15)),  # a day is kept, and then not a whole month
        ("2026-13", False, None),
        ("2026-1", False, None),
        ("٢٠٢٦-٠١", False, None),  # other digits than ASCII
        ("", False, None),
        (None, False, None),
    ],
)
def test_a_month_is_read_as_its_first_or_last_day(text, end, day):
    assert month_or_day(text, end) == day


def test_working_days_leave_out_weekends_and_public_holidays():
    days = WorkingDays(date(2026, 12, 1), date(2027, 1, 31), danish_holidays())
    assert days.between(date(2026, 12, 1), date(2026, 12, 1)) == 0, "the same day"
    assert days.between(date(2026, 12, 4), date(2026, 12, 7)) == 1, "Friday to Monday"
    # 24-26 December: juleaften is a working day here; 25 and 26 December are holidays.
    assert days.between(date(2026, 12, 23), date(2026, 12, 28)) == 2
    assert days.between(date(2026, 12, 31), date(2027, 1, 4)) == 1, "New Year's Day"
    assert days.between(date(2026, 12, 10), date(2026, 12, 8)) == 0, "never negative"


def test_the_median_and_the_90th_percentile_are_times_that_happened():
    result = spread([5, 1, 3, 2, 4, 10, 6, 8, 7, 9])
    assert (result.count, result.median, result.p90) == (10, 5.5, 9)
    assert spread([1, 2, 3, 4, 20]).p90 == 20
    assert percentile([1, 2, 3], 0.9) == 3


def test_fewer_than_five_times_show_no_median_a_median_of_three_is_three_peoples_own_times():
    result = spread([1, 2, 3, 4], goal=2)
    assert (result.count, result.median, result.p90, result.within_goal) == (4, None, None, None)
    assert spread([1, 2, 3, 4, 5], goal=2).within_goal == 2


@pytest.mark.parametrize(
    ("true", "shown", "published"),
    [
        (0, Shown.EXACT, 0),  # nothing happened: that points at no one
        (1, Shown.BELOW_FIVE, None),
        (4, Shown.BELOW_FIVE, None),
        (5, Shown.ROUNDED, 5),
        (7, Shown.ROUNDED, 5),
        (8, Shown.ROUNDED, 10),
        (12, Shown.ROUNDED, 10),
        (13, Shown.ROUNDED, 15),
        (1002, Shown.ROUNDED, 1000),
    ],
)
def test_every_count_is_published_by_one_rule(true, shown, published):
    cell = publish(true)
    assert (cell.shown, cell.published) == (shown, published)
    assert true in possible(cell), "what a reader can tell holds the truth"


def test_what_a_reader_can_tell_from_a_published_count():
    assert list(possible(publish(0))) == [0]
    assert list(possible(publish(3))) == [1, 2, 3, 4]
    assert list(possible(publish(7))) == [5, 6, 7]
    assert list(possible(publish(10))) == [8, 9, 10, 11, 12]


def _rests(whole: int, part: int) -> set[int]:
    """Every value the rest (whole - part) can have, to one who subtracts the published counts."""
    return {w - p for w in possible(publish(whole)) for p in possible(publish(part)) if w - p >= 0}


@pytest.mark.parametrize(
    ("whole", "part"),
    [
        (7, 6),  # issue 23: all sent 7, virksomhedspraktik 6, so løntilskud 1
        (6, 5),
        (8, 4),
        (11, 10),
        (12, 11),  # two periods a month apart
        (13, 12),
        (101, 100),
        (5, 4),
    ],
)
def test_subtracting_two_published_counts_never_pins_down_a_small_rest(whole, part):
    told = _rests(whole, part)
    assert whole - part in told
    assert len(told) > 1, f"{whole} - {part}: the rest is one of {sorted(told)}"


def test_no_subtraction_names_a_rest_of_one_to_four_exactly():
    for whole in range(1, 400):
        for rest in range(1, 5):
            if whole - rest >= 0:
                told = _rests(whole, whole - rest)
                assert rest in told and len(told) > 1, (whole, rest, sorted(told))
