"""A page reads until it writes (portal.services.transaction): the statements of a page that
only reads run with no transaction open — no BEGIN, no ROLLBACK, and on PostgreSQL prepared
once per connection — and a write can never slip through while reading.

These tests use an app on a database of their own, bound to the engine as in production; the
other tests share one connection whose transaction is rolled back, where a page keeps that
transaction (and the same guards)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from portal import create_app
from portal import db as database
from portal.models import Concern, GuidanceShown, Municipality, Offer
from portal.services.demo_data import personas
from portal.services.demo_seed import seed_demo
from portal.services.transaction import (
    AlreadyExists,
    WriteWhileReading,
    only_reading,
    saved,
    stop_reading,
)
from tests.factories import (
    CPR_KEY,
    TODAY,
    caseworker_login,
    database_url_for,
    drop_schema,
    login,
    portal_settings,
    sent,
)
from tests.pages import text_of
from tests.processes import postgres_database


@pytest.fixture(scope="module")
def own_url(tmp_path_factory):
    url = database_url_for(tmp_path_factory, "reading")
    database.upgrade(url)
    engine = database.make_engine(url)
    with Session(engine) as db:
        seed_demo(db, CPR_KEY, TODAY)
    engine.dispose()
    yield url
    drop_schema(url)


@pytest.fixture
def portal(own_url, idp, work_idp):
    app = create_app(portal_settings(own_url, idp.url, work_idp.url))
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def engine(portal):
    return portal.extensions["db_engine"]


def in_transaction(dbapi_connection) -> bool:
    """Whether the driver's connection has a transaction open (psycopg or sqlite3)."""
    if hasattr(dbapi_connection, "info"):  # psycopg: 0 idle, 1 active, 2 in a transaction
        return dbapi_connection.info.transaction_status != 0
    return dbapi_connection.in_transaction


def look(client, path: str, engine) -> tuple:
    """Ask for the page; its answer, and each statement it sent with whether the connection was
    in a transaction then."""
    seen: list[tuple[str, bool]] = []

    def note(conn, _cursor, statement, *_rest):
        seen.append((statement.split()[0], in_transaction(conn.connection.dbapi_connection)))

    event.listen(engine, "after_cursor_execute", note)
    try:
        return client.get(path), seen
    finally:
        event.remove(engine, "after_cursor_execute", note)


def test_a_page_that_only_reads_sends_no_transaction(portal, engine):
    citizen = portal.test_client()
    assert login(citizen, "mette").status_code == 302
    assert citizen.get("/mit-forloeb").status_code == 200  # the login's session is saved
    page, seen = look(citizen, "/mit-forloeb", engine)
    assert page.status_code == 200 and "Mette" in text_of(page)
    assert len(seen) >= 3, "the session, the forløb, the concerns: all read"
    assert [s for s in seen if s[1]] == [], f"no statement in a transaction: {seen}"


@pytest.mark.postgres
def test_a_page_that_only_reads_is_prepared_once_per_connection(idp, work_idp):
    """psycopg prepares a statement from its fifth use on a connection and forgets them all at
    a ROLLBACK — which every page used to end with. PostgreSQL's own, whatever the run's."""
    with postgres_database() as url:
        engine = database.make_engine(url)
        with Session(engine) as db:
            seed_demo(db, CPR_KEY, TODAY)
        engine.dispose()
        app = create_app(portal_settings(url, idp.url, work_idp.url))
        try:
            citizen = app.test_client()
            assert login(citizen, "mette").status_code == 302
            for _ in range(6):
                assert citizen.get("/tilbud").status_code == 200
            # The pool's last used connection is the pages' own (LIFO).
            with app.extensions["db_engine"].connect() as connection:
                prepared = connection.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        finally:
            app.extensions["db_engine"].dispose()
    assert prepared >= 3, "the session read and the page's statements are prepared"


