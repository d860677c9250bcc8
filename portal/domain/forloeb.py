"""Rules about the ressourceforløb itself: its progress and whether it has ended.

Since 1 January 2022 a forløb lasts 1–3 years; forløb started before with up to 5 years run to
their end (LAB § 112). The planned end date comes from the municipality; we only describe it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Progress:
    total_days: int
    elapsed_days: int
    remaining_days: int
    percent: int
    started: bool
    ended: bool


def progress(start: date, planned_end: date, today: date) -> Progress:
    total = max((planned_end - start).days, 1)
    elapsed = min(max((today - start).days, 0), total)
    return Progress(
        total_days=total,
        elapsed_days=elapsed,
        remaining_days=max((planned_end - today).days, 0),
        percent=round(100 * elapsed / total),
        started=today >= start,
        ended=today > planned_end,
    )
