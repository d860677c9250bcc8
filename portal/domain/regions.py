"""The five regions, and the day two of them become one (docs/domain.md §2).

From 1 January 2027 Region Hovedstaden and Region Sjælland are Region Østdanmark (overgangsloven,
L 213 2024-25). The sundhedskoordinator belongs to the region's klinisk funktion, so the
region's name is looked up for the day in question, never written in a template.
"""

from __future__ import annotations

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
