"""Database plumbing for the app: one engine per app, one session per request, migrations.

The declarative base and the column types live in ``portal.models.base`` (no Flask there, so
the services can use them); they are re-exported here for the migrations. Services receive the
session from ``get_session()`` and own their transactions (``portal.services.transaction``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g
from psycopg.pq import ExecStatus
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from portal.models.base import Base, UTCDateTime, utcnow
from portal.services.transaction import (
    READING,
    refuse_flush_while_reading,
    refuse_orm_writes_while_reading,
    refuse_writes_while_reading,
)

__all__ = ["Base", "UTCDateTime", "get_session", "make_engine", "new_session", "utcnow"]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# A session that only reads (a page, until it writes) refuses to write: portal.services.transaction.
event.listen(Session, "do_orm_execute", refuse_orm_writes_while_reading)
event.listen(Session, "before_flush", refuse_flush_while_reading)


def make_engine(url: str) -> Engine:
    engine = _engine(url)
    event.listen(engine, "before_cursor_execute", refuse_writes_while_reading)
    return engine


def _engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that
            # DDL is transactional and savepoints work (SQLAlchemy's documented pysqlite recipe).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            # Foreign keys are off by default in SQLite; WAL lets readers work during a write.
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(connection):
            if not connection.get_execution_options().get(READING):  # only_reading: no BEGIN
                connection.exec_driver_sql("BEGIN")

        return engine
    # No ping before every checkout (a round trip per request): a connection the server dropped
    # fails its statement instead, SQLAlchemy then invalidates the whole pool, the person gets
    # the friendly "try again" page, and the next request connects afresh.
    # LIFO: a request that gives its connection back and takes one again (the session read,
    # then the page) gets the same, warm one.
    return create_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_recycle=1800,
        pool_use_lifo=True,
        connect_args={"cursor_factory": DescribedWhenRead},
    )


class DescribedWhenRead(psycopg.Cursor):
    """psycopg's cursor, its ``description`` built when it is read rather than after every
    statement.

    psycopg makes a Column object for each column of a result whenever ``description`` is asked
    for, and SQLAlchemy asks after every statement — but for a statement it has run before it
    only looks whether there is a description at all: its result's columns are known from the
    first time. A drawn front page reads 87 columns in three statements, and building them was
    about a tenth of each statement's time in Python (issue 27, docs/architecture.md §10)."""

    @property
    def description(self) -> Sequence | None:
        found = self.pgresult
        if found is None or not (found.nfields or found.status in _HAS_ROWS):
            return None  # psycopg's own rule: no result, or one without columns
        return _Description(self, found)


_HAS_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class _Description(Sequence):
    """The columns of one result, made by psycopg the first time one of them is read."""

    __slots__ = ("_columns", "_cursor", "_result")

    def __init__(self, cursor: psycopg.Cursor, result) -> None:
        self._cursor, self._result, self._columns = cursor, result, None

    def __len__(self) -> int:
        return self._result.nfields

    def __getitem__(self, index):
        if self._columns is None:
            if self._cursor.pgresult is not self._result:
                # Read after the cursor went on to another result: never describe the wrong one.
                raise RuntimeError("the cursor has moved on from the result it described")
            self._columns = psycopg.Cursor.description.fget(self._cursor)
        return self._columns[index]


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["db_engine"] = engine
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def new_session() -> Session:
    """A session outside the request's own (used where a write must not share its fate)."""
    return current_app.extensions["db_sessionmaker"]()


def get_session() -> Session:
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)
