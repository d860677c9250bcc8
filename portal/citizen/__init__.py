"""The citizen's own pages. Thin views: the services decide what the citizen may see."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from portal.auth.principal import own_pages_only, public, requires, safe_next
from portal.db import get_session
from portal.domain.danish import today_in_denmark
from portal.links import absolute, calendar_host, concern_link, offer_link
from portal.page_cache import kept_for_the_citizen
from portal.services import (
    access_log,
    calendar,
    citizens,
    feedback,
    figures,
    offers,
    story,
)
from portal.templating import remember_municipality

bp = Blueprint("citizen", __name__)


@bp.get("/mit-forloeb")
@requires("citizen")
@kept_for_the_citizen
def overview():
    today = today_in_denmark()
    data = citizens.overview(get_session(), current_user, today)
    remember_municipality(data.municipality)
    if data.forloeb is None:
        return render_template("citizen/no_forloeb.html", overview=data)
    db = get_session()
    stories = story.concern_states(db, current_user.citizen_id)
    return render_template(
        "citizen/overview.html",
        overview=data,
        today=today,
        news=data.news,
        stories=stories,
        meetings=story.booked_meetings(stories),
    )


@bp.get("/tilbud")
@requires("citizen")
@kept_for_the_citizen
def offer_list():
    today = today_in_denmark()
    db = get_session()
    lists = offers.offer_lists(db, current_user, today)
    if lists:
        remember_municipality(
            offers.citizen_municipality([*lists.upcoming, *lists.current, *lists.past])
        )
    caseworker = None if lists else citizens.coordinating_caseworker(db, current_user)
    return render_template(
        "citizen/offers.html",
        lists=lists,
        caseworker=caseworker,
        today=today,
        stories=story.concern_states(db, current_user.citizen_id),
    )


def _own_offer_or_404(offer_id: int):
    offer = offers.own_offer(get_session(), current_user, offer_id)
    if offer is None:
        abort(404)
    remember_municipality(offers.citizen_municipality([offer]))
    return offer


def _offer_page(template: str, offer_id: int, shows_guidance: bool = False):
    offer = _own_offer_or_404(offer_id)
    today = today_in_denmark()
    if shows_guidance:
        # "Saw the guidance" is a fact for the municipality's figures (issue 17).
        figures.record_guidance(get_session(), current_user, offer, today)
    state = story.concern_states(get_session(), current_user.citizen_id).get(offer.id)
    return render_template(template, offer=offer, state=state, today=today)


@bp.get("/tilbud/<int:offer_id>")
@requires("citizen")
@kept_for_the_citizen
def offer(offer_id: int):
    return _offer_page("citizen/offer.html", offer_id, shows_guidance=True)


@bp.get("/tilbud/<int:offer_id>/bekymret")
@requires("citizen")
def worried(offer_id: int):
    return _offer_page("citizen/worried.html", offer_id)


@bp.get("/tilbud/<int:offer_id>/kalender.ics")
@requires("citizen")
def offer_ics(offer_id: int):
    offer = _own_offer_or_404(offer_id)
    versions = calendar.plan_versions(get_session(), [offer.id])
    body = calendar.calendar_bytes(
        [offer], calendar_host(), offer_link, offer.title, versions=versions
    )
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="tilbud.ics"'},
    )


@bp.get("/kalender")
@requires("citizen")
@own_pages_only
def calendar_feed_page():
    token = calendar.own_feed_token(
        get_session(), current_app.config["SECRET_KEY"], current_user.citizen_id
    )
    if token is None:
        abort(404)
    feed_url = absolute("citizen.calendar_feed", token=token)
    return render_template(
        "citizen/calendar.html", feed_url=feed_url, renewed=request.args.get("renewed") == "1"
    )


@bp.post("/kalender/nyt-link")
@requires("citizen")
@own_pages_only
def renew_calendar_feed():
    if current_user.citizen_id is None:
        abort(404)
    calendar.renew_feed(get_session(), current_user.citizen_id)
    return redirect(url_for("citizen.calendar_feed_page", renewed=1))


@bp.get("/kalender/<token>.ics")
@public
def calendar_feed(token: str):
    """The personal feed a calendar app subscribes to: the signed token is the only key."""
    db = get_session()
    citizen = calendar.citizen_for_feed(db, current_app.config["SECRET_KEY"], token)
    if citizen is None:
        abort(404)
    offers = calendar.feed_offers(db, citizen.id, today_in_denmark())
    body = calendar.calendar_bytes(
        offers,
        calendar_host(),
        offer_link,
        "Mit ressourceforløb",
        meetings=calendar.feed_meetings(db, citizen.id),
        concern_url=concern_link,
        versions=calendar.plan_versions(db, [offer.id for offer in offers]),
    )
    return Response(body, mimetype="text/calendar")


@bp.get("/hvem-har-set")
@requires("citizen")
def lookups():
    """'Hvem har set mine oplysninger': dates and purposes from the access log (GDPR art. 15)."""
    entries = (
        access_log.lookups(get_session(), current_user.citizen_id)
        if current_user.citizen_id is not None
        else []
    )
    return render_template("citizen/lookups.html", entries=entries)


# "Var det let at bruge?" (issue 25): the answer is kept without the person; the session only
# remembers which pages were answered, so a page asks once.
ANSWERED = "usability_answered"


@bp.post("/let-at-bruge")
@requires("citizen")
def usability():
    page, answer = request.form.get("page", ""), request.form.get("easy", "")
    back = safe_next(request.form.get("next")) or url_for("citizen.overview")
    if page not in feedback.PAGES or answer not in ("ja", "nej"):
        abort(400)
    answered = list(session.get(ANSWERED, []))
    if page not in answered:
        feedback.record(get_session(), current_user, page, answer == "ja", today_in_denmark())
        session[ANSWERED] = [*answered, page]
    return redirect(f"{back}#let-at-bruge")
