"""Which kept pages a commit changes, and the store they are kept in (Redis): the version marks
that every kept page and kept value carries, and the SQLAlchemy session events that renew them.
The web side, which keeps and serves the pages, is ``portal.page_cache``; this module knows no
Flask, so that the services can keep small values (``kept``) and name whose pages a statement
changes (``changes_pages_of``).

Marks: one for everybody (``pages:v:all``), one per citizen (``pages:v:<citizen id>``) and one
per municipality (``pages:v:m<id>``, for the caseworker's queue and its counts).

What renews them: every commit, through any session on the app's database (a request's, a CLI
command's, a worker's), that wrote a row a page is drawn from. The ORM session's flush says whose
rows changed — a concern, its events, meetings, times and files, a notice, a forløb, an offer
(through its forløb), the citizen — and, for the rows the queue shows, in which municipality. A
bulk UPDATE, DELETE or INSERT, a COPY (``session.info["bulk_tables"]``), or a row whose owner is
not known without a query, renews everybody's mark — unless the statement names whose pages it
changes (``changes_pages_of``), as the guarded one-row UPDATEs of the concern services do. The
marks are replaced by new random values after the commit, so a page drawn from the old rows
carries an old mark and is never served, even when it is stored after the change; a mark never
comes back, even if Redis loses it. Rows no page shows (sessions, the access log, the outbox, API
clients, "saw the guidance") renew nothing.

If Redis fails, pages and values are drawn afresh and the failure is logged (without data about
anyone); the TTL bounds how long a change missed during a Redis outage could be hidden.
"""

from __future__ import annotations

import enum
import json
import logging
import secrets
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import chain
from typing import NamedTuple
from weakref import WeakKeyDictionary

import redis
from prometheus_client import Counter
from sqlalchemy import Engine, event
from sqlalchemy.exc import UnboundExecutionError
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.orm.util import identity_key

from portal.domain.danish import today_in_denmark
from portal.models import Citizen, Concern, Forloeb, Offer
from portal.models.base import utcnow

log = logging.getLogger(__name__)

EVERYONE = "all"
# Rows that no citizen's page is drawn from: writing them forgets nothing.
UNSHOWN_TABLES = frozenset(
    {
        "login_session",
        "audit_event",
        "outbox_message",
        "api_client",
        "guidance_shown",
        "usability_answer",  # counted on "Tal om retten", which is never kept
    }
)
COUNTS_USES = Counter(
    "portal_kept_counts_total", "Counts (the caseworker's queue) served from or put in the cache",
    ["use"],
)  # fmt: skip


# After Redis fails, pages are drawn without asking it for this long: an outage costs no
# page a timeout. Forgetting is always tried (a change must never be missed for speed).
REST_SECONDS = 10.0


