"""Keeping personal data no longer than it is needed (GDPR art. 5(1)(e)), run by
``flask retention run`` (hourly: compose.yaml's jobs).

- A concern — with its timeline, meetings, offered times, files, notices and what its decision
  did to the plan — goes ``PORTAL_RETENTION_CONCERN_DAYS`` after both its forløb ended and the
  concern itself was finished (the municipality's case system keeps the journalised copy from
  the export). The clock is the portal's own (issue 23): the day a concern was finished, and the
  day a run first saw its forløb as ended (``Forloeb.ended_recorded_on``, started again by an
  import that moves the end or the status) — never a date an import can move into the past.
  An open concern stays; so does a decided one until its complaint deadline has passed, and
  always at least ``MIN_KEPT_DAYS`` after it was finished (the letter may be slow to arrive).
- Access-log entries go after ``PORTAL_RETENTION_ACCESS_LOG_DAYS`` (six months: established
  practice for such logs, docs/domain.md §8); "Hvem har set mine oplysninger" shows the same period.
- E-mails in the outbox, once sent or given up, go after ``PORTAL_RETENTION_OUTBOX_DAYS``.

Deletion runs in batches, each its own transaction, so a run that is stopped half-way has
removed whole records only and can simply be run again. It is logged by count only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from portal import page_marks
from portal.domain.concerns import FINISHED, UNSENT, ConcernStatus
from portal.models import (
    AuditEvent,
    Concern,
    ConcernDocument,
    ConcernEvent,
    CoordinatorMeeting,
    Forloeb,
    ForloebStatus,
    MeetingProposal,
    Notice,
    Offer,
    OfferDecision,
    OutboxMessage,
)
from portal.services.transaction import saved

log = logging.getLogger(__name__)
BATCH = 1000
# A decision must outlive its complaint period: 4 weeks from receipt, and time for the letter.
MIN_KEPT_DAYS = 56


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


def record_ended(db: Session, today: date) -> int:
    """The forløb this run sees as ended for the first time get today as their day."""
    with saved(db):
        seen = db.execute(
            update(Forloeb)
            .where(
                Forloeb.ended_recorded_on.is_(None),
                or_(Forloeb.planned_end_date < today, Forloeb.status == ForloebStatus.ENDED),
            )
            .values(ended_recorded_on=today)
            .execution_options(**page_marks.changes_pages_of())  # no page shows this day
        ).rowcount
    return seen or 0


def run(db: Session, policy: Policy, today: date, now: datetime) -> Removed:
    removed = Removed()
    record_ended(db, today)
    ended_before = today - timedelta(days=policy.concern_days)
    finished_before = now - timedelta(days=max(policy.concern_days, MIN_KEPT_DAYS))
    old_concerns = (
        select(Concern.id)
        .join(Offer, Concern.offer_id == Offer.id)
        .join(Forloeb, Offer.forloeb_id == Forloeb.id)
        .where(
            Forloeb.ended_recorded_on < ended_before,
            Concern.status.in_([*FINISHED, *UNSENT]),
            # A draft never sent has no finished time; it goes with its forløb.
            or_(Concern.finished_at < finished_before, Concern.status == ConcernStatus.DRAFT),
            or_(Concern.complaint_deadline.is_(None), Concern.complaint_deadline < today),
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
