"""Telling the citizen that something happened in their case.

Every event by someone else (the caseworker acknowledging, booking the meeting, recording advice,
deciding, closing) leaves a notice in the portal and, if the citizen gave an e-mail address in
the concern, a message in the outbox. The message never says what happened — only that there is
news — because e-mail is not a safe place for health data (GDPR art. 9).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal import page_marks
from portal.models import Concern, Notice, OutboxMessage
from portal.models.base import utcnow
from portal.services.transaction import saved

# The municipality's steps (timeline event kinds), and a meeting a relative chose for the citizen;
# the citizen's own steps need no notice.
NOTIFY_KINDS = frozenset(
    {
        "acknowledged",
        "times_proposed",
        "meeting_booked",
        "meeting_moved",
        "advice_recorded",
        "decided",
        "closed",
        "message_sent",
    }
)

SUBJECT = "Nyt i din sag / News in your case"
BODY = (
    "Der er nyt i din sag. Log ind for at læse det:\n{portal_url}\n\n"
    "There is news in your case. Log in to read it:\n{portal_url}\n"
)


def notify(db: Session, concern: Concern, kind: str) -> None:
    """Add the notice and the e-mail to the caller's transaction (saved with the event)."""
    if kind not in NOTIFY_KINDS:
        return
    now = utcnow()
    db.add(Notice(citizen_id=concern.citizen_id, concern_id=concern.id, kind=kind, created_at=now))
    address = ((concern.answers or {}).get("email") or "").strip()
    if address:
        db.add(
            OutboxMessage(
                to_address=address, subject=SUBJECT, body=BODY, created_at=now, next_attempt_at=now
            )
        )


def unread(db: Session, citizen_id: int | None, limit: int = 10) -> list[Notice]:
    if citizen_id is None:
        return []
    return list(
        db.scalars(
            select(Notice)
            .where(Notice.citizen_id == citizen_id, Notice.read_at.is_(None))
            .order_by(Notice.created_at.desc())
            .limit(limit)
        )
    )


def mark_read(db: Session, citizen_id: int, concern_id: int) -> None:
    """The concern's notices have been read: its page was opened. Most views find none unread,
    and a look costs one query instead of a savepoint, an UPDATE and a commit."""
    unread = (
        select(Notice.id)
        .where(
            Notice.citizen_id == citizen_id,
            Notice.concern_id == concern_id,
            Notice.read_at.is_(None),
        )
        .limit(1)
    )
    if db.scalar(unread) is None:
        return
    with saved(db):
        db.execute(
            update(Notice)
            .where(
                Notice.citizen_id == citizen_id,
                Notice.concern_id == concern_id,
                Notice.read_at.is_(None),
            )
            .values(read_at=utcnow())
            # The citizen's own pages only (the front page says there is news).
            .execution_options(**page_marks.changes_pages_of(citizen_id))
        )
