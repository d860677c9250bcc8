"""Limits on abuse (Flask-Limiter): how often one client may start a login, fail to authenticate
at the API, or post a form that writes.

- Login starts and callbacks: per client IP (``PORTAL_LIMIT_LOGIN``).
- API authentication failures (``PORTAL_LIMIT_API_FAILURES``), on every API route: per token
  presented, so one case system's wrong or revoked token never locks out another's valid one
  behind the same address (a supplier hosting many municipalities); per address only for
  requests that present no token. Only 401 answers count; over the limit, that token (or that
  address without one) waits.
- Every POST outside the API: per session (or IP, before there is one) and per form
  (``PORTAL_LIMIT_WRITES``).

Counters live in Redis in production (``PORTAL_REDIS_URL``, shared by every instance) and in
memory on a developer's machine. If Redis is unreachable the limits fall back to memory rather
than failing the request. A refused request gets 429 with ``Retry-After``: a Danish (or English)
page, or JSON on the API (``portal.errors``).
"""

from __future__ import annotations

import hashlib

from flask import Flask, current_app, request, session
from flask_limiter import Limiter

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def client_ip() -> str:
    """The caller's address (behind ``PORTAL_TRUSTED_PROXIES`` proxies, their X-Forwarded-For)."""
    return request.remote_addr or "unknown"


def api_caller() -> str:
    """Whose failures an API request counts toward: the token it presents (by a hash: no token
    is ever stored or logged), or its address when it presents none."""
    given = request.headers.get("Authorization", "")
    token = given[7:].strip() if given.startswith("Bearer ") else ""
    if token:
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return f"ip:{client_ip()}"


def session_or_ip() -> str:
    record = getattr(session, "record_id", None)
    return f"session:{record}" if record else f"ip:{client_ip()}"


def login_limit() -> str:
    return current_app.config["LIMITS"]["login"]


def api_auth_failures() -> str:
    return current_app.config["LIMITS"]["api_failures"]


def _writes_limit() -> str:
    return current_app.config["LIMITS"]["writes"]


def _not_a_write() -> bool:
    return (
        request.method in SAFE_METHODS
        or request.blueprint == "api"
        or request.endpoint in (None, "static")
    )


def _refused(response) -> bool:
    return response.status_code == 401


# Endpoint → (limit, whose, which answers count). Set on the app's own view functions, so each
# app (and each test's app) has its own limiter and counters.
ROUTE_LIMITS = {
    "auth.login": (login_limit, client_ip, None),
    "auth.callback": (login_limit, client_ip, None),
    "auth.caseworker_login": (login_limit, client_ip, None),
    "auth.caseworker_callback": (login_limit, client_ip, None),
    "api.case_import": (api_auth_failures, api_caller, _refused),
    "api.export_concerns": (api_auth_failures, api_caller, _refused),
    "api.document": (api_auth_failures, api_caller, _refused),
    "api.figures_of_the_right": (api_auth_failures, api_caller, _refused),
}


def init_app(app: Flask) -> Limiter:
    """Call after the blueprints are registered."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "portal")
    limiter = Limiter(
        key_func=session_or_ip,
        default_limits=[_writes_limit],
        default_limits_exempt_when=_not_a_write,
        strategy="moving-window",
        headers_enabled=True,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    for endpoint, (limit, key, counts) in ROUTE_LIMITS.items():
        app.view_functions[endpoint] = limiter.limit(limit, key_func=key, deduct_when=counts)(
            app.view_functions[endpoint]
        )
    # A page that only reads is limited nowhere: leave the limiter before it looks anything up.
    limiter.request_filter(
        lambda: request.method in SAFE_METHODS and request.endpoint not in ROUTE_LIMITS
    )
    limiter.init_app(app)
    app.extensions["portal_limiter"] = limiter
    return limiter
