"""Login, callback, logout, the logged-out page and the session keep-alive."""

from __future__ import annotations

import logging
from dataclasses import replace

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user

from portal.auth import oidc
from portal.auth.principal import Principal, home_endpoint, public, requires, safe_next, sign_in
from portal.auth.sessions import TIMEOUTS
from portal.db import get_session, utcnow
from portal.i18n import current_language
from portal.services import delegations
from portal.services.identity import caseworker_principal, citizen_principal

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def _login_problem(reason: str, status: int, audience: str = "citizen"):
    retry = "auth.caseworker_login" if audience == "caseworker" else "auth.login"
    return render_template("auth/login_problem.html", reason=reason, retry=retry), status


def _start_login(audience: str, callback_path: str):
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    after = safe_next(request.args.get("next"))
    if after:
        session["after_login"] = after
    try:
        return oidc.authorization_redirect(
            audience, f"{_base_url()}{callback_path}", current_language()
        )
    except oidc.ProviderUnavailable:
        return _login_problem("unavailable", 503, audience)
    except oidc.LoginRefused as refused:
        log.warning("%s login could not start: %s", audience, refused.reason)
        return _login_problem("refused", 502, audience)


def _complete_login(audience: str):
    """The verified login, or the page that says why there is none."""
    try:
        return oidc.complete_login(audience), None
    except oidc.LoginAborted:
        return None, _login_problem("aborted", 200, audience)
    except oidc.ProviderUnavailable:
        log.warning("%s login failed: provider unavailable", audience)
        return None, _login_problem("unavailable", 503, audience)
    except oidc.LoginRefused as refused:
        log.warning("%s login refused: %s", audience, refused.reason)
        if refused.reason == "loa_too_low":
            return None, _login_problem("too_weak", 403, audience)
        if refused.reason == "state_unknown_or_used":
            return None, _login_problem("expired", 400, audience)
        return None, _login_problem("refused", 400, audience)


def _log_in(principal: Principal, landing: str | None = None):
    after = session.get("after_login")
    sign_in(principal)
    return redirect(landing or after or url_for(home_endpoint(principal)))


@bp.get("/login")
@public
def login():
    return _start_login("citizen", "/auth/callback")


@bp.get("/auth/callback")
@public
def callback():
    result, problem = _complete_login("citizen")
    if problem is not None:
        return problem
    db = get_session()
    key = current_app.config["CPR_HASH_KEY"]
    principal = citizen_principal(db, result.identity, key)
    now = utcnow()
    delegations.take_in_digital_fuldmagt(
        db, principal, result.identity.privileges, key, now, now + TIMEOUTS["citizen"].absolute
    )
    log.info("citizen login ok (known=%s)", principal.citizen_id is not None)
    # A person holding a fuldmagt chooses first: "Mig selv" or "På vegne af …"
    # (docs/architecture.md §3).
    chooses = bool(delegations.held_by(db, principal.person_hash, now))
    principal = replace(principal, helps_others=chooses)
    return _log_in(principal, url_for("delegations.choose") if chooses else None)


@bp.get("/sagsbehandler/login")
@public
def caseworker_login():
    return _start_login("caseworker", "/sagsbehandler/auth/callback")


@bp.get("/sagsbehandler/auth/callback")
@public
def caseworker_callback():
    result, problem = _complete_login("caseworker")
    if problem is not None:
        return problem
    principal = caseworker_principal(
        get_session(), result.identity, current_app.config["REGION_CVRS"]
    )
    if principal is None:
        # Logged in at MitID Erhverv, but without the portal role here: no session at all.
        session.pop("after_login", None)
        return render_template("auth/no_access.html"), 403
    log.info(
        "employee login ok (roles=%s, known=%s)",
        ",".join(principal.work_roles),
        principal.caseworker_id is not None,
    )
    return _log_in(principal)


@bp.post("/logout")
@public
def logout():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.logged_out"))
    audience = current_user.audience
    logout_user()
    session.destroy()
    logged_out = "auth.caseworker_logged_out" if audience == "caseworker" else "auth.logged_out"
    target = oidc.logout_url(audience, _base_url() + url_for(logged_out))
    return redirect(target or url_for(logged_out))


def _logged_out(login_endpoint: str):
    reason = "timeout" if request.args.get("reason") == "timeout" else "logout"
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return render_template(
        "auth/logged_out.html",
        reason=reason,
        next=safe_next(request.args.get("next")),
        login_endpoint=login_endpoint,
    )


@bp.get("/logget-af")
@public
def logged_out():
    return _logged_out("auth.login")


@bp.get("/sagsbehandler/logget-af")
@public
def caseworker_logged_out():
    return _logged_out("auth.caseworker_login")


@bp.post("/session/extend")
@requires("citizen", "caseworker")
def extend():
    """'Bliv logget ind' (WCAG 2.2.1): any request counts as activity; this one forces it."""
    session.touch()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(seconds_left=session.seconds_left(utcnow()))
    return redirect(safe_next(request.form.get("next")) or url_for(home_endpoint(current_user)))
