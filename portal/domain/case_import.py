"""Checking a batch from the municipal case system before anything is written.

The body is read strictly (``parse_batch``): JSON without NaN or Infinity, nested no deeper than
the format needs. The JSON Schema (``schemas/case-import.schema.json``) checks the shape; every
``pattern`` there must match the whole value with ASCII classes (so ``"901\n"`` or Arabic-Indic
digits are refused, as ECMA-262 would, where Python's ``re.search`` would let them pass). The rules
here check what a schema cannot: real calendar dates, an end not before its start, ids used twice
in one batch. Every problem names where it is (``citizens[3].forloeb[0].offers[1].end``) and the
record's own id — never a value the batch sent (a CPR number, a name), so problems can be logged
and sent back safely.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from pathlib import Path

import jsonschema_rs
from jsonschema import Draft202012Validator, ValidationError, validators

from portal.domain.identity import normalise_cpr

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "case-import.schema.json"
# No new ressourceforløb from this day (lov nr. 1750 af 29/12/2025); forløb started before run on.
NO_NEW_FORLOEB_FROM = date(2026, 2, 1)
MAX_PROBLEMS = 100
# batch → citizens → [ ] → citizen → forloeb → [ ] → forløb → offers → [ ] → offer → contact:
# eight levels; anything much deeper is not a batch.
MAX_DEPTH = 16
# The schema's patterns for text: one line, or lines; named in a problem without the value.
TEXT_PATTERNS = {
    r"^[^\x00-\x1f\x7f]*$": "must be one line without control characters",
    r"^[^\x00-\x09\x0b\x0c\x0e-\x1f\x7f]*$": "must not contain control characters",
}
FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}", re.ASCII)


_SURROGATE = re.compile("[\ud800-\udfff]")
# A surrogate written as an escape ("\\ud800"): only then can json.loads return one.
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


class BatchUnreadable(ValueError):
    """The body is not a batch we can read (the reason is safe to send back)."""


_CONTAINERS = (dict, list)  # what json.loads makes of objects and arrays (never a subclass)


def _nested_deeper(value: object, limit: int) -> bool:
    """Whether arrays and objects nest deeper than ``limit``: one walk over the parsed values, a
    level at a time: 0.06 s for a file of 5,000 citizens, where scanning the text took 0.25 s
    (issue 27) — ``type(…) in``, not ``isinstance``, for its million values halves the walk."""
    level = [value] if type(value) in _CONTAINERS else []
    for _ in range(limit):
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) in _CONTAINERS
        ]
        if not level:
            return False
    return True


def _refuse_constant(name: str):
    raise BatchUnreadable(f"{name} is not a JSON number")


def parse_batch(body: bytes | str) -> object:
    """The batch as Python values, or ``BatchUnreadable`` with a reason."""
    try:
        text = body.decode("utf-8") if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        raise BatchUnreadable("the body is not UTF-8") from None
    too_deep = BatchUnreadable(f"the JSON is nested deeper than {MAX_DEPTH} levels")
    try:
        batch = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:  # far deeper than MAX_DEPTH: the parser stops at its recursion limit
        raise too_deep from None
    except ValueError as error:
        if isinstance(error, BatchUnreadable):
            raise
        raise BatchUnreadable("the body is not valid JSON") from None
    if _nested_deeper(batch, MAX_DEPTH):
        raise too_deep
    # The walk over every value costs a second for 5,000 citizens (cProfile on make bench's
    # files), so it runs only when the text could hold a surrogate: one as it stands (a str
    # body), or one written as an escape. A UTF-8 body holds none as it stands.
    could = _ESCAPED_SURROGATE.search(text) or (isinstance(body, str) and _SURROGATE.search(text))
    if could and _has_lone_surrogate(batch):
        # "\ud800" is valid JSON but not Unicode text; PostgreSQL would refuse it mid-import.
        raise BatchUnreadable("a string holds an unpaired surrogate, which is not text")
    return batch


def _has_lone_surrogate(node) -> bool:
    if isinstance(node, str):
        return _SURROGATE.search(node) is not None
    if isinstance(node, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in node.items())
    if isinstance(node, list):
        return any(_has_lone_surrogate(v) for v in node)
    return False


def _whole_ascii_pattern(validator, pattern, instance, schema):
    """JSON Schema's ``pattern``, as ECMA-262 reads the schema's ``^…$``: the whole value, and
    ``[0-9]`` means ASCII digits only."""
    if isinstance(instance, str) and not re.fullmatch(pattern, instance, re.ASCII):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@dataclass(frozen=True)
class Problem:
    where: str
    message: str
    record: str | None = None

    def __str__(self) -> str:
        record = f" (id {self.record!r})" if self.record else ""
        return f"{self.where}{record}: {self.message}"


@cache
def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@cache
def _validator():
    """The full validator: every problem, with its place (used once a batch is known bad)."""
    strict = validators.extend(Draft202012Validator, {"pattern": _whole_ascii_pattern})
    return strict(_schema())


@cache
def _fast_check():
    """The same schema, checked in Rust (jsonschema-rs): a good file of 5,000 citizens is checked
    in a twentieth of a second, where fastjsonschema took 0.4 s and the full validator most of a
    minute (issue 27). Formats are not checked, as the full validator does not: the rules check
    each date. Its patterns read ``$`` as the end of the value, as ECMA-262 does (a CPR number
    followed by a line break is refused: tests/unit/test_case_import_rules.py)."""
    return jsonschema_rs.validator_for(_schema(), validate_formats=False)


def location(path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(the batch)"


def _record_id(payload: object, path) -> str | None:
    """The id of the innermost record on ``path`` that has one (citizens have none to show)."""
    found, node = None, payload
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
    return found


def _unknown_fields(error) -> str:
    names = [n for n in error.instance if n not in error.schema.get("properties", {})]
    shown = [n for n in names if isinstance(n, str) and FIELD_NAME.fullmatch(n)]
    return "unknown field(s)" + (f": {', '.join(sorted(shown))}" if shown else "")


def _pattern(error) -> str:
    if "cpr" in error.path:
        return "the CPR number must be 10 digits (DDMMYY-XXXX)"
    return TEXT_PATTERNS.get(error.validator_value, "does not have the required form")


def _type(error) -> str:
    expected = error.validator_value
    return f"must be of type {expected if isinstance(expected, str) else ' or '.join(expected)}"


def _required(error) -> str:
    missing = [
        n
        for n in error.validator_value
        if isinstance(error.instance, dict) and n not in error.instance
    ]
    return f"missing required field(s): {', '.join(missing)}"


# What each JSON Schema keyword's failure says, in words that never repeat the value (it may be
# a CPR number).
_SCHEMA_MESSAGES = {
    "additionalProperties": _unknown_fields,
    "pattern": _pattern,
    "enum": lambda e: f"must be one of {', '.join(map(str, e.validator_value))}",
    "type": _type,
    "required": _required,
    "maxLength": lambda e: f"must be at most {e.validator_value} characters",
    "minLength": lambda e: f"must be at least {e.validator_value} characters",
    "minimum": lambda e: f"must be at least {e.validator_value}",
    "maximum": lambda e: f"must be at most {e.validator_value}",
    "uniqueItems": lambda _e: "has the same item twice",
}


def _schema_message(error) -> str:
    """What is wrong, in words that never repeat the value (it may be a CPR number)."""
    message = _SCHEMA_MESSAGES.get(error.validator)
    return message(error) if message else f"is not valid ({error.validator})"


def _records(payload: dict) -> Iterator[tuple[str, dict, str]]:
    """(kind, record, location) for every record in the batch."""
    for i, record in enumerate(payload.get("municipalities", [])):
        yield "municipality", record, f"municipalities[{i}]"
    for i, record in enumerate(payload.get("caseworkers", [])):
        yield "caseworker", record, f"caseworkers[{i}]"
    for i, citizen in enumerate(payload.get("citizens", [])):
        yield "citizen", citizen, f"citizens[{i}]"
        for j, forloeb in enumerate(citizen.get("forloeb", [])):
            yield "forloeb", forloeb, f"citizens[{i}].forloeb[{j}]"
            for k, offer in enumerate(forloeb.get("offers", [])):
                yield "offer", offer, f"citizens[{i}].forloeb[{j}].offers[{k}]"


def _parse_date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _rule_problems(payload: dict) -> list[Problem]:
    """What the schema cannot say: each record once, real CPR numbers and dates, no new forløb
    after the stop, ends after starts, a day's times in order."""
    problems: list[Problem] = []
    seen: dict[str, dict[str, str]] = {}

    def once(kind: str, key: str, where: str, record_id: str | None) -> None:
        first = seen.setdefault(kind, {}).setdefault(key, where)
        if first != where:
            problems.append(Problem(where, f"the same {kind} is also at {first}", record_id))

    for kind, record, where in _records(payload):
        problems += _identity_problems(kind, record, where, once)
        problems += _value_problems(kind, record, where)
    return problems


