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
    Offer,
    OutboxMessage,
)
from portal.services import concern_steps, concerns, decisions, retention
from portal.services.case_import import import_batch
from portal.services.demo_seed import demo_batch, seed_demo
from tests import services
from tests.factories import (
    CASEWORKER,
    CPR_KEY,
    TODAY,
    csrf_token,
    login,
    portal_settings,
    sent,
    walk,
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


@pytest.mark.redis  # CONFIG and INFO: the stand-in has neither
def test_ready_warns_when_redis_would_refuse_writes_once_full(database_url, idp, work_idp):
    """Issue 23: with Redis's default maxmemory-policy, noeviction, a full Redis refuses every
    write — a kept page could not be forgotten and the limits would stop counting."""
    import redis as redis_client

    url = services.redis_url(13)
    store = redis_client.Redis.from_url(url)
    before = store.config_get("maxmemory-policy")["maxmemory-policy"]
    settings = portal_settings(database_url, idp.url, work_idp.url) | {"REDIS_URL": url}
    portal = create_app(settings)
    try:
        store.config_set("maxmemory-policy", "noeviction")
        ready = portal.test_client().get("/ready")
        assert ready.status_code == 200, "still ready: nothing is full yet"
        assert ready.get_json()["warnings"] == ["redis_noeviction"]
        store.config_set("maxmemory-policy", "volatile-lru")
        assert portal.test_client().get("/ready").get_json()["warnings"] == []
    finally:
        store.config_set("maxmemory-policy", before)
        portal.extensions["db_engine"].dispose()


def test_ready_names_redis_when_it_is_away_and_the_portal_keeps_serving(
    database_url, idp, work_idp, caplog
):
    caplog.set_level(logging.WARNING)
    settings = portal_settings(database_url, idp.url, work_idp.url)
    settings |= {"REDIS_URL": services.nothing_listens()}
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
        engine = create_engine(url.replace(f"@127.0.0.1:{proxy.port}/", proxy.direct))
        with Session(engine) as db:
            seed_demo(db, CPR_KEY, TODAY)
        engine.dispose()
        portal = create_app(portal_settings(url, idp.url, work_idp.url))
        yield portal, proxy
        portal.extensions["db_engine"].dispose()
    proxy.close()


@pytest.mark.postgres
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


def _long_ago(db, concern, forloeb_id: str, days: int = 400) -> None:
    """Time passes: the concern was finished, and a run saw its forløb as ended, ``days`` ago."""
    concern.finished_at = datetime.now(UTC) - timedelta(days=days)
    db.execute(
        update(Forloeb)
        .where(Forloeb.external_id == forloeb_id)
        .values(ended_recorded_on=TODAY - timedelta(days=days))
    )
    db.commit()


def test_retention_deletes_what_is_kept_no_longer_and_can_run_again(db, demo):
    _mette, old = sent(db, demo)
    concerns.withdraw(db, _mette, old)
    _long_ago(db, old, "demo-forloeb-mette")
    _jens, current = sent(db, demo, "jens", "demo-offer-jens-2")  # a forløb still running
    concerns.withdraw(db, _jens, current)
    _ali, still_open = sent(db, demo, "ali", "demo-offer-ali-1")
    _long_ago(db, still_open, "demo-forloeb-ali")
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


def test_a_concern_that_just_ended_stays_though_an_import_moved_its_forloeb_into_the_past(db, demo):
    """Issue 23: an import moved Mette's forløb to 2020-21, and the next run deleted a concern
    withdrawn that day. The clock is the portal's: the day it finished, the day a run saw the
    forløb ended."""
    mette, concern = sent(db, demo)
    concerns.withdraw(db, mette, concern)
    batch = demo_batch(TODAY)
    moved = next(c for c in batch["citizens"] if c["name"] == "Mette Testesen")["forloeb"][0]
    moved.update(start="2020-01-06", planned_end="2021-01-05")
    import_batch(db, batch, CPR_KEY)
    now = datetime.now(UTC)
    assert retention.run(db, POLICY, TODAY, now).concerns == 0
    ended = db.scalar(
        select(Forloeb.ended_recorded_on).where(Forloeb.external_id == "demo-forloeb-mette")
    )
    assert ended == TODAY, "the run saw it ended today: the clock starts now"
    half_a_year = TODAY + timedelta(days=200)
    assert retention.run(db, POLICY, half_a_year, now + timedelta(days=200)).concerns == 0
    a_year_on = TODAY + timedelta(days=366)
    assert retention.run(db, POLICY, a_year_on, now + timedelta(days=366)).concerns == 1


def test_an_import_that_moves_the_end_starts_the_clock_again(db, demo):
    mette, concern = sent(db, demo)
    concerns.withdraw(db, mette, concern)
    _long_ago(db, concern, "demo-forloeb-mette")
    batch = demo_batch(TODAY)
    moved = next(c for c in batch["citizens"] if c["name"] == "Mette Testesen")["forloeb"][0]
    moved.update(planned_end="2021-01-05", start="2020-01-06")
    import_batch(db, batch, CPR_KEY)
    assert retention.run(db, POLICY, TODAY, datetime.now(UTC)).concerns == 0
    import_batch(db, batch, CPR_KEY)  # the same again changes nothing: the clock runs on
    ended = db.scalar(
        select(Forloeb.ended_recorded_on).where(Forloeb.external_id == "demo-forloeb-mette")
    )
    assert ended == TODAY


def test_a_decision_stays_while_it_can_be_complained_about(db, demo):
    _mette, concern = sent(db, demo)
    walk(db, concern, "decided", decision="kept")
    db.expire(concern)  # as the caseworker's next page loads it, with its timeline
    decisions.record_delivery(
        db, CASEWORKER, concern, "letter", TODAY, TODAY, expected_version=None
    )
    assert concern.complaint_deadline == TODAY + timedelta(weeks=4)
    _long_ago(db, concern, "demo-forloeb-mette")
    concern.complaint_deadline = TODAY + timedelta(days=3)  # a letter that arrived late
    db.commit()
    assert retention.run(db, POLICY, TODAY, datetime.now(UTC)).concerns == 0
    later = TODAY + timedelta(days=4)
    assert retention.run(db, POLICY, later, datetime.now(UTC)).concerns == 1


def test_a_short_retention_setting_still_keeps_a_decision_for_its_complaint_period(db, demo):
    _mette, concern = sent(db, demo)
    walk(db, concern, "decided", decision="kept")
    _long_ago(db, concern, "demo-forloeb-mette", days=30)
    short = retention.Policy(concern_days=7, access_log_days=183, outbox_days=30)
    assert retention.run(db, short, TODAY, datetime.now(UTC)).concerns == 0, "kept 56 days"
    _long_ago(db, concern, "demo-forloeb-mette", days=60)
    assert retention.run(db, short, TODAY, datetime.now(UTC)).concerns == 1


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


def _step_two(portal, citizen) -> str:
    """Mette starts a concern about her placement: the URL of the step where she writes."""
    engine = create_engine(portal.config["DATABASE_URL"])
    with Session(engine) as db:
        placement = db.scalar(select(Offer.id).where(Offer.external_id == "demo-offer-mette-1"))
    engine.dispose()
    page = citizen.get(f"/tilbud/{placement}/bekymret")
    started = citizen.post(
        "/bekymringer/ny", data={"csrf_token": csrf_token(page), "offer_id": placement}
    )
    first = started.headers["Location"]
    token = csrf_token(citizen.get(first))
    assert citizen.post(first, data={"csrf_token": token, "offer_started": "no"}).status_code == 302
    return first.replace("/trin/1", "/trin/2")


TYPED = "Jeg bliver meget træt efter tre timer, og så får jeg ondt i ryggen."


@pytest.mark.postgres
def test_a_post_while_the_database_is_away_answers_503_and_shows_what_was_typed(behind_a_proxy):
    """Issue 23: a failover between two page views. The POST used to get 400 "Din session er
    udløbet" (the CSRF check read the session first) and lose the text."""
    portal, proxy = behind_a_proxy
    citizen = portal.test_client()
    assert login(citizen, "mette").status_code == 302
    url = _step_two(portal, citizen)
    token = csrf_token(citizen.get(url))
    proxy.cut()
    answer = citizen.post(
        url, data={"csrf_token": token, "worries": ["fatigue"], "worry_text": TYPED}
    )
    assert answer.status_code == 503
    text = text_of(answer)
    assert "Portalen kan ikke bruges lige nu" in text and "Din session er udløbet" not in text
    assert "Det, du skrev, er ikke gemt" in text and TYPED in text
    assert token not in answer.get_data(as_text=True), "only free text is shown back"
    proxy.mend()
    citizen.get("/health")
    again = citizen.post(
        url, data={"csrf_token": token, "worries": ["fatigue"], "worry_text": TYPED}
    )
    assert again.status_code == 302, "the same session, the same form: saved when it is back"


@pytest.mark.postgres
def test_the_database_stopping_mid_request_saves_nothing_and_keeps_the_text(
    behind_a_proxy, monkeypatch
):
    portal, proxy = behind_a_proxy
    citizen = portal.test_client()
    assert login(citizen, "mette").status_code == 302
    url = _step_two(portal, citizen)
    token = csrf_token(citizen.get(url))
    saving = concerns.save_step

    def stops_first(*args, **kwargs):
        proxy.cut()  # the session was read; the write finds the database gone
        return saving(*args, **kwargs)

    monkeypatch.setattr(concerns, "save_step", stops_first)
    answer = citizen.post(
        url, data={"csrf_token": token, "worries": ["fatigue"], "worry_text": TYPED}
    )
    assert answer.status_code == 503
    assert TYPED in answer.get_data(as_text=True), "the text is in its field again"
    proxy.mend()
    engine = create_engine(portal.config["DATABASE_URL"])
    with Session(engine) as db:
        answers = db.scalar(select(Concern.answers).order_by(Concern.id.desc()).limit(1))
    engine.dispose()
    assert "worry_text" not in answers, "nothing of the step was half-saved"
