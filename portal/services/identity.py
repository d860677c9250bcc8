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
    citizen_id = None
    if identity.cpr is not None:
        citizen_id = db.scalar(
            select(Citizen.id).where(Citizen.cpr_hash == hash_cpr(identity.cpr, cpr_hash_key))
        )
    return Principal(
        audience="citizen", subject=identity.subject, name=identity.name, citizen_id=citizen_id
    )
