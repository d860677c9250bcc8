"""The citizen's concern (bekymring): the guided form, the receipt, "Mine bekymringer", the
timeline, adding information and withdrawing. Thin views: the services decide and record.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.principal import requires
from portal.concerns.forms import (
    STEPS,
    ChooseTimeForm,
    CommentForm,
    ConsentForm,
    DeclineTimesForm,
    InformationForm,
    chosen_files,
)
from portal.db import get_session
from portal.domain.concerns import (
    OPEN,
    ConcernAction,
    ConcernStatus,
    TransitionRefused,
    may,
    may_comment,
)
from portal.domain.danish import today_in_denmark
from portal.links import calendar_host, concern_link, offer_link
from portal.page_cache import kept_for_the_citizen
from portal.routing import parse_id
from portal.services import (
    calendar,
    casework,
    concern_page,
    concern_steps,
    concerns,
    decisions,
    documents,
    story,
)
from portal.services.offers import own_offer
from portal.templating import remember_municipality

log = logging.getLogger(__name__)
bp = Blueprint("concerns", __name__, url_prefix="/bekymringer")
TOTAL_STEPS = len(STEPS) + 1  # the summary is the last step


def _concern_or_404(concern_id: int):
    """The concern to change (the ORM's), or 404."""
    return _shown(concerns.own_concern(get_session(), current_user, concern_id))


def _page_or_404(concern_id: int):
    """The concern to show, read as plain rows (``portal.services.concern_page``), or 404;
    opening it reads its news."""
    return _shown(concern_page.own_concern_page(get_session(), current_user, concern_id, True))


def _shown(concern):
    if concern is None:
        abort(404)
    remember_municipality(concern.citizen.municipality)  # read with it: the header's
    return concern


def _draft_or_redirect(concern):
    """A sent concern's answers never change: its form pages lead to the concern itself."""
    if concern.status is not ConcernStatus.DRAFT:
        return redirect(url_for("concerns.detail", concern_id=concern.id))
    return None


@bp.get("/")
@requires("citizen")
def index():
    db = get_session()
    return render_template(
        "concerns/index.html",
        states=story.all_states(db, current_user.citizen_id),
        eligible=concerns.offers_open_for_concern(db, current_user, today_in_denmark()),
        today=today_in_denmark(),
    )


@bp.post("/ny")
@requires("citizen")
def start():
    offer_id = parse_id(request.form.get("offer_id"))
    if offer_id is None:
        abort(404)
    db = get_session()
    try:
        concern = concerns.start(db, current_user, offer_id, today_in_denmark())
    except concerns.ConcernNotAllowed as refused:
        offer = own_offer(db, current_user, offer_id)
        return render_template(
            "concerns/not_possible.html", offer=offer, refusal=str(refused.refusal)
        ), 409
    if concern is None:
        abort(404)
    if concern.status is not ConcernStatus.DRAFT:  # already sent: add to it there
        return redirect(url_for("concerns.detail", concern_id=concern.id))
    step = min(concern.steps_done + 1, len(STEPS))
    return redirect(url_for("concerns.step", concern_id=concern.id, number=step))


@bp.route("/<int:concern_id>/trin/<int:number>", methods=["GET", "POST"])
@requires("citizen")
def step(concern_id: int, number: int):
    concern = _concern_or_404(concern_id)
    if (sent := _draft_or_redirect(concern)) is not None:
        return sent
    if not 1 <= number <= len(STEPS) or number > concern.steps_done + 1:
        first_open = min(concern.steps_done + 1, len(STEPS))
        return redirect(url_for("concerns.step", concern_id=concern.id, number=first_open))
    form_class = STEPS[number - 1][1]
    if request.method == "GET":
        return _step_page(concern, form_class.for_concern(concern, data=concern.answers), number)
    form = form_class.for_concern(concern)
    later = request.form.get("later") == "1"
    complete = form.validate()
    # "Gem og fortsæt senere" keeps what was typed even when an answer is still missing; a
    # real problem (too long, a character we cannot store) is shown instead, nothing lost.
    if complete or (later and _only_missing(form)):
        saved = _save_step(concern, form, number if complete else 0)
        if saved is True:
            return redirect(_after_step(concern, number, later))
        return _step_page(
            concern, form, number, 503 if saved is None else 400, not_saved=saved is None
        )
    if "files" in form._fields and chosen_files(form.files):
        # A browser cannot fill in a file field again: say so, rather than lose it quietly.
        form.files.errors = [_l("Filen er ikke gemt endnu. Vælg den igen, når resten er rettet.")]
    return _step_page(concern, form, number, 400 if form.errors else 200)


def _save_step(concern, form, done: int) -> bool | None:
    """Keep the step's answers, with the files chosen on it and without those ticked to go, in
    one save. True: saved; False: a file could not be kept (the field says why); None: the
    database did not save it (nothing of the step is; what was typed is shown again)."""
    has_files = "files" in form._fields
    remove = _ticked_for_removal(concern) if has_files else set()
    files = (
        attachments.read_files(form.files, len(concern.documents) - len(remove))
        if has_files
        else []
    )
    if files is None:
        return False
    answers = {
        name: field.data
        for name, field in form._fields.items()
        if name not in ("csrf_token", "files") and not field.errors
    }
    try:
        concerns.save_step(
            get_session(),
            concern,
            done,
            answers,
            by=current_user,
            files=files,
            remove=remove,
            max_files=attachments.limits()["max_files"],
        )
    except documents.DocumentRefused as refused:  # a file was added in another tab
        form.files.errors = [attachments.problem_text(refused.problem)]
        return False
    except (concerns.NotSaved, concerns.ConcurrentChange):
        log.warning("saving a step of a concern failed")
        return None
    return True


def _after_step(concern, number: int, later: bool) -> str:
    """Where a saved step leads: the list (later), the summary, or the next step."""
    if later:
        return url_for("concerns.index", later=1)
    if request.form.get("return_to") == "summary" or number == len(STEPS):
        return url_for("concerns.summary", concern_id=concern.id)
    return url_for("concerns.step", concern_id=concern.id, number=number + 1)


def _ticked_for_removal(concern) -> set[int]:
    ids = {parse_id(value) for value in request.form.getlist("remove_file")}
    return {document.id for document in concern.documents if document.id in ids}


def _step_page(concern, form, number: int, status: int = 200, not_saved: bool = False):
    key, _form_class, heading = STEPS[number - 1]
    return render_template(
        f"concerns/step_{key}.html",
        concern=concern,
        form=form,
        number=number,
        total=TOTAL_STEPS,
        heading=heading,
        return_to=request.values.get("return_to"),
        today=today_in_denmark(),
        not_saved=not_saved,
    ), status


def _only_missing(form) -> bool:
    """Every problem on the step is an answer not given yet (nothing typed is wrong)."""
    return all(not field.data for field in form if field.errors)


@bp.get("/<int:concern_id>/opsummering")
@requires("citizen")
def summary(concern_id: int):
    concern = _concern_or_404(concern_id)
    if (sent := _draft_or_redirect(concern)) is not None:
        return sent
    if concern.steps_done < len(STEPS):
        return redirect(
            url_for("concerns.step", concern_id=concern.id, number=concern.steps_done + 1)
        )
    return _summary(concern)


def _summary(concern, problem: str | None = None):
    return render_template(
        "concerns/summary.html",
        concern=concern,
        number=TOTAL_STEPS,
        total=TOTAL_STEPS,
        problem=problem,
        today=today_in_denmark(),
    )


@bp.post("/<int:concern_id>/send")
@requires("citizen")
def send(concern_id: int):
    concern = _concern_or_404(concern_id)
    try:
        concern = concerns.submit(get_session(), current_user, concern)
    except concerns.NotReady as not_ready:
        return redirect(url_for("concerns.step", concern_id=concern.id, number=not_ready.step))
    except concerns.ConcernNotAllowed as refused:
        # The forløb or the offer changed while the draft waited: nothing is sent.
        offer = own_offer(get_session(), current_user, concern.offer_id)
        return render_template(
            "concerns/not_possible.html", offer=offer, refusal=str(refused.refusal)
        ), 409
    except concerns.NotSaved:
        log.warning("sending a concern failed: not saved")
        return _summary(_concern_or_404(concern_id), "not_sent"), 503
    return redirect(url_for("concerns.receipt", concern_id=concern.id))


@bp.get("/<int:concern_id>/kvittering")
@requires("citizen")
def receipt(concern_id: int):
    concern = _concern_or_404(concern_id)
    if concern.status is ConcernStatus.DRAFT:
        return redirect(url_for("concerns.summary", concern_id=concern.id))
    goals = casework.service_goals(current_app.config["SERVICE_GOALS"])
    return render_template(
        "concerns/receipt.html", concern=concern, reply_due=casework.reply_due(concern, goals)
    )


@bp.get("/<int:concern_id>")
@requires("citizen")
@kept_for_the_citizen
def detail(concern_id: int):
    concern = _page_or_404(concern_id)
    if concern.status is ConcernStatus.DRAFT:
        return redirect(
            url_for("concerns.summary", concern_id=concern.id)
            if concern.steps_done >= len(STEPS)
            else url_for("concerns.step", concern_id=concern.id, number=concern.steps_done + 1)
        )
    return _detail(concern)


def _detail(concern, status: int = 200, problem=None, **forms):
    """The concern's page, with the forms that may be used now; a form passed in (as it was
    sent, with its problems) replaces the empty one. A form the page does not show is not built
    (four forms were a tenth of a drawn page, issue 27)."""
    today = today_in_denmark()
    proposal = concern_steps.open_proposal(concern)
    is_open = concern.status in OPEN
    comment_open = may_comment(concern.status, concern.comment_until, today)
    shown = {
        "form": (InformationForm, is_open),
        "comment_form": (CommentForm, comment_open),
        "choose_form": (ChooseTimeForm, is_open and proposal is not None),
        "decline_form": (DeclineTimesForm, is_open and proposal is not None),
    }
    for name, (form_class, is_shown) in shown.items():
        if name not in forms:
            forms[name] = form_class(formdata=None) if is_shown else None
    for name in ("form", "comment_form"):
        if forms[name] is not None:
            forms[name].version.data = str(concern.version)
    return render_template(
        "concerns/detail.html",
        concern=concern,
        now_state=story.state_of(concern, proposal.proposed_at if proposal else None),
        is_open=is_open,
        problem=problem,
        meeting=concern_steps.current_meeting(concern),
        proposal=proposal,
        may_comment=comment_open,
        consent_since=concern_steps.consent_since(concern),
        may_ask_consent=may(concern.status, ConcernAction.GIVE_CONSENT, concern.right_applies),
        forloeb_ends_first=casework.forloeb_ends_before_meeting(
            concern, today, casework.service_goals(current_app.config["SERVICE_GOALS"])
        ),
        **forms,
    ), status


@bp.post("/<int:concern_id>/tilfoej")
@requires("citizen")
def add_information(concern_id: int):
    """'Tilføj noget': words, files or both. A file that cannot be kept keeps all of it back,
    with the reason, and what was typed stays in the field."""
    concern = _concern_or_404(concern_id)
    form = InformationForm()
    if not form.validate():
        return _detail(concern, 400, form=form)
    files = attachments.read_files(form.files, already=len(concern.documents))
    if files is None:
        return _detail(concern, 400, form=form)
    db = get_session()
    try:
        concerns.add_information(
            db,
            current_user,
            concern,
            (form.information.data or "").strip(),
            form.seen_version(),
            files=files,
            max_files=attachments.limits()["max_files"],
        )
    except TransitionRefused:
        form.information.errors.append(_l("Bekymringen er afsluttet. Du kan ikke tilføje mere."))
        return _detail(concern, 400, form=form)
    except documents.DocumentRefused as refused:  # another file was added a moment ago
        form.files.errors = [attachments.problem_text(refused.problem)]
        return _detail(_concern_or_404(concern_id), 400, form=form)
    except concerns.ConcurrentChange:
        # What was typed stays in the field; the page shows what changed meanwhile.
        return _detail(_concern_or_404(concern_id), 409, "changed", form=form)
    except concerns.NotSaved:
        log.warning("adding to a concern failed: not saved")
        return _detail(_concern_or_404(concern_id), 503, "not_saved", form=form)
    return redirect(url_for("concerns.detail", concern_id=concern.id, added=1))


@bp.post("/<int:concern_id>/kommentar")
@requires("citizen")
def comment(concern_id: int):
    """The citizen's comment on the advice, before the decision (forvaltningsloven § 19)."""
    concern = _concern_or_404(concern_id)
    form = CommentForm()
    if not form.validate():
        return _detail(concern, 400, comment_form=form)
    try:
        concerns.comment_on_advice(
            get_session(),
            current_user,
            concern,
            form.comment.data.strip(),
            today_in_denmark(),
            form.seen_version(),
        )
    except TransitionRefused:
        form.comment.errors.append(
            _l("Du kan ikke kommentere rådgivningen længere. Kontakt din sagsbehandler.")
        )
        return _detail(concern, 400, comment_form=form)
    except concerns.ConcurrentChange:
        return _detail(_concern_or_404(concern_id), 409, "changed", comment_form=form)
    except concerns.NotSaved:
        log.warning("commenting on advice failed: not saved")
        return _detail(_concern_or_404(concern_id), 503, "not_saved", comment_form=form)
    return redirect(url_for("concerns.detail", concern_id=concern.id, commented=1))


@bp.route("/<int:concern_id>/samtykke", methods=["GET", "POST"])
@requires("citizen")
def consent(concern_id: int):
    """Consent to let the sundhedskoordinator contact the citizen's doctor: separate from the
    concern, informed (who, whom, about what, how long), asked only while it can serve the
    advice, and given — or refused — by the citizen themself (docs/domain.md §3)."""
    concern = _concern_or_404(concern_id)
    if not concern.right_applies:
        abort(404)
    form = ConsentForm() if request.method == "POST" else ConsentForm(formdata=None)
    form.version.data = form.version.data or str(concern.version)
    problem, status = None, 200
    if request.method == "POST" and form.validate():
        try:
            if form.answer.data == "yes":
                concerns.give_consent(
                    get_session(),
                    current_user,
                    concern,
                    form.doctor.data.strip(),
                    form.seen_version(),
                )
            else:
                concerns.decline_consent(get_session(), current_user, concern, form.seen_version())
        except concerns.OnlyTheCitizen:
            problem, status = "only_the_citizen", 403
        except TransitionRefused:
            problem, status = "closed", 409
        except concerns.ConcurrentChange:
            concern, problem, status = _concern_or_404(concern_id), "changed", 409
        except concerns.NotSaved:
            problem, status = "not_saved", 503
        else:
            answered = 1 if form.answer.data == "yes" else "nej"
            return redirect(url_for("concerns.detail", concern_id=concern.id, samtykke=answered))
    elif request.method == "POST":
        status = 400
    return render_template(
        "concerns/consent.html",
        concern=concern,
        form=form,
        problem=problem,
        consent_since=concern_steps.consent_since(concern),
        may_ask=may(concern.status, ConcernAction.GIVE_CONSENT, concern.right_applies),
        coordinator=concern_steps.coordinator_of(concern, today_in_denmark()),
    ), status


@bp.post("/<int:concern_id>/samtykke/tilbagekald")
@requires("citizen")
def withdraw_consent(concern_id: int):
    concern = _concern_or_404(concern_id)
    try:
        concerns.withdraw_consent(
            get_session(), current_user, concern, request.form.get("version", type=int)
        )
    except concerns.OnlyTheCitizen:
        abort(403)
    except TransitionRefused:
        pass  # nothing to withdraw: the page says what holds
    except concerns.ConcurrentChange:
        return _detail(_concern_or_404(concern_id), 409, "changed")
    return redirect(url_for("concerns.detail", concern_id=concern.id, samtykke=0))


@bp.get("/<int:concern_id>/moede.ics")
@requires("citizen")
def meeting_ics(concern_id: int):
    """ "Føj til kalender" for the booked meeting: the same UID every time, so a moved meeting
    updates the event the citizen already has."""
    concern = _concern_or_404(concern_id)
    meeting = concern_steps.current_meeting(concern)
    if meeting is None:
        abort(404)
    body = calendar.calendar_bytes(
        [],
        calendar_host(),
        offer_link,
        "Møde med sundhedskoordinator",
        meetings=[meeting],
        concern_url=concern_link,
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="moede.ics"'},
    )


@bp.get("/<int:concern_id>/afgoerelse")
@requires("citizen")
def decision(concern_id: int):
    """The decision as a page to read and print: the outcome, the reasons, what changes and
    how to complain (forvaltningsloven §§ 22, 24 and 25)."""
    concern = _concern_or_404(concern_id)
    decided = concern_steps.decision_event(concern)
    if decided is None:
        abort(404)
    return render_template(
        "concerns/decision.html",
        concern=concern,
        decided=decided,
        delivery=decisions.delivery(concern),
    )


@bp.route("/<int:concern_id>/traek-tilbage", methods=["GET", "POST"])
@requires("citizen")
def withdraw(concern_id: int):
    concern = _concern_or_404(concern_id)
    if request.method == "POST":
        try:
            concerns.withdraw(
                get_session(), current_user, concern, request.form.get("version", type=int)
            )
        except TransitionRefused:
            pass  # already withdrawn or finished: the concern page says so
        except concerns.ConcurrentChange:
            fresh = _concern_or_404(concern_id)
            return render_template("concerns/withdraw.html", concern=fresh, problem="changed"), 409
        except concerns.NotSaved:
            log.warning("withdrawing a concern failed: not saved")
            return render_template(
                "concerns/withdraw.html", concern=concern, problem="not_saved"
            ), 503
        return redirect(url_for("concerns.detail", concern_id=concern.id))
    return render_template("concerns/withdraw.html", concern=concern, problem=None)


@bp.post("/<int:concern_id>/slet")
@requires("citizen")
def delete(concern_id: int):
    concern = _concern_or_404(concern_id)
    if concern.status is ConcernStatus.DRAFT:
        try:
            concerns.delete_draft(get_session(), concern, by=current_user)
        except concerns.NotSaved:
            log.warning("deleting a draft failed: not saved")
            return _summary(_concern_or_404(concern_id), "not_saved"), 503
    return redirect(url_for("concerns.index", deleted=1))


# The views for files and for the offered meeting times use this blueprint and the helpers above.
from portal.concerns import attachments, meeting_times  # noqa: E402, F401
