"""Application logs: JSON, one event per line, each with the request's id, written by
python-json-logger (docs/operations.md §5).

A log call names an event (``log.info("case import done", extra={...})``; values go in fields of
their own) or renders a short message (``log.warning("login refused: %s", reason)``: the event
is the rendered text). JSON escapes every line break, so no value can forge a line.
No token, CPR number, name or URL path with a token is logged: a request is logged by its route
(``/kalender/<token>.ics``), not its path, and with neither query nor headers.

The request id comes from a trusted proxy's ``X-Request-Id`` when it looks like one, or is made
here; it is sent back in the response's ``X-Request-Id``.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter
from werkzeug.wrappers import Response

REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}", re.ASCII)


class JsonFormatter(_JsonFormatter):
    """time, level, logger, event (the message, rendered), the extra fields, and the request's
    id when there is a request."""

    def __init__(self):
        super().__init__(
            ["levelname", "name", "message"],
            rename_fields={"levelname": "level", "name": "logger", "message": "event"},
            timestamp="time",
            json_ensure_ascii=False,
            json_default=str,
        )

    def add_fields(self, log_data: dict, record: logging.LogRecord, message_dict: dict) -> None:
        super().add_fields(log_data, record, message_dict)
        if has_request_context() and "request_id" in g:
            log_data.setdefault("request_id", g.request_id)


def configure(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the whole process (once; again is harmless)."""
    root = logging.getLogger()
    if any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    root.setLevel(level)
    # Werkzeug's own request lines carry the raw path (a calendar token, a login code); the
    # portal logs each request itself, by route.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def init_app(app: Flask) -> None:
    configure()
    access = logging.getLogger("portal.request")

    @app.before_request
    def _request_id() -> None:
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _log_request(response: Response) -> Response:
        if "request_id" in g:
            response.headers["X-Request-Id"] = g.request_id
        if request.endpoint != "static":
            access.info(
                "request",
                extra={
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else None,
                    "status": response.status_code,
                    "ms": round(
                        (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1
                    ),
                },
            )
        return response
