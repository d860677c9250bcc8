"""The citizen's concern (bekymring): the guided form, the receipt, "Mine bekymringer", the
timeline, adding information and withdrawing. Thin views: the services decide and record.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.principal import requires
from portal.concerns.forms import CHOICES, STEPS, InformationForm
from portal.db import get_session
from portal.domain.concerns import OPEN, ConcernStatus, TransitionRefused
from portal.i18n import N_, today_in_denmark
from portal.services import concerns, notices

log = logging.getLogger(__name__)
bp = Blueprint("concerns", __name__, url_prefix="/bekymringer")
TOTAL_STEPS = len(STEPS) + 1  # the summary is the last step

STATUS_NAMES = {
    "draft": N_("Kladde"),
    "submitted": N_("Sendt"),
    "acknowledged": N_("Modtaget"),
    "meeting_booked": N_("Møde aftalt"),
    "advice_given": N_("Rådgivning givet"),
    "decided": N_("Kommunen har besluttet"),
    "closed": N_("Afsluttet"),
    "withdrawn": N_("Trukket tilbage"),
}


@bp.app_template_global()
def choices_for(key: str) -> dict[str, str]:
    return CHOICES[key]


bp.add_app_template_global(STATUS_NAMES, "status_names")


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
            log.exception("saving step %s of a concern failed", number)
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


def _summary(concern, not_sent: bool = False):
    return render_template(
        "concerns/summary.html",
        concern=concern,
        choices=CHOICES,
        number=TOTAL_STEPS,
        total=TOTAL_STEPS,
        not_sent=not_sent,
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
        log.exception("sending a concern failed")
        return _summary(_concern_or_404(concern_id), not_sent=True), 503
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


def _detail(concern, form: InformationForm, status: int = 200):
    return render_template(
        "concerns/detail.html",
        concern=concern,
        choices=CHOICES,
        form=form,
        is_open=concern.status in OPEN,
    ), status


@bp.post("/<int:concern_id>/tilfoej")
@requires("citizen")
def add_information(concern_id: int):
    concern = _concern_or_404(concern_id)
    form = InformationForm()
    if not form.validate():
        return _detail(concern, form, 400)
    try:
        concerns.add_information(
            get_session(), current_user, concern, form.information.data.strip()
        )
    except TransitionRefused:
        form.information.errors.append(_l("Bekymringen er afsluttet. Du kan ikke tilføje mere."))
        return _detail(concern, form, 400)
    return redirect(url_for("concerns.detail", concern_id=concern.id, added=1))


@bp.route("/<int:concern_id>/traek-tilbage", methods=["GET", "POST"])
@requires("citizen")
def withdraw(concern_id: int):
    concern = _concern_or_404(concern_id)
    if request.method == "POST":
        try:
            concerns.withdraw(get_session(), current_user, concern)
        except TransitionRefused:
            pass  # already withdrawn or finished: the concern page says so
        except concerns.ConcurrentChange:
            return render_template("concerns/withdraw.html", concern=concern, changed=True), 409
        return redirect(url_for("concerns.detail", concern_id=concern.id))
    return render_template("concerns/withdraw.html", concern=concern, changed=False)


@bp.post("/<int:concern_id>/slet")
@requires("citizen")
def delete(concern_id: int):
    concern = _concern_or_404(concern_id)
    if concern.status is ConcernStatus.DRAFT:
        concerns.delete_draft(get_session(), concern)
    return redirect(url_for("concerns.index", deleted=1))
