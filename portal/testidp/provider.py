"""State and token minting of the test OpenID Provider: keys, clients, codes, tokens, misbehaviour.

Kept apart from the HTTP views so that tests can reach in and make the provider misbehave
(``provider.misbehave("wrong_aud")``) or rotate its keys, while the portal still only ever talks
to it over HTTP.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from portal.domain.privileges import privilege_list_xml
from portal.services.demo_data import Persona, WorkPersona

CODE_LIFETIME = 60
ID_TOKEN_LIFETIME = 300
ACCESS_TOKEN_LIFETIME = 300
PENDING_LIFETIME = 600

# Switches that make the provider misbehave in one specific way, for the portal's negative tests.
MISBEHAVIOURS = frozenset(
    {
        "wrong_iss",  # ID token from another issuer
        "wrong_iss_param",  # RFC 9207 iss parameter on the authorization response is wrong
        "no_iss_param",  # ... or missing, although discovery says it is sent
        "wrong_aud",  # ID token for another client
        "foreign_aud_our_azp",  # aud is another client, azp is ours (Authlib lets it through)
        "expired",  # ID token expired
        "bad_signature",  # signed with a key that is not the published one, same kid
        "alg_none",  # unsigned token
        "unknown_kid",  # signed with a key whose kid is not in the JWKS
        "wrong_nonce",
        "low_loa",  # level of assurance Low
        "userinfo_sub_mismatch",  # userinfo answers for another person
        "old_auth_time",  # the user authenticated an hour ago
        "no_id_token",  # token response without id_token
        "slow_token",  # the token endpoint answers after 10 seconds
        "token_server_error",  # the token endpoint answers 500
        "hostile_privileges",  # the privilege list is XML with an external entity
    }
)
# Claim styles the provider can emit; not misbehaviour, but other brokers' ways of saying it.
STYLES = frozenset({"nemlogin_loa", "claims_only_in_userinfo"})

HOSTILE_PRIVILEGES = base64.b64encode(
    b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<PrivilegeList><PrivilegeGroup Scope='x'><Privilege>&x;</Privilege></PrivilegeGroup>"
    b"</PrivilegeList>"
).decode()

LOA_SIGNATURGRUPPEN = "https://data.gov.dk/concept/core/nsis/{level}"
LOA_NEMLOGIN = "https://data.gov.dk/concept/core/nsis/loa/{level}"


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]


@dataclass
class PendingAuthorization:
    client_id: str
    redirect_uri: str
    state: str | None
    nonce: str
    code_challenge: str
    scope: str
    max_age: int | None
    ui_locales: str | None
    created: float = field(default_factory=time.time)


@dataclass
class IssuedCode:
    pending: PendingAuthorization
    persona_key: str
    auth_time: int
    created: float = field(default_factory=time.time)
    used: bool = False
    access_tokens: list[str] = field(default_factory=list)


def _new_key() -> RSAKey:
    return RSAKey.generate_key(
        2048, parameters={"use": "sig", "alg": "RS256"}, private=True, auto_kid=True
    )


def _b64json(value: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def pkce_s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class Provider:
    """One test OpenID Provider: its issuer, signing keys, clients, personas and live grants."""

    def __init__(
        self, issuer: str, clients: list[Client], personas: tuple[Persona | WorkPersona, ...]
    ):
        self.issuer = issuer.rstrip("/")
        self.clients = {c.client_id: c for c in clients}
        self.personas = {p.key: p for p in personas}
        self._lock = threading.Lock()
        self._keys = [_new_key()]
        self._pending: dict[str, PendingAuthorization] = {}
        self._codes: dict[str, IssuedCode] = {}
        # access token -> (persona key, granted scope, expiry)
        self._access_tokens: dict[str, tuple[str, str, float]] = {}
        self._sso: dict[str, tuple[str, float]] = {}  # sso id -> persona, time
        self.switches: set[str] = set()

    # -- switches ------------------------------------------------------------------------------
    def misbehave(self, *switches: str) -> None:
        unknown = set(switches) - MISBEHAVIOURS - STYLES
        if unknown:
            raise ValueError(f"unknown switches: {sorted(unknown)}")
        self.switches = set(switches)

    def behave(self) -> None:
        self.switches = set()

    def rotate_keys(self) -> None:
        """Publish a new signing key and retire the old one at once (the harshest rotation)."""
        with self._lock:
            self._keys = [_new_key()]

    # -- keys ----------------------------------------------------------------------------------
    @property
    def signing_key(self) -> RSAKey:
        return self._keys[0]

    def jwks(self) -> dict:
        return KeySet(self._keys).as_dict(private=False)

    def sign(self, claims: dict) -> str:
        key = self.signing_key
        header = {"alg": "RS256", "kid": key.kid, "typ": "JWT"}
        if "alg_none" in self.switches:
            return f"{_b64json({'alg': 'none', 'typ': 'JWT'})}.{_b64json(claims)}."
        if "bad_signature" in self.switches:
            impostor = _new_key()
            return jwt.encode(header, claims, impostor)
        if "unknown_kid" in self.switches:
            stranger = _new_key()
            return jwt.encode({**header, "kid": stranger.kid}, claims, stranger)
        return jwt.encode(header, claims, key)

    def verify_own(self, token: str) -> dict | None:
        """Claims of a token this provider signed (expired ones too: id_token_hint), else None."""
        try:
            return jwt.decode(token, KeySet(self._keys)).claims
        except Exception:  # any malformed hint is simply not a hint
            return None

    # -- authorization ------------------------------------------------------------------------
    def begin(self, pending: PendingAuthorization) -> str:
        request_id = secrets.token_urlsafe(24)
        with self._lock:
            self._expire()
            self._pending[request_id] = pending
        return request_id

    def pending(self, request_id: str) -> PendingAuthorization | None:
        with self._lock:
            self._expire()
            return self._pending.get(request_id)

    def finish(self, request_id: str, persona_key: str, auth_time: int) -> str | None:
        with self._lock:
            pending = self._pending.pop(request_id, None)
            if pending is None or persona_key not in self.personas:
                return None
            code = secrets.token_urlsafe(32)
            self._codes[code] = IssuedCode(pending, persona_key, auth_time)
            return code

    def cancel(self, request_id: str) -> PendingAuthorization | None:
        with self._lock:
            return self._pending.pop(request_id, None)

    # -- single sign-on session at the provider ----------------------------------------------
    def open_sso(self, persona_key: str) -> str:
        sso_id = secrets.token_urlsafe(24)
        with self._lock:
            self._sso[sso_id] = (persona_key, time.time())
        return sso_id

    def sso_persona(self, sso_id: str | None) -> tuple[Persona | WorkPersona, int] | None:
        if not sso_id:
            return None
        with self._lock:
            entry = self._sso.get(sso_id)
        if entry is None:
            return None
        return self.personas[entry[0]], int(entry[1])

    def close_sso(self, sso_id: str | None) -> None:
        with self._lock:
            self._sso.pop(sso_id or "", None)

    # -- token endpoint -----------------------------------------------------------------------
    def redeem(self, code: str, client_id: str, redirect_uri: str, verifier: str) -> tuple:
        """Exchange a code: returns (error, None) or (None, token response)."""
        with self._lock:
            issued = self._codes.get(code)
            if issued is None:
                return "invalid_grant", None
            if issued.used:
                # A replayed code revokes what the first redemption gave (RFC 6749 §4.1.2).
                for token in issued.access_tokens:
                    self._access_tokens.pop(token, None)
                return "invalid_grant", None
            issued.used = True
        pending = issued.pending
        if time.time() - issued.created > CODE_LIFETIME:
            return "invalid_grant", None
        if pending.client_id != client_id or pending.redirect_uri != redirect_uri:
            return "invalid_grant", None
        if not verifier or pkce_s256(verifier) != pending.code_challenge:
            return "invalid_grant", None

        persona = self.personas[issued.persona_key]
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._access_tokens[access_token] = (
                persona.key,
                pending.scope,
                time.time() + ACCESS_TOKEN_LIFETIME,
            )
            issued.access_tokens.append(access_token)
        response = {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ACCESS_TOKEN_LIFETIME,
            "scope": pending.scope,
        }
        if "no_id_token" not in self.switches:
            response["id_token"] = self.sign(self.id_token_claims(persona, pending, issued))
        return None, response

    def id_token_claims(self, persona: Persona | WorkPersona, pending, issued: IssuedCode) -> dict:
        now = int(time.time())
        claims: dict = {
            "iss": self.issuer,
            "sub": persona.subject,
            "aud": pending.client_id,
            "iat": now,
            "exp": now + ID_TOKEN_LIFETIME,
            "auth_time": issued.auth_time,
            "nonce": pending.nonce,
            "idp": "mitid-test",
        }
        claims.update(self._loa_claims())
        if "claims_only_in_userinfo" not in self.switches:
            claims.update(self.identity_claims(persona, pending.scope))
        s = self.switches
        if "wrong_iss" in s:
            claims["iss"] = "https://impostor.example"
        if "wrong_aud" in s:
            claims["aud"] = "another-client"
        if "foreign_aud_our_azp" in s:
            claims["aud"] = ["another-client"]
            claims["azp"] = pending.client_id
        if "expired" in s:
            claims["iat"] = now - 2 * ID_TOKEN_LIFETIME - 600
            claims["exp"] = now - ID_TOKEN_LIFETIME - 600
        if "wrong_nonce" in s:
            claims["nonce"] = "not-the-nonce-you-sent"
        if "old_auth_time" in s:
            claims["auth_time"] = now - 3600
        return claims

    def _loa_claims(self) -> dict:
        level = "Low" if "low_loa" in self.switches else "Substantial"
        if "nemlogin_loa" in self.switches:
            value = LOA_NEMLOGIN.format(level=level)
        else:
            value = LOA_SIGNATURGRUPPEN.format(level=level)
        return {"loa": value, "acr": value}

    def _privileges(self, groups: dict[str, list[str]]) -> str:
        """An OIO-BPP privilege list, or a hostile one when told to misbehave."""
        if "hostile_privileges" in self.switches:
            return HOSTILE_PRIVILEGES
        return privilege_list_xml(groups)

    def identity_claims(self, persona: Persona | WorkPersona, scope: str) -> dict:
        scopes = set(scope.split())
        claims: dict = {}
        if isinstance(persona, WorkPersona):
            # MitID Erhverv as Signaturgruppen's broker sends it under the "nemlogin" scope; the
            # roles as an OIO-BPP privilege list, one group per CVR scope.
            if "nemlogin" in scopes:
                claims["nemlogin.persistent_professional_id"] = persona.professional_id
                claims["nemlogin.cvr"] = persona.cvr
                claims["nemlogin.name"] = persona.name
                claims["privileges_intermediate"] = self._privileges(persona.privileges)
            return claims
        if "ssn" in scopes:
            claims["dk.cpr"] = persona.cpr
            if persona.privileges:  # Digital Fuldmagt, as NemLog-in sends it
                claims["privileges_intermediate"] = self._privileges(persona.privileges)
        if "mitid" in scopes or "profile" in scopes:
            claims["mitid.identity_name"] = persona.name
            claims["name"] = persona.name
        return claims

    # -- userinfo -----------------------------------------------------------------------------
    def userinfo(self, access_token: str) -> dict | None:
        with self._lock:
            entry = self._access_tokens.get(access_token)
        if entry is None or entry[2] < time.time():
            return None
        persona = self.personas[entry[0]]
        claims = {"sub": persona.subject}
        claims.update(self._loa_claims())
        claims.update(self.identity_claims(persona, entry[1]))
        if "userinfo_sub_mismatch" in self.switches:
            claims["sub"] = "someone-else"
        return claims

    def _expire(self) -> None:
        now = time.time()
        for request_id in [
            k for k, v in self._pending.items() if now - v.created > PENDING_LIFETIME
        ]:
            del self._pending[request_id]
        for code in [k for k, v in self._codes.items() if now - v.created > 2 * CODE_LIFETIME]:
            del self._codes[code]
