"""OIO-BPP privilege lists: read safely, and only the right scope gives a role
(docs/architecture.md §3)."""

from __future__ import annotations

import base64

import pytest

from portal.domain.identity import extract_work_identity
from portal.domain.privileges import (
    CASEWORKER_ROLE_PRIVILEGES,
    CVR_SCOPE,
    PrivilegesUnreadable,
    caseworker_roles,
    parse_privileges,
    privilege_list_xml,
)

ROLE = next(iter(CASEWORKER_ROLE_PRIVILEGES))
NORDBY, SYDHAVN = "11111111", "22222222"


def b64(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()


def test_a_privilege_list_is_read_group_by_group():
    claim = privilege_list_xml({CVR_SCOPE + NORDBY: [ROLE, "urn:other"], CVR_SCOPE + SYDHAVN: []})
    groups = parse_privileges(claim)
    assert [(g.scope, g.privileges) for g in groups] == [
        (CVR_SCOPE + NORDBY, frozenset({ROLE, "urn:other"}))
    ], "an empty group gives nothing"


def test_the_role_needs_a_group_scoped_to_the_municipality_logged_in_for():
    groups = parse_privileges(privilege_list_xml({CVR_SCOPE + SYDHAVN: [ROLE]}))
    assert caseworker_roles(groups, NORDBY) == frozenset()
    assert caseworker_roles(groups, SYDHAVN) == frozenset({"caseworker"})


def test_another_systems_privilege_gives_no_role():
    groups = parse_privileges(privilege_list_xml({CVR_SCOPE + NORDBY: ["urn:dk:other:read"]}))
    assert caseworker_roles(groups, NORDBY) == frozenset()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<PrivilegeList><PrivilegeGroup Scope="x"><Privilege>&lol2;</Privilege>
</PrivilegeGroup></PrivilegeList>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<PrivilegeList><PrivilegeGroup Scope="x"><Privilege>&xxe;</Privilege>
</PrivilegeGroup></PrivilegeList>"""


@pytest.mark.parametrize(
    ("claim", "reason"),
    [
        (None, "not_a_string"),
        ("", "not_a_string"),
        ("this is not base64!", "not_base64"),
        (b64("<PrivilegeList><unclosed></PrivilegeList>"), "not_xml"),
        (b64("<html><body>hi</body></html>"), "not_a_privilege_list"),
        (b64(BILLION_LAUGHS), "xml_forbidden_construct"),
        (b64(EXTERNAL_ENTITY), "xml_forbidden_construct"),
        ("A" * 70_000, "too_long"),
    ],
)
def test_malformed_or_hostile_claims_are_refused_with_a_reason_safe_to_log(claim, reason):
    with pytest.raises(PrivilegesUnreadable) as refused:
        parse_privileges(claim)
    assert refused.value.reason == reason
    assert "passwd" not in str(refused.value) and "lol" not in str(refused.value)


def test_work_identity_is_read_from_the_token_and_userinfo_in_either_brokers_names():
    identity = extract_work_identity(
        {"sub": "s", "loa": "https://data.gov.dk/concept/core/nsis/loa/Substantial"},
        {
            "https://data.gov.dk/model/core/eid/professional/uuid/persistent": "urn:uuid:1",
            "nemlogin.cvr": "11111111",
            "nemlogin.name": "Lone Madsen",
            "privileges_intermediate": "x",
        },
    )
    assert (identity.professional_id, identity.cvr, identity.name) == (
        "urn:uuid:1",
        "11111111",
        "Lone Madsen",
    )
    assert identity.level is not None and identity.privileges == "x"
    assert extract_work_identity({"sub": "s", "nemlogin.cvr": "1234"}, {}).cvr is None


DTD_ONLY = """<?xml version="1.0"?>
<!DOCTYPE PrivilegeList [<!ELEMENT PrivilegeList ANY>]>
<PrivilegeList><PrivilegeGroup Scope="x"><Privilege>p</Privilege></PrivilegeGroup>
</PrivilegeList>"""


def test_any_document_type_declaration_is_refused_even_a_harmless_one():
    with pytest.raises(PrivilegesUnreadable) as refused:
        parse_privileges(b64(DTD_ONLY))
    assert refused.value.reason == "xml_forbidden_construct" == str(refused.value)


def test_the_longest_claim_allowed_is_read_and_one_character_more_is_not():
    from portal.domain.privileges import MAX_CLAIM_LENGTH

    claim = privilege_list_xml({CVR_SCOPE + NORDBY: [ROLE]})
    padded = claim + " " * (MAX_CLAIM_LENGTH - len(claim))
    assert len(parse_privileges(padded)) == 1
    with pytest.raises(PrivilegesUnreadable, match="too_long"):
        parse_privileges(padded + " ")


def test_base64_with_characters_outside_its_alphabet_is_refused_not_skipped():
    claim = privilege_list_xml({CVR_SCOPE + NORDBY: [ROLE]})
    with pytest.raises(PrivilegesUnreadable, match="not_base64"):
        parse_privileges(claim[:8] + "!" + claim[8:])


def test_groups_without_a_scope_or_privileges_and_other_elements_are_passed_over():
    xml = (
        '<bpp:PrivilegeList xmlns:bpp="http://itst.dk/oiosaml/basic_privilege_profile">'
        "<Note>ignored</Note>"
        '<PrivilegeGroup Scope="  "><Privilege>urn:a</Privilege></PrivilegeGroup>'
        "<PrivilegeGroup><Privilege>urn:b</Privilege></PrivilegeGroup>"
        '<PrivilegeGroup Scope="s"><Privilege>  </Privilege><Privilege/><Other>urn:c</Other>'
        "</PrivilegeGroup>"
        f'<PrivilegeGroup Scope=" {CVR_SCOPE}{NORDBY} "><bpp:Privilege> {ROLE} </bpp:Privilege>'
        "</PrivilegeGroup></bpp:PrivilegeList>"
    )
    groups = parse_privileges(b64(xml))
    assert [(g.scope, g.privileges) for g in groups] == [(CVR_SCOPE + NORDBY, frozenset({ROLE}))], (
        "the last group is read after all the ones passed over"
    )


def test_a_tag_in_a_namespace_is_known_by_its_local_name_alone():
    from portal.domain.privileges import _local

    assert _local("{http://itst.dk/oiosaml/basic_privilege_profile}PrivilegeGroup") == (
        "PrivilegeGroup"
    )
    assert _local("{urn:a}{b}Privilege") == "Privilege"
    assert _local("Privilege") == "Privilege"


def test_a_role_is_found_after_groups_for_other_municipalities():
    groups = parse_privileges(
        privilege_list_xml({CVR_SCOPE + SYDHAVN: [ROLE], CVR_SCOPE + NORDBY: [ROLE]})
    )
    assert caseworker_roles(groups, NORDBY) == frozenset({"caseworker"})


def test_the_test_idps_privilege_list_is_well_formed_xml_that_declares_utf8():
    xml = base64.b64decode(privilege_list_xml({"s": ["p"]})).decode()
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert xml.endswith("<PrivilegeGroup Scope=\"s\"><Privilege>p</Privilege></PrivilegeGroup>"
                        "</bpp:PrivilegeList>")  # fmt: skip
