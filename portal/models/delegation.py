"""Powers of attorney (fuldmagter): who may see or act for a citizen, until when, and from where.

One model for both sources (docs/architecture.md §3): granted in the portal by the citizen, or
arriving as Digital Fuldmagt privileges in the relative's login token. The relative is identified by
the keyed hash of their CPR number, as citizens are; their name is kept so that the citizen and the
caseworker can see who acted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.people import Citizen


class Delegation(Base):
    __tablename__ = "delegation"
    __table_args__ = (
        Index("ix_delegation_holder_cpr_hash", "holder_cpr_hash"),
        Index("ix_delegation_grantor_citizen_id", "grantor_citizen_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grantor_citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
    holder_cpr_hash: Mapped[str] = mapped_column(String(64))
    holder_name: Mapped[str] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(10))  # "see" or "act"
    source: Mapped[str] = mapped_column(String(20))  # "portal" or "digital_fuldmagt"
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    grantor: Mapped[Citizen] = relationship()
