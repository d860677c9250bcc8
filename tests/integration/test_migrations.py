"""The schema comes from Alembic migrations, and the migrations agree with the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from portal import db as database
from portal import models  # noqa: F401 - registers the tables


def test_migrations_upgrade_from_empty_and_match_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, database.Base.metadata)
    engine.dispose()
    assert differences == []


def test_migrations_downgrade_to_empty_and_up_again(tmp_path_factory):
    from tests.conftest import _database_url, _drop_schema

    url = _database_url(tmp_path_factory, "roundtrip")
    try:
        database.upgrade(url)
        from alembic import command

        command.downgrade(database.alembic_config(url), "base")
        engine = create_engine(url)
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        engine.dispose()
        database.upgrade(url)
        engine = create_engine(url)
        assert {"citizen", "forloeb", "offer", "login_session", "audit_event"} <= set(
            inspect(engine).get_table_names()
        )
        engine.dispose()
    finally:
        _drop_schema(url)


def test_every_foreign_key_used_for_lists_has_an_index(database_url):
    engine = create_engine(database_url)
    inspector = inspect(engine)
    for table, column in [
        ("forloeb", "citizen_id"),
        ("offer", "forloeb_id"),
        ("citizen", "municipality_id"),
        ("audit_event", "subject_citizen_id"),
        ("login_session", "idle_expires_at"),
    ]:
        leading = {i["column_names"][0] for i in inspector.get_indexes(table)}
        uniques = {u["column_names"][0] for u in inspector.get_unique_constraints(table)}
        assert column in leading | uniques, f"{table}.{column} has no index"
    engine.dispose()
