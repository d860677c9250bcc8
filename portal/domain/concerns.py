"""The life of a concern (bekymring), as pure rules (design.md §4, domain.md §3).

draft → submitted → acknowledged → meeting_booked → advice_given → decided → closed, and
withdrawn from any open state by the citizen. A concern about an offer that is not
employment-oriented is a health worry told to the caseworker without the § 113, stk. 3 right:
it has no meeting with the sundhedskoordinator, so the caseworker may close it once acknowledged.

Every transition not in the table is refused with a reason a person can read.
"""

from __future__ import annotations

import enum
from datetime import date

from portal.domain.offers import is_employment_oriented, is_over


class ConcernStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    ACKNOWLEDGED = "acknowledged"
    MEETING_BOOKED = "meeting_booked"
    ADVICE_GIVEN = "advice_given"
    DECIDED = "decided"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class ConcernAction(enum.StrEnum):
    # Steps that move the concern on.
    SUBMIT = "submit"
    ACKNOWLEDGE = "acknowledge"
    BOOK_MEETING = "book_meeting"
    RECORD_ADVICE = "record_advice"
    DECIDE = "decide"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    # Things done to a concern that leave its status as it is.
    EDIT = "edit"  # the citizen changes a draft's answers
    DELETE = "delete"  # the citizen deletes a draft
    ADD_INFORMATION = "add_information"  # "Tilføj noget" on a sent concern
    MESSAGE = "message"  # the caseworker writes to the citizen


class Decision(enum.StrEnum):
    """What the municipality decided about the offer (it decides; the coordinator advises)."""

    ADAPTED = "adapted"
    KEPT = "kept"
    STOPPED = "stopped"


S, A = ConcernStatus, ConcernAction

OPEN = frozenset({S.SUBMITTED, S.ACKNOWLEDGED, S.MEETING_BOOKED, S.ADVICE_GIVEN})
FINISHED = frozenset({S.DECIDED, S.CLOSED, S.WITHDRAWN})

_TRANSITIONS: dict[tuple[ConcernStatus, ConcernAction], ConcernStatus] = {
    (S.DRAFT, A.SUBMIT): S.SUBMITTED,
    (S.SUBMITTED, A.ACKNOWLEDGE): S.ACKNOWLEDGED,
    (S.ACKNOWLEDGED, A.BOOK_MEETING): S.MEETING_BOOKED,
    (S.MEETING_BOOKED, A.BOOK_MEETING): S.MEETING_BOOKED,  # moving the meeting
    (S.MEETING_BOOKED, A.RECORD_ADVICE): S.ADVICE_GIVEN,
    (S.ADVICE_GIVEN, A.DECIDE): S.DECIDED,
    (S.DECIDED, A.CLOSE): S.CLOSED,
    **{(status, A.WITHDRAW): S.WITHDRAWN for status in OPEN},
}
# Without the right there is no coordinator meeting: acknowledged, then closed.
_WITHOUT_RIGHT = {(S.ACKNOWLEDGED, A.CLOSE): S.CLOSED}
# Where the actions that keep the status are allowed.
_KEEPING = {
    A.EDIT: frozenset({S.DRAFT}),
    A.DELETE: frozenset({S.DRAFT}),
    A.ADD_INFORMATION: OPEN,
    A.MESSAGE: OPEN | {S.DECIDED},
}
# The timeline's event for each action: a past-tense name, also in the export (design.md §4).
_EVENT_KINDS = {
    A.SUBMIT: "submitted",
    A.ACKNOWLEDGE: "acknowledged",
    A.BOOK_MEETING: "meeting_booked",
    A.RECORD_ADVICE: "advice_recorded",
    A.DECIDE: "decided",
    A.CLOSE: "closed",
    A.WITHDRAW: "withdrawn",
    A.ADD_INFORMATION: "information_added",
    A.MESSAGE: "message_sent",
}
_MEETING_ACTIONS = frozenset({A.BOOK_MEETING, A.RECORD_ADVICE, A.DECIDE})
_MEETING_STATES = frozenset({S.MEETING_BOOKED, S.ADVICE_GIVEN, S.DECIDED})


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
        if action in (A.EDIT, A.DELETE):
            raise TransitionRefused(status, action, "a sent concern's answers never change")
        raise TransitionRefused(status, action, f"the concern is already {status}")
    table = _TRANSITIONS | (_WITHOUT_RIGHT if not right_applies else {})
    if (status, action) in table:
        return table[(status, action)]
    if status in FINISHED:
        raise TransitionRefused(status, action, f"the concern is already {status}")
    if action is A.DECIDE:
        raise TransitionRefused(status, action, "decide only after the advice is recorded")
    raise TransitionRefused(status, action, f"cannot {action} a concern that is {status}")


def event_kind(status_before: ConcernStatus, action: ConcernAction) -> str:
    """The timeline event an action writes; booking again is moving the meeting."""
    if action is A.BOOK_MEETING and ConcernStatus(status_before) is S.MEETING_BOOKED:
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


def right_applies(offer_kind: str) -> bool:
    """A concern about an employment-oriented offer is the use of LAB § 113, stk. 3."""
    return is_employment_oriented(offer_kind)


def offer_started(start: date, today: date) -> bool:
    return start <= today


def puts_offer_on_hold(applies: bool, started_when_sent: bool) -> bool:
    """Sent before the start, with the right: the citizen need not start until the municipality
    has decided whether the offer must be adapted (LAB § 113, stk. 3)."""
    return applies and not started_when_sent


def can_concern(offer_status: str, offer_end: date | None, today: date) -> bool:
    """Only current and upcoming offers can be the subject of a concern."""
    return not is_over(offer_status, offer_end, today)


def reference_number(concern_id: int, year: int) -> str:
    """A reference a person can read aloud on the phone: B-2026-000123."""
    return f"B-{year}-{concern_id:06d}"


def can_message(status: ConcernStatus) -> bool:
    """The caseworker can write to the citizen about a sent concern until it is finished."""
    return ConcernStatus(status) in _KEEPING[A.MESSAGE]
