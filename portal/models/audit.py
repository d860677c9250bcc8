"""The append-only access log (docs/domain.md §8): who looked at whose data, what and why.

Rows are only ever inserted (``portal.services.access_log.record``); nothing in the portal updates
or deletes them.
The actor is an internal reference (``citizen:12``, ``caseworker:3``), never a CPR number.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_subject_citizen_id_occurred_at", "subject_citizen_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_ref: Mapped[str] = mapped_column(String(100))
    on_behalf_of_citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"))
    subject_citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizen.id"))
    action: Mapped[str] = mapped_column(String(50))
    purpose: Mapped[str] = mapped_column(String(200))
