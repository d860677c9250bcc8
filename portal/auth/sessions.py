"""Server-side sessions (docs/architecture.md §3): the cookie holds a random id, the database the
rest.

- The id is rotated at login and whenever ``session.rotate()`` is called (act-as switches).
  A rotation within the same login keeps its absolute end: no request sequence extends it.
- Idle and absolute timeouts depend on the audience (anonymous, citizen, caseworker). An
  anonymous row (a login that was started) lives 10 minutes idle, and every new row sweeps
  away expired anonymous ones, so a flood of login starts leaves no lasting rows.
- In production the cookie is ``__Host-``-prefixed: Secure, path /, no Domain, so no subdomain
  can set or overwrite it.
- ``session.destroy()`` deletes the row: a stolen cookie is useless after logout.
- Static files never touch the session, and an anonymous visitor gets no row until something
  (the login flow, a CSRF token) has to be remembered.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, Request
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import Engine, bindparam, delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import CallbackDict
from werkzeug.wrappers import Response

from portal.db import get_session, utcnow
from portal.models import LoginSession
from portal.services.transaction import is_reading, only_reading, stop_reading

log = logging.getLogger(__name__)

COOKIE_NAME = "portal_session"
HOST_COOKIE_NAME = "__Host-portal_session"
TOUCH_INTERVAL = timedelta(seconds=30)


@dataclass(frozen=True)
class Timeouts:
    idle: timedelta
    absolute: timedelta


TIMEOUTS = {
    "anonymous": Timeouts(idle=timedelta(minutes=10), absolute=timedelta(minutes=30)),
    "citizen": Timeouts(idle=timedelta(minutes=15), absolute=timedelta(hours=4)),
    "caseworker": Timeouts(idle=timedelta(minutes=30), absolute=timedelta(hours=8)),
}


_SESSIONS = LoginSession.__table__
_BY_TOKEN = select(
    _SESSIONS.c.id,
    _SESSIONS.c.audience,
    _SESSIONS.c.data,
    _SESSIONS.c.last_seen_at,
    _SESSIONS.c.idle_expires_at,
    _SESSIONS.c.absolute_expires_at,
).where(_SESSIONS.c.token_hash == bindparam("token_hash"))


def _read(db, hashed: str):
    """The session's row. Core, not the ORM: every page reads it, and only reads it. A page
    asked for (GET) is already only reading (``open_session``): the read is one round trip and
    the page's own statements follow on the same connection, with no transaction. For any other
    request the read is its own autocommit statement on PostgreSQL, and the request's writes
    begin afresh after it."""
    bind = db.get_bind()
    if not is_reading(db) and isinstance(bind, Engine) and bind.dialect.name == "postgresql":
        connection = db.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        record = connection.execute(_BY_TOKEN, {"token_hash": hashed}).first()
        db.commit()  # nothing to commit: ends the autocommit use of the connection
        return record
    return db.connection().execute(_BY_TOKEN, {"token_hash": hashed}).first()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, token=None, record_id=None, audience="anonymous"):
        def on_update(_self):
            _self.modified = True

        super().__init__(initial, on_update)
        self.token: str | None = token
        self.record_id: int | None = record_id
        self.audience: str = audience
        self.modified = False
        self.rotate_requested = False
        self.destroyed = False
        self.ended_by_timeout = False
        self.store_error: Exception | None = None  # the session could not be read
        self.touched = False
        self.idle_expires_at: datetime | None = None
        self.absolute_expires_at: datetime | None = None

    def rotate(self, audience: str | None = None) -> None:
        """Give this session a new id (and, at login, a new audience with its timeouts). Within
        one login (the same audience) the new id keeps the absolute end of the old one."""
        if audience is not None and audience != self.audience:
            self.audience = audience
            self.absolute_expires_at = None  # a new login: its own absolute end
        self.rotate_requested = True
        self.modified = True

    def touch(self) -> None:
        """Count this request as activity, so the idle timeout starts again."""
        self.touched = True
        self.idle_expires_at = utcnow() + TIMEOUTS[self.audience].idle

    def destroy(self) -> None:
        self.clear()
        self.destroyed = True

    def seconds_left(self, now: datetime) -> int | None:
        """Seconds until this session ends by the earlier of its two timeouts."""
        if self.idle_expires_at is None or self.absolute_expires_at is None:
            return None
        end = min(self.idle_expires_at, self.absolute_expires_at)
        return max(int((end - now).total_seconds()), 0)


def refuse_without_store() -> None:
    """The session store (the database) could not be read: answer 503 before anything else
    looks at the session — the CSRF check first of all, which would otherwise call a POST from a
    logged-in person an expired session and lose what they typed (portal.errors keeps it)."""
    from flask import request, session

    error = getattr(session, "store_error", None)
    if error is not None and not request.path.startswith(("/health", "/ready")):
        raise error


def cookie_name(app: Flask) -> str:
    return HOST_COOKIE_NAME if app.config.get("PORTAL_ENV") == "production" else COOKIE_NAME


class DatabaseSessionInterface(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> ServerSession | None:
        if request.path.startswith(app.static_url_path or "/static"):
            return None
        token = request.cookies.get(cookie_name(app))
        if not token or len(token) > 100:
            return ServerSession()  # most pages without a login touch no database at all
        now = utcnow()
        # The request's own database session: one connection per request (docs/architecture.md §12).
        db = get_session()
        if request.method in ("GET", "HEAD"):
            try:  # a page reads until it writes (portal.services.transaction)
                only_reading(db)
            except SQLAlchemyError:
                db.rollback()  # the database is away: the read below says so
        try:
            record = _read(db, token_hash(token))
        except SQLAlchemyError as error:
            # The database is away. The request goes on without a session and is answered by
            # the "try again in a moment" page (portal.errors), never as if logged out.
            db.rollback()
            session = ServerSession()
            session.store_error = error
            return session
        if record is None:
            return ServerSession()
        if record.idle_expires_at <= now or record.absolute_expires_at <= now:
            stop_reading(db)
            db.execute(delete(LoginSession).where(LoginSession.id == record.id))
            db.commit()
            session = ServerSession()
            session.ended_by_timeout = record.audience != "anonymous"
            return session
        session = ServerSession(
            record.data, token=token, record_id=record.id, audience=record.audience
        )
        session.absolute_expires_at = record.absolute_expires_at
        if now - record.last_seen_at >= TOUCH_INTERVAL:
            # This request counts as activity; the row is updated when the response is saved.
            session.touched = True
            session.idle_expires_at = now + TIMEOUTS[record.audience].idle
        else:
            session.idle_expires_at = record.idle_expires_at
        return session

    def make_null_session(self, app: Flask) -> ServerSession:
        return ServerSession()

    def save_session(self, app: Flask, session: ServerSession, response: Response) -> None:
        if session is None or not isinstance(session, ServerSession) or session.store_error:
            return
        name = cookie_name(app)
        cookie_options = {
            # __Host-: no Domain attribute and path "/" (RFC 6265bis §4.1.3.2).
            "domain": None if name == HOST_COOKIE_NAME else self.get_cookie_domain(app),
            "path": "/" if name == HOST_COOKIE_NAME else self.get_cookie_path(app),
            "httponly": True,
            "secure": bool(app.config.get("SESSION_COOKIE_SECURE")),
            "samesite": "Lax",
        }
        db = get_session()  # the request's own connection (one per request)
        try:
            if not db.is_active:  # the request ended in a database error: start clean
                db.rollback()
            stop_reading(db)
            self._save(db, session, response, name, cookie_options)
        except SQLAlchemyError:
            # The database went away: the page still goes out; the person logs in again later.
            db.rollback()
            log.warning("session not saved: database error")

    def _save(self, db, session: ServerSession, response: Response, name: str, options: dict):
        now = utcnow()
        if session.destroyed or (session.record_id and not session and session.modified):
            if session.record_id:
                db.execute(delete(LoginSession).where(LoginSession.id == session.record_id))
                db.commit()
            response.delete_cookie(name, **options)
            return
        if session.record_id and session.rotate_requested:
            db.execute(delete(LoginSession).where(LoginSession.id == session.record_id))
            session.record_id = None
        if session.record_id is None:
            if not session:
                db.commit()
                return
            token = secrets.token_urlsafe(32)
            timeouts = TIMEOUTS[session.audience]
            absolute = now + timeouts.absolute
            if session.absolute_expires_at is not None:  # rotated within one login
                absolute = min(session.absolute_expires_at, absolute)
            record = LoginSession(
                token_hash=token_hash(token),
                audience=session.audience,
                data=dict(session),
                created_at=now,
                last_seen_at=now,
                idle_expires_at=min(now + timeouts.idle, absolute),
                absolute_expires_at=absolute,
            )
            _sweep_anonymous(db, now)
            db.add(record)
            db.commit()
            session.record_id, session.token = record.id, token
            session.idle_expires_at = record.idle_expires_at
            session.absolute_expires_at = record.absolute_expires_at
            response.set_cookie(name, token, **options)
            response.vary.add("Cookie")
            return
        timeouts = TIMEOUTS[session.audience]
        values: dict = {}
        if session.modified:
            values["data"] = dict(session)
        if session.modified or session.touched:
            values["last_seen_at"] = now
            values["idle_expires_at"] = now + timeouts.idle
        if values:
            db.execute(
                update(LoginSession).where(LoginSession.id == session.record_id).values(values)
            )
            db.commit()


def _sweep_anonymous(db, now: datetime) -> None:
    """Expired anonymous rows (login starts nobody finished) go as soon as a new row comes."""
    db.execute(
        delete(LoginSession).where(
            LoginSession.audience == "anonymous", LoginSession.idle_expires_at <= now
        )
    )


def purge_expired(db, now: datetime) -> int:
    """Delete sessions past either timeout; returns how many (run by ``flask sessions purge``)."""
    result = db.execute(
        delete(LoginSession).where(
            (LoginSession.idle_expires_at <= now) | (LoginSession.absolute_expires_at <= now)
        )
    )
    db.commit()
    return result.rowcount or 0
