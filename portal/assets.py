"""Fingerprinted static URLs: ``static_url('css/portal.css')`` → ``/static/css/portal.css?v=…``.

The fingerprint is a hash of the file's content, so a changed file gets a new URL and browsers
may cache every version for a year (see ``security``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from urllib.parse import quote

from flask import current_app, has_request_context, request


@cache
def _fingerprint(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


@cache
def _versioned(static_folder: str, url_path: str, filename: str) -> str:
    path = Path(static_folder) / filename
    return f"{url_path}/{quote(filename)}?v={_fingerprint(str(path))}"


def static_url(filename: str) -> str:
    # Built once per file (a page links eight), as url_for("static", filename=…, v=…) would:
    # the same path under the application's root, the same fingerprint.
    root = request.script_root if has_request_context() else ""
    return root + _versioned(
        current_app.static_folder or "", current_app.static_url_path or "/static", filename
    )
