"""Everything a template can use, registered in this one module: filters, globals, and strict
undefined values (a misspelt name fails loudly instead of showing nothing).

``init_common`` serves both apps (the portal and the test IdP); ``init_portal`` adds what the
portal's pages need: the vocabulary, who is logged in and for whom, the municipality, the
session's time left.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from urllib.parse import quote, urlencode

from flask import Flask, current_app, g, request, session
from flask.templating import Environment
from flask_babel import gettext
from flask_login import current_user
from jinja2 import StrictUndefined
from sqlalchemy import select

from portal import i18n
from portal.assets import static_url
from portal.auth.principal import home_endpoint
from portal.db import get_session, utcnow
from portal.domain import decisions as decisions_domain
from portal.domain import vocabulary
from portal.domain.casework import times_answer_by as answer_by
from portal.domain.concerns import hold_deadline
from portal.domain.danish import N_, today_in_denmark
from portal.domain.delegations import Scope
from portal.domain.next_step import FORLOEB_ENDS_NOTICE_DAYS
from portal.domain.offers import is_employment_oriented, phase
from portal.models import Citizen, Municipality
from portal.routing import this_page
from portal.rules.pages import CHECKED, HELP
from portal.security import csp_nonce
from portal.services import decisions, next_step
from portal.services.offers import refusal_for, right_for

PORTAL_NAME = N_("Mit ressourceforløb")


class PortalEnvironment(Environment):
    """Flask's Jinja environment, with each template's globals a plain dict taken when the
    template is first loaded rather than Jinja's live ChainMap over ``env.globals``.

    Measured (docs/architecture.md §10): with the ChainMap every ``{% from … import … %}`` — a
    dozen per page — compared the page's 50 globals against the macro file's through the
    ChainMap, and every render copied it, together about 0.6 ms of a drawn page's 6. Every
    global is registered at start-up (``init_common``, ``init_portal``, the extensions), before
    any template is loaded, so the snapshot is complete.
    """

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


def init_common(app: Flask) -> None:
    if app.config.get("PORTAL_ENV") != "production":
        app.jinja_env.undefined = StrictUndefined
    app.jinja_env.filters.update(
        long_date=i18n.long_date,
        short_date=i18n.short_date,
        month_year=i18n.month_year,
        time_of_day=i18n.time_of_day,
        relative_days=i18n.relative_days,
        duration_days=i18n.duration_days,
        number=i18n.number,
        file_size=i18n.file_size,
        meeting_time=i18n.meeting_time,
        typed=typed,
    )
    app.jinja_env.globals.update(
        current_language=i18n.current_language,
        LANGUAGE_NAMES=i18n.LANGUAGE_NAMES,
        LANGUAGES=i18n.LANGUAGES,
        csp_nonce=csp_nonce,
        static_url=static_url,
    )


def init_portal(app: Flask) -> None:
    init_common(app)
    app.jinja_env.globals.update(
        words=vocabulary,
        _c=i18n.to_the_reader,
        in_language=in_language,
        # The Digital Fuldmagt token carries no end date; borger.dk shows it.
        digital_fuldmagt_url="https://www.borger.dk/samfund-og-rettigheder/fuldmagter/digital-fuldmagt",
        portal_name=PORTAL_NAME,
        home_endpoint=home_endpoint,
        is_employment_oriented=is_employment_oriented,
        offer_phase=offer_phase,
        offer_right=offer_right,
        concern_refusal=concern_refusal,
        complaint_guidance=complaint_guidance,
        hold_deadline=hold_deadline,
        case_facts_lines=case_facts_lines,
        times_answer_by=times_answer_by,
        plan_items=plan_items,
        help_text=help_text,
        acting_for=acting_for,
        this_page=this_page,
        may_act=may_act,
        what_now=what_now,
        forloeb_notice_days=FORLOEB_ENDS_NOTICE_DAYS,
        document_limits=document_limits,
        helps_others=helps_others,
        header_municipality=header_municipality,
        session_seconds_left=session_seconds_left,
        rules_checked=CHECKED,
    )


# Characters an HTML page cannot carry (HTML 5, 13.2.5 "noncharacter" and control characters):
# a crafted form post can send them, and the page that shows the text again must stay valid.
_NOT_IN_HTML = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


def typed(text) -> str:
    """What a person typed, as a page can show it again: the characters HTML cannot hold are
    left out (the field's own check still says why the text was not saved)."""
    return _NOT_IN_HTML.sub("", text) if isinstance(text, str) else text


def in_language(code: str) -> str:
    """This page, in another language: the path and query as they are, with ``lang`` set."""
    query = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    # The path as it came, percent-encoded again: a decoded NUL or space never reaches the page.
    return f"{quote(request.path)}?{urlencode([*query, ('lang', code)])}"


def offer_right(offer) -> bool:
    """Whether the § 113, stk. 3 right applies to this offer today (its forløb loaded)."""
    return right_for(offer, today_in_denmark())


def concern_refusal(offer) -> str | None:
    """Why no concern can be started about this offer today (a ConcernRefusal), or None."""
    return refusal_for(offer, today_in_denmark())


def complaint_guidance(concern) -> list[str]:
    """The klagevejledning of a decided concern (its events loaded), in the reader's language,
    counted from the day the citizen got the decision (portal.domain.decisions)."""
    received = decisions.received_on(concern)
    lines = decisions_domain.complaint_guidance(concern.citizen.municipality.name, received)
    return [
        gettext(
            text, **{k: i18n.long_date(v) if isinstance(v, date) else v for k, v in values.items()}
        )
        for text, values in lines
    ]


_NOT_SET = N_("Ikke fastsat")
_OVER = ("cancelled", "ended")
_CANCELLED_NAME = vocabulary.OFFER_STATUS_NAMES[_OVER[0]]


def plan_items(plan: dict) -> list[tuple[str, str]]:
    """The parts of an offer's plan in its JSON form (portal.domain.decisions.Plan) as label
    and value in the reader's language: the decision page's plan before and after, and what the
    case system said instead. Only the parts the dict holds are named."""
    items = []

    def add(label: str, value: str) -> None:
        items.append((gettext(label), value or gettext(_NOT_SET)))

    if plan.get("status") in _OVER:
        add(N_("Status"), gettext(_CANCELLED_NAME))
    for name, label in (("start_date", N_("Start")), ("end_date", N_("Slut"))):
        if name in plan:
            add(label, i18n.long_date(date.fromisoformat(plan[name])) if plan[name] else "")
    if "weekdays" in plan:
        days = [gettext(vocabulary.WEEKDAY_NAMES[d]) for d in plan["weekdays"].split(",") if d]
        add(N_("Dage"), ", ".join(days))
    if "day_starts_at" in plan or "day_ends_at" in plan:
        starts, ends = plan.get("day_starts_at"), plan.get("day_ends_at")
        add(
            N_("Tid"),
            gettext(
                "fra kl. %(start)s til %(end)s",
                start=starts.replace(":", "."),
                end=ends.replace(":", "."),
            )
            if starts and ends
            else "",
        )
    if "hours_per_week" in plan:
        hours = plan["hours_per_week"]
        add(N_("Timer om ugen"), i18n.number(Decimal(hours)) if hours else "")
    for name, label in (("place", N_("Sted")), ("address", N_("Adresse"))):
        if name in plan:
            add(label, plan[name])
    return items


def case_facts_lines(case_facts: dict) -> list[tuple[str, dict]]:
    """The facts a decision rests on (as stored with it), as Danish texts and their values with
    the dates in the reader's language."""
    lines = decisions_domain.facts_lines(decisions_domain.CaseFacts.from_json(case_facts))
    return [
        (text, {key: i18n.long_date(value) for key, value in values.items()})
        for text, values in lines
    ]


def times_answer_by(proposed_at):
    """The moment the citizen is asked to have chosen among offered times by (settings)."""
    return answer_by(proposed_at, current_app.config["TIMES_ANSWER_DAYS"])


def offer_phase(offer) -> str:
    return phase(offer.start_date, offer.end_date, offer.status, today_in_denmark())


def help_text(key: str) -> tuple[str, str]:
    """A short explanation and the rules page that says more (``components/help.html``)."""
    return HELP[key]


def acting_for():
    """The principal when a relative acts for someone (the banner on every page), else None."""
    user = current_user
    if user.is_authenticated and user.is_delegate:
        return user
    return None


def document_limits() -> dict:
    """How many files a concern may have and how large each may be (settings), in MB."""
    limits = current_app.config["DOCUMENTS"]
    return {
        "files": limits["max_files"],
        "bytes": limits["max_bytes"],
        "mb": limits["max_bytes"] // (1024 * 1024),
    }


def what_now(states, forloeb_ends=None, next_offer=None):
    """ "Det sker nu" over the given concern states (``portal.services.next_step``); the next
    offer as (offer id, start day), shown only before it starts."""
    today = today_in_denmark()
    upcoming = next_offer if next_offer and next_offer[1] > today else None
    return next_step.for_citizen(
        states, today, current_app.config["TIMES_ANSWER_DAYS"], forloeb_ends, upcoming
    )


def may_act() -> bool:
    """False for a relative whose fuldmagt only lets them see: the pages then offer no action
    (``portal.delegations.check_delegation`` refuses one anyway)."""
    delegate = acting_for()
    return delegate is None or delegate.acting_scope == Scope.ACT


def helps_others() -> bool:
    """Whether the logged-in person holds a fuldmagt they could switch to (known from login)."""
    return bool(current_user.is_authenticated and current_user.helps_others)


def header_municipality() -> Municipality | None:
    """The municipality in the header: the caseworker's, or the citizen's. At most one query a
    request, none when the page has loaded it already (``remember_municipality``)."""
    if "header_municipality" in g:
        return g.header_municipality
    found = None
    if not current_user.is_authenticated:
        pass
    elif current_user.municipality_id is not None:
        found = get_session().get(Municipality, current_user.municipality_id)
    elif current_user.citizen_id is not None:
        found = get_session().scalar(
            select(Municipality).join(Citizen).where(Citizen.id == current_user.citizen_id)
        )
    g.header_municipality = found
    return found


def remember_municipality(municipality: Municipality | None) -> None:
    """A view that has the citizen's municipality already spares the header its query."""
    g.header_municipality = municipality


def session_seconds_left() -> int | None:
    if not current_user.is_authenticated:
        return None
    return session.seconds_left(utcnow())
