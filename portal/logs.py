"""Application logs: JSON, one event per line, each with the request's id (design.md §5).

A log call names an event with a fixed text (``log.info("case import done", extra={...})`` or the
older ``log.warning("login refused: %s", reason)``); the values go in fields of their own, never
pasted into the event's text, and JSON escapes every line break, so no value can forge a line.
No token, CPR number, name or URL path with a token is logged: a request is logged by its route
(``/kalender/<token>.ics``), not its path, and with neither query nor headers.

The request id comes from a trusted proxy's ``X-Request-Id`` when it looks like one, or is made
here; it is sent back in the response's ``X-Request-Id``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from werkzeug.wrappers import Response

REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}", re.ASCII)
# LogRecord's own attributes; anything else on a record came in through ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": str(record.msg),
        }
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            entry["args"] = [_plain(a) for a in args]
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = _plain(value)
        if has_request_context() and "request_id" in g:
            entry.setdefault("request_id", g.request_id)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _plain(value: object) -> object:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


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
