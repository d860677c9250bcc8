"""Calendar files and logs that cannot be injected: text from the case system goes into .ics
cleaned of control characters and escaped by icalendar; logs are JSON lines whose values cannot
forge a line; no token reaches any log."""

from __future__ import annotations

import json
import logging

import icalendar
from sqlalchemy import update

from portal.logs import JsonFormatter
from portal.models import Offer
from tests.factories import api_token, as_citizen, bearer, feed_url, offer_id


def test_a_title_with_line_breaks_stays_one_event_in_the_calendar(app, db, demo):
    db.execute(
        update(Offer)
        .where(Offer.external_id == "demo-offer-mette-1")
        .values(
            title="Praktik\r\nEND:VEVENT\r\nBEGIN:VEVENT\rSUMMARY:Falsk",
            place="Have\x1bvej\u2028 12",
        )
    )
    db.commit()
    citizen = as_citizen(app)
    for url in [f"/tilbud/{offer_id(db)}/kalender.ics", feed_url(citizen)]:
        ics = citizen.get(url).data
        events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
        titles = [str(e["summary"]) for e in events]
        assert "Falsk" not in titles and not any("\n" in t or "\r" in t for t in titles)
        assert b"\nSUMMARY:Falsk" not in ics and b"\x1b" not in ics
        assert len([t for t in titles if t.startswith("Praktik")]) == 1


def test_a_log_line_cannot_be_forged_and_keeps_its_values_apart():
    record = logging.LogRecord(
        "portal.auth", logging.WARNING, __file__, 1, "login refused: %s", ("x\r\nFAKE",), None
    )
    line = JsonFormatter().format(record)
    assert "\n" not in line and "\r" not in line
    entry = json.loads(line)
    assert entry["event"] == "login refused: x\r\nFAKE", "rendered, and its line break escaped"
    assert entry["level"] == "WARNING" and entry["logger"] == "portal.auth" and entry["time"]


def test_a_forged_error_on_the_callback_is_logged_as_other(app, client, idp, caplog):
    caplog.set_level(logging.INFO)
    client.get("/login")
    client.get(
        "/auth/callback",
        query_string={"error": "x\r\nFAKE LINE", "state": "s", "iss": idp.url},
    )
    assert "provider_error:other" in caplog.text and "FAKE LINE" not in caplog.text


def test_no_token_or_code_reaches_the_logs(app, db, demo, caplog):
    caplog.set_level(logging.INFO)
    citizen = as_citizen(app)
    feed = feed_url(citizen)
    app.test_client().get(feed)
    token = api_token(db, "901", "export")
    app.test_client().get("/api/v1/concerns", headers=bearer(token))
    app.test_client().get("/api/v1/concerns", headers=bearer(token[:-2] + "xx"))
    secret = feed.rsplit("/", 1)[1].removesuffix(".ics")
    everything = caplog.text + "".join(JsonFormatter().format(r) for r in caplog.records)
    assert secret not in everything and token not in everything and token[:-2] not in everything
    routes = [getattr(r, "route", None) for r in caplog.records if r.name == "portal.request"]
    assert "/kalender/<token>.ics" in routes
    assert "code=" not in everything, "the login's authorization code is never logged"
