"""Figures on the use of the right (issue 17): "Tal om retten" for a municipality's manager, and
the same suppressed figures per municipality for the ministry through the API.

Every figure is counted by SQL from what the portal holds anyway — the concerns' timeline events
and the first showing of the guidance — for a period of Danish days and, if asked, one kind of
offer; no second copy of the data. Five queries — the guidance, the concerns started, the
timeline's steps and outcomes, the kinds of offer, and the times — each grouped by municipality,
so one municipality and all of them cost the same number (a sixth counts the answers to "Var
det let at bruge?"); the times are grouped by Danish day
in the database (``danish_day``), so a year comes back as a few hundred rows. Nothing here names
a person; every count goes through ``portal.domain.figures.publish`` (0 as 0, 1-4 as "< 5",
else rounded to 5) before anyone sees it, so no two published counts can be subtracted into a
person.

``record_guidance`` writes the first showing of an offer's guidance; ``note_view`` logs a look
at the page (not a look at any citizen's data).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from portal.domain.casework import ServiceGoals, danish_holidays
from portal.domain.danish import DANISH_TIME, danish_date
from portal.domain.figures import (
    ROUNDING,
    SMALLEST_SHOWN,
    Cell,
    Period,
    Spread,
    WorkingDays,
    publish,
    spread,
)
from portal.domain.offers import EMPLOYMENT_ORIENTED_KINDS
from portal.domain.principal import Actor, Principal
from portal.domain.regions import REGION_NAMES, region_on
from portal.models import (
    Concern,
    ConcernEvent,
    Forloeb,
    GuidanceShown,
    Municipality,
    Offer,
    OfferKind,
)
from portal.models.base import danish_day, utcnow
from portal.services import access_log, feedback
from portal.services.concerns import right_for
from portal.services.transaction import AlreadyExists, saved

OUTCOMES = ("adapted", "kept", "replaced", "stopped")
# The steps timed from the day a concern was sent, with the municipality's goal where it has one.
STAGES = ("acknowledged", "meeting_booked", "meeting_held", "decided")
_COUNTED = (
    "submitted",
    "withdrawn",
    "meeting_held",
    "decided",
)


@dataclass
class MunicipalityFigures:
    code: str
    name: str
    cells: dict[str, Cell]
    durations: dict[str, Spread]
    goals: dict[str, int | None]
    kinds: tuple[str, ...]  # the offer kinds counted in "sent by kind", in a fixed order
    # "Var det let at bruge?": yes and no, published by the same rule (not per kind of offer).
    usability: dict[str, Cell] = field(default_factory=dict)

    def cell(self, name: str) -> Cell:
        return self.cells[name]


@dataclass
class Figures:
    period: Period
    offer_kind: str | None
    municipalities: list[MunicipalityFigures] = field(default_factory=list)


def _bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last Danish day as UTC instants (the end is exclusive)."""
    start = datetime.combine(period.first, time(0), DANISH_TIME).astimezone(UTC)
    end = datetime.combine(period.last + timedelta(days=1), time(0), DANISH_TIME).astimezone(UTC)
    return start, end


@dataclass(frozen=True)
class Area:
    """What one set of figures is about: a municipality, or a region (its municipalities'
    counts added up before any is published, so the region's figures follow the same rules)."""

    code: str
    name: str
    ids: tuple[int, ...]


def areas(db: Session, municipality_id: int | None = None) -> list[Area]:
    """One municipality, or every one (the national client), each an area of its own."""
    which = select(Municipality.id, Municipality.code, Municipality.name)
    if municipality_id is not None:
        which = which.where(Municipality.id == municipality_id)
    rows = db.execute(which.order_by(Municipality.code)).all()
    return [Area(row.code, row.name, (row.id,)) for row in rows]


def region_areas(db: Session, day: date, region: str | None = None) -> list[Area]:
    """The regions as they are on ``day`` (Region Østdanmark from 2027), each the sum of its
    municipalities; only ``region``'s when given (a region's manager)."""
    grouped: dict[str, list[int]] = {}
    for mid, code in db.execute(select(Municipality.id, Municipality.region)).all():
        named = region_on(code, day)
        if named is not None and (region is None or named == region_on(region, day)):
            grouped.setdefault(named, []).append(mid)
    if region is not None and not grouped and region_on(region, day) is not None:
        grouped[region_on(region, day)] = []  # a region with no municipality here yet: zeros
    return [
        Area(code, REGION_NAMES[code], tuple(sorted(ids))) for code, ids in sorted(grouped.items())
    ]


