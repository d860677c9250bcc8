"""The sundhedskoordinator's seat (issue 26): the region's coordinator sees the concerns with a
meeting in the municipalities their region serves, prepares the meeting, and gives the advice.

What they see is the concern, not the citizen: no other concerns, no forløb history. The
citizen's health description and files only when the citizen has given the consent that covers
the coordinator (docs/domain.md §3). Every look, download and step is in the access log, which
the citizen reads as "Sundhedskoordinator, Region …".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.domain.concerns import ConcernStatus
from portal.domain.principal import Actor, Principal
from portal.domain.regions import serves
from portal.models import (
    Concern,
    ConcernDocument,
    CoordinatorMeeting,
    Forloeb,
    Municipality,
    Offer,
)
from portal.services import access_log, casework_steps, documents
from portal.services.concern_steps import consent_since, current_meeting

S = ConcernStatus
# A meeting being arranged (times offered), booked, held and waiting for the advice, or the
# advice given and waiting for the decision: the coordinator's part of the concern.
SEEN = frozenset({S.ACKNOWLEDGED, S.MEETING_BOOKED, S.MEETING_HELD, S.ADVICE_GIVEN})
PAGE_SIZE = 25


def served_municipalities(db: Session, region: str, today: date) -> dict[int, str]:
    """The municipalities (id → name) whose concerns a coordinator of ``region`` sees today."""
    rows = db.execute(select(Municipality.id, Municipality.name, Municipality.region)).all()
    return {mid: name for mid, name, code in rows if serves(region, code, today)}


def _has_a_meeting(concern: Concern) -> bool:
    """Booked, held, or being arranged (times offered and not yet answered or declined)."""
    if concern.status is not S.ACKNOWLEDGED:
        return True
    return any(proposal.status in ("open", "declined") for proposal in concern.proposals)


def the_meeting(concern: Concern) -> CoordinatorMeeting | None:
    """The meeting the coordinator prepares or has held: the booked one, else the last held."""
    return current_meeting(concern) or next(
        (m for m in reversed(concern.meetings) if m.outcome == "held"), None
    )


def meeting_time(concern: Concern) -> datetime | None:
    """The meeting's time: the booked or held one, else the first time offered."""
    meeting = the_meeting(concern)
    if meeting is not None:
        return meeting.starts_at
    offered = [p for p in concern.proposals if p.status == "open"]
    return min(offered[-1].starts) if offered else None


def _seen(
    db: Session, principal: Principal, today: date, *conditions, whole: bool = False
) -> list[Concern]:
    """The concerns the coordinator sees; ``whole``: with the timeline and the files too (one
    concern's page), not only what the list shows."""
    served = served_municipalities(db, principal.region or "", today)
    if not served:
        return []
    more = (selectinload(Concern.events), selectinload(Concern.documents)) if whole else ()
    found = db.scalars(
        select(Concern)
        .where(
            Concern.municipality_id.in_(served),
            Concern.right_applies.is_(True),
            Concern.status.in_(SEEN),
            *conditions,
        )
        .options(
            joinedload(Concern.citizen),
            joinedload(Concern.municipality),
            joinedload(Concern.offer).joinedload(Offer.forloeb).joinedload(Forloeb.caseworker),
            selectinload(Concern.meetings),
            selectinload(Concern.proposals),
            *more,
        )
    ).all()
    return [concern for concern in found if _has_a_meeting(concern)]


@dataclass(frozen=True)
class Row:
    id: int
    reference: str
    citizen_name: str
    municipality: str
    offer_title: str
    status: ConcernStatus
    meeting_at: datetime | None


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    next_cursor: str | None


def _sort_key(row: Row) -> tuple:
    return (row.meeting_at or datetime.max.replace(tzinfo=UTC), row.id)


def _cursor_of(row: Row) -> str:
    return f"{_sort_key(row)[0].isoformat()}_{row.id}"


def _after(cursor: str | None) -> tuple | None:
    try:
        moment, _, concern_id = (cursor or "").rpartition("_")
        return (datetime.fromisoformat(moment), int(concern_id))
    except ValueError:
        return None


def listing(db: Session, principal: Principal, today: date, cursor: str | None) -> Listing:
    """The region's concerns with a meeting, soonest meeting first, 25 a page; the names on the
    page are looks at those citizens' data, and are logged."""
    rows = sorted(
        (
            Row(
                id=concern.id,
                reference=concern.reference or "",
                citizen_name=concern.citizen.name,
                municipality=concern.municipality.name,
                offer_title=concern.offer.title,
                status=concern.status,
                meeting_at=meeting_time(concern),
            )
            for concern in _seen(db, principal, today)
        ),
        key=_sort_key,
    )
    after = _after(cursor)
    if after is not None:
        rows = [row for row in rows if _sort_key(row) > after]
    page, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    citizens = db.scalars(select(Concern.citizen_id).where(Concern.id.in_([r.id for r in page])))
    actor = Actor.coordinator(principal)
    access_log.note(
        db,
        actor.role,
        actor.ref,
        list(citizens),
        "concern.list",
        access_log.Purpose.COORDINATOR_MEETING,
    )
    return Listing(page, _cursor_of(page[-1]) if more else None)


def shares_health(concern: Concern) -> bool:
    """The citizen has given (and not withdrawn) the consent that covers the coordinator: to
    read what they wrote about their health and their files, and to contact their doctor."""
    return consent_since(concern) is not None


def _refused(db: Session, principal: Principal, citizen_id: int, action: str) -> None:
    actor = Actor.coordinator(principal)
    access_log.note(db, actor.role, actor.ref, [citizen_id], action, access_log.Purpose.REFUSED)


def open_concern(
    db: Session, principal: Principal, concern_id: int, today: date, log_read: bool = True
) -> Concern | None:
    """The concern, if the coordinator's region serves it and it has a meeting; else None (the
    attempt is logged). Reading it is a look at the citizen's data (``log_read``; an action
    logs itself instead)."""
    found = _seen(db, principal, today, Concern.id == concern_id, whole=True)
    if not found:
        citizen_id = db.scalar(select(Concern.citizen_id).where(Concern.id == concern_id))
        if citizen_id is not None:
            _refused(db, principal, citizen_id, "concern.open_refused")
        return None
    concern = found[0]
    if log_read:
        actor = Actor.coordinator(principal)
        access_log.note(
            db,
            actor.role,
            actor.ref,
            [concern.citizen_id],
            "concern.read",
            access_log.Purpose.COORDINATOR_MEETING,
        )
    return concern


def open_document(
    db: Session, principal: Principal, concern_id: int, document_id: int, today: date
) -> ConcernDocument | None:
    """A file on a concern the coordinator sees, once the citizen has shared it with them; the
    download is logged with the file."""
    concern = open_concern(db, principal, concern_id, today, log_read=False)
    if concern is None:
        return None
    document = next((d for d in concern.documents if d.id == document_id), None)
    if document is None or not shares_health(concern):
        _refused(db, principal, concern.citizen_id, "document.download_refused")
        return None
    documents.note_download(
        db,
        Actor.coordinator(principal),
        concern.citizen_id,
        document.id,
        access_log.Purpose.COORDINATOR_MEETING,
    )
    return document


def give_advice(
    db: Session,
    principal: Principal,
    concern: Concern,
    advice: str,
    today: date,
    comment_period_days: int,
    connected,
    expected_version: int | None = None,
) -> None:
    """The coordinator's own advice, after the meeting is recorded as held."""
    casework_steps.record_advice(
        db,
        Actor.coordinator(principal),
        concern,
        advice,
        today,
        comment_period_days,
        expected_version,
        connected=connected,
    )
