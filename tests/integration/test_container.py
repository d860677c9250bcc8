"""The image's other processes, run exactly as compose.yaml runs them (docs/operations.md §2).

No container engine is needed: each test takes the image's environment from the Containerfile
(``ENV``), the service's environment and command from compose.yaml, production secrets as the
operator's ``.env`` would hold them, and a PostgreSQL database and Redis of its own. The
metrics folder the image names does not exist yet, as in a fresh container: the outbox worker
once died of that on its first delivery.
"""

from __future__ import annotations

import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from portal.models import LoginSession, OutboxMessage
from tests import services
from tests.processes import ROOT, free_port, postgres_database, stop, wait_for

pytestmark = [pytest.mark.processes, pytest.mark.postgres]

COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["services"]


def image_environment() -> dict[str, str]:
    """The Containerfile's ENV lines (``ENV A=1 \\ B=2``), as the image sets them."""
    text = (ROOT / "Containerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found: dict[str, str] = {}
    for line in re.findall(r"^ENV (.+)$", text, re.MULTILINE):
        found |= dict(pair.split("=", 1) for pair in shlex.split(line))
    return found


def operator_dotenv(base_url: str) -> dict[str, str]:
    """What an operator's .env holds: random secrets, https addresses, no test IdP."""
    return {
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_CPR_HASH_KEY": secrets.token_urlsafe(48),
        "PORTAL_BASE_URL": base_url,
        "PORTAL_OIDC_ISSUER": "https://broker.example",
        "PORTAL_OIDC_CLIENT_SECRET": secrets.token_urlsafe(48),
        "PORTAL_CASEWORKER_OIDC_ISSUER": "https://erhverv-broker.example",
        "PORTAL_CASEWORKER_OIDC_CLIENT_SECRET": secrets.token_urlsafe(48),
        "PORTAL_HELP_PHONE": "70 11 22 33",
        "PORTAL_WAS_URL": "https://www.was.digst.dk/ressourceforloeb-nordby-example",
        "PORTAL_DPO_EMAIL": "dpo@nordby.example",
    }


@pytest.fixture
def container(tmp_path):
    """(environment, database URL) of one container of the image, on a database of its own."""
    with postgres_database() as url:
        compose = {
            key: value
            for key, value in COMPOSE["portal"]["environment"].items()
            if key not in ("PORTAL_DATABASE_URL", "PORTAL_REDIS_URL")
        }
        image = image_environment()
        assert image["PORTAL_ENV"] == "production"
        folder = tmp_path / Path(image["PROMETHEUS_MULTIPROC_DIR"]).name
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            **image,
            "PROMETHEUS_MULTIPROC_DIR": str(folder),  # absent, as in a new container
            **compose,
            "PORTAL_DATABASE_URL": url,
            "PORTAL_REDIS_URL": services.redis_url(12),
            **operator_dotenv("https://ressourceforloeb.nordby.example"),
        }
        yield env, url


def start(service: str, env: dict, log: Path) -> subprocess.Popen:
    spec = COMPOSE[service]
    argv = [*spec.get("entrypoint", []), *spec["command"]]
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def wait_until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_outbox_worker_delivers_and_stops_gracefully_as_compose_runs_it(container, tmp_path):
    env, url = container
    engine = create_engine(url)
    with Session(engine) as db:
        db.add(
            OutboxMessage(
                to_address="mette@example.dk",
                subject="Der er nyt om din bekymring",
                body="Se mere på {portal_url}",
                next_attempt_at=datetime.now(UTC),
            )
        )
        db.commit()
    log = tmp_path / "outbox.log"
    worker = start("outbox", env, log)

    def sent() -> bool:
        with Session(engine) as db:
            return db.scalar(select(func.count()).where(OutboxMessage.sent_at.is_not(None))) == 1

    try:
        assert wait_until(sent), log.read_text()
        assert worker.poll() is None, f"the worker lives on after a delivery: {log.read_text()}"
    finally:
        assert stop(worker) == 0, log.read_text()
    assert "outbox worker stopped" in log.read_text()
    engine.dispose()


def test_the_jobs_purge_sessions_and_run_retention_as_compose_runs_them(container, tmp_path):
    env, url = container
    engine = create_engine(url)
    long_ago = datetime.now(UTC) - timedelta(days=2)
    with Session(engine) as db:
        db.add(LoginSession(token_hash="0" * 64, idle_expires_at=long_ago,
                            absolute_expires_at=long_ago))  # fmt: skip
        db.commit()
    log = tmp_path / "jobs.log"
    jobs = start("jobs", env, log)
    try:
        assert wait_until(lambda: "Deleted" in log.read_text() and "e-mails." in log.read_text())
        assert jobs.poll() is None, "the loop sleeps until the next hour"
    finally:
        os.killpg(jobs.pid, signal.SIGTERM)
        jobs.wait(timeout=30)
    output = log.read_text()
    assert "Deleted 1 expired sessions." in output, output
    assert re.search(r"Deleted \d+ concerns, \d+ access-log entries and \d+ e-mails\.", output)
    assert "Traceback" not in output
    with Session(engine) as db:
        assert db.scalar(select(func.count()).select_from(LoginSession)) == 0
    engine.dispose()


def test_the_health_checks_pass_against_gunicorn_in_production_mode(container, tmp_path):
    """The image's HEALTHCHECK and compose's: exec form, naming the portal's own host, which
    production requires (a check sent to 127.0.0.1 would be refused 400)."""
    env, _url = container
    port = free_port()
    env = env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1"}
    log = tmp_path / "portal.log"
    containerfile = (ROOT / "Containerfile").read_text(encoding="utf-8")
    command = yaml.safe_load(re.search(r"^CMD (\[.*\])$", containerfile, re.M).group(1))
    portal = subprocess.Popen(
        COMPOSE["portal"].get("command", command),
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        wait_for(f"http://127.0.0.1:{port}/health")
        image_check = re.search(r"^HEALTHCHECK .* CMD (\[.*\])$", containerfile, re.M).group(1)
        compose_check = COMPOSE["portal"]["healthcheck"]["test"]
        assert compose_check[0] == "CMD", "exec form"
        for argv in (yaml.safe_load(image_check), compose_check[1:]):
            done = subprocess.run(argv, cwd=ROOT, env=env, timeout=10, check=False)
            assert done.returncode == 0, (argv, log.read_text())
        stranger = subprocess.run(  # the same check against the wrong host fails
            [sys.executable, "-m", "portal.healthcheck"], cwd=ROOT, timeout=10, check=False,
            env=env | {"PORTAL_BASE_URL": "https://elsewhere.example"},
        )  # fmt: skip
        assert stranger.returncode == 1
    finally:
        assert stop(portal) == 0
    assert "Traceback" not in log.read_text()
