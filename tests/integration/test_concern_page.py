"""The citizen's concern page, read as plain rows (portal.services.concern_page), is the page the
ORM's concern draws: for a concern in every state and with every part the page can show. A page
drawn again after a refused change is drawn from the ORM's concern, so the two must not drift
apart (docs/architecture.md §10)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from functools import partial

import pytest

from portal.domain.casework import add_working_days, danish_holidays
from portal.domain.danish import DANISH_TIME
from portal.models import Concern
from portal.services import casework_steps, concern_page, concerns, decisions
from portal.services.documents import prepare
from tests import files
from tests.factories import (
    CASEWORKER,
    TODAY,
    as_relative_for,
    decision_input,
    login,
    meeting_plan,
    sent,
    walk,
)
from tests.pages import text_of

# What differs between two answers to the same request, whatever drew them.
_PER_ANSWER = (
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r'name="csrf_token" value="[^"]*"'), 'name="csrf_token" value=""'),
    (re.compile(r'"csrf_token": "[^"]*"'), '"csrf_token": ""'),
)


def _answer(response) -> str:
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for pattern, same in _PER_ANSWER:
        page = pattern.sub(same, page)
    return page


def drawn_both_ways(client, monkeypatch, concern_id: int) -> tuple[str, str]:
    """The concern's page drawn from the ORM's concern, then from its plain rows; each is held
    to have been drawn from what it says (were the view to stop asking ``own_concern_page``,
    both would be one drawing and always equal)."""
    url = f"/bekymringer/{concern_id}"
    read_page = concern_page.own_concern_page
    drawn_from = []

    def noted(concern):
        drawn_from.append(type(concern))
        return concern

    def from_the_model(db, who, concern_id, opened=False):
        return noted(concerns.own_concern(db, who, concern_id))

    def from_rows(db, who, concern_id, opened=False):
        return noted(read_page(db, who, concern_id, opened))

    with monkeypatch.context() as patched:
        patched.setattr(concern_page, "own_concern_page", from_the_model)
        from_model = _answer(client.get(url))
    with monkeypatch.context() as patched:
        patched.setattr(concern_page, "own_concern_page", from_rows)
        from_records = _answer(client.get(url))
    assert drawn_from == [Concern, concern_page.Record]
    return from_model, from_records


def _offered_times() -> list[datetime]:
    return [
        datetime.combine(
            add_working_days(TODAY, n, danish_holidays()), datetime.min.time()
        ).replace(hour=10, tzinfo=DANISH_TIME)
        for n in (3, 4)
    ]


def _with_times(db, who, concern):
    walk(db, concern, "acknowledged")
    times = _offered_times()
    casework_steps.propose_times(db, CASEWORKER, concern, times, meeting_plan(starts_at=times[0]))


def _with_file_and_consent(db, who, concern):
    letter = prepare("brev.pdf", files.letter_pdf(), 10 * 1024 * 1024)
    concerns.add_information(db, who, concern, "Et brev fra lægen.", concern.version, [letter])
    concerns.give_consent(db, who, concern, "Lægehuset Torvet", concern.version)


def _walked(db, who, concern, until: str, decision: str = "adapted"):
    walk(db, concern, until, decision=decision)


def _plan_changed(db, who, concern):
    """Decided with fewer hours a week: the page shows the plan as it is now."""
    walk(db, concern, "advice_given")
    fewer = replace(decisions.plan_before(concern), hours_per_week=Decimal(8))
    decisions.decide(db, CASEWORKER, concern, decision_input(plan=fewer, change_text=""), TODAY)


STATES = {
    "sent": lambda db, who, concern: None,
    "times offered": _with_times,
    "a file and consent": _with_file_and_consent,
    "withdrawn": lambda db, who, concern: concerns.withdraw(db, who, concern),
    **{
        status: partial(_walked, until=status)
        for status in ("acknowledged", "meeting_booked", "meeting_held", "advice_given", "closed")
    },
    "decided, adapted": partial(_walked, until="decided"),
    "decided, replaced": partial(_walked, until="decided", decision="replaced"),
    "decided, a changed plan": _plan_changed,
}


@pytest.mark.parametrize("state", STATES)
def test_the_page_from_plain_rows_is_the_page_from_the_model(client, db, demo, monkeypatch, state):
    who, concern = sent(db, demo)
    STATES[state](db, who, concern)
    login(client, "mette")
    from_model, from_rows = drawn_both_ways(client, monkeypatch, concern.id)
    assert concern.reference in from_rows
    assert from_rows == from_model


def test_a_relative_acting_for_the_citizen_sees_the_same_page_either_way(
    app, db, demo, monkeypatch
):
    _, concern = sent(db, demo, "jens", "demo-offer-jens-2")
    relative = as_relative_for(app, "Jens Testhansen")
    from_model, from_rows = drawn_both_ways(relative, monkeypatch, concern.id)
    assert "Du handler på vegne af Jens Testhansen." in text_of(from_rows)
    assert from_rows == from_model
