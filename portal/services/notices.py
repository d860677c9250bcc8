"""Telling the citizen that something happened in their case.

Every event by someone else (the caseworker acknowledging, booking the meeting, recording advice,
deciding, closing) leaves a notice in the portal and, if the citizen gave an e-mail address in
the concern, a message in the outbox. The message is from the municipality (its name as the
sender) and names the step and its deadline, but holds nothing of the citizen — no name, no
offer, no health — because e-mail is not a safe place for health data (GDPR art. 9).
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from portal import page_marks
from portal.models import Concern, Notice, OutboxMessage
from portal.models.base import utcnow
from portal.services.transaction import saved

# The municipality's steps (timeline event kinds), and a meeting a relative chose for the citizen;
# the citizen's own steps need no notice. What each e-mail says, in Danish and English: the step
# in the subject, a deadline where the step has one, and to log in on the portal — its address
# written out, never a link to click, so a real message does not look like phishing and a
# phishing one does not look like ours.
SUBJECTS = {
    "acknowledged": (
        "Kommunen har modtaget din bekymring",
        "The municipality has received your concern",
    ),
    "times_proposed": ("Du kan vælge en tid til mødet", "You can choose a time for the meeting"),
    "meeting_booked": ("Dit møde er aftalt", "Your meeting is booked"),
    "meeting_moved": ("Dit møde er flyttet", "Your meeting has been moved"),
    "advice_recorded": (
        "Sundhedskoordinatoren har givet sit råd",
        "The health coordinator has given advice",
    ),
    "decided": ("Der er truffet en afgørelse", "A decision has been made"),
    "closed": ("Sagen om din bekymring er afsluttet", "Your concern is closed"),
    "message_sent": (
        "Du har fået en besked fra kommunen",
        "You have a message from the municipality",
    ),
}
DEADLINES = {
    "times_proposed": ("Vælg en tid senest {da}.", "Choose a time by {en}."),
    "advice_recorded": (
        "Du kan skrive, hvad du mener om rådet, til og med {da}.",
        "You can say what you think of the advice until {en}.",
    ),
}
COMPLAINT = (
    "Du kan klage inden 4 uger fra den dag, du fik afgørelsen.",
    "You can complain within 4 weeks from the day you received the decision.",
)
NOTIFY_KINDS = frozenset(SUBJECTS)
# {portal_url} is filled in at delivery with the portal's address (portal.services.outbox).
LOG_IN = (
    "Log ind på portalen for at læse mere. Skriv selv adressen i din browser: {portal_url}\n"
    "Vi sender aldrig et link, du skal logge ind med.",
    "Log in on the portal to read more. Type the address in your browser yourself: "
    "{portal_url}\nWe never send a link to log in with.",
)


def email(kind: str, municipality: str, deadline: date | None = None) -> tuple[str, str]:
    """The subject and body of the e-mail about a step: no name, no health, no offer."""
    da, en = SUBJECTS[kind]
    lines_da, lines_en = [f"{da}."], [f"{en}."]
    if deadline is not None and kind in DEADLINES:
        when_da = format_date(deadline, "EEEE 'den' d. MMMM y", locale="da")
        when_en = format_date(deadline, "EEEE d MMMM y", locale="en")
        lines_da.append(DEADLINES[kind][0].format(da=when_da))
        lines_en.append(DEADLINES[kind][1].format(en=when_en))
    if kind == "decided":
        lines_da.append(COMPLAINT[0])
        lines_en.append(COMPLAINT[1])
    body = "\n".join([*lines_da, LOG_IN[0], "", *lines_en, LOG_IN[1], "", municipality])
    return f"{da} / {en}", body


def notify(db: Session, concern: Concern, kind: str, deadline: date | None = None) -> None:
    """Add the notice and the e-mail to the caller's transaction (saved with the event)."""
    if kind not in NOTIFY_KINDS:
        return
    now = utcnow()
    db.add(Notice(citizen_id=concern.citizen_id, concern_id=concern.id, kind=kind, created_at=now))
    address = ((concern.answers or {}).get("email") or "").strip()
    if address:
        municipality = concern.municipality.name
        subject, body = email(kind, municipality, deadline)
        db.add(
            OutboxMessage(
                to_address=address,
                sender_name=municipality,
                subject=subject,
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
        )


# Built once: the front page asks on every drawing (docs/architecture.md §10).
_UNREAD = (
    select(Notice)
    .where(Notice.citizen_id == bindparam("citizen_id"), Notice.read_at.is_(None))
    .order_by(Notice.created_at.desc())
    .limit(bindparam("limit"))
)


def unread(db: Session, citizen_id: int | None, limit: int = 10) -> list[Notice]:
    if citizen_id is None:
        return []
    return list(db.scalars(_UNREAD, {"citizen_id": citizen_id, "limit": limit}))


def mark_read(db: Session, citizen_id: int, concern_id: int) -> None:
    """The concern's notices have been read: its page was opened. The page's own select says
    whether there are any (``concerns.own_concern``), so most looks write nothing."""
    with saved(db):
        db.execute(
            update(Notice)
            .where(
                Notice.citizen_id == citizen_id,
                Notice.concern_id == concern_id,
                Notice.read_at.is_(None),
            )
            .values(read_at=utcnow())
            # The citizen's own pages only (the front page says there is news).
            .execution_options(**page_marks.changes_pages_of(citizen_id))
        )
