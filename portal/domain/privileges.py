"""Privileges in a login token: NemLog-in's OIO Basic Privilege Profile (OIO-BPP), and what they
give in the portal.

Both caseworkers (MitID Erhverv roles, scoped by the municipality's CVR number) and relatives
(Digital Fuldmagt, scoped by the grantor's CPR number) arrive with the same claim: base64 of an
XML ``PrivilegeList`` with one ``PrivilegeGroup`` per scope. The XML comes from outside, so it is
parsed with defusedxml (no entities, no external references) and anything malformed is simply
no privileges — never a crash, and never logged with its content.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError
from xml.sax.saxutils import escape, quoteattr

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

CVR_SCOPE = "urn:dk:gov:saml:cvrNumberIdentifier:"
CPR_SCOPE = "urn:dk:gov:saml:cprNumberIdentifier:"

# A claim larger than this is not a privilege list anyone meant to send us.
MAX_CLAIM_LENGTH = 64 * 1024

# The municipality grants these in MitID Erhverv; each gives one internal role
# (docs/architecture.md §3). Privileges for other systems give nothing here.
CASEWORKER_PRIVILEGE = "urn:dk:kommune:ressourceforloeb-portal:privilege:sagsbehandler"
# The manager of the municipality's employment services: "Tal om retten" (issue 17), the figures
# on how the right is used; no citizen's data.
MANAGER_PRIVILEGE = "urn:dk:kommune:ressourceforloeb-portal:privilege:leder"
# The region grants this to its sundhedskoordinatorer, scoped to the region's CVR number (issue
# 26): the concerns with a meeting in the region's municipalities, and the advice.
COORDINATOR_PRIVILEGE = "urn:dk:kommune:ressourceforloeb-portal:privilege:sundhedskoordinator"
CASEWORKER_ROLE_PRIVILEGES: dict[str, str] = {
    CASEWORKER_PRIVILEGE: "caseworker",
    MANAGER_PRIVILEGE: "manager",
}


class PrivilegesUnreadable(ValueError):
    """The claim is not base64 of a well-formed, harmless OIO-BPP document. ``reason`` is safe
    to log (it never contains any of the claim)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class PrivilegeGroup:
    scope: str
    privileges: frozenset[str]


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_privileges(claim: object) -> list[PrivilegeGroup]:
    """The privilege groups of a ``privileges_intermediate`` claim; raises PrivilegesUnreadable."""
    if not isinstance(claim, str) or not claim.strip():
        raise PrivilegesUnreadable("not_a_string")
    if len(claim) > MAX_CLAIM_LENGTH:
        raise PrivilegesUnreadable("too_long")
    try:
        document = base64.b64decode(claim.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise PrivilegesUnreadable("not_base64") from None
    try:
        root = fromstring(document, forbid_dtd=True)
    except DefusedXmlException:
        raise PrivilegesUnreadable("xml_forbidden_construct") from None
    except (ParseError, ValueError):
        raise PrivilegesUnreadable("not_xml") from None
    if _local(root.tag) != "PrivilegeList":
        raise PrivilegesUnreadable("not_a_privilege_list")
    groups = []
    for element in root:
        if _local(element.tag) != "PrivilegeGroup":
            continue
        scope = (element.get("Scope") or "").strip()
        privileges = frozenset(
            (child.text or "").strip()
            for child in element
            if _local(child.tag) == "Privilege" and (child.text or "").strip()
        )
        if scope and privileges:
            groups.append(PrivilegeGroup(scope=scope, privileges=privileges))
    return groups


def caseworker_roles(groups: list[PrivilegeGroup], cvr: str) -> frozenset[str]:
    """The roles these privileges give an employee of the organisation with this CVR number.

    Only groups scoped to that CVR count: a privilege for another municipality gives nothing.
    """
    roles = set()
    for group in groups:
        if group.scope != CVR_SCOPE + cvr:
            continue
        roles.update(
            CASEWORKER_ROLE_PRIVILEGES[p]
            for p in group.privileges
            if p in CASEWORKER_ROLE_PRIVILEGES
        )
    return frozenset(roles)


def is_coordinator(groups: list[PrivilegeGroup], cvr: str) -> bool:
    """Whether these privileges make an employee of the region with this CVR number its
    sundhedskoordinator. Only a group scoped to that CVR counts."""
    return any(
        group.scope == CVR_SCOPE + cvr and COORDINATOR_PRIVILEGE in group.privileges
        for group in groups
    )


def privilege_list_xml(groups: dict[str, list[str]]) -> str:
    """An OIO-BPP document (base64) with one group per scope: what the test IdP sends."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<bpp:PrivilegeList xmlns:bpp="http://itst.dk/oiosaml/basic_privilege_profile">',
    ]
    for scope, privileges in groups.items():
        parts.append(f"<PrivilegeGroup Scope={quoteattr(scope)}>")
        parts.extend(f"<Privilege>{escape(p)}</Privilege>" for p in privileges)
        parts.append("</PrivilegeGroup>")
    parts.append("</bpp:PrivilegeList>")
    return base64.b64encode("".join(parts).encode()).decode()