def _identity_problems(kind: str, record: dict, where: str, once) -> list[Problem]:
    """Each record once in the batch (``once`` records it); a citizen by a real CPR number."""
    if kind == "municipality":
        once(kind, record["code"], where, record["code"])
        once("CVR number", record["cvr"], where, record["code"])
    elif kind == "citizen":
        cpr = normalise_cpr(record["cpr"])
        if cpr is None:
            return [Problem(f"{where}.cpr", "not a real CPR number (DDMMYY-XXXX, a real date)")]
        once(kind, cpr, where, None)
    else:
        once(kind, record.get("id"), where, record.get("id"))
    return []


def _value_problems(kind: str, record: dict, where: str) -> list[Problem]:
    record_id = record.get("id")
    problems: list[Problem] = []
    hours = record.get("hours_per_week")
    if isinstance(hours, float) and not math.isfinite(hours):
        # Python's json reads NaN, and NaN passes every minimum and maximum.
        problems.append(Problem(f"{where}.hours_per_week", "must be a number", record_id))
    dates = {}
    for field in ("start", "planned_end", "end"):
        try:
            dates[field] = _parse_date(record.get(field))
        except ValueError:
            problems.append(Problem(f"{where}.{field}", "not a real date", record_id))
    start = dates.get("start")
    if kind == "forloeb" and _starts_after_the_stop(start, record):
        problems.append(
            Problem(
                f"{where}.start",
                "no new ressourceforløb start on or after 2026-02-01 (lov nr. 1750 af "
                "29/12/2025); give start_after_stop_reason to import it anyway",
                record_id,
            )
        )
    for field in ("planned_end", "end"):
        end = dates.get(field)
        if start and end and end < start:
            problems.append(Problem(f"{where}.{field}", "is before the start", record_id))
    return problems + _day_problems(record, where)


