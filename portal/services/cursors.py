"""Opaque cursors for keyset pagination (the caseworker's queue, the concern export).

A cursor is the sort key of the last row shown, as JSON in URL-safe base64. It carries no
personal data, only dates and ids. Anything that does not decode to a list is not one of ours:
``decode`` answers None and the caller decides what that means (first page, or a 400).
"""

from __future__ import annotations

import base64
import binascii
import json


def encode(key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode(cursor: str | None) -> list | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return key if isinstance(key, list) else None