class Found(NamedTuple):
    html: bytes | None  # the kept page; None: draw it
    marks: list  # the marks a page drawn now carries (none: do not keep it)
    looked_at: Sequence[int] = ()  # the citizens a served page shows
    nonce: str = ""  # the CSP nonce the kept page carries, to replace with this answer's


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
    def _read(self, key: str, owners: Sequence) -> tuple[list, bytes | None] | None:
        """The current marks of everyone and ``owners``, and what is kept under ``key``, in one
        round trip; None while Redis rests after a failure (then draw, and keep nothing)."""
        if time.monotonic() < self.resting_until:
            return None
        try:
            *marks, kept = self.store.mget(
                *(self._mark_key(owner) for owner in (EVERYONE, *owners)), key
            )
        except redis.RedisError:
            self.resting_until = time.monotonic() + REST_SECONDS
            log.warning("page cache unavailable: drawn afresh for %.0f s", REST_SECONDS)
            return None
        return [_text(mark) for mark in marks], kept

    def find(self, key: str, owners: tuple) -> Found:
        """The kept page for this key if it may be served now, and the marks it must carry
        when it is drawn again (read in the same round trip; no marks: do not keep it)."""
        read = self._read(key, owners)
        if read is None:
            return Found(None, [])
        marks, kept = read
        if kept is None:
            return Found(None, marks)
        head, _, html = kept.partition(b"\n")
        meta = json.loads(head)
        if (
            meta["owners"] != list(owners)
            or meta["day"] != today_in_denmark().isoformat()
            or meta["marks"] != marks
            or (meta["until"] is not None and datetime.fromisoformat(meta["until"]) <= utcnow())
        ):
            return Found(None, marks)
        return Found(html, marks, meta["looked_at"], meta["nonce"])

    def keep(
        self,
        key: str,
        owners: tuple,
        marks: list,
        html: bytes,
        nonce: str,
        until: datetime | None = None,
        looked_at: list[int] | None = None,
    ) -> None:
        """Keep the page, drawn under ``marks`` with the CSP ``nonce``, until the marks change,
        the Danish day ends, or ``until`` (a moment its content changes by the clock alone).
        ``looked_at``: the citizens it shows, whose access log each serving writes to."""
        meta = {
            "owners": list(owners),
            "day": today_in_denmark().isoformat(),
            "marks": marks,
            "nonce": nonce,
            "until": until.isoformat() if until is not None else None,
            "looked_at": looked_at or [],
        }
        try:
            self.store.set(key, json.dumps(meta).encode() + b"\n" + html, ex=self.seconds)
        except redis.RedisError:
            log.warning("page cache unavailable: page not kept")

    def kept_value(self, key: str, owners: list, compute: Callable[[], object]):
        """A small JSON value drawn from the rows of ``owners`` (marks such as a municipality's):
        the kept one while their marks and everyone's are unchanged, else ``compute()``, kept."""
        read = self._read(key, owners)
        if read is None:
            return compute()
        marks, kept = read
        if kept is not None:
            meta = json.loads(kept)
            if meta["marks"] == marks:
                COUNTS_USES.labels("hit").inc()
                return meta["value"]
        # The marks were read before the rows: a value drawn from rows a commit is changing
        # now carries the old marks and is not used again.
        value = compute()
        COUNTS_USES.labels("miss").inc()
        try:
            self.store.set(key, json.dumps({"marks": marks, "value": value}), ex=self.seconds)
        except redis.RedisError:
            log.warning("page cache unavailable: counts not kept")
        return value

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


# -- what a commit changed ----------------------------------------------------------------------
def municipality_mark(municipality_id: int) -> str:
    """The mark of what is drawn from a municipality's concerns (the queue and its counts)."""
    return f"m{municipality_id}"


class Shown(enum.Enum):
    """Where a table's rows are shown, and so which marks a written row renews."""

    NOWHERE = "nowhere"  # no page is drawn from it
    CITIZEN = "citizen"  # the citizen's own pages
    CITIZEN_AND_QUEUE = "citizen and queue"  # … and their municipality's queue
    EVERYONE = "everyone"  # whose pages is not known without a query: all of them


# The invalidation rule: every table, and where its rows are shown. A new table must be added
# here (tests/integration/test_page_cache.py fails until it is): a row shown on a kept page that
# renewed no mark would leave the page stale until it expires.
WHERE_SHOWN = {
    **{table: Shown.NOWHERE for table in UNSHOWN_TABLES},
    "citizen": Shown.CITIZEN_AND_QUEUE,
    "forloeb": Shown.CITIZEN_AND_QUEUE,  # its caseworker decides "mine" in the queue
    "offer": Shown.CITIZEN_AND_QUEUE,
    "concern": Shown.CITIZEN_AND_QUEUE,
    # Written only by the database's triggers, with the concern row whose marks it renews.
    "concern_count": Shown.NOWHERE,
    "coordinator_meeting": Shown.CITIZEN_AND_QUEUE,
    "meeting_proposal": Shown.CITIZEN_AND_QUEUE,
    "offer_decision": Shown.CITIZEN_AND_QUEUE,
    "concern_event": Shown.CITIZEN,
    "concern_document": Shown.CITIZEN,
    "notice": Shown.CITIZEN,
    # A relative's pages and the grantor's, or every page that shows a municipality or a
    # caseworker: rare writes, not worth the care.
    "delegation": Shown.EVERYONE,
    "municipality": Shown.EVERYONE,
    "caseworker": Shown.EVERYONE,
}