def figures(
    db: Session,
    period: Period,
    goals: ServiceGoals,
    municipality_id: int | None = None,
    offer_kind: str | None = None,
    chosen: list[Area] | None = None,
) -> Figures:
    """The figures for one municipality, for every one (``None``: the national client), or for
    the ``chosen`` areas (regions)."""
    start, end = _bounds(period)
    places = chosen if chosen is not None else areas(db, municipality_id)
    ids = [mid for place in places for mid in place.ids]
    guidance = _guidance(db, ids, period, end, offer_kind)
    started = _started(db, ids, start, end, offer_kind)
    counted = _events(db, ids, start, end, offer_kind)
    by_kind = _sent_by_kind(db, ids, start, end, offer_kind)
    timed = _durations(db, ids, start, end, offer_kind)
    answers = feedback.counts(db, ids, period.first, period.last)
    # From the period's first day to today: a step may be reached after the period ended.
    working = WorkingDays(period.first, danish_date(utcnow()), danish_holidays())
    goal_days = {
        "acknowledged": goals.acknowledge_days,
        "meeting_booked": goals.meeting_days,
        "meeting_held": None,
        "decided": None,
    }
    kinds = tuple(str(k) for k in OfferKind) if offer_kind is None else (offer_kind,)
    result = Figures(period, offer_kind)
    for place in places:
        counts = Counter()
        for mid in place.ids:
            counts.update(_counts(mid, guidance, started, counted, by_kind, kinds))
        durations: dict[str, Spread] = {}
        for stage in STAGES:
            values = [
                days
                for mid in place.ids
                for sent, reached, many in timed[mid][stage]
                for days in [working.between(sent, reached)] * many
            ]
            durations[stage] = spread(values, goal_days[stage])
            counts[f"time_{stage}_n"] = durations[stage].count
            if goal_days[stage] is not None:
                counts[f"time_{stage}_within"] = sum(1 for v in values if v <= goal_days[stage])
        cells = {name: publish(value) for name, value in counts.items()}
        yes = sum(answers.get(mid, (0, 0))[0] for mid in place.ids)
        no = sum(answers.get(mid, (0, 0))[1] for mid in place.ids)
        result.municipalities.append(
            MunicipalityFigures(
                place.code,
                place.name,
                cells,
                durations,
                goal_days,
                kinds,
                {"easy_yes": publish(yes), "easy_no": publish(no)},
            )
        )
    return result


def _counts(
    place: int,
    guidance: dict,
    started: dict,
    counted: dict,
    by_kind: dict,
    kinds: tuple[str, ...],
) -> dict[str, int]:
    had, saw = guidance.get(place, (0, 0))
    begun, unsent = started.get(place, (0, 0))
    events = counted.get(place, {})
    counts = {
        "offer_citizens": had,
        "saw_guidance": saw,
        "started": begun,
        "started_not_sent": unsent,
        "sent": events.get("submitted", 0),
        "sent_by_relative": events.get("submitted_by_relative", 0),
        "withdrawn": events.get("withdrawn", 0),
        "meeting_held": events.get("meeting_held", 0),
        "decided": events.get("decided", 0),
    }
    for outcome in OUTCOMES:
        counts[f"outcome_{outcome}"] = events.get(f"outcome_{outcome}", 0)
    for kind in kinds:
        counts[f"kind_{kind}"] = by_kind.get(place, {}).get(kind, 0)
    return counts


def _concern_scope(statement, ids: list[int], offer_kind: str | None):
    statement = statement.where(Concern.municipality_id.in_(ids))
    if offer_kind is not None:
        statement = statement.join(Offer, Offer.id == Concern.offer_id).where(
            Offer.kind == offer_kind
        )
    return statement


