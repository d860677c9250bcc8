"""Shared fixtures: a migrated database, a live test IdP over HTTP, the portal, logins.

- The database is SQLite by default and PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` is set
  (each run gets a fresh schema there). Migrations, not ``create_all``, build it.
- Integration tests run each in a transaction that is rolled back afterwards.
- The test IdP is a real HTTP server in a thread; the portal reaches it only through discovery.
- Every HTML page the test client receives is checked by ``tests.pages`` automatically.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import sessionmaker
from werkzeug.serving import make_server

from portal import create_app
from portal import db as database
from portal.services.demo_data import personas, work_personas
from portal.services.demo_seed import seed_demo
from portal.testidp import create_app as create_idp
from portal.testidp.provider import Client, Provider
from tests.pages import assert_good_page

PORTAL_BASE = "http://localhost"
CPR_KEY = "test-cpr-key-0123456789abcdef0123456789"
CLIENT_SECRET = "test-client-secret"
WORK_CLIENT_SECRET = "test-work-client-secret"
EXPORT_TOKEN = "test-export-token-0123456789abcdef0123"
TODAY = date.today()


# -- database --------------------------------------------------------------------------------
def _database_url(tmp_path_factory: pytest.TempPathFactory, name: str) -> str:
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp(name) / 'portal.db'}"
    schema = f"portal_{name}_{os.getpid()}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


def _drop_schema(url: str) -> None:
    match = re.search(r"search_path%3D(\w+)", url)
    if match:
        admin = create_engine(os.environ["PORTAL_TEST_DATABASE_URL"])
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{match.group(1)}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url = _database_url(tmp_path_factory, "integration")
    database.upgrade(url)
    yield url
    _drop_schema(url)


# -- the test IdP ----------------------------------------------------------------------------
class LiveServer:
    """A WSGI app served over real HTTP on 127.0.0.1 in a background thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


@dataclass
class IdP:
    url: str
    provider: Provider
    client: Client
    path_prefix: str = ""

    def allow_portal(self, base_url: str) -> None:
        self.client.redirect_uris += (f"{base_url}{self.path_prefix}/auth/callback",)
        self.client.post_logout_redirect_uris += (f"{base_url}{self.path_prefix}/logget-af",)


def _live_idp(client: Client, people: tuple, path_prefix: str = "") -> tuple[LiveServer, IdP]:
    holder: dict = {}

    def app(environ, start_response):  # the issuer is only known once the port is
        return holder["app"](environ, start_response)

    server = LiveServer(app)
    holder["app"] = create_idp(server.url, [client], people, environment="test")
    live = IdP(server.url, holder["app"].extensions["testidp"], client, path_prefix)
    live.allow_portal(PORTAL_BASE)
    return server, live


@pytest.fixture(scope="session")
def idp() -> Iterator[IdP]:
    """The citizen's MitID test issuer."""
    server, live = _live_idp(Client("portal-citizen", CLIENT_SECRET, (), ()), personas(TODAY))
    yield live
    server.stop()


@pytest.fixture(scope="session")
def work_idp() -> Iterator[IdP]:
    """The caseworker's MitID Erhverv test issuer: another server, keys, clients, personas."""
    client = Client("portal-caseworker", WORK_CLIENT_SECRET, (), ())
    server, live = _live_idp(client, work_personas(), "/sagsbehandler")
    yield live
    server.stop()


@pytest.fixture(autouse=True)
def _idp_behaves(request) -> Iterator[None]:
    yield
    for name in ("idp", "work_idp"):
        if name in request.fixturenames:
            request.getfixturevalue(name).provider.behave()


