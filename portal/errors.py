"""Error pages in plain Danish (and English). Nothing a user or a broker sends gives a bare 500.

An expired or missing CSRF token gets its own page, "Din session er udløbet", with a link back to
the page the person came from, so they can try again without losing their way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.wrappers import Response

from portal.auth.principal import safe_next
from portal.domain.danish import N_
from portal.services.transaction import ConcurrentChange, NotSaved

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorPage:
    title: str
    text: str


ERROR_PAGES = {
    "bad_request": ErrorPage(
        N_("Der er sket en fejl"),
        N_("Vi kunne ikke forstå det, din browser sendte. Gå tilbage, og prøv igen."),
    ),
    "forbidden": ErrorPage(
        N_("Du har ikke adgang til siden"),
        N_("Siden er ikke for dig. Har du brug for hjælp, så kontakt din kommune."),
    ),
    "not_found": ErrorPage(
        N_("Vi kan ikke finde siden"),
        N_(
            "Siden findes ikke, eller du har ikke adgang til den. "
            "Tjek adressen, eller gå til forsiden."
        ),
    ),
    "method_not_allowed": ErrorPage(
        N_("Der er sket en fejl"),
        N_("Siden kan ikke bruges på den måde. Gå tilbage, og prøv igen."),
    ),
    "too_many_requests": ErrorPage(
        N_("Prøv igen om lidt"),
        N_("Du har prøvet mange gange på kort tid. Vent et minut, og prøv så igen."),
    ),
    "too_large": ErrorPage(
        N_("Det, du sendte, er for stort"),
        N_("Der var for meget tekst eller for store filer. Gå tilbage, og send mindre."),
    ),
    "server_error": ErrorPage(
        N_("Der er sket en fejl hos os"),
        N_("Det er ikke din fejl. Vi har fået besked om fejlen. Prøv igen om lidt."),
    ),
    "not_saved": ErrorPage(
        N_("Vi kunne ikke gemme det"),
        N_("Det er ikke din fejl. Intet er gemt halvt. Gå tilbage, og prøv igen om lidt."),
    ),
    "changed": ErrorPage(
        N_("Sagen er lige blevet ændret"),
        N_("En anden har lige gjort noget i sagen. Gå tilbage, og se sagen igen."),
    ),
    "unavailable": ErrorPage(
        N_("Portalen kan ikke bruges lige nu"),
        N_("Det er ikke din fejl. Vi arbejder på det. Prøv igen om lidt."),
    ),
    "session_expired": ErrorPage(
        N_("Din session er udløbet"),
        N_(
            "Siden var åben for længe, eller du var logget af. Derfor kunne vi ikke gemme det, "
            "du sendte. Gå tilbage, og prøv igen."
        ),
    ),
}
PAGE_FOR_STATUS = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
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


# The free-text fields of the portal's forms (a caseworker's carry the action as a prefix:
# "beslutning-facts"). Their text is shown back on a page that says nothing was saved.
_TYPED = frozenset(
    {
        "worry_text", "health_text", "helps_text", "unavailable", "companion", "interpreter",
        "information", "comment", "reason", "text", "message", "advice", "facts", "assessment",
        "changes", "replacement", "early_reason", "note", "place", "doctor",
    }
)  # fmt: skip


def typed_text() -> list[str]:
    """What a person typed into the form they sent, when a POST could not be saved (the
    database went away): shown back to be copied, so nothing is lost. Only free text — never a
    token, a version or a choice — and only to the browser that sent it."""
    if request.method != "POST":
        return []
    from portal.templating import typed  # the page's own rule for text shown again

    try:
        fields = request.form.items(multi=True)
        return [
            typed(value).strip()
            for name, value in fields
            if name.rsplit("-", 1)[-1] in _TYPED and value.strip()
        ][:10]
    except Exception:  # a body that cannot be read keeps nothing, and fails nothing
        return []


def _render(name: str, status: int):
    page = ERROR_PAGES[name]
    kept = typed_text() if name in ("unavailable", "not_saved") else []
    return render_template("errors/error.html", page=page, way_back=_way_back(), kept=kept), status


UNKNOWN_HOST = (
    "Adressen er ikke portalens. Skriv portalens adresse i browseren.\n"
    "This address is not the portal's. Type the portal's address in the browser.\n"
)


def init_app(app: Flask) -> None:
    @app.errorhandler(SecurityError)
    def unknown_host(_error: SecurityError):
        # The Host header names a site other than PORTAL_BASE_URL's (production): nothing of the
        # request may build a page, not even a link, so the answer is two lines of text.
        return Response(UNKNOWN_HOST, 400, mimetype="text/plain")

    @app.errorhandler(CSRFError)
    def csrf_failed(_error: CSRFError):
        if request.endpoint == "auth.logout" and not current_user.is_authenticated:
            # The session has already ended, so there is nothing left to log out of.
            return redirect(url_for("auth.logged_out"))
        return _render("session_expired", 400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if request.blueprint == "api" or request.path.startswith("/api/"):
            message = API_STATUS_MESSAGES.get(code, error.description)
            return jsonify(error=message), code
        return _render(
            PAGE_FOR_STATUS.get(code, "bad_request" if code < 500 else "server_error"), code
        )

    @app.errorhandler(NotSaved)
    def not_saved(_error: NotSaved):
        log.warning("a write was not saved on %s %s", request.method, request.endpoint)
        return _render_or_fallback("not_saved", 503)

    @app.errorhandler(ConcurrentChange)
    def changed(_error: ConcurrentChange):
        return _render_or_fallback("changed", 409)

    @app.errorhandler(DBAPIError)
    def database_unavailable(error: DBAPIError):
        # The database is unreachable or refused the statement: a friendly page, never a 500
        # with a stack trace; the next request gets a fresh connection (pool_pre_ping).
        log.error(
            "database error on %s %s: %s",
            request.method,
            request.endpoint,
            type(error.orig).__name__ if error.orig is not None else type(error).__name__,
        )
        return _render_or_fallback("unavailable", 503)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.endpoint)
        return _render_or_fallback("server_error", 500)


# The machine API answers in JSON, in English, as the rest of it does.
API_STATUS_MESSAGES = {
    404: "No such resource.",
    405: "This method is not allowed here.",
    413: "The body is too large.",
    429: "Too many requests (or failed authentications) from here; retry after Retry-After "
    "seconds.",
}
API_MESSAGES = {
    "not_saved": "Nothing was saved. Try again later.",
    "changed": "The record changed meanwhile. Fetch it again.",
    "unavailable": "The service is unavailable. Try again later.",
    "server_error": "Something went wrong on our side. Try again later.",
}


def _render_or_fallback(name: str, status: int):
    if request.blueprint == "api":
        return jsonify(error=API_MESSAGES[name]), status
    try:
        return _render(name, status)
    except Exception:  # the layout itself failed (e.g. the database is down)
        log.warning("error page %s could not be rendered; the plain page was sent", name)
        return _fallback(), status, {"Content-Type": "text/html; charset=utf-8"}


def _fallback() -> str:
    """The plain page, with what was typed shown back (escaped) when a POST was not saved."""
    kept = typed_text()
    if not kept:
        return FALLBACK_PAGE
    texts = "".join(
        Markup('<p><label for="kept-{n}">Din tekst {n} / Your text {n}</label><br>'
               '<textarea id="kept-{n}" rows="4" cols="60" readonly>{text}</textarea></p>')
        .format(n=n, text=text)
        for n, text in enumerate(kept, start=1)
    )  # fmt: skip
    note = (
        "<h2>Det, du skrev, er ikke gemt</h2><p>Kopiér teksten, før du går tilbage.</p>"
        '<p lang="en">What you wrote is not saved. Copy it before you go back.</p>'
    )
    return FALLBACK_PAGE.replace("</body>", note + texts + "</body>")
