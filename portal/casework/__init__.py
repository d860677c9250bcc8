"""The caseworker's workspace: the queue of the municipality's concerns, one concern with its
answers and timeline, and the actions that move it on. Thin views: the services decide, check
access and write the access log; the domain decides which step is allowed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
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

from portal.auth.principal import home_endpoint, public, requires, safe_next
from portal.casework.forms import (
    AcknowledgeForm,
    ActionForm,
    CloseForm,
    DecisionForm,
    DeliveryForm,
    MeetingDetailsForm,
    MeetingForm,
    MeetingHeldForm,
    MeetingNotHeldForm,
    MessageForm,
    OralAdviceForm,
    ProposalForm,
)
from portal.db import get_session
from portal.domain import regions
from portal.domain.concerns import (
    FINISHED,
    ConcernAction,
    TransitionRefused,
    can_message,
    may,
)
from portal.domain.danish import DANISH_TIME, today_in_denmark
from portal.domain.decisions import DecisionProblem, DeliveryProblem
from portal.domain.principal import Actor
from portal.domain.regions import clinical_unit
from portal.domain.vocabulary import CONCERN_STATUS_NAMES
from portal.downloads import download
from portal.i18n import long_date
from portal.page_cache import kept_for_the_caseworker, may_keep
from portal.services import casework, casework_steps, concern_steps, concerns, decisions

log = logging.getLogger(__name__)
bp = Blueprint("casework", __name__, url_prefix="/sagsbehandler")


def _text(field) -> str:
    return (field.data or "").strip()


def _acknowledge(db, actor, concern, form, version):
    concern_steps.transition(
        db, actor, concern, ConcernAction.ACKNOWLEDGE, version, message=_text(form.message)
    )


def _plan(form, starts_at: datetime) -> concern_steps.MeetingPlan:
    """How, where and with whom, from the booking or the offered-times form."""
    place, video_url = form.place_and_link()
    return concern_steps.MeetingPlan(
        starts_at=starts_at,
        form=form.form.data,
        place=place,
        video_url=video_url,
        coordinator=_text(form.coordinator),
        clinical_unit=_text(form.clinical_unit),
        message=_text(form.message),
    )


def _book(db, actor, concern, form, version):
    casework_steps.book_meeting(db, actor, concern, _plan(form, form.meeting_at()), version)


def _propose(db, actor, concern, form, version):
    times = form.times()
    casework_steps.propose_times(
        db,
        actor,
        concern,
        times,
        _plan(form, min(times)),
        version,
        current_app.config["TIMES_ANSWER_DAYS"],
    )


def _held(db, actor, concern, form, version):
    _record_meeting(db, actor, concern, form, version, held=True)


def _not_held(db, actor, concern, form, version):
    _record_meeting(db, actor, concern, form, version, held=False)


def _record_meeting(db, actor, concern, form, version, held: bool):
    casework_steps.record_meeting(
        db,
        actor,
        concern,
        held=held,
        now=datetime.now(UTC),
        participants=form.participants.data if held else None,
        reason="" if held else form.reason.data,
        note=_text(form.note),
        expected_version=version,
    )


def _advice(db, actor, concern, form, version):
    casework_steps.record_advice(
        db,
        actor,
        concern,
        _text(form.advice),
        today_in_denmark(),
        current_app.config["COMMENT_PERIOD_DAYS"],
        version,
        connected=current_app.config["REGION_CVRS"].values(),
        given_by=_text(form.given_by),
    )


def advice_in_portal(concern) -> bool:
    """The region's coordinator writes the advice in the portal (issue 26): the caseworker
    then has no form for it."""
    return regions.advice_in_portal(
        concern.municipality.region, current_app.config["REGION_CVRS"].values(), today_in_denmark()
    )


def _decide(db, actor, concern, form, version):
    given = decisions.DecisionInput(
        decision=form.decision.data,
        facts=_text(form.facts),
        assessment=_text(form.assessment),
        plan=form.plan(decisions.plan_before(concern)),
        change_text=_text(form.changes),
        replacement=_text(form.replacement),
        early_reason=_text(form.early_reason),
    )
    decisions.decide(db, actor, concern, given, today_in_denmark(), version)


def _deliver(db, actor, concern, form, version):
    decisions.record_delivery(
        db, actor, concern, form.channel.data, form.received(), today_in_denmark(), version
    )


def _close(db, actor, concern, form, version):
    concern_steps.transition(
        db, actor, concern, ConcernAction.CLOSE, version, message=_text(form.message)
    )


def _message(db, actor, concern, form, version):
    casework_steps.send_message(db, actor, concern, _text(form.text), version)


def _decision_problem(concern, problem: DecisionProblem) -> tuple[str, object]:
    """The field a refused decision is about, and what to do."""
    if problem is DecisionProblem.TOO_EARLY:
        return "early_reason", _l(
            "Borgeren kan kommentere rådgivningen til og med %(date)s. Vent, eller "
            "skriv hvorfor kommunen beslutter nu.",
            date=long_date(concern.comment_until),
        )
    return {
        DecisionProblem.NO_CHANGES: (
            "changes",
            _l("Ret planen herover, eller skriv hvad der bliver ændret i tilbuddet."),
        ),
        DecisionProblem.NO_REPLACEMENT: ("replacement", _l("Skriv, hvad borgeren får i stedet.")),
        DecisionProblem.END_BEFORE_START: ("end_date", _l("Slutdatoen skal ligge efter start.")),
        DecisionProblem.HALF_TIMES: (
            "day_ends_at",
            _l("Skriv både hvornår dagen starter og slutter. Eller lad begge stå tomme."),
        ),
        DecisionProblem.TIMES_BACKWARDS: (
            "day_ends_at",
            _l("Dagen skal slutte, efter den starter."),
        ),
    }[problem]


@dataclass(frozen=True)
class Action:
    """One step the caseworker can take: its domain action, its form (with a prefix so several
    share a page), what it does, and what the caseworker is told when it is done."""

    action: ConcernAction
    form: type[ActionForm]
    run: Callable
    done: object


ACTIONS = {
    "kvitter": Action(
        ConcernAction.ACKNOWLEDGE, AcknowledgeForm, _acknowledge, _l("Bekymringen er kvitteret.")
    ),
    "tider": Action(
        ConcernAction.PROPOSE_TIMES,
        ProposalForm,
        _propose,
        _l("Tiderne er sendt. Borgeren vælger en af dem, eller siger, at ingen passer."),
    ),
    "moede": Action(ConcernAction.BOOK_MEETING, MeetingForm, _book, _l("Mødet er gemt.")),
    "moede-holdt": Action(
        ConcernAction.RECORD_MEETING_HELD, MeetingHeldForm, _held, _l("Mødet er registreret.")
    ),
    "moede-ikke-holdt": Action(
        ConcernAction.RECORD_MEETING_NOT_HELD,
        MeetingNotHeldForm,
        _not_held,
        _l("Det er registreret, at mødet ikke blev holdt. Aftal et nyt møde."),
    ),
    "raadgivning": Action(
        ConcernAction.RECORD_ADVICE, OralAdviceForm, _advice, _l("Rådgivningen er gemt.")
    ),
    "beslutning": Action(ConcernAction.DECIDE, DecisionForm, _decide, _l("Beslutningen er gemt.")),
    "afgoerelse-sendt": Action(
        ConcernAction.RECORD_DELIVERY,
        DeliveryForm,
        _deliver,
        _l("Det er gemt, hvornår borgeren fik afgørelsen. Klagefristen regner fra den dag."),
    ),
    "luk": Action(ConcernAction.CLOSE, CloseForm, _close, _l("Bekymringen er lukket.")),
    "besked": Action(
        ConcernAction.MESSAGE, MessageForm, _message, _l("Beskeden er sendt til borgeren.")
    ),
}


def _goals():
    return casework.service_goals(current_app.config["SERVICE_GOALS"])


@bp.get("/")
@public
def start():
    if current_user.is_authenticated and current_user.audience == "caseworker":
        return redirect(url_for(home_endpoint(current_user)))
    return render_template("casework/start.html", next=safe_next(request.args.get("next")))


def _note_queue_look(citizen_ids: list[int]) -> None:
    casework.note_queue_look(get_session(), current_user, citizen_ids)


@bp.get("/bekymringer")
@requires("caseworker")
@kept_for_the_caseworker(_note_queue_look)
def queue():
    filters = casework.QueueFilter.from_args(request.args)
    result = casework.queue(
        get_session(),
        current_user,
        filters,
        request.args.get("efter"),
        today_in_denmark(),
        _goals(),
        current_app.config["TIMES_ANSWER_DAYS"],
    )
    may_keep(result.citizen_ids, result.changes_at)
    return render_template(
        "casework/queue.html",
        filters=filters,
        queue=result,
        disagreements=decisions.disagreements(get_session(), current_user.municipality_id),
        goals=_goals(),
        paged=bool(request.args.get("efter")),
    )


JUST_ACTED_ON = "just_acted_on"


def _concern_or_404(concern_id: int, purpose: str = "read"):
    """The concern, if it is the caseworker's municipality's. Opening it to read is logged as a
    look; opening it to act is logged by the action itself, and so is the page that shows the
    action's result: one action, one entry (a flag in the server-side session that only a
    successful action sets, so a made-up URL cannot read without a log)."""
    if purpose == "read" and session.pop(JUST_ACTED_ON, None) == concern_id:
        purpose = "act"
    concern = casework.open_concern(
        get_session(), current_user, concern_id, log_read=purpose == "read"
    )
    if concern is None:
        abort(404)
    return concern


def _fresh_form(slug: str, concern):
    form = ACTIONS[slug].form(formdata=None, prefix=slug)
    if isinstance(form, MeetingDetailsForm):
        booked = concern_steps.current_meeting(concern)
        meeting = booked or (concern.meetings[-1] if concern.meetings else None)
        if meeting is not None:  # moving, or booking again: start from the last booking
            form.form.data = meeting.form
            form.place.data = meeting.video_url or meeting.place
            form.coordinator.data = meeting.coordinator
            form.clinical_unit.data = meeting.clinical_unit
            if booked is not None and isinstance(form, MeetingForm):
                # Moving: one field to change, not seven to type again.
                local = booked.starts_at.astimezone(DANISH_TIME)
                form.day.data = local.date().isoformat()
                form.starts_at.data = local.strftime("%H:%M")
        else:  # the region's name is data, looked up for today (domain.regions)
            form.clinical_unit.data = clinical_unit(
                concern.citizen.municipality.region, today_in_denmark()
            )
    elif isinstance(form, DecisionForm):
        form.fill_from(decisions.plan_before(concern))
    elif isinstance(form, DeliveryForm):
        form.received_on.data = today_in_denmark().isoformat()
    elif isinstance(form, OralAdviceForm) and concern.meetings:
        form.given_by.data = concern.meetings[-1].coordinator
    return form


def _forms_for(concern, bound_slug: str | None = None, bound_form=None) -> dict:
    """A fresh form for every action allowed now, plus the one just sent (with what was typed)."""
    allowed = {
        slug
        for slug, step in ACTIONS.items()
        if may(concern.status, step.action, concern.right_applies)
    }
    if not can_message(concern.status):
        allowed.discard("besked")
    if advice_in_portal(concern):
        allowed.discard("raadgivning")
    forms = {}
    for slug in ACTIONS:
        if slug == bound_slug and bound_form is not None:
            forms[slug] = bound_form
        elif slug in allowed:
            forms[slug] = _fresh_form(slug, concern)
        else:
            continue
        forms[slug].version.data = str(concern.version)
    return forms


def _page(concern, status: int = 200, bound_slug=None, bound_form=None, problem=None):
    today = today_in_denmark()
    return render_template(
        "casework/concern.html",
        concern=concern,
        forms=_forms_for(concern, bound_slug, bound_form),
        goals=casework.concern_goals(concern, today, _goals()),
        finished=concern.status in FINISHED,
        problem=problem,
        meeting=concern_steps.current_meeting(concern),
        attention=casework.attention(
            concern, datetime.now(UTC), _goals(), current_app.config["TIMES_ANSWER_DAYS"]
        ),
        commented=concern_steps.has_comment(concern),
        consent=concern_steps.consent_of(concern),
        delivery=decisions.delivery(concern),
        advice_in_portal=concern.right_applies and advice_in_portal(concern),
        comment_period_running=concern.comment_until is not None and today <= concern.comment_until,
        done=ACTIONS[request.args["udfoert"]].done
        if request.args.get("udfoert") in ACTIONS
        else None,
    ), status


@bp.get("/bekymringer/<int:concern_id>")
@requires("caseworker")
def concern(concern_id: int):
    return _page(_concern_or_404(concern_id))


def _refusal_text(concern, action: ConcernAction) -> str:
    """Why the step is not allowed now, in words the caseworker can act on."""
    if concern.status in FINISHED:
        return _l(
            "Bekymringen har status »%(status)s«. Den kan ikke ændres mere.",
            status=_l(CONCERN_STATUS_NAMES[concern.status]),
        )
    if not concern.right_applies and action is not ConcernAction.MESSAGE:
        return _l(
            "Retten til en samtale med sundhedskoordinatoren gælder ikke for dette tilbud. "
            "Derfor er der ikke et møde med sundhedskoordinatoren."
        )
    if action is ConcernAction.DECIDE:
        return _l("Kommunens beslutning kan først gemmes, når rådgivningen er gemt.")
    if action is ConcernAction.RECORD_ADVICE:
        return _l(
            "Rådgivningen kan først gemmes, når mødet er holdt. Registrér først, at mødet er holdt."
        )
    return _l(
        "Det kan ikke gøres nu. Bekymringen har status »%(status)s«.",
        status=_l(CONCERN_STATUS_NAMES[concern.status]),
    )


@bp.get("/bekymringer/<int:concern_id>/filer/<int:document_id>")
@requires("caseworker")
def document(concern_id: int, document_id: int):
    """A file the citizen attached, as a download (logged with the file, for the citizen)."""
    found = casework.open_document(get_session(), current_user, concern_id, document_id)
    if found is None:
        abort(404)
    return download(found)


@bp.post("/bekymringer/<int:concern_id>/<slug>")
@requires("caseworker")
def act(concern_id: int, slug: str):
    if slug not in ACTIONS:
        abort(404)
    concern = _concern_or_404(concern_id, purpose="act")
    response = _try(slug, concern)
    if response is not None:
        # Not done: the caseworker sees the concern again, and that look is logged.
        casework.record_look(get_session(), current_user, concern)
        return response
    session[JUST_ACTED_ON] = concern.id
    return redirect(url_for("casework.concern", concern_id=concern.id, udfoert=slug))


_CHANGED_MEANWHILE = _l(
    "En anden har ændret bekymringen, mens du arbejdede. Se ændringen nedenfor. "
    "Det, du skrev, er ikke gemt endnu, men står stadig i feltet. Send igen, hvis det "
    "stadig passer."
)


def _try(slug: str, concern):
    """Run the action; None when it is done, else the page that says why not (what was typed
    stays in the field)."""
    step = ACTIONS[slug]
    concern_id = concern.id
    form = step.form(prefix=slug)
    if form.seen_version() not in (None, concern.version):
        return _page(concern, 409, slug, form, _CHANGED_MEANWHILE)
    if not may(concern.status, step.action, concern.right_applies):
        # Not possible now, whatever was typed: say why first (and keep the text).
        return _page(concern, 409, slug, form, _refusal_text(concern, step.action))
    if not form.validate():
        return _page(concern, 400, slug, form)
    db = get_session()
    try:
        step.run(db, Actor.caseworker(current_user), concern, form, form.seen_version())
    except concerns.ConcurrentChange:
        # Nothing was written (the service checks the version first and rolls back a race).
        log.info("casework action %s refused: the concern changed meanwhile", slug)
        return _page(
            _concern_or_404(concern_id, purpose="act"), 409, slug, form, _CHANGED_MEANWHILE
        )
    except TransitionRefused:  # refused before anything changed
        return _page(concern, 409, slug, form, _refusal_text(concern, step.action))
    except casework_steps.AdviceInPortal:
        problem = _l(
            "Sundhedskoordinatoren skriver selv sit råd i portalen. Du kan læse det her, når det "
            "er skrevet."
        )
        return _page(concern, 409, slug, form, problem)
    except casework_steps.MeetingNotYet:
        problem = _l(
            "Mødet er ikke holdt endnu. Du kan registrere det, når mødet er begyndt. "
            "Skal mødet flyttes, så aftal en ny tid."
        )
        return _page(concern, 409, slug, form, problem)
    except decisions.DecisionRefused as refused:
        field, message = _decision_problem(concern, refused.problem)
        form[field].errors = [message]
        return _page(concern, 400, slug, form)
    except decisions.DeliveryRefused as refused:
        form.received_on.errors = [
            _l("Borgeren kan ikke have fået afgørelsen, før den blev truffet.")
            if refused.problem is DeliveryProblem.BEFORE_DECISION
            else _l("Skriv en dag, der er kommet. Registrér det, når borgeren har fået den.")
        ]
        return _page(concern, 400, slug, form)
    except concerns.NotSaved:
        log.warning("casework action %s failed: not saved", slug)
        problem = _l("Det blev ikke gemt. Prøv igen om lidt. Det, du skrev, står der stadig.")
        return _page(_concern_or_404(concern_id, purpose="act"), 503, slug, form, problem)
    return None
