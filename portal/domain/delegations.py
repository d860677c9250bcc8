"""Rules of a power of attorney (fuldmagt): what each scope allows, when it is valid, which
Digital Fuldmagt privileges count, and what a citizen may grant in the portal.

A relative acts in the case only with a fuldmagt (domain.md glossary); a bisidder only joins
meetings (forvaltningsloven § 8) and needs nothing here.
"""

from __future__ import annotations

import enum
from datetime import date, timedelta

from portal.domain.identity import normalise_cpr
from portal.domain.privileges import CPR_SCOPE, PrivilegeGroup


class Scope(enum.StrEnum):
    SEE = "see"  # "se": the forløb, the offers and the concerns
    ACT = "act"  # "se og handle": also start, send, add to and withdraw concerns


class Source(enum.StrEnum):
    PORTAL = "portal"
    DIGITAL_FULDMAGT = "digital_fuldmagt"


# The privileges this portal registers in Digital Fuldmagt; any other service's privilege in
# the same token gives nothing here.
FULDMAGT_SEE = "urn:dk:kommune:ressourceforloeb-portal:fuldmagt:se"
FULDMAGT_ACT = "urn:dk:kommune:ressourceforloeb-portal:fuldmagt:handle"
FULDMAGT_PRIVILEGES: dict[str, Scope] = {FULDMAGT_SEE: Scope.SEE, FULDMAGT_ACT: Scope.ACT}


def allows(scope: Scope | str, needed: Scope) -> bool:
    """'act' includes 'see'."""
    return Scope(scope) is Scope.ACT or needed is Scope.SEE


def fuldmagt_grants(groups: list[PrivilegeGroup]) -> tuple[dict[str, Scope], int]:
    """The grantors' CPR numbers and the widest scope each gives, from a privilege list; and
    how many groups were ignored (another scope type, another service, not a CPR number)."""
    grants: dict[str, Scope] = {}
    ignored = 0
    for group in groups:
        cpr = (
            normalise_cpr(group.scope.removeprefix(CPR_SCOPE))
            if group.scope.startswith(CPR_SCOPE)
            else None
        )
        scopes = [FULDMAGT_PRIVILEGES[p] for p in group.privileges if p in FULDMAGT_PRIVILEGES]
        if cpr is None or not scopes:
            ignored += 1
            continue
        widest = Scope.ACT if Scope.ACT in scopes or grants.get(cpr) is Scope.ACT else Scope.SEE
        grants[cpr] = widest
    return grants, ignored


class GrantProblem(enum.StrEnum):
    SELF = "self"
    END_IN_PAST = "end_in_past"
    END_TOO_LATE = "end_too_late"


def grant_problem(
    holder_cpr_hash: str, own_cpr_hash: str, ends_on: date, today: date, max_days: int
) -> GrantProblem | None:
    """Why the citizen cannot give this fuldmagt in the portal, or None."""
    if holder_cpr_hash == own_cpr_hash:
        return GrantProblem.SELF
    if ends_on <= today:
        return GrantProblem.END_IN_PAST
    if ends_on > today + timedelta(days=max_days):
        return GrantProblem.END_TOO_LATE
    return None
