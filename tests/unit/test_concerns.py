"""The concern lifecycle and the rules of the right: every allowed and every forbidden
transition (design.md §4), and the dates that decide (domain.md §2–3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.domain.concerns import ConcernAction as A
from portal.domain.concerns import ConcernRefusal as R
from portal.domain.concerns import ConcernStatus as S
from portal.domain.concerns import (
    Decision,
    DecisionProblem,
    ForloebDates,
    TransitionRefused,
    allowed_actions,
    answer_disagrees,
    comment_until,
    complaint_deadline,
    complaint_guidance,
    concern_refusal,
    consent_given,
    decision_problem,
    event_kind,
    meeting_can_be_recorded,
    next_status,
    puts_offer_on_hold,
    reference_number,
    right_applies,
    started_when_sent,
)

DK = ZoneInfo("Europe/Copenhagen")

WITH_RIGHT = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.DELETE): S.DISCARDED,
    (S.SUBMITTED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, A.BOOK_MEETING): S.MEETING_BOOKED,
    (S.MEETING_BOOKED, A.BOOK_MEETING): S.MEETING_BOOKED,
    (S.ACKNOWLEDGED, A.CHOOSE_TIME): S.MEETING_BOOKED,
    (S.MEETING_BOOKED, A.CHOOSE_TIME): S.MEETING_BOOKED,
    (S.MEETING_BOOKED, A.RECORD_MEETING_HELD): S.MEETING_HELD,
    (S.MEETING_BOOKED, A.RECORD_MEETING_NOT_HELD): S.ACKNOWLEDGED,
    (S.MEETING_HELD, A.RECORD_ADVICE): S.ADVICE_GIVEN,
    (S.ADVICE_GIVEN, A.DECIDE): S.DECIDED,
    (S.DECIDED, A.CLOSE): S.CLOSED,
    **{
        (status, A.WITHDRAW): S.WITHDRAWN
        for status in (S.SUBMITTED, S.ACKNOWLEDGED, S.MEETING_BOOKED, S.MEETING_HELD)
    },
    (S.ADVICE_GIVEN, A.WITHDRAW): S.WITHDRAWN,
}
WITHOUT_RIGHT = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.DELETE): S.DISCARDED,  # the row stays, empty, to be counted (issue 17)
    (S.SUBMITTED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.ACKNOWLEDGED, A.CLOSE): S.CLOSED,
    (S.ACKNOWLEDGED, A.WITHDRAW): S.WITHDRAWN,
}
OPEN = (S.SUBMITTED, S.ACKNOWLEDGED, S.MEETING_BOOKED, S.MEETING_HELD, S.ADVICE_GIVEN)
FINISHED = (S.DECIDED, S.CLOSED, S.WITHDRAWN)
# Actions that keep the status: allowed where listed, refused everywhere else.
KEEPING = {
    (S.DRAFT, A.EDIT): S.DRAFT,
    **{(status, A.ADD_INFORMATION): status for status in OPEN},
    **{(status, A.MESSAGE): status for status in (*OPEN, S.DECIDED)},
    (S.ADVICE_GIVEN, A.COMMENT): S.ADVICE_GIVEN,
    **{(status, A.GIVE_CONSENT): status for status in OPEN},
    **{(status, A.WITHDRAW_CONSENT): status for status in (*OPEN, *FINISHED)},
    # Times are offered (and declined) for a meeting to come: before it is booked, or to move it.
    **{
        (status, action): status
        for status in (S.ACKNOWLEDGED, S.MEETING_BOOKED)
        for action in (A.PROPOSE_TIMES, A.DECLINE_TIMES)
    },
}
WITH_RIGHT |= KEEPING
WITHOUT_RIGHT |= {
    (status, action): after
    for (status, action), after in KEEPING.items()
    if action in (A.EDIT, A.ADD_INFORMATION, A.MESSAGE)
    and status in (S.DRAFT, S.SUBMITTED, S.ACKNOWLEDGED, S.CLOSED, S.WITHDRAWN)
}
ALL_PAIRS = [(status, action) for status in S for action in A]


@pytest.mark.parametrize(
    ("applies", "table"),
    [(True, WITH_RIGHT), (False, WITHOUT_RIGHT)],
    ids=["with the right", "without the right"],
)
@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_every_transition(status, action, applies, table):
    """Each (status, action) pair in the table moves to its status; every other is refused."""
    if (status, action) in table:
        assert next_status(status, action, right_applies=applies) is table[(status, action)]
    else:
        with pytest.raises(TransitionRefused):
            next_status(status, action, right_applies=applies)


def test_refusals_say_why():
    with pytest.raises(TransitionRefused, match="decide only after the advice is recorded"):
        next_status(S.MEETING_BOOKED, A.DECIDE, right_applies=True)
    with pytest.raises(TransitionRefused, match="advice only after the meeting is held"):
        next_status(S.MEETING_BOOKED, A.RECORD_ADVICE, right_applies=True)
    with pytest.raises(TransitionRefused, match="already withdrawn"):
        next_status(S.WITHDRAWN, A.ACKNOWLEDGE, right_applies=True)
    with pytest.raises(TransitionRefused, match="without the § 113 right"):
        next_status(S.ACKNOWLEDGED, A.BOOK_MEETING, right_applies=False)


def test_a_moved_meeting_is_one_moved_event_and_every_kind_is_past_tense():
    assert event_kind(S.ACKNOWLEDGED, A.BOOK_MEETING) == "meeting_booked"
    assert event_kind(S.MEETING_BOOKED, A.BOOK_MEETING) == "meeting_moved"
    assert event_kind(S.MEETING_BOOKED, A.CHOOSE_TIME) == "meeting_moved", "picked a new time"
    kinds = {event_kind(S.SUBMITTED, a) for a in A if a not in (A.EDIT, A.DELETE)}
    assert kinds == {
        "submitted",
        "acknowledged",
        "meeting_booked",
        "meeting_held",
        "meeting_not_held",
        "advice_recorded",
        "advice_commented",
        "decided",
        "closed",
        "withdrawn",
        "information_added",
        "message_sent",
        "consent_given",
        "consent_withdrawn",
        "times_proposed",
        "times_declined",
    }


def test_allowed_actions_follow_the_table():
    assert allowed_actions(S.SUBMITTED, True) == [A.ACKNOWLEDGE, A.WITHDRAW]
    assert allowed_actions(S.MEETING_BOOKED, True) == [
        A.BOOK_MEETING,
        A.RECORD_MEETING_HELD,
        A.RECORD_MEETING_NOT_HELD,
        A.WITHDRAW,
        A.CHOOSE_TIME,
    ]
    assert allowed_actions(S.CLOSED, True) == []


# -- the right lives inside the forløb ----------------------------------------------------------
JENS = ForloebDates(start=date(2021, 12, 15), planned_end=date(2026, 12, 14))
TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(
    "kind", ["virksomhedspraktik", "loentilskud", "vejledning_opkvalificering"]
)
def test_the_right_covers_employment_oriented_offers_within_the_forloeb(kind):
    assert right_applies(kind, date(2026, 12, 10), JENS, TODAY)
    assert right_applies(kind, JENS.planned_end, JENS, TODAY), "starting on its last day"


@pytest.mark.parametrize("kind", ["mentor", "health_effort", "social_effort"])
def test_the_right_does_not_cover_other_efforts(kind):
    assert not right_applies(kind, date(2026, 12, 10), JENS, TODAY)


def test_an_offer_after_the_forloeb_ends_does_not_have_the_right():
    """Jens's course runs 31 December – 11 February; his forløb ends 14 December."""
    assert not right_applies("vejledning_opkvalificering", date(2026, 12, 31), JENS, TODAY)
    assert concern_refusal("planned", date(2026, 12, 31), None, JENS, TODAY) is (
        R.OFFER_AFTER_FORLOEB
    )


