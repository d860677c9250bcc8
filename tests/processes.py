"""Real processes for the tests of production shape: a PostgreSQL database of their own, the
portal under gunicorn, `flask` commands, and a TCP proxy that can cut the database away."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

from tests import services

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def postgres_database(port: int | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database on the tests' server (``services.POSTGRES``), migrated; its
    SQLAlchemy URL, through ``port`` on 127.0.0.1 when given (a proxy)."""
    from portal import db as database

    name = f"portal_proc_{uuid.uuid4().hex[:10]}"
    server = urlsplit(services.POSTGRES)
    with psycopg.connect(services.POSTGRES, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    direct = urlunsplit(("postgresql+psycopg", server.netloc, f"/{name}", "", ""))
    try:
        database.upgrade(direct)
        if port is None:
            yield direct
        else:
            through = f"@127.0.0.1:{port}/"
            yield direct.replace(f"@{server.hostname}:{server.port or 5432}/", through)
    finally:
        with psycopg.connect(services.POSTGRES, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(env: dict) -> dict:
    """The test run's environment with ``env`` on top; one worker per instance here, so the
    metrics need no shared folder (prometheus_client writes one whenever the variable is set)."""
    merged = {**os.environ, **env}
    merged.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return merged


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.1)
    raise TimeoutError(url)


def gunicorn(env: dict, port: int, log: Path) -> subprocess.Popen:
    """The portal as production runs it (gunicorn.conf.py), one worker, logging to ``log``."""
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=_environment(env),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    wait_for(f"http://127.0.0.1:{port}/health")
    return process


def flask(env: dict, *args: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=_environment(env),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def stop(process: subprocess.Popen) -> int:
    process.terminate()
    return process.wait(timeout=30)


class TcpProxy:
    """127.0.0.1:<port> → the database; ``cut()`` drops every connection and refuses new ones
    (the database has gone away), ``mend()`` lets them through again."""

    def __init__(self):
        server = urlsplit(services.POSTGRES)
        self.target = (server.hostname, server.port or 5432)
        self.direct = f"@{server.hostname}:{server.port or 5432}/"
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.pairs.append((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.open = False
        for client, server in self.pairs:
            for end in (client, server):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
        self.pairs.clear()

    def mend(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


def log_in(base: str, persona: str = "mette") -> requests.Session:
    """As a browser does: the portal sends us to the test IdP, we choose, we come back."""
    http = requests.Session()
    picker = http.get(f"{base}/login", timeout=10)
    request_id = re.search(r'name="request_id" value="([^"]+)"', picker.text).group(1)
    back = http.post(
        picker.url.split("?")[0], data={"request_id": request_id, "persona": persona}, timeout=10
    )
    assert back.url.startswith(base), back.url
    return http
