"""Pages kept rendered for a few minutes and forgotten the moment anything they show changes (issue
15; docs/architecture.md §11): a citizen going back and forth between the front page, the offers and
a concern, or a caseworker between the queue and a concern, should not wait for the same page to be
built again.

What is kept, in Redis for ``PAGE_CACHE_SECONDS``, per login session (a hash of the session
token), language and address:

- a citizen's own page marked ``@kept_for_the_citizen``, as the citizen saw it (never a
  relative's view: each is a look at someone else's data; never a page with a query string);
- the caseworker's queue (``@kept_for_the_caseworker``), with its query string (filters and
  page), and the citizens it shows: serving it again writes their access log like drawing it.

Never anything but a 200 HTML answer, and nothing at all without Redis (``PORTAL_REDIS_URL``).

When a kept page is used: it was drawn on the same Danish day, under the version marks that are
current now — everybody's and the owner's, the citizen's or the municipality's; what renews them
is ``portal.page_marks`` — and, for a page that changes by the clock alone (a meeting's time
passing unrecorded), before that moment. The parts that belong to this one answer are put back:
a new CSP nonce and the session's seconds left.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from flask import Flask, Response, current_app, g, make_response, request, session
from flask_login import current_user
from prometheus_client import Counter

from portal import i18n, page_marks
from portal.auth.sessions import token_hash
from portal.db import utcnow
from portal.page_marks import Found, PageCache, municipality_mark
from portal.security import csp_nonce

SECONDS_LEFT = re.compile(rb'data-session-seconds-left="\d+"')
USES = Counter("portal_page_cache_total", "Pages served from or put in the cache", ["use"])


def _login() -> str | None:
    """This login session's part of a key (a hash of its token), if it has one."""
    token = getattr(session, "token", None)
    return token_hash(token)[:32] if token else None


def _citizen_key(cache: PageCache) -> str | None:
    """This request's place in the cache, or None when the page must be drawn for it alone."""
    if request.method != "GET" or request.args or not current_user.is_authenticated:
        return None
    if current_user.audience != "citizen" or current_user.is_delegate:
        return None
    login = _login()
    if current_user.citizen_id is None or login is None:
        return None
    return cache.key(login, i18n.current_language(), request.path)


def _served(found: Found) -> Response:
    """A kept page with this answer's own CSP nonce and the session's time left."""
    html = found.html.replace(found.nonce.encode(), csp_nonce().encode())
    seconds = session.seconds_left(utcnow())
    html = SECONDS_LEFT.sub(f'data-session-seconds-left="{seconds}"'.encode(), html, 1)
    return Response(html, mimetype="text/html")


def _keepable(response: Response) -> bool:
    return response.status_code == 200 and response.mimetype == "text/html"


@dataclass(frozen=True)
class Keeping:
    """What a drawn page says about itself, for keeping it: the citizens it shows whose access
    log each serving writes to (none for a citizen's own page), and the moment its content
    changes by the clock alone (a meeting's time passing), if any."""

    looked_at: list[int]
    until: datetime | None


def may_keep(looked_at: list[int], until: datetime | None) -> None:
    """Called by a view under ``kept_for_the_caseworker``: its page may be kept, so."""
    g.page_keeping = Keeping(looked_at, until)


def _through_cache(
    cache: PageCache,
    key: str,
    owners: tuple,
    draw: Callable[[], Response],
    use: str,
    note_look: Callable[[list[int]], None] | None = None,
    keeping: Keeping | None = None,
) -> Response:
    """The kept page for ``key`` if it may be served now (its looks noted), else the page
    ``draw`` makes, kept when the view says it may (``may_keep``) or ``keeping`` says so."""
    found = cache.find(key, owners)
    if found.html is not None:
        if note_look is not None:
            note_look(list(found.looked_at))
        USES.labels(f"{use}hit").inc()
        return _served(found)
    response = make_response(draw())
    keeping = g.pop("page_keeping", keeping)
    if found.marks and keeping is not None and _keepable(response):
        USES.labels(f"{use}miss").inc()
        html = response.get_data()
        cache.keep(key, owners, found.marks, html, csp_nonce(), keeping.until, keeping.looked_at)
    return response


def kept_for_the_citizen(view: Callable) -> Callable:
    """Serve this GET page from the cache when the citizen saw it, unchanged, a moment ago."""

    @wraps(view)
    def serve(**kwargs):
        cache: PageCache | None = current_app.extensions.get("page_cache")
        key = _citizen_key(cache) if cache is not None else None
        if key is None:
            return view(**kwargs)
        owners = (current_user.citizen_id,)
        return _through_cache(
            cache, key, owners, lambda: view(**kwargs), "", keeping=Keeping([], None)
        )

    return serve


def kept_for_the_caseworker(note_look: Callable[[list[int]], None]) -> Callable:
    """Serve this GET page (with its query string) from the cache when the same caseworker's
    login saw it a moment ago and nothing in their municipality has changed since. A served
    page is a look like a drawn one: ``note_look`` writes the access log for the citizens it
    shows. Kept only if the view called ``may_keep``."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def serve(**kwargs):
            cache: PageCache | None = current_app.extensions.get("page_cache")
            if cache is None or request.method != "GET" or current_user.audience != "caseworker":
                return view(**kwargs)
            municipality_id, login = current_user.municipality_id, _login()
            if municipality_id is None or login is None:
                return view(**kwargs)
            # The query string is the caseworker's own typing: its hash, not itself, in the key.
            asked = hashlib.sha256(request.full_path.encode()).hexdigest()[:32]
            key = cache.key(login, i18n.current_language(), asked)
            owners = (municipality_mark(municipality_id),)
            return _through_cache(
                cache, key, owners, lambda: view(**kwargs), "queue_", note_look=note_look
            )

        return serve

    return decorate


def init_app(app: Flask) -> None:
    """Keep pages when Redis is configured."""
    cache = None
    if app.config.get("REDIS_URL") and app.config.get("PAGE_CACHE_SECONDS", 0) > 0:
        cache = PageCache(
            app.config["REDIS_URL"],
            app.config["PAGE_CACHE_SECONDS"],
            app.config.get("PAGE_CACHE_PREFIX", "pages"),
        )
        app.extensions["page_cache"] = cache
    page_marks.listen(app.extensions["db_engine"], cache)
