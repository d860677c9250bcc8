"""The built-in MitID-style test OpenID Provider: a separate WSGI app, for development and tests.

It speaks OpenID Connect over HTTP exactly as a production broker would (discovery, JWKS,
authorization code with PKCE S256, token, userinfo, RP-initiated logout), emits claims in the
Signaturgruppen style, and can be told to misbehave (see ``provider.MISBEHAVIOURS``). It refuses
to start when ``PORTAL_ENV=production``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import time
from urllib.parse import unquote, urlencode, urlsplit

from flask import Flask, jsonify, make_response, redirect, render_template, request
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from portal import i18n, security, templating
from portal.config import PROJECT_ROOT, TEST_IDP_SECRETS, ConfigError
from portal.services.demo_data import Persona, WorkPersona
from portal.testidp.provider import Client, PendingAuthorization, Provider

SSO_COOKIE = "testidp_sso"
SUPPORTED_SCOPES = ["openid", "mitid", "ssn", "profile", "nemlogin"]


WORK_PATH = "/erhverv"


def default_clients(portal_base_url: str) -> list[Client]:
    base = portal_base_url.rstrip("/")
    return [
        Client(
            client_id="portal-citizen",
            client_secret=TEST_IDP_SECRETS["citizen"],
            redirect_uris=(f"{base}/auth/callback",),
            post_logout_redirect_uris=(f"{base}/logget-af",),
        )
    ]


def default_work_clients(portal_base_url: str) -> list[Client]:
    base = portal_base_url.rstrip("/")
    return [
        Client(
            client_id="portal-caseworker",
            client_secret=TEST_IDP_SECRETS["caseworker"],
            redirect_uris=(f"{base}/sagsbehandler/auth/callback",),
            post_logout_redirect_uris=(f"{base}/sagsbehandler/logget-af",),
        )
    ]


def create_combined_app(
    issuer: str,
    citizen: tuple[list[Client], tuple[Persona, ...]],
    work: tuple[list[Client], tuple[WorkPersona, ...]],
    environment: str = "development",
):
    """Both test issuers in one process: MitID at ``issuer``, MitID Erhverv at
    ``issuer + /erhverv``. They share nothing but the port: separate keys, clients, personas."""
    citizen_app = create_app(issuer, *citizen, environment=environment)
    work_app = create_app(issuer + WORK_PATH, *work, environment=environment)
    return DispatcherMiddleware(citizen_app, {WORK_PATH: work_app})


def create_app(
    issuer: str,
    clients: list[Client],
    personas: tuple[Persona | WorkPersona, ...],
    environment: str = "development",
) -> Flask:
    if environment == "production":
        raise ConfigError("The test IdP must never run in production.")
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config["SECRET_KEY"] = "test-idp"  # noqa: S105 - the IdP keeps no secrets in cookies
    provider = Provider(issuer, clients, personas)
    app.extensions["testidp"] = provider
    i18n.init_app(app)
    templating.init_common(app)

    def redirect_origins() -> list[str]:
        uris = [
            u
            for c in provider.clients.values()
            for u in (*c.redirect_uris, *c.post_logout_redirect_uris)
        ]
        return sorted({f"{urlsplit(u).scheme}://{urlsplit(u).netloc}" for u in uris})

    security.init_app(app, form_targets=redirect_origins)

    @app.get("/.well-known/openid-configuration")
    def discovery():
        base = provider.issuer
        return jsonify(
            issuer=base,
            authorization_endpoint=f"{base}/authorize",
            token_endpoint=f"{base}/token",
            userinfo_endpoint=f"{base}/userinfo",
            jwks_uri=f"{base}/jwks",
            end_session_endpoint=f"{base}/end_session",
            response_types_supported=["code"],
            grant_types_supported=["authorization_code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
            token_endpoint_auth_methods_supported=["client_secret_basic", "client_secret_post"],
            code_challenge_methods_supported=["S256"],
            scopes_supported=SUPPORTED_SCOPES,
            claims_supported=[
                "sub",
                "dk.cpr",
                "mitid.identity_name",
                "name",
                "loa",
                "acr",
                "nemlogin.persistent_professional_id",
                "nemlogin.cvr",
                "nemlogin.name",
                "privileges_intermediate",
            ],
            acr_values_supported=[
                "https://data.gov.dk/concept/core/nsis/Substantial",
                "https://data.gov.dk/concept/core/nsis/High",
            ],
            ui_locales_supported=["da", "en"],
            authorization_response_iss_parameter_supported=True,
        )

    @app.get("/jwks")
    def jwks():
        return jsonify(provider.jwks())

    def _error_redirect(pending_redirect: str, state: str | None, error: str, description: str):
        params = {"error": error, "error_description": description, "iss": provider.issuer}
        if state:
            params["state"] = state
        return redirect(f"{pending_redirect}?{urlencode(params)}")

    @app.get("/authorize")
    def authorize():
        args = request.args
        client = provider.clients.get(args.get("client_id", ""))
        redirect_uri = args.get("redirect_uri", "")
        if client is None or redirect_uri not in client.redirect_uris:
            # Never redirect to an unregistered address (OAuth 2.0 Security BCP §4.1).
            return render_template("testidp/error.html", reason="redirect"), 400
        state = args.get("state")
        if args.get("response_type") != "code":
            return _error_redirect(redirect_uri, state, "unsupported_response_type", "code only")
        if "openid" not in args.get("scope", "").split():
            return _error_redirect(redirect_uri, state, "invalid_scope", "openid is required")
        if not args.get("nonce"):
            return _error_redirect(redirect_uri, state, "invalid_request", "nonce is required")
        if args.get("code_challenge_method") != "S256" or not args.get("code_challenge"):
            return _error_redirect(redirect_uri, state, "invalid_request", "PKCE S256 required")
        max_age = args.get("max_age")
        pending = PendingAuthorization(
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            state=state,
            nonce=args["nonce"],
            code_challenge=args["code_challenge"],
            scope=args.get("scope", ""),
            max_age=int(max_age) if max_age and max_age.isdigit() else None,
            ui_locales=args.get("ui_locales"),
        )
        request_id = provider.begin(pending)
        return render_template(
            "testidp/authorize.html",
            request_id=request_id,
            personas=list(provider.personas.values()),
            sso=provider.sso_persona(request.cookies.get(SSO_COOKIE)),
        )

    @app.post("/authorize")
    def authorize_decision():
        request_id = request.form.get("request_id", "")
        pending = provider.pending(request_id)
        if pending is None:
            return render_template("testidp/error.html", reason="expired"), 400
        if request.form.get("action") == "cancel":
            provider.cancel(request_id)
            return _error_redirect(
                pending.redirect_uri, pending.state, "access_denied", "The user cancelled"
            )
        persona_key = request.form.get("persona", "")
        sso = provider.sso_persona(request.cookies.get(SSO_COOKIE))
        if persona_key == "__sso__" and sso is not None:
            persona_key, auth_time = sso[0].key, sso[1]
        else:
            auth_time = int(time.time())
        code = provider.finish(request_id, persona_key, auth_time)
        if code is None:
            return render_template("testidp/error.html", reason="expired"), 400
        params = {"code": code}
        if pending.state:
            params["state"] = pending.state
        if "no_iss_param" not in provider.switches:
            params["iss"] = (
                "https://impostor.example"
                if "wrong_iss_param" in provider.switches
                else provider.issuer
            )
        response = redirect(f"{pending.redirect_uri}?{urlencode(params)}")
        if sso is None or sso[0].key != persona_key:
            response.set_cookie(
                SSO_COOKIE, provider.open_sso(persona_key), httponly=True, samesite="Lax"
            )
        return response

    def _client_from_request() -> Client | None:
        client_id, secret = None, None
        auth = request.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                decoded = base64.b64decode(auth[6:]).decode()
            except (binascii.Error, UnicodeDecodeError):
                return None
            client_id, _, secret = decoded.partition(":")
            client_id, secret = unquote(client_id), unquote(secret)
        else:
            client_id = request.form.get("client_id")
            secret = request.form.get("client_secret")
        client = provider.clients.get(client_id or "")
        if client is None or not hmac.compare_digest(client.client_secret, secret or ""):
            return None
        return client

    def _token_error(error: str, status: int = 400):
        response = jsonify(error=error)
        response.status_code = status
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.post("/token")
    def token():
        if "slow_token" in provider.switches:
            time.sleep(10)
        if "token_server_error" in provider.switches:
            return _token_error("server_error", 500)
        client = _client_from_request()
        if client is None:
            return _token_error("invalid_client", 401)
        if request.form.get("grant_type") != "authorization_code":
            return _token_error("unsupported_grant_type")
        error, body = provider.redeem(
            request.form.get("code", ""),
            client.client_id,
            request.form.get("redirect_uri", ""),
            request.form.get("code_verifier", ""),
        )
        if error:
            return _token_error(error)
        response = jsonify(body)
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        auth = request.headers.get("Authorization", "")
        claims = provider.userinfo(auth[7:]) if auth.startswith("Bearer ") else None
        if claims is None:
            response = make_response(jsonify(error="invalid_token"), 401)
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        return jsonify(claims)

    @app.get("/end_session")
    def end_session():
        # RP-Initiated Logout 1.0 §2: the client by its id_token_hint, or by client_id alone
        # (what the portal sends: no ID token, with the person's CPR number, in a URL).
        hint = provider.verify_own(request.args.get("id_token_hint", ""))
        target = request.args.get("post_logout_redirect_uri")
        provider.close_sso(request.cookies.get(SSO_COOKIE))
        client = provider.clients.get(request.args.get("client_id", ""))
        if hint:
            aud = hint.get("aud")
            client = provider.clients.get(aud if isinstance(aud, str) else (aud or [""])[0])
        if client and target and target in client.post_logout_redirect_uris:
            state = request.args.get("state")
            response = redirect(target + (f"?{urlencode({'state': state})}" if state else ""))
        else:
            response = make_response(render_template("testidp/logged_out.html"))
        response.delete_cookie(SSO_COOKIE)
        return response

    @app.errorhandler(404)
    def not_found(_error):
        return render_template("testidp/error.html", reason="not_found"), 404

    @app.errorhandler(405)
    def method_not_allowed(_error):
        return render_template("testidp/error.html", reason="not_found"), 405

    return app
