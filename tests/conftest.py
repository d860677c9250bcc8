"""Shared fixtures: a migrated database, a live test IdP over HTTP, the portal, logins.

- The database is SQLite by default and PostgreSQL when ``PORTAL_TEST_DATABASE_URL`` is set
  (each run gets a fresh schema there). Migrations, not ``create_all``, build it.
- Integration tests run each in a transaction that is rolled back afterwards.
- The test IdP is a real HTTP server in a thread; the portal reaches it only through discovery.
- Every HTML page the test client receives is checked by ``tests.pages`` automatically.
- Tests marked ``postgres`` or ``redis`` need that service and are skipped, in one summary line
  each, where it does not answer; the other Redis tests get a stand-in (``tests.services``).
"""

from __future__ import annotations

import os

# Unset, PORTAL_ENV means production (the portal fails closed); a test run says what it is, so
# plain `pytest` works as `make test` does.
os.environ["PORTAL_ENV"] = "test"

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from portal import create_app
from portal import db as database
from portal.services.demo_data import personas, work_personas
from portal.services.demo_seed import seed_demo
from portal.testidp import create_app as create_idp
from portal.testidp.provider import Client, Provider
from tests import services
from tests.factories import (
    CLIENT_SECRET,
    CPR_KEY,
    PORTAL_BASE,
    TODAY,
    WORK_CLIENT_SECRET,
    CheckedClient,
    LiveServer,
    database_url_for,
    drop_schema,
    portal_settings,
)


# -- the outside services ----------------------------------------------------------------------
def pytest_report_header() -> str:
    return services.header()


def pytest_sessionstart(session: pytest.Session) -> None:
    # CI (.ci/run) runs everything against the real services: a missing one is an error there.
    if os.environ.get("PORTAL_TEST_REQUIRE_SERVICES"):
        missing = [why for service in ("postgres", "redis") if (why := services.missing(service))]
        if missing:
            raise pytest.UsageError(
                "PORTAL_TEST_REQUIRE_SERVICES is set, but " + "; ".join(missing)
            )


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Before any fixture starts the service; skipped here, not by a mark, so pytest's summary
    # folds them into one line per service.
    for service in ("postgres", "redis"):
        if item.get_closest_marker(service) and (why := services.missing(service)):
            pytest.skip(why)


# -- database --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url = database_url_for(tmp_path_factory, "integration")
    database.upgrade(url)
    yield url
    drop_schema(url)


# -- the test IdP ----------------------------------------------------------------------------
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
    """The SQL statements sent to ``engine`` inside the ``with`` block, and how many."""

    def __init__(self, engine):
        self.engine = engine
        self.count = 0
        self.statements: list[str] = []

    def __call__(self, _connection, _cursor, statement, *_rest):
        self.count += 1
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc):
        event.remove(self.engine, "before_cursor_execute", self)


@pytest.fixture
def count_queries(app):
    return lambda: QueryCounter(app.extensions["db_engine"])
