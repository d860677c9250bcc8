"""Rules of the caseworker's work on a concern: service goals and when a meeting can be held.

There is no legal deadline for the § 113, stk. 3 meeting (docs/domain.md §5: none found). The goals
here are the municipality's own service goals, counted in working days (Monday to Friday, not
Danish public holidays) and set by ``PORTAL_SERVICE_GOAL_*``; the pages label them so.
"""

from __future__ import annotations

import enum
from collections.abc import Container
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

import holidays

from portal.domain.concerns import ConcernStatus

# A meeting with the citizen is held on a working day within ordinary opening hours.
EARLIEST_MEETING = time(7, 0)
LATEST_MEETING = time(19, 0)
MAX_DAYS_AHEAD = 365


@cache
def danish_holidays() -> Container[date]:
    """Danish public holidays (helligdage) in any year, from the ``holidays`` package. One
    calendar for the process: it works out a year the first time it is asked about it, and the
    queue asks on every page (a new calendar each time cost a year's work per request)."""
    return holidays.country_holidays("DK")


def is_working_day(day: date, holiday_calendar: Container[date]) -> bool:
    return day.weekday() < 5 and day not in holiday_calendar


def add_working_days(start: date, days: int, holiday_calendar: Container[date]) -> date:
    """The day ``days`` working days after ``start`` (received on a Friday + 2 → Tuesday)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holiday_calendar):
            remaining -= 1
    return day


@dataclass(frozen=True)
class ServiceGoals:
    """Working days from receipt to acknowledgement, and to the meeting being booked."""

    acknowledge_days: int = 2
    meeting_days: int = 10


class Goal(enum.StrEnum):
    ACKNOWLEDGE = "acknowledge"
    MEETING = "meeting"


@dataclass(frozen=True)
class GoalState:
    goal: Goal
    due: date
    overdue: bool


def open_goals(
    status: ConcernStatus,
    right_applies: bool,
    received_on: date,
    today: date,
    goals: ServiceGoals,
    holiday_calendar: Container[date],
) -> list[GoalState]:
    """The service goals still to be met for a concern in this status, soonest first."""
    states = []
    if status is ConcernStatus.SUBMITTED:
        due = add_working_days(received_on, goals.acknowledge_days, holiday_calendar)
        states.append(GoalState(Goal.ACKNOWLEDGE, due, today > due))
    if right_applies and status in (ConcernStatus.SUBMITTED, ConcernStatus.ACKNOWLEDGED):
        due = add_working_days(received_on, goals.meeting_days, holiday_calendar)
        states.append(GoalState(Goal.MEETING, due, today > due))
    return states


class MeetingTimeProblem(enum.StrEnum):
    PAST = "past"
    NOT_WORKING_DAY = "not_working_day"
    OUTSIDE_HOURS = "outside_hours"
    TOO_FAR = "too_far"


def meeting_time_problem(
    starts_at: datetime, now: datetime, holiday_calendar: Container[date]
) -> MeetingTimeProblem | None:
    """Why a meeting cannot be booked at this local time, or None when it can."""
    if starts_at <= now:
        return MeetingTimeProblem.PAST
    if starts_at - now > timedelta(days=MAX_DAYS_AHEAD):
        return MeetingTimeProblem.TOO_FAR
    if not is_working_day(starts_at.date(), holiday_calendar):
        return MeetingTimeProblem.NOT_WORKING_DAY
    if not EARLIEST_MEETING <= starts_at.time() <= LATEST_MEETING:
        return MeetingTimeProblem.OUTSIDE_HOURS
    return None


class Attention(enum.StrEnum):
    """Something unusual about a concern that the caseworker should see at once."""

    ANSWER_DISAGREES = "answer_disagrees"  # the citizen's "started?" differs from the dates
    MEETING_UNRECORDED = "meeting_unrecorded"  # the meeting's time has passed, nothing recorded
    COMMENT_GIVEN = "comment_given"  # the citizen commented on the advice: read it first
    COMMENT_PERIOD_RUNS = "comment_period_runs"
    COMMENT_PERIOD_PASSED = "comment_period_passed"
    TIMES_DECLINED = "times_declined"  # none of the offered times fit: offer new ones
    TIMES_UNANSWERED = "times_unanswered"  # the offered times have waited too long
    # The forløb ends (by plan) before the meeting or the goal for it: the right is "en person
    # i ressourceforløb"'s, so hold the meeting while the forløb runs if at all possible.
    FORLOEB_ENDS_FIRST = "forloeb_ends_first"
    # An import carried another plan than the one decided (portal.domain.decisions).
    CASE_SYSTEM_DISAGREES = "case_system_disagrees"


def attention_points(
    status: ConcernStatus,
    answer_disagrees: bool,
    meeting_starts_at: datetime | None,
    now: datetime,
    commented: bool,
    comment_until: date | None,
    today: date,
) -> list[Attention]:
    points = []
    if answer_disagrees and status not in (ConcernStatus.CLOSED, ConcernStatus.WITHDRAWN):
        points.append(Attention.ANSWER_DISAGREES)
    if (
        status is ConcernStatus.MEETING_BOOKED
        and meeting_starts_at is not None
        and meeting_starts_at <= now
    ):
        points.append(Attention.MEETING_UNRECORDED)
    if status is ConcernStatus.ADVICE_GIVEN:
        if commented:
            points.append(Attention.COMMENT_GIVEN)
        elif comment_until is not None and today <= comment_until:
            points.append(Attention.COMMENT_PERIOD_RUNS)
        else:
            points.append(Attention.COMMENT_PERIOD_PASSED)
    return points


# The caseworker's queue (kept on each concern row, portal.models.concern): first the concerns
# whose citizen said none of the offered times fit, then those holding an offer on hold (the
# offer starting soonest first), then the rest; within a group, the oldest first.
QUEUE_EPOCH = date(1970, 1, 1)


def queue_position(held: bool, times_declined: bool, offer_start: date) -> tuple[int, date]:
    """(group, day) of a concern in the queue."""
    if times_declined:
        return 0, offer_start if held else QUEUE_EPOCH
    if held:
        return 1, offer_start
    return 2, QUEUE_EPOCH


# Meeting times offered to the citizen (issue 16): the same rules as booking, for each.
MIN_PROPOSED_TIMES, MAX_PROPOSED_TIMES = 2, 5


class ProposalProblem(enum.StrEnum):
    TOO_FEW = "too_few"
    TOO_MANY = "too_many"
    TWICE = "twice"


def proposal_problem(times: list[datetime]) -> ProposalProblem | None:
    if len(times) < MIN_PROPOSED_TIMES:
        return ProposalProblem.TOO_FEW
    if len(times) > MAX_PROPOSED_TIMES:
        return ProposalProblem.TOO_MANY
    if len(set(times)) != len(times):
        return ProposalProblem.TWICE
    return None


def times_unanswered(proposed_at: datetime, now: datetime, answer_days: int) -> bool:
    """Offered times the citizen has not answered within the municipality's period."""
    return now - proposed_at > timedelta(days=answer_days)


def times_answer_by(proposed_at: datetime, answer_days: int) -> datetime:
    """The moment after which offered times count as unanswered (``times_unanswered``): the
    citizen is asked to choose by then."""
    return proposed_at + timedelta(days=answer_days)


# Before the meeting is held, the forløb's end matters: after it, only the decision is left.
_MEETING_AHEAD = frozenset(
    {ConcernStatus.SUBMITTED, ConcernStatus.ACKNOWLEDGED, ConcernStatus.MEETING_BOOKED}
)


def forloeb_ends_first(
    status: ConcernStatus,
    right_applies: bool,
    forloeb_ends: date,
    goal_days: list[date],
    meeting_on: date | None,
) -> bool:
    """The forløb's planned end comes before the meeting, or before a service goal that is still
    to be met: the caseworker should know, and the citizen be told what happens then."""
    if not right_applies or ConcernStatus(status) not in _MEETING_AHEAD:
        return False
    days = [*goal_days, *([meeting_on] if meeting_on is not None else [])]
    return any(day > forloeb_ends for day in days)
