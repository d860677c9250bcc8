"""Turning a verified login into a principal: who is this person to the portal?"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth.principal import Principal
from portal.domain.identity import Identity, hash_cpr
from portal.models import Citizen


def citizen_principal(db: Session, identity: Identity, cpr_hash_key: str) -> Principal:
    """The citizen principal for a MitID login; ``citizen_id`` is None when we have no case data.

    The CPR number is hashed here and goes no further: neither the session nor the log sees it.
    """
    citizen = None
    if identity.cpr is not None:
        citizen = db.execute(
            select(Citizen.id, Citizen.name).where(
                Citizen.cpr_hash == hash_cpr(identity.cpr, cpr_hash_key)
            )
        ).first()
    return Principal(
        audience="citizen",
        subject=identity.subject,
        # MitID's name is the person's own; the case system's is the fallback.
        name=identity.name or (citizen.name if citizen else ""),
        citizen_id=citizen.id if citizen else None,
    )
