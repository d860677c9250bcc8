"""The life of a concern (bekymring), as pure rules (docs/architecture.md §4, docs/domain.md §3).

draft → submitted → acknowledged → meeting_booked → meeting_held → advice_given → decided →
closed, and withdrawn from any open state by the citizen. A meeting that did not take place is
recorded as such and the concern goes back to acknowledged, to be booked again: BEK nr. 2409 § 3
is about a meeting that is held, so the coordinator's advice is recorded only after it.

A concern about an offer that is not employment-oriented (or outside the forløb) is a health
worry told to the caseworker without the LAB § 113, stk. 3 right: it has no meeting with the
sundhedskoordinator, so the caseworker closes it once acknowledged.

Every transition not in the table is refused with a reason a person can read. Facts the portal
knows (an offer's start date, the day a concern is sent, the forløb's end) decide the rules,
never a citizen's answer (docs/domain.md §3).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.domain.danish import danish_date
from portal.domain.offers import is_employment_oriented, is_over


class ConcernStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    MEETING_BOOKED = "meeting_booked"
    MEETING_HELD = "meeting_held"
    ADVICE_GIVEN = "advice_given"
    DECIDED = "decided"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    # A draft the citizen deleted: the answers and files are gone; the row stays, empty, so that
    # "started, not sent" can be counted (issue 17) until the retention rules remove it.
    DISCARDED = "discarded"


class ConcernAction(enum.StrEnum):
    # Steps that move the concern on.
    SUBMIT = "submit"
    ACKNOWLEDGE = "acknowledge"
    BOOK_MEETING = "book_meeting"
    RECORD_MEETING_HELD = "record_meeting_held"
    RECORD_MEETING_NOT_HELD = "record_meeting_not_held"
    RECORD_ADVICE = "record_advice"
    DECIDE = "decide"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    # Things done to a concern that leave its status as it is.
    EDIT = "edit"  # the citizen changes a draft's answers
    DELETE = "delete"  # the citizen deletes a draft
    ADD_INFORMATION = "add_information"  # "Tilføj noget" on a sent concern
    MESSAGE = "message"  # the caseworker writes to the citizen
    COMMENT = "comment"  # the citizen answers the advice before the decision (partshøring)
    GIVE_CONSENT = "give_consent"  # the citizen lets the coordinator contact their doctor
    DECLINE_CONSENT = "decline_consent"  # the citizen says no to that
    WITHDRAW_CONSENT = "withdraw_consent"
    PROPOSE_TIMES = "propose_times"  # the caseworker offers 2-5 times for the meeting
    DECLINE_TIMES = "decline_times"  # the citizen: none of the times fit, and why
    # The citizen picks one of the proposed times: the meeting is booked (or moved) at it.
    CHOOSE_TIME = "choose_time"
    # The caseworker records how and when the decision reached the citizen (the complaint
    # deadline runs from that day, retssikkerhedsloven § 67).
    RECORD_DELIVERY = "record_delivery"


S, A = ConcernStatus, ConcernAction

OPEN = frozenset({S.SUBMITTED, S.ACKNOWLEDGED, S.MEETING_BOOKED, S.MEETING_HELD, S.ADVICE_GIVEN})
FINISHED = frozenset({S.DECIDED, S.CLOSED, S.WITHDRAWN})
# Never sent: no one but the citizen side ever sees these.
UNSENT = frozenset({S.DRAFT, S.DISCARDED})
# Before the advice is recorded: while consent to contact the doctor can still serve it.
CONSENT_OPEN = frozenset({S.SUBMITTED, S.ACKNOWLEDGED, S.MEETING_BOOKED, S.MEETING_HELD})

_TRANSITIONS: dict[tuple[ConcernStatus, ConcernAction], ConcernStatus] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.DRAFT, A.DELETE): S.DISCARDED,
    (S.SUBMITTED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, A.BOOK_MEETING): S.MEETING_BOOKED,
    (S.MEETING_BOOKED, A.BOOK_MEETING): S.MEETING_BOOKED,  # moving the meeting
    (S.ACKNOWLEDGED, A.CHOOSE_TIME): S.MEETING_BOOKED,
    (S.MEETING_BOOKED, A.CHOOSE_TIME): S.MEETING_BOOKED,  # moving it to a proposed time
    (S.MEETING_BOOKED, A.RECORD_MEETING_HELD): S.MEETING_HELD,
    (S.MEETING_BOOKED, A.RECORD_MEETING_NOT_HELD): S.ACKNOWLEDGED,  # to be booked again
    (S.MEETING_HELD, A.RECORD_ADVICE): S.ADVICE_GIVEN,
    (S.ADVICE_GIVEN, A.DECIDE): S.DECIDED,
    (S.DECIDED, A.CLOSE): S.CLOSED,
    **{(status, A.WITHDRAW): S.WITHDRAWN for status in OPEN},
}
# Without the right there is no coordinator meeting: acknowledged, then closed.
_WITHOUT_RIGHT = {(S.ACKNOWLEDGED, A.CLOSE): S.CLOSED}
_MEETING_ACTIONS = frozenset(
    {
        A.BOOK_MEETING,
        A.RECORD_MEETING_HELD,
        A.RECORD_MEETING_NOT_HELD,
        A.RECORD_ADVICE,
        A.DECIDE,
        A.COMMENT,
        A.GIVE_CONSENT,
        A.DECLINE_CONSENT,
        A.WITHDRAW_CONSENT,
        A.PROPOSE_TIMES,
        A.DECLINE_TIMES,
        A.CHOOSE_TIME,
        A.RECORD_DELIVERY,
    }
)
_MEETING_STATES = frozenset({S.MEETING_BOOKED, S.MEETING_HELD, S.ADVICE_GIVEN, S.DECIDED})
# Where the actions that keep the status are allowed.
_KEEPING = {
    A.EDIT: frozenset({S.DRAFT}),
    A.ADD_INFORMATION: OPEN,
    A.MESSAGE: OPEN | {S.DECIDED},
    A.COMMENT: frozenset({S.ADVICE_GIVEN}),
    # Consent to contact the doctor serves the coordinator's advice, so it is asked for only
    # until the advice is recorded (docs/domain.md §3); it can always be withdrawn.
    A.GIVE_CONSENT: CONSENT_OPEN,
    A.DECLINE_CONSENT: CONSENT_OPEN,
    A.WITHDRAW_CONSENT: OPEN | FINISHED,
    # Times are offered for a meeting to come: before it is booked, or to move it.
    A.PROPOSE_TIMES: frozenset({S.ACKNOWLEDGED, S.MEETING_BOOKED}),
    A.DECLINE_TIMES: frozenset({S.ACKNOWLEDGED, S.MEETING_BOOKED}),
    # The decision is sent from the case system (Digital Post); recorded once it is out.
    A.RECORD_DELIVERY: frozenset({S.DECIDED, S.CLOSED}),
}
# The timeline's event for each action: a past-tense name, also in the export
# (docs/architecture.md §4).
_EVENT_KINDS = {
    A.SUBMIT: "submitted",
    A.ACKNOWLEDGE: "acknowledged",
    A.BOOK_MEETING: "meeting_booked",
    A.RECORD_MEETING_HELD: "meeting_held",
    A.RECORD_MEETING_NOT_HELD: "meeting_not_held",
    A.RECORD_ADVICE: "advice_recorded",
    A.DECIDE: "decided",
    A.CLOSE: "closed",
    A.WITHDRAW: "withdrawn",
    A.ADD_INFORMATION: "information_added",
    A.MESSAGE: "message_sent",
    A.COMMENT: "advice_commented",
    A.GIVE_CONSENT: "consent_given",
    A.DECLINE_CONSENT: "consent_declined",
    A.WITHDRAW_CONSENT: "consent_withdrawn",
    A.PROPOSE_TIMES: "times_proposed",
    A.DECLINE_TIMES: "times_declined",
    A.CHOOSE_TIME: "meeting_booked",
    A.RECORD_DELIVERY: "decision_delivered",
}


class TransitionRefused(ValueError):
    """The action is not allowed now; ``str(error)`` says why, in English for the log."""

    def __init__(self, status: ConcernStatus, action: ConcernAction, reason: str):
        super().__init__(reason)
        self.status, self.action, self.reason = status, action, reason


def next_status(status: ConcernStatus, action: ConcernAction, right_applies: bool) -> ConcernStatus:
    """The status after ``action`` (the same status for an action that keeps it), or
    ``TransitionRefused`` with the reason."""
    status, action = ConcernStatus(status), ConcernAction(action)
    if not right_applies and (action in _MEETING_ACTIONS or status in _MEETING_STATES):
        raise TransitionRefused(status, action, "no coordinator meeting without the § 113 right")
    if action in _KEEPING:
        if status in _KEEPING[action]:
            return status
        if status is S.DRAFT:
            raise TransitionRefused(status, action, "the concern has not been sent")
        if action is A.EDIT:
            raise TransitionRefused(status, action, "a sent concern's answers never change")
        if action is A.COMMENT:
            raise TransitionRefused(status, action, "comment only on recorded advice")
        if action in (A.GIVE_CONSENT, A.DECLINE_CONSENT) and status is S.ADVICE_GIVEN:
            raise TransitionRefused(status, action, "consent serves the advice, which is recorded")
        raise TransitionRefused(status, action, f"the concern is already {status}")
    table = _TRANSITIONS | (_WITHOUT_RIGHT if not right_applies else {})
    if (status, action) in table:
        return table[(status, action)]
    if status in FINISHED:
        raise TransitionRefused(status, action, f"the concern is already {status}")
    if action is A.DECIDE:
        raise TransitionRefused(status, action, "decide only after the advice is recorded")
    if action is A.RECORD_ADVICE:
        raise TransitionRefused(status, action, "advice only after the meeting is held")
    raise TransitionRefused(status, action, f"cannot {action} a concern that is {status}")


def event_kind(status_before: ConcernStatus, action: ConcernAction) -> str:
    """The timeline event an action writes; booking again is moving the meeting."""
    if (
        action in (A.BOOK_MEETING, A.CHOOSE_TIME)
        and ConcernStatus(status_before) is S.MEETING_BOOKED
    ):
        return "meeting_moved"
    return _EVENT_KINDS[ConcernAction(action)]


def allowed_actions(status: ConcernStatus, right_applies: bool) -> list[ConcernAction]:
    """The steps that would move the concern on from ``status``."""
    result = []
    for action in ConcernAction:
        if action in _KEEPING:
            continue
        try:
            next_status(status, action, right_applies)
        except TransitionRefused:
            continue
        result.append(action)
    return result


def may(status: ConcernStatus, action: ConcernAction, right_applies: bool) -> bool:
    try:
        next_status(status, action, right_applies)
    except TransitionRefused:
        return False
    return True


# -- the right and the forløb ------------------------------------------------------------------
@dataclass(frozen=True)
class ForloebDates:
    """What the rules need to know about the forløb an offer belongs to."""

    start: date
    planned_end: date
    ended: bool = False  # the case system says it has ended

    def runs_on(self, day: date) -> bool:
        return not self.ended and self.start <= day <= self.planned_end


def right_applies(offer_kind: str, offer_start: date, forloeb: ForloebDates, today: date) -> bool:
    """LAB § 113, stk. 3 gives "en person i ressourceforløb" the right for an employment-oriented
    offer in the forløb: while the forløb runs, and for an offer that starts within it."""
    return (
        is_employment_oriented(offer_kind)
        and forloeb.runs_on(today)
        and offer_start <= forloeb.planned_end
    )


class ConcernRefusal(enum.StrEnum):
    """Why no concern can be started about an offer (each has its Danish explanation)."""

    OFFER_OVER = "offer_over"
    FORLOEB_NOT_RUNNING = "forloeb_not_running"
    OFFER_AFTER_FORLOEB = "offer_after_forloeb"


def concern_refusal(
    offer_status: str,
    offer_start: date,
    offer_end: date | None,
    forloeb: ForloebDates,
    today: date,
) -> ConcernRefusal | None:
    """A concern is about a current or upcoming offer of a forløb that runs now, starting
    within that forløb; anything else is refused with the reason."""
    if not forloeb.runs_on(today):
        return ConcernRefusal.FORLOEB_NOT_RUNNING
    if is_over(offer_status, offer_end, today):
        return ConcernRefusal.OFFER_OVER
    if offer_start > forloeb.planned_end:
        return ConcernRefusal.OFFER_AFTER_FORLOEB
    return None


# -- on hold ------------------------------------------------------------------------------------
def offer_started(start: date, today: date) -> bool:
    return start <= today


def started_when_sent(offer_start: date, sent_at: datetime) -> bool:
    """Whether the offer had started on the Danish day the concern was sent: sent at 23:59 on
    the day before the start is before it; sent at 00:00 on the start day is not."""
    return offer_started(offer_start, danish_date(sent_at))


def last_day_for_hold(offer_start: date) -> date:
    """A concern sent on this Danish day or before puts the offer on hold: the day before the
    start (``started_when_sent``)."""
    return offer_start - timedelta(days=1)


def hold_deadline(applies: bool, offer_start: date, today: date) -> date | None:
    """The last day to send a concern so that the offer waits for the decision, while that day
    has not passed; None when sending can no longer (or never would) put it on hold."""
    last = last_day_for_hold(offer_start)
    return last if applies and today <= last else None


def puts_offer_on_hold(applies: bool, started_when_sent: bool) -> bool:
    """Sent before the start, with the right: the citizen need not start until the municipality
    has decided whether the offer must be adapted (LAB § 113, stk. 3)."""
    return applies and not started_when_sent


def answer_disagrees(answer: str | None, started: bool | None) -> bool:
    """The citizen's "Er du startet?" answer says otherwise than the dates: worth a look by the
    caseworker (the dates still decide). ``started`` is None until the concern is sent."""
    return started is not None and answer in ("yes", "no") and (answer == "yes") != started


# -- the meeting, the advice and the decision --------------------------------------------------
def meeting_can_be_recorded(meeting_starts_at: datetime, now: datetime) -> bool:
    """That the meeting was held (or not) is recorded at or after its time, not before."""
    return now >= meeting_starts_at


def comment_until(advice_recorded_on: date, period_days: int) -> date:
    """The last day the citizen can comment on the advice (forvaltningsloven § 19)."""
    return advice_recorded_on + timedelta(days=period_days)


def may_comment(status: ConcernStatus, until: date | None, today: date) -> bool:
    """Whether the citizen can still comment on the advice: it is given and the period has not
    passed — its last day included (forvaltningsloven § 19)."""
    return status is ConcernStatus.ADVICE_GIVEN and until is not None and today <= until


# -- consent to contact the doctor --------------------------------------------------------------
class ConsentAnswer(enum.StrEnum):
    """The citizen's last word on letting the coordinator contact their doctor."""

    GIVEN = "given"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


