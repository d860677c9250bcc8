"""What an operator and a load balancer ask: is the process alive (/health), can it serve
(/ready: the database answers, its migrations are at head, Redis answers when configured), and
how is it doing (/metrics, Prometheus; only from the networks or with the token configured)."""

from __future__ import annotations

import hmac
import logging
from functools import cache
from ipaddress import ip_address

import redis
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, abort, current_app, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from portal.auth.principal import public, token_protected
from portal.db import alembic_config, get_session, utcnow
from portal.metrics import exposition
from portal.services import outbox

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)


@cache
def _head() -> str:
    return ScriptDirectory.from_config(alembic_config("")).get_current_head()


@bp.get("/health")
@public
def health():
    """The process answers (it says nothing of the database: that is /ready)."""
    return jsonify(status="ok")


@bp.get("/ready")
@public
def ready():
    """Whether this instance can serve now; 503 (and which part) when it cannot."""
    checks: dict[str, str] = {}
    db = get_session()
    try:
        connection = db.connection()
        connection.execute(text("SELECT 1"))
        current = MigrationContext.configure(connection).get_current_revision()
        checks["database"] = "ok"
        checks["migrations"] = "ok" if current == _head() else "behind"
    except SQLAlchemyError:
        db.rollback()
        checks["database"] = "unavailable"
    warnings: list[str] = []
    url = current_app.config.get("REDIS_URL")
    if url:
        try:
            store = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
            policy = store.info("memory").get("maxmemory_policy")
            checks["redis"] = "ok"
            if policy == "noeviction":
                # Full, Redis would refuse every write: a kept page could not be forgotten and
                # the rate limits would stop counting. README: maxmemory-policy volatile-lru.
                warnings.append("redis_noeviction")
        except redis.RedisError:
            checks["redis"] = "unavailable"
    fine = all(value == "ok" for value in checks.values())
    if not fine or warnings:
        log.warning("not ready" if not fine else "ready, with warnings", extra={"checks": checks})
    body = {"status": "ok" if fine else "unavailable", "checks": checks, "warnings": warnings}
    return jsonify(body), 200 if fine else 503


def _may_read_metrics() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if token and given.startswith("Bearer ") and hmac.compare_digest(given[7:], token):
        return True
    try:
        address = ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in current_app.config["METRICS_NETWORKS"])


@bp.get("/metrics")
@token_protected
def metrics():
    if not _may_read_metrics():
        abort(404)  # not a page anyone else needs to know of
    db = get_session()
    try:
        backlog = outbox.backlog(db, utcnow())
    except SQLAlchemyError:
        db.rollback()
        backlog = -1
    return exposition({"portal_outbox_backlog": backlog})
