"""Relatives and powers of attorney (fuldmagter): choosing whom to act for, the check on every
request, and the citizen's own list where they give and withdraw a fuldmagt.

While a relative acts for a citizen, ``current_user.citizen_id`` is the citizen's, so every
citizen page shows the citizen's case through the same services. This module decides what the
relative may do there: "se" reads, "se og handle" also acts; every page of the citizen's case
they open is written to the access log; an ended fuldmagt ends the access on the next request.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.principal import Principal, own_pages_only, requires, sign_in
from portal.db import get_session
from portal.delegations.forms import GrantForm
from portal.domain.danish import today_in_denmark
from portal.domain.delegations import GrantProblem, Scope, allows
from portal.routing import parse_id
from portal.services import delegations

log = logging.getLogger(__name__)
bp = Blueprint("delegations", __name__)

# The citizen's case: a relative's every look here is logged, and acting here needs "handle".
CASE_DATA_BLUEPRINTS = ("citizen.", "concerns.")
# The page a relative's successful write redirects to shows that write: it is not a second look
# (the write is in the log already). Set only after a write, so no made-up URL skips the log.
JUST_WROTE = "relative_wrote_to"


def _now() -> datetime:
    return datetime.now(UTC)


def _me() -> Principal:
    """The principal itself, not Flask-Login's proxy (dataclasses.replace needs the object)."""
    return current_user._get_current_object()


def _switch_to(principal: Principal) -> None:
    """The same login, now as this principal: a new session id on every switch
    (docs/architecture.md §3)."""
    sign_in(principal)


@bp.before_app_request
def check_delegation():
    """Runs after the route guard: the fuldmagt must still hold, and allow what is asked."""
    if request.endpoint is None or not current_user.is_authenticated:
        return None
    if not getattr(current_user, "is_delegate", False):
        return None
    db = get_session()
    delegation = delegations.still_valid(db, current_user, _now())
    if delegation is None:
        name = current_user.acting_for_name
        _switch_to(delegations.as_self(_me()))
        log.info("a relative's access ended: the fuldmagt expired or was withdrawn")
        return render_template("delegations/ended.html", name=name), 403
    endpoint = request.endpoint
    if getattr(current_app.view_functions.get(endpoint), "own_pages_only", False):
        return render_template("delegations/not_for_delegates.html"), 403
    if not endpoint.startswith(CASE_DATA_BLUEPRINTS):
        return None  # logging out, staying logged in, switching: always
    needed = Scope.SEE if request.method in ("GET", "HEAD") else Scope.ACT
    if not allows(delegation.scope, needed):
        delegations.note_look(db, delegation, endpoint, refused=True)
        return render_template("delegations/see_only.html"), 403
    logs_itself = getattr(current_app.view_functions.get(endpoint), "logs_itself", False)
    if needed is Scope.SEE and session.pop(JUST_WROTE, None) != request.path and not logs_itself:
        delegations.note_look(db, delegation, endpoint)
    return None


@bp.after_app_request
def after_a_relatives_write(response):
    """A relative's write is logged by the service that wrote it. If it did not write (the form
    had a problem), the page they were shown is a look; if it did, its result page is part of
    the write (one entry)."""
    if (
        request.method in ("GET", "HEAD", "OPTIONS")
        or request.endpoint is None
        or not request.endpoint.startswith(CASE_DATA_BLUEPRINTS)
        or not getattr(current_user, "is_delegate", False)
        or response.status_code == 403  # refused above, and logged as refused
    ):
        return response
    if 300 <= response.status_code < 400:
        session[JUST_WROTE] = urlsplit(response.headers.get("Location", "")).path
    else:
        delegation = delegations.still_valid(get_session(), current_user, _now())
        if delegation is not None:
            delegations.note_look(get_session(), delegation, request.endpoint)
    return response


@bp.route("/vaelg", methods=["GET", "POST"])
@requires("citizen")
def choose():
    """'Mig selv' or 'På vegne af …', after login and whenever the banner's 'Skift' is used."""
    db = get_session()
    held = delegations.held_by(db, current_user.person_hash, _now())
    if request.method == "POST":
        choice = request.form.get("for", "")
        if choice == "self":
            _switch_to(delegations.as_self(_me()))
            return redirect(url_for("citizen.overview"))
        delegation_id = parse_id(choice)
        acting = (
            delegations.act_for(db, delegations.as_self(_me()), delegation_id, _now())
            if delegation_id is not None
            else None
        )
        if acting is None:
            abort(404)
        _switch_to(acting)
        return redirect(url_for("citizen.overview"))
    if not held:
        return redirect(url_for("citizen.overview"))
    return render_template("delegations/choose.html", held=held)


def _manage_page(form: GrantForm, status: int = 200):
    db = get_session()
    return render_template(
        "delegations/manage.html",
        granted=delegations.granted_by(db, current_user.citizen_id, _now()),
        form=form,
        max_days=current_app.config["DELEGATION_DAYS"]["max"],
    ), status


@bp.route("/fuldmagter", methods=["GET", "POST"])
@requires("citizen")
@own_pages_only
def manage():
    """The citizen's list of who can act for them, and the form to give a fuldmagt."""
    if current_user.citizen_id is None:
        abort(404)
    if request.method == "GET":
        default_end = today_in_denmark() + timedelta(
            days=current_app.config["DELEGATION_DAYS"]["default"]
        )
        return _manage_page(GrantForm(formdata=None, data={"ends_on": default_end.isoformat()}))
    form = GrantForm()
    if not form.validate():
        return _manage_page(form, 400)
    settings = current_app.config["DELEGATION_DAYS"]
    try:
        delegations.grant(
            get_session(),
            current_user,
            form.cpr.data,
            form.name.data,
            Scope(form.scope.data),
            form.ends_on_date(),
            today_in_denmark(),
            settings["max"],
            current_app.config["CPR_HASH_KEY"],
        )
    except delegations.GrantRefused as refused:
        if refused.problem is GrantProblem.SELF:
            form.cpr.errors = [
                _l(
                    "Du kan ikke give fuldmagt til dig selv. Skriv CPR-nummeret på den, der "
                    "skal hjælpe dig."
                )
            ]
        elif refused.problem is GrantProblem.END_IN_PAST:
            form.ends_on.errors = [_l("Slutdatoen skal ligge efter i dag.")]
        else:
            form.ends_on.errors = [
                _l("Slutdatoen må højst ligge %(days)s dage fremme.", days=settings["max"])
            ]
        return _manage_page(form, 400)
    return redirect(url_for("delegations.manage", givet=1))


@bp.post("/fuldmagter/<int:delegation_id>/tilbagekald")
@requires("citizen")
@own_pages_only
def revoke(delegation_id: int):
    if current_user.citizen_id is None or not delegations.revoke(
        get_session(), current_user.citizen_id, delegation_id, _now()
    ):
        abort(404)
    return redirect(url_for("delegations.manage", tilbagekaldt=1))
