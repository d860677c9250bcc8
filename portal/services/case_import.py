"""Importing a batch from the municipal case system: all or nothing, idempotent, CPR hashed.

Records are upserted on the case system's own keys (municipality code, caseworker id, citizen
CPR hash, forløb id, offer id). Existing rows are loaded in a few bulk queries, so a batch of
thousands of citizens costs a handful of SELECTs and one flush. Any problem — in the batch itself
(``portal.domain.case_import``) or against what the database already holds — rejects the whole
batch before a single row is written, and a conflict the database finds at the end undoes it all.

Municipal boundaries: a case system's batch (``for_municipality``, from its API client) may hold
only its own municipality, caseworkers and citizens. A forløb belongs to one municipality for
good: a citizen who moves gets a new forløb from the new municipality, and the old forløb — with
its concerns — stays where it was, so no batch can move another municipality's records.
"""

from __future__ import annotations

import gc
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from functools import lru_cache
from operator import itemgetter

from sqlalchemy import any_, cast, func, insert, literal, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from portal.domain.case_import import MAX_PROBLEMS, Problem, parse_batch, validate_batch
from portal.domain.identity import hash_cpr
from portal.models import (
    Caseworker,
    Citizen,
    Concern,
    Forloeb,
    ForloebStatus,
    Municipality,
    Offer,
    OfferKind,
    OfferStatus,
)
from portal.models.base import utcnow
from portal.services import decisions
from portal.services.transaction import NotSaved, saved

# The enums by value, looked up as a dict: calling OfferStatus(...) for each of 300,000 offers
# cost a quarter of a second (cProfile on make bench's files, issue 27).
_OFFER_STATUS = {status.value: status for status in OfferStatus}  # a member finds itself too
_OFFER_KIND = {kind.value: kind for kind in OfferKind}
_FORLOEB_STATUS = {status.value: status for status in ForloebStatus}

CHUNK = 500  # keys per IN (...) query
ARRAY_CHUNK = 5000  # keys per = ANY(array) query (PostgreSQL)
WRITE_CHUNK = 5000  # rows per bulk INSERT or UPDATE


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the batch")
        self.problems = problems


@dataclass
class ImportSummary:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return {
            k: {
                "created": self.created[k],
                "updated": self.updated[k],
                "unchanged": self.unchanged[k],
            }
            for k in kinds
        }


# What is compared to decide "unchanged" (and written when it changed), per kind.
COLUMNS = {
    Municipality: ("name", "cvr", "phone", "email", "website", "region", "opening_hours"),
    Caseworker: ("name", "phone", "email", "municipality_id"),
    Citizen: ("name", "is_fictitious", "municipality_id"),
    Forloeb: (
        "citizen_id",
        "municipality_id",
        "start_date",
        "planned_end_date",
        "legal_basis",
        "goals",
        "caseworker_id",
        "status",
        "start_after_stop_reason",
        "ended_recorded_on",
    ),
    Offer: (
        "forloeb_id",
        "kind",
        "title",
        "place",
        "address",
        "start_date",
        "end_date",
        "weekdays",
        "day_starts_at",
        "day_ends_at",
        "hours_per_week",
        "contact_name",
        "contact_phone",
        "contact_email",
        "purpose",
        "accommodations",
        "status",
    ),
}


def _load(db: Session, column, keys: Iterable) -> dict:
    """The stored rows with these keys, as plain rows of the compared columns (no ORM objects:
    a nightly batch touches hundreds of thousands)."""
    keys = list(dict.fromkeys(keys))
    model = column.class_
    columns = [model.id, column, *(getattr(model, name) for name in COLUMNS[model])]
    # On PostgreSQL the keys go as one parameter, = ANY(an array): an IN list of 500 parameters
    # cost more to build and send than to answer (py-spy on the bench's import). The array is
    # sent as JSON text and unpacked by the server: psycopg builds an array parameter key by
    # key in Python, 5,000 keys in 30–50 ms; json.dumps does it in C (issue 27).
    as_array = db.get_bind().dialect.name == "postgresql"
    size = ARRAY_CHUNK if as_array else CHUNK
    found = {}
    for i in range(0, len(keys), size):
        part = keys[i : i + size]
        condition = column == any_(_array_of(part)) if as_array else column.in_(part)
        for row in db.execute(select(*columns).where(condition)):
            found[getattr(row, column.key)] = row
    return found


