"""Alembic environment: the URL comes from the caller (``portal.db.upgrade``) or the settings."""

from alembic import context

from portal import config as portal_config
from portal import models  # noqa: F401 - registers every table on Base.metadata
from portal.db import Base, make_engine

url = context.config.attributes.get("database_url") or portal_config.load()["DATABASE_URL"]


def run_migrations_offline() -> None:
    context.configure(
        url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = context.config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # render_as_batch lets later migrations alter columns on SQLite too. A batch copies a table
    # and drops the old one, which SQLite refuses while other tables' foreign keys point at it:
    # the checks are off during migrations (outside any transaction, or SQLite ignores it) and
    # the whole database is checked afterwards.
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        raw = connection.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=ON")
        broken = raw.execute("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"foreign keys broken by a migration: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
