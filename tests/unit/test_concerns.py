"""The concern lifecycle and the rules of the right: every allowed and every forbidden
transition (docs/architecture.md §4), and the dates that decide (docs/domain.md §2–3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.domain.concerns import ConcernAction as A
from portal.domain.concerns import ConcernRefusal as R
from portal.domain.concerns import ConcernStatus as S
from portal.domain.concerns import (
    ConsentAnswer,
    ForloebDates,
    TransitionRefused,
    allowed_actions,
    answer_disagrees,
    comment_until,
    concern_refusal,
    consent_answer,
    consent_given,
    event_kind,
    hold_deadline,
    last_day_for_hold,
    may,
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
    # Consent serves the coordinator's advice: asked for until the advice is recorded.
    **{
        (status, action): status
        for status in (S.SUBMITTED, S.ACKNOWLEDGED, S.MEETING_BOOKED, S.MEETING_HELD)
        for action in (A.GIVE_CONSENT, A.DECLINE_CONSENT)
    },
    **{(status, A.WITHDRAW_CONSENT): status for status in (*OPEN, *FINISHED)},
    # How the decision reached the citizen is recorded once it is decided.
    **{(status, A.RECORD_DELIVERY): status for status in (S.DECIDED, S.CLOSED)},
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
        "consent_declined",
        "consent_withdrawn",
        "times_proposed",
        "times_declined",
        "decision_delivered",
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


def test_consent_is_given_declined_or_withdrawn_and_never_answered_is_none():
    t = [datetime(2026, 12, day, 10, tzinfo=UTC) for day in range(1, 5)]
    assert consent_answer([]) is None, "Ikke besvaret: not the same as no"
    assert consent_answer([("consent_declined", t[0])]) == (ConsentAnswer.DECLINED, t[0])
    assert consent_answer([("consent_declined", t[0]), ("consent_given", t[1])]) == (
        ConsentAnswer.GIVEN,
        t[1],
    ), "a no can become a yes"
    assert consent_answer([("consent_given", t[0]), ("consent_withdrawn", t[1])])[0] is (
        ConsentAnswer.WITHDRAWN
    )
    assert consent_given([("consent_declined", t[0])]) is None
    assert consent_answer([("message_sent", t[0])]) is None


@pytest.mark.parametrize(
    ("status", "asked"),
    [
        (S.SUBMITTED, True),
        (S.ACKNOWLEDGED, True),
        (S.MEETING_BOOKED, True),
        (S.MEETING_HELD, True),  # the advice is still to come
        (S.ADVICE_GIVEN, False),
        (S.DECIDED, False),
        (S.CLOSED, False),
        (S.WITHDRAWN, False),
        (S.DRAFT, False),
    ],
)
def test_consent_is_asked_for_only_while_it_can_serve_the_advice(status, asked):
    for action in (A.GIVE_CONSENT, A.DECLINE_CONSENT):
        assert may(status, action, right_applies=True) is asked
        assert not may(status, action, right_applies=False), "no coordinator without the right"


def test_consent_cannot_be_given_after_the_advice_and_says_why():
    with pytest.raises(TransitionRefused, match="consent serves the advice"):
        next_status(S.ADVICE_GIVEN, A.GIVE_CONSENT, right_applies=True)


# -- the last day to send for the offer to wait -------------------------------------------------
def test_the_last_day_for_the_hold_is_the_day_before_the_start():
    assert last_day_for_hold(date(2026, 12, 15)) == date(2026, 12, 14)
    assert last_day_for_hold(date(2027, 1, 1)) == date(2026, 12, 31), "across the year"


@pytest.mark.parametrize(
    ("applies", "today", "deadline"),
    [
        (True, date(2026, 12, 6), date(2026, 12, 14)),
        (True, date(2026, 12, 14), date(2026, 12, 14)),  # the last day itself: send today
        (True, date(2026, 12, 15), None),  # the start day: too late for the hold
        (True, date(2026, 12, 20), None),
        (False, date(2026, 12, 6), None),  # no right, no hold to wait for
    ],
)
def test_the_hold_deadline_is_shown_until_it_has_passed(applies, today, deadline):
    assert hold_deadline(applies, date(2026, 12, 15), today) == deadline


def test_sending_on_the_hold_deadline_puts_the_offer_on_hold_and_the_day_after_does_not():
    """The deadline shown is the one the rule applies: sent at 23:59 Danish time on it, the
    offer waits; sent at 00:00 the next day (the start), it does not."""
    start = date(2026, 12, 15)
    last = last_day_for_hold(start)
    late_evening = datetime.combine(last, datetime.max.time().replace(microsecond=0), DK)
    assert puts_offer_on_hold(True, started_when_sent(start, late_evening.astimezone(UTC)))
    midnight = datetime.combine(start, datetime.min.time(), DK)
    assert not puts_offer_on_hold(True, started_when_sent(start, midnight.astimezone(UTC)))


def test_reference_numbers_are_readable():
    assert reference_number(123, 2026) == "B-2026-000123"
