"""The machine API for the municipal case systems: the import of case data, the export of
concerns for journalising, and the figures on the use of the right, described by
``schemas/openapi.json`` (served at ``/api/v1/openapi.json``).

Each case system is an API client of one municipality (``flask api-client add``) with scopes; it
imports only its own municipality's records and exports only its own municipality's concerns.
A national client (the ministry, ``--national``) has the figures scope only: the same suppressed
counts for every municipality, and no personal data.
Both answer in JSON, errors too. No cookies, so no CSRF; an unknown token is answered 401 and
counted against the caller's address (``portal.limits``), and no token is ever logged.
"""

from __future__ import annotations

import json
import logging
import re
from functools import cache

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for

from portal import metrics
from portal.auth.principal import public, token_protected
from portal.config import PROJECT_ROOT
from portal.db import get_session, utcnow
from portal.domain.case_import import BatchUnreadable
from portal.domain.danish import today_in_denmark
from portal.domain.figures import Period, PeriodProblem, last_twelve_months, period_problem
from portal.domain.vocabulary import OFFER_KIND_NAMES
from portal.downloads import download
from portal.figures.forms import month_or_day
from portal.models import ApiClient
from portal.services import api_clients, casework, concern_export, cursors, figures
from portal.services.case_import import ImportRejected, import_body

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")

IMPORT_MAX_BYTES = 16 * 1024 * 1024
OPENAPI_PATH = PROJECT_ROOT / "schemas" / "openapi.json"
_LIMIT = re.compile(r"[0-9]{1,4}", re.ASCII)
EXPORT_PARAMETERS = ("changed_since", "after", "limit")
FIGURES_PARAMETERS = ("from", "to", "offer_kind")


def problem(status: int, message: str, **extra) -> Response:
    response = jsonify(error=message, **extra)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _client(scope: str) -> ApiClient | Response:
    """The API client the bearer token belongs to, if it may use ``scope``; else the answer."""
    given = request.headers.get("Authorization", "")
    client = None
    if given.startswith("Bearer "):
        client = api_clients.authenticate(get_session(), given[7:].strip(), utcnow())
    if client is None:
        log.warning("api authentication refused", extra={"scope": scope})
        response = problem(401, "A valid bearer token is required.")
        response.headers["WWW-Authenticate"] = f'Bearer realm="{scope}"'
        return response
    g.api_client_id = client.id
    if scope not in client.scope_set:
        log.warning("api scope refused", extra={"scope": scope, "api_client": client.id})
        return problem(403, f"This client may not use {scope}.")
    return client


@bp.post("/case-import")
@token_protected
def case_import():
    client = _client("import")
    if isinstance(client, Response):
        return client
    request.max_content_length = IMPORT_MAX_BYTES
    if request.mimetype != "application/json":
        return problem(415, "Send the batch as application/json.")
    try:
        summary = import_body(
            get_session(),
            request.get_data(cache=False),
            current_app.config["CPR_HASH_KEY"],
            for_municipality=client.municipality.code,
        )
    except BatchUnreadable as unreadable:
        return problem(400, f"The body cannot be read: {unreadable}.")
    except ImportRejected as rejected:
        metrics.IMPORT_BATCHES.labels("rejected").inc()
        log.info(
            "case import rejected",
            extra={"api_client": client.id, "problems": len(rejected.problems)},
        )
        return problem(
            422,
            "Nothing was imported.",
            problems=[
                {"where": p.where, "record": p.record, "message": p.message}
                for p in rejected.problems
            ],
        )
    metrics.count_import(summary.as_dict())
    log.info("case import done", extra={"api_client": client.id, "imported": summary.as_dict()})
    return jsonify(imported=summary.as_dict())


@bp.get("/concerns")
@token_protected
def export_concerns():
    """Sent concerns of the client's municipality changed since ``changed_since`` (ISO 8601 with
    a zone) or after ``after`` (the cursor of the previous answer), oldest change first,
    ``limit`` at a time (max 200)."""
    client = _client("export")
    if isinstance(client, Response):
        return client
    unknown = _unknown_parameters(EXPORT_PARAMETERS)
    if unknown:
        return unknown
    since = None
    if "changed_since" in request.args:
        since = cursors.moment(request.args["changed_since"])
        if since is None:
            return problem(
                400,
                "changed_since must be an ISO 8601 time with a time zone between the years "
                "1900 and 9000, e.g. 2026-11-01T00:00Z.",
            )
    after = None
    if "after" in request.args:
        try:
            after = concern_export.decode_cursor(request.args["after"])
        except concern_export.CursorUnreadable:
            return problem(400, "after must be a cursor from an earlier answer.")
    limit = 100
    if "limit" in request.args:
        raw = request.args["limit"]
        limit = int(raw) if _LIMIT.fullmatch(raw) else 0
        if not 1 <= limit <= concern_export.MAX_PAGE:
            most = concern_export.MAX_PAGE
            return problem(400, f"limit must be a whole number from 1 to {most}.")
    records, cursor, more = concern_export.changed(
        get_session(),
        client,
        since,
        after,
        limit,
        lambda document_id: url_for("api.document", document_id=document_id, _external=True),
    )
    log.info("concern export", extra={"api_client": client.id, "concerns": len(records)})
    response = jsonify(concerns=records, next_after=cursor or request.args.get("after"), more=more)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/documents/<int:document_id>")
