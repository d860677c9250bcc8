"""The edges of the rules, one day or one item either side (issue 24: mutation testing found
them untested). Each test names the day or the count that decides, and what a person would
see go wrong if the rule moved by one."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.domain import casework, offers, regions
from portal.domain.casework import Attention, ProposalProblem
from portal.domain.concerns import ConcernAction as A
from portal.domain.concerns import ConcernRefusal as R
from portal.domain.concerns import ConcernStatus as S
from portal.domain.concerns import (
    ForloebDates,
    TransitionRefused,
    concern_refusal,
    may_comment,
    next_status,
)
from portal.domain.delegations import FULDMAGT_ACT, FULDMAGT_SEE, Scope, fuldmagt_grants
from portal.domain.forloeb import progress
from portal.domain.principal import Actor, Principal
from portal.domain.privileges import CPR_SCOPE, PrivilegeGroup

DK = ZoneInfo("Europe/Copenhagen")
MONDAY = date(2026, 12, 7)
FORLOEB = ForloebDates(start=date(2025, 3, 1), planned_end=date(2027, 2, 28), ended=False)


# -- the forløb's first and last day -------------------------------------------------------------
def test_on_the_forloebs_first_day_it_has_started_and_nothing_has_passed():
    first = progress(date(2026, 3, 2), date(2027, 3, 1), date(2026, 3, 2))
    assert first.started and not first.ended
    assert (first.elapsed_days, first.percent, first.total_days) == (0, 0, 364)
    assert not progress(date(2026, 3, 2), date(2027, 3, 1), date(2026, 3, 1)).started


def test_a_forloeb_that_starts_and_ends_on_one_day_is_whole_that_day():
    one_day = progress(MONDAY, MONDAY, MONDAY)
    assert one_day.total_days == 1, "never a division by zero"
    assert (one_day.started, one_day.ended, one_day.remaining_days) == (True, False, 0)
    assert progress(MONDAY, MONDAY, MONDAY + timedelta(days=1)).percent == 100


def test_the_forloeb_runs_on_its_first_and_last_day_only():
    assert FORLOEB.runs_on(FORLOEB.start) and FORLOEB.runs_on(FORLOEB.planned_end)
    assert not FORLOEB.runs_on(FORLOEB.start - timedelta(days=1))
    assert not FORLOEB.runs_on(FORLOEB.planned_end + timedelta(days=1))
    ended = ForloebDates(FORLOEB.start, FORLOEB.planned_end, ended=True)
    assert not ended.runs_on(FORLOEB.start)


def test_a_concern_may_be_started_on_the_forloebs_first_day():
    assert concern_refusal("planned", FORLOEB.start, None, FORLOEB, FORLOEB.start) is None
    before = FORLOEB.start - timedelta(days=1)
    assert concern_refusal("planned", FORLOEB.start, None, FORLOEB, before) is R.FORLOEB_NOT_RUNNING


# -- an offer starting on the forløb's last day, an offer ending today ---------------------------
def test_an_offer_starting_on_the_forloebs_last_day_is_within_it_and_one_day_later_is_not():
    today = FORLOEB.planned_end - timedelta(days=30)
    assert concern_refusal("planned", FORLOEB.planned_end, None, FORLOEB, today) is None
    after = FORLOEB.planned_end + timedelta(days=1)
    assert concern_refusal("planned", after, None, FORLOEB, today) is R.OFFER_AFTER_FORLOEB


def test_a_concern_about_an_offer_ending_today_may_be_started_and_not_tomorrow():
    today = FORLOEB.start + timedelta(days=100)
    start = today - timedelta(days=10)
    assert concern_refusal("planned", start, today, FORLOEB, today) is None
    tomorrow = today + timedelta(days=1)
    assert concern_refusal("planned", start, today, FORLOEB, tomorrow) is R.OFFER_OVER


def test_an_offer_ending_today_is_still_current_and_is_past_tomorrow():
    start = MONDAY - timedelta(days=20)
    assert not offers.is_over("planned", MONDAY, MONDAY)
    assert offers.phase(start, MONDAY, "planned", MONDAY) == "current"
    assert offers.phase(start, MONDAY, "planned", MONDAY + timedelta(days=1)) == "past"


@pytest.mark.parametrize("status", ["ended", "cancelled"])
def test_an_ended_or_cancelled_offer_is_past_whatever_its_dates(status):
    assert offers.phase(MONDAY + timedelta(days=3), None, status, MONDAY) == "past"


def test_an_offer_starting_tomorrow_is_upcoming_and_today_current():
    assert offers.phase(MONDAY + timedelta(days=1), None, "planned", MONDAY) == "upcoming"
    assert offers.phase(MONDAY, None, "planned", MONDAY) == "current"


def test_weekdays_and_the_first_session_of_a_weekly_schedule():
    assert offers.weekdays_of("MO,TH") == [0, 3]
    assert offers.weekdays_of("SU,XX,SA") == [6, 5], "an unknown code is left out"
    assert offers.weekdays_of("") == []
    wednesday = MONDAY + timedelta(days=2)
    assert offers.first_session(wednesday, [0, 3]) == wednesday + timedelta(days=1)
    assert offers.first_session(wednesday, [2]) == wednesday, "on the start day itself"
    assert offers.first_session(wednesday, [1]) == wednesday + timedelta(days=6)
    assert offers.first_session(wednesday, []) == wednesday


# -- the comment period (partshøring) ----------------------------------------------------------
NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def points(status, *, commented=False, comment_until=None, meeting=None, disagrees=False):
    return casework.attention_points(
        status, disagrees, meeting, NOW, commented, comment_until, NOW.date()
    )


def test_the_comment_period_runs_through_its_last_day_and_has_passed_the_day_after():
    today = NOW.date()
    assert points(S.ADVICE_GIVEN, comment_until=today) == [Attention.COMMENT_PERIOD_RUNS]
    yesterday = today - timedelta(days=1)
    assert points(S.ADVICE_GIVEN, comment_until=yesterday) == [Attention.COMMENT_PERIOD_PASSED]
    assert points(S.ADVICE_GIVEN, comment_until=None) == [Attention.COMMENT_PERIOD_PASSED]


def test_a_comment_given_is_read_first_even_while_the_period_runs():
    assert points(S.ADVICE_GIVEN, commented=True, comment_until=NOW.date()) == [
        Attention.COMMENT_GIVEN
    ]


@pytest.mark.parametrize("status", [S.SUBMITTED, S.MEETING_HELD, S.DECIDED])
def test_the_comment_period_is_no_point_before_the_advice_or_after_the_decision(status):
    assert points(status, comment_until=NOW.date()) == []


def test_a_meeting_whose_time_has_come_is_unrecorded_from_that_minute():
    assert points(S.MEETING_BOOKED, meeting=NOW) == [Attention.MEETING_UNRECORDED]
    assert points(S.MEETING_BOOKED, meeting=NOW + timedelta(minutes=1)) == []
    assert points(S.MEETING_HELD, meeting=NOW - timedelta(days=1)) == []


@pytest.mark.parametrize(
    ("status", "shown"), [(S.SUBMITTED, True), (S.DECIDED, True), (S.CLOSED, False),
                          (S.WITHDRAWN, False)],
)  # fmt: skip
def test_an_answer_that_disagrees_with_the_dates_is_shown_until_the_concern_is_finished(
    status, shown
):
    assert (Attention.ANSWER_DISAGREES in points(status, disagrees=True)) is shown
    assert Attention.ANSWER_DISAGREES not in points(status, disagrees=False)


# -- the queue's order -------------------------------------------------------------------------
def test_the_queue_puts_declined_times_first_then_held_offers_soonest_first_then_the_rest():
    soon, later = MONDAY + timedelta(days=3), MONDAY + timedelta(days=30)
    rows = {  # in no particular order
        "rest": casework.queue_position(held=False, times_declined=False, offer_start=soon),
        "declined, held later": casework.queue_position(True, True, later),
        "held later": casework.queue_position(held=True, times_declined=False, offer_start=later),
        "held soon": casework.queue_position(held=True, times_declined=False, offer_start=soon),
        "declined, held soon": casework.queue_position(True, True, soon),
        "declined": casework.queue_position(held=False, times_declined=True, offer_start=later),
    }
    order = sorted(rows, key=rows.get)
    assert order == ["declined", "declined, held soon", "declined, held later", "held soon",
                     "held later", "rest"]  # fmt: skip
    assert rows["rest"] == (2, casework.QUEUE_EPOCH), "the rest: the oldest first, by its id"


# -- offered meeting times: two to five --------------------------------------------------------
def times(count: int) -> list[datetime]:
    return [NOW + timedelta(days=1, hours=n) for n in range(count)]


@pytest.mark.parametrize(
    ("count", "problem"),
    [(0, ProposalProblem.TOO_FEW), (1, ProposalProblem.TOO_FEW), (2, None), (5, None),
     (6, ProposalProblem.TOO_MANY)],
)  # fmt: skip
def test_exactly_two_to_five_times_may_be_offered(count, problem):
    assert casework.proposal_problem(times(count)) is problem


def test_the_same_time_twice_is_refused_even_among_five():
    five = times(4) + times(1)
    assert casework.proposal_problem(five) is ProposalProblem.TWICE


def test_offered_times_are_unanswered_only_after_the_whole_period():
    proposed = NOW - timedelta(days=3)
    assert casework.times_answer_by(proposed, 3) == NOW
    assert not casework.times_unanswered(proposed, NOW, 3), "the last moment is still in time"
    assert casework.times_unanswered(proposed, NOW + timedelta(seconds=1), 3)


# -- meeting times: the edges of the day and of the year ---------------------------------------
def at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=DK)


@pytest.mark.parametrize(
    ("clock", "problem"),
    [(time(7, 0), None), (time(19, 0), None), (time(6, 59), "outside_hours"),
     (time(19, 1), "outside_hours")],
)  # fmt: skip
def test_a_meeting_may_start_from_07_00_to_19_00_both_included(clock, problem):
    now = at(MONDAY, time(6, 0))
    found = casework.meeting_time_problem(at(MONDAY + timedelta(days=1), clock), now, set())
    assert found == problem


def test_a_meeting_now_is_past_and_one_a_year_ahead_is_not_too_far():
    now = at(MONDAY, time(10, 0))
    assert casework.meeting_time_problem(now, now, set()) == "past"
    a_year = now + timedelta(days=casework.MAX_DAYS_AHEAD)
    while not casework.is_working_day(a_year.date(), set()):
        a_year -= timedelta(days=1)
    assert casework.meeting_time_problem(a_year, now, set()) is None
    beyond = now + timedelta(days=casework.MAX_DAYS_AHEAD + 1)
    assert casework.meeting_time_problem(beyond, now, set()) == "too_far"


def test_a_service_goal_is_overdue_the_day_after_its_due_day_not_on_it():
    goals = casework.ServiceGoals(acknowledge_days=2, meeting_days=10)
    sent = date(2026, 12, 1)  # a Tuesday
    due = date(2026, 12, 15)  # ten working days
    (meeting,) = casework.open_goals(S.ACKNOWLEDGED, True, sent, due, goals, set())
    assert (meeting.goal, meeting.due, meeting.overdue) == ("meeting", due, False)
    (late,) = casework.open_goals(S.ACKNOWLEDGED, True, sent, due + timedelta(days=1), goals, set())
    assert (late.due, late.overdue) == (due, True)
    acknowledge, _ = casework.open_goals(S.SUBMITTED, True, sent, date(2026, 12, 3), goals, set())
    assert (acknowledge.goal, acknowledge.due, acknowledge.overdue) == (
        "acknowledge",
        date(2026, 12, 3),
        False,
    )


# -- the forløb ending first -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "meeting_on", "warned"),
    [(S.ACKNOWLEDGED, None, False), (S.MEETING_BOOKED, date(2027, 3, 1), True),
     (S.MEETING_BOOKED, date(2027, 2, 28), False), (S.MEETING_HELD, date(2027, 3, 1), False)],
)  # fmt: skip
def test_the_forloeb_ends_first_when_the_meeting_or_a_goal_comes_after_its_last_day(
    status, meeting_on, warned
):
    ends = date(2027, 2, 28)
    assert casework.forloeb_ends_first(status, True, ends, [ends], meeting_on) is warned
    assert casework.forloeb_ends_first(status, True, ends, [ends + timedelta(days=1)], None) is (
        status is not S.MEETING_HELD
    )
    assert not casework.forloeb_ends_first(status, False, ends, [date(2028, 1, 1)], meeting_on)


# -- fuldmagt: two groups from one person -------------------------------------------------------
GRANTOR = "0101901234"


def group(cpr: str, *privileges: str) -> PrivilegeGroup:
    return PrivilegeGroup(f"{CPR_SCOPE}{cpr}", frozenset(privileges))


@pytest.mark.parametrize(
    "order",
    [(FULDMAGT_ACT, FULDMAGT_SEE), (FULDMAGT_SEE, FULDMAGT_ACT)],
    ids=["act-see", "see-act"],
)
def test_two_groups_from_one_grantor_merge_into_the_widest_scope_in_either_order(order):
    grants, ignored = fuldmagt_grants([group(GRANTOR, order[0]), group(GRANTOR, order[1])])
    assert grants == {GRANTOR: Scope.ACT} and ignored == 0


def test_two_see_groups_from_one_grantor_stay_see_and_other_grantors_stay_apart():
    other = "0202801234"
    grants, _ = fuldmagt_grants(
        [group(GRANTOR, FULDMAGT_SEE), group(other, FULDMAGT_ACT), group(GRANTOR, FULDMAGT_SEE)]
    )
    assert grants == {GRANTOR: Scope.SEE, other: Scope.ACT}


def test_a_group_scoped_to_anything_but_a_cpr_number_gives_nothing():
    cvr = PrivilegeGroup("urn:dk:gov:saml:cvrNumberIdentifier:12345678", frozenset({FULDMAGT_ACT}))
    bare = PrivilegeGroup(GRANTOR, frozenset({FULDMAGT_ACT}))  # a CPR number, but not as a scope
    grants, ignored = fuldmagt_grants([cvr, bare, group("9999999999", FULDMAGT_ACT)])
    assert grants == {} and ignored == 3


# -- refusals name their reason ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "action", "right", "reason"),
    [
        (S.SUBMITTED, A.BOOK_MEETING, False, "no coordinator meeting without the § 113 right"),
        (S.DRAFT, A.ADD_INFORMATION, True, "the concern has not been sent"),
        (S.SUBMITTED, A.EDIT, True, "a sent concern's answers never change"),
        (S.MEETING_HELD, A.COMMENT, True, "comment only on recorded advice"),
        (S.ADVICE_GIVEN, A.GIVE_CONSENT, True, "consent serves the advice, which is recorded"),
        (S.CLOSED, A.ADD_INFORMATION, True, "the concern is already closed"),
        (S.WITHDRAWN, A.ACKNOWLEDGE, True, "the concern is already withdrawn"),
        (S.MEETING_HELD, A.DECIDE, True, "decide only after the advice is recorded"),
        (S.MEETING_BOOKED, A.RECORD_ADVICE, True, "advice only after the meeting is held"),
        (S.ADVICE_GIVEN, A.PROPOSE_TIMES, True, "the concern is already advice_given"),
        (S.SUBMITTED, A.RECORD_MEETING_HELD, True, "cannot record_meeting_held a concern that is"),
    ],
)
def test_a_refused_step_says_which_step_from_which_status_and_why(status, action, right, reason):
    with pytest.raises(TransitionRefused) as refused:
        next_status(status, action, right)
    assert (refused.value.status, refused.value.action) == (status, action)
    assert refused.value.reason.startswith(reason) and str(refused.value) == refused.value.reason


# -- who acts, and where the sundhedskoordinator sits -------------------------------------------
def test_the_actor_names_a_relative_on_the_timeline_and_never_a_citizen_or_an_employee():
    citizen = Principal("citizen", "sub-1", "Mette Testesen", citizen_id=7)
    relative = Principal("citizen", "sub-2", "Sofie Testhansen", citizen_id=8, delegation_id=3)
    worker = Principal("caseworker", "uuid-9", "Lone Madsen", municipality_id=1)
    assert Actor.citizen(citizen) == Actor("citizen", "citizen:7")
    assert Actor.citizen(relative) == Actor("relative", "relative:3", "Sofie Testhansen")
    assert Actor.caseworker(worker) == Actor("caseworker", "caseworker:uuid-9")
    assert Actor.manager(worker) == Actor("manager", "manager:uuid-9")
    assert Actor.citizen(citizen).is_citizen and not Actor.citizen(relative).is_citizen


@pytest.mark.parametrize(
    ("code", "day", "unit"),
    [
        ("hovedstaden", date(2026, 12, 31), "Klinisk funktion, Region Hovedstaden"),
        ("hovedstaden", date(2027, 1, 1), "Klinisk funktion, Region Østdanmark"),
        ("sjaelland", date(2027, 1, 1), "Klinisk funktion, Region Østdanmark"),
        ("syddanmark", date(2027, 1, 1), "Klinisk funktion, Region Syddanmark"),
        ("oestdanmark", date(2026, 12, 31), ""),
        ("oestdanmark", date(2027, 1, 1), "Klinisk funktion, Region Østdanmark"),
        ("", date(2027, 1, 1), ""),
        ("atlantis", date(2027, 1, 1), ""),
    ],
)
def test_the_clinical_unit_is_the_regions_on_the_day_in_question(code, day, unit):
    assert regions.clinical_unit(code, day) == unit
    assert (regions.region_on(code, day) is None) is (unit == "")


# -- figures: one month, the month that is not over, one day ------------------------------------
def test_a_single_month_that_is_over_is_a_period_and_this_month_is_not():
    from portal.domain.figures import PeriodProblem, period_problem

    today = date(2026, 12, 6)
    assert period_problem(date(2026, 11, 1), date(2026, 11, 30), today) is None
    november_to_december = period_problem(date(2026, 11, 1), date(2026, 12, 31), today)
    assert november_to_december is PeriodProblem.NOT_OVER
    assert period_problem(date(2026, 12, 1), date(2026, 11, 30), today) is PeriodProblem.REVERSED


def test_the_twelve_months_run_back_month_by_month_across_a_february():
    from portal.domain.figures import last_twelve_months

    period = last_twelve_months(date(2026, 3, 31))
    assert (period.first, period.last) == (date(2025, 3, 1), date(2026, 2, 28))


def test_a_month_alone_is_its_first_day_unless_the_end_is_asked_for():
    from portal.domain.figures import month_or_day

    assert month_or_day("2026-02") == date(2026, 2, 1)
    assert month_or_day(" 2026-02 ", end=True) == date(2026, 2, 28)


def test_working_days_count_after_the_start_up_to_and_including_the_end():
    from portal.domain.figures import WorkingDays

    friday, monday, tuesday = date(2026, 12, 4), date(2026, 12, 7), date(2026, 12, 8)
    days = WorkingDays(friday, tuesday, set())
    assert days.between(friday, friday) == 0, "the same day"
    assert days.between(friday, monday) == 1 and days.between(friday, tuesday) == 2
    assert days.between(monday, friday) == 0, "backwards is no time"
    assert days.between(friday - timedelta(days=30), tuesday) == 2, "clamped to the period"
    assert days.between(friday, tuesday + timedelta(days=30)) == 2
    week = WorkingDays(monday, monday + timedelta(days=4), set())
    assert week.between(monday - timedelta(days=3), monday + timedelta(days=1)) == 1, (
        "a start before the period counts from its first day"
    )
    one_day = WorkingDays(monday, monday, set())
    assert one_day.between(monday, monday + timedelta(days=1)) == 0


def test_the_median_of_an_even_count_is_the_mean_of_the_middle_two_and_p90_a_real_value():
    from portal.domain.figures import percentile, spread

    six = spread([1, 2, 3, 4, 10, 20], goal=3)
    assert (six.count, six.median, six.p90, six.within_goal) == (6, 3.5, 20, 3)
    assert spread([5, 1, 4, 2, 3]).median == 3
    assert percentile([7], 0.9) == 7 and percentile([1, 2], 0.5) == 1 and percentile([1, 2], 0) == 1


@pytest.mark.parametrize("true", [0, 1, 4, 5, 7, 8, 12, 13])
def test_a_published_cell_keeps_its_true_count_for_the_checks_and_shows_only_the_published(true):
    from portal.domain.figures import possible, publish

    cell = publish(true)
    assert cell.value == true and cell.visible == cell.published
    assert true in possible(cell)
    if true == 0:
        assert list(possible(cell)) == [0]


# -- decisions: a plan read from an offer, numbers and empty values in JSON ----------------------
def test_a_plan_is_read_from_any_offer_like_object_and_numbers_go_to_json_plainly():
    from decimal import Decimal
    from types import SimpleNamespace

    from portal.domain.decisions import PLAN_FIELDS, Plan

    offer = SimpleNamespace(**{name: None for name in PLAN_FIELDS})
    offer.start_date, offer.hours_per_week = MONDAY, Decimal("30.0")
    offer.place, offer.weekdays, offer.address, offer.status = "Planteskolen", "MO", "", "planned"
    plan = Plan.of(offer)
    assert (plan.start_date, plan.place, plan.hours_per_week) == (MONDAY, "Planteskolen", 30)
    stored = plan.as_json()
    assert stored["hours_per_week"] == "30", "not 3E+1"
    assert Plan.from_json(stored) == plan
    assert Plan.from_json(stored | {"end_date": "", "hours_per_week": ""}).end_date is None


def test_a_cancelled_status_agrees_only_with_a_cancelled_or_ended_import():
    from portal.domain.decisions import Plan, case_system_agrees

    planned = Plan(start_date=MONDAY, place="cancelled")
    assert case_system_agrees({"place": "cancelled"}, planned) is True, "a place may be any text"
    assert case_system_agrees({"status": "planned"}, planned) is True
    assert case_system_agrees({"status": "cancelled"}, planned) is False
    assert case_system_agrees({"status": "cancelled"}, Plan(MONDAY, status="ended")) is True


# -- the caseworker may write while the concern is open ---------------------------------------
@pytest.mark.parametrize(
    ("status", "allowed"),
    [(S.DRAFT, False), (S.SUBMITTED, True), (S.ADVICE_GIVEN, True), (S.CLOSED, False),
     (S.WITHDRAWN, False)],
)  # fmt: skip
def test_a_message_to_the_citizen_is_possible_while_the_concern_is_open(status, allowed):
    from portal.domain.concerns import can_message

    assert can_message(status) is allowed


# -- file names ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "kind", "shown"),
    [("IMG_1.JPG", "image/jpeg", "IMG_1.JPG"), ("scan.jpg", "image/jpeg", "scan.jpg"),
     ("scan.jpeg", "image/jpeg", "scan.jpeg")],
)  # fmt: skip
def test_a_jpeg_keeps_its_own_jpg_or_jpeg_ending(name, kind, shown):
    from portal.domain.documents import shown_name

    assert shown_name(name, kind) == shown


@pytest.mark.parametrize("name", [".", "..", "...", " . "])
def test_a_name_of_dots_alone_is_refused(name):
    from portal.domain.documents import name_problem

    assert name_problem(name) is not None


@pytest.mark.parametrize("name", ["X.X", "XX.pdf", ".profil.png", "brev."])
def test_a_name_with_dots_and_letters_is_a_name(name):
    from portal.domain.documents import name_problem

    assert name_problem(name) is None


def test_the_comment_period_includes_its_last_day_and_needs_the_advice():
    last = date(2026, 12, 10)
    assert may_comment(S.ADVICE_GIVEN, last, last)
    assert not may_comment(S.ADVICE_GIVEN, last, last + timedelta(days=1))
    assert not may_comment(S.ADVICE_GIVEN, None, last), "no period: nothing to comment within"
    assert not may_comment(S.DECIDED, last, last), "decided: the comment came too late"
