"""What happens now for the citizen (portal.domain.next_step), from the story the pages already
hold (portal.services.story): no query of its own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from portal.domain.casework import times_answer_by
from portal.domain.concerns import ConcernStatus, hold_deadline
from portal.domain.danish import danish_date
from portal.domain.next_step import ConcernFacts, NextStep, next_step
from portal.services.story import ConcernState


def facts_of(state: ConcernState, today: date, answer_days: int) -> ConcernFacts:
    draft = state.status is ConcernStatus.DRAFT
    return ConcernFacts(
        concern_id=state.concern_id,
        offer_id=state.offer_id,
        status=state.status,
        times_answer_by=(
            danish_date(times_answer_by(state.times_offered_at, answer_days))
            if state.times_offered_at
            else None
        ),
        send_by=hold_deadline(state.right_applies, state.offer_start, today) if draft else None,
        comment_until=state.comment_until,
        meeting_on=danish_date(state.meeting.starts_at) if state.meeting else None,
        complaint_until=state.complaint_deadline,
    )


def for_citizen(
    states: Iterable[ConcernState],
    today: date,
    answer_days: int,
    forloeb_ends: date | None = None,
    next_offer: tuple[int, date] | None = None,
) -> NextStep:
    """The one line of "Det sker nu", over the given concerns (all of the citizen's, or one)."""
    facts = [facts_of(state, today, answer_days) for state in states]
    return next_step(facts, today, forloeb_ends, next_offer)
