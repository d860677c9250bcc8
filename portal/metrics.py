"""Prometheus metrics (prometheus_client): requests per endpoint and their durations, records
imported, e-mails delivered; the outbox backlog is counted when /metrics is read.

Under gunicorn each worker counts for itself; with ``PROMETHEUS_MULTIPROC_DIR`` set (the
Containerfile does) the workers share their counts through that folder, so a scrape sees the
whole instance. Labels are route endpoints and outcomes — never a path, an id
or anything about a person.
"""

from __future__ import annotations

import os
import time

from flask import Flask, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from werkzeug.wrappers import Response

# prometheus_client writes a file there for every counter it touches, and fails when the folder
# is missing: gunicorn makes it (gunicorn.conf.py), but the outbox worker and the jobs run the
# same image, with the same variable, without gunicorn.
if _shared := os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(_shared, exist_ok=True)

REQUESTS = Counter("portal_requests_total", "Requests answered", ["endpoint", "method", "status"])
DURATION = Histogram(
    "portal_request_duration_seconds",
    "Time to answer a request",
    ["endpoint"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0),
)
IMPORTED = Counter(
    "portal_import_records_total", "Records in imported batches", ["kind", "outcome"]
)
IMPORT_BATCHES = Counter("portal_import_batches_total", "Import batches", ["outcome"])
OUTBOX = Counter("portal_outbox_messages_total", "E-mails handled by the outbox", ["outcome"])


def exposition(extra: dict[str, float]) -> Response:
    """The metrics, with ``extra`` gauges measured now (e.g. the outbox backlog)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        body = generate_latest(REGISTRY)
    lines = [
        f"# TYPE {name} gauge\n{name} {value}\n".encode() for name, value in sorted(extra.items())
    ]
    return Response(body + b"".join(lines), mimetype=CONTENT_TYPE_LATEST)


def count_import(summary: dict, outcome: str = "imported") -> None:
    IMPORT_BATCHES.labels(outcome).inc()
    for kind, counts in summary.items():
        for result, number in counts.items():
            if number:
                IMPORTED.labels(kind, result).inc(number)


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_clock() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        endpoint = request.endpoint or "unknown"
        if endpoint != "static":
            REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
            started = g.get("metrics_started")
            if started is not None:
                DURATION.labels(endpoint).observe(time.perf_counter() - started)
        return response
