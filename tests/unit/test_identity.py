"""Claims profiles, level-of-assurance normalisation and CPR handling (docs/architecture.md §3)."""

from __future__ import annotations

import pytest

from portal.domain.identity import (
    CLAIMS_PROFILES,
    AssuranceLevel,
    extract_identity,
    hash_cpr,
    normalise_cpr,
    normalise_loa,
)


@pytest.mark.parametrize(
    ("value", "level"),
    [
        ("https://data.gov.dk/concept/core/nsis/Substantial", AssuranceLevel.SUBSTANTIAL),
        ("https://data.gov.dk/concept/core/nsis/loa/Substantial", AssuranceLevel.SUBSTANTIAL),
        ("urn:grn:authn:dk:mitid:substantial", AssuranceLevel.SUBSTANTIAL),
        ("https://data.gov.dk/concept/core/nsis/High", AssuranceLevel.HIGH),
        ("urn:grn:authn:dk:mitid:high", AssuranceLevel.HIGH),
        ("https://data.gov.dk/concept/core/nsis/loa/Low", AssuranceLevel.LOW),
        ("Substantial", AssuranceLevel.SUBSTANTIAL),
    ],
)
def test_every_brokers_form_of_the_level_is_understood(value, level):
    assert normalise_loa(value) is level


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        2,
        "substantialish",
        "https://evil.example/nsis/Substantial",
        "urn:grn:authn:dk:mitid:medium",
        "https://data.gov.dk/concept/core/nsis/loa/",
    ],
)
def test_unknown_levels_are_none(value):
    assert normalise_loa(value) is None


def test_levels_are_ordered():
    assert AssuranceLevel.LOW < AssuranceLevel.SUBSTANTIAL < AssuranceLevel.HIGH


@pytest.mark.parametrize(
    ("profile", "claims"),
    [
        (
            "signaturgruppen",
            {
                "dk.cpr": "0101901111",
                "mitid.identity_name": "Mette Testesen",
                "loa": "https://data.gov.dk/concept/core/nsis/Substantial",
            },
        ),
        (
            "criipto",
            {
                "cprNumberIdentifier": "0101901111",
                "name": "Mette Testesen",
                "acr": "urn:grn:authn:dk:mitid:substantial",
            },
        ),
        (
            "nemlogin",
            {
                "https://data.gov.dk/model/core/eid/cprNumber": "0101901111",
                "https://data.gov.dk/model/core/eid/fullName": "Mette Testesen",
                "https://data.gov.dk/concept/core/nsis/loa": "https://data.gov.dk/concept/core/nsis/loa/Substantial",
            },
        ),
    ],
)
def test_each_profile_reads_its_brokers_claims(profile, claims):
    identity = extract_identity(CLAIMS_PROFILES[profile], {"sub": "s1", **claims}, {})
    assert identity.cpr == "0101901111"
    assert identity.name == "Mette Testesen"
    assert identity.level is AssuranceLevel.SUBSTANTIAL


def test_identity_claims_may_come_only_from_userinfo():
    profile = CLAIMS_PROFILES["signaturgruppen"]
    identity = extract_identity(
        profile,
        {"sub": "s1", "acr": "https://data.gov.dk/concept/core/nsis/High"},
        {"sub": "s1", "dk.cpr": "010190-1111", "given_name": "Mette", "family_name": "Testesen"},
    )
    assert identity.cpr == "0101901111"
    assert identity.name == "Mette Testesen"
    assert identity.level is AssuranceLevel.HIGH


def test_the_id_token_wins_over_userinfo():
    profile = CLAIMS_PROFILES["signaturgruppen"]
    identity = extract_identity(
        profile, {"sub": "s1", "dk.cpr": "0101901111"}, {"sub": "s1", "dk.cpr": "0202902222"}
    )
    assert identity.cpr == "0101901111"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("0101901111", "0101901111"),
        ("010190-1111", "0101901111"),
        (" 0101901111 ", "0101901111"),
        ("01019011", None),
        ("abcdefghij", None),
        (101901111, None),
    ],
)
def test_cpr_numbers_are_normalised(raw, clean):
    assert normalise_cpr(raw) == clean


def test_cpr_hash_is_keyed_stable_and_never_the_number():
    first = hash_cpr("010190-1111", "key-a")
    assert first == hash_cpr("0101901111", "key-a")
    assert first != hash_cpr("0101901111", "key-b")
    assert "0101901111" not in first and len(first) == 64
    with pytest.raises(ValueError):
        hash_cpr("not a cpr", "key-a")
