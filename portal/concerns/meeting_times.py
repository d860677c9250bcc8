"""The meeting times the caseworker offered, from the citizen's side: pick one (the meeting is
booked at once, "Dit møde" and the calendar follow), or say that none fit and why. A relative
whose fuldmagt lets them act may answer too; ``portal.delegations`` refuses one who may only see.

Two people answering at once: the first answer wins (``concerns.choose_time`` moves the offer
from open in one statement), the other is told that the times were answered a moment ago.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import abort, redirect, url_for
from flask_login import current_user

from portal.auth.principal import requires
from portal.concerns import _concern_or_404, _detail, bp
from portal.concerns.forms import ChooseTimeForm, DeclineTimesForm
from portal.db import get_session
from portal.domain.concerns import TransitionRefused
from portal.i18n import lazy_to_the_reader as _lc
from portal.services import concerns

log = logging.getLogger(__name__)


def _moment(text: str | None) -> datetime | None:
    """The time the form sends (ISO 8601 with its zone), or None; the service checks that it was
    one of the times offered."""
    try:
        moment = datetime.fromisoformat((text or "").strip())
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@bp.post("/<int:concern_id>/tider/<int:proposal_id>/vaelg")
@requires("citizen")
def choose_time(concern_id: int, proposal_id: int):
    concern = _concern_or_404(concern_id)
    form = ChooseTimeForm()
    chosen = _moment(form.time.data) if form.validate() else None

    def answer():
        try:
            concerns.choose_time(get_session(), current_user, concern, proposal_id, chosen)
        except concerns.AnswerNotUsable:
            if not form.time.errors:
                form.time.errors = [_lc("Vælg en af de tider, der står her.")]
            raise

    return _saved_answer(concern_id, proposal_id, answer, "valgt", choose_form=form)


@bp.post("/<int:concern_id>/tider/<int:proposal_id>/ingen")
@requires("citizen")
def decline_times(concern_id: int, proposal_id: int):
    concern = _concern_or_404(concern_id)
    form = DeclineTimesForm()
    reason = form.reason.data.strip() if form.validate() else None
    return _saved_answer(
        concern_id,
        proposal_id,
        lambda: concerns.decline_times(get_session(), current_user, concern, proposal_id, reason),
        "ingen",
        decline_form=form,
    )


def _saved_answer(concern_id: int, proposal_id: int, answer, done: str, **forms):
    """The answer saved, and the concern's page saying so; or the page as it is now, saying why
    not (what was typed still in its form). The service decides: times no longer open come
    first, then an answer it cannot use."""
    try:
        answer()
    except concerns.TimesAlreadyAnswered:
        return _already_answered(concern_id, proposal_id, **forms)
    except concerns.AnswerNotUsable:
        return _detail(_concern_or_404(concern_id), 400, **forms)
    except TransitionRefused:
        return _detail(_concern_or_404(concern_id), 409, "times_closed", **forms)
    except (concerns.NotSaved, concerns.ConcurrentChange):
        log.warning("answering the offered meeting times failed: not saved")
        return _detail(_concern_or_404(concern_id), 503, "not_saved", **forms)
    return redirect(url_for("concerns.detail", concern_id=concern_id, tid=done))


def _already_answered(concern_id: int, proposal_id: int, **forms):
    """Someone answered first (or the caseworker offered new times, or booked): the page as it
    is now, saying so. Times that were never offered on this concern are a 404."""
    concern = _concern_or_404(concern_id)
    if not any(p.id == proposal_id for p in concern.proposals):
        abort(404)
    return _detail(concern, 409, "times_taken", **forms)
