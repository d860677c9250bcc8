"""Error pages in plain Danish (and English). Nothing a user or a broker sends gives a bare 500.

An expired or missing CSRF token gets its own page, "Din session er udløbet", with a link back to
the page the person came from, so they can try again without losing their way.
"""

from __future__ import annotations

import logging

from flask import Flask, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.auth.principal import safe_next

log = logging.getLogger(__name__)

PAGES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "bad_request",
    429: "too_many_requests",
    500: "server_error",
}


FALLBACK_PAGE = """<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8"><title>Der er sket en fejl hos os</title></head>
<body><h1>Der er sket en fejl hos os</h1><p>Det er ikke din fejl. Prøv igen om lidt.</p>
<p lang="en">Something went wrong on our side. Please try again in a moment.</p></body></html>"""


def _way_back() -> str:
    referrer = request.referrer or ""
    host = request.host_url
    if referrer.startswith(host):
        path = safe_next("/" + referrer[len(host) :])
        if path:
            return path
    return url_for("public.start")


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(_error: CSRFError):
        if request.endpoint == "auth.logout" and not current_user.is_authenticated:
            # The session has already ended, so there is nothing left to log out of.
            return redirect(url_for("auth.logged_out"))
        return render_template("errors/session_expired.html", way_back=_way_back()), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        page = PAGES.get(code, "bad_request" if code < 500 else "server_error")
        response = render_template(f"errors/{page}.html", way_back=_way_back())
        return response, code

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.endpoint)
        try:
            return render_template("errors/server_error.html", way_back=_way_back()), 500
        except Exception:  # the layout itself failed (e.g. the database is down)
            log.exception("error page could not be rendered")
            return FALLBACK_PAGE, 500, {"Content-Type": "text/html; charset=utf-8"}
