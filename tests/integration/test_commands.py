"""A developer's machine: `make run` on other ports, and the flask commands outside make
(docs/operations.md §1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT, free_port, log_in, stop, wait_for

pytestmark = pytest.mark.processes


def test_make_run_on_other_ports_logs_in_with_those_ports_alone(tmp_path):
    """Issue 24: PORTAL_PORT alone still sent the login back to 8000, and PORTAL_TESTIDP_PORT
    alone meant the test IdP never started. The commands are make run's, in its order."""
    portal_port, idp_port = free_port(), free_port()
    env = {
        **os.environ,
        "PORTAL_ENV": "development",
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
        "PORTAL_PORT": str(portal_port),
        "PORTAL_TESTIDP_PORT": str(idp_port),
    }
    for name in ("PORTAL_BASE_URL", "PORTAL_OIDC_ISSUER", "PORTAL_CASEWORKER_OIDC_ISSUER"):
        env.pop(name, None)
    bin_ = Path(sys.executable).parent
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([bin_ / "flask", *command], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)  # fmt: skip
    log = tmp_path / "run.log"
    run = subprocess.Popen(
        [sys.executable, "-m", "portal.devserver"],
        cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://localhost:{portal_port}"
    try:
        wait_for(f"{base}/health")
        assert f"Portal: {base}" in log.read_text()
        assert f"Test IdP: http://localhost:{idp_port}" in log.read_text()
        mette = log_in(base)
        assert "Hej Mette Testesen." in mette.get(f"{base}/mit-forloeb", timeout=10).text
    finally:
        stop(run)


def test_a_flask_command_without_portal_env_says_so_in_one_line():
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    done = subprocess.run(
        [Path(sys.executable).parent / "flask", "--app", "wsgi", "db", "current"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("PORTAL_ENV is not set") and "PORTAL_ENV=development" in line
