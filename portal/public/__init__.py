"""Pages anyone may read: the start page, contact, how we handle data, accessibility, health."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select, text

from portal.auth.principal import home_endpoint, public, safe_next
from portal.db import get_session, utcnow
from portal.i18n import N_
from portal.models import Citizen, Municipality

bp = Blueprint("public", __name__)
PORTAL_NAME = N_("Mit ressourceforløb")


@bp.app_context_processor
def layout_context() -> dict:
    """What the layout needs on every page: the portal's name, the municipality, the timeout."""

    def municipality() -> Municipality | None:
        municipality_id = getattr(current_user, "municipality_id", None)
        if municipality_id is not None:  # a caseworker works for one municipality
            return get_session().get(Municipality, municipality_id)
        citizen_id = getattr(current_user, "citizen_id", None)
        if citizen_id is None:
            return None
        return get_session().scalar(
            select(Municipality).join(Citizen).where(Citizen.id == citizen_id)
        )

    def session_seconds_left() -> int | None:
        if not current_user.is_authenticated:
            return None
        return session.seconds_left(utcnow())

    return {
        "home_endpoint": home_endpoint,
        "portal_name": PORTAL_NAME,
        "header_municipality": municipality,
        "session_seconds_left": session_seconds_left,
    }


@bp.get("/")
@public
def start():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    after = safe_next(request.args.get("next"))
    return render_template(
        "public/start.html", next=after, timed_out=getattr(session, "ended_by_timeout", False)
    )


@bp.get("/kontakt")
@public
def contact():
    return render_template("public/contact.html")


@bp.get("/om-dine-data")
@public
def privacy():
    return render_template("public/privacy.html")


@bp.get("/tilgaengelighed")
@public
def accessibility():
    return render_template("public/accessibility.html")


@bp.get("/health")
@public
def health():
    """For the load balancer: the app answers and the database answers."""
    get_session().execute(text("SELECT 1"))
    return jsonify(status="ok")
