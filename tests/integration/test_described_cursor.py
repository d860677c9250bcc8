"""On PostgreSQL the portal's cursor describes a result when the description is read
(portal.db.DescribedWhenRead): what it says must be what psycopg's own cursor says, and the
results SQLAlchemy builds from it must be the same."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import literal, select, text

from portal import db as database
from tests import services

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine():
    engine = database.make_engine(
        services.POSTGRES.replace("postgresql://", "postgresql+psycopg://")
    )
    yield engine
    engine.dispose()


def test_a_description_says_what_psycopgs_own_says():
    with (
        psycopg.connect(services.POSTGRES) as plain,
        psycopg.connect(services.POSTGRES, cursor_factory=database.DescribedWhenRead) as portal,
    ):
        query = "SELECT 1 AS one, 'to'::text AS two, now() AS three, NULL::date AS four"
        theirs, ours = plain.execute(query).description, portal.execute(query).description
        assert len(ours) == len(theirs) == 4
        assert [tuple(c) for c in ours] == [tuple(c) for c in theirs]
        assert [c.name for c in ours[1:3]] == ["two", "three"]
        assert ours[-1].type_code == theirs[-1].type_code
        # A statement without rows has no description, as with psycopg's cursor.
        assert portal.execute("SET search_path TO public").description is None
        # A result with no columns still has one ("SELECT ;").
        assert portal.execute("SELECT").description is not None


def test_a_description_read_after_the_cursor_moved_on_is_refused():
    with psycopg.connect(services.POSTGRES, cursor_factory=database.DescribedWhenRead) as portal:
        cursor = portal.cursor()
        first = cursor.execute("SELECT 1 AS one").description
        cursor.execute("SELECT 2 AS other, 3 AS more")
        with pytest.raises(RuntimeError):
            first[0]


def test_sqlalchemy_reads_rows_by_name_run_after_run(engine):
    # The first run builds the result's columns from the description; later runs reuse them.
    statement = select(
        literal(7).label("seven"), literal("syv").label("name"), text("now() AS moment")
    )
    with engine.connect() as connection:
        for _ in range(8):  # past psycopg's threshold for preparing the statement
            row = connection.execute(statement).one()
            assert (row.seven, row.name) == (7, "syv")
            assert row._mapping["moment"] is not None
        assert connection.execute(text("SELECT 1 WHERE false")).all() == []
        assert connection.execute(text("SET LOCAL work_mem = '8MB'")).returns_rows is False
