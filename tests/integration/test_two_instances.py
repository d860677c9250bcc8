"""Many instances, proven: two gunicorn instances of the portal on one PostgreSQL and one Redis.
A login on one continues on the other, a rate limit counts across both, a concern sent on both
at once is one concern, and two outbox workers deliver each e-mail once.

These always run on PostgreSQL (a database of their own), whatever the rest of the suite uses:
what is proven here is how instances share a real server."""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
import requests
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from portal.models import ConcernEvent, Offer, OutboxMessage
from portal.services.demo_seed import seed_demo
from tests import services
from tests.factories import CLIENT_SECRET, COMPLETE, CPR_KEY, TODAY, WORK_CLIENT_SECRET
from tests.processes import flask, free_port, gunicorn, log_in, postgres_database, stop

pytestmark = [pytest.mark.processes, pytest.mark.postgres]

REDIS_URL = services.redis_url(11)


@dataclass
class Shared:
    database_url: str
    bases: list[str]
    env: dict
    logs: Path

    def db(self) -> Session:
        return Session(create_engine(self.database_url))


def environment(database_url: str, base: str, idp, work_idp) -> dict:
    return {
        "PORTAL_ENV": "test",
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_REDIS_URL": REDIS_URL,
        "PORTAL_SECRET_KEY": "two-instances-" + "s" * 32,  # the same everywhere, as in production
        "PORTAL_CPR_HASH_KEY": CPR_KEY,
        "PORTAL_BASE_URL": base,
        "PORTAL_OIDC_ISSUER": idp.url,
        "PORTAL_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "PORTAL_CASEWORKER_OIDC_ISSUER": work_idp.url,
        "PORTAL_CASEWORKER_OIDC_CLIENT_SECRET": WORK_CLIENT_SECRET,
        "PORTAL_TESTIDP_ENABLED": "0",
        "PORTAL_LIMIT_LOGIN": "1000 per minute",
        "PORTAL_LIMIT_API_FAILURES": "3 per minute",
    }


@pytest.fixture(scope="module")
def shared(idp, work_idp, tmp_path_factory) -> Shared:
    store = redis.Redis.from_url(REDIS_URL)
    store.flushdb()
    logs = tmp_path_factory.mktemp("instances")
    with postgres_database() as url:
        with Session(create_engine(url)) as db:
            seed_demo(db, CPR_KEY, TODAY)
        ports = [free_port(), free_port()]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        processes = []
        for port, base in zip(ports, bases, strict=True):
            idp.allow_portal(base)
            work_idp.allow_portal(base)
            env = environment(url, base, idp, work_idp)
            processes.append(gunicorn(env, port, logs / f"portal-{port}.log"))
        try:
            yield Shared(url, bases, environment(url, bases[0], idp, work_idp), logs)
        finally:
            for process in processes:
                stop(process)
            store.flushdb()


def csrf(page: requests.Response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_a_login_on_one_instance_continues_on_the_other(shared):
    first, second = shared.bases
    mette = log_in(first)
    assert "Hej Mette Testesen." in mette.get(f"{first}/mit-forloeb", timeout=10).text
    on_the_other = mette.get(f"{second}/mit-forloeb", allow_redirects=False, timeout=10)
    assert on_the_other.status_code == 200
    assert "Hej Mette Testesen." in on_the_other.text


def test_a_rate_limit_counts_across_both(shared):
    first, second = shared.bases
    wrong = {"Authorization": "Bearer rfp_" + uuid.uuid4().hex}
    answers = [
        requests.get(f"{base}/api/v1/concerns", headers=wrong, timeout=10).status_code
        for base in (first, second, first, second)
    ]
    assert answers == [401, 401, 401, 429], "three failures in all, then both say wait"


def test_a_concern_sent_on_both_at_once_is_one_concern(shared):
    first, second = shared.bases
    with shared.db() as db:
        offer_id = db.scalar(select(Offer.id).where(Offer.external_id == "demo-offer-mette-1"))
    mette = log_in(first, "mette")
    page = mette.get(f"{first}/tilbud/{offer_id}/bekymret", timeout=10)
    started = mette.post(
        f"{first}/bekymringer/ny",
        data={"csrf_token": csrf(page), "offer_id": offer_id},
        allow_redirects=False,
        timeout=10,
    )
    concern_id = int(re.search(r"/bekymringer/(\d+)/", started.headers["Location"]).group(1))
    for number in range(1, 6):
        base = shared.bases[number % 2]  # the steps go to either instance, as behind a balancer
        step = mette.get(f"{base}/bekymringer/{concern_id}/trin/{number}", timeout=10)
        mette.post(
            f"{base}/bekymringer/{concern_id}/trin/{number}",
            data={"csrf_token": csrf(step), "offer_started": "no", **COMPLETE},
            timeout=10,
        )
    summary = mette.get(f"{first}/bekymringer/{concern_id}/opsummering", timeout=10)
    token, answers = csrf(summary), []

    def send(base: str) -> None:
        answers.append(
            mette.post(
                f"{base}/bekymringer/{concern_id}/send",
                data={"csrf_token": token},
                allow_redirects=False,
                timeout=10,
            ).status_code
        )

    threads = [threading.Thread(target=send, args=(base,)) for base in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [302, 302], "both taps end on the receipt"
    with shared.db() as db:
        sent = db.scalar(
            select(func.count())
            .select_from(ConcernEvent)
            .where(ConcernEvent.concern_id == concern_id, ConcernEvent.kind == "submitted")
        )
    assert sent == 1


def test_two_outbox_workers_deliver_each_email_once(shared):
    logs = [shared.logs / f"outbox-{n}.log" for n in (1, 2)]
    workers = [flask(shared.env, "outbox", "work", "--interval", "0.2", log=log) for log in logs]
    # A worker stopped while Python is still importing dies of the signal; one that has said it
    # started has its handler in place. Both must be ready before there is work to share.
    for log in logs:
        _wait_for_event(log, "outbox worker started")
    now = datetime.now(UTC)
    with shared.db() as db:
        db.add_all(
            OutboxMessage(
                to_address=f"person{n}@example.dk",
                subject=f"Besked nummer {n}",
                body="Der er nyt i din sag: {portal_url}",
                next_attempt_at=now,
            )
            for n in range(40)
        )
        db.commit()
    try:
        with shared.db() as db:
            for _ in range(200):
                waiting = db.scalar(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(OutboxMessage.sent_at.is_(None))
                )
                if not waiting:
                    break
                threading.Event().wait(0.1)
                db.expire_all()
    finally:
        codes = [stop(worker) for worker in workers]
    assert codes == [0, 0], "SIGTERM stops a worker gracefully"
    delivered: list[str] = []
    for log in logs:
        events = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        assert any(e["event"] == "outbox worker stopped" for e in events)
        delivered += [
            re.search(r": (Besked nummer \d+) \(from", e["event"]).group(1)
            for e in events
            if e["event"].startswith("e-mail to")
        ]
    assert sorted(delivered) == sorted(f"Besked nummer {n}" for n in range(40))
    assert all(log.stat().st_size for log in logs), "both workers took part"


def _wait_for_event(log, event: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.exists() and f'"event": "{event}"' in log.read_text():
            return
        threading.Event().wait(0.1)
    raise AssertionError(f"{log.name} never said {event!r}")
