"""Pages anyone may read: the start page, contact, how we handle data, accessibility."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from portal.auth.principal import home_endpoint, public, safe_next

bp = Blueprint("public", __name__)


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


@bp.get("/was")
@public
def was():
    """The accessibility statement made in Digitaliseringsstyrelsen's WAS-Tool, where the law
    wants it (webtilgængelighedsloven § 4): its address is a setting (PORTAL_WAS_URL)."""
    return redirect(current_app.config["CONTACTS"]["was_url"])
