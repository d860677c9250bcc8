"""Offers and meetings as iCalendar (RFC 5545): one offer or meeting to download, or a personal
feed to subscribe to.

Times are local Danish time with a VTIMEZONE for Europe/Copenhagen, so a weekly 09:00 stays
09:00 on both sides of a daylight-saving change. The feed URL carries a signed token (the
citizen's id and feed version); raising the version revokes every link given out before. The
calendar holds what a calendar needs — title, place, times, contact — and never the agreed
health considerations or anything of a concern but its meeting.

An offer on hold stays in the feed as a cancelled event (same UID), so calendar apps take its
sessions out until the decision; a decision's plan is the offer's own (portal.services.decisions),
so the feed and the files carry it as soon as it is recorded, and an offer the decision cancelled
leaves the feed; the meeting with the sundhedskoordinator keeps one UID, and a
moved meeting raises its SEQUENCE, so it updates the same event. Every text is cleaned of
control characters before icalendar escapes it: a line break in a case-system title can never
start a new property.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import icalendar
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.domain.danish import DANISH_TIME
from portal.domain.offers import first_session, weekdays_of
from portal.models import (
    OPEN_OFFER_STATUSES,
    Citizen,
    Concern,
    CoordinatorMeeting,
    Forloeb,
    Offer,
    OfferDecision,
)
from portal.services.story import PLAN_CHANGING
from portal.services.transaction import saved

FEED_SALT = "calendar-feed"
FEED_LIMIT = 200


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=FEED_SALT)


def feed_token(secret: str, citizen: Citizen) -> str:
    return _serializer(secret).dumps([citizen.id, citizen.calendar_feed_version])


def own_feed_token(db: Session, secret: str, citizen_id: int | None) -> str | None:
    """The citizen's current feed token; None for a person the portal has no case data on."""
    citizen = db.get(Citizen, citizen_id) if citizen_id is not None else None
    return feed_token(secret, citizen) if citizen is not None else None


def citizen_for_feed(db: Session, secret: str, token: str) -> Citizen | None:
    """The citizen whose valid, unrevoked feed token this is; None for anything else."""
    try:
        citizen_id, version = _serializer(secret).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    citizen = db.get(Citizen, citizen_id) if isinstance(citizen_id, int) else None
    if citizen is None or citizen.calendar_feed_version != version:
        return None
    return citizen


def renew_feed(db: Session, citizen_id: int) -> None:
    """Revoke the citizen's feed links; the next link shown is a new one."""
    with saved(db):
        db.execute(
            update(Citizen)
            .where(Citizen.id == citizen_id)
            .values(calendar_feed_version=Citizen.calendar_feed_version + 1)
        )


def feed_offers(db: Session, citizen_id: int, today: date) -> list[Offer]:
    return list(
        db.scalars(
            select(Offer)
            .join(Forloeb, Offer.forloeb_id == Forloeb.id)
            .where(
                Forloeb.citizen_id == citizen_id,
                Offer.status.in_(OPEN_OFFER_STATUSES),
                (Offer.end_date.is_(None)) | (Offer.end_date >= today),
            )
            .order_by(Offer.start_date)
            .limit(FEED_LIMIT)
        )
    )


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
MEETING_LENGTH = timedelta(hours=1)


def clean(text: str) -> str:
    """One line of plain text: control characters (CR, LF, NUL, …) become a space."""
    return _CONTROL.sub(" ", text or "").strip()


def feed_meetings(db: Session, citizen_id: int) -> list[CoordinatorMeeting]:
    """The citizen's meetings with the sundhedskoordinator that are booked now."""
    return list(
        db.scalars(
            select(CoordinatorMeeting)
            .join(Concern, CoordinatorMeeting.concern_id == Concern.id)
            .where(Concern.citizen_id == citizen_id, CoordinatorMeeting.outcome.is_(None))
            .order_by(CoordinatorMeeting.starts_at)
            .limit(FEED_LIMIT)
        )
    )