def _guidance(
    db: Session, ids: list[int], period: Period, end: datetime, offer_kind: str | None
) -> dict[int, tuple[int, int]]:
    """Per municipality: citizens with an employment-oriented offer running in the period, and
    how many of them were shown the guidance with such an offer by the period's end."""
    kinds = EMPLOYMENT_ORIENTED_KINDS & ({offer_kind} if offer_kind else EMPLOYMENT_ORIENTED_KINDS)
    if not kinds:
        return {}
    rows = db.execute(
        select(
            Forloeb.municipality_id,
            func.count(func.distinct(Forloeb.citizen_id)),
            func.count(func.distinct(case((GuidanceShown.id.is_not(None), Forloeb.citizen_id)))),
        )
        .select_from(Offer)
        .join(Forloeb, Forloeb.id == Offer.forloeb_id)
        .outerjoin(
            GuidanceShown,
            and_(GuidanceShown.offer_id == Offer.id, GuidanceShown.shown_at < end),
        )
        .where(
            Forloeb.municipality_id.in_(ids),
            Offer.kind.in_(sorted(kinds)),
            Offer.start_date <= period.last,
            or_(Offer.end_date.is_(None), Offer.end_date >= period.first),
        )
        .group_by(Forloeb.municipality_id)
    ).all()
    return {place: (had, saw) for place, had, saw in rows}


def _started(
    db: Session, ids: list[int], start: datetime, end: datetime, offer_kind: str | None
) -> dict[int, tuple[int, int]]:
    """Per municipality: concerns started in the period (a deleted draft too: its row stays),
    and how many of them have not been sent."""
    statement = (
        select(
            Concern.municipality_id,
            func.count(),
            func.count().filter(Concern.submitted_at.is_(None)),
        )
        .where(Concern.created_at >= start, Concern.created_at < end)
        .group_by(Concern.municipality_id)
    )
    rows = db.execute(_concern_scope(statement, ids, offer_kind)).all()
    return {place: (started, unsent) for place, started, unsent in rows}


def _events(
    db: Session, ids: list[int], start: datetime, end: datetime, offer_kind: str | None
) -> dict[int, dict[str, int]]:
    """Per municipality: the steps taken in the period, by the timeline's events, and the
    decisions by outcome."""
    columns = [func.count().filter(ConcernEvent.kind == kind).label(kind) for kind in _COUNTED]
    decision = ConcernEvent.data["decision"].as_string()
    columns += [
        func.count()
        .filter(ConcernEvent.kind == "decided", decision == outcome)
        .label(f"outcome_{outcome}")
        for outcome in OUTCOMES
    ]
    statement = (
        select(
            Concern.municipality_id,
            *columns,
            func.count()
            .filter(ConcernEvent.kind == "submitted", ConcernEvent.actor_role == "relative")
            .label("submitted_by_relative"),
        )
        .select_from(ConcernEvent)
        .join(Concern, Concern.id == ConcernEvent.concern_id)
        .where(
            ConcernEvent.kind.in_(_COUNTED),
            ConcernEvent.occurred_at >= start,
            ConcernEvent.occurred_at < end,
        )
        .group_by(Concern.municipality_id)
    )
    rows = db.execute(_concern_scope(statement, ids, offer_kind)).mappings().all()
    return {row["municipality_id"]: dict(row) for row in rows}


def _sent_by_kind(
    db: Session, ids: list[int], start: datetime, end: datetime, offer_kind: str | None
) -> dict[int, dict[str, int]]:
    """Per municipality: the concerns sent in the period, by the kind of their offer."""
    statement = (
        select(Concern.municipality_id, Offer.kind, func.count())
        .join(Offer, Offer.id == Concern.offer_id)
        .where(
            Concern.municipality_id.in_(ids),
            Concern.submitted_at >= start,
            Concern.submitted_at < end,
        )
        .group_by(Concern.municipality_id, Offer.kind)
    )
    if offer_kind is not None:
        statement = statement.where(Offer.kind == offer_kind)
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for place, kind, count in db.execute(statement):
        found[place][str(kind)] = count
    return found


Reached = tuple[date, date, int]  # (sent on, reached on, how many concerns)


