"""The import's rules on their own (portal/domain/case_import.py): what a case system's batch
must be before a row is written, and what each refusal says — the place, the record's id, never
the value (it may be a CPR number). The service and the API around them are tested in
tests/integration/test_case_import.py."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema_rs
import pytest

from portal.domain import case_import
from portal.domain.case_import import (
    MAX_DEPTH,
    MAX_PROBLEMS,
    BatchUnreadable,
    Problem,
    location,
    parse_batch,
    validate_batch,
)

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[2] / "schemas" / "case-import.example.json").read_text(
        encoding="utf-8"
    )
)
OFFER = "citizens[0].forloeb[0].offers[0]"


def batch() -> dict:
    return copy.deepcopy(EXAMPLE)


def offer(payload: dict) -> dict:
    return payload["citizens"][0]["forloeb"][0]["offers"][0]


def problems_of(payload) -> list[str]:
    return [str(problem) for problem in validate_batch(payload)]


def test_the_example_batch_is_valid():
    assert validate_batch(batch()) == []


# -- reading the body --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"\xff\xfe{}", "the body is not UTF-8"),
        ("{", "the body is not valid JSON"),
        ('{"a": NaN}', "NaN is not a JSON number"),
        ('{"a": -Infinity}', "-Infinity is not a JSON number"),
        ('{"a": "\\ud800"}', "a string holds an unpaired surrogate, which is not text"),
        ('{"\\udc00": 1}', "a string holds an unpaired surrogate, which is not text"),
        ('[["\\udfff"]]', "a string holds an unpaired surrogate, which is not text"),
        ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "the JSON is nested deeper than 16 levels"),
        # A shallow sibling never hides how deep the next one goes.
        ("[" + "[]," * 5 + "[" * MAX_DEPTH + "]" * (MAX_DEPTH + 1),
         "the JSON is nested deeper than 16 levels"),
        ('{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
         "the JSON is nested deeper than 16 levels"),
        # Far deeper than the parser's recursion limit, closed or not: refused, never a crash.
        ("[" * 100_000 + "]" * 100_000, "the JSON is nested deeper than 16 levels"),
        ('{"a": ' * 100_000, "the JSON is nested deeper than 16 levels"),
        ('[{"a": [' + "1," * 5 + "{}]}, " + "[" * MAX_DEPTH + "]" * (MAX_DEPTH + 1),
         "the JSON is nested deeper than 16 levels"),
    ],
)  # fmt: skip
def test_a_body_that_is_not_a_batch_is_refused_with_the_reason(body, reason):
    with pytest.raises(BatchUnreadable) as refused:
        parse_batch(body)
    assert str(refused.value) == reason


def test_a_bare_value_is_read_and_left_to_the_schema_to_refuse():
    assert parse_batch("5") == 5
    assert parse_batch('"[[[["') == "[[[["
    assert validate_batch(5)[0].where == "(the batch)"


def test_numbers_booleans_and_null_are_values_like_any_other():
    assert parse_batch('{"a": 1, "b": 2.5, "c": true, "d": null}') == {
        "a": 1, "b": 2.5, "c": True, "d": None
    }  # fmt: skip


def test_nesting_is_counted_outside_strings_and_sixteen_levels_are_read():
    deepest = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_batch(deepest) is not None
    brackets_in_text = json.dumps({"note": "[" * 100})
    assert parse_batch(brackets_in_text.encode()) == {"note": "[" * 100}
    assert parse_batch('{"name": "Ærø \\u00e6 \\"[\\""}') == {"name": 'Ærø æ "["'}


# -- the schema's problems, in words that never repeat the value -------------------------------
def test_an_unknown_field_is_named_only_when_its_name_is_a_plain_field_name():
    payload = batch()
    offer(payload)["size"] = "large"
    offer(payload)["colour"] = "red"
    offer(payload)["0101901111"] = "x"  # a CPR number as a key is not repeated
    (problem,) = validate_batch(payload)
    assert problem.where == OFFER and problem.record == "demo-offer-mette-1"
    assert problem.message == "unknown field(s): colour, size"
    del offer(payload)["size"], offer(payload)["colour"]
    (problem,) = validate_batch(payload)
    assert problem.message == "unknown field(s)", "no name to show, and nothing after it"


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ({"kind": "cykeltur"}, f"{OFFER}.kind", "must be one of "),
        ({"hours_per_week": "12"}, f"{OFFER}.hours_per_week", "must be of type number"),
        ({"hours_per_week": -1}, f"{OFFER}.hours_per_week", "must be at least 0"),
        ({"title": ""}, f"{OFFER}.title", "must be at least 1 characters"),
        ({"title": "x" * 5000}, f"{OFFER}.title", "must be at most "),
        ({"title": "to\nlinjer"}, f"{OFFER}.title", "must be one line without control characters"),
        ({"purpose": "a\x07b"}, f"{OFFER}.purpose", "must not contain control characters"),
        ({"start": "10-12-2026"}, f"{OFFER}.start", "does not have the required form"),
        ({"weekdays": ["MO", "MO"]}, f"{OFFER}.weekdays", "has the same item twice"),
    ],
)
def test_each_kind_of_schema_problem_names_the_place_and_the_record(change, where, message):
    payload = batch()
    offer(payload).update(change)
    found = validate_batch(payload)
    assert found, change
    assert found[0].where == where and found[0].message.startswith(message), found
    assert found[0].record == "demo-offer-mette-1"
    value = next(iter(change.values()))
    if isinstance(value, str) and len(value) > 3:
        assert value not in str(found[0]), "the value is never repeated"


def test_a_missing_field_is_named():
    payload = batch()
    del offer(payload)["title"]
    (problem,) = validate_batch(payload)
    assert (problem.where, problem.message) == (OFFER, "missing required field(s): title")
    del offer(payload)["kind"]
    assert problems_of(payload) == [
        f"{OFFER} (id 'demo-offer-mette-1'): missing required field(s): kind, title"
    ], "said once"


def test_a_date_of_the_right_form_that_is_no_date_is_refused_where_it_is():
    """2026-13-01 has the form of a date and passes the schema (formats are not checked); the
    rules know there is no 13th month, and say so at its place."""
    payload = batch()
    offer(payload)["start"] = "2026-13-01"
    assert problems_of(payload) == [f"{OFFER}.start (id 'demo-offer-mette-1'): not a real date"]
    payload["citizens"][0]["forloeb"][0]["start"] = "2026-00-10"
    assert problems_of(payload)[0] == (
        "citizens[0].forloeb[0].start (id 'demo-forloeb-mette'): not a real date"
    )


@pytest.mark.parametrize("payload", [{}, {"municipalities": []}, {"citizens": [
    {"cpr": "0101901111", "name": "Mette Testesen", "municipality": "901"}]}, {"citizens": [
    {"cpr": "0101901111", "name": "Mette Testesen", "municipality": "901", "forloeb": [
        {"id": "f-1", "start": "2025-01-06", "planned_end": "2027-01-05", "caseworker": "c-1",
         "status": "active", "legal_basis": "LAB kapitel 19"}]}]}])  # fmt: skip
def test_every_part_of_a_batch_may_be_left_out(payload):
    assert validate_batch(payload) == []


def test_hours_that_are_no_number_are_refused_even_past_the_parser():
    """NaN passes every minimum and maximum; parse_batch refuses it, and so does the rule."""
    payload = batch()
    offer(payload)["hours_per_week"] = float("nan")
    assert f"{OFFER}.hours_per_week (id 'demo-offer-mette-1'): must be a number" in problems_of(
        payload
    )


@pytest.mark.parametrize("cpr", ["010190111", "01019011112", "O101901111", "0101９01111",
                                 "0101901111\n"])  # fmt: skip
def test_a_cpr_number_of_the_wrong_form_is_refused_without_repeating_it(cpr):
    payload = batch()
    payload["citizens"][0]["cpr"] = cpr
    (problem,) = validate_batch(payload)
    assert problem.where == "citizens[0].cpr"
    assert problem.message == "the CPR number must be 10 digits (DDMMYY-XXXX)"
    assert problem.record is None and cpr.strip() not in str(problem)


def test_at_most_a_hundred_problems_are_listed_each_once():
    payload = batch()
    citizen = payload["citizens"][0]
    payload["citizens"] = [copy.deepcopy(citizen) for _ in range(MAX_PROBLEMS + 20)]
    for each in payload["citizens"]:
        each["name"] = ""
    found = validate_batch(payload)
    assert len(found) == MAX_PROBLEMS
    assert len({p.where for p in found}) == MAX_PROBLEMS
    assert {p.message for p in found} == {"must be at least 1 characters"}


# -- what the schema cannot say ----------------------------------------------------------------
def test_a_cpr_number_that_is_not_a_real_date_is_refused():
    payload = batch()
    payload["citizens"][0]["cpr"] = "3102901111"  # 31 February
    assert problems_of(payload) == [
        "citizens[0].cpr: not a real CPR number (DDMMYY-XXXX, a real date)"
    ]


@pytest.mark.parametrize(
    ("kind", "duplicate", "where", "message"),
    [
        ("municipalities", lambda p: p["municipalities"][0], "municipalities[", "municipality"),
        ("caseworkers", lambda p: p["caseworkers"][0], "caseworkers[", "caseworker"),
    ],
)
def test_each_record_is_once_in_a_batch(kind, duplicate, where, message):
    payload = batch()
    payload[kind].append(copy.deepcopy(duplicate(payload)))
    last = len(payload[kind]) - 1
    found = problems_of(payload)
    assert any(
        p.startswith(f"{kind}[{last}]") and f"the same {message} is also at {kind}[0]" in p
        for p in found
    ), found


def test_one_citizen_twice_is_found_by_the_cpr_number_however_it_is_written():
    payload = batch()
    twin = copy.deepcopy(payload["citizens"][0])
    twin["cpr"] = "010190-1111"
    for forloeb in twin["forloeb"]:
        forloeb["id"] += "-b"
        for each in forloeb["offers"]:
            each["id"] += "-b"
    payload["citizens"].append(twin)
    last = len(payload["citizens"]) - 1
    assert f"citizens[{last}]: the same citizen is also at citizens[0]" in problems_of(payload)


def test_one_offer_twice_is_named_by_its_id():
    payload = batch()
    forloeb = payload["citizens"][0]["forloeb"][0]
    forloeb["offers"].append(copy.deepcopy(forloeb["offers"][0]))
    last = len(forloeb["offers"]) - 1
    assert problems_of(payload) == [
        f"citizens[0].forloeb[0].offers[{last}] (id 'demo-offer-mette-1'): the same offer is "
        "also at citizens[0].forloeb[0].offers[0]"
    ]


def test_records_of_different_kinds_may_share_an_id():
    payload = batch()
    payload["caseworkers"][0]["id"] = "shared-id"
    payload["citizens"][0]["forloeb"][0]["id"] = "shared-id"
    payload["citizens"][0]["forloeb"][0]["caseworker"] = "shared-id"
    offer(payload)["id"] = "shared-id"
    assert problems_of(payload) == []


def test_two_municipalities_with_one_code_are_named_by_the_code():
    payload = batch()
    payload["municipalities"].append(copy.deepcopy(payload["municipalities"][0]))
    payload["municipalities"][-1]["cvr"] = "99999999"
    last = len(payload["municipalities"]) - 1
    assert problems_of(payload) == [
        f"municipalities[{last}] (id '901'): the same municipality is also at municipalities[0]"
    ]


def test_two_municipalities_with_one_cvr_number_are_refused():
    payload = batch()
    second = copy.deepcopy(payload["municipalities"][0]) | {"code": "999"}
    payload["municipalities"].append(second)
    last = len(payload["municipalities"]) - 1
    assert (
        f"municipalities[{last}] (id '999'): the same CVR number is also at municipalities[0]"
        in problems_of(payload)
    )


@pytest.mark.parametrize("field", ["end", "start"])
def test_a_date_that_does_not_exist_is_named(field):
    payload = batch()
    offer(payload)[field] = "2026-02-30"
    assert f"{OFFER}.{field} (id 'demo-offer-mette-1'): not a real date" in problems_of(payload)


def test_an_end_before_the_start_is_refused_and_on_the_start_day_is_not():
    payload = batch()
    offer(payload)["end"] = "2026-12-09"
    assert problems_of(payload) == [f"{OFFER}.end (id 'demo-offer-mette-1'): is before the start"]
    offer(payload)["end"] = offer(payload)["start"]
    assert problems_of(payload) == []
    forloeb = payload["citizens"][0]["forloeb"][0]
    forloeb["planned_end"] = "2026-01-11"
    assert problems_of(payload) == [
        "citizens[0].forloeb[0].planned_end (id 'demo-forloeb-mette'): is before the start"
    ]
    forloeb["planned_end"] = "2026-02-30"
    assert problems_of(payload) == [
        "citizens[0].forloeb[0].planned_end (id 'demo-forloeb-mette'): not a real date"
    ]


def test_no_new_forloeb_from_the_first_of_february_2026_without_a_reason():
    payload = batch()
    forloeb = payload["citizens"][0]["forloeb"][0]
    forloeb["start"], forloeb["planned_end"] = "2026-01-31", "2029-01-30"
    assert problems_of(payload) == [], "the day before the stop"
    forloeb["start"] = "2026-02-01"
    assert problems_of(payload) == [
        "citizens[0].forloeb[0].start (id 'demo-forloeb-mette'): no new ressourceforløb start "
        "on or after 2026-02-01 (lov nr. 1750 af 29/12/2025); give start_after_stop_reason to "
        "import it anyway"
    ]
    forloeb["start_after_stop_reason"] = "   "
    assert len(validate_batch(payload)) == 1, "a reason of spaces is no reason"
    forloeb["start_after_stop_reason"] = "Genoptaget efter sygdom (afgørelse 2025-11-03)"
    assert validate_batch(payload) == []


@pytest.mark.parametrize(
    ("starts", "ends", "problem"),
    [
        ("09:00", None, f"{OFFER} (id 'demo-offer-mette-1'): give both day_starts_at and "
         "day_ends_at, or neither"),
        ("09:00", "09:00", f"{OFFER}.day_ends_at (id 'demo-offer-mette-1'): is not after "
         "day_starts_at"),
        ("13:00", "09:00", f"{OFFER}.day_ends_at (id 'demo-offer-mette-1'): is not after "
         "day_starts_at"),
        ("09:00", "09:01", None),
        (None, None, None),
    ],
)  # fmt: skip
def test_a_days_times_come_both_or_neither_and_in_order(starts, ends, problem):
    payload = batch()
    for field, value in (("day_starts_at", starts), ("day_ends_at", ends)):
        if value is None:
            offer(payload).pop(field, None)
        else:
            offer(payload)[field] = value
    assert problems_of(payload) == ([problem] if problem else [])


def test_locations_read_as_paths_and_a_problem_names_its_record():
    assert location(["citizens", 0, "forloeb", 2, "offers", 1, "end"]) == (
        "citizens[0].forloeb[2].offers[1].end"
    )
    assert location([]) == "(the batch)"
    assert str(Problem("citizens[0].cpr", "wrong")) == "citizens[0].cpr: wrong"
    assert str(Problem("x", "wrong", "o-17")) == "x (id 'o-17'): wrong"


def test_a_batch_that_is_not_an_object_is_refused_as_a_whole():
    (problem,) = validate_batch([])
    assert problem.where == "(the batch)" and problem.message == "must be of type object"


def test_a_batch_one_reading_of_the_schema_refuses_is_refused_at_its_place(monkeypatch):
    """Should the quick check (jsonschema-rs) refuse what the full validator and the rules let
    through, the batch is still refused — never imported — and the place and record named."""
    title = {"properties": {"title": {"maxLength": 3}}}
    stricter = jsonschema_rs.validator_for(
        {"properties": {"citizens": {"items": {"properties": {"forloeb": {"items": {
            "properties": {"offers": {"items": title}}}}}}}}}
    )  # fmt: skip
    monkeypatch.setattr(case_import, "_fast_check", lambda: stricter)
    assert problems_of(batch()) == [f"{OFFER}.title (id 'demo-offer-mette-1'): is not valid"]


def test_an_escaped_pair_of_surrogates_is_text_and_read_with_the_rest():
    """An emoji written as the escapes of its UTF-16 pair is one character (😀), not two lone
    surrogates: the batch is read, numbers, booleans and all."""
    body = '{"citizens": [], "note": "glad \\ud83d\\ude00", "n": 1, "yes": true, "no": null}'
    assert parse_batch(body.encode()) == {
        "citizens": [], "note": "glad 😀", "n": 1, "yes": True, "no": None
    }  # fmt: skip


def test_the_walk_for_surrogates_runs_only_when_the_text_could_hold_one(monkeypatch):
    """The walk over every value costs a second for 5,000 citizens: a UTF-8 file, or a text
    without a surrogate or an escape of one, is not walked."""
    walked = []
    monkeypatch.setattr(case_import, "_has_lone_surrogate", lambda node: walked.append(node))
    assert parse_batch(b'{"citizens": [], "name": "Mette \\u00e6"}')["citizens"] == []
    assert parse_batch('{"citizens": [], "name": "Mette æ"}')["citizens"] == []
    assert walked == []
    parse_batch(b'{"citizens": [], "name": "\\ud800"}')
    assert len(walked) == 1, "an escaped surrogate is looked for"
