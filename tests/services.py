"""The outside services some tests use — PostgreSQL and Redis — and what stands in for them on
a machine without them (docs/operations.md §3).

- **PostgreSQL**: the whole suite runs on SQLite unless ``PORTAL_TEST_DATABASE_URL`` names a
  PostgreSQL database. Tests that start processes on databases of their own (marked
  ``postgres``) need a server at ``PORTAL_TEST_POSTGRES``; without one they are skipped, and the
  run's summary says so in one line.
- **Redis**: tests of the rate limits and the kept pages use the Redis at
  ``PORTAL_TEST_REDIS_URL`` (default 127.0.0.1:6379). When none answers, an in-process
  stand-in (fakeredis, speaking Redis's protocol over TCP, Lua included) is started instead, so
  those tests still run. The few that need what only a real server answers (``INFO``; marked
  ``redis``) are skipped then.
"""

from __future__ import annotations

import os
import socket
import threading
from functools import cache
from urllib.parse import urlsplit

import psycopg
import redis

POSTGRES = os.environ.get("PORTAL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")

NEEDED = {
    "postgres": "needs PostgreSQL, which does not answer at {where}: start it, or point "
    "PORTAL_TEST_POSTGRES at one (docs/operations.md §3)",
    "redis": "needs a real Redis, which does not answer at {where} (the other Redis tests used "
    "an in-process stand-in): start it, or set PORTAL_TEST_REDIS_URL (docs/operations.md §3)",
}


def where(service: str) -> str:
    url = urlsplit(POSTGRES if service == "postgres" else REDIS)
    return f"{url.hostname}:{url.port or (5432 if service == 'postgres' else 6379)}"


@cache
def postgres_answers() -> bool:
    try:
        with psycopg.connect(POSTGRES, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


@cache
def real_redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1, socket_timeout=1).ping())
    except redis.RedisError:
        return False


def answers(service: str) -> bool:
    return postgres_answers() if service == "postgres" else real_redis_answers()


def missing(service: str) -> str | None:
    """Why a test marked ``service`` cannot run here, or None when it can."""
    return None if answers(service) else NEEDED[service].format(where=where(service))


def header() -> str:
    postgres = "answers" if postgres_answers() else "absent (tests marked 'postgres' skipped)"
    store = "answers" if real_redis_answers() else "absent (an in-process stand-in is used)"
    return f"PostgreSQL at {where('postgres')}: {postgres}; Redis at {where('redis')}: {store}"


@cache
def _stand_in() -> str:
    """An in-process Redis on a free port, for as long as the test run lasts."""
    from fakeredis import TcpFakeServer

    server = TcpFakeServer(("127.0.0.1", 0))
    threading.Thread(target=server.serve_forever, name="fake-redis", daemon=True).start()
    return f"redis://127.0.0.1:{server.server_address[1]}"


def redis_url(database: int) -> str:
    """A Redis database of its own for one test module: the real server's, or the stand-in's."""
    return f"{REDIS if real_redis_answers() else _stand_in()}/{database}"


def nothing_listens() -> str:
    """A Redis URL where nothing listens: a port just free on this machine."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"
