"""A citizen's own pages, kept rendered for a few minutes and forgotten the moment anything they
show changes (issue 15: a citizen going back and forth between the front page, the offers and a
concern should not wait for the same page to be built again; design.md §10).

What is kept: the HTML of a page marked ``@kept_for_the_citizen``, as the citizen themselves saw
it, per login session (a hash of the session token), language and path, in Redis for
``PAGE_CACHE_SECONDS``. Never kept: a relative's view (each is a look at someone else's data and
is written to the access log), a page with a query string, anything but a 200 HTML answer, and
anything at all without Redis (``PORTAL_REDIS_URL``).

When a kept page is used: it was drawn on the same Danish day, for the same citizen, and under the
two version marks that are current now — the citizen's own (``pages:v:<citizen id>``) and the
one for everybody (``pages:v:all``). The parts that belong to this one answer are put back: a
new CSP nonce and the session's seconds left.

What forgets it: every commit, through any session on the app's database (a request's, a CLI
command's, a worker's), that wrote a row a citizen's page is drawn from. The ORM session's flush
says whose rows changed — a concern, its events, meetings, times and files, a notice, a
forløb, an offer (through its forløb), the citizen. A bulk UPDATE, DELETE or INSERT, a COPY
(``session.info["bulk_tables"]``), or a row whose citizen is not known without a query, forgets
every citizen's pages. The marks are replaced by new random values after the commit, so a page
drawn from the old rows carries an old mark and is never served, even when it is stored after the
change; a mark never comes back, even if Redis loses it. Rows no page shows (sessions, the
access log, the outbox, API clients, "saw the guidance") forget nothing.

If Redis fails, pages are drawn afresh and the failure is logged (without data about anyone); the
TTL bounds how long a change missed during a Redis outage could be hidden.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import time
from collections.abc import Callable
from functools import wraps
from itertools import chain
from weakref import WeakKeyDictionary

import redis
from flask import Flask, Response, current_app, make_response, request, session
from flask_login import current_user
from prometheus_client import Counter
from sqlalchemy import Engine, event
from sqlalchemy.exc import UnboundExecutionError
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.util import identity_key

from portal import i18n
from portal.auth.sessions import token_hash
from portal.db import utcnow
from portal.domain.danish import today_in_denmark
from portal.models import Citizen, Concern, Delegation, Forloeb, Offer
from portal.security import csp_nonce

log = logging.getLogger(__name__)

EVERYONE = "all"
# Rows that no citizen's page is drawn from: writing them forgets nothing.
UNSHOWN_TABLES = frozenset(
    {"login_session", "audit_event", "outbox_message", "api_client", "guidance_shown"}
)
SECONDS_LEFT = re.compile(rb'data-session-seconds-left="\d+"')
USES = Counter("portal_page_cache_total", "Citizen pages served from or put in the cache", ["use"])


# After Redis fails, pages are drawn without asking it for this long: an outage costs no
# page a timeout. Forgetting is always tried (a change must never be missed for speed).
REST_SECONDS = 10.0


class PageCache:
    def __init__(self, url: str, seconds: int, prefix: str = "pages"):
        self.store = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.seconds = seconds
        self.prefix = prefix  # every key starts with it (one Redis, several portals or tests)
        self.resting_until = 0.0

    def key(self, *parts: object) -> str:
        return ":".join([self.prefix, *map(str, parts)])

    def _mark_key(self, owner: int | str) -> str:
        return self.key("v", owner)

    # -- reading and keeping ------------------------------------------------------------------
    def look_up(self, key: str, citizen_id: int) -> tuple[bytes | None, list]:
        """The kept page for this key if it may be served now, and the marks it must carry
        when it is drawn again (read in the same round trip; no marks: do not keep it)."""
        if time.monotonic() < self.resting_until:
            return None, []
        try:
            everyone, own, kept = self.store.mget(
                self._mark_key(EVERYONE), self._mark_key(citizen_id), key
            )
        except redis.RedisError:
            self.resting_until = time.monotonic() + REST_SECONDS
            log.warning("page cache unavailable: pages are drawn afresh for %.0f s", REST_SECONDS)
            return None, []
        marks = [_text(everyone), _text(own)]
        if kept is None:
            return None, marks
        head, _, html = kept.partition(b"\n")
        meta = json.loads(head)
        if (
            meta["citizen"] != citizen_id
            or meta["day"] != today_in_denmark().isoformat()
            or meta["marks"] != marks
        ):
            return None, marks
        return html.replace(meta["nonce"].encode(), csp_nonce().encode()), marks

    def keep(self, key: str, citizen_id: int, marks: list, html: bytes) -> None:
        meta = {
            "citizen": citizen_id,
            "day": today_in_denmark().isoformat(),
            "marks": marks,
            "nonce": csp_nonce(),
        }
        try:
            self.store.set(key, json.dumps(meta).encode() + b"\n" + html, ex=self.seconds)
        except redis.RedisError:
            log.warning("page cache unavailable: page not kept")

    # -- forgetting ---------------------------------------------------------------------------
    def forget(self, owners: set) -> None:
        """New marks for these citizens (or for everyone): what was kept under the old ones is
        never served again."""
        owners = {EVERYONE} if EVERYONE in owners else owners
        try:
            self.store.mset({self._mark_key(owner): secrets.token_hex(8) for owner in owners})
        except redis.RedisError:
            log.warning("page cache unavailable: %d mark(s) not renewed", len(owners))


def _text(value: bytes | None) -> str | None:
    return value.decode() if value is not None else None


def _key(cache: PageCache) -> str | None:
    """This request's place in the cache, or None when the page must be drawn for it alone."""
    if request.method != "GET" or request.args or not current_user.is_authenticated:
        return None
    if current_user.audience != "citizen" or current_user.is_delegate:
        return None
    if current_user.citizen_id is None or not getattr(session, "token", None):
        return None
    login = token_hash(session.token)[:32]
    return cache.key(login, i18n.current_language(), request.path)


