"""Serving a file a citizen attached (issue 16), the same way to everyone who may open it: as a
download no browser will run, show inline or guess the type of, never cached, and never if the
bytes are not the ones that were checked and stored."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from flask import Response, abort

from portal.models import ConcernDocument


def download(document: ConcernDocument) -> Response:
    content = document.content
    if hashlib.sha256(content).hexdigest() != document.sha256:
        abort(404)  # not what was stored: never serve it
    response = Response(content, mimetype=document.content_type)
    response.headers["Content-Disposition"] = disposition(document.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "no-store"
    return response


def disposition(name: str) -> str:
    """``attachment`` with the name twice: plain ASCII for old clients, UTF-8 (RFC 6266) for the
    rest, so "lægebrev.pdf" keeps its æ."""
    plain = name.encode("ascii", "replace").decode().replace('"', "'").replace("?", "_")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"
