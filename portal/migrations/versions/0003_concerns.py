"""concerns and their timeline

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 08:45:11.155902
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "concern",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "acknowledged",
                "meeting_booked",
                "advice_given",
                "decided",
                "closed",
                "withdrawn",
                name="concernstatus",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("steps_done", sa.Integer(), nullable=False),
        sa.Column("right_applies", sa.Boolean(), nullable=False),
        sa.Column("offer_started_when_sent", sa.Boolean(), nullable=True),
        sa.Column("held_offer_status", sa.String(length=20), nullable=True),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("created_by_role", sa.String(length=20), nullable=False),
        sa.Column("created_by_ref", sa.String(length=100), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_concern_citizen_id_citizen")
        ),
        sa.ForeignKeyConstraint(["offer_id"], ["offer.id"], name=op.f("fk_concern_offer_id_offer")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern")),
        sa.UniqueConstraint("reference", name=op.f("uq_concern_reference")),
    )
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.create_index(
            "ix_concern_citizen_id_created_at", ["citizen_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_concern_offer_id"), ["offer_id"], unique=False)
        batch_op.create_index(
            "uq_concern_offer_id_draft",
            ["offer_id"],
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )

    op.create_table(
        "concern_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_ref", sa.String(length=100), nullable=False),
        sa.Column("citizen_visible", sa.Boolean(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_concern_event_concern_id_concern")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_event")),
    )
    with op.batch_alter_table("concern_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_concern_event_concern_id_occurred_at", ["concern_id", "occurred_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("concern_event", schema=None) as batch_op:
        batch_op.drop_index("ix_concern_event_concern_id_occurred_at")

    op.drop_table("concern_event")
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_concern_offer_id_draft",
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )
        batch_op.drop_index(batch_op.f("ix_concern_offer_id"))
        batch_op.drop_index("ix_concern_citizen_id_created_at")

    op.drop_table("concern")