@token_protected
def document(document_id: int):
    """A file the citizen attached to a concern (listed with its URL in the export), to file
    with the concern: the bytes as checked and stored, as a download."""
    client = _client("export")
    if isinstance(client, Response):
        return client
    found = concern_export.document_for(get_session(), client, document_id)
    if found is None:
        return problem(404, "No such document for this client.")
    log.info("document export", extra={"api_client": client.id, "document": found.id})
    return download(found)


@bp.get("/figures")
@token_protected
def figures_of_the_right():
    """How the right is used, per municipality, for a period of whole months that are over
    (``from``/``to`` as YYYY-MM, or a month's first and last day; the last twelve months by
    default) and perhaps one ``offer_kind``: the counts of "Tal om retten", published by the
    same rule as on the page. A municipality's client gets its own; a national client all."""
    client = _client("figures")
    if isinstance(client, Response):
        return client
    unknown = _unknown_parameters(FIGURES_PARAMETERS)
    if unknown:
        return unknown
    today = today_in_denmark()
    usual = last_twelve_months(today)
    days = {}
    for name, default in (("from", usual.first), ("to", usual.last)):
        given = request.args.get(name)
        days[name] = month_or_day(given, end=name == "to") if given is not None else default
        if days[name] is None:
            return problem(400, f"{name} must be a month written as YYYY-MM, e.g. 2026-01.")
    problem_found = period_problem(days["from"], days["to"], today)
    if problem_found is not None:
        return problem(400, PERIOD_MESSAGES[problem_found], reason=str(problem_found))
    offer_kind = request.args.get("offer_kind")
    if offer_kind is not None and offer_kind not in OFFER_KIND_NAMES:
        return problem(400, f"offer_kind must be one of {', '.join(OFFER_KIND_NAMES)}.")
    db, period = get_session(), Period(days["from"], days["to"])
    goals = casework.service_goals(current_app.config["SERVICE_GOALS"])
    found = figures.figures(
        db, period, goals, municipality_id=client.municipality_id, offer_kind=offer_kind
    )
    # The national client also gets each region's totals, the regions as on the period's last
    # day (Region Østdanmark for a period ending in 2027 or later).
    regions = (
        figures.figures(
            db, period, goals, offer_kind=offer_kind, chosen=figures.region_areas(db, period.last)
        )
        if client.municipality_id is None
        else None
    )
    log.info("figures", extra={"api_client": client.id})
    response = jsonify(figures.as_record(found, regions))
    response.headers["Cache-Control"] = "no-store"
    return response


PERIOD_MESSAGES = {
    PeriodProblem.REVERSED: "to must not be before from.",
    PeriodProblem.TOO_LONG: "The period must be at most 60 months.",
    PeriodProblem.NOT_OVER: "to must be a month that is over (figures are for whole months).",
    PeriodProblem.MISSING: "Give both from and to.",
    PeriodProblem.TOO_EARLY: "from must be 2013-01 or later (ressourceforløb began then).",
    PeriodProblem.NOT_WHOLE_MONTHS: (
        "The period is whole months: from a month's first day to a month's last (or YYYY-MM)."
    ),
}


def _unknown_parameters(known: tuple[str, ...]) -> Response | None:
    """A 400 naming the parameters there are, for any other: a misspelt one (changedsince=…)
    would otherwise be ignored, and export everything or count the wrong period, silently."""
    if set(request.args) <= set(known):
        return None
    return problem(400, f"Unknown query parameter(s); use {', '.join(known)}.")


@cache
def _openapi() -> bytes:
    return json.dumps(json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))).encode()


@bp.get("/openapi.json")
@public
def openapi():
    """The API's contract (OpenAPI 3.1), for the case systems' developers."""
    return Response(_openapi(), mimetype="application/json")
