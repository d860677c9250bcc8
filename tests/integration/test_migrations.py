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
    from tests.factories import database_url_for, drop_schema

    url = database_url_for(tmp_path_factory, "roundtrip")
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
        drop_schema(url)


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


def test_migration_0007_renames_the_stored_event_kinds(tmp_path_factory):
    """A concern from before keeps its timeline, now in past-tense kinds; a second booking is
    the meeting moved."""
    from sqlalchemy import text

    from tests.factories import database_url_for, drop_schema

    url = database_url_for(tmp_path_factory, "kinds")
    try:
        database.upgrade(url, "0006")
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO municipality (id, code, name, cvr, phone, email, website) "
                    "VALUES (1, '901', 'N', '11111111', '', '', '')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO citizen (id, cpr_hash, name, municipality_id, is_fictitious, "
                    "created_at, calendar_feed_version) "
                    "VALUES (1, 'h', 'M', 1, true, '2026-11-01 10:00:00+00', 1)"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO forloeb (id, external_id, citizen_id, start_date, "
                    "planned_end_date, legal_basis, goals, status) "
                    "VALUES (1, 'f', 1, '2025-01-01', '2027-01-01', 'LAB', '', 'active')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO offer (id, external_id, forloeb_id, kind, title, place, address, "
                    "start_date, weekdays, contact_name, contact_phone, contact_email, purpose, "
                    "accommodations, status) VALUES (1, 'o', 1, 'mentor', 'T', '', '', "
                    "'2026-12-10', '', '', '', '', '', '', 'planned')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO concern (id, citizen_id, offer_id, status, answers, steps_done, "
                    "right_applies, created_by_role, created_by_ref, created_at, updated_at, "
                    "version) VALUES (1, 1, 1, 'meeting_booked', '{}', 5, true, 'citizen', "
                    "'citizen:1', '2026-11-01 10:00:00+00', '2026-11-01 10:00:00+00', 1)"
                )
            )
            for minute, kind in enumerate(
                ["submitted", "acknowledge", "book_meeting", "book_meeting"]
            ):
                connection.execute(
                    text(
                        "INSERT INTO concern_event (concern_id, occurred_at, kind, actor_role, "
                        "actor_ref, citizen_visible, data) VALUES (1, :at, :kind, 'caseworker', "
                        "'caseworker:x', true, '{}')"
                    ),
                    {"at": f"2026-11-01 10:0{minute}:00+00", "kind": kind},
                )
            connection.execute(
                text(
                    "INSERT INTO notice (citizen_id, concern_id, kind, created_at) "
                    "VALUES (1, 1, 'acknowledge', '2026-11-01 10:01:00+00')"
                )
            )
        database.upgrade(url)
        with engine.connect() as connection:
            kinds = connection.scalars(text("SELECT kind FROM concern_event ORDER BY id")).all()
            notices = connection.scalars(text("SELECT kind FROM notice")).all()
        engine.dispose()
        assert kinds == ["submitted", "acknowledged", "meeting_booked", "meeting_moved"]
        assert notices == ["acknowledged"]
    finally:
        drop_schema(url)
