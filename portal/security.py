"""Security headers, the CSP nonce and cookie hardening, in one place for both apps.

Every response gets the same header set (asserted by one test). Pages are never cached by
shared caches, because most of them hold personal data; fingerprinted static files are cached
for a year.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Flask, g, request
from flask_wtf import CSRFProtect
from werkzeug.wrappers import Response

# Every POST needs a CSRF token, except machine endpoints marked @token_protected.
csrf = CSRFProtect()

STATIC_MAX_AGE = 365 * 24 * 3600


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str, form_targets: list[str]) -> str:
    # form-action also governs where a form's POST may redirect to (Chromium enforces it on
    # redirects), so the OpenID Provider's origin must be listed for "Log af".
    form_action = " ".join(["'self'", *form_targets])
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "manifest-src 'self'",
            f"form-action {form_action}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


def init_app(app: Flask, form_targets: Callable[[], list[str]] | None = None) -> None:
    """``form_targets`` names the origins a form may be sent (or redirected) to besides ours."""

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        # A stored file sets its own, stricter policy (portal.downloads): keep it.
        headers.setdefault(
            "Content-Security-Policy",
            content_security_policy(csp_nonce(), form_targets() if form_targets else []),
        )
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        headers["Referrer-Policy"] = "same-origin"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Cross-Origin-Resource-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        if request.is_secure or app.config.get("SESSION_COOKIE_SECURE"):
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint == "static":
            if request.args.get("v"):
                headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}, immutable"
        else:
            headers["Cache-Control"] = "no-store"
            headers.setdefault("Vary", "Cookie")
        return response
