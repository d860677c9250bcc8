"""Server-side login sessions. The browser holds only a random id; the row holds the rest.

The id is stored as its SHA-256 hash, so a copy of this table does not let anyone take over a
session. Deleting the row ends the session everywhere at once (logout, timeout).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base, UTCDateTime, utcnow


class LoginSession(Base):
    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    audience: Mapped[str] = mapped_column(String(20), default="anonymous")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    idle_expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    absolute_expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
