"""A citizen's concern as its page shows it, read as plain rows (issue 27, docs/architecture.md
§10): the concern with its citizen and municipality, its offer with the forløb and caseworker,
the decision's plan, and its timeline, meetings, offered times and files.

Only the page that shows a concern reads it this way. Everything that changes a concern takes
the ORM's ``Concern`` (``concerns.own_concern``), and a page drawn again after a refused change
is drawn from that object: the page's template and the rules it calls read attributes only, and
the records here carry the models' own attribute names, so either will do. A test draws the
page from both for concerns in every state and holds the two equal.

Why not the ORM here: for one concern and five related rows, SQLAlchemy builds a loader for
each entity and attribute on every execution, and that was half of reading the concern — a
tenth of a drawn concern page (py-spy on one process; docs/architecture.md §10).
"""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import Row, Select, bindparam, exists, select
from sqlalchemy.orm import Session

from portal.domain.concerns import ConcernStatus
from portal.domain.principal import Principal
from portal.models import (
    Caseworker,
    Citizen,
    Concern,
    Forloeb,
    MeetingProposal,
    Municipality,
    Notice,
    Offer,
    OfferDecision,
)
from portal.services import notices
from portal.services.concerns import CONCERN_LISTS, HAS_LISTS, list_select


class Record(SimpleNamespace):
    """One row of the page, under its model's attribute names (a relationship's name for a
    related row or list)."""


class ProposalRecord(Record):
    """Times offered for the meeting; ``starts`` is the model's own."""

    starts = MeetingProposal.starts


def _columns(model) -> list:
    """The model's columns as the ORM loads them, labelled with their attribute names; a
    deferred one (a file's bytes) is left out, as the ORM leaves it."""
    return [
        prop.columns[0].label(prop.key)
        for prop in model.__mapper__.column_attrs
        if not prop.deferred
    ]


# The concern and the rows it is read with, in the select's order: (name, columns).
_PARTS = tuple(
    (name, _columns(model))
    for name, model in (
        ("concern", Concern),
        ("citizen", Citizen),
        ("municipality", Municipality),
        ("offer", Offer),
        ("forloeb", Forloeb),
        ("caseworker", Caseworker),
        ("plan_decision", OfferDecision),
    )
)
# Each list's record: the ORM's lists (``concerns.CONCERN_LISTS``), in the same order.
_RECORDS = {name: Record for name in CONCERN_LISTS} | {"proposals": ProposalRecord}
# Whether it has each list (``concerns.HAS_LISTS``) and unread news, read with it.
_ALSO = (
    *HAS_LISTS,
    exists()
    .where(
        Notice.concern_id == Concern.id,
        Notice.citizen_id == Concern.citizen_id,
        Notice.read_at.is_(None),
    )
    .label("unread_notices"),
)


def _select() -> tuple[Select, dict[str, slice]]:
    columns: list = []
    places = {}
    for name, part in _PARTS:
        places[name] = slice(len(columns), len(columns) + len(part))
        columns += part
    statement = (
        select(*columns, *_ALSO)
        .select_from(Concern)
        .join(Citizen, Citizen.id == Concern.citizen_id)
        .join(Municipality, Municipality.id == Citizen.municipality_id)
        .join(Offer, Offer.id == Concern.offer_id)
        .join(Forloeb, Forloeb.id == Offer.forloeb_id)
        .outerjoin(Caseworker, Caseworker.id == Forloeb.caseworker_id)
        .outerjoin(OfferDecision, OfferDecision.concern_id == Concern.id)
        .where(
            Concern.citizen_id == bindparam("citizen_id"),
            Concern.status != ConcernStatus.DISCARDED,
            Concern.id == bindparam("concern_id"),
        )
    )
    return statement, places


# Built once, with bound parameters (building a select cost about 0.2 ms, §10).
_CONCERN, _PLACES = _select()
_NAMES = {name: tuple(column.key for column in part) for name, part in _PARTS}
_LISTS = {name: list_select(name, *_columns(model)) for name, model in CONCERN_LISTS.items()}


def _record(row: Row, name: str) -> Record | None:
    values = row[_PLACES[name]]
    if values[0] is None:  # an outer join that found nothing (no caseworker, no decision)
        return None
    return Record(**dict(zip(_NAMES[name], values, strict=True)))


def own_concern_page(
    db: Session, principal: Principal, concern_id: int, opened: bool = False
) -> Record | None:
    """The citizen's own concern with all its page shows, as ``concerns.own_concern`` finds it
    (None: not theirs, or a deleted draft). ``opened``: its page is opened to be read, and its
    news (notices) are read with it."""
    if principal.citizen_id is None:
        return None
    connection = db.connection()
    row = connection.execute(
        _CONCERN, {"citizen_id": principal.citizen_id, "concern_id": concern_id}
    ).first()
    if row is None:
        return None
    concern = _record(row, "concern")
    citizen = _record(row, "citizen")
    citizen.municipality = _record(row, "municipality")
    offer = _record(row, "offer")
    offer.forloeb = _record(row, "forloeb")
    offer.forloeb.caseworker = _record(row, "caseworker")
    concern.citizen, concern.offer = citizen, offer
    concern.plan_decision = _record(row, "plan_decision")
    for name, kind in _RECORDS.items():
        has = getattr(row, name)  # labelled as the list: no column of the models is so named
        listed = connection.execute(_LISTS[name], {"concern_id": concern.id}) if has else ()
        setattr(concern, name, [kind(**item._mapping) for item in listed])
    if opened and row.unread_notices and concern.status is not ConcernStatus.DRAFT:
        notices.mark_read(db, principal.citizen_id, concern.id)
    return concern
