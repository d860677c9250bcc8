"""Fuldmagt rules: scopes, Digital Fuldmagt privileges, what a citizen may grant."""

from __future__ import annotations

from datetime import date

from portal.domain.delegations import (
    FULDMAGT_PRIVILEGES,
    GrantProblem,
    Scope,
    allows,
    fuldmagt_grants,
    grant_problem,
)
from portal.domain.privileges import CPR_SCOPE, parse_privileges, privilege_list_xml

SEE, ACT = (next(p for p, s in FULDMAGT_PRIVILEGES.items() if s is scope) for scope in Scope)


def test_se_og_handle_includes_se_and_se_allows_reading_only():
    assert allows(Scope.ACT, Scope.ACT) and allows(Scope.ACT, Scope.SEE)
    assert allows("see", Scope.SEE) and not allows("see", Scope.ACT)


def test_fuldmagt_grants_take_the_widest_scope_and_ignore_what_is_not_ours():
    claim = privilege_list_xml(
        {
            CPR_SCOPE + "0404904444": [SEE, ACT],
            CPR_SCOPE + "0303903333": [SEE],
            CPR_SCOPE + "not-a-cpr": [ACT],
            "urn:dk:gov:saml:cvrNumberIdentifier:11111111": [ACT],
            CPR_SCOPE + "0606906666": ["urn:dk:skat:fuldmagt"],
        }
    )
    grants, ignored = fuldmagt_grants(parse_privileges(claim))
    assert grants == {"0404904444": Scope.ACT, "0303903333": Scope.SEE}
    assert ignored == 3


def test_what_a_citizen_cannot_grant():
    today = date(2026, 11, 23)
    assert grant_problem("h", "h", date(2027, 1, 1), today, 365) is GrantProblem.SELF
    assert grant_problem("h", "o", today, today, 365) is GrantProblem.END_IN_PAST
    assert grant_problem("h", "o", date(2027, 11, 24), today, 365) is GrantProblem.END_TOO_LATE
    assert grant_problem("h", "o", date(2027, 11, 23), today, 365) is None
