"""Turning a verified login into a principal: who is this person to the portal?"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.domain.identity import Identity, WorkIdentity, hash_cpr
from portal.domain.principal import Principal
from portal.domain.privileges import (
    PrivilegeGroup,
    PrivilegesUnreadable,
    caseworker_roles,
    is_coordinator,
    parse_privileges,
)
from portal.models import Caseworker, Citizen, Municipality

log = logging.getLogger(__name__)


def citizen_principal(db: Session, identity: Identity, cpr_hash_key: str) -> Principal:
    """The citizen principal for a MitID login; ``citizen_id`` is None when we have no case data.

    The CPR number is hashed here and goes no further: neither the session nor the log sees it.
    """
    citizen = None
    person_hash = hash_cpr(identity.cpr, cpr_hash_key) if identity.cpr is not None else None
    if person_hash is not None:
        citizen = db.execute(
            select(Citizen.id, Citizen.name).where(Citizen.cpr_hash == person_hash)
        ).first()
    return Principal(
        audience="citizen",
        subject=identity.subject,
        # MitID's name is the person's own; the case system's is the fallback.
        name=identity.name or (citizen.name if citizen else ""),
        citizen_id=citizen.id if citizen else None,
        person_hash=person_hash,
        own_citizen_id=citizen.id if citizen else None,
    )


def _groups(identity: WorkIdentity) -> list[PrivilegeGroup]:
    try:
        return parse_privileges(identity.privileges) if identity.privileges else []
    except PrivilegesUnreadable as unreadable:
        log.warning("caseworker login: privileges ignored (%s)", unreadable.reason)
        return []


def caseworker_principal(
    db: Session, identity: WorkIdentity, region_cvrs: dict[str, str] | None = None
) -> Principal | None:
    """The employee principal for a MitID Erhverv login, or None: no access.

    Access needs the caseworker or the manager privilege in a group scoped to the CVR number the
    person logged in for, and that CVR must be a municipality the portal serves — or the
    sundhedskoordinator privilege scoped to the CVR of a region whose coordinators use the
    portal (``region_cvrs``: CVR → region code, from PORTAL_REGION_CVRS). A privilege scoped to
    another CVR gives nothing (docs/architecture.md §3).
    """
    groups = _groups(identity)
    region = (region_cvrs or {}).get(identity.cvr or "")
    if region is not None:
        # The region's coordinator, and/or the manager who sees the region's figures.
        roles = {"coordinator"} if is_coordinator(groups, identity.cvr) else set()
        if "manager" in caseworker_roles(groups, identity.cvr):
            roles.add("manager")
        if not roles:
            log.info("region login without access: no portal role for this region")
            return None
        return Principal(
            audience="caseworker",
            subject=identity.professional_id or identity.subject,
            name=identity.name or "",
            work_roles=tuple(sorted(roles)),
            region=region,
        )
    municipality = db.scalar(select(Municipality).where(Municipality.cvr == identity.cvr))
    if municipality is None:
        log.info("caseworker login without access: organisation is not a known municipality")
        return None
    roles = caseworker_roles(groups, municipality.cvr)
    if not roles:
        log.info("caseworker login without access: no portal role for this municipality")
        return None
    caseworker = db.execute(
        select(Caseworker.id, Caseworker.name).where(
            Caseworker.professional_id == identity.professional_id,
            Caseworker.municipality_id == municipality.id,
        )
    ).first()
    return Principal(
        audience="caseworker",
        subject=identity.professional_id or identity.subject,
        name=identity.name or (caseworker.name if caseworker else ""),
        municipality_id=municipality.id,
        caseworker_id=caseworker.id if caseworker else None,
        work_roles=tuple(sorted(roles)),
    )
