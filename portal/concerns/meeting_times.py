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


def _offered_moment(text: str, proposal) -> datetime | None:
    """The chosen time, if it is one of the times offered (the form sends it as ISO 8601)."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return next((start for start in proposal.starts if start == moment), None)


@bp.post("/<int:concern_id>/tider/<int:proposal_id>/vaelg")
@requires("citizen")
def choose_time(concern_id: int, proposal_id: int):
    concern = _concern_or_404(concern_id)
    proposal = concerns.open_proposal(concern)
    if proposal is None or proposal.id != proposal_id:
        return _already_answered(concern_id, proposal_id)
    form = ChooseTimeForm()
    chosen = _offered_moment(form.time.data or "", proposal) if form.validate() else None
    if chosen is None:
        if not form.time.errors:
            form.time.errors = [_lc("Vælg en af de tider, der står her.")]
        return _detail(concern, 400, choose_form=form)
    return _saved_answer(
        concern_id,
        proposal_id,
        lambda: concerns.choose_time(get_session(), current_user, concern, proposal_id, chosen),
        "valgt",
        choose_form=form,
    )


@bp.post("/<int:concern_id>/tider/<int:proposal_id>/ingen")
@requires("citizen")
def decline_times(concern_id: int, proposal_id: int):
    concern = _concern_or_404(concern_id)
    proposal = concerns.open_proposal(concern)
    if proposal is None or proposal.id != proposal_id:
        return _already_answered(concern_id, proposal_id)
    form = DeclineTimesForm()
    if not form.validate():
        return _detail(concern, 400, decline_form=form)
    reason = form.reason.data.strip()
    return _saved_answer(
        concern_id,
        proposal_id,
        lambda: concerns.decline_times(get_session(), current_user, concern, proposal_id, reason),
        "ingen",
        decline_form=form,
    )


def _saved_answer(concern_id: int, proposal_id: int, answer, done: str, **forms):
    """The answer saved, and the concern's page saying so; or the page as it is now, saying why
    not (what was typed still in its form)."""
    try:
        answer()
    except concerns.TimesAlreadyAnswered:
        return _already_answered(concern_id, proposal_id, **forms)
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