def _array_of(keys: list[str]):
    """A PostgreSQL array of these text keys, sent as one JSON text."""
    unpacked = func.jsonb_array_elements_text(cast(literal(json.dumps(keys)), JSONB))
    return func.array(select(unpacked).scalar_subquery())


def _upsert(
    db: Session,
    summary: ImportSummary,
    kind: str,
    key_column,
    stored: dict,
    wanted: list[tuple[object, dict]],
    ids_needed: bool = True,
) -> list[int]:
    """Insert the new rows and update the changed ones, in bulk; ``stored`` learns the new rows'
    ids when a lower level needs them."""
    model = key_column.class_
    copied = db.get_bind().dialect.name == "postgresql"  # new rows by COPY, ids looked up after
    new, changed = [], []
    for key, values in wanted:
        row = stored.get(key)
        if row is None:
            new.append({key_column.key: key, **values})
        elif any(getattr(row, name) != value for name, value in values.items()):
            changed.append({"id": row.id, **values})
    # Nothing to write, nothing to switch: a batch that changes little sends two statements
    # fewer for each kind of row it leaves as it was.
    with _plans_kept_while_writing(db) if new or changed else nullcontext():
        if new and copied:
            _copy(db, model, new)
        else:
            for i in range(0, len(new), WRITE_CHUNK):
                inserted = db.execute(
                    insert(model).returning(model.id, key_column, sort_by_parameter_order=True),
                    new[i : i + WRITE_CHUNK],
                )
                for row in inserted:
                    stored[getattr(row, key_column.key)] = row
        for i in range(0, len(changed), WRITE_CHUNK):
            db.execute(update(model), changed[i : i + WRITE_CHUNK])
    if new and ids_needed and copied:
        stored.update(_load(db, key_column, [row[key_column.key] for row in new]))
    summary.created[kind] += len(new)
    summary.updated[kind] += len(changed)
    summary.unchanged[kind] += len(wanted) - len(new) - len(changed)
    return [row["id"] for row in changed]


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _plan_each_lookup(db: Session) -> None:
    """For the rest of the import's transaction, PostgreSQL plans each statement for its
    values. The look-ups are the same statement with thousands of keys, again and again;
    psycopg prepares it, and PostgreSQL's generic plan for a table that just grew (stale
    statistics) scans the whole table for each: 40 times slower than planning each one."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL plan_cache_mode TO force_custom_plan"))


@contextmanager
def _plans_kept_while_writing(db: Session) -> Iterator[None]:
    """PostgreSQL's own choice of plans while rows are written, then planning each look-up
    again. A foreign key is checked by a statement PostgreSQL runs for every row written
    (``SELECT 1 FROM forloeb WHERE id = $1 FOR KEY SHARE``). Planned anew for each of the
    70,000 foreign keys in a file of 5,000 citizens, the checks were three fifths of the import
    (py-spy on make bench's files: the process waited for COPY to finish; issue 27); a kept
    plan looks up the same primary key. Not restored on an error: the transaction is undone,
    and the setting with it."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SET LOCAL plan_cache_mode TO auto"))
    yield
    _plan_each_lookup(db)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a batch is read and written. A file of 5,000
    citizens is a million small values, none of them in a cycle, and every full collection
    walked all of them again: a fifth of the import's time (cProfile on make bench's files,
    issue 27). Reference counting frees them as before; the collector starts again after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_body(
    db: Session, body: bytes, cpr_hash_key: str, for_municipality: str | None = None
) -> ImportSummary:
    """A batch as it was sent (the operator's file, the case system's request body): read
    (``BatchUnreadable``), then imported as ``import_batch`` (``ImportRejected``)."""
    with _collector_paused():
        return import_batch(db, parse_batch(body), cpr_hash_key, for_municipality)


