"""the right by the rules: the coordinator meeting as a record (held or not held), the comment
period on the advice, the municipality's region, the reason a forløb started after the stop

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:00:00
"""

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# "meeting_held" is new: the meeting takes place before the coordinator's advice (BEK 2409 § 3).
STATUSES = ", ".join(
    f"'{status}'"
    for status in (
        "draft",
        "submitted",
        "acknowledged",
        "meeting_booked",
        "meeting_held",
        "advice_given",
        "decided",
        "closed",
        "withdrawn",
    )
)


def upgrade() -> None:
    op.create_table(
        "coordinator_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("form", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("coordinator", sa.String(length=200), nullable=False),
        sa.Column("clinical_unit", sa.String(length=200), nullable=False),
        sa.Column("moves", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=False),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["concern_id"],
            ["concern.id"],
            name=op.f("fk_coordinator_meeting_concern_id_concern"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordinator_meeting")),
    )
    op.create_index(
        op.f("ix_coordinator_meeting_concern_id"), "coordinator_meeting", ["concern_id"]
    )
    with op.batch_alter_table("concern") as batch:
        batch.add_column(sa.Column("comment_until", sa.Date(), nullable=True))
        _replace_status_check(batch, STATUSES)
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column("region", sa.String(length=30), nullable=False, server_default="")
        )
    with op.batch_alter_table("forloeb") as batch:
        batch.add_column(
            sa.Column("start_after_stop_reason", sa.Text(), nullable=False, server_default="")
        )
    _meetings_from_the_timeline()


def _replace_status_check(batch, statuses: str) -> None:
    # SQLite's batch mode copies the table without its CHECK constraints, so there is nothing
    # to drop there; PostgreSQL drops it by name.
    if op.get_bind().dialect.name != "sqlite":
        batch.drop_constraint(op.f("ck_concern_concernstatus"), type_="check")
    batch.create_check_constraint("concernstatus", sa.text(f"status IN ({statuses})"))


def _meetings_from_the_timeline() -> None:
    """A concern whose meeting was booked before this revision gets its meeting as a record,
    from the last booking in its timeline (a time without a zone is Danish local time)."""
    from zoneinfo import ZoneInfo

    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT e.concern_id, e.data, c.status FROM concern_event e "
            "JOIN concern c ON c.id = e.concern_id "
            "WHERE e.kind IN ('meeting_booked', 'meeting_moved') ORDER BY e.occurred_at, e.id"
        )
    ).all()
    latest: dict[int, tuple[dict, str, int]] = {}
    for concern_id, data, status in rows:
        data = json.loads(data) if isinstance(data, str) else (data or {})
        moves = latest[concern_id][2] + 1 if concern_id in latest else 0
        latest[concern_id] = (data, status, moves)
    now = datetime.now(UTC)
    table = sa.table(
        "coordinator_meeting",
        *(
            sa.column(name)
            for name in (
                "concern_id",
                "starts_at",
                "form",
                "place",
                "video_url",
                "coordinator",
                "clinical_unit",
                "moves",
                "outcome",
                "outcome_note",
                "participants",
                "created_at",
                "updated_at",
            )
        ),
    )
    for concern_id, (data, status, moves) in latest.items():
        try:
            starts_at = datetime.fromisoformat(data.get("meeting_at", ""))
        except ValueError:
            continue
        if starts_at.tzinfo is None:
            starts_at = starts_at.replace(tzinfo=ZoneInfo("Europe/Copenhagen"))
        bind.execute(
            table.insert().values(
                concern_id=concern_id,
                starts_at=starts_at.astimezone(UTC),
                form=data.get("form", "in_person"),
                place=data.get("place", ""),
                video_url="",
                coordinator=data.get("coordinator", ""),
                clinical_unit=data.get("clinical_unit", ""),
                moves=moves,
                # Before this revision advice followed the booking directly: held, as recorded.
                outcome=None if status == "meeting_booked" else "held",
                outcome_note="",
                participants=[],
                created_at=now,
                updated_at=now,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("forloeb") as batch:
        batch.drop_column("start_after_stop_reason")
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("region")
    with op.batch_alter_table("concern") as batch:
        batch.drop_column("comment_until")
        _replace_status_check(batch, STATUSES.replace(", 'meeting_held'", ""))
    op.drop_index(op.f("ix_coordinator_meeting_concern_id"), table_name="coordinator_meeting")
    op.drop_table("coordinator_meeting")
