"""Concerns (bekymringer) and their timeline. Rules live in portal.domain.concerns.

A concern's ``answers`` are the citizen's structured answers (special-category health data,
GDPR art. 9): frozen once sent — later information is added as events, never by editing.
``version`` gives optimistic locking, so two people acting at once cannot overwrite each other.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.domain.casework import QUEUE_EPOCH
from portal.domain.concerns import ConcernStatus
from portal.models.base import Base, UTCDateTime, utcnow
from portal.models.forloeb import Offer, _enum
from portal.models.people import Citizen, Municipality


class Concern(Base):
    __tablename__ = "concern"
    __table_args__ = (
        Index("ix_concern_citizen_id_created_at", "citizen_id", "created_at"),
        # The caseworker's queue (by status, oldest first) and the export (changed since).
        Index("ix_concern_status_submitted_at", "status", "submitted_at"),
        Index("ix_concern_updated_at_id", "updated_at", "id"),
        # One municipality's export (the concern stays with its forløb's municipality).
        Index("ix_concern_municipality_id_updated_at_id", "municipality_id", "updated_at", "id"),
        # The caseworker's queue: every page, however deep, is a range of this one index.
        Index(
            "ix_concern_queue",
            "municipality_id",
            "queue_group",
            "queue_day",
            "submitted_at",
            "id",
        ),
        Index("ix_concern_municipality_id_status", "municipality_id", "status"),
        # "Tal om retten" counts the concerns started in a period (issue 17).
        Index("ix_concern_municipality_id_created_at", "municipality_id", "created_at"),
        # At most one draft per offer: a second tab or a double tap resumes it.
        Index(
            "uq_concern_offer_id_draft",
            "offer_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), index=True)
    # The municipality of the offer's forløb, which handles the concern (copied when the concern
    # starts, so every list and export of a municipality is one indexed condition).
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    status: Mapped[ConcernStatus] = mapped_column(_enum(ConcernStatus), default=ConcernStatus.DRAFT)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    steps_done: Mapped[int] = mapped_column(default=0)
    right_applies: Mapped[bool]
    offer_started_when_sent: Mapped[bool | None]
    # The offer's status before this concern put it on hold, to restore when it is released.
    held_offer_status: Mapped[str | None] = mapped_column(String(20))
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)
    created_by_role: Mapped[str] = mapped_column(String(20))
    created_by_ref: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last day the citizen may comment on the coordinator's advice (partshøring).
    comment_until: Mapped[date | None]
    # When the concern was finished (decided, closed, withdrawn) or the draft discarded: the
    # portal's own clock for retention, which no import can move.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last day to complain about the decision, once the day it was received is recorded.
    complaint_deadline: Mapped[date | None]
    # Where the concern stands in the caseworker's queue, kept on the row so that one index
    # orders every page (portal.domain.casework.queue_position): 0 when the citizen said none
    # of the offered times fit, 1 while it holds its offer on hold (with the offer's start day,
    # the soonest first), else 2 (and 1970-01-01); then the oldest first.
    queue_group: Mapped[int] = mapped_column(SmallInteger, default=2)
    queue_day: Mapped[date] = mapped_column(default=QUEUE_EPOCH)
    version: Mapped[int] = mapped_column(default=1)

    citizen: Mapped[Citizen] = relationship()
    offer: Mapped[Offer] = relationship()
    municipality: Mapped[Municipality] = relationship()
    events: Mapped[list[ConcernEvent]] = relationship(
        back_populates="concern", order_by="(ConcernEvent.occurred_at, ConcernEvent.id)"
    )
    meetings: Mapped[list[CoordinatorMeeting]] = relationship(
        back_populates="concern", order_by="CoordinatorMeeting.id"
    )
    proposals: Mapped[list[MeetingProposal]] = relationship(
        back_populates="concern", order_by="MeetingProposal.id", cascade="all, delete-orphan"
    )
    # A draft deleted, or a file taken off it, takes the file's row (and bytes) with it.
    documents: Mapped[list[ConcernDocument]] = relationship(
        back_populates="concern", order_by="ConcernDocument.id", cascade="all, delete-orphan"
    )
    # What the decision did to the offer's plan, once decided (portal.services.decisions).
    plan_decision: Mapped[OfferDecision | None] = relationship(viewonly=True)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ConcernCount(Base):
    """How many concerns a municipality has in each status, with and without the right: kept
    by the database's own triggers on ``concern`` (migration 0016) in the same transaction as
    every change, and never written by the portal. The queue's counts per status read these
    few rows instead of every concern the municipality has had (issue 27)."""

    __tablename__ = "concern_count"

    municipality_id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ConcernStatus] = mapped_column(_enum(ConcernStatus), primary_key=True)
    right_applies: Mapped[bool] = mapped_column(primary_key=True)
    concerns: Mapped[int]


class ConcernEvent(Base):
    """One step in a concern's timeline: status changes, messages, added information."""

    __tablename__ = "concern_event"
    __table_args__ = (
        Index("ix_concern_event_concern_id_occurred_at", "concern_id", "occurred_at"),
        # "Tal om retten" counts the events of a kind in a period (issue 17).
        Index("ix_concern_event_kind_occurred_at", "kind", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[str] = mapped_column(String(30))
    actor_role: Mapped[str] = mapped_column(String(20))
    actor_ref: Mapped[str] = mapped_column(String(100))
    citizen_visible: Mapped[bool] = mapped_column(default=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    concern: Mapped[Concern] = relationship(back_populates="events")


class CoordinatorMeeting(Base):
    """The meeting with the sundhedskoordinator (BEK nr. 2409 § 3): booked, perhaps moved (the
    same row, ``moves`` counts it), then held or not held. A meeting that was not held stays as
    it was; booking again makes a new row."""

    __tablename__ = "coordinator_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    form: Mapped[str] = mapped_column(String(20))  # in_person, video or phone
    place: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    coordinator: Mapped[str] = mapped_column(String(200))
    clinical_unit: Mapped[str] = mapped_column(String(200))
    moves: Mapped[int] = mapped_column(default=0)
    # None while booked; "held" or "not_held" once recorded.
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    concern: Mapped[Concern] = relationship(back_populates="meetings")


class MeetingProposal(Base):
    """Times the caseworker offers for the meeting; the citizen picks one (then the meeting is
    booked at it) or says none fit, and why. ``status``: open, chosen, declined, or replaced
    (new times, or the caseworker booked directly)."""

    __tablename__ = "meeting_proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id"), index=True)
    times: Mapped[list] = mapped_column(JSON)  # aware times as ISO 8601 in UTC, soonest first
    form: Mapped[str] = mapped_column(String(20))
    place: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    coordinator: Mapped[str] = mapped_column(String(200))
    clinical_unit: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open")
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    chosen_time: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    concern: Mapped[Concern] = relationship(back_populates="proposals")

    @property
    def starts(self) -> list[datetime]:
        return [datetime.fromisoformat(moment) for moment in self.times]


class ConcernDocument(Base):
    """A file the citizen (or a relative who may act) attached: a doctor's note, a photo of a
    letter. The content is kept in the database, in the same transaction as the step that adds
    it, and loaded only when someone downloads it."""

    __tablename__ = "concern_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    added_by_role: Mapped[str] = mapped_column(String(20))
    added_by_ref: Mapped[str] = mapped_column(String(100))
    added_by_name: Mapped[str] = mapped_column(String(200), default="")

    concern: Mapped[Concern] = relationship(back_populates="documents")


class GuidanceShown(Base):
    """The first time the written guidance about the right (BEK nr. 2409 § 2) was shown with an
    employment-oriented offer, to the citizen or a relative acting for them: so "saw the
    guidance" is a fact in "Tal om retten" (issue 17), not a guess. One row per offer."""

    __tablename__ = "guidance_shown"
    __table_args__ = (
        Index("ix_guidance_shown_municipality_id_shown_at", "municipality_id", "shown_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"), unique=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    shown_to_role: Mapped[str] = mapped_column(String(20))  # citizen or relative


class OfferDecision(Base):
    """What a decision did to its offer's plan (portal.domain.decisions): the plan before, the
    plan decided, and what the case system has said since.

    The decided values are written onto the offer itself, so every page, file and feed shows
    them; ``before`` keeps the old plan for the decision page only. ``case_system``: ``waiting``
    until an import carries the offer again, then ``agrees`` (it applied the decision: the case
    system owns the plan again) or ``disagrees`` (the decided values stay, and the caseworker is
    told); ``replaced`` when a later decision about the offer takes this one's place."""

    __tablename__ = "offer_decision"
    __table_args__ = (Index("ix_offer_decision_offer_id_case_system", "offer_id", "case_system"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(ForeignKey("concern.id"), unique=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    # The parts of the plan the decision changed, with their decided values (JSON form).
    decided: Mapped[dict] = mapped_column(JSON, default=dict)
    change_text: Mapped[str] = mapped_column(Text, default="")
    replacement: Mapped[str] = mapped_column(Text, default="")
    case_system: Mapped[str] = mapped_column(String(20), default="waiting")
    case_system_said: Mapped[dict] = mapped_column(JSON, default=dict)
    case_system_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    concern: Mapped[Concern] = relationship()