def import_batch(
    db: Session, payload: object, cpr_hash_key: str, for_municipality: str | None = None
) -> ImportSummary:
    """Validate and write one batch in one transaction, or raise ``ImportRejected``.

    ``for_municipality`` is the code of the API client's municipality (None: the operator's own
    import, which may hold several)."""
    problems = _batch_problems(payload, for_municipality)
    if problems:
        raise ImportRejected(problems)
    cpr_hashes = [hash_cpr(c["cpr"], cpr_hash_key) for c in payload.get("citizens", [])]
    _plan_each_lookup(db)
    stored = _load_stored(db, payload, cpr_hashes)
    problems = _reference_problems(payload, stored, cpr_hashes, _cvr_owners(db, payload))
    if not problems and for_municipality is not None:
        problems = _held_elsewhere(payload, stored.municipalities, stored.citizens, cpr_hashes)
    if problems:
        raise ImportRejected(problems)
    try:
        with saved(db):
            summary = _write(db, payload, cpr_hashes, stored)
    except NotSaved:
        # Checked above, so only a concurrent import can get here; nothing of this batch stays.
        raise ImportRejected(
            [Problem("(the batch)", "conflicts with what was stored meanwhile; send it again")]
        ) from None
    return summary


def _batch_problems(payload: object, for_municipality: str | None) -> list[Problem]:
    """What is wrong with the batch itself, before anything is looked up."""
    problems = validate_batch(payload)
    if not problems and for_municipality is not None:
        problems = _outside(payload, for_municipality)
    if not problems and not isinstance(payload, dict):  # the schema said so; never trust it
        problems = [Problem("(the batch)", "must be a JSON object")]
    return problems


def _load_stored(db: Session, payload: dict, cpr_hashes: list[str]) -> _Stored:
    """The rows the batch names, by the case system's keys, in a few bulk queries."""
    municipalities_in = payload.get("municipalities", [])
    caseworkers_in = payload.get("caseworkers", [])
    citizens_in = payload.get("citizens", [])
    forloeb_in = [f for c in citizens_in for f in c.get("forloeb", [])]
    offers_in = [o for f in forloeb_in for o in f.get("offers", [])]
    municipality_codes = {m["code"] for m in municipalities_in}
    municipality_codes |= {c["municipality"] for c in (*caseworkers_in, *citizens_in)}
    caseworker_ids = {c["id"] for c in caseworkers_in}
    caseworker_ids |= {f["caseworker"] for f in forloeb_in if f.get("caseworker")}
    return _Stored(
        _load(db, Municipality.code, municipality_codes),
        _load(db, Caseworker.professional_id, caseworker_ids),
        _load(db, Citizen.cpr_hash, cpr_hashes),
        _load(db, Forloeb.external_id, [f["id"] for f in forloeb_in]),
        _load(db, Offer.external_id, [o["id"] for o in offers_in]),
    )


def _cvr_owners(db: Session, payload: dict) -> dict[str, str]:
    """Which municipality holds each CVR number the batch names."""
    cvrs = [m["cvr"] for m in payload.get("municipalities", [])]
    return {
        m.cvr: m.code for m in db.scalars(select(Municipality).where(Municipality.cvr.in_(cvrs)))
    }


@dataclass
class _Stored:
    """The rows the batch touches, by the case system's keys (filled in as they are created)."""

    municipalities: dict
    caseworkers: dict
    citizens: dict
    forloebs: dict
    offers: dict


