"""What an operator runs and watches: /health, /ready and /metrics; the database going away and
coming back; retention; the settings the privacy page states."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session

from portal import create_app
from portal.models import (
    AuditEvent,
    Concern,
    ConcernEvent,
    Forloeb,
    OutboxMessage,
)
from portal.services import concern_steps, concerns, retention
from portal.services.demo_seed import seed_demo
from tests.factories import (
    CASEWORKER,
    CPR_KEY,
    TODAY,
    login,
    portal_settings,
    sent,
)
from tests.pages import text_of
from tests.processes import TcpProxy, postgres_database


# -- /health, /ready, /metrics ---------------------------------------------------------------
def test_health_says_the_process_is_alive_and_ready_checks_what_serving_needs(app, client):
    assert client.get("/health").get_json() == {"status": "ok"}
    ready = client.get("/ready")
    assert ready.status_code == 200
    assert ready.get_json()["checks"] == {"database": "ok", "migrations": "ok"}


def test_ready_turns_red_when_the_migrations_are_behind(app, client, monkeypatch):
    monkeypatch.setattr("portal.ops._head", lambda: "9999")
    ready = client.get("/ready")
    assert ready.status_code == 503 and ready.get_json()["checks"]["migrations"] == "behind"


def test_ready_names_redis_when_it_is_away_and_the_portal_keeps_serving(
    database_url, idp, work_idp, caplog
):
    caplog.set_level(logging.WARNING)
    settings = portal_settings(database_url, idp.url, work_idp.url)
    settings |= {"REDIS_URL": "redis://127.0.0.1:6390/0"}  # nothing listens there
    portal = create_app(settings)
    try:
        client = portal.test_client()
        ready = client.get("/ready")
        assert ready.status_code == 503 and ready.get_json()["checks"]["redis"] == "unavailable"
        assert client.get("/dine-rettigheder/").status_code == 200
        failed_login = client.get("/api/v1/concerns", headers={"Authorization": "Bearer x"})
        assert failed_login.status_code == 401, "the limit fell back to memory; no 500"
        assert "not ready" in caplog.text
    finally:
        portal.extensions["db_engine"].dispose()


def test_metrics_count_requests_and_the_backlog_and_are_not_for_everyone(app, client, db):
    client.get("/dine-rettigheder/")
    db.add(OutboxMessage(to_address="a@b.dk", subject="x", body="y"))
    db.commit()
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    body = metrics.get_data(as_text=True)
    assert 'portal_requests_total{endpoint="rules.index",method="GET",status="200"}' in body
    assert "portal_request_duration_seconds_bucket" in body
    assert "portal_outbox_backlog 1" in body
    outsider = client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert outsider.status_code == 404
    app.config["METRICS_TOKEN"] = "m" * 40
    try:
        with_token = client.get(
            "/metrics",
            environ_base={"REMOTE_ADDR": "203.0.113.9"},
            headers={"Authorization": "Bearer " + "m" * 40},
        )
        assert with_token.status_code == 200
    finally:
        app.config["METRICS_TOKEN"] = None


def test_every_response_says_its_request_id(client):
    answer = client.get("/health", headers={"X-Request-Id": "lb-0123456789abcdef"})
    assert answer.headers["X-Request-Id"] == "lb-0123456789abcdef"
    made = client.get("/health", headers={"X-Request-Id": "bad id!"}).headers["X-Request-Id"]
    assert len(made) == 32 and made.isalnum()


# -- the database going away -----------------------------------------------------------------
@pytest.fixture
def behind_a_proxy(idp, work_idp):
    """A portal whose database connections run through a proxy we can cut (PostgreSQL)."""
    proxy = TcpProxy()
    with postgres_database(proxy.port) as url:
        engine = create_engine(url.replace(f":{proxy.port}/", ":5432/"))
        with Session(engine) as db:
            seed_demo(db, CPR_KEY, TODAY)
        engine.dispose()
        portal = create_app(portal_settings(url, idp.url, work_idp.url))
        yield portal, proxy
        portal.extensions["db_engine"].dispose()
    proxy.close()


def test_the_database_going_away_gives_the_friendly_page_and_the_portal_recovers(
    behind_a_proxy,
):
    portal, proxy = behind_a_proxy
    citizen = portal.test_client()
    assert login(citizen, "mette").status_code == 302
    assert citizen.get("/mit-forloeb").status_code == 200

    proxy.cut()
    away = citizen.get("/mit-forloeb")
    assert away.status_code == 503
    assert "Portalen kan ikke bruges lige nu" in text_of(away)
    assert portal.test_client().get("/ready").status_code == 503

    proxy.mend()
    answers = [citizen.get("/mit-forloeb").status_code for _ in range(2)]
    assert answers[-1] == 200, answers
    assert "Hej Mette Testesen." in text_of(citizen.get("/mit-forloeb")), "still logged in"
    assert portal.test_client().get("/ready").status_code == 200


# -- retention -------------------------------------------------------------------------------
POLICY = retention.Policy(concern_days=365, access_log_days=183, outbox_days=30)


def test_retention_deletes_what_is_kept_no_longer_and_can_run_again(db, demo):
    _mette, old = sent(db, demo)  # Mette's forløb will have ended long ago
    concerns.withdraw(db, _mette, old)
    _jens, current = sent(db, demo, "jens", "demo-offer-jens-2")  # a forløb still running
    concerns.withdraw(db, _jens, current)
    _ali, still_open = sent(db, demo, "ali", "demo-offer-ali-1")
    forloeb_of = select(Forloeb.id).where(
        Forloeb.external_id.in_(["demo-forloeb-mette", "demo-forloeb-ali"])
    )
    db.execute(
        update(Forloeb)
        .where(Forloeb.id.in_(forloeb_of))
        .values(planned_end_date=TODAY - timedelta(days=400))
    )
    now = datetime.now(UTC)
    db.add(AuditEvent(occurred_at=now - timedelta(days=200), actor_role="caseworker",
                      actor_ref="caseworker:x", subject_citizen_id=old.citizen_id,
                      action="concern.read", purpose="concern_handling"))  # fmt: skip
    db.add(
        OutboxMessage(to_address="a@b.dk", subject="x", body="y", sent_at=now - timedelta(days=40))
    )
    db.add(OutboxMessage(to_address="c@d.dk", subject="x", body="y"))  # not sent yet: kept
    db.commit()
    looks_before = db.scalar(select(func.count()).select_from(AuditEvent))

    removed = retention.run(db, POLICY, TODAY, now)
    assert (removed.concerns, removed.access_log, removed.outbox) == (1, 1, 1)
    remaining = set(db.scalars(select(Concern.id)))
    assert old.id not in remaining
    assert {current.id, still_open.id} <= remaining, "a running forløb; an open concern"
    assert not db.scalars(select(ConcernEvent).where(ConcernEvent.concern_id == old.id)).all()
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == looks_before - 1

    again = retention.run(db, POLICY, TODAY, now)
    assert (again.concerns, again.access_log, again.outbox) == (0, 0, 0)


def test_the_privacy_page_states_how_long_things_are_kept(client):
    page = text_of(client.get("/om-dine-data"))
    assert "Dine bekymringer sletter vi 12 måneder efter, at dit forløb er slut." in page
    assert "gemmer vi i 6 måneder" in page


def test_retention_from_the_command_line(app, db, demo):
    result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0 and "Deleted 0 concerns" in result.output


def test_a_caseworker_action_is_unaffected_by_retention_of_others(db, demo):
    _mette, concern = sent(db, demo)
    concern_steps.transition(db, CASEWORKER, concern, concerns.ConcernAction.ACKNOWLEDGE)
    assert retention.run(db, POLICY, TODAY, datetime.now(UTC)).concerns == 0
