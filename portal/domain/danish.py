"""Danish time and the marker for Danish texts: the two things every layer needs, without Flask.

Every date a person sees, and every "today" a rule uses, is Danish (docs/architecture.md §7): a
concern sent at 23:30 UTC on 9 December is sent on 10 December in Denmark. Texts are written in
Danish where they belong and marked with ``N_``; they are translated only where they are shown."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DANISH_TIME = ZoneInfo("Europe/Copenhagen")


def N_(text: str) -> str:
    """Marks a Danish text for translation where it is written (``pybabel extract -k N_``)."""
    return text


def C_(text: str) -> str:
    """Marks a Danish text that speaks to the citizen ("din læge"). Besides its translation it
    has a helper's version, read by a relative acting for the citizen (portal.i18n.for_reader)."""
    return text


def today_in_denmark(now: datetime | None = None) -> date:
    """The Danish date at ``now`` (an aware moment; default: this moment)."""
    moment = now if now is not None else datetime.now(DANISH_TIME)
    return moment.astimezone(DANISH_TIME).date()


def danish_date(moment: datetime) -> date:
    """The day an aware moment falls on in Denmark."""
    return moment.astimezone(DANISH_TIME).date()
