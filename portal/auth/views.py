"""Login, callback, logout, the logged-out page and the session keep-alive."""

from __future__ import annotations

import logging

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
from flask_login import current_user, login_user, logout_user

from portal.auth import oidc
from portal.auth.principal import public, remember, requires, safe_next
from portal.db import get_session, utcnow
from portal.i18n import current_language
from portal.services.identity import citizen_principal

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)


def _base_url() -> str:
    return current_app.config["BASE_URL"]


def _login_problem(reason: str, status: int):
    return render_template("auth/login_problem.html", reason=reason), status


@bp.get("/login")
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("citizen.overview"))
    after = safe_next(request.args.get("next"))
    if after:
        session["after_login"] = after
    try:
        return oidc.authorization_redirect(
            "citizen", f"{_base_url()}/auth/callback", current_language()
        )
    except oidc.ProviderUnavailable:
        return _login_problem("unavailable", 503)
    except oidc.LoginRefused as refused:
        log.warning("citizen login could not start: %s", refused.reason)
        return _login_problem("refused", 502)


@bp.get("/auth/callback")
@public
def callback():
    try:
        result = oidc.complete_login("citizen")
    except oidc.LoginAborted:
        return _login_problem("aborted", 200)
    except oidc.ProviderUnavailable:
        log.warning("citizen login failed: provider unavailable")
        return _login_problem("unavailable", 503)
    except oidc.LoginRefused as refused:
        log.warning("citizen login refused: %s", refused.reason)
        if refused.reason == "loa_too_low":
            return _login_problem("too_weak", 403)
        if refused.reason == "state_unknown_or_used":
            return _login_problem("expired", 400)
        return _login_problem("refused", 400)

    principal = citizen_principal(
        get_session(), result.identity, current_app.config["CPR_HASH_KEY"]
    )
    after = session.get("after_login")
    session.clear()
    session.rotate("citizen")
    session["id_token"] = result.id_token
    remember(principal)
    login_user(principal)
    log.info("citizen login ok (known=%s)", principal.citizen_id is not None)
    return redirect(after or url_for("citizen.overview"))


@bp.post("/logout")
@public
def logout():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.logged_out"))
    audience = current_user.audience
    id_token = session.get("id_token")
    logout_user()
    session.destroy()
    target = oidc.logout_url(audience, id_token, f"{_base_url()}/logget-af")
    return redirect(target or url_for("auth.logged_out"))


@bp.get("/logget-af")
@public
def logged_out():
    reason = "timeout" if request.args.get("reason") == "timeout" else "logout"
    if current_user.is_authenticated:
        return redirect(url_for("citizen.overview"))
    return render_template(
        "auth/logged_out.html", reason=reason, next=safe_next(request.args.get("next"))
    )


@bp.post("/session/extend")
@requires("citizen")
def extend():
    """'Bliv logget ind' (WCAG 2.2.1): any request counts as activity; this one forces it."""
    session.touch()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(seconds_left=session.seconds_left(utcnow()))
    return redirect(safe_next(request.form.get("next")) or url_for("citizen.overview"))
