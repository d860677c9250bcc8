"""Fingerprinted static URLs: ``static_url('css/portal.css')`` → ``/static/css/portal.css?v=…``.

The fingerprint is a hash of the file's content, so a changed file gets a new URL and browsers
may cache every version for a year (see ``security``).
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import current_app, url_for


@cache
def _fingerprint(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    path = Path(current_app.static_folder or "") / filename
    return url_for("static", filename=filename, v=_fingerprint(str(path)))
