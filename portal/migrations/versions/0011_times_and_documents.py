"""meeting times the citizen picks from, and documents attached to a concern; the queue puts a
concern whose citizen declined the offered times first

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meeting_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("form", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("video_url", sa.String(length=500), nullable=False),
        sa.Column("coordinator", sa.String(length=200), nullable=False),
        sa.Column("clinical_unit", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("proposed_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answered_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("chosen_time", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_meeting_proposal_concern_id_concern")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_proposal")),
    )
    op.create_index(op.f("ix_meeting_proposal_concern_id"), "meeting_proposal", ["concern_id"])
    op.create_table(
        "concern_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=50), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("added_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("added_by_role", sa.String(length=20), nullable=False),
        sa.Column("added_by_ref", sa.String(length=100), nullable=False),
        sa.Column("added_by_name", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_concern_document_concern_id_concern")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_concern_document")),
    )
    op.create_index(op.f("ix_concern_document_concern_id"), "concern_document", ["concern_id"])
    # The queue's groups make room for "the citizen declined the times" (0) before the rest.
    op.execute("UPDATE concern SET queue_group = queue_group + 1")
    with op.batch_alter_table("concern") as batch:
        batch.alter_column("queue_group", existing_type=sa.SmallInteger(), server_default="2")


def downgrade() -> None:
    op.execute(
        "UPDATE concern SET queue_group = CASE WHEN queue_group = 0 THEN 0 ELSE queue_group - 1 END"
    )
    with op.batch_alter_table("concern") as batch:
        batch.alter_column("queue_group", existing_type=sa.SmallInteger(), server_default="1")
    op.drop_index(op.f("ix_concern_document_concern_id"), table_name="concern_document")
    op.drop_table("concern_document")
    op.drop_index(op.f("ix_meeting_proposal_concern_id"), table_name="meeting_proposal")
    op.drop_table("meeting_proposal")