def _write(db: Session, payload: dict, cpr_hashes: list[str], stored: _Stored) -> ImportSummary:
    municipalities_in = payload.get("municipalities", [])
    caseworkers_in = payload.get("caseworkers", [])
    citizens_in = payload.get("citizens", [])
    offers_in = [
        (f, o) for c in citizens_in for f in c.get("forloeb", []) for o in f.get("offers", [])
    ]
    municipalities, caseworkers = stored.municipalities, stored.caseworkers
    citizens, forloebs, offers = stored.citizens, stored.forloebs, stored.offers
    summary = ImportSummary()
    # One level at a time, so that every foreign key is a known id.
    _upsert(
        db,
        summary,
        "municipalities",
        Municipality.code,
        municipalities,
        [
            (
                record["code"],
                {
                    **{k: record[k] for k in ("name", "cvr", "phone", "email", "website")},
                    "region": record.get("region", ""),
                    "opening_hours": record.get("opening_hours", ""),
                },
            )
            for record in municipalities_in
        ],
    )
    _upsert(
        db,
        summary,
        "caseworkers",
        Caseworker.professional_id,
        caseworkers,
        [
            (
                record["id"],
                {
                    "name": record["name"],
                    "phone": record.get("phone", ""),
                    "email": record.get("email", ""),
                    "municipality_id": municipalities[record["municipality"]].id,
                },
            )
            for record in caseworkers_in
        ],
    )
    _upsert(
        db,
        summary,
        "citizens",
        Citizen.cpr_hash,
        citizens,
        [
            (
                cpr_hash,
                {
                    "name": record["name"],
                    "is_fictitious": record.get("fictitious", False),
                    "municipality_id": municipalities[record["municipality"]].id,
                },
            )
            for record, cpr_hash in zip(citizens_in, cpr_hashes, strict=True)
        ],
    )
    _upsert(
        db,
        summary,
        "forloeb",
        Forloeb.external_id,
        forloebs,
        [
            (
                item["id"],
                _forloeb_values(
                    item,
                    citizens[cpr_hash].id,
                    municipalities[record["municipality"]].id,
                    caseworkers[item["caseworker"]].id if item.get("caseworker") else None,
                    forloebs.get(item["id"]),
                ),
            )
            for record, cpr_hash in zip(citizens_in, cpr_hashes, strict=True)
            for item in record.get("forloeb", [])
        ],
    )
    known = [offers[e["id"]].id for _, e in offers_in if e["id"] in offers]
    held = _held_offers(db, known)
    # A decision the case system has not followed yet keeps its plan (portal.services.decisions).
    standing, verdicts = decisions.standing(db, known), decisions.Verdicts()

    def kept(entry: dict, forloeb_id: int) -> dict:
        stored = offers.get(entry["id"])
        values = _offer_values(entry, forloeb_id, stored, held)
        if stored is None:
            return values
        values = decisions.follow_import(values, standing.get(stored.id), verdicts)
        return values | {"status": _OFFER_STATUS[values["status"]]}

    changed = _upsert(
        db,
        summary,
        "offers",
        Offer.external_id,
        offers,
        [(entry["id"], kept(entry, forloebs[item["id"]].id)) for item, entry in offers_in],
        ids_needed=False,
    )
    decisions.write_verdicts(db, verdicts, utcnow())
    # A held offer that moved its start keeps its concern in the right place in the queue.
    moved = [offer_id for offer_id in changed if offer_id in held]
    for i in range(0, len(moved), CHUNK):
        db.execute(
            update(Concern)
            .where(
                Concern.offer_id.in_(moved[i : i + CHUNK]),
                Concern.held_offer_status.is_not(None),
            )
            .values(
                queue_day=select(Offer.start_date)
                .where(Offer.id == Concern.offer_id)
                .scalar_subquery()
            )
            .execution_options(synchronize_session=False)
        )
    return summary


def _forloeb_values(
    item: dict, citizen_id: int, municipality_id: int, caseworker_id: int | None, stored
) -> dict:
    values = {
        "citizen_id": citizen_id,
        "municipality_id": municipality_id,
        "start_date": date.fromisoformat(item["start"]),
        "planned_end_date": date.fromisoformat(item["planned_end"]),
        "legal_basis": item["legal_basis"],
        "goals": item.get("goals", ""),
        "caseworker_id": caseworker_id,
        "status": _FORLOEB_STATUS[item.get("status", "active")],
        "start_after_stop_reason": item.get("start_after_stop_reason", ""),
    }
    # The retention clock is the portal's: an import that moves the end or the status (to a
    # day long gone, say) starts it again, from the next retention run, never sooner.
    same_end = stored is not None and (stored.planned_end_date, stored.status) == (
        values["planned_end_date"],
        values["status"],
    )
    values["ended_recorded_on"] = stored.ended_recorded_on if same_end else None
    return values


def _copy(db: Session, model, rows: list[dict]) -> None:
    """PostgreSQL's COPY, in the import's own transaction: a nightly batch of 300,000 offers is
    written in seconds, where row-by-row INSERTs take minutes. The values were checked (schema,
    rules, references) before."""
    table = model.__table__
    columns = list(rows[0])
    # Columns the batch does not name get the model's default, as an INSERT would give them.
    defaults = {
        column.name: column.default.arg(None) if column.default.is_callable else column.default.arg
        for column in table.c
        if column.name not in columns and not column.primary_key and column.default is not None
    }
    names = ", ".join([*columns, *defaults])
    # COPY passes no ORM event: say which table was written, for whoever keeps pages drawn
    # from it (portal.page_marks).
    db.info.setdefault("bulk_tables", set()).add(table.name)
    values_of, default_values = itemgetter(*columns), tuple(defaults.values())
    one_column = len(columns) == 1  # itemgetter then gives the value, not a tuple
    cursor = db.connection().connection.cursor()
    try:
        # In binary, typed by the table's own columns: formatting 60,000 rows as text was a
        # sixth of the import (py-spy on make bench's files, issue 27); binary takes a third off.
        types = _column_types(cursor, table.name, [*columns, *defaults])
        with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                found = (values_of(row),) if one_column else values_of(row)
                copy.write_row((*found, *default_values))
    finally:
        cursor.close()