def _marks_of(db: Session, row) -> tuple:
    """The marks a written row renews, by ``WHERE_SHOWN``: its citizen's, and for a row the
    queue shows its municipality's; EVERYONE when that is not known without a query."""
    shown = WHERE_SHOWN.get(row.__table__.name, Shown.EVERYONE)
    if shown is Shown.NOWHERE:
        return ()
    if shown is Shown.EVERYONE:
        return (EVERYONE,)
    owner = _owner(db, row)
    if owner is None:
        return (EVERYONE,)
    citizen_id, municipality_id = owner
    if shown is Shown.CITIZEN:
        return (citizen_id,)
    return citizen_id, municipality_mark(municipality_id)


def _owner(db: Session, row) -> tuple[int, int] | None:
    """(citizen id, municipality id) of a written row, from the row or a row the session holds
    (never a query inside a flush); None when neither tells."""
    if isinstance(row, Citizen):
        return row.id, row.municipality_id
    if isinstance(row, Concern | Forloeb):
        return row.citizen_id, row.municipality_id
    if isinstance(row, Offer):
        forloeb = db.identity_map.get(identity_key(Forloeb, row.forloeb_id))
        return (forloeb.citizen_id, forloeb.municipality_id) if forloeb is not None else None
    if hasattr(row, "concern_id"):  # an event, a file, a meeting, offered times, a decision
        concern = db.identity_map.get(identity_key(Concern, row.concern_id))
        return (concern.citizen_id, concern.municipality_id) if concern is not None else None
    if hasattr(row, "citizen_id"):  # a notice: the citizen's own pages alone
        return row.citizen_id, None
    return None


def _citizen_and_municipality(owner) -> tuple:
    """The marks of a concern or forløb loaded in the session, or EVERYONE if it is not."""
    if owner is None:
        return (EVERYONE,)
    return owner.citizen_id, municipality_mark(owner.municipality_id)


def kept(db: Session, key: tuple, owners: list, compute: Callable[[], object]):
    """``compute()``, or the value kept under ``key`` while the marks of ``owners`` (and
    everyone's) are unchanged; simply ``compute()`` for an app that keeps nothing."""
    cache = _cache_for(db)
    if cache is None:
        return compute()
    return cache.kept_value(cache.key("kept", *key), owners, compute)


def changes_pages_of(*owners: int | str) -> dict:
    """Execution options for a bulk statement that changes only these owners' pages (citizen
    ids, ``municipality_mark``s): a guarded UPDATE of one row that the service knows, which
    would otherwise forget every citizen's pages."""
    return {"pages_of": owners}


def changes_concern_pages(concern: Concern) -> dict:
    """``changes_pages_of`` a concern's citizen and its municipality's queue."""
    return changes_pages_of(*_citizen_and_municipality(concern))


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
        changed.update(_marks_of(db, row))
    for row in db.dirty:
        if db.is_modified(row, include_collections=False):
            changed.update(_marks_of(db, row))


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
        _changed(state.session).update(state.execution_options.get("pages_of", (EVERYONE,)))
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


def listen(engine: Engine, cache: PageCache | None) -> None:
    """Renew marks in ``cache`` for every commit to ``engine`` (None: keep nothing); listen to
    every ORM session's commits (once per process; each listener acts only for an engine that
    keeps pages)."""
    if cache is not None:
        _CACHES[engine] = cache
    for name, listener in _LISTENERS:
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)
