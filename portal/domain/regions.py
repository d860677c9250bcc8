"""The five regions, and the day two of them become one (docs/domain.md §2).

From 1 January 2027 Region Hovedstaden and Region Sjælland are Region Østdanmark (overgangsloven,
L 213 2024-25). The sundhedskoordinator belongs to the region's klinisk funktion, so the
region's name is looked up for the day in question, never written in a template.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

# Proper names, the same in every language.
REGION_NAMES = {
    "hovedstaden": "Region Hovedstaden",
    "sjaelland": "Region Sjælland",
    "syddanmark": "Region Syddanmark",
    "midtjylland": "Region Midtjylland",
    "nordjylland": "Region Nordjylland",
    "oestdanmark": "Region Østdanmark",
}
OESTDANMARK_FROM = date(2027, 1, 1)
_MERGED = {"hovedstaden": "oestdanmark", "sjaelland": "oestdanmark"}


def region_on(code: str, day: date) -> str | None:
    """The region a code names on ``day`` (None for an unknown or empty code)."""
    if code not in REGION_NAMES:
        return None
    if day >= OESTDANMARK_FROM:
        return _MERGED.get(code, code)
    if code == "oestdanmark":
        return None  # not yet a region
    return code


def clinical_unit(code: str, day: date) -> str:
    """ "Klinisk funktion, Region X" for the municipality's region on ``day``; empty if unknown."""
    region = region_on(code, day)
    return f"Klinisk funktion, {REGION_NAMES[region]}" if region else ""


def regions_on(codes: Iterable[str], day: date) -> frozenset[str]:
    """The regions these codes name on ``day``: after the merger, a code of Region Hovedstaden
    or Region Sjælland names Region Østdanmark."""
    return frozenset(region for code in codes if (region := region_on(code, day)) is not None)


def serves(coordinator_region: str, municipality_region: str, day: date) -> bool:
    """Whether a coordinator of this region serves a municipality of that region on ``day``:
    from 1 January 2027 a coordinator of Region Østdanmark (or of either former region) serves
    the municipalities of both (docs/domain.md §2)."""
    region = region_on(coordinator_region, day)
    return region is not None and region == region_on(municipality_region, day)


def advice_in_portal(municipality_region: str, connected: Iterable[str], day: date) -> bool:
    """Whether the sundhedskoordinator for a municipality of this region gives the advice in the
    portal (their region is connected: its coordinators log in), or orally, recorded by the
    caseworker (a region not yet connected)."""
    region = region_on(municipality_region, day)
    return region is not None and region in regions_on(connected, day)