def kept_for_the_citizen(view: Callable) -> Callable:
    """Serve this GET page from the cache when the citizen saw it, unchanged, a moment ago."""

    @wraps(view)
    def serve(**kwargs):
        cache: PageCache | None = current_app.extensions.get("page_cache")
        key = _key(cache) if cache is not None else None
        if key is None:
            return view(**kwargs)
        citizen_id = current_user.citizen_id
        html, marks = cache.look_up(key, citizen_id)
        if html is not None:
            USES.labels("hit").inc()
            seconds = session.seconds_left(utcnow())
            html = SECONDS_LEFT.sub(f'data-session-seconds-left="{seconds}"'.encode(), html, 1)
            return Response(html, mimetype="text/html")
        response = make_response(view(**kwargs))
        if marks and response.status_code == 200 and response.mimetype == "text/html":
            USES.labels("miss").inc()
            cache.keep(key, citizen_id, marks, response.get_data())
        return response

    return serve


# -- what a commit changed ----------------------------------------------------------------------
def _owner(db: Session, row) -> int | str | None:
    """Whose pages show this row: a citizen id, EVERYONE, or None for a row no page shows."""
    if row.__table__.name in UNSHOWN_TABLES:
        return None
    if isinstance(row, Citizen):
        return row.id
    if isinstance(row, Delegation):
        return EVERYONE  # a relative's pages, and the grantor's: rare, so not worth the care
    if isinstance(row, Offer):
        forloeb = db.identity_map.get(identity_key(Forloeb, row.forloeb_id))
        return forloeb.citizen_id if forloeb is not None else EVERYONE
    if hasattr(row, "citizen_id"):  # a concern, a forløb, a notice
        return row.citizen_id
    if hasattr(row, "concern_id"):
        concern = db.identity_map.get(identity_key(Concern, row.concern_id))
        return concern.citizen_id if concern is not None else EVERYONE
    return EVERYONE


def _changed(db: Session) -> set:
    return db.info.setdefault("pages_changed", set())


# The cache of each app, by its engine: a commit forgets pages through whatever session wrote
# to that database — a request's, a CLI command's, a worker's — with or without an app context.
_CACHES: WeakKeyDictionary[Engine, PageCache] = WeakKeyDictionary()


def _cache_for(db: Session) -> PageCache | None:
    try:
        bind = db.get_bind()
    except UnboundExecutionError:
        return None
    return _CACHES.get(bind if isinstance(bind, Engine) else bind.engine)


def _after_flush(db: Session, _context) -> None:
    if _cache_for(db) is None:
        return
    changed = _changed(db)
    for row in chain(db.new, db.deleted):
        changed.add(_owner(db, row))
    for row in db.dirty:
        if db.is_modified(row, include_collections=False):
            changed.add(_owner(db, row))
    changed.discard(None)


def _bulk_statement(state: ORMExecuteState):
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    if _cache_for(state.session) is None:
        return None
    table = getattr(state.statement, "table", None)
    if table is not None and table.name in UNSHOWN_TABLES:
        return None
    result = state.invoke_statement()
    # An ORM bulk statement by primary key answers without a row count: a change, then.
    if getattr(result, "rowcount", -1) != 0:
        _changed(state.session).add(EVERYONE)
    return result


def _after_commit(db: Session) -> None:
    changed = db.info.pop("pages_changed", set())
    bulk = db.info.pop("bulk_tables", set())
    if bulk - UNSHOWN_TABLES:
        changed.add(EVERYONE)
    cache = _cache_for(db) if changed else None
    if cache is not None:
        cache.forget(changed)


def _after_rollback(db: Session) -> None:
    db.info.pop("pages_changed", None)
    db.info.pop("bulk_tables", None)


_LISTENERS = (
    ("after_flush", _after_flush),
    ("do_orm_execute", _bulk_statement),
    ("after_commit", _after_commit),
    ("after_rollback", _after_rollback),
)


def init_app(app: Flask) -> None:
    """Keep pages when Redis is configured; listen to every ORM session's commits (once per
    process; each listener acts only for an app that keeps pages)."""
    if app.config.get("REDIS_URL") and app.config.get("PAGE_CACHE_SECONDS", 0) > 0:
        cache = PageCache(
            app.config["REDIS_URL"],
            app.config["PAGE_CACHE_SECONDS"],
            app.config.get("PAGE_CACHE_PREFIX", "pages"),
        )
        app.extensions["page_cache"] = cache
        _CACHES[app.extensions["db_engine"]] = cache
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