def test_no_right_and_no_concern_once_the_forloeb_has_ended():
    after = date(2026, 12, 15)
    assert not right_applies("loentilskud", date(2026, 12, 1), JENS, after)
    assert concern_refusal("active", date(2026, 12, 1), None, JENS, after) is (
        R.FORLOEB_NOT_RUNNING
    )
    ended = ForloebDates(JENS.start, JENS.planned_end, ended=True)
    assert concern_refusal("active", date(2026, 12, 1), None, ended, TODAY) is (
        R.FORLOEB_NOT_RUNNING
    )
    assert concern_refusal("active", date(2026, 12, 1), None, JENS, JENS.planned_end) is None


def test_only_current_and_upcoming_offers_can_be_concerned_about():
    forloeb = ForloebDates(date(2025, 1, 1), date(2027, 12, 31))
    today = date(2026, 11, 23)
    assert concern_refusal("planned", date(2026, 12, 1), date(2027, 1, 1), forloeb, today) is None
    assert concern_refusal("active", date(2026, 1, 1), None, forloeb, today) is None
    for status, end in [
        ("ended", None),
        ("cancelled", date(2027, 1, 1)),
        ("active", date(2026, 11, 22)),
    ]:
        assert concern_refusal(status, date(2026, 1, 1), end, forloeb, today) is R.OFFER_OVER


