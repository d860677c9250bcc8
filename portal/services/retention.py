"""Keeping personal data no longer than it is needed (GDPR art. 5(1)(e)), run by
``flask retention run`` (cron, e.g. nightly).

- A concern — with its timeline, meetings, offered times, files and notices — goes a set time
  after its forløb ended (``PORTAL_RETENTION_CONCERN_DAYS`` after the planned end; the
  municipality's case system keeps the journalised copy from the export). An open concern stays
  until it is finished.
- Access-log entries go after ``PORTAL_RETENTION_ACCESS_LOG_DAYS`` (six months: established
  practice for such logs, domain.md); "Hvem har set mine oplysninger" shows the same period.
- E-mails in the outbox, once sent or given up, go after ``PORTAL_RETENTION_OUTBOX_DAYS``.

Deletion runs in batches, each its own transaction, so a run that is stopped half-way has
removed whole records only and can simply be run again. It is logged by count only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from portal.domain.concerns import FINISHED, UNSENT
from portal.models import (
    AuditEvent,
    Concern,
    ConcernDocument,
    ConcernEvent,
    CoordinatorMeeting,
    Forloeb,
    MeetingProposal,
    Notice,
    Offer,
    OfferDecision,
    OutboxMessage,
)
from portal.services.transaction import saved

log = logging.getLogger(__name__)
BATCH = 1000


@dataclass(frozen=True)
class Policy:
    concern_days: int
    access_log_days: int
    outbox_days: int


@dataclass
class Removed:
    concerns: int = 0
    access_log: int = 0
    outbox: int = 0
    batches: int = field(default=0, repr=False)


def _in_batches(db: Session, ids_query, remove) -> int:
    """Delete what ``ids_query`` finds, ``BATCH`` at a time, each batch its own transaction."""
    removed = 0
    while True:
        ids = list(db.scalars(ids_query.limit(BATCH)))
        if not ids:
            return removed
        with saved(db):
            remove(ids)
        removed += len(ids)


def run(db: Session, policy: Policy, today: date, now: datetime) -> Removed:
    removed = Removed()
    ended_before = today - timedelta(days=policy.concern_days)
    old_concerns = (
        select(Concern.id)
        .join(Offer, Concern.offer_id == Offer.id)
        .join(Forloeb, Offer.forloeb_id == Forloeb.id)
        .where(
            Forloeb.planned_end_date < ended_before,
            Concern.status.in_([*FINISHED, *UNSENT]),
        )
        .order_by(Concern.id)
    )

    def remove_concerns(ids: list[int]) -> None:
        children = (
            ConcernEvent,
            CoordinatorMeeting,
            MeetingProposal,
            ConcernDocument,
            Notice,
            OfferDecision,
        )
        for child in children:
            db.execute(delete(child).where(child.concern_id.in_(ids)))
        db.execute(delete(Concern).where(Concern.id.in_(ids)))

    removed.concerns = _in_batches(db, old_concerns, remove_concerns)

    old_looks = (
        select(AuditEvent.id)
        .where(AuditEvent.occurred_at < now - timedelta(days=policy.access_log_days))
        .order_by(AuditEvent.id)
    )
    removed.access_log = _in_batches(
        db, old_looks, lambda ids: db.execute(delete(AuditEvent).where(AuditEvent.id.in_(ids)))
    )

    done_before = now - timedelta(days=policy.outbox_days)
    old_mail = (
        select(OutboxMessage.id)
        .where(or_(OutboxMessage.sent_at < done_before, OutboxMessage.failed_at < done_before))
        .order_by(OutboxMessage.id)
    )
    removed.outbox = _in_batches(
        db,
        old_mail,
        lambda ids: db.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids))),
    )
    log.info(
        "retention run",
        extra={
            "concerns": removed.concerns,
            "access_log": removed.access_log,
            "outbox": removed.outbox,
        },
    )
    return removed