def test_a_page_that_writes_still_saves(portal, engine):
    """The offer page writes "saw the guidance" the first time: after the reading, in a
    transaction of its own."""
    citizen = portal.test_client()
    assert login(citizen, "mette").status_code == 302
    with Session(engine) as db:
        offer_id = db.scalar(select(Offer.id).where(Offer.external_id == "demo-offer-mette-1"))
        db.execute(GuidanceShown.__table__.delete())
        db.commit()
    assert citizen.get(f"/tilbud/{offer_id}").status_code == 200
    with Session(engine) as db:
        shown = db.scalar(select(func.count()).where(GuidanceShown.offer_id == offer_id))
    assert shown == 1


def test_a_write_while_reading_is_refused_however_it_is_sent(engine):
    db = sessionmaker(engine, expire_on_commit=False)()
    try:
        only_reading(db)
        place = db.scalar(select(Municipality).where(Municipality.code == "901"))
        name = place.name
        with pytest.raises(WriteWhileReading):
            db.execute(update(Municipality).values(name="Ændret"))
        with pytest.raises(WriteWhileReading):
            db.connection().exec_driver_sql("UPDATE municipality SET name = 'Ændret'")
        place.name = "Ændret"
        with pytest.raises(WriteWhileReading):
            db.flush()
    finally:
        db.close()
    with Session(engine) as fresh:
        assert fresh.scalar(select(Municipality.name).where(Municipality.code == "901")) == name


def test_saved_after_reading_is_one_transaction(engine):
    """All of a write or none of it, after a page's reading."""
    db = sessionmaker(engine, expire_on_commit=False)()
    try:
        only_reading(db)
        place = db.scalar(select(Municipality).where(Municipality.code == "901"))
        other = db.scalar(select(Municipality).where(Municipality.code != "901"))
        with pytest.raises(AlreadyExists), saved(db):
            db.execute(update(Municipality).where(Municipality.id == place.id).values(name="Ny"))
            db.execute(
                update(Municipality).where(Municipality.id == other.id).values(cvr=place.cvr)
            )
        with Session(engine) as fresh:
            assert fresh.get(Municipality, place.id).name != "Ny", "nothing of it was saved"
        with saved(db):
            db.execute(update(Municipality).where(Municipality.id == place.id).values(name="Ny"))
        with Session(engine) as fresh:
            assert fresh.get(Municipality, place.id).name == "Ny"
        with saved(db):
            db.execute(
                update(Municipality).where(Municipality.id == place.id).values(name=place.name)
            )
    finally:
        db.close()


def test_stop_reading_lets_the_session_write_again(engine):
    db = sessionmaker(engine, expire_on_commit=False)()
    try:
        only_reading(db)
        name = db.scalar(select(Municipality.name).where(Municipality.code == "901"))
        stop_reading(db)
        db.execute(update(Municipality).where(Municipality.code == "901").values(name=name))
        db.commit()
    finally:
        db.close()


def test_a_page_that_writes_its_access_log_reads_on_without_a_transaction(portal, engine):
    """The queue writes the caseworker's look, then counts: the counting is reading again, so
    the page ends without a ROLLBACK (which would forget the prepared statements)."""
    with Session(engine, expire_on_commit=False) as db:
        if db.scalar(select(func.count()).select_from(Concern)) == 0:
            sent(db, {persona.key: persona for persona in personas(TODAY)})
    caseworker = portal.test_client()
    assert caseworker_login(caseworker, "lone").status_code == 302
    assert caseworker.get("/sagsbehandler/bekymringer").status_code == 200
    page, seen = look(caseworker, "/sagsbehandler/bekymringer", engine)
    assert page.status_code == 200
    words = [word for word, _ in seen]
    assert "INSERT" in words, "the look is logged"
    assert "SAVEPOINT" not in words, "nothing before the write to keep: no savepoint"
    written = len(words) - words[::-1].index("INSERT")
    assert all(inside for _, inside in seen[words.index("INSERT") : written]), seen
    assert seen[written:] and not any(inside for _, inside in seen[written:]), seen
