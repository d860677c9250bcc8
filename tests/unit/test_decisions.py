"""The decision's rules (portal.domain.decisions): what it does to the offer's plan, when an
import agrees with it, what makes it complete, what it rests on, and the complaint deadline from
the day the citizen got it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time
from decimal import Decimal

import pytest

from portal.domain.decisions import (
    CaseFacts,
    Decision,
    DecisionProblem,
    DeliveryProblem,
    Plan,
    case_system_agrees,
    changed_fields,
    complaint_deadline,
    complaint_guidance,
    decided_plan,
    decision_problem,
    delivery_problem,
    facts_lines,
    legal_basis,
    plan_problem,
)

METTE = Plan(
    start_date=date(2026, 12, 15),
    end_date=date(2027, 3, 12),
    weekdays="MO,TU,TH",
    day_starts_at=time(9, 0),
    day_ends_at=time(13, 0),
    hours_per_week=Decimal("12.0"),
    place="Planteskolen Nord",
    address="Skovvej 4, 9990 Nordby",
    status="planned",
)
ADAPTED = replace(
    METTE,
    start_date=date(2027, 1, 4),
    weekdays="MO,TH",
    day_starts_at=time(9, 0),
    day_ends_at=time(12, 0),
    hours_per_week=Decimal("6"),
)


# -- the plan ------------------------------------------------------------------------------------
def test_an_adapted_plan_is_the_caseworkers_and_keeps_the_status_before_the_hold():
    wanted = replace(ADAPTED, status="on_hold")
    assert decided_plan(METTE, Decision.ADAPTED, wanted) == ADAPTED


def test_a_kept_offer_keeps_its_plan_whatever_the_form_said():
    assert decided_plan(METTE, Decision.KEPT, ADAPTED) == METTE


@pytest.mark.parametrize("decision", [Decision.REPLACED, Decision.STOPPED])
def test_a_replaced_or_stopped_offer_is_cancelled_with_its_plan_as_it_was(decision):
    after = decided_plan(METTE, decision, ADAPTED)
    assert after == replace(METTE, status="cancelled")
    assert changed_fields(METTE, after) == ("status",)


def test_the_changed_parts_are_what_an_import_must_carry():
    assert changed_fields(METTE, ADAPTED) == (
        "start_date",
        "weekdays",
        "day_ends_at",
        "hours_per_week",
    )
    assert changed_fields(METTE, METTE) == ()


def test_a_plan_goes_to_json_and_back_unchanged():
    for plan in (METTE, ADAPTED, Plan(start_date=date(2026, 1, 5))):
        assert Plan.from_json(plan.as_json()) == plan
    assert METTE.as_json()["hours_per_week"] == "12", "12.0 and 12 are the same hours"
    assert Plan(date(2026, 1, 5), hours_per_week=Decimal("7.5")).as_json()["hours_per_week"] == (
        "7.5"
    )
    assert METTE.as_json()["day_starts_at"] == "09:00"


def _decided(before: Plan, after: Plan) -> dict:
    json = after.as_json()
    return {name: json[name] for name in changed_fields(before, after)}


def test_an_import_that_carries_the_decided_values_agrees():
    decided = _decided(METTE, ADAPTED)
    assert case_system_agrees(decided, ADAPTED)
    # What the decision did not change is the case system's to change as it likes.
    assert case_system_agrees(decided, replace(ADAPTED, place="Planteskolen Syd"))


def test_an_import_with_the_old_plan_or_another_disagrees():
    decided = _decided(METTE, ADAPTED)
    assert not case_system_agrees(decided, METTE), "the old plan again"
    assert not case_system_agrees(decided, replace(ADAPTED, hours_per_week=Decimal("8")))
    assert not case_system_agrees(decided, replace(ADAPTED, day_ends_at=time(13, 0)))


def test_a_cancelled_offer_agrees_as_cancelled_or_ended_but_not_as_planned():
    decided = _decided(METTE, replace(METTE, status="cancelled"))
    assert case_system_agrees(decided, replace(METTE, status="cancelled"))
    assert case_system_agrees(decided, replace(METTE, status="ended"))
    assert not case_system_agrees(decided, METTE)
    assert not case_system_agrees(decided, replace(METTE, status="active"))


def test_a_decision_that_changed_nothing_agrees_with_any_import():
    assert case_system_agrees({}, METTE)


# -- what makes a decision complete --------------------------------------------------------------
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
    assert decision_problem(Decision.KEPT, commented, date(2026, 12, 15), today, early) is problem


def test_a_replaced_offer_says_what_replaces_it():
    assert decision_problem(Decision.REPLACED, True, None, date(2026, 12, 1), "") is (
        DecisionProblem.NO_REPLACEMENT
    )
    assert (
        decision_problem(Decision.REPLACED, True, None, date(2026, 12, 1), "", "Et kursus") is None
    )


def test_an_adapted_offer_changes_its_plan_or_says_what_changes():
    assert plan_problem(METTE, METTE, "") is DecisionProblem.NO_CHANGES
    assert plan_problem(METTE, METTE, "   ") is DecisionProblem.NO_CHANGES
    assert plan_problem(METTE, METTE, "Flere pauser.") is None
    assert plan_problem(METTE, ADAPTED, "") is None
    assert plan_problem(METTE, replace(METTE, status="on_hold"), "") is (
        DecisionProblem.NO_CHANGES
    ), "the hold ending is not a change of plan"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"end_date": date(2027, 1, 3)}, DecisionProblem.END_BEFORE_START),
        ({"end_date": date(2027, 1, 4)}, None),  # one day is a plan
        ({"day_ends_at": None}, DecisionProblem.HALF_TIMES),
        ({"day_starts_at": None}, DecisionProblem.HALF_TIMES),
        ({"day_starts_at": None, "day_ends_at": None}, None),
        ({"day_ends_at": time(9, 0)}, DecisionProblem.TIMES_BACKWARDS),
        ({"day_ends_at": time(8, 30)}, DecisionProblem.TIMES_BACKWARDS),
    ],
)
def test_an_adapted_plan_must_be_one_a_citizen_can_follow(changes, problem):
    assert plan_problem(METTE, replace(ADAPTED, **changes), "") is problem


# -- what it rests on (forvaltningsloven § 24) ----------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "chapter"),
    [("virksomhedspraktik", "11"), ("loentilskud", "12"), ("vejledning_opkvalificering", "14")],
)
def test_the_legal_basis_names_the_right_the_meeting_and_the_offers_own_provision(kind, chapter):
    rules = " ".join(legal_basis(kind))
    assert "§ 113, stk. 3" in rules and "nr. 2409" in rules and "§ 3" in rules
    assert "§ 53, stk. 4" in rules
    assert f"kapitel {chapter}" in rules


def test_the_facts_name_the_concern_the_meeting_the_advice_and_the_comment_or_its_period():
    with_comment = CaseFacts(
        date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 9), date(2026, 12, 10), None
    )
    texts = [text for text, _ in facts_lines(with_comment)]
    assert len(texts) == 4 and "skrev, hvad du mente" in texts[3]
    without = CaseFacts(date(2026, 12, 1), date(2026, 12, 8), date(2026, 12, 9), None, None)
    assert len(facts_lines(without)) == 3
    passed = replace(without, comment_until=date(2026, 12, 16))
    (text, values) = facts_lines(passed)[-1]
    assert "til og med" in text and values == {"date": date(2026, 12, 16)}
    assert CaseFacts.from_json(with_comment.as_json()) == with_comment


# -- how it reached the citizen, and the complaint deadline --------------------------------------
def test_the_citizen_got_the_decision_between_the_decision_and_today():
    decided, today = date(2026, 12, 10), date(2026, 12, 14)
    assert delivery_problem(date(2026, 12, 9), decided, today) is DeliveryProblem.BEFORE_DECISION
    assert delivery_problem(decided, decided, today) is None
    assert delivery_problem(today, decided, today) is None
    assert delivery_problem(date(2026, 12, 15), decided, today) is DeliveryProblem.IN_FUTURE


def test_the_complaint_deadline_is_4_weeks_from_receipt():
    assert complaint_deadline(date(2026, 12, 1)) == date(2026, 12, 29)


def test_the_klagevejledning_says_where_how_when_free_and_no_pause():
    lines = complaint_guidance("Nordby Kommune", date(2026, 12, 1))
    texts = " ".join(text for text, _values in lines)
    values = {key: value for _text, found in lines for key, value in found.items()}
    assert "4 uger" in texts and "gratis" in texts and "Ankestyrelsen" in texts
    assert "stopper ikke afgørelsen" in texts
    assert values["received"] == date(2026, 12, 1)
    assert values["deadline"] == date(2026, 12, 29)
    assert values["municipality"] == "Nordby Kommune"


def test_until_the_day_is_recorded_the_klagevejledning_says_the_letter_is_on_its_way():
    lines = complaint_guidance("Nordby Kommune", None)
    texts = " ".join(text for text, _values in lines)
    values = {key for _text, found in lines for key in found}
    assert "på vej" in texts and "deadline" not in values
