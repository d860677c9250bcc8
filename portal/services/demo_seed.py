"""Fill an empty database with the demo personas (docs/domain.md §10), through the case-system
import.

The demo data is a batch in the case system's own format, so ``make run`` exercises the same
import a municipality uses, and the example in ``schemas/`` can be regenerated from it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import Municipality
from portal.services.case_import import ImportSummary, import_batch
from portal.services.demo_data import CASEWORKERS, MUNICIPALITIES, personas


def database_is_empty(db: Session) -> bool:
    return not db.scalar(select(func.count()).select_from(Municipality))


def demo_batch(today: date) -> dict:
    """The demo personas as one import batch (offer dates relative to ``today``)."""
    citizens = []
    for persona in personas(today):
        if persona.forloeb is None or persona.municipality is None:
            continue
        demo = persona.forloeb
        citizens.append(
            {
                "cpr": persona.cpr,
                "name": persona.name,
                "municipality": persona.municipality,
                "fictitious": True,
                "forloeb": [
                    {
                        "id": demo.external_id,
                        "start": demo.start.isoformat(),
                        "planned_end": demo.planned_end.isoformat(),
                        "legal_basis": demo.legal_basis,
                        "goals": demo.goals,
                        "caseworker": demo.caseworker,
                        "status": demo.status,
                        "offers": [offer.as_import() for offer in demo.offers],
                    }
                ],
            }
        )
    return {
        "municipalities": [dict(m) for m in MUNICIPALITIES],
        "caseworkers": [
            {
                "id": c["professional_id"],
                "name": c["name"],
                "phone": c["phone"],
                "email": c["email"],
                "municipality": c["municipality"],
            }
            for c in CASEWORKERS
        ],
        "citizens": citizens,
    }


def seed_demo(db: Session, cpr_hash_key: str, today: date) -> ImportSummary:
    return import_batch(db, demo_batch(today), cpr_hash_key)
