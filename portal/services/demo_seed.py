"""Fill an empty database with the demo personas (domain.md §10), for ``make run`` and tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain.identity import hash_cpr
from portal.models import (
    Caseworker,
    Citizen,
    Forloeb,
    ForloebStatus,
    Municipality,
    Offer,
    OfferKind,
    OfferStatus,
)
from portal.services.demo_data import CASEWORKERS, MUNICIPALITIES, personas


def database_is_empty(db: Session) -> bool:
    return not db.scalar(select(func.count()).select_from(Municipality))


def seed_demo(db: Session, cpr_hash_key: str, today: date) -> int:
    """Insert the demo data in one transaction; returns the number of citizens added."""
    municipalities = {m["code"]: Municipality(**m) for m in MUNICIPALITIES}
    db.add_all(municipalities.values())
    caseworkers = {}
    for data in CASEWORKERS:
        fields = {k: v for k, v in data.items() if k != "municipality"}
        caseworkers[data["professional_id"]] = Caseworker(
            **fields, municipality=municipalities[data["municipality"]], is_fictitious=True
        )
    db.add_all(caseworkers.values())
    added = 0
    for persona in personas(today):
        if persona.forloeb is None or persona.municipality is None:
            continue
        citizen = Citizen(
            cpr_hash=hash_cpr(persona.cpr, cpr_hash_key),
            name=persona.name,
            municipality=municipalities[persona.municipality],
            is_fictitious=True,
        )
        demo = persona.forloeb
        forloeb = Forloeb(
            external_id=demo.external_id,
            citizen=citizen,
            caseworker=caseworkers[demo.caseworker],
            start_date=demo.start,
            planned_end_date=demo.planned_end,
            legal_basis=demo.legal_basis,
            goals=demo.goals,
            status=ForloebStatus(demo.status),
        )
        db.add_all([citizen, forloeb])
        for offer in demo.offers:
            db.add(
                Offer(
                    external_id=offer.external_id,
                    forloeb=forloeb,
                    kind=OfferKind(offer.kind),
                    title=offer.title,
                    place=offer.place,
                    start_date=offer.start,
                    end_date=offer.end,
                    status=OfferStatus(offer.status),
                )
            )
        added += 1
    db.commit()
    return added