def _meeting_event(
    meeting: CoordinatorMeeting, host: str, concern_url: str, now: datetime
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("sequence", meeting.moves)
    event.add("dtstamp", now)
    event.add("summary", "Møde med sundhedskoordinator")
    starts = meeting.starts_at.astimezone(DANISH_TIME)
    event.add("dtstart", starts)
    event.add("dtend", starts + MEETING_LENGTH)
    where = meeting.video_url or meeting.place
    if where:
        event.add("location", clean(where))
    people = clean(f"{meeting.coordinator}, {meeting.clinical_unit}")
    event.add("description", f"Møde om din bekymring med {people}.\n{concern_url}")
    event.add("url", meeting.video_url or concern_url)
    return event


def plan_versions(db: Session, offer_ids: list[int]) -> dict[int, int]:
    """How many decisions changed each offer's plan: its SEQUENCE, so that a calendar which
    imported the file before replaces the event with the decided plan."""
    if not offer_ids:
        return {}
    return dict(
        db.execute(
            select(OfferDecision.offer_id, func.count())
            .where(
                OfferDecision.offer_id.in_(offer_ids),
                OfferDecision.outcome.in_(PLAN_CHANGING),
            )
            .group_by(OfferDecision.offer_id)
        ).all()
    )


def _event(
    offer: Offer, host: str, offer_url: str, now: datetime, sequence: int = 0
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"offer-{clean(offer.external_id)}@{host}")
    event.add("sequence", sequence)
    event.add("dtstamp", now)
    if offer.status == "on_hold":
        # Sat i bero: the citizen is not to go until the municipality has decided.
        event.add("summary", f"Sat i bero: {clean(offer.title)}")
        event.add("status", "CANCELLED")
    elif offer.status == "cancelled":
        # Aflyst, e.g. by a decision: an app that has the event takes its sessions out.
        event.add("summary", f"Aflyst: {clean(offer.title)}")
        event.add("status", "CANCELLED")
    else:
        event.add("summary", clean(offer.title))
    location = ", ".join(clean(part) for part in (offer.place, offer.address) if part)
    if location:
        event.add("location", location)
    contact = clean(" ".join(p for p in (offer.contact_name, offer.contact_phone) if p))
    description = f"Kontakt: {contact}\n{offer_url}" if contact else offer_url
    event.add("description", description)
    event.add("url", offer_url)
    weekdays = weekdays_of(offer.weekdays)
    if offer.day_starts_at and offer.day_ends_at:
        first = first_session(offer.start_date, weekdays)
        event.add("dtstart", datetime.combine(first, offer.day_starts_at, DANISH_TIME))
        event.add("dtend", datetime.combine(first, offer.day_ends_at, DANISH_TIME))
        if weekdays:
            rule: dict = {"freq": "weekly", "byday": offer.weekdays.split(",")}
            if offer.end_date:
                last = datetime.combine(offer.end_date, offer.day_ends_at, DANISH_TIME)
                rule["until"] = last.astimezone(UTC)
            event.add("rrule", rule)
    else:
        # No daily times: the first day as an all-day event, not months of all-day clutter.
        event.add("dtstart", offer.start_date)
        event.add("dtend", offer.start_date + timedelta(days=1))
    return event


def calendar_bytes(
    offers: list[Offer],
    host: str,
    offer_url,
    name: str,
    meetings: list[CoordinatorMeeting] = (),
    concern_url=None,
    versions: dict[int, int] | None = None,
) -> bytes:
    """``offer_url(offer)`` and ``concern_url(meeting)`` give the pages' absolute URLs;
    ``versions`` each offer's SEQUENCE (``plan_versions``)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Mit ressourceforloeb//DA")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", clean(name))
    calendar.add("x-wr-timezone", "Europe/Copenhagen")
    now = datetime.now(UTC)
    for offer in offers:
        sequence = (versions or {}).get(offer.id, 0)
        calendar.add_component(_event(offer, host, offer_url(offer), now, sequence))
    for meeting in meetings:
        calendar.add_component(_meeting_event(meeting, host, concern_url(meeting), now))
    calendar.add_missing_timezones()
    return calendar.to_ical()
