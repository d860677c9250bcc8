"""The access log (docs/domain.md §8): every look at a citizen's data by someone else is written
here,
and the citizen can see the dates and purposes ("Hvem har set mine oplysninger").

A purpose is stored as a code and shown in the reader's language. The employee's identity is
recorded for the municipality's own control but never shown to the citizen (Datatilsynet's
practice on access to log files, 2024).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from sqlalchemy import Integer, String, Text, bindparam, cast, func, insert, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from portal.domain.danish import C_, DANISH_TIME, N_
from portal.domain.regions import REGION_NAMES, region_on
from portal.models import AuditEvent, ConcernDocument, Delegation
from portal.models.base import utcnow
from portal.services.transaction import saved

# Log entries are shown for the last six months, the established retention practice.
SHOWN_FOR = timedelta(days=183)
MAX_SHOWN_EVENTS = 5000


class Purpose(enum.StrEnum):
    CONCERN_HANDLING = "concern_handling"
    QUEUE_OVERVIEW = "queue_overview"
    JOURNALISING = "journalising"
    RELATIVE_HELP = "relative_help"
    # An attempt that was refused: kept for the municipality's control of access, not shown to
    # the citizen as a look (nothing was seen).
    REFUSED = "refused"
    # A manager looked at "Tal om retten": counts, about no citizen (issue 17).
    STATISTICS = "statistics"
    # The region's sundhedskoordinator prepared the meeting or gave the advice (issue 26).
    COORDINATOR_MEETING = "coordinator_meeting"


PURPOSE_TEXTS = {
    Purpose.CONCERN_HANDLING: C_("Behandling af din bekymring"),
    Purpose.QUEUE_OVERVIEW: N_("Overblik over bekymringer i kommunen"),
    Purpose.JOURNALISING: C_("Din bekymring blev gemt i kommunens sagssystem"),
    Purpose.RELATIVE_HELP: C_("Hjælp til dig med en fuldmagt"),
    Purpose.COORDINATOR_MEETING: C_("Mødet om din bekymring og rådet efter det"),
}
ROLE_TEXTS = {
    "caseworker": N_("En sagsbehandler i kommunen"),
    "system": N_("Kommunens sagssystem"),
    "relative": N_("En pårørende med fuldmagt"),
    "coordinator": N_("Sundhedskoordinator"),
}


# A download names the file opened (by id), so the citizen sees which of their files was looked at.
_DOWNLOAD = "document.download"


def download_action(document_id: int) -> str:
    return f"{_DOWNLOAD}:{document_id}"


def _downloaded(action: str) -> int | None:
    prefix, _, rest = action.partition(":")
    return int(rest) if prefix == _DOWNLOAD and rest.isdigit() else None


def record(
    db: Session,
    actor_role: str,
    actor_ref: str,
    citizen_ids: Iterable[int | None],
    action: str,
    purpose: Purpose,
) -> None:
    """Add one entry per citizen to the caller's transaction (one statement however many). A
    look about no citizen (a manager's at the figures) is the one id ``None``."""
    ids = list(dict.fromkeys(citizen_ids))
    if not ids:
        return
    db.execute(
        _entries_for(db.get_bind().dialect.name),
        {
            "occurred_at": utcnow(),
            "actor_role": actor_role,
            "actor_ref": actor_ref,
            "citizen_ids": json.dumps(ids),
            "action": action,
            "purpose": str(purpose),
        },
    )


@cache
def _entries_for(dialect: str):
    """One INSERT … SELECT of one entry per citizen id, the ids sent as one JSON text that the
    database unpacks: a queue page writes 25 entries on every view, and 25 rows of parameters
    (an executemany) cost psycopg and PostgreSQL four times what one statement does."""
    if dialect == "postgresql":
        ids = func.jsonb_array_elements_text(cast(bindparam("citizen_ids", type_=Text), JSONB))
    else:
        ids = func.json_each(bindparam("citizen_ids", type_=Text))
    citizen_id = ids.table_valued("value")
    table = AuditEvent.__table__
    return insert(table).from_select(
        ["occurred_at", "actor_role", "actor_ref", "subject_citizen_id", "action", "purpose"],
        select(
            bindparam("occurred_at", type_=table.c.occurred_at.type),
            bindparam("actor_role", type_=String),
            bindparam("actor_ref", type_=String),
            cast(citizen_id.c.value, Integer),
            bindparam("action", type_=String),
            bindparam("purpose", type_=String),
        ),
    )


def note(db: Session, *entry, **named) -> None:
    """``record`` a look (or a refused attempt) now, in its own unit of work."""
    with saved(db):
        record(db, *entry, **named)


@dataclass(frozen=True)
class Lookup:
    """Looks at the citizen's data on one day, by one kind of actor, for one purpose."""

    day: date
    role_text: str
    purpose_text: str
    times: int
    # A relative's name: the citizen gave them the fuldmagt and should see who used it. An
    # employee's name is never shown.
    who: str = ""
    # The file opened, when the look was a download ("" if it has since been deleted).
    document: str | None = None
    # A sundhedskoordinator's region, as it was called that day ("Region Nordjylland").
    region: str = ""


def _by_id(db: Session, key, value, ids: set[int]) -> dict[int, str]:
    """One column by id, for the ids given (no query for none)."""
    if not ids:
        return {}
    return dict(db.execute(select(key, value).where(key.in_(ids))).all())


def lookups(db: Session, citizen_id: int) -> list[Lookup]:
    """The citizen's view of the log: newest day first, one line per role, purpose and file
    opened a day."""
    since = utcnow() - SHOWN_FOR
    events = db.execute(
        select(
            AuditEvent.occurred_at,
            AuditEvent.actor_role,
            AuditEvent.actor_ref,
            AuditEvent.purpose,
            AuditEvent.action,
        )
        .where(
            AuditEvent.subject_citizen_id == citizen_id,
            AuditEvent.actor_role != "citizen",
            AuditEvent.purpose != str(Purpose.REFUSED),
            AuditEvent.occurred_at >= since,
        )
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(MAX_SHOWN_EVENTS)
    ).all()
    delegation_ids = {
        int(ref.split(":", 1)[1])
        for _at, role, ref, _purpose, _action in events
        if role == "relative" and ref.split(":", 1)[1].isdigit()
    }
    names = _by_id(db, Delegation.id, Delegation.holder_name, delegation_ids)
    document_ids = {d for *_rest, action in events if (d := _downloaded(action)) is not None}
    files = _by_id(db, ConcernDocument.id, ConcernDocument.filename, document_ids)
    grouped: dict[tuple[date, str, str, str, str, int | None], int] = {}
    for occurred_at, role, ref, purpose, action in events:
        day = occurred_at.astimezone(DANISH_TIME).date()
        who = names.get(int(ref.split(":", 1)[1]), "") if role == "relative" else ""
        region = _region_of(ref, day) if role == "coordinator" else ""
        key = (day, role, who, region, purpose, _downloaded(action))
        grouped[key] = grouped.get(key, 0) + 1
    return [
        Lookup(
            day=day,
            role_text=ROLE_TEXTS.get(role, ROLE_TEXTS["caseworker"]),
            purpose_text=PURPOSE_TEXTS.get(purpose, PURPOSE_TEXTS[Purpose.CONCERN_HANDLING]),
            times=times,
            who=who,
            document=None if document is None else files.get(document, ""),
            region=region,
        )
        for (day, role, who, region, purpose, document), times in grouped.items()
    ]


def _region_of(ref: str, day: date) -> str:
    """The region in a coordinator's reference ("coordinator:<region>:<id>"), named as on
    ``day``: a look in 2026 was by Region Hovedstaden, one in 2027 by Region Østdanmark."""
    code = ref.split(":")[1] if ref.count(":") >= 2 else ""
    region = region_on(code, day)
    return REGION_NAMES[region] if region else ""
