"""Claims profiles, level-of-assurance normalisation and CPR handling (docs/architecture.md §3)."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.domain.danish import today_in_denmark
from portal.domain.identity import (
    CLAIMS_PROFILES,
    AssuranceLevel,
    cpr_birth_date,
    extract_identity,
    extract_work_identity,
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


# -- the date of birth a CPR number holds (CPR-kontoret's century rule) ----------------------------
@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("1502901111", date(1990, 2, 15)),  # 7th digit 0–3: the 1900s
        ("3112003111", date(1900, 12, 31)),
        ("0101364111", date(2036, 1, 1)),  # 4 or 9: 2000–2036 ...
        ("0101379111", date(1937, 1, 1)),  # ... else the 1900s
        ("0101369111", date(2036, 1, 1)),
        ("0101575111", date(2057, 1, 1)),  # 5–8: 2000–2057 ...
        ("0101588111", date(1858, 1, 1)),  # ... else the 1800s
        ("2902004111", date(2000, 2, 29)),  # 2000 was a leap year
        ("2902001111", None),  # 1900 was not
        ("3102901111", None),
        ("0113901111", None),
        ("0001901111", None),
    ],
)
def test_the_date_of_birth_and_its_century_come_from_the_number(cpr, born):
    assert cpr_birth_date(cpr) == born
    assert normalise_cpr(cpr) == (cpr if born else None)


def test_the_cpr_hash_is_an_hmac_of_the_ten_digits_and_a_non_number_is_refused_by_name():
    expected = hmac.new(b"key-a", b"0101901111", hashlib.sha256).hexdigest()
    assert hash_cpr(" 010190-1111 ", "key-a") == expected
    with pytest.raises(ValueError, match=r"^not a CPR number$"):
        hash_cpr("3102901111", "key-a")


def test_a_name_in_parts_is_joined_and_privileges_are_read_only_as_text():
    profile = CLAIMS_PROFILES["signaturgruppen"]
    identity = extract_identity(
        profile,
        {"sub": "abc", "dk.cpr": "0101901111", "given_name": "Mette", "family_name": ""},
        {"family_name": "Testesen", "privileges_intermediate": "PHByaXZpbGVnZXM+"},
    )
    assert (identity.subject, identity.cpr) == ("abc", "0101901111")
    assert identity.name == "Mette Testesen", "an empty claim is passed over for the next"
    assert identity.privileges == "PHByaXZpbGVnZXM+"
    nameless = extract_identity(profile, {"sub": 7, "privileges_intermediate": ["x"]}, {})
    assert (nameless.subject, nameless.name, nameless.privileges) == ("7", "", None)


def test_a_work_identity_keeps_a_cvr_of_eight_digits_and_nothing_else():
    work = extract_work_identity(
        {"sub": "s-1", "https://data.gov.dk/model/core/eid/professional/uuid/persistent": "p-9",
         "https://data.gov.dk/model/core/eid/professional/cvr": " 11111111 "},
        {"https://data.gov.dk/model/core/eid/fullName": " Lone Madsen ",
         "privileges_intermediate": "cHJpdg=="},
    )  # fmt: skip
    assert (work.subject, work.professional_id, work.cvr, work.name, work.privileges) == (
        "s-1", "p-9", "11111111", "Lone Madsen", "cHJpdg=="
    )  # fmt: skip
    bare = extract_work_identity(
        {"sub": "s-2", "nemlogin.cvr": "1111111", "privileges_intermediate": ["not", "text"]},
        {"nemlogin.name": 5},
    )
    assert (bare.professional_id, bare.cvr, bare.name, bare.privileges) == (None, None, "", None)


# -- "today" is the Danish day -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("utc", "danish_day"),
    [
        (datetime(2026, 12, 9, 22, 59, tzinfo=UTC), date(2026, 12, 9)),
        (datetime(2026, 12, 9, 23, 0, tzinfo=UTC), date(2026, 12, 10)),  # winter: UTC+1
        (datetime(2026, 6, 9, 21, 59, tzinfo=UTC), date(2026, 6, 9)),
        (datetime(2026, 6, 9, 22, 0, tzinfo=UTC), date(2026, 6, 10)),  # summer: UTC+2
    ],
)
def test_today_is_the_danish_day_whatever_the_clock_of_the_server(utc, danish_day):
    assert today_in_denmark(utc) == danish_day


def test_today_without_a_moment_is_the_danish_day_now():
    before = datetime.now(ZoneInfo("Europe/Copenhagen")).date()
    assert today_in_denmark() in (before, before + timedelta(days=1))
    assert isinstance(today_in_denmark(), date) and not isinstance(today_in_denmark(), datetime)
