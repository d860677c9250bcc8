"""Who is making the request, and the rule that every route is public by list or needs a role.

Access is default-deny: ``guard_request`` runs before every view and refuses any endpoint that
is neither marked ``@public`` nor ``@requires(...)``. The URL-map test proves no route is left
unmarked. The principal lives in the server-side session; the cookie holds only its id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from typing import TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, login_user

from portal.domain.principal import Principal
from portal.routing import this_page

F = TypeVar("F", bound=Callable)


@dataclass
class SessionUser(UserMixin, Principal):
    """The principal as Flask-Login sees it (``current_user``). Services take it as the plain
    ``Principal`` it is; only this adapter knows about Flask-Login."""

    def get_id(self) -> str:
        return f"{self.audience}:{self.subject}"


def public(view: F) -> F:
    view.access = "public"  # type: ignore[attr-defined]
    return view


def token_protected(view: F) -> F:
    """A machine endpoint: no session, no CSRF; the view checks its own bearer token."""
    from portal.security import csrf

    view.access = "token"  # type: ignore[attr-defined]
    return csrf.exempt(view)


def requires(*roles: str) -> Callable[[F], F]:
    def mark(view: F) -> F:
        view.access = frozenset(roles)  # type: ignore[attr-defined]
        return view

    return mark


def own_pages_only(view: F) -> F:
    """A page of the person's own settings (their fuldmagter, their calendar link): a relative
    acting for someone is never let in (see ``portal.delegations``)."""
    view.own_pages_only = True  # type: ignore[attr-defined]
    return view


def logs_its_looks(view: F) -> F:
    """A page that writes a relative's look in the access log itself, with more than the page's
    name (the file opened); ``portal.delegations`` then does not write a second entry."""
    view.logs_itself = True  # type: ignore[attr-defined]
    return view


def home_endpoint(principal: Principal) -> str:
    """Where a logged-in person starts: the caseworker's queue, a manager's figures, the
    sundhedskoordinator's list, or the citizen's front page."""
    if principal.audience != "caseworker":
        return "citizen.overview"
    if "coordinator" in principal.roles:
        return "coordination.index"
    return "casework.queue" if "caseworker" in principal.roles else "figures.index"


def sign_in(principal: Principal) -> None:
    """Start the logged-in session for this principal, at login and at every act-as switch:
    everything the session held is forgotten and its id is new (docs/architecture.md). The ID
    token is not kept: logout at the provider names the client, not the person."""
    session.clear()
    session.rotate(principal.audience)  # a new id, and the audience's timeouts
    session["principal"] = asdict(principal)
    login_user(as_session_user(principal))


def as_session_user(principal: Principal) -> SessionUser:
    if isinstance(principal, SessionUser):
        return principal
    return SessionUser(**{f.name: getattr(principal, f.name) for f in fields(Principal)})


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to after login, or None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


login_manager = LoginManager()
login_manager.session_protection = None


@login_manager.user_loader
def _load_user(user_id: str) -> Principal | None:
    data = session.get("principal")
    if not data:
        return None
    known = {f.name for f in fields(Principal)}
    principal = SessionUser(**{k: v for k, v in data.items() if k in known})
    return principal if principal.get_id() == user_id else None


def guard_request() -> None:
    from flask import current_app

    if request.endpoint is None:
        return  # 404 or 405: the error handlers answer
    view = current_app.view_functions.get(request.endpoint)
    access = getattr(view, "access", None)
    if access in ("public", "token") or request.endpoint == "static":
        return
    if not isinstance(access, frozenset):
        abort(404)  # an unmarked route is never served
    if not current_user.is_authenticated:
        for_citizens = "citizen" in access
        if getattr(session, "ended_by_timeout", False):
            back = this_page() if request.method == "GET" else None
            logged_out = "auth.logged_out" if for_citizens else "auth.caseworker_logged_out"
            return redirect(url_for(logged_out, reason="timeout", next=back))
        start = "public.start" if for_citizens else "casework.start"
        return redirect(url_for(start, next=this_page()))
    if not access & current_user.roles:
        abort(403)
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(guard_request)
