"""Use cases of a fuldmagt: taking in Digital Fuldmagt at login, granting and revoking in the
portal, choosing whom to act for, and checking the delegation again on every request.

Access: a relative reaches a citizen's data only through a delegation that is valid now and
held by them (matched by the keyed hash of their CPR number). Anything else is None.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from portal.domain.delegations import (
    GrantProblem,
    Scope,
    Source,
    fuldmagt_grants,
    grant_problem,
)
from portal.domain.identity import hash_cpr, normalise_cpr
from portal.domain.principal import Principal
from portal.domain.privileges import PrivilegesUnreadable, parse_privileges
from portal.models import Citizen, Delegation
from portal.services import access_log
from portal.services.transaction import saved

log = logging.getLogger(__name__)


class GrantRefused(Exception):
    def __init__(self, problem: GrantProblem):
        super().__init__(problem)
        self.problem = problem


def _valid_now(now: datetime):
    return (
        Delegation.revoked_at.is_(None),
        Delegation.valid_from <= now,
        Delegation.valid_until > now,
    )


def take_in_digital_fuldmagt(
    db: Session,
    principal: Principal,
    claim: str | None,
    cpr_hash_key: str,
    now: datetime,
    valid_until: datetime,
) -> None:
    """Make the login token's Digital Fuldmagt the holder's current delegations of that source.

    A fuldmagt no longer in the token was revoked or has expired in Digital Fuldmagt: it ends
    now. Privileges that cannot be read, for another service or for a CPR number the portal does
    not know are ignored and logged without any personal data.
    """
    person_hash = principal.person_hash
    grants: dict[str, Scope] = {}
    if claim:
        try:
            grants, ignored = fuldmagt_grants(parse_privileges(claim))
        except PrivilegesUnreadable as unreadable:
            log.warning("digital fuldmagt ignored: %s", unreadable.reason)
            ignored = 0
        if ignored:
            log.info("digital fuldmagt: %d privilege group(s) not for this portal", ignored)
    grantors = {}
    if grants:
        hashes = {hash_cpr(cpr, cpr_hash_key): scope for cpr, scope in grants.items()}
        found = db.execute(
            select(Citizen.id, Citizen.cpr_hash).where(Citizen.cpr_hash.in_(hashes))
        ).all()
        grantors = {row.id: hashes[row.cpr_hash] for row in found}
        if len(found) < len(hashes):
            log.info("digital fuldmagt: %d grantor(s) unknown here", len(hashes) - len(found))
        grantors.pop(principal.own_citizen_id, None)  # a fuldmagt to oneself means nothing
    existing = {
        d.grantor_citizen_id: d
        for d in db.scalars(
            select(Delegation).where(
                Delegation.holder_cpr_hash == person_hash,
                Delegation.source == Source.DIGITAL_FULDMAGT,
                Delegation.revoked_at.is_(None),
            )
        )
    }
    with saved(db):
        for grantor_id, delegation in existing.items():
            if grantor_id not in grantors:
                delegation.revoked_at = now
        for grantor_id, scope in grantors.items():
            delegation = existing.get(grantor_id)
            if delegation is None:
                delegation = Delegation(
                    grantor_citizen_id=grantor_id,
                    holder_cpr_hash=person_hash,
                    source=Source.DIGITAL_FULDMAGT,
                    valid_from=now,
                    created_at=now,
                )
                db.add(delegation)
            delegation.holder_name = principal.name[:200]
            delegation.scope = str(scope)
            delegation.valid_until = valid_until


def held_by(db: Session, person_hash: str | None, now: datetime) -> list[Delegation]:
    """The delegations this person can use now, with the grantors' names (one query)."""
    if person_hash is None:
        return []
    return list(
        db.scalars(
            select(Delegation)
            .options(joinedload(Delegation.grantor))
            .where(Delegation.holder_cpr_hash == person_hash, *_valid_now(now))
            .order_by(Delegation.id)
        )
    )


