"""The machine API for the municipal case system: the import of case data and the export of
concerns for journalising, each behind its own bearer token.

The import takes exactly the batch format of ``flask import-cases``
(schemas/case-import.schema.json). Both answer in JSON. No cookies, so no CSRF; tokens are
compared in constant time and only their absence or mismatch is logged.
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime

from flask import Blueprint, current_app, jsonify, request

from portal.auth.principal import token_protected
from portal.db import get_session
from portal.services import concern_export
from portal.services.case_import import ImportRejected, import_batch

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")

IMPORT_MAX_BYTES = 64 * 1024 * 1024


def _authorised(setting: str = "IMPORT_TOKEN") -> bool:
    expected = current_app.config.get(setting)
    given = request.headers.get("Authorization", "")
    if not expected or not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given[7:].encode(), expected.encode())


def _problem(status: int, message: str, **extra):
    response = jsonify(error=message, **extra)
    response.status_code = status
    return response


@bp.post("/case-import")
@token_protected
def case_import():
    if not _authorised():
        log.warning("case import refused: missing or wrong token")
        response = _problem(401, "A valid bearer token is required.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="case-import"'
        return response
    request.max_content_length = IMPORT_MAX_BYTES
    if not request.is_json:
        return _problem(415, "Send the batch as application/json.")
    payload = request.get_json(silent=True)
    if payload is None:
        return _problem(400, "The body is not valid JSON.")
    try:
        summary = import_batch(get_session(), payload, current_app.config["CPR_HASH_KEY"])
    except ImportRejected as rejected:
        log.info("case import rejected: %d problem(s)", len(rejected.problems))
        return _problem(
            422,
            "Nothing was imported.",
            problems=[
                {"where": p.where, "record": p.record, "message": p.message}
                for p in rejected.problems
            ],
        )
    log.info("case import done: %s", summary.as_dict())
    return jsonify(imported=summary.as_dict())


@bp.get("/concerns")
@token_protected
def export_concerns():
    """Sent concerns changed since ``changed_since`` (ISO 8601 with zone) or after ``after``
    (the cursor of the previous answer), oldest change first, ``limit`` at a time (max 200)."""
    if not _authorised("EXPORT_TOKEN"):
        log.warning("concern export refused: missing or wrong token")
        response = _problem(401, "A valid bearer token is required.")
        response.headers["WWW-Authenticate"] = 'Bearer realm="concern-export"'
        return response
    since = None
    if request.args.get("changed_since"):
        try:
            since = datetime.fromisoformat(request.args["changed_since"])
        except ValueError:
            return _problem(400, "changed_since must be an ISO 8601 time, e.g. 2026-11-01T00:00Z.")
        if since.tzinfo is None:
            return _problem(400, "changed_since must include a time zone, e.g. Z or +01:00.")
    after = None
    if request.args.get("after"):
        try:
            after = concern_export.decode_cursor(request.args["after"])
        except concern_export.CursorUnreadable:
            return _problem(400, "after must be a cursor from an earlier answer.")
    limit = request.args.get("limit", default=100, type=int)
    if not 1 <= limit <= concern_export.MAX_PAGE:
        return _problem(400, f"limit must be between 1 and {concern_export.MAX_PAGE}.")
    records, cursor, more = concern_export.changed(get_session(), since, after, limit)
    log.info("concern export: %d concern(s)", len(records))
    response = jsonify(concerns=records, next_after=cursor or request.args.get("after"), more=more)
    response.headers["Cache-Control"] = "no-store"
    return response
