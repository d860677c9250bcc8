"""The concern lifecycle: every allowed and every forbidden transition (design.md §4)."""

from __future__ import annotations

from datetime import date

import pytest

from portal.domain.concerns import (
    ConcernAction as A,
)
from portal.domain.concerns import (
    ConcernStatus as S,
)
from portal.domain.concerns import (
    TransitionRefused,
    allowed_actions,
    can_concern,
    next_status,
    offer_started,
    puts_offer_on_hold,
    reference_number,
    right_applies,
)

WITH_RIGHT = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.ACKNOWLEDGED, A.BOOK_MEETING): S.MEETING_BOOKED,
    (S.ACKNOWLEDGED, A.WITHDRAW): S.WITHDRAWN,
    (S.MEETING_BOOKED, A.BOOK_MEETING): S.MEETING_BOOKED,
    (S.MEETING_BOOKED, A.RECORD_ADVICE): S.ADVICE_GIVEN,
    (S.MEETING_BOOKED, A.WITHDRAW): S.WITHDRAWN,
    (S.ADVICE_GIVEN, A.DECIDE): S.DECIDED,
    (S.ADVICE_GIVEN, A.WITHDRAW): S.WITHDRAWN,
    (S.DECIDED, A.CLOSE): S.CLOSED,
}
WITHOUT_RIGHT = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.SUBMITTED, A.WITHDRAW): S.WITHDRAWN,
    (S.ACKNOWLEDGED, A.CLOSE): S.CLOSED,
    (S.ACKNOWLEDGED, A.WITHDRAW): S.WITHDRAWN,
}
# Actions that keep the status: allowed where listed, refused everywhere else.
KEEPING = {
    **{(S.DRAFT, action): S.DRAFT for action in (A.EDIT, A.DELETE)},
    **{
        (status, A.ADD_INFORMATION): status
        for status in (S.SUBMITTED, S.ACKNOWLEDGED, S.MEETING_BOOKED, S.ADVICE_GIVEN)
    },
    **{
        (status, A.MESSAGE): status
        for status in (S.SUBMITTED, S.ACKNOWLEDGED, S.MEETING_BOOKED, S.ADVICE_GIVEN, S.DECIDED)
    },
}
WITH_RIGHT |= KEEPING
WITHOUT_RIGHT |= {
    pair: status
    for pair, status in KEEPING.items()
    if pair[0] not in (S.MEETING_BOOKED, S.ADVICE_GIVEN, S.DECIDED)
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
    with pytest.raises(TransitionRefused, match="already withdrawn"):
        next_status(S.WITHDRAWN, A.ACKNOWLEDGE, right_applies=True)
    with pytest.raises(TransitionRefused, match="without the § 113 right"):
        next_status(S.ACKNOWLEDGED, A.BOOK_MEETING, right_applies=False)


def test_allowed_actions_follow_the_table():
    assert allowed_actions(S.SUBMITTED, True) == [A.ACKNOWLEDGE, A.WITHDRAW]
    assert allowed_actions(S.CLOSED, True) == []


def test_the_right_covers_only_employment_oriented_offers():
    assert right_applies("virksomhedspraktik") and right_applies("loentilskud")
    assert right_applies("vejledning_opkvalificering")
    assert not right_applies("mentor") and not right_applies("health_effort")
    assert not right_applies("social_effort")


def test_on_hold_only_before_the_start_and_only_with_the_right():
    assert puts_offer_on_hold(applies=True, started_when_sent=False)
    assert not puts_offer_on_hold(applies=True, started_when_sent=True)
    assert not puts_offer_on_hold(applies=False, started_when_sent=False)


def test_an_offer_has_started_on_its_first_day():
    assert offer_started(date(2026, 12, 2), date(2026, 12, 2))
    assert not offer_started(date(2026, 12, 2), date(2026, 12, 1))


def test_only_current_and_upcoming_offers_can_be_concerned_about():
    today = date(2026, 11, 23)
    assert can_concern("planned", date(2027, 1, 1), today)
    assert can_concern("active", None, today)
    assert not can_concern("ended", None, today)
    assert not can_concern("cancelled", date(2027, 1, 1), today)
    assert not can_concern("active", date(2026, 11, 22), today)


def test_reference_numbers_are_readable():
    assert reference_number(123, 2026) == "B-2026-000123"
