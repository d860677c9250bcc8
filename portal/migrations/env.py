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
    # render_as_batch lets later migrations alter columns on SQLite too.
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
