"""How URLs are read: a path integer is an id the database can hold, or the page does not exist.

Werkzeug's ``int`` takes any number of digits, so ``/tilbud/99999999999999999999`` reached the
database and failed there (500 on PostgreSQL beyond 2 147 483 647). Here a larger number simply
does not match the route: 404, as for any id one may not see.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from flask import Flask, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class BoundedIntegerConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        # No leading zeros or more than ten digits: one URL per id.
        kwargs.setdefault("fixed_digits", 0)
        super().__init__(map, *args, **kwargs)


def this_page() -> str:
    """This page's path and query as a link back to it: percent-encoded, so a decoded NUL or
    line break in the address never reaches a page or a header."""
    query = request.query_string.decode("ascii", "replace")
    return quote(request.path) + (f"?{query}" if query else "")


_ID = re.compile(r"[1-9][0-9]{0,9}", re.ASCII)


def parse_id(value: str | None) -> int | None:
    """An id from a form field, as the page sends it (ASCII digits within the column), or None:
    ``int()`` would take "²" wrongly, " 7 " loosely and 10**20 to the database."""
    if value is None or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: every ``<int:…>`` in the portal is bounded."""
    app.url_map.converters["int"] = BoundedIntegerConverter
