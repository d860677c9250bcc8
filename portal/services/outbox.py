"""Delivering the outbox: SMTP in production, the log in development; failures are retried.

``deliver_due`` is run by ``flask outbox work`` (a long-running worker), ``flask outbox send``
(cron, every minute) and by ``make run`` in the background. Any number of them may run at once:
each message is claimed on its own (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and stays locked
until it is marked sent, so two workers never send the same message. (If a worker dies between
sending and marking, the message is sent again later: at least once, never lost.) A message that
fails is tried again later (1 min, 5 min, 30 min, 2 h, 12 h) and given up after that, marked
failed for an operator to see. Nothing here ever runs inside a citizen's request.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import OutboxMessage

log = logging.getLogger(__name__)

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)


class Transport(Protocol):
    def send(self, to: str, subject: str, body: str, sender_name: str = "") -> None: ...


def written_out(url: str) -> str:
    """'https://mitforloeb.nordby.dk/' → 'mitforloeb.nordby.dk': an address to type, which mail
    programs are less eager to turn into a link than a full URL."""
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


def masked(address: str) -> str:
    """'m***@example.dk': enough for an operator to recognise, not to read."""
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"


class LogTransport:
    """Development: the message goes to the log (it holds no health details by design)."""

    def send(self, to: str, subject: str, body: str, sender_name: str = "") -> None:
        log.info("e-mail to %s: %s (from %s)\n%s", masked(to), subject, sender_name, body)


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 10.0

    def send(self, to: str, subject: str, body: str, sender_name: str = "") -> None:
        message = EmailMessage()
        message["From"] = formataddr((sender_name, self.sender)) if sender_name else self.sender
        message["To"], message["Subject"] = to, subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


@dataclass(frozen=True)
class Delivery:
    sent: int
    retried: int
    failed: int


def _claim(db: Session, now: datetime) -> OutboxMessage | None:
    """The next due message, locked for this worker until its transaction ends."""
    return db.scalar(
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def backlog(db: Session, now: datetime) -> int:
    """How many messages are due and not sent (for /metrics)."""
    return db.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
    )


def deliver_due(
    db: Session,
    transport: Transport,
    now: datetime,
    portal_url: str,
    limit: int = 100,
    keep_going=lambda: True,
) -> Delivery:
    """Deliver up to ``limit`` due messages, one at a time, each claimed and marked in its own
    transaction; stop early when ``keep_going()`` says so (a worker asked to stop). The portal's
    address goes in written out (host and path), not as a link to click."""
    address = written_out(portal_url)
    sent = retried = failed = 0
    for _ in range(limit):
        if not keep_going():
            break
        message = _claim(db, now)
        if message is None:
            db.commit()
            break
        try:
            transport.send(
                message.to_address,
                message.subject,
                message.body.replace("{portal_url}", address),
                sender_name=message.sender_name,
            )
        except (OSError, smtplib.SMTPException) as error:
            message.attempts += 1
            message.last_error = type(error).__name__[:100]
            if message.attempts > len(BACKOFF):
                message.failed_at = now
                failed += 1
                log.error("outbox message %s failed for good: %s", message.id, message.last_error)
            else:
                message.next_attempt_at = now + BACKOFF[message.attempts - 1]
                retried += 1
                log.warning(
                    "outbox message %s not delivered (%s); trying again later",
                    message.id,
                    message.last_error,
                )
        else:
            message.attempts += 1
            message.sent_at = now
            sent += 1
        db.commit()
    return Delivery(sent, retried, failed)


def transport_from_config(config) -> Transport:
    smtp = config["SMTP"]
    if not smtp["host"]:
        return LogTransport()
    return SmtpTransport(
        host=smtp["host"],
        port=smtp["port"],
        sender=smtp["sender"],
        username=smtp["username"],
        password=smtp["password"],
        starttls=smtp["starttls"],
        timeout=config["HTTP_TIMEOUT"],
    )