def _starts_after_the_stop(start: date | None, record: dict) -> bool:
    """No new ressourceforløb from 1 February 2026 (lov nr. 1750 af 29/12/2025), unless the
    case system says why."""
    return (
        start is not None
        and start >= NO_NEW_FORLOEB_FROM
        and not (record.get("start_after_stop_reason") or "").strip()
    )


def _day_problems(record: dict, where: str) -> list[Problem]:
    begins, ends = record.get("day_starts_at"), record.get("day_ends_at")
    if (begins is None) != (ends is None):
        return [
            Problem(
                f"{where}",
                "give both day_starts_at and day_ends_at, or neither",
                record.get("id"),
            )
        ]
    if begins and ends and time.fromisoformat(ends) <= time.fromisoformat(begins):
        return [Problem(f"{where}.day_ends_at", "is not after day_starts_at", record.get("id"))]
    return []


def validate_batch(payload: object) -> list[Problem]:
    """Every problem with the batch (at most ``MAX_PROBLEMS``); an empty list means it is fine."""
    if _fast_check().is_valid(payload):
        return _rule_problems(payload)[:MAX_PROBLEMS]
    errors = sorted(_validator().iter_errors(payload), key=lambda e: list(map(str, e.path)))
    if not errors:
        # The two readings of the schema differ: jsonschema-rs refuses what the full validator
        # lets through (NaN, which passes every minimum and maximum in Python). The rules name
        # it where they can; else refuse it at its place.
        if named := _rule_problems(payload):
            return named[:MAX_PROBLEMS]
        first = next(iter(_fast_check().iter_errors(payload)))  # it refused: there is one
        path = list(first.instance_path)
        return [Problem(location(path), "is not valid", _record_id(payload, path))]
    # One error per missing field names them all: a problem is said once.
    problems = dict.fromkeys(
        Problem(location(e.path), _schema_message(e), _record_id(payload, e.path)) for e in errors
    )
    return list(problems)[:MAX_PROBLEMS]
