"""What happens now, for the citizen: the one line every citizen page leads with ("Det sker nu"),
and the one thing to do, with its deadline, when there is one (issue 25).

The order says what matters most to the citizen: a choice or a reply with a deadline first
(meeting times, a comment on the advice, a draft that must be sent before the offer starts for
it to wait), then what is booked (the meeting), then what the municipality is doing, then the
decision and its complaint period, then the forløb's end (from 30 days before), then the next
offer. All dates come from the case, never from an answer (docs/domain.md §3).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portal.domain.concerns import OPEN, ConcernStatus

# From this many days before the forløb's planned end, the citizen is told what happens then.
FORLOEB_ENDS_NOTICE_DAYS = 30


class Step(enum.StrEnum):
    CHOOSE_TIME = "choose_time"  # pick one of the offered meeting times (by a day)
    COMMENT = "comment"  # say what you think of the advice (until a day)
    SEND_DRAFT = "send_draft"  # a draft waits to be sent (by a day, for the offer to wait)
    MEETING = "meeting"  # the meeting with the sundhedskoordinator is booked
    WAITING = "waiting"  # the municipality has the concern and answers next
    DECIDED = "decided"  # the municipality decided: read it; complain until a day
    FORLOEB_ENDS = "forloeb_ends"  # the forløb ends within FORLOEB_ENDS_NOTICE_DAYS
    NEXT_OFFER = "next_offer"  # the next offer starts on a day
    NOTHING = "nothing"  # nothing is going on: whom to call


@dataclass(frozen=True)
class ConcernFacts:
    """What the case says about one of the citizen's concerns, as of today."""

    concern_id: int
    offer_id: int
    status: ConcernStatus
    times_answer_by: date | None = None  # offered times wait for an answer until this day
    send_by: date | None = None  # a draft: the last day to send it for the offer to wait
    comment_until: date | None = None
    meeting_on: date | None = None  # a booked meeting not yet held
    complaint_until: date | None = None  # once the citizen got the decision


@dataclass(frozen=True)
class NextStep:
    step: Step
    day: date | None = None  # the deadline, or the day it happens
    concern_id: int | None = None
    offer_id: int | None = None

    @property
    def is_action(self) -> bool:
        """The citizen (or a relative who may act) has something to do."""
        return self.step in (Step.CHOOSE_TIME, Step.COMMENT, Step.SEND_DRAFT)


def _decision_matters(facts: ConcernFacts, today: date) -> bool:
    """A decision is news while it is on its way (no day yet) and while it can be complained
    about."""
    if facts.status is ConcernStatus.DECIDED and facts.complaint_until is None:
        return True
    return facts.status in (ConcernStatus.DECIDED, ConcernStatus.CLOSED) and bool(
        facts.complaint_until and facts.complaint_until >= today
    )


def _soonest(step: Step, candidates: Iterable[tuple[date | None, ConcernFacts]]) -> NextStep | None:
    """The candidate whose day comes first (one without a day last; ties: the oldest concern)."""
    found = list(candidates)
    if not found:
        return None
    day, facts = min(found, key=lambda pair: (pair[0] or date.max, pair[1].concern_id))
    return NextStep(step, day, facts.concern_id, facts.offer_id)


def _times_to_choose(c: ConcernFacts, today: date) -> date | bool | None:
    return c.times_answer_by if c.times_answer_by and c.times_answer_by >= today else False


def _comment_open(c: ConcernFacts, today: date) -> date | bool | None:
    running = c.status is ConcernStatus.ADVICE_GIVEN and c.comment_until
    return c.comment_until if running and c.comment_until >= today else False


def _draft(c: ConcernFacts, _today: date) -> date | bool | None:
    return c.send_by if c.status is ConcernStatus.DRAFT else False


def _meeting_ahead(c: ConcernFacts, today: date) -> date | bool | None:
    return c.meeting_on if c.meeting_on and c.meeting_on >= today else False


def _sent(c: ConcernFacts, _today: date) -> date | bool | None:
    return None if c.status in OPEN and c.status is not ConcernStatus.DRAFT else False


def _decided(c: ConcernFacts, today: date) -> date | bool | None:
    return c.complaint_until if _decision_matters(c, today) else False


# In this order; each says a concern's day for the step (None: no day), or False (not now).
_ORDER = (
    (Step.CHOOSE_TIME, _times_to_choose),
    (Step.COMMENT, _comment_open),
    (Step.SEND_DRAFT, _draft),
    (Step.MEETING, _meeting_ahead),
    (Step.WAITING, _sent),
    (Step.DECIDED, _decided),
)


def next_step(
    concerns: Iterable[ConcernFacts],
    today: date,
    forloeb_ends: date | None = None,
    next_offer: tuple[int, date] | None = None,
) -> NextStep:
    """The one thing that happens now. ``next_offer`` is (offer id, start day)."""
    concerns = list(concerns)
    for step, day_of in _ORDER:
        days = [(day, c) for c in concerns if (day := day_of(c, today)) is not False]
        if found := _soonest(step, days):
            return found
    if forloeb_ends and 0 <= (forloeb_ends - today).days <= FORLOEB_ENDS_NOTICE_DAYS:
        return NextStep(Step.FORLOEB_ENDS, forloeb_ends)
    if next_offer and next_offer[1] >= today:
        return NextStep(Step.NEXT_OFFER, next_offer[1], offer_id=next_offer[0])
    return NextStep(Step.NOTHING)
