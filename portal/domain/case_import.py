"""Checking a batch from the municipal case system before anything is written.

The JSON Schema (``schemas/case-import.schema.json``) checks the shape; the rules here check what
a schema cannot: real calendar dates, an end not before its start, ids used twice in one batch.
Every problem names where it is (``citizens[3].forloeb[0].offers[1].end``) and the record's own
id — never a CPR number or a name, so problems can be logged and sent back safely.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

from portal.domain.identity import normalise_cpr

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "case-import.schema.json"
# No new ressourceforløb from this day (lov nr. 1750 af 29/12/2025); forløb started before run on.
NO_NEW_FORLOEB_FROM = date(2026, 2, 1)
MAX_PROBLEMS = 100


@dataclass(frozen=True)
class Problem:
    where: str
    message: str
    record: str | None = None

    def __str__(self) -> str:
        record = f" (id {self.record!r})" if self.record else ""
        return f"{self.where}{record}: {self.message}"


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8")))


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


def _schema_message(error) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "Unknown field(s)")
    if error.validator == "pattern" and "cpr" in error.path:
        return "the CPR number must be 10 digits (DDMMYY-XXXX)"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    return error.message


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
    problems: list[Problem] = []
    seen: dict[str, dict[str, str]] = {}

    def once(kind: str, key: str, where: str, record_id: str | None) -> None:
        first = seen.setdefault(kind, {}).setdefault(key, where)
        if first != where:
            problems.append(Problem(where, f"the same {kind} is also at {first}", record_id))

    for kind, record, where in _records(payload):
        record_id = record.get("id")
        if kind == "municipality":
            once(kind, record["code"], where, record["code"])
        elif kind == "citizen":
            once(kind, normalise_cpr(record["cpr"]) or record["cpr"], where, None)
        else:
            once(kind, record_id, where, record_id)

        dates = {}
        for field in ("start", "planned_end", "end"):
            try:
                dates[field] = _parse_date(record.get(field))
            except ValueError:
                problems.append(Problem(f"{where}.{field}", "not a real date", record_id))
        start = dates.get("start")
        if (
            kind == "forloeb"
            and start is not None
            and start >= NO_NEW_FORLOEB_FROM
            and not (record.get("start_after_stop_reason") or "").strip()
        ):
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
        begins, ends = record.get("day_starts_at"), record.get("day_ends_at")
        if (begins is None) != (ends is None):
            problems.append(
                Problem(
                    f"{where}", "give both day_starts_at and day_ends_at, or neither", record_id
                )
            )
        elif begins and ends and time.fromisoformat(ends) <= time.fromisoformat(begins):
            problems.append(
                Problem(f"{where}.day_ends_at", "is not after day_starts_at", record_id)
            )
    return problems


def validate_batch(payload: object) -> list[Problem]:
    """Every problem with the batch (at most ``MAX_PROBLEMS``); an empty list means it is fine."""
    errors = sorted(_validator().iter_errors(payload), key=lambda e: list(map(str, e.path)))
    if errors:
        return [
            Problem(location(e.path), _schema_message(e), _record_id(payload, e.path))
            for e in errors[:MAX_PROBLEMS]
        ]
    return _rule_problems(payload)[:MAX_PROBLEMS]
