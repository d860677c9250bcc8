"""The OpenID Connect relying party: Authlib's Flask client plus the checks it leaves to us.

Authlib (1.9) does the code flow with PKCE S256, ``state``, ``nonce``, the signature, ``exp``
and ``iss`` of the ID token. On top of that, as docs/architecture.md §3 requires:

- RFC 9207: the ``iss`` parameter of the authorization response must be our issuer (mandatory
  when discovery says the provider sends it), checked before the code is redeemed;
- discovery's ``issuer`` must be the configured issuer (OIDC Discovery §4.3);
- a token response without an ID token is refused (Authlib would silently skip validation);
- ``aud`` must contain our client id (Authlib accepts a token whose ``azp`` is ours), and with
  several audiences ``azp`` must be ours;
- the level of assurance must be at least Substantial, whatever URI form the broker uses;
- ``auth_time`` must be within ``max_age`` when we asked for it;
- userinfo's ``sub`` must equal the ID token's ``sub`` (OIDC Core §5.3.4).

Two audiences use it: citizens (MitID, the citizen issuer) and caseworkers (MitID Erhverv, a
separate client at a separate issuer). Roles are only ever read from the caseworker issuer.

Every refusal raises ``LoginRefused`` with a short reason code that is safe to log: no token,
no claim value and no personal data ever goes into the log.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from dataclasses import dataclass

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, request
from joserfc.errors import JoseError

from portal.domain.identity import (
    CLAIMS_PROFILES,
    MINIMUM_LEVEL,
    Identity,
    WorkIdentity,
    extract_identity,
    extract_work_identity,
)

log = logging.getLogger(__name__)

LEEWAY_SECONDS = 60


class LoginAborted(Exception):
    """The person cancelled at the provider."""


class ProviderUnavailable(Exception):
    """The provider did not answer in time, or answered with a server error."""


_ERROR_CODE = re.compile(r"[a-z_]{1,40}", re.ASCII)


def _code(value: str) -> str:
    """An OAuth error code as sent (RFC 6749 §4.1.2.1: ASCII, e.g. ``invalid_request``), or
    "other": anything else came from whoever made the callback URL, not from the provider."""
    return value if _ERROR_CODE.fullmatch(value) else "other"


class LoginRefused(Exception):
    """The login response failed a check. ``reason`` is a code that is safe to log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class LoginResult:
    identity: Identity | WorkIdentity


def init_app(app: Flask) -> None:
    oauth = OAuth(app)
    for audience, settings in app.config["OIDC"].items():
        oauth.register(
            name=audience,
            client_id=settings["client_id"],
            client_secret=settings["client_secret"],
            server_metadata_url=f"{settings['issuer']}/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings["scopes"],
                "code_challenge_method": "S256",
                "default_timeout": app.config["HTTP_TIMEOUT"],
            },
        )
    app.extensions["portal_oauth"] = oauth


def _client(audience: str):
    return current_app.extensions["portal_oauth"].create_client(audience)


def _settings(audience: str) -> dict:
    return current_app.config["OIDC"][audience]


def _metadata(audience: str) -> dict:
    """Discovery document, fetched once per process, with its issuer checked."""
    try:
        metadata = _client(audience).load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        _client(audience).server_metadata = {}
        log.warning("oidc discovery failed for %s: %s", audience, type(error).__name__)
        raise ProviderUnavailable from error
    if metadata.get("issuer", "").rstrip("/") != _settings(audience)["issuer"]:
        _client(audience).server_metadata = {}
        log.warning("oidc discovery for %s names another issuer", audience)
        raise LoginRefused("discovery_issuer")
    return metadata


def authorization_redirect(audience: str, redirect_uri: str, language: str):
    """A redirect to the provider's login page; state, nonce and PKCE verifier go in the session."""
    _metadata(audience)
    extra = {"nonce": secrets.token_urlsafe(32), "ui_locales": language}
    max_age = _settings(audience)["max_age"]
    if max_age is not None:
        extra["max_age"] = max_age
    return _client(audience).authorize_redirect(redirect_uri, **extra)


def complete_login(audience: str) -> LoginResult:
    """Validate the callback and return who logged in, or raise one of the exceptions above.
    Each check is a named step below; any of them refuses the login with its reason code."""
    settings = _settings(audience)
    metadata = _metadata(audience)
    _check_callback(settings, metadata)
    started = int(time.time())
    token = _exchange_code(_client(audience), metadata)
    claims = _id_token_claims(token)
    _check_audience(claims, settings["client_id"])
    _check_auth_time(claims, settings["max_age"], started)
    userinfo = _userinfo(_client(audience), metadata, token, claims)
    return LoginResult(identity=_identity(audience, settings, claims, userinfo))


