"""Limits on abuse (portal.limits) and sessions that end when they must: a burst of login starts
turns into 429s while the session table stays small; wrong API tokens are throttled per address;
a form that writes is throttled per session; the counters live in Redis when it is configured
(CI has it on 6379) and a Redis outage fails open, never 500; and no request sequence extends a
login's absolute end."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
import redis
from sqlalchemy import func, select, update

from portal import create_app
from portal.db import utcnow
from portal.models import ConcernEvent, LoginSession
from tests import services
from tests.factories import (
    api_token,
    as_citizen,
    bearer,
    choose,
    csrf_token,
    login,
    portal_settings,
    sent,
)
from tests.pages import text_of

REDIS_URL = services.redis_url(15)


@pytest.fixture
def strict(app, monkeypatch):
    """The app with low limits, and counters that start from zero."""
    limiter = app.extensions["portal_limiter"]

    def set_limits(**limits):
        for name, value in limits.items():
            monkeypatch.setitem(app.config["LIMITS"], name, value)
        limiter.reset()

    yield set_limits
    limiter.reset()


def rows(db, audience: str | None = None) -> int:
    query = select(func.count()).select_from(LoginSession)
    if audience:
        query = query.where(LoginSession.audience == audience)
    return db.scalar(query)


def test_a_burst_of_login_starts_turns_into_429s_and_leaves_few_rows(app, db, strict):
    strict(login="5/minute")
    before = rows(db)
    answers = [app.test_client().get("/login") for _ in range(40)]
    statuses = [a.status_code for a in answers]
    assert statuses.count(302) == 5 and statuses.count(429) == 35
    assert rows(db) - before <= 5, "a refused start leaves no row"
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) > 0
    assert "Prøv igen om lidt" in text_of(refused)
    english = app.test_client().get("/login?lang=en")
    assert english.status_code == 429 and "Try again in a moment" in text_of(english)


def test_a_login_start_nobody_finishes_is_gone_within_minutes(app, db):
    app.test_client().get("/login")
    [started] = db.scalars(select(LoginSession).where(LoginSession.audience == "anonymous"))
    assert started.idle_expires_at - started.created_at == timedelta(minutes=10)
    db.execute(
        update(LoginSession)
        .where(LoginSession.id == started.id)
        .values(idle_expires_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()
    swept = started.token_hash
    app.test_client().get("/login")  # the next visitor's row sweeps it away
    db.expire_all()
    assert db.scalar(select(LoginSession).where(LoginSession.token_hash == swept)) is None
    assert rows(db, "anonymous") == 1


def test_a_wrong_api_token_is_throttled_and_answered_in_json(app, db, demo, strict):
    strict(api_failures="3/minute")
    client = app.test_client()
    good = api_token(db, "901", "export")
    for _ in range(10):
        assert client.get("/api/v1/concerns", headers=bearer(good)).status_code == 200
    for _ in range(3):
        assert client.get("/api/v1/concerns", headers=bearer("rfp_guess")).status_code == 401
    refused = client.get("/api/v1/concerns", headers=bearer("rfp_guess"))
    assert refused.status_code == 429 and refused.is_json
    assert int(refused.headers["Retry-After"]) > 0
    assert "Retry-After" in refused.get_json()["error"]


def test_a_valid_token_is_never_locked_out_by_another_tokens_failures_from_its_address(
    app, db, demo, strict
):
    """Issue 23: a supplier hosts many municipalities behind one address. Sydhavn's revoked
    token failing ten times a minute must not stop Nordby's."""
    strict(api_failures="3/minute")
    client = app.test_client()
    nordby = api_token(db, "901", "export")
    for _ in range(5):
        client.get("/api/v1/concerns", headers=bearer("rfp_sydhavn_revoked"))
    assert client.get("/api/v1/concerns", headers=bearer("rfp_sydhavn_revoked")).status_code == 429
    assert client.get("/api/v1/concerns", headers=bearer(nordby)).status_code == 200