def still_valid(db: Session, principal: Principal, now: datetime) -> Delegation | None:
    """The delegation the principal acts under, if it still holds (checked on every request)."""
    if principal.delegation_id is None:
        return None
    return db.scalar(
        select(Delegation).where(
            Delegation.id == principal.delegation_id,
            Delegation.holder_cpr_hash == principal.person_hash,
            *_valid_now(now),
        )
    )


def act_for(db: Session, principal: Principal, delegation_id: int, now: datetime):
    """The principal acting for the grantor of this delegation, or None if it is not theirs."""
    delegation = db.scalar(
        select(Delegation)
        .options(joinedload(Delegation.grantor))
        .where(
            Delegation.id == delegation_id,
            Delegation.holder_cpr_hash == principal.person_hash,
            *_valid_now(now),
        )
    )
    if delegation is None:
        return None
    return replace(
        principal,
        citizen_id=delegation.grantor_citizen_id,
        delegation_id=delegation.id,
        acting_scope=delegation.scope,
        acting_for_name=delegation.grantor.name,
    )


def as_self(principal: Principal) -> Principal:
    return replace(
        principal,
        citizen_id=principal.own_citizen_id,
        delegation_id=None,
        acting_scope=None,
        acting_for_name=None,
    )


def note_look(db: Session, delegation: Delegation, page: str, refused: bool = False) -> None:
    """A relative opened a page of the grantor's case: it goes in the access log. ``refused``:
    they tried to act with "se" only; kept for the municipality's control, as refused."""
    access_log.note(
        db,
        "relative",
        f"relative:{delegation.id}",
        [delegation.grantor_citizen_id],
        f"relative.{page}",
        access_log.Purpose.REFUSED if refused else access_log.Purpose.RELATIVE_HELP,
    )


def granted_by(db: Session, citizen_id: int, now: datetime) -> list[Delegation]:
    """Who can act for this citizen now, from either source."""
    return list(
        db.scalars(
            select(Delegation)
            .where(Delegation.grantor_citizen_id == citizen_id, *_valid_now(now))
            .order_by(Delegation.valid_until)
        )
    )


def grant(
    db: Session,
    principal: Principal,
    holder_cpr: str,
    holder_name: str,
    scope: Scope,
    ends_on: date,
    today: date,
    max_days: int,
    cpr_hash_key: str,
) -> Delegation:
    """The citizen gives a relative a fuldmagt in the portal, until the end of ``ends_on``."""
    cpr = normalise_cpr(holder_cpr)
    if cpr is None or principal.citizen_id is None or principal.is_delegate:
        raise ValueError("not a CPR number, or not the citizen themselves")
    holder_hash = hash_cpr(cpr, cpr_hash_key)
    problem = grant_problem(holder_hash, principal.person_hash or "", ends_on, today, max_days)
    if problem is not None:
        raise GrantRefused(problem)
    now = datetime.now(UTC)
    delegation = Delegation(
        grantor_citizen_id=principal.citizen_id,
        holder_cpr_hash=holder_hash,
        holder_name=holder_name.strip()[:200],
        scope=str(scope),
        source=Source.PORTAL,
        valid_from=now,
        valid_until=datetime.combine(ends_on + timedelta(days=1), time(), UTC),
        created_at=now,
    )
    with saved(db):
        db.add(delegation)
    return delegation


def revoke(db: Session, citizen_id: int, delegation_id: int, now: datetime) -> bool:
    """The citizen withdraws a fuldmagt given in the portal; it ends on the holder's next click.

    A Digital Fuldmagt is withdrawn where it was given (the page says so); False here.
    """
    with saved(db):
        result = db.execute(
            update(Delegation)
            .where(
                Delegation.id == delegation_id,
                Delegation.grantor_citizen_id == citizen_id,
                Delegation.source == Source.PORTAL,
                Delegation.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
    return bool(result.rowcount)
