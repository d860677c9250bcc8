"""the queue's counts per status come from a count the database keeps: concern_count, one row
per municipality, status and right, kept by triggers on concern (issue 27)

Counting a municipality's sent concerns by status read every one of them (an index-only scan
of 17,778 entries on the bench: 5 ms, a quarter of a drawn queue page), and the concerns that
are finished only ever grow. The triggers keep the count in the same transaction as the
change, whichever way a concern is written (the services, a bulk statement, the retention
job), so it cannot drift from the rows.

SQLite drops a table's triggers with the table: a later migration that rebuilds ``concern``
(``batch_alter_table``) must create them again (``create_triggers``);
``tests/integration/test_concern_count.py`` fails if they are gone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = (
    "draft",
    "submitted",
    "acknowledged",
    "meeting_booked",
    "meeting_held",
    "advice_given",
    "decided",
    "closed",
    "withdrawn",
    "discarded",
)

# A concern counted in its row of the count, and taken out of its old one: the same statements
# for both databases (qualified, as PostgreSQL's ON CONFLICT needs).
_ADD = (
    "INSERT INTO concern_count (municipality_id, status, right_applies, concerns) "
    "VALUES (NEW.municipality_id, NEW.status, NEW.right_applies, 1) "
    "ON CONFLICT (municipality_id, status, right_applies) "
    "DO UPDATE SET concerns = concern_count.concerns + 1;"
)
_REMOVE = (
    "UPDATE concern_count SET concerns = concerns - 1 WHERE municipality_id = OLD.municipality_id "
    "AND status = OLD.status AND right_applies = OLD.right_applies;"
)
_CHANGED = (
    "OLD.municipality_id IS DISTINCT FROM NEW.municipality_id "
    "OR OLD.status IS DISTINCT FROM NEW.status "
    "OR OLD.right_applies IS DISTINCT FROM NEW.right_applies"
)

# PostgreSQL: one function for the three triggers. When a concern moves from one row of the
# count to another, the two rows are locked in the order of their keys, so two transactions
# moving concerns in opposite directions (booked → acknowledged, acknowledged → booked) wait
# for each other instead of deadlocking.
_POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION concern_count_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_ADD}
    ELSIF TG_OP = 'DELETE' THEN
        {_REMOVE}
    ELSIF (NEW.municipality_id, NEW.status, NEW.right_applies)
            < (OLD.municipality_id, OLD.status, OLD.right_applies) THEN
        {_ADD}
        {_REMOVE}
    ELSE
        {_REMOVE}
        {_ADD}
    END IF;
    RETURN NULL;
END
$$
"""
_POSTGRESQL_TRIGGERS = (
    "CREATE TRIGGER concern_count_on_insert AFTER INSERT ON concern "
    "FOR EACH ROW EXECUTE FUNCTION concern_count_follows()",
    "CREATE TRIGGER concern_count_on_delete AFTER DELETE ON concern "
    "FOR EACH ROW EXECUTE FUNCTION concern_count_follows()",
    "CREATE TRIGGER concern_count_on_update AFTER UPDATE OF municipality_id, status, right_applies "
    f"ON concern FOR EACH ROW WHEN ({_CHANGED}) EXECUTE FUNCTION concern_count_follows()",
)

# SQLite writes one transaction at a time: no order of locks to keep.
_SQLITE_TRIGGERS = (
    f"CREATE TRIGGER concern_count_on_insert AFTER INSERT ON concern BEGIN {_ADD} END",
    f"CREATE TRIGGER concern_count_on_delete AFTER DELETE ON concern BEGIN {_REMOVE} END",
    "CREATE TRIGGER concern_count_on_update AFTER UPDATE OF municipality_id, status, right_applies "
    f"ON concern WHEN {_CHANGED.replace('IS DISTINCT FROM', 'IS NOT')} "
    f"BEGIN {_REMOVE} {_ADD} END",
)


def create_triggers() -> None:
    """The triggers that keep concern_count (again, after a migration that rebuilt concern on
    SQLite)."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRESQL_TRIGGERS if postgresql else _SQLITE_TRIGGERS:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "concern_count",
        sa.Column("municipality_id", sa.Integer(), primary_key=True),
        sa.Column(
            "status",
            sa.Enum(
                *STATUSES,
                native_enum=False,
                create_constraint=True,
                length=30,
                name="concernstatus",
            ),
            primary_key=True,
        ),
        sa.Column("right_applies", sa.Boolean(), primary_key=True),
        sa.Column("concerns", sa.Integer(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_POSTGRESQL_FUNCTION)
    create_triggers()
    # The concerns already there, counted once; the triggers count every change from now on.
    op.execute(
        "INSERT INTO concern_count (municipality_id, status, right_applies, concerns) "
        "SELECT municipality_id, status, right_applies, count(*) FROM concern "
        "GROUP BY municipality_id, status, right_applies"
    )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in ("insert", "delete", "update"):
        op.execute(
            f"DROP TRIGGER concern_count_on_{trigger}" + (" ON concern" if postgresql else "")
        )
    if postgresql:
        op.execute("DROP FUNCTION concern_count_follows()")
    op.drop_table("concern_count")
