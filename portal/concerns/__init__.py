"""The citizen's concern (bekymring): the guided form, the receipt, "Mine bekymringer", the
timeline, adding information and withdrawing. Thin views: the services decide and record.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.principal import requires
from portal.concerns.forms import STEPS, InformationForm
from portal.db import get_session
from portal.domain.concerns import OPEN, ConcernStatus, TransitionRefused
from portal.domain.danish import today_in_denmark
from portal.services import concerns, notices

log = logging.getLogger(__name__)
bp = Blueprint("concerns", __name__, url_prefix="/bekymringer")
TOTAL_STEPS = len(STEPS) + 1  # the summary is the last step


def _concern_or_404(concern_id: int):
    concern = concerns.own_concern(get_session(), current_user, concern_id)
    if concern is None:
        abort(404)
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
        concerns=concerns.own_concerns(db, current_user),
        eligible=concerns.offers_open_for_concern(db, current_user, today_in_denmark()),
    )


@bp.post("/ny")
@requires("citizen")
def start():
    offer_id = request.form.get("offer_id", type=int)
    if offer_id is None:
        abort(404)
    try:
        concern = concerns.start(get_session(), current_user, offer_id, today_in_denmark())
    except concerns.ConcernNotAllowed:
        return render_template("concerns/not_possible.html"), 409
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
        return redirect(
            url_for(
                "concerns.step",
                concern_id=concern.id,
                number=min(concern.steps_done + 1, len(STEPS)),
            )
        )
    key, form_class, heading = STEPS[number - 1]
    form = form_class(data=concern.answers) if request.method == "GET" else form_class()
    not_saved = False
    if request.method == "POST" and form.validate():
        answers = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
        try:
            concerns.save_step(get_session(), concern, number, answers)
        except (concerns.NotSaved, concerns.ConcurrentChange):
            # Nothing of this step was saved; the earlier steps are untouched, and what was
            # typed is shown again.
            log.warning("saving step %s of a concern failed", number)
            not_saved = True
        else:
            if request.form.get("return_to") == "summary" or number == len(STEPS):
                return redirect(url_for("concerns.summary", concern_id=concern.id))
            return redirect(url_for("concerns.step", concern_id=concern.id, number=number + 1))
    status = 503 if not_saved else (400 if form.errors else 200)
    return render_template(
        f"concerns/step_{key}.html",
        concern=concern,
        form=form,
        number=number,
        total=TOTAL_STEPS,
        heading=heading,
        return_to=request.values.get("return_to"),
        not_saved=not_saved,
        today=today_in_denmark(),
    ), status


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
    )


@bp.post("/<int:concern_id>/send")
@requires("citizen")
def send(concern_id: int):
    concern = _concern_or_404(concern_id)
    try:
        concern = concerns.submit(get_session(), current_user, concern)
    except concerns.NotReady as not_ready:
        return redirect(url_for("concerns.step", concern_id=concern.id, number=not_ready.step))
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
    return render_template("concerns/receipt.html", concern=concern)


@bp.get("/<int:concern_id>")
@requires("citizen")
def detail(concern_id: int):
    concern = _concern_or_404(concern_id)
    if concern.status is ConcernStatus.DRAFT:
        return redirect(
            url_for("concerns.summary", concern_id=concern.id)
            if concern.steps_done >= len(STEPS)
            else url_for("concerns.step", concern_id=concern.id, number=concern.steps_done + 1)
        )
    notices.mark_read(get_session(), current_user.citizen_id, concern.id)
    return _detail(concern, InformationForm(formdata=None))


def _detail(concern, form: InformationForm, status: int = 200, problem=None):
    form.version.data = str(concern.version)
    return render_template(
        "concerns/detail.html",
        concern=concern,
        form=form,
        is_open=concern.status in OPEN,
        problem=problem,
    ), status


@bp.post("/<int:concern_id>/tilfoej")
@requires("citizen")
def add_information(concern_id: int):
    concern = _concern_or_404(concern_id)
    form = InformationForm()
    if not form.validate():
        return _detail(concern, form, 400)
    db = get_session()
    try:
        concerns.add_information(
            db, current_user, concern, form.information.data.strip(), form.seen_version()
        )
    except TransitionRefused:
        form.information.errors.append(_l("Bekymringen er afsluttet. Du kan ikke tilføje mere."))
        return _detail(concern, form, 400)
    except concerns.ConcurrentChange:
        # What was typed stays in the field; the page shows what changed meanwhile.
        return _detail(_concern_or_404(concern_id), form, 409, problem="changed")
    except concerns.NotSaved:
        log.warning("adding to a concern failed: not saved")
        return _detail(_concern_or_404(concern_id), form, 503, problem="not_saved")
    return redirect(url_for("concerns.detail", concern_id=concern.id, added=1))


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
            concerns.delete_draft(get_session(), concern)
        except concerns.NotSaved:
            log.warning("deleting a draft failed: not saved")
            return _summary(_concern_or_404(concern_id), "not_saved"), 503
    return redirect(url_for("concerns.index", deleted=1))