def _column_types(cursor, table: str, columns: list[str]) -> list[int]:
    """The PostgreSQL type of each column, as the database has it (a binary COPY sends each
    value in its column's own type)."""
    cursor.execute(
        "SELECT attname, atttypid FROM pg_attribute"
        " WHERE attrelid = %s::regclass AND attname = ANY(%s)",
        (table, columns),
    )
    found = dict(cursor.fetchall())
    return [found[column] for column in columns]


def _held_offers(db: Session, offer_ids: list[int]) -> set[int]:
    """Offers a concern has put on hold ("sat i bero") until the municipality decides."""
    held: set[int] = set()
    for i in range(0, len(offer_ids), CHUNK):
        held.update(
            db.scalars(
                select(Concern.offer_id).where(
                    Concern.offer_id.in_(offer_ids[i : i + CHUNK]),
                    Concern.held_offer_status.is_not(None),
                )
            )
        )
    return held


@lru_cache(maxsize=1024)
def _hours(hours: float) -> Decimal:
    """Hours a week to one decimal (a batch has a few dozen different values)."""
    return Decimal(str(hours)).quantize(Decimal("0.1"))


def _offer_values(entry: dict, forloeb_id: int, stored, held: set[int]) -> dict:
    contact = entry.get("contact", {})
    hours = entry.get("hours_per_week")
    status = _OFFER_STATUS[entry.get("status", "planned")]
    if stored is not None and stored.id in held:
        # The hold is the portal's, from the law (LAB § 113, stk. 3): the case system's status
        # applies again when the municipality has decided, not with tonight's batch.
        status = stored.status
    return {
        "forloeb_id": forloeb_id,
        "kind": _OFFER_KIND[entry["kind"]],
        "title": entry["title"],
        "place": entry.get("place", ""),
        "address": entry.get("address", ""),
        "start_date": date.fromisoformat(entry["start"]),
        "end_date": date.fromisoformat(entry["end"]) if entry.get("end") else None,
        "weekdays": ",".join(entry.get("weekdays", [])),
        "day_starts_at": _time(entry.get("day_starts_at")),
        "day_ends_at": _time(entry.get("day_ends_at")),
        "hours_per_week": _hours(hours) if hours is not None else None,
        "contact_name": contact.get("name", ""),
        "contact_phone": contact.get("phone", ""),
        "contact_email": contact.get("email", ""),
        "purpose": entry.get("purpose", ""),
        "accommodations": entry.get("accommodations", ""),
        "status": status,
    }


def _outside(payload: dict, own: str) -> list[Problem]:
    """Records a case system may not send: another municipality's."""
    problems = []
    for i, record in enumerate(payload.get("municipalities", [])):
        if record["code"] != own:
            problems.append(
                Problem(
                    f"municipalities[{i}].code",
                    "a case system may send only its own municipality",
                    record["code"],
                )
            )
    for key in ("caseworkers", "citizens"):
        for i, record in enumerate(payload.get(key, [])):
            if record["municipality"] != own:
                problems.append(
                    Problem(
                        f"{key}[{i}].municipality",
                        "a case system may send only its own municipality's people",
                        record.get("id"),
                    )
                )
    return problems[:MAX_PROBLEMS]


def _held_elsewhere(payload, municipalities, citizens, cpr_hashes) -> list[Problem]:
    """A case system may create or change only its own municipality's citizens: a CPR number
    already held by another municipality's citizen is refused, naming no person (issue 23: a
    client renamed another municipality's citizen and re-homed him). A citizen who moves is
    moved by the operator's own import (``flask import-cases``)."""
    problems = []
    for i, (record, cpr_hash) in enumerate(
        zip(payload.get("citizens", []), cpr_hashes, strict=True)
    ):
        citizen = citizens.get(cpr_hash)
        own = municipalities.get(record["municipality"])
        if citizen is not None and own is not None and citizen.municipality_id != own.id:
            problems.append(
                Problem(
                    f"citizens[{i}].cpr",
                    "this CPR number belongs to a citizen of another municipality; the "
                    "portal's operator moves a citizen who moves",
                )
            )
    return problems[:MAX_PROBLEMS]