def test_requests_without_a_token_are_throttled_per_address(app, db, demo, strict):
    strict(api_failures="3/minute")
    client = app.test_client()
    for _ in range(3):
        assert client.get("/api/v1/concerns").status_code == 401
    assert client.get("/api/v1/concerns").status_code == 429
    assert client.get("/api/v1/concerns", headers=bearer(api_token(db))).status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/v1/concerns", "/api/v1/figures", "/api/v1/documents/1", "/api/v1/case-import"]
)
def test_every_api_route_counts_failed_authentications(app, db, demo, strict, path):
    strict(api_failures="2/minute")
    client = app.test_client()
    send = client.post if path.endswith("case-import") else client.get
    for _ in range(2):
        assert send(path, headers=bearer("rfp_guess")).status_code == 401
    assert send(path, headers=bearer("rfp_guess")).status_code == 429, path


def test_a_form_that_writes_is_throttled_per_session_and_nothing_refused_is_saved(
    app, db, demo, strict
):
    strict(writes="3/minute")
    _mette, concern = sent(db, demo)
    client = as_citizen(app)
    answers = []
    for n in range(5):
        page = client.get(f"/bekymringer/{concern.id}")
        version = re.search(r'name="version" value="(\d+)"', page.get_data(as_text=True))
        answers.append(
            client.post(
                f"/bekymringer/{concern.id}/tilfoej",
                data={
                    "csrf_token": csrf_token(page),
                    "version": version.group(1),
                    "information": f"Tilføjelse {n}",
                },
            )
        )
    assert [a.status_code for a in answers] == [302, 302, 302, 429, 429]
    assert "Du har prøvet mange gange på kort tid." in text_of(answers[-1])
    added = db.scalar(
        select(func.count())
        .select_from(ConcernEvent)
        .where(ConcernEvent.concern_id == concern.id, ConcernEvent.kind == "information_added")
    )
    assert added == 3
    other = as_citizen(app, "ali")
    assert other.get("/mit-forloeb").status_code == 200, "another session is not held back"


@pytest.fixture
def redis_app(database_url, idp, work_idp):
    """A second portal whose counters live in Redis (as in production), under its own prefix."""
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings = portal_settings(database_url, idp.url, work_idp.url)
    settings |= {
        "REDIS_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LIMITS": {"login": "5/minute", "api_failures": "2/minute", "writes": "5/minute"},
    }
    portal = create_app(settings)
    yield portal, prefix
    store = redis.Redis.from_url(REDIS_URL)
    for key in store.scan_iter(f"*{prefix}*"):
        store.delete(key)
    portal.extensions["db_engine"].dispose()


def test_the_counters_live_in_redis_and_are_shared_by_instances(redis_app):
    portal, prefix = redis_app
    first, second = portal.test_client(), portal.test_client()
    assert first.get("/api/v1/concerns", headers=bearer("rfp_a")).status_code == 401
    assert second.get("/api/v1/concerns", headers=bearer("rfp_a")).status_code == 401
    assert first.get("/api/v1/concerns", headers=bearer("rfp_a")).status_code == 429
    keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"*{prefix}*"))
    assert keys, "the counter is in Redis"


def test_a_redis_outage_fails_open_rather_than_500(database_url, idp, work_idp):
    settings = portal_settings(database_url, idp.url, work_idp.url)
    settings |= {"REDIS_URL": services.nothing_listens()}
    portal = create_app(settings)
    try:
        answer = portal.test_client().get("/api/v1/concerns", headers=bearer("rfp_x"))
        assert answer.status_code == 401
    finally:
        portal.extensions["db_engine"].dispose()


def test_switching_whom_one_acts_for_never_extends_the_login(app, db, demo):
    client = app.test_client()
    login(client, "sofie")
    [first] = db.scalars(select(LoginSession).where(LoginSession.audience == "citizen"))
    end, first_id = first.absolute_expires_at, first.token_hash
    for name in ["Jens Testhansen", "Birgitte Eksempel", "Jens Testhansen"]:
        choose(client, name)
        page = client.get("/vaelg")
        client.post("/vaelg", data={"for": "self", "csrf_token": csrf_token(page)})
    db.expire_all()
    [now] = db.scalars(select(LoginSession).where(LoginSession.audience == "citizen"))
    assert now.token_hash != first_id, "the id was rotated at every switch"
    assert now.absolute_expires_at == end, "and the login still ends when it did"

    # Once that moment has passed, the stolen or kept cookie opens nothing, whatever is asked.
    db.execute(
        update(LoginSession)
        .where(LoginSession.id == now.id)
        .values(absolute_expires_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()
    assert client.get("/mit-forloeb").status_code == 302
    page = client.get("/vaelg")
    assert page.status_code == 302