# -- on hold from the dates, not the answer ----------------------------------------------------
@pytest.mark.parametrize(
    ("sent_local", "start", "started"),
    [
        # The day before the start, one minute to midnight in Denmark: before the start.
        (datetime(2026, 12, 9, 23, 59), date(2026, 12, 10), False),
        # Midnight on the start day: not before.
        (datetime(2026, 12, 10, 0, 0), date(2026, 12, 10), True),
        # Across the change to summer time (29 March 2026) and back (25 October 2026).
        (datetime(2026, 3, 28, 23, 59), date(2026, 3, 29), False),
        (datetime(2026, 3, 29, 0, 0), date(2026, 3, 29), True),
        (datetime(2026, 10, 24, 23, 59), date(2026, 10, 25), False),
        (datetime(2026, 10, 25, 0, 0), date(2026, 10, 25), True),
    ],
)
def test_whether_the_offer_had_started_is_the_danish_day_of_sending(sent_local, start, started):
    sent = sent_local.replace(tzinfo=DK).astimezone(UTC)  # stored in UTC
    assert started_when_sent(start, sent) is started
    assert puts_offer_on_hold(True, started_when_sent(start, sent)) is not started


def test_on_hold_only_before_the_start_and_only_with_the_right():
    assert puts_offer_on_hold(applies=True, started_when_sent=False)
    assert not puts_offer_on_hold(applies=True, started_when_sent=True)
    assert not puts_offer_on_hold(applies=False, started_when_sent=False)


def test_an_answer_that_disagrees_with_the_dates_is_noticed_but_decides_nothing():
    assert answer_disagrees("no", started=True)  # Ali: "Nej, ikke endnu" after 10 November
    assert answer_disagrees("yes", started=False)
    assert not answer_disagrees("no", started=False)
    assert not answer_disagrees(None, started=True)
    assert not answer_disagrees("yes", started=None), "a draft: no dates to disagree with"


# -- the meeting, the advice, the comment and the decision -------------------------------------
def test_the_meeting_is_recorded_at_or_after_its_time():
    at = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert not meeting_can_be_recorded(at, at - timedelta(minutes=1))
    assert meeting_can_be_recorded(at, at)


def test_the_comment_period_is_a_setting_from_the_day_of_the_advice():
    assert comment_until(date(2026, 12, 8), 7) == date(2026, 12, 15)


@pytest.mark.parametrize(
    ("commented", "today", "early", "problem"),
    [
        (False, date(2026, 12, 10), "", DecisionProblem.TOO_EARLY),
        (False, date(2026, 12, 15), "", DecisionProblem.TOO_EARLY),  # the last day still runs
        (False, date(2026, 12, 16), "", None),
        (True, date(2026, 12, 10), "", None),
        (False, date(2026, 12, 10), "Borgeren sagde på mødet, at hun ikke vil kommentere.", None),
        (False, date(2026, 12, 10), "   ", DecisionProblem.TOO_EARLY),
    ],
)
def test_the_decision_waits_for_the_comment_or_the_period_or_says_why(
    commented, today, early, problem
):
    assert (
        decision_problem(Decision.KEPT, "", commented, date(2026, 12, 15), today, early) is problem
    )


def test_an_adapted_offer_says_what_changes():
    assert (
        decision_problem(Decision.ADAPTED, "", True, None, TODAY, "") is DecisionProblem.NO_CHANGES
    )
    assert decision_problem(Decision.ADAPTED, "8 timer om ugen", True, None, TODAY, "") is None


def test_the_complaint_deadline_is_4_weeks_from_receipt():
    assert complaint_deadline(date(2026, 12, 1)) == date(2026, 12, 29)


def test_the_klagevejledning_says_where_how_when_free_and_no_pause():
    lines = complaint_guidance("Nordby Kommune", date(2026, 12, 1))
    texts = " ".join(text for text, _values in lines)
    values = {key: value for _text, found in lines for key, value in found.items()}
    assert "4 uger" in texts and "gratis" in texts and "Ankestyrelsen" in texts
    assert "stopper ikke afgørelsen" in texts
    assert values["deadline"] == date(2026, 12, 29)
    assert values["municipality"] == "Nordby Kommune"


def test_consent_holds_from_its_giving_until_it_is_withdrawn():
    t = [datetime(2026, 12, day, 10, tzinfo=UTC) for day in range(1, 5)]
    assert consent_given([]) is None
    assert consent_given([("consent_given", t[0])]) == t[0]
    assert consent_given([("consent_given", t[0]), ("consent_withdrawn", t[1])]) is None
    assert (
        consent_given(
            [("consent_withdrawn", t[1]), ("consent_given", t[2]), ("consent_given", t[0])]
        )
        == t[2]
    )


def test_reference_numbers_are_readable():
    assert reference_number(123, 2026) == "B-2026-000123"
