"""Identity rules: claims profiles of the MitID brokers, level-of-assurance normalisation, CPR.

Brokers name the same facts differently (docs/architecture.md §3). A claims profile says where each
fact is; ``extract_identity`` reads it from the ID token first and userinfo second, so a provider
that only gives identity claims at userinfo works too."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import IntEnum


class AssuranceLevel(IntEnum):
    """NSIS levels of assurance (eIDAS): only Substantial and High may see case data."""

    LOW = 1
    SUBSTANTIAL = 2
    HIGH = 3


MINIMUM_LEVEL = AssuranceLevel.SUBSTANTIAL

# The same NSIS level is written in several ways: Signaturgruppen's broker
# ("…/nsis/Substantial"), NemLog-in ("…/nsis/loa/Substantial"), Criipto/Idura
# ("urn:grn:authn:dk:mitid:substantial"), and NemLog-in's bare attribute value ("Substantial").
_LOA_PATTERN = re.compile(
    r"^(?:https://data\.gov\.dk/concept/core/nsis/(?:loa/)?|urn:grn:authn:dk:mitid:)?"
    r"(low|substantial|high)$",
    re.IGNORECASE,
)


def normalise_loa(value: object) -> AssuranceLevel | None:
    """The NSIS level a claim value names, or None when it names none we know."""
    if not isinstance(value, str):
        return None
    match = _LOA_PATTERN.match(value.strip())
    if not match:
        return None
    return AssuranceLevel[match.group(1).upper()]


@dataclass(frozen=True)
class ClaimsProfile:
    name: str
    cpr_claims: tuple[str, ...]
    name_claims: tuple[str, ...]
    loa_claims: tuple[str, ...]


CLAIMS_PROFILES: dict[str, ClaimsProfile] = {
    "signaturgruppen": ClaimsProfile(
        name="signaturgruppen",
        cpr_claims=("dk.cpr",),
        name_claims=("mitid.identity_name", "name"),
        loa_claims=("loa", "acr"),
    ),
    "criipto": ClaimsProfile(
        name="criipto",
        cpr_claims=("cprNumberIdentifier",),
        name_claims=("name",),
        loa_claims=("acr",),
    ),
    "nemlogin": ClaimsProfile(
        name="nemlogin",
        cpr_claims=("https://data.gov.dk/model/core/eid/cprNumber",),
        name_claims=("https://data.gov.dk/model/core/eid/fullName", "name"),
        loa_claims=("https://data.gov.dk/concept/core/nsis/loa", "loa", "acr"),
    ),
}


@dataclass(frozen=True)
class Identity:
    """Who logged in, as the portal needs it. ``cpr`` never leaves the login service unhashed."""

    subject: str
    cpr: str | None
    name: str
    level: AssuranceLevel | None
    # Digital Fuldmagt: the raw OIO-BPP claim, when the person holds powers of attorney.
    privileges: str | None = None


def _first(claim_sets: tuple[Mapping[str, object], ...], names: tuple[str, ...]) -> object | None:
    for claims in claim_sets:
        for name in names:
            value = claims.get(name)
            if value not in (None, ""):
                return value
    return None


def extract_identity(
    profile: ClaimsProfile, id_token: Mapping[str, object], userinfo: Mapping[str, object]
) -> Identity:
    sources = (id_token, userinfo)
    cpr = normalise_cpr(_first(sources, profile.cpr_claims))
    name = _first(sources, profile.name_claims)
    if not isinstance(name, str) or not name.strip():
        given, family = _first(sources, ("given_name",)), _first(sources, ("family_name",))
        name = " ".join(str(part) for part in (given, family) if part) or ""
    privileges = _first(sources, PRIVILEGE_CLAIMS)
    return Identity(
        subject=str(id_token["sub"]),
        cpr=cpr,
        name=name.strip(),
        level=normalise_loa(_first(sources, profile.loa_claims)),
        privileges=privileges if isinstance(privileges, str) else None,
    )


# Exactly ten ASCII digits (``\d`` would also take Arabic-Indic or fullwidth digits, and two
# spellings of one number would make two people), with or without the usual hyphen.
_CPR_PATTERN = re.compile(r"([0-9]{6})-?([0-9]{4})", re.ASCII)


def cpr_birth_date(digits: str) -> date | None:
    """The date of birth a CPR number holds, or None if there is no such day. The century comes
    from the 7th digit (CPR-kontoret's rule); modulus 11 is not checked, as numbers from 2007 on
    need not pass it."""
    day, month, year, seventh = int(digits[0:2]), int(digits[2:4]), int(digits[4:6]), digits[6]
    if seventh in "0123":
        century = 1900
    elif seventh in "49":
        century = 2000 if year <= 36 else 1900
    else:  # 5-8
        century = 2000 if year <= 57 else 1800
    try:
        return date(century + year, month, day)
    except ValueError:
        return None


def normalise_cpr(value: object) -> str | None:
    """Ten ASCII digits with a real date of birth, or None. Accepts ``DDMMÅÅ-XXXX``."""
    if not isinstance(value, str):
        return None
    match = _CPR_PATTERN.fullmatch(value.strip())
    if not match:
        return None
    digits = match.group(1) + match.group(2)
    return digits if cpr_birth_date(digits) is not None else None


def hash_cpr(cpr: str, key: str) -> str:
    """The keyed hash the database stores instead of a CPR number (HMAC-SHA256, hex)."""
    normalised = normalise_cpr(cpr)
    if normalised is None:
        raise ValueError("not a CPR number")
    return hmac.new(key.encode(), normalised.encode(), hashlib.sha256).hexdigest()


# MitID Erhverv as the brokers name it: Signaturgruppen's ``nemlogin`` scope, and NemLog-in's
# OIDC attribute URIs. One list reads both, so no setting is needed to choose.
WORK_ID_CLAIMS = (
    "nemlogin.persistent_professional_id",
    "https://data.gov.dk/model/core/eid/professional/uuid/persistent",
)
WORK_CVR_CLAIMS = ("nemlogin.cvr", "https://data.gov.dk/model/core/eid/professional/cvr")
WORK_NAME_CLAIMS = ("nemlogin.name", "https://data.gov.dk/model/core/eid/fullName", "name")
PRIVILEGE_CLAIMS = (
    "privileges_intermediate",
    "nemlogin.privileges_intermediate",
    "https://data.gov.dk/model/core/eid/privilegesIntermediate",
)
ALL_LOA_CLAIMS = ("loa", "acr", "https://data.gov.dk/concept/core/nsis/loa")


@dataclass(frozen=True)
class WorkIdentity:
    """An employee logged in with MitID Erhverv. ``privileges`` is the raw OIO-BPP claim."""

    subject: str
    professional_id: str | None
    cvr: str | None
    name: str
    level: AssuranceLevel | None
    privileges: str | None


def extract_work_identity(
    id_token: Mapping[str, object], userinfo: Mapping[str, object]
) -> WorkIdentity:
    sources = (id_token, userinfo)
    professional_id = _first(sources, WORK_ID_CLAIMS)
    cvr = _first(sources, WORK_CVR_CLAIMS)
    name = _first(sources, WORK_NAME_CLAIMS)
    privileges = _first(sources, PRIVILEGE_CLAIMS)
    return WorkIdentity(
        subject=str(id_token["sub"]),
        professional_id=str(professional_id) if professional_id else None,
        cvr=str(cvr).strip() if cvr and re.fullmatch(r"\s*\d{8}\s*", str(cvr)) else None,
        name=name.strip() if isinstance(name, str) else "",
        level=normalise_loa(_first(sources, ALL_LOA_CLAIMS)),
        privileges=privileges if isinstance(privileges, str) else None,
    )