_CONSENT_KINDS = {
    "consent_given": ConsentAnswer.GIVEN,
    "consent_declined": ConsentAnswer.DECLINED,
    "consent_withdrawn": ConsentAnswer.WITHDRAWN,
}


def consent_answer(events: list[tuple[str, datetime]]) -> tuple[ConsentAnswer, datetime] | None:
    """The citizen's last answer about consent and when, from the timeline (kind, time); None
    when they never answered (the caseworker reads "Ikke besvaret", not "Nej")."""
    answer = None
    for kind, at in sorted(events, key=lambda event: event[1]):
        if kind in _CONSENT_KINDS:
            answer = (_CONSENT_KINDS[kind], at)
    return answer


def consent_given(events: list[tuple[str, datetime]]) -> datetime | None:
    """When the current consent was given, or None if there is none (never, declined or
    withdrawn since)."""
    answer = consent_answer(events)
    return answer[1] if answer is not None and answer[0] is ConsentAnswer.GIVEN else None


def reference_number(concern_id: int, year: int) -> str:
    """A reference a person can read aloud on the phone: B-2026-000123."""
    return f"B-{year}-{concern_id:06d}"


def can_message(status: ConcernStatus) -> bool:
    """The caseworker can write to the citizen about a sent concern until it is finished."""
    return ConcernStatus(status) in _KEEPING[A.MESSAGE]