def _durations(
    db: Session, ids: list[int], start: datetime, end: datetime, offer_kind: str | None
) -> dict[int, dict[str, list[Reached]]]:
    """Per municipality and step: of the concerns sent in the period that have reached the step
    (its first time), how many were sent on one Danish day and reached it on another. The
    database groups by day, so a year of concerns comes back as a few hundred rows."""
    per_concern = (
        select(
            Concern.municipality_id,
            Concern.submitted_at.label("sent"),
            *(
                func.min(ConcernEvent.occurred_at).filter(ConcernEvent.kind == stage).label(stage)
                for stage in STAGES
            ),
        )
        .join(
            ConcernEvent,
            and_(ConcernEvent.concern_id == Concern.id, ConcernEvent.kind.in_(STAGES)),
        )
        .where(Concern.submitted_at >= start, Concern.submitted_at < end)
        .group_by(Concern.id)
    )
    per_concern = _concern_scope(per_concern, ids, offer_kind).subquery()
    days = [danish_day(per_concern.c[name]).label(name) for name in ("sent", *STAGES)]
    statement = select(per_concern.c.municipality_id, *days, func.count().label("n")).group_by(
        per_concern.c.municipality_id, *days
    )
    found: dict[int, dict[str, list[Reached]]] = defaultdict(
        lambda: {stage: [] for stage in STAGES}
    )
    for row in db.execute(statement).mappings():
        for stage in STAGES:
            if row[stage] is not None:
                found[row["municipality_id"]][stage].append((row["sent"], row[stage], row["n"]))
    return found


# -- for machines ----------------------------------------------------------------------------
def published_counts(kinds: tuple[str, ...]) -> list[str]:
    """The counts a reader sees (page, CSV, API), in the page's order."""
    return [
        "offer_citizens",
        "saw_guidance",
        "started",
        "started_not_sent",
        "sent",
        "sent_by_relative",
        "withdrawn",
        "meeting_held",
        "decided",
        *(f"outcome_{o}" for o in OUTCOMES),
        *(f"kind_{k}" for k in kinds),
    ]


def _cell_record(cell: Cell) -> dict:
    return {"value": cell.published, "shown": str(cell.shown)}


def _area_record(place: MunicipalityFigures) -> dict:
    return {
        "code": place.code,
        "name": place.name,
        "counts": {name: _cell_record(place.cell(name)) for name in published_counts(place.kinds)},
        "working_days": {
            stage: {
                "reached": _cell_record(place.cell(f"time_{stage}_n")),
                "median": place.durations[stage].median,
                "p90": place.durations[stage].p90,
                "goal": place.goals[stage],
                "within_goal": (
                    _cell_record(place.cell(f"time_{stage}_within"))
                    if place.goals[stage] is not None
                    else None
                ),
            }
            for stage in STAGES
        },
    }


def as_record(found: Figures, regions: Figures | None = None) -> dict:
    """The figures as the API answers them (schemas/api.json, ``Figures``); for the national
    client also the regions' totals (``regions``), added up before publishing (issue 26)."""
    record = {
        "period": {"from": found.period.first.isoformat(), "to": found.period.last.isoformat()},
        "offer_kind": found.offer_kind,
        "smallest_shown": SMALLEST_SHOWN,
        "rounded_to": ROUNDING,
        "municipalities": [_area_record(place) for place in found.municipalities],
    }
    if regions is not None:
        record["regions"] = [_area_record(place) for place in regions.municipalities]
    return record


# -- the guidance, shown -------------------------------------------------------------------
def record_guidance(db: Session, principal: Principal, offer: Offer, today: date) -> None:
    """The offer's page was shown: if the right applies to the offer today, the page had the box
    about it, and "saw the guidance" becomes a fact — written the first time only.
    ``offer.forloeb`` is loaded."""
    if not right_for(offer, today):
        return
    if db.scalar(select(GuidanceShown.id).where(GuidanceShown.offer_id == offer.id)) is not None:
        return
    try:
        with saved(db):
            db.add(
                GuidanceShown(
                    offer_id=offer.id,
                    citizen_id=offer.forloeb.citizen_id,
                    municipality_id=offer.forloeb.municipality_id,
                    shown_at=utcnow(),
                    shown_to_role="relative" if principal.is_delegate else "citizen",
                )
            )
    except AlreadyExists:
        pass  # shown in another tab a moment ago: that was the first time


def note_view(db: Session, principal: Principal, what: str) -> None:
    """A manager looked at the figures (or fetched them as CSV): logged for the municipality's
    control, about no citizen."""
    actor = Actor.manager(principal)
    access_log.note(db, actor.role, actor.ref, [None], what, access_log.Purpose.STATISTICS)
