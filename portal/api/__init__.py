"""The machine API for the municipal case system: a token-protected import of case data.

It takes exactly the batch format of ``flask import-cases`` (schemas/case-import.schema.json) and
answers in JSON. No cookies, so no CSRF; the bearer token is compared in constant time and only
its absence or mismatch is logged.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, current_app, jsonify, request

from portal.auth.principal import token_protected
from portal.db import get_session
from portal.services.case_import import ImportRejected, import_batch

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")

IMPORT_MAX_BYTES = 64 * 1024 * 1024


def _authorised() -> bool:
    expected = current_app.config.get("IMPORT_TOKEN")
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
