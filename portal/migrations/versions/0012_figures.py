"""figures on the use of the right: when the guidance was first shown with an offer, a deleted
draft kept as an empty "discarded" row, indexes for counting concerns started and events of a
kind in a period, and API clients for the national figures

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STATUSES = (
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


def upgrade() -> None:
    op.create_table(
        "guidance_shown",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("shown_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("shown_to_role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offer.id"], name=op.f("fk_guidance_shown_offer_id_offer")
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_guidance_shown_citizen_id_citizen")
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_guidance_shown_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guidance_shown")),
        sa.UniqueConstraint("offer_id", name=op.f("uq_guidance_shown_offer_id")),
    )
    op.create_index(op.f("ix_guidance_shown_citizen_id"), "guidance_shown", ["citizen_id"])
    op.create_index(
        "ix_guidance_shown_municipality_id_shown_at",
        "guidance_shown",
        ["municipality_id", "shown_at"],
    )
    op.create_index("ix_concern_event_kind_occurred_at", "concern_event", ["kind", "occurred_at"])
    op.create_index(
        "ix_concern_municipality_id_created_at", "concern", ["municipality_id", "created_at"]
    )
    with op.batch_alter_table("concern") as batch:
        _replace_status_check(batch, (*_STATUSES, "discarded"))
    with op.batch_alter_table("api_client") as batch:
        batch.alter_column("municipality_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM api_client WHERE municipality_id IS NULL")
    with op.batch_alter_table("api_client") as batch:
        batch.alter_column("municipality_id", existing_type=sa.Integer(), nullable=False)
    op.execute(
        "DELETE FROM concern_event WHERE concern_id IN "
        "(SELECT id FROM concern WHERE status = 'discarded')"
    )
    op.execute("DELETE FROM concern WHERE status = 'discarded'")
    with op.batch_alter_table("concern") as batch:
        _replace_status_check(batch, _STATUSES)
    op.drop_index("ix_concern_municipality_id_created_at", table_name="concern")
    op.drop_index("ix_concern_event_kind_occurred_at", table_name="concern_event")
    op.drop_index("ix_guidance_shown_municipality_id_shown_at", table_name="guidance_shown")
    op.drop_index(op.f("ix_guidance_shown_citizen_id"), table_name="guidance_shown")
    op.drop_table("guidance_shown")


def _replace_status_check(batch, statuses: tuple[str, ...]) -> None:
    # As in 0008: SQLite's batch copy has no CHECK constraints to drop; PostgreSQL drops by name.
    if op.get_bind().dialect.name != "sqlite":
        batch.drop_constraint(op.f("ck_concern_concernstatus"), type_="check")
    allowed = ", ".join(f"'{status}'" for status in statuses)
    batch.create_check_constraint("concernstatus", sa.text(f"status IN ({allowed})"))
