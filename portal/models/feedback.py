"""Answers to "Var det let at bruge?": counted per municipality and month on "Tal om retten".

An answer carries no person: not who answered, nor what they wrote (there is no free text), only
the municipality whose citizen it was (none for a person the portal has no case for), the day,
the page asked on, and yes or no (issue 25).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.models.base import Base


class UsabilityAnswer(Base):
    __tablename__ = "usability_answer"
    __table_args__ = (
        Index("ix_usability_answer_municipality_id_answered_on", "municipality_id", "answered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    answered_on: Mapped[date] = mapped_column(Date)
    page: Mapped[str] = mapped_column(String(40))
    easy: Mapped[bool] = mapped_column(Boolean)