# -- the portal ------------------------------------------------------------------------------
class CheckedClient(FlaskClient):
    """A test client that checks the quality of every HTML page it receives."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        if (
            response.mimetype == "text/html"
            and response.status_code != 302
            and "Content-Encoding" not in response.headers
        ):
            assert_good_page(response.get_data(as_text=True))
        return response


def portal_settings(
    database_url: str, idp_url: str, work_idp_url: str, base_url: str = PORTAL_BASE
) -> dict:
    return {
        "PORTAL_ENV": "test",
        "TESTING": True,
        "DATABASE_URL": database_url,
        "BASE_URL": base_url,
        "CPR_HASH_KEY": CPR_KEY,
        "HTTP_TIMEOUT": 2.0,
        "OIDC": {
            "citizen": {
                "issuer": idp_url,
                "client_id": "portal-citizen",
                "client_secret": CLIENT_SECRET,
                "claims_profile": "signaturgruppen",
                "scopes": "openid mitid ssn",
                "max_age": None,
            },
            "caseworker": {
                "issuer": work_idp_url,
                "client_id": "portal-caseworker",
                "client_secret": WORK_CLIENT_SECRET,
                "claims_profile": "mitid_erhverv",
                "scopes": "openid nemlogin",
                "max_age": None,
            },
        },
        "SERVICE_GOALS": {"acknowledge_days": 2, "meeting_days": 10},
        "EXPORT_TOKEN": EXPORT_TOKEN,
        "DELEGATION_DAYS": {"default": 365, "max": 1095},
    }


@pytest.fixture(scope="session")
def app(database_url: str, idp: IdP, work_idp: IdP) -> Flask:
    portal = create_app(portal_settings(database_url, idp.url, work_idp.url))
    portal.test_client_class = CheckedClient
    return portal


@pytest.fixture
def db(app: Flask):
    """A session in a transaction that is rolled back after the test, shared with the app.

    Every session the app opens during the test joins the same outer transaction
    ("rollback_only": their commits do not commit it), so a request's own session and the
    session store see each other's writes, as separate connections would after a commit.
    """
    engine = app.extensions["db_engine"]
    connection = engine.connect()
    transaction = connection.begin()
    original = app.extensions["db_sessionmaker"]
    app.extensions["db_sessionmaker"] = sessionmaker(
        bind=connection, join_transaction_mode="rollback_only", expire_on_commit=False
    )
    session = app.extensions["db_sessionmaker"]()
    try:
        yield session
    finally:
        session.close()
        app.extensions["db_sessionmaker"] = original
        transaction.rollback()
        connection.close()


@pytest.fixture
def demo(db) -> dict:
    seed_demo(db, CPR_KEY, TODAY)
    return {p.key: p for p in personas(TODAY)}


@pytest.fixture
def client(app: Flask, db) -> FlaskClient:
    return app.test_client()


class QueryCounter:
    def __init__(self, engine):
        self.engine = engine
        self.count = 0

    def __call__(self, *_args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self)


@pytest.fixture
def count_queries(app):
    return lambda: QueryCounter(app.extensions["db_engine"])


# -- logging in through the live IdP ---------------------------------------------------------
def idp_login_url(client: FlaskClient, path: str = "/login") -> str:
    response = client.get(path)
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def pick_persona(authorize_url: str, persona: str = "mette", action: str | None = None) -> str:
    """What a browser does at the IdP: open the picker, choose; returns the callback URL."""
    http = requests.Session()
    page = http.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text[:500]
    request_id = re.search(r'name="request_id" value="([^"]+)"', page.text).group(1)
    form = {"request_id": request_id}
    form.update({"action": action} if action else {"persona": persona})
    answer = http.post(
        f"{authorize_url.split('/authorize')[0]}/authorize",
        data=form,
        allow_redirects=False,
        timeout=15,
    )
    assert answer.status_code == 302, answer.text[:500]
    return answer.headers["Location"]


def callback_path(callback_url: str) -> str:
    parts = urlsplit(callback_url)
    return f"{parts.path}?{parts.query}"


def login(client: FlaskClient, persona: str = "mette"):
    callback = pick_persona(idp_login_url(client), persona)
    return client.get(callback_path(callback))


def caseworker_login(client: FlaskClient, persona: str = "lone"):
    """Log in at the MitID Erhverv test issuer; returns the portal's answer to the callback."""
    callback = pick_persona(idp_login_url(client, "/sagsbehandler/login"), persona)
    return client.get(callback_path(callback))


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def csrf_token(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True)).group(1)
