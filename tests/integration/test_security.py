"""The security baseline: headers in one place, CSRF, default-deny routes, error pages."""

from __future__ import annotations

import re

import pytest

from tests.factories import csrf_token, login

PUBLIC_ENDPOINTS = {
    "static",
    "public.start",
    "public.contact",
    "public.privacy",
    "public.accessibility",
    "public.was",
    "auth.login",
    "auth.callback",
    "auth.logout",
    "auth.logged_out",
    "auth.caseworker_login",
    "auth.caseworker_callback",
    "auth.caseworker_logged_out",
    "casework.start",
    "citizen.calendar_feed",  # the signed, revocable token in the URL is the key
    "rules.index",
    "rules.page",
    "rules.glossary",
    "api.openapi",  # the API's contract: no data, for the case systems' developers
    "ops.health",  # the load balancer's: alive
    "ops.ready",  # and able to serve (no data in the answer)
}


TOKEN_ENDPOINTS = {
    "api.case_import",
    "api.export_concerns",
    "api.document",
    "api.figures_of_the_right",
    "ops.metrics",
}


def test_every_route_is_public_by_list_or_needs_a_role(app):
    public, token, protected, unmarked = set(), set(), set(), set()
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if access == "public" or rule.endpoint == "static":
            public.add(rule.endpoint)
        elif access == "token":
            token.add(rule.endpoint)
        elif isinstance(access, frozenset) and access:
            protected.add(rule.endpoint)
        else:
            unmarked.add(rule.endpoint)
    assert not unmarked
    assert public == PUBLIC_ENDPOINTS, "a new public route must be added to the list on purpose"
    assert token == TOKEN_ENDPOINTS, "so must a new machine (bearer token) route"


def test_every_protected_get_route_sends_an_anonymous_visitor_to_login(app, client):
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if access in ("public", "token") or rule.endpoint == "static" or "GET" not in rule.methods:
            continue
        url = rule.build({arg: 1 for arg in rule.arguments})[1]
        response = client.get(url)
        assert response.status_code == 302, rule.endpoint
        start = "/?next=" if "citizen" in access else "/sagsbehandler/?next="
        assert response.headers["Location"].startswith(start), rule.endpoint


def test_security_headers_are_set_on_every_page(client):
    response = client.get("/")
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    assert f'nonce="{nonce}"' in response.get_data(as_text=True)
    assert "default-src 'none'" in csp
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp
    assert "style-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Content-Security-Policy"] != csp, "a fresh nonce each time"


def test_fingerprinted_static_files_are_cached_for_a_year(client):
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/portal\.css\?v=\w+)"', page).group(1)
    response = client.get(css)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "portal_session" not in response.headers.get("Set-Cookie", "")


def test_pages_are_compressed(client):
    response = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_a_post_without_csrf_token_is_refused_with_a_way_back(client, demo):
    login(client, "mette")
    response = client.post(
        "/session/extend", data={}, headers={"Referer": "http://localhost/mit-forloeb"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Din session er udløbet" in page
    assert 'href="/mit-forloeb"' in page
    assert client.get("/mit-forloeb").status_code == 200, "still logged in"


def test_logout_without_csrf_token_does_not_log_out(client, demo):
    login(client, "mette")
    response = client.post("/logout", data={})
    assert response.status_code == 400
    assert client.get("/mit-forloeb").status_code == 200


def test_logout_after_the_session_ended_just_says_logged_out(client):
    response = client.post("/logout", data={})
    assert response.headers["Location"] == "/logget-af"


@pytest.mark.parametrize(
    ("method", "url", "status", "text"),
    [
        ("get", "/findes-ikke", 404, "Vi kan ikke finde siden"),
        ("get", "/logout", 405, "Siden kan ikke bruges på den måde"),
        ("post", "/", 405, "Siden kan ikke bruges på den måde"),
    ],
)
def test_error_pages_are_in_plain_danish(client, method, url, status, text):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert text in response.get_data(as_text=True)


def test_an_unexpected_error_gives_a_danish_page_and_is_logged(database_url, idp, work_idp, caplog):
    from portal import create_app
    from portal.auth.principal import public
    from tests.factories import CheckedClient, portal_settings

    app = create_app(portal_settings(database_url, idp.url, work_idp.url))
    app.test_client_class = CheckedClient

    @public
    def broken():
        raise RuntimeError("boom")

    app.add_url_rule("/broken", "broken", broken)
    response = app.test_client().get("/broken")
    assert response.status_code == 500
    assert "Der er sket en fejl hos os" in response.get_data(as_text=True)
    assert "RuntimeError: boom" in caplog.text


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "evil.example", "portal.example.evil"])
@pytest.mark.parametrize("path", ["/", "/health", "/mit-forloeb", "/api/v1/concerns"])
def test_another_host_is_refused_with_two_plain_lines_not_a_500(
    database_url, idp, work_idp, host, path
):
    """In production only PORTAL_BASE_URL's host is served. The error page itself used to read
    the host for its way back, and so answered a stranger's Host header with 500."""
    from portal import create_app
    from tests.factories import portal_settings

    app = create_app(
        portal_settings(database_url, idp.url, work_idp.url) | {"TRUSTED_HOSTS": ["portal.example"]}
    )
    answer = app.test_client().get(path, headers={"Host": host})
    assert answer.status_code == 400
    assert answer.mimetype == "text/plain"
    assert "Adressen er ikke portalens" in answer.get_data(as_text=True)
    assert app.test_client().get("/health", headers={"Host": "portal.example"}).status_code == 200
    app.extensions["db_engine"].dispose()


def test_an_oversized_request_is_refused_not_crashed(client):
    response = client.post("/logout", data={"x": "a" * (2 * 1024 * 1024)})
    assert response.status_code == 413


def test_language_switch_keeps_the_page_and_is_remembered(client):
    english = client.get("/kontakt?lang=en")
    page = english.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Contact and help" in page
    assert 'href="/kontakt?lang=da"' in page
    assert "Contact and help" in client.get("/kontakt").get_data(as_text=True)
    assert "Kontakt og hjælp" in client.get("/kontakt?lang=da").get_data(as_text=True)


def test_front_page_in_english_with_english_dates(client, demo):
    login(client, "mette")
    page = client.get("/mit-forloeb?lang=en").get_data(as_text=True)
    assert "Hello Mette Testesen." in page
    assert re.search(
        r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d+ \w+ 20\d\d", page
    )


def test_danish_dates_are_in_long_form(client, demo):
    login(client, "mette")
    page = client.get("/mit-forloeb").get_data(as_text=True)
    assert re.search(
        r"(mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag) den \d+\. \w+ 20\d\d", page
    )
    assert "om 9 dage" in page


def test_health_endpoint_checks_the_database(client):
    assert client.get("/health").get_json() == {"status": "ok"}


def test_csrf_token_is_present_on_post_forms(client, demo):
    login(client, "mette")
    assert csrf_token(client.get("/mit-forloeb"))
