"""The one line every citizen page leads with ("Det sker nu"): which step wins, with which day
(portal/domain/next_step.py)."""

from datetime import date, timedelta

from portal.domain.concerns import ConcernStatus
from portal.domain.next_step import (
    FORLOEB_ENDS_NOTICE_DAYS,
    ConcernFacts,
    NextStep,
    Step,
    next_step,
)

TODAY = date(2026, 12, 7)
DAY = timedelta(days=1)


def facts(concern_id=1, status=ConcernStatus.SUBMITTED, offer_id=10, **days) -> ConcernFacts:
    return ConcernFacts(concern_id=concern_id, offer_id=offer_id, status=status, **days)


def test_nothing_going_on_says_so():
    assert next_step([], TODAY) == NextStep(Step.NOTHING)


def test_a_sent_concern_waits_for_the_municipality():
    found = next_step([facts()], TODAY)
    assert (found.step, found.day, found.concern_id, found.offer_id) == (Step.WAITING, None, 1, 10)
    assert not found.is_action


def test_offered_times_come_before_everything_else_and_carry_the_last_day_to_answer():
    waiting = facts(concern_id=1, comment_until=TODAY + 3 * DAY, status=ConcernStatus.ADVICE_GIVEN)
    times = facts(concern_id=2, status=ConcernStatus.ACKNOWLEDGED, times_answer_by=TODAY + 5 * DAY)
    found = next_step([waiting, times], TODAY)
    assert (found.step, found.day, found.concern_id) == (Step.CHOOSE_TIME, TODAY + 5 * DAY, 2)
    assert found.is_action


def test_offered_times_whose_last_day_has_passed_are_no_longer_a_choice():
    late = facts(status=ConcernStatus.ACKNOWLEDGED, times_answer_by=TODAY - DAY)
    assert next_step([late], TODAY).step is Step.WAITING
    on_the_day = facts(status=ConcernStatus.ACKNOWLEDGED, times_answer_by=TODAY)
    assert next_step([on_the_day], TODAY).day == TODAY, "the last day is still a day to answer"


def test_a_comment_is_asked_for_until_and_including_its_last_day():
    advice = facts(status=ConcernStatus.ADVICE_GIVEN, comment_until=TODAY)
    assert next_step([advice], TODAY) == NextStep(Step.COMMENT, TODAY, 1, 10)
    assert next_step([advice], TODAY + DAY).step is Step.WAITING


def test_a_draft_says_the_last_day_to_send_it_for_the_offer_to_wait():
    draft = facts(status=ConcernStatus.DRAFT, send_by=TODAY + 6 * DAY)
    assert next_step([draft], TODAY) == NextStep(Step.SEND_DRAFT, TODAY + 6 * DAY, 1, 10)
    started = facts(status=ConcernStatus.DRAFT)
    assert next_step([started], TODAY) == NextStep(Step.SEND_DRAFT, None, 1, 10)


def test_of_two_drafts_the_one_with_the_nearest_day_wins_and_a_draft_without_one_comes_last():
    undated = facts(concern_id=1, status=ConcernStatus.DRAFT)
    later = facts(concern_id=2, status=ConcernStatus.DRAFT, send_by=TODAY + 9 * DAY)
    sooner = facts(concern_id=3, status=ConcernStatus.DRAFT, send_by=TODAY + 2 * DAY)
    assert next_step([undated, later, sooner], TODAY).concern_id == 3
    assert next_step([undated, later], TODAY).concern_id == 2


def test_a_booked_meeting_shows_its_day_until_it_has_passed():
    booked = facts(status=ConcernStatus.MEETING_BOOKED, meeting_on=TODAY)
    assert next_step([booked], TODAY) == NextStep(Step.MEETING, TODAY, 1, 10)
    assert next_step([booked], TODAY + DAY).step is Step.WAITING


def test_a_decision_on_its_way_is_news_and_then_until_the_complaint_period_ends():
    on_its_way = facts(status=ConcernStatus.DECIDED)
    assert next_step([on_its_way], TODAY) == NextStep(Step.DECIDED, None, 1, 10)
    received = facts(status=ConcernStatus.DECIDED, complaint_until=TODAY)
    assert next_step([received], TODAY).day == TODAY
    assert next_step([received], TODAY + DAY).step is Step.NOTHING
    closed = facts(status=ConcernStatus.CLOSED, complaint_until=TODAY + 20 * DAY)
    assert next_step([closed], TODAY).step is Step.DECIDED


def test_a_withdrawn_or_closed_concern_without_a_decision_is_not_news():
    for status in (ConcernStatus.WITHDRAWN, ConcernStatus.CLOSED, ConcernStatus.DISCARDED):
        assert next_step([facts(status=status)], TODAY).step is Step.NOTHING


def test_the_forloeb_end_is_told_from_thirty_days_before_and_on_the_day():
    ends = TODAY + FORLOEB_ENDS_NOTICE_DAYS * DAY
    assert next_step([], TODAY, forloeb_ends=ends) == NextStep(Step.FORLOEB_ENDS, ends)
    assert next_step([], TODAY, forloeb_ends=ends + DAY).step is Step.NOTHING
    assert next_step([], TODAY, forloeb_ends=TODAY).step is Step.FORLOEB_ENDS
    assert next_step([], TODAY, forloeb_ends=TODAY - DAY).step is Step.NOTHING


def test_a_concern_matters_more_than_the_forloeb_end_and_the_end_more_than_the_next_offer():
    ends = TODAY + 8 * DAY
    offer = (42, TODAY + 2 * DAY)
    assert next_step([facts()], TODAY, ends, offer).step is Step.WAITING
    assert next_step([], TODAY, ends, offer).step is Step.FORLOEB_ENDS
    assert next_step([], TODAY, None, offer) == NextStep(Step.NEXT_OFFER, TODAY + 2 * DAY, None, 42)


def test_an_offer_that_started_before_today_is_not_the_next_offer():
    assert next_step([], TODAY, None, (42, TODAY - DAY)).step is Step.NOTHING
    assert next_step([], TODAY, None, (42, TODAY)).day == TODAY


def test_a_comment_period_counts_only_while_the_advice_waits_for_the_decision():
    decided = facts(status=ConcernStatus.DECIDED, comment_until=TODAY + 5 * DAY)
    assert next_step([decided], TODAY).step is Step.DECIDED


def test_of_two_concerns_on_the_same_day_the_older_one_is_told():
    newer = facts(concern_id=7, status=ConcernStatus.MEETING_BOOKED, meeting_on=TODAY + DAY)
    older = facts(concern_id=3, status=ConcernStatus.MEETING_BOOKED, meeting_on=TODAY + DAY)
    assert next_step([newer, older], TODAY).concern_id == 3
    undated = facts(concern_id=1, status=ConcernStatus.DRAFT)
    dated = facts(concern_id=9, status=ConcernStatus.DRAFT, send_by=TODAY + 30 * DAY)
    assert next_step([undated, dated], TODAY).concern_id == 9, "a day comes before none"
