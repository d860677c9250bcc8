"""Opaque cursors for keyset pagination (the caseworker's queue, the concern export).

A cursor is the sort key of the last row shown, as JSON in URL-safe base64. It carries no
personal data, only dates and ids. Decoding is total: anything that is not exactly one of ours —
too long, not base64 or JSON, a number out of range, a time without a zone — decodes to None, and
the caller decides what that means (first page, or a 400). Never an exception.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, date, datetime

MAX_LENGTH = 200  # far more than any cursor we give out; bounds the JSON's nesting too
MAX_ID = 2**31 - 1  # the database's integer column


def encode(key: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


def decode(cursor: str | None) -> list | None:
    if not cursor or len(cursor) > MAX_LENGTH:
        return None
    try:
        key = json.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)),
            parse_constant=_no_constants,
        )
    except (binascii.Error, ValueError, UnicodeDecodeError, RecursionError):
        return None
    return key if isinstance(key, list) else None


def _no_constants(name: str):
    raise ValueError(name)  # NaN, Infinity: not JSON, and never in a cursor of ours


def identifier(value: object) -> int | None:
    """A row id: an integer (not a bool, not a float) the database can hold."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        return None
    return value


def small_number(value: object, allowed: range) -> int | None:
    return (
        value
        if isinstance(value, int) and not isinstance(value, bool) and value in allowed
        else None
    )


def day(value: object) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def moment(value: object) -> datetime | None:
    """An aware time, in UTC, in the years the portal can store."""
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            return None
        parsed = parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return parsed if 1900 <= parsed.year <= 9000 else None