def _check_callback(settings: dict, metadata: dict) -> None:
    """The authorization response: its issuer (RFC 9207), an error, or a code with its state."""
    returned_issuer = request.args.get("iss")
    if returned_issuer is None and metadata.get("authorization_response_iss_parameter_supported"):
        raise LoginRefused("iss_parameter_missing")
    if returned_issuer is not None and returned_issuer.rstrip("/") != settings["issuer"]:
        raise LoginRefused("iss_parameter_mismatch")
    error = request.args.get("error")
    if error == "access_denied":
        raise LoginAborted
    if error:
        raise LoginRefused(f"provider_error:{_code(error)}")
    if not request.args.get("code") or not request.args.get("state"):
        raise LoginRefused("callback_incomplete")


def _exchange_code(client, metadata: dict) -> dict:
    """The token response for the code (state, PKCE, signature, iss, nonce checked by Authlib)."""
    try:
        return client.authorize_access_token(
            claims_options={"iss": {"essential": True, "value": metadata["issuer"]}},
            leeway=LEEWAY_SECONDS,
        )
    except MismatchingStateError as error:
        raise LoginRefused("state_unknown_or_used") from error
    except OAuthError as error:
        raise LoginRefused(f"token_endpoint:{_code(error.error or 'error')}") from error
    except (requests.Timeout, requests.ConnectionError) as error:
        raise ProviderUnavailable from error
    except requests.HTTPError as error:
        status = error.response.status_code if error.response is not None else 0
        if status >= 500:
            raise ProviderUnavailable from error
        raise LoginRefused(f"http_{status}") from error
    except JoseError as error:
        claim = getattr(error, "claim", None)
        raise LoginRefused(
            f"id_token:{type(error).__name__}" + (f":{claim}" if claim else "")
        ) from error
    except ValueError as error:  # malformed JSON or token structure
        raise LoginRefused("malformed_response") from error


def _id_token_claims(token: dict) -> dict:
    if "id_token" not in token or "userinfo" not in token:
        raise LoginRefused("no_id_token")
    return dict(token["userinfo"])


def _check_audience(claims: dict, client_id: str) -> None:
    """``aud`` must name us; with several audiences, ``azp`` must be us (Authlib accepts a
    token whose ``azp`` is ours even when ``aud`` is not)."""
    audiences = claims.get("aud")
    audiences = [audiences] if isinstance(audiences, str) else list(audiences or [])
    if client_id not in audiences:
        raise LoginRefused("aud_mismatch")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise LoginRefused("azp_mismatch")


def _check_auth_time(claims: dict, max_age: int | None, started: int) -> None:
    if max_age is None:
        return
    auth_time = claims.get("auth_time")
    if not isinstance(auth_time, int | float):
        raise LoginRefused("auth_time_missing")
    if auth_time + max_age + LEEWAY_SECONDS < started:
        raise LoginRefused("auth_time_too_old")


def _userinfo(client, metadata: dict, token: dict, claims: dict) -> dict:
    """Userinfo, when the provider has it, for the same subject as the ID token."""
    if not metadata.get("userinfo_endpoint"):
        return {}
    try:
        userinfo = dict(client.userinfo(token=token))
    except (requests.Timeout, requests.ConnectionError) as error:
        raise ProviderUnavailable from error
    except (requests.HTTPError, ValueError) as error:
        raise LoginRefused("userinfo_failed") from error
    if userinfo.get("sub") != claims.get("sub"):
        raise LoginRefused("userinfo_sub_mismatch")
    return userinfo


def _identity(audience: str, settings: dict, claims: dict, userinfo: dict):
    """Who logged in, at a level of assurance of at least Substantial, with what we need."""
    identity: Identity | WorkIdentity
    if audience == "caseworker":
        identity = extract_work_identity(claims, userinfo)
    else:
        identity = extract_identity(CLAIMS_PROFILES[settings["claims_profile"]], claims, userinfo)
    if identity.level is None or identity.level < MINIMUM_LEVEL:
        raise LoginRefused("loa_too_low")
    if isinstance(identity, Identity) and identity.cpr is None:
        raise LoginRefused("no_cpr")
    if isinstance(identity, WorkIdentity) and (not identity.professional_id or not identity.cvr):
        raise LoginRefused("no_professional_identity")
    return identity


def logout_url(audience: str, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session URL (RP-initiated logout), or None if it has none or is down.

    It names the client and where to come back to (OpenID Connect RP-Initiated Logout 1.0 §2:
    ``client_id`` instead of ``id_token_hint``) and nothing of the person: an ID token carries
    the CPR number and the name, and a URL ends up in browser histories and proxy logs."""
    try:
        metadata = _metadata(audience)
    except (ProviderUnavailable, LoginRefused):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    return _client(audience).create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        client_id=_settings(audience)["client_id"],
    )["url"]
