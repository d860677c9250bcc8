"""Notices in the portal and e-mails from the outbox: news without health details, retried."""

from __future__ import annotations

import logging
import socketserver
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.db import utcnow
from portal.domain.concerns import ConcernAction as A
from portal.models import Concern, Notice, OutboxMessage
from portal.services import concern_steps, concerns, outbox
from portal.services.concerns import Actor
from tests.factories import fill_all, login
from tests.pages import text_of

CASEWORKER = Actor("caseworker", "caseworker:1")


def sent_concern(client, db) -> Concern:
    concern_id = fill_all(client, db)  # the answers include an e-mail address
    concern = db.get(Concern, concern_id)
    from portal.auth.principal import Principal

    return concerns.submit(db, Principal("citizen", "s", "n", concern.citizen_id), concern)


def test_a_caseworker_step_leaves_a_notice_and_an_email_without_health_details(client, db, demo):
    login(client, "mette")
    concern = sent_concern(client, db)
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0, (
        "the citizen's own sending is confirmed on screen, not by e-mail"
    )
    concern_steps.transition(db, CASEWORKER, concern, A.ACKNOWLEDGE)

    message = db.scalar(select(OutboxMessage))
    assert message.to_address == "mette@example.dk"
    for private in ("træt", "kronisk", "Planteskole", "planteskole", concern.offer.title):
        assert private not in message.body and private not in message.subject
    assert message.subject == (
        "Kommunen har modtaget din bekymring / The municipality has received your concern"
    )
    assert message.sender_name == "Nordby Kommune", "the sender is the municipality"
    assert "Log ind på portalen" in message.body and "{portal_url}" in message.body
    assert "http" not in message.body, "no link to click"

    front = text_of(client.get("/mit-forloeb"))
    assert "Der er nyt i din sag" in front
    client.get(f"/bekymringer/{concern.id}")
    assert "Der er nyt i din sag" not in text_of(client.get("/mit-forloeb")), "read now"
    assert db.scalar(select(Notice.read_at)) is not None


class FailingThenWorking:
    def __init__(self, failures: int):
        self.failures, self.sent = failures, []

    def send(self, to, subject, body, sender_name=""):
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError
        self.sent.append((to, subject, body))


def queue(db, n=1):
    now = utcnow()
    db.add_all(
        OutboxMessage(
            to_address=f"a{i}@example.dk",
            sender_name="Nordby Kommune",
            subject="Nyt",
            body="Log ind: {portal_url}",
            created_at=now,
            next_attempt_at=now,
        )
        for i in range(n)
    )
    db.commit()
    return now


def test_delivery_failures_are_retried_later_and_never_lost(db):
    now = queue(db)
    transport = FailingThenWorking(failures=1)
    first = outbox.deliver_due(db, transport, now, "https://portal.example")
    assert (first.sent, first.retried) == (0, 1)
    message = db.scalar(select(OutboxMessage))
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert outbox.deliver_due(db, transport, now, "https://portal.example").sent == 0, "not yet"
    later = outbox.deliver_due(db, transport, now + timedelta(minutes=2), "https://portal.example")
    assert later.sent == 1
    assert transport.sent == [("a0@example.dk", "Nyt", "Log ind: portal.example")]


def test_a_message_that_keeps_failing_is_marked_failed(db):
    now = queue(db)
    transport = FailingThenWorking(failures=100)
    moment = now
    for _ in range(len(outbox.BACKOFF) + 1):
        outbox.deliver_due(db, transport, moment, "https://portal.example")
        moment += timedelta(days=1)
    message = db.scalar(select(OutboxMessage))
    assert message.failed_at is not None and message.sent_at is None
    assert message.last_error == "ConnectionRefusedError"


def test_in_development_messages_go_to_the_log_with_the_address_masked(db, caplog):
    now = queue(db)
    caplog.set_level(logging.INFO, logger="portal.services.outbox")
    outbox.deliver_due(db, outbox.LogTransport(), now, "http://localhost:8000")
    assert "a***@example.dk" in caplog.text and "a0@example.dk" not in caplog.text


class SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to receive one message."""

    received: list[str] = []  # noqa: RUF012

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        data = False
        lines = []
        for raw in self.rfile:
            line = raw.decode().rstrip("\r\n")
            if data:
                if line == ".":
                    data = False
                    SmtpHandler.received.append("\n".join(lines))
                    self.wfile.write(b"250 OK\r\n")
                else:
                    lines.append(line)
                continue
            verb = line[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == "DATA":
                data = True
                self.wfile.write(b"354 go on\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    SmtpHandler.received = []
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_smtp_delivery_over_a_real_connection(db, smtp_server):
    now = queue(db)
    transport = outbox.SmtpTransport(
        host="127.0.0.1", port=smtp_server, sender="noreply@portal.example", starttls=False
    )
    assert outbox.deliver_due(db, transport, now, "https://portal.example").sent == 1
    (mail,) = SmtpHandler.received
    assert "To: a0@example.dk" in mail and "Subject: Nyt" in mail
    assert "From: Nordby Kommune <noreply@portal.example>" in mail
    assert "Log ind: portal.example" in mail, "the address written out, not a link"


def test_an_unreachable_mail_server_does_not_fail_delivery_runs(db):
    now = queue(db, 2)
    transport = outbox.SmtpTransport(
        host="127.0.0.1", port=9, sender="x@example.dk", starttls=False, timeout=1
    )
    result = outbox.deliver_due(db, transport, now, "https://portal.example")
    assert (result.sent, result.retried) == (0, 2)


def test_the_cli_delivers_the_outbox(app, db, caplog):
    queue(db)
    caplog.set_level(logging.INFO)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Sent 1, to retry 0, failed 0." in result.output


def test_the_front_page_asks_for_the_news_only_when_there_is_some(client, db, demo, count_queries):
    """Whether there is news comes with the forløb's own select: a front page without news
    sends no select of notices; with news it lists them."""
    login(client, "mette")
    client.get("/mit-forloeb")  # the first page after login saves the session's data
    with count_queries() as without_news:
        front = text_of(client.get("/mit-forloeb"))
    assert "Der er nyt i din sag" not in front
    assert not [s for s in without_news.statements if s.lstrip().startswith("SELECT notice.")]

    concern_steps.transition(db, CASEWORKER, sent_concern(client, db), A.ACKNOWLEDGE)
    with count_queries() as with_news:
        front = text_of(client.get("/mit-forloeb"))
    assert "Der er nyt i din sag" in front
    assert with_news.count == without_news.count + 1
