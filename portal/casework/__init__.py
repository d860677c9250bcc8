"""The caseworker's workspace: the queue of the municipality's concerns, one concern with its
answers and timeline, and the actions that move it on. Thin views: the services decide, check
access and write the access log; the domain decides which step is allowed.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.principal import public, requires, safe_next
from portal.casework.forms import (
    AcknowledgeForm,
    AdviceForm,
    CloseForm,
    DecisionForm,
    MeetingForm,
    MessageForm,
)
from portal.db import get_session
from portal.domain.concerns import (
    FINISHED,
    ConcernAction,
    TransitionRefused,
    allowed_actions,
    can_message,
)
from portal.domain.danish import today_in_denmark
from portal.domain.principal import Actor
from portal.domain.vocabulary import CONCERN_STATUS_NAMES
from portal.services import casework, concerns

log = logging.getLogger(__name__)
bp = Blueprint("casework", __name__, url_prefix="/sagsbehandler")

# Each action: its address, its form (with a prefix so several share a page), and what the
# caseworker is told when it is done.
ACTIONS = {
    "kvitter": (ConcernAction.ACKNOWLEDGE, AcknowledgeForm, _l("Bekymringen er kvitteret.")),
    "moede": (ConcernAction.BOOK_MEETING, MeetingForm, _l("Mødet er gemt.")),
    "raadgivning": (ConcernAction.RECORD_ADVICE, AdviceForm, _l("Rådgivningen er gemt.")),
    "beslutning": (ConcernAction.DECIDE, DecisionForm, _l("Beslutningen er gemt.")),
    "luk": (ConcernAction.CLOSE, CloseForm, _l("Bekymringen er lukket.")),
    "besked": (None, MessageForm, _l("Beskeden er sendt til borgeren.")),
}
SLUG_OF = {action: slug for slug, (action, _form, _done) in ACTIONS.items() if action}


def _goals():
    return casework.service_goals(current_app.config["SERVICE_GOALS"])


@bp.get("/")
@public
def start():
    if current_user.is_authenticated and current_user.audience == "caseworker":
        return redirect(url_for("casework.queue"))
    return render_template("casework/start.html", next=safe_next(request.args.get("next")))


@bp.get("/bekymringer")
@requires("caseworker")
def queue():
    filters = casework.QueueFilter.from_args(request.args)
    result = casework.queue(
        get_session(),
        current_user,
        filters,
        request.args.get("efter"),
        today_in_denmark(),
        _goals(),
    )
    return render_template(
        "casework/queue.html",
        filters=filters,
        queue=result,
        goals=_goals(),
        paged=bool(request.args.get("efter")),
    )


def _concern_or_404(concern_id: int, purpose: str = "read"):
    """The concern, if it is the caseworker's municipality's. Opening it to read is logged as a
    look; opening it to act is logged by the action itself (one entry per action)."""
    concern = casework.open_concern(
        get_session(), current_user, concern_id, log_read=purpose == "read"
    )
    if concern is None:
        abort(404)
    return concern


def _forms_for(concern, bound_slug: str | None = None, bound_form=None) -> dict:
    """A fresh form for every action allowed now, plus the one just sent (with what was typed)."""
    allowed = {
        SLUG_OF[a] for a in allowed_actions(concern.status, concern.right_applies) if a in SLUG_OF
    }
    if can_message(concern.status):
        allowed.add("besked")
    forms = {}
    for slug in ACTIONS:
        if slug == bound_slug and bound_form is not None:
            bound_form.version.data = str(concern.version)
            forms[slug] = bound_form
        elif slug in allowed:
            form = ACTIONS[slug][1](formdata=None, prefix=slug)
            form.version.data = str(concern.version)
            forms[slug] = form
    return forms


def _page(concern, status: int = 200, bound_slug=None, bound_form=None, problem=None):
    return render_template(
        "casework/concern.html",
        concern=concern,
        forms=_forms_for(concern, bound_slug, bound_form),
        goals=casework.concern_goals(concern, today_in_denmark(), _goals()),
        finished=concern.status in FINISHED,
        problem=problem,
        done=ACTIONS[request.args["udfoert"]][2]
        if request.args.get("udfoert") in ACTIONS
        else None,
    ), status


@bp.get("/bekymringer/<int:concern_id>")
@requires("caseworker")
def concern(concern_id: int):
    return _page(_concern_or_404(concern_id))


def _refusal_text(concern, action: ConcernAction | None) -> str:
    """Why the step is not allowed now, in words the caseworker can act on."""
    if concern.status in FINISHED:
        return _l(
            "Bekymringen har status »%(status)s«. Den kan ikke ændres mere.",
            status=_l(CONCERN_STATUS_NAMES[concern.status]),
        )
    if action is ConcernAction.DECIDE:
        return _l("Kommunens beslutning kan først gemmes, når rådgivningen er gemt.")
    if action in (ConcernAction.BOOK_MEETING, ConcernAction.RECORD_ADVICE) and not (
        concern.right_applies
    ):
        return _l(
            "Tilbuddet er ikke beskæftigelsesrettet. Derfor er der ikke et møde med "
            "sundhedskoordinatoren."
        )
    return _l(
        "Det kan ikke gøres nu. Bekymringen har status »%(status)s«.",
        status=_l(CONCERN_STATUS_NAMES[concern.status]),
    )


@bp.post("/bekymringer/<int:concern_id>/<slug>")
@requires("caseworker")
def act(concern_id: int, slug: str):
    if slug not in ACTIONS:
        abort(404)
    action, form_class, _done = ACTIONS[slug]
    concern = _concern_or_404(concern_id, purpose="act")
    form = form_class(prefix=slug)
    if not form.validate():
        return _page(concern, 400, slug, form)
    actor = Actor.caseworker(current_user)
    db = get_session()
    try:
        if action is None:
            concerns.send_message(
                db, actor, concern, form.text.data.strip(), expected_version=form.seen_version()
            )
        else:
            concerns.transition(
                db, actor, concern, action, expected_version=form.seen_version(), **_details(form)
            )
    except concerns.ConcurrentChange:
        # Nothing was written (the service checks the version first and rolls back a race).
        log.info("casework action %s refused: the concern changed meanwhile", slug)
        fresh = _concern_or_404(concern_id, purpose="act")
        problem = _l(
            "En anden har ændret bekymringen, mens du arbejdede. Se ændringen nedenfor. "
            "Det, du skrev, er ikke gemt endnu, men står stadig i feltet. Send igen, hvis det "
            "stadig passer."
        )
        return _page(fresh, 409, slug, form, problem)
    except TransitionRefused:  # refused before anything changed
        return _page(concern, 409, slug, form, _refusal_text(concern, action))
    except concerns.NotSaved:
        log.warning("casework action %s failed: not saved", slug)
        problem = _l("Det blev ikke gemt. Prøv igen om lidt. Det, du skrev, står der stadig.")
        return _page(_concern_or_404(concern_id, purpose="act"), 503, slug, form, problem)
    return redirect(url_for("casework.concern", concern_id=concern.id, udfoert=slug))


def _details(form) -> dict:
    """What the timeline keeps about the step (the citizen reads the texts)."""
    if isinstance(form, AcknowledgeForm | CloseForm):
        return {"message": (form.message.data or "").strip()}
    if isinstance(form, MeetingForm):
        return {
            "meeting_at": form.meeting_at().replace(tzinfo=None).isoformat(timespec="minutes"),
            "form": form.form.data,
            "place": (form.place.data or "").strip(),
            "coordinator": form.coordinator.data.strip(),
            "clinical_unit": form.clinical_unit.data.strip(),
            "message": (form.message.data or "").strip(),
        }
    if isinstance(form, AdviceForm):
        return {"advice": form.advice.data.strip()}
    if isinstance(form, DecisionForm):
        return {"decision": form.decision.data, "reason": form.reason.data.strip()}
    return {}
