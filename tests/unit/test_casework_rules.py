"""Service goals in working days, and when a meeting can be held (portal.domain.casework)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.domain.casework import (
    Goal,
    MeetingTimeProblem,
    ServiceGoals,
    add_working_days,
    danish_holidays,
    meeting_time_problem,
    open_goals,
)
from portal.domain.concerns import ConcernStatus as S

DK = ZoneInfo("Europe/Copenhagen")
HOLIDAYS = danish_holidays()


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (date(2026, 11, 20), 2, date(2026, 11, 24)),  # Friday + 2 → Tuesday
        (date(2026, 4, 1), 2, date(2026, 4, 8)),  # Easter: Thu, Fri and Monday are holidays
        (date(2026, 12, 23), 1, date(2026, 12, 24)),  # Christmas Eve is not a public holiday
        (date(2026, 12, 24), 1, date(2026, 12, 28)),  # 25th, 26th (and the weekend) are
    ],
)
def test_working_days_skip_weekends_and_danish_public_holidays(start, days, due):
    assert add_working_days(start, days, HOLIDAYS) == due


def test_a_sent_concern_has_both_goals_and_they_turn_overdue_the_day_after():
    received = date(2026, 11, 20)
    goals = open_goals(S.SUBMITTED, True, received, date(2026, 11, 24), ServiceGoals(), HOLIDAYS)
    assert [(g.goal, g.overdue) for g in goals] == [
        (Goal.ACKNOWLEDGE, False),
        (Goal.MEETING, False),
    ]
    late = open_goals(S.SUBMITTED, True, received, date(2026, 11, 25), ServiceGoals(), HOLIDAYS)
    assert late[0].overdue and not late[1].overdue


def test_no_meeting_goal_without_the_right_and_none_once_the_meeting_is_booked():
    received = date(2026, 11, 20)
    assert [
        g.goal for g in open_goals(S.SUBMITTED, False, received, received, ServiceGoals(), HOLIDAYS)
    ] == [Goal.ACKNOWLEDGE]
    assert open_goals(S.MEETING_BOOKED, True, received, received, ServiceGoals(), HOLIDAYS) == []


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=DK)  # a Monday


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        (datetime(2026, 11, 24, 10, 0, tzinfo=DK), None),
        (datetime(2026, 11, 23, 8, 0, tzinfo=DK), MeetingTimeProblem.PAST),
        (datetime(2026, 11, 28, 10, 0, tzinfo=DK), MeetingTimeProblem.NOT_WORKING_DAY),
        (datetime(2026, 12, 25, 10, 0, tzinfo=DK), MeetingTimeProblem.NOT_WORKING_DAY),
        (datetime(2026, 11, 24, 6, 30, tzinfo=DK), MeetingTimeProblem.OUTSIDE_HOURS),
        (datetime(2026, 11, 24, 19, 30, tzinfo=DK), MeetingTimeProblem.OUTSIDE_HOURS),
        (NOW + timedelta(days=400), MeetingTimeProblem.TOO_FAR),
    ],
)
def test_a_meeting_is_on_a_working_day_in_opening_hours_and_ahead(when, problem):
    assert meeting_time_problem(when, NOW, HOLIDAYS) == problem
