"""The rules behind "Tal om retten": the period a manager may ask for, working days, the median
and the 90th percentile, and which counts are suppressed so that no person can be picked out."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.casework import danish_holidays
from portal.domain.figures import (
    PeriodProblem,
    Shown,
    Sum,
    WorkingDays,
    last_twelve_months,
    percentile,
    period_problem,
    spread,
    suppress,
)

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("first", "last", "problem"),
    [
        (date(2026, 1, 1), date(2026, 12, 1), None),
        (date(2026, 12, 1), date(2026, 12, 1), None),  # one day is a period
        (None, date(2026, 12, 1), PeriodProblem.MISSING),
        (date(2026, 5, 1), date(2026, 4, 30), PeriodProblem.REVERSED),
        (date(2021, 12, 2), date(2026, 12, 1), None),  # a day short of five years
        (date(2021, 12, 1), date(2026, 12, 1), PeriodProblem.TOO_LONG),
        (date(2024, 2, 29), date(2029, 2, 28), PeriodProblem.TOO_LONG),
        (date(2026, 12, 2), date(2026, 12, 31), PeriodProblem.FUTURE),
        (date(2026, 11, 1), date(2026, 12, 31), None),  # may end after today
        (date(1, 1, 1), date(2, 1, 1), PeriodProblem.TOO_EARLY),  # Schemathesis found a 500
        (date(2012, 12, 31), date(2013, 6, 1), PeriodProblem.TOO_EARLY),
        (date(2013, 1, 1), date(2013, 6, 1), None),
        (date(9996, 1, 1), date(9996, 2, 1), PeriodProblem.FUTURE),  # not a 500 either
    ],
)
def test_a_period_must_be_readable_in_order_under_five_years_and_begun(first, last, problem):
    assert period_problem(first, last, TODAY) == problem


def test_the_default_period_is_the_last_twelve_months_up_to_today():
    period = last_twelve_months(TODAY)
    assert (period.first, period.last, period.days) == (date(2025, 12, 2), TODAY, 365)


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


def test_a_count_below_five_is_shown_as_below_five_zero_included():
    cells = suppress({"sent": 12, "withdrawn": 3, "decided": 0, "held": 5})
    assert cells["sent"].shown is Shown.VALUE and cells["sent"].visible == 12
    assert cells["withdrawn"].shown is Shown.BELOW_FIVE and cells["withdrawn"].visible is None
    assert cells["decided"].shown is Shown.BELOW_FIVE
    assert cells["held"].shown is Shown.VALUE, "5 is shown"


def test_a_small_part_of_a_shown_total_hides_a_second_part():
    counts = {"decided": 20, "adapted": 12, "kept": 6, "stopped": 2}
    cells = suppress(counts, [Sum("decided", ("adapted", "kept", "stopped"))])
    assert cells["stopped"].shown is Shown.BELOW_FIVE
    assert cells["kept"].shown is Shown.HIDDEN, "else 20 - 12 - 6 = 2 could be worked out"
    assert cells["adapted"].shown is Shown.VALUE and cells["decided"].shown is Shown.VALUE


def test_two_small_parts_that_together_hold_five_need_no_second_suppression():
    counts = {"decided": 20, "adapted": 14, "kept": 3, "stopped": 3}
    cells = suppress(counts, [Sum("decided", ("adapted", "kept", "stopped"))])
    assert [cells[n].shown for n in ("adapted", "kept", "stopped")] == [
        Shown.VALUE,
        Shown.BELOW_FIVE,
        Shown.BELOW_FIVE,
    ]


def test_two_small_parts_that_together_hold_under_five_hide_one_more():
    counts = {"decided": 20, "adapted": 9, "kept": 9, "stopped": 1, "other": 1}
    cells = suppress(counts, [Sum("decided", ("adapted", "kept", "stopped", "other"))])
    hidden = [n for n in ("adapted", "kept") if cells[n].shown is Shown.HIDDEN]
    assert len(hidden) == 1, "one more part goes, so the unknown ones hold at least five"


def test_a_rest_that_is_never_shown_still_counts():
    # 100 citizens had an offer and 97 saw the guidance: the 3 who did not must not show.
    counts = {"had": 100, "saw": 97, "not_saw": 3}
    cells = suppress(counts, [Sum("had", ("saw", "not_saw"), frozenset({"not_saw"}))])
    assert cells["saw"].shown is Shown.HIDDEN
    assert cells["had"].shown is Shown.VALUE
    counts = {"had": 100, "saw": 60, "not_saw": 40}
    cells = suppress(counts, [Sum("had", ("saw", "not_saw"), frozenset({"not_saw"}))])
    assert cells["saw"].shown is Shown.VALUE


def test_a_small_total_hides_nothing_more():
    counts = {"sent": 3, "by_relative": 1, "by_citizen": 2}
    cells = suppress(
        counts, [Sum("sent", ("by_relative", "by_citizen"), frozenset({"by_citizen"}))]
    )
    assert cells["sent"].shown is Shown.BELOW_FIVE
    assert cells["by_relative"].shown is Shown.BELOW_FIVE


def test_suppression_follows_a_count_through_two_sums():
    # "sent" is a total twice: by who sent it and by kind of offer. Hiding a kind to protect a
    # small kind must not leave the relatives' count derivable, and the reverse.
    counts = {
        "sent": 30,
        "by_relative": 2,
        "by_citizen": 28,
        "kind_a": 20,
        "kind_b": 8,
        "kind_c": 2,
    }
    sums = [
        Sum("sent", ("by_relative", "by_citizen"), frozenset({"by_citizen"})),
        Sum("sent", ("kind_a", "kind_b", "kind_c")),
    ]
    cells = suppress(counts, sums)
    assert cells["by_relative"].shown is Shown.BELOW_FIVE
    assert cells["sent"].shown is Shown.VALUE, "the rest (28) is never shown, so 2 is safe"
    assert cells["kind_c"].shown is Shown.BELOW_FIVE
    assert cells["kind_b"].shown is Shown.HIDDEN
    assert cells["kind_a"].shown is Shown.VALUE
