"""A citizen's offers: the lists and one offer, seen only by the citizen whose offers they are.

Everything a citizen may see is looked up through their own citizen id, so another citizen's
offer id simply finds nothing (and the view answers 404). Each function costs a fixed number of
queries, however many offers there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from portal.domain.concerns import ConcernRefusal, ForloebDates, concern_refusal, right_applies
from portal.domain.offers import phase
from portal.domain.principal import Principal
from portal.models import Citizen, Forloeb, ForloebStatus, Municipality, Offer


@dataclass
class OfferLists:
    upcoming: list[Offer] = field(default_factory=list)
    current: list[Offer] = field(default_factory=list)
    past: list[Offer] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.upcoming or self.current or self.past)


# Built once, with bound parameters: drawn on every look at "Dine tilbud" and an offer
# (docs/architecture.md §10 — building a select with its loader options cost about 0.1 ms).
_CITIZEN = bindparam("citizen_id")
# The citizen and their municipality come along: the page's header names the municipality
# (``citizen_municipality``), and a drawn page is bounded by its round trips.
_OFFER_LISTS = (
    select(Offer)
    .join(Forloeb, Offer.forloeb_id == Forloeb.id)
    .where(Forloeb.citizen_id == _CITIZEN)
    .options(
        contains_eager(Offer.forloeb).joinedload(Forloeb.citizen).joinedload(Citizen.municipality)
    )
    .order_by(Offer.start_date, Offer.id)
)
_OWN_OFFER = (
    select(Offer)
    .join(Forloeb, Offer.forloeb_id == Forloeb.id)
    .where(Forloeb.citizen_id == _CITIZEN, Offer.id == bindparam("offer_id"))
    .options(
        joinedload(Offer.forloeb).joinedload(Forloeb.caseworker),
        joinedload(Offer.forloeb).joinedload(Forloeb.citizen).joinedload(Citizen.municipality),
    )
)


def offer_lists(db: Session, principal: Principal, today: date) -> OfferLists:
    """Upcoming (soonest first), current, and past (latest first) — one query."""
    lists = OfferLists()
    if principal.citizen_id is None:
        return lists
    offers = db.scalars(_OFFER_LISTS, {"citizen_id": principal.citizen_id})
    for offer in offers:
        getattr(lists, phase(offer.start_date, offer.end_date, offer.status, today)).append(offer)
    lists.past.reverse()
    return lists


def citizen_municipality(offers: list[Offer]) -> Municipality | None:
    """The citizen's municipality, loaded with their offers (all are the same citizen's)."""
    return offers[0].forloeb.citizen.municipality if offers else None


def own_offer(db: Session, principal: Principal, offer_id: int) -> Offer | None:
    """The offer with its forløb and caseworker, or None if it is not this citizen's."""
    if principal.citizen_id is None:
        return None
    return db.scalar(_OWN_OFFER, {"citizen_id": principal.citizen_id, "offer_id": offer_id})


def forloeb_dates(forloeb: Forloeb) -> ForloebDates:
    return ForloebDates(
        start=forloeb.start_date,
        planned_end=forloeb.planned_end_date,
        ended=forloeb.status is ForloebStatus.ENDED,
    )


def right_for(offer: Offer, today: date) -> bool:
    """Whether LAB § 113, stk. 3 gives the right for this offer today (its forløb loaded)."""
    return right_applies(offer.kind, offer.start_date, forloeb_dates(offer.forloeb), today)


def refusal_for(offer: Offer, today: date) -> ConcernRefusal | None:
    """Why no concern can be started about this offer today, or None (its forløb loaded)."""
    return concern_refusal(
        offer.status, offer.start_date, offer.end_date, forloeb_dates(offer.forloeb), today
    )