def _reference_problems(
    payload: dict, stored: _Stored, cpr_hashes: list[str], cvr_owners: dict[str, str]
) -> list[Problem]:
    """What the batch refers to must exist (in the batch or the database) and stay its own."""
    known = set(stored.municipalities) | {m["code"] for m in payload.get("municipalities", [])}
    problems = _cvr_problems(payload, cvr_owners)
    # Which municipality each caseworker belongs to once the batch is in.
    homes = {
        key: next(
            (code for code, m in stored.municipalities.items() if m.id == row.municipality_id),
            None,
        )
        for key, row in stored.caseworkers.items()
    }
    problems += _caseworker_problems(payload, stored, known, homes)
    for i, (record, cpr_hash) in enumerate(
        zip(payload.get("citizens", []), cpr_hashes, strict=True)
    ):
        if record["municipality"] not in known:
            problems.append(Problem(f"citizens[{i}].municipality", "unknown municipality code"))
        citizen = stored.citizens.get(cpr_hash)
        for j, item in enumerate(record.get("forloeb", [])):
            where = f"citizens[{i}].forloeb[{j}]"
            problems += _forloeb_problems(where, item, record, citizen, stored, homes)
    return problems


def _cvr_problems(payload: dict, cvr_owners: dict[str, str]) -> list[Problem]:
    return [
        Problem(
            f"municipalities[{i}].cvr",
            "this CVR number belongs to another municipality",
            record["code"],
        )
        for i, record in enumerate(payload.get("municipalities", []))
        if cvr_owners.get(record["cvr"]) not in (None, record["code"])
    ]


def _caseworker_problems(payload: dict, stored: _Stored, known: set, homes: dict) -> list:
    """A caseworker's municipality must be known, and a known caseworker stays in theirs.
    ``homes`` learns where the batch's caseworkers belong."""
    problems = []
    for i, record in enumerate(payload.get("caseworkers", [])):
        if record["municipality"] not in known:
            problems.append(
                Problem(f"caseworkers[{i}].municipality", "unknown municipality code", record["id"])
            )
        if record["id"] in stored.caseworkers and homes.get(record["id"]) != record["municipality"]:
            problems.append(
                Problem(
                    f"caseworkers[{i}]",
                    "this caseworker belongs to another municipality",
                    record["id"],
                )
            )
        homes[record["id"]] = record["municipality"]
    return problems


def _forloeb_problems(where: str, item: dict, record: dict, citizen, stored, homes) -> list:
    """A forløb's caseworker must be known and of its municipality; a known forløb stays with
    its citizen and its municipality; a known offer stays in its forløb."""
    problems = []
    caseworker = item.get("caseworker")
    if caseworker and caseworker not in homes:
        problems.append(Problem(f"{where}.caseworker", "unknown caseworker", item["id"]))
    elif caseworker and homes[caseworker] != record["municipality"]:
        problems.append(
            Problem(
                f"{where}.caseworker", "the caseworker works for another municipality", item["id"]
            )
        )
    existing = stored.forloebs.get(item["id"])
    municipality = stored.municipalities.get(record["municipality"])
    if existing is not None and (citizen is None or existing.citizen_id != citizen.id):
        problems.append(Problem(where, "this forløb id belongs to another citizen", item["id"]))
    elif existing is not None and existing.municipality_id != getattr(municipality, "id", None):
        problems.append(
            Problem(
                where,
                "this forløb belongs to another municipality; a citizen who moves gets a new "
                "forløb from the new municipality",
                item["id"],
            )
        )
    for k, entry in enumerate(item.get("offers", [])):
        offer = stored.offers.get(entry["id"])
        if offer is not None and (existing is None or offer.forloeb_id != existing.id):
            problems.append(
                Problem(
                    f"{where}.offers[{k}]", "this offer id belongs to another forløb", entry["id"]
                )
            )
    return problems
