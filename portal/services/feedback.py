"""'Var det let at bruge?': one yes or no per page and login, kept without the person (the
municipality, the day, the page, the answer), and counted per municipality for "Tal om retten".
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.domain.principal import Principal
from portal.models import Citizen, UsabilityAnswer
from portal.services.transaction import saved

# The pages that ask, and what each is called where the answers are counted.
PAGES = ("receipt", "decision")


def record(db: Session, principal: Principal, page: str, easy: bool, today: date) -> None:
    """Keep one answer; the municipality is the citizen's (none for a person without a case)."""
    if page not in PAGES:
        raise ValueError(page)
    municipality_id = (
        db.scalar(select(Citizen.municipality_id).where(Citizen.id == principal.citizen_id))
        if principal.citizen_id is not None
        else None
    )
    with saved(db):
        db.add(
            UsabilityAnswer(
                municipality_id=municipality_id, answered_on=today, page=page, easy=easy
            )
        )


def counts(db: Session, ids: list[int], first: date, last: date) -> dict[int, tuple[int, int]]:
    """Per municipality: (yes, no) answered from ``first`` to ``last``, both included."""
    rows = db.execute(
        select(
            UsabilityAnswer.municipality_id,
            func.count().filter(UsabilityAnswer.easy.is_(True)),
            func.count().filter(UsabilityAnswer.easy.is_(False)),
        )
        .where(
            UsabilityAnswer.municipality_id.in_(ids),
            UsabilityAnswer.answered_on >= first,
            UsabilityAnswer.answered_on <= last,
        )
        .group_by(UsabilityAnswer.municipality_id)
    ).all()
    return {place: (yes, no) for place, yes, no in rows}
