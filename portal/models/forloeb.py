"""The ressourceforløb and its offers (tilbud).

Whether an offer is employment-oriented follows from its kind (docs/domain.md §4), so it is derived,
not stored: see ``portal.domain.offers``.
"""

from __future__ import annotations

import enum
from datetime import date, time
from decimal import Decimal

from sqlalchemy import Enum, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.models.base import Base
from portal.models.people import Caseworker, Citizen, Municipality


def _enum(cls: type[enum.Enum]) -> Enum:
    """A string enum stored as its values, with a CHECK constraint (portable, no native type)."""
    return Enum(
        cls,
        native_enum=False,
        create_constraint=True,
        length=30,
        values_callable=lambda members: [m.value for m in members],
        name=cls.__name__.lower(),
    )


class ForloebStatus(enum.StrEnum):
    ACTIVE = "active"
    ENDED = "ended"


class OfferKind(enum.StrEnum):
    # Employment-oriented offers (LAB ch. 11, 12 and 14): LAB § 113, stk. 3 applies.
    VIRKSOMHEDSPRAKTIK = "virksomhedspraktik"
    LOENTILSKUD = "loentilskud"
    VEJLEDNING_OPKVALIFICERING = "vejledning_opkvalificering"
    # Other efforts: the right does not apply.
    MENTOR = "mentor"
    HEALTH_EFFORT = "health_effort"
    SOCIAL_EFFORT = "social_effort"


class OfferStatus(enum.StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    ENDED = "ended"
    CANCELLED = "cancelled"


# Offers still to come or going on: the ones a citizen plans around.
OPEN_OFFER_STATUSES = (OfferStatus.PLANNED, OfferStatus.ACTIVE, OfferStatus.ON_HOLD)


class Forloeb(Base):
    __tablename__ = "forloeb"

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(100), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    # The municipality that runs this forløb, for good: a citizen who moves gets a new forløb in
    # the new municipality, and the old one — with its concerns — stays where it was.
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("caseworker.id"), index=True)
    start_date: Mapped[date]
    planned_end_date: Mapped[date]
    legal_basis: Mapped[str] = mapped_column(String(200))
    goals: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ForloebStatus] = mapped_column(
        _enum(ForloebStatus), default=ForloebStatus.ACTIVE
    )
    # No new ressourceforløb from 1 February 2026 (lov nr. 1750 af 29/12/2025): a forløb that
    # starts on or after that day is imported only with the case system's reason.
    start_after_stop_reason: Mapped[str] = mapped_column(Text, default="")
    # The day the portal first saw this forløb as ended (its planned end passed, or the case
    # system said so): the retention clock starts here, and an import that moves the end or the
    # status starts it again (portal.services.retention).
    ended_recorded_on: Mapped[date | None]

    citizen: Mapped[Citizen] = relationship()
    municipality: Mapped[Municipality] = relationship()
    caseworker: Mapped[Caseworker | None] = relationship()


class Offer(Base):
    __tablename__ = "offer"
    __table_args__ = (Index("ix_offer_forloeb_id_start_date", "forloeb_id", "start_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(100), unique=True)
    forloeb_id: Mapped[int] = mapped_column(ForeignKey("forloeb.id"))
    kind: Mapped[OfferKind] = mapped_column(_enum(OfferKind))
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    # The weekly schedule, in local Danish time: e.g. "MO,TU,TH" from 09:00 to 13:00.
    weekdays: Mapped[str] = mapped_column(String(30), default="")
    day_starts_at: Mapped[time | None]
    day_ends_at: Mapped[time | None]
    hours_per_week: Mapped[Decimal | None] = mapped_column(Numeric(4, 1))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    # Skånehensyn: what has been agreed about the citizen's health (special-category data).
    accommodations: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[OfferStatus] = mapped_column(_enum(OfferStatus), default=OfferStatus.PLANNED)

    forloeb: Mapped[Forloeb] = relationship()
