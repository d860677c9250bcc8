"""Municipalities and the people the portal knows: citizens and caseworkers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base, UTCDateTime, utcnow


class Municipality(Base):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(3), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    cvr: Mapped[str] = mapped_column(String(8), unique=True)
    phone: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(200))
    website: Mapped[str] = mapped_column(String(200))
    # The region whose klinisk funktion the sundhedskoordinator comes from (a code of
    # portal.domain.regions): regions merge on known days, so the name is data, not text.
    region: Mapped[str] = mapped_column(String(30), default="")
    # When the municipality answers its phone, as the case system writes it ("Mandag–fredag kl.
    # 9–15"); shown beside the number wherever a page says whom to call.
    opening_hours: Mapped[str] = mapped_column(String(200), default="")


class Citizen(Base):
    """A person in (or once in) a ressourceforløb.

    The CPR number is never stored: ``cpr_hash`` is an HMAC of it with ``PORTAL_CPR_HASH_KEY``,
    enough to match a login or an import to the person and useless without the key.
    """

    __tablename__ = "citizen"

    id: Mapped[int] = mapped_column(primary_key=True)
    cpr_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    is_fictitious: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Raising this number revokes every calendar feed link the citizen has shared.
    calendar_feed_version: Mapped[int] = mapped_column(default=1)

    municipality: Mapped[Municipality] = relationship()


class Caseworker(Base):
    """A koordinerende sagsbehandler in a municipality."""

    __tablename__ = "caseworker"

    id: Mapped[int] = mapped_column(primary_key=True)
    professional_id: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(30))
    email: Mapped[str] = mapped_column(String(200))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    is_fictitious: Mapped[bool] = mapped_column(default=False)

    municipality: Mapped[Municipality] = relationship()
