"""The sundhedskoordinator's pages (issue 26): the region's list of concerns with a meeting, one
concern to prepare the meeting (the citizen's answers and own words, the offer; the health
description and the files when the citizen has shared them), recording that the meeting was
held, and the coordinator's own advice. Thin views: access, consent and the access log are the
service's (portal/services/coordination.py).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

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

from portal.auth.principal import requires
from portal.casework.forms import AdviceForm, MeetingHeldForm
from portal.db import get_session
from portal.domain.concerns import ConcernAction, TransitionRefused, may
from portal.domain.danish import today_in_denmark
from portal.domain.principal import Actor
from portal.domain.regions import REGION_NAMES, region_on
from portal.downloads import download
from portal.services import casework_steps, concerns, coordination
from portal.services.concern_steps import advice_event, consent_of, current_meeting

log = logging.getLogger(__name__)
bp = Blueprint("coordination", __name__, url_prefix="/sundhedskoordinator")

_CHANGED_MEANWHILE = _l(
    "En anden har ændret bekymringen, mens du arbejdede. Se ændringen nedenfor. "
    "Det, du skrev, står stadig i feltet. Send igen, hvis det stadig passer."
)


def _region_name() -> str:
    region = region_on(current_user.region or "", today_in_denmark())
    return REGION_NAMES[region] if region else ""


@bp.get("/bekymringer")
@requires("coordinator")
def index():
    today = today_in_denmark()
    found = coordination.listing(get_session(), current_user, today, request.args.get("efter"))
    return render_template(
        "coordination/index.html",
        listing=found,
        region=_region_name(),
        paged=bool(request.args.get("efter")),
    )


def _concern_or_404(concern_id: int, log_read: bool = True):
    concern = coordination.open_concern(
        get_session(), current_user, concern_id, today_in_denmark(), log_read=log_read
    )
    if concern is None:
        abort(404)
    return concern


def _forms(concern, bound: dict | None = None) -> dict:
    """The steps the coordinator may take now: record the meeting as held, then the advice."""
    forms = dict(bound or {})
    meeting = current_meeting(concern)
    if (
        "moede-holdt" not in forms
        and meeting is not None
        and may(concern.status, ConcernAction.RECORD_MEETING_HELD, concern.right_applies)
    ):
        forms["moede-holdt"] = MeetingHeldForm(formdata=None, prefix="moede-holdt")
    if "raad" not in forms and may(
        concern.status, ConcernAction.RECORD_ADVICE, concern.right_applies
    ):
        forms["raad"] = AdviceForm(formdata=None, prefix="raad")
    for form in forms.values():
        form.version.data = str(concern.version)
    return forms


def _page(concern, status: int = 200, bound: dict | None = None, problem=None, done=None):

    return render_template(
        "coordination/concern.html",
        concern=concern,
        forms=_forms(concern, bound),
        region=_region_name(),
        shares_health=coordination.shares_health(concern),
        consent=consent_of(concern),
        meeting=coordination.the_meeting(concern),
        proposal=next((p for p in reversed(concern.proposals) if p.status == "open"), None),
        advice=advice_event(concern),
        problem=problem,
        done=done,
    ), status


# Set only by a step that was done: the page that shows its result is not a second look (the
# step was logged), and a made-up URL cannot read without a log entry.
JUST_ACTED_ON = "coordinator_acted_on"
DONE = {
    "moede-holdt": _l("Mødet er registreret. Skriv dit råd herunder."),
    "raad": _l("Dit råd er gemt. Borgeren og kommunen kan læse det nu."),
}


@bp.get("/bekymringer/<int:concern_id>")
@requires("coordinator")
def concern(concern_id: int):
    acted = session.pop(JUST_ACTED_ON, None) == concern_id
    done = DONE.get(request.args.get("udfoert", "")) if acted else None
    return _page(_concern_or_404(concern_id, log_read=not acted), done=done)


@bp.get("/bekymringer/<int:concern_id>/filer/<int:document_id>")
@requires("coordinator")
def document(concern_id: int, document_id: int):
    """A file the citizen attached and shared with the coordinator (logged with the file)."""
    found = coordination.open_document(
        get_session(), current_user, concern_id, document_id, today_in_denmark()
    )
    if found is None:
        abort(404)
    return download(found)


def _run(slug: str, concern, form) -> None:
    db, version = get_session(), form.seen_version()
    if slug == "moede-holdt":
        casework_steps.record_meeting(
            db,
            Actor.coordinator(current_user),
            concern,
            held=True,
            now=datetime.now(UTC),
            participants=form.participants.data,
            note=(form.note.data or "").strip(),
            expected_version=version,
        )
    else:
        coordination.give_advice(
            db,
            current_user,
            concern,
            (form.advice.data or "").strip(),
            today_in_denmark(),
            current_app.config["COMMENT_PERIOD_DAYS"],
            current_app.config["REGION_CVRS"].values(),
            version,
        )


@bp.post("/bekymringer/<int:concern_id>/<slug>")
@requires("coordinator")
def act(concern_id: int, slug: str):
    forms = {"moede-holdt": MeetingHeldForm, "raad": AdviceForm}
    if slug not in forms:
        abort(404)
    concern = _concern_or_404(concern_id, log_read=False)
    form = forms[slug](prefix=slug)
    if form.seen_version() not in (None, concern.version):
        return _page(concern, 409, {slug: form}, _CHANGED_MEANWHILE)
    if not form.validate():
        return _page(concern, 400, {slug: form})
    try:
        _run(slug, concern, form)
    except concerns.ConcurrentChange:
        return _page(_concern_or_404(concern_id, False), 409, {slug: form}, _CHANGED_MEANWHILE)
    except TransitionRefused:
        problem = (
            _l("Rådet kan først gemmes, når mødet er holdt. Registrér først, at mødet er holdt.")
            if slug == "raad"
            else _l("Mødet kan ikke registreres nu.")
        )
        return _page(concern, 409, {slug: form}, problem)
    except casework_steps.MeetingNotYet:
        problem = _l("Mødet er ikke holdt endnu. Du kan registrere det, når mødet er begyndt.")
        return _page(concern, 409, {slug: form}, problem)
    except concerns.NotSaved:
        log.warning("coordinator action %s failed: not saved", slug)
        problem = _l("Det blev ikke gemt. Prøv igen om lidt. Det, du skrev, står der stadig.")
        return _page(_concern_or_404(concern_id, False), 503, {slug: form}, problem)
    session[JUST_ACTED_ON] = concern_id
    return redirect(url_for("coordination.concern", concern_id=concern_id, udfoert=slug))
