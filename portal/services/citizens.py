"""What a citizen sees about themselves: the front page ("Mit forløb")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Date, bindparam, case, exists, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from portal.domain.concerns import ForloebDates, right_applies
from portal.domain.forloeb import Progress, progress
from portal.domain.principal import Principal
from portal.models import (
    OPEN_OFFER_STATUSES,
    Caseworker,
    Citizen,
    Forloeb,
    ForloebStatus,
    Municipality,
    Notice,
    Offer,
)
from portal.services import notices


@dataclass(frozen=True)
class Overview:
    name: str
    municipality: Municipality | None
    forloeb: Forloeb | None
    progress: Progress | None
    next_offer: Offer | None
    # Whether the § 113, stk. 3 right applies to the next offer today (inside the forløb).
    next_offer_right: bool
    # The citizen's news not yet read (``notices.unread``), asked for only when the forløb's
    # own select says there is some.
    news: list[Notice] = field(default_factory=list)


# The front page's statements, built once (with bound parameters) rather than on every drawn
# page: building a select with its loader options cost about 0.1 ms each (docs/architecture.md
# §10).
_TODAY = bindparam("today", type_=Date)
_NEXT = aliased(Offer)
_UPCOMING = _NEXT.start_date > _TODAY
# What comes next in a forløb: the soonest offer not yet started, else the latest one going on
# now (upcoming ones sort first, soonest first; then running ones, latest first).
_NEXT_OFFER_ID = (
    select(_NEXT.id)
    .where(
        _NEXT.forloeb_id == Forloeb.id,
        _NEXT.status.in_(OPEN_OFFER_STATUSES),
        or_(_UPCOMING, _NEXT.end_date.is_(None), _NEXT.end_date >= _TODAY),
    )
    .order_by(
        case((_UPCOMING, 0), else_=1),
        case((_UPCOMING, _NEXT.start_date)),
        _NEXT.start_date.desc(),
    )
    .limit(1)
    .correlate(Forloeb)
    .scalar_subquery()
)
# The latest forløb with its next offer, in one statement: a drawn front page is bounded by its
# round trips (docs/architecture.md §10).
# Whether there is news not yet read comes along: most looks at the front page have none, and
# asking for the list apart was a round trip on every one (issue 27).
_HAS_NEWS = (
    exists()
    .where(Notice.citizen_id == Forloeb.citizen_id, Notice.read_at.is_(None))
    .label("has_news")
)
_LATEST_FORLOEB = (
    select(Forloeb, Offer, _HAS_NEWS)
    .outerjoin(Offer, Offer.id == _NEXT_OFFER_ID)
    .options(
        joinedload(Forloeb.caseworker),
        joinedload(Forloeb.citizen).joinedload(Citizen.municipality),
    )
    .where(Forloeb.citizen_id == bindparam("citizen_id"))
    .order_by(Forloeb.start_date.desc())
    .limit(1)
)


def coordinating_caseworker(db: Session, principal: Principal) -> Caseworker | None:
    """The caseworker of the citizen's latest forløb (one query)."""
    if principal.citizen_id is None:
        return None
    return db.scalar(
        select(Caseworker)
        .join(Forloeb, Forloeb.caseworker_id == Caseworker.id)
        .where(Forloeb.citizen_id == principal.citizen_id)
        .order_by(Forloeb.start_date.desc())
        .limit(1)
    )


def overview(db: Session, principal: Principal, today: date) -> Overview:
    """The citizen's latest forløb, its progress, the next offer and whether there is news: one
    query (two for a person without a forløb, or with news not yet read)."""
    if principal.citizen_id is None:
        return Overview(principal.name, None, None, None, None, False)
    found = db.execute(_LATEST_FORLOEB, {"citizen_id": principal.citizen_id, "today": today})
    forloeb, next_offer, has_news = found.first() or (None, None, False)
    citizen = (
        forloeb.citizen
        if forloeb is not None
        else db.scalar(
            select(Citizen)
            .options(joinedload(Citizen.municipality))
            .where(Citizen.id == principal.citizen_id)
        )
    )
    if citizen is None:
        return Overview(principal.name, None, None, None, None, False)
    if forloeb is None:
        return Overview(
            _shown_name(principal, citizen), citizen.municipality, None, None, None, False
        )
    return Overview(
        name=_shown_name(principal, citizen),
        municipality=citizen.municipality,
        forloeb=forloeb,
        progress=progress(forloeb.start_date, forloeb.planned_end_date, today),
        next_offer=next_offer,
        next_offer_right=bool(
            next_offer
            and right_applies(
                next_offer.kind,
                next_offer.start_date,
                ForloebDates(
                    forloeb.start_date,
                    forloeb.planned_end_date,
                    ended=forloeb.status is ForloebStatus.ENDED,
                ),
                today,
            )
        ),
        news=notices.unread(db, principal.citizen_id) if has_news else [],
    )


def _shown_name(principal: Principal, citizen) -> str:
    """The citizen's name on their pages; a relative acting for them sees the citizen's."""
    if principal.is_delegate:
        return citizen.name
    return principal.name or citizen.name
