"""every page says whom to call: the municipality's opening hours (case data); and the answers to
"Var det let at bruge?", without a person

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as batch:
        batch.add_column(
            sa.Column("opening_hours", sa.String(200), nullable=False, server_default="")
        )
    op.create_table(
        "usability_answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("municipality_id", sa.Integer(), sa.ForeignKey("municipality.id"), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("page", sa.String(40), nullable=False),
        sa.Column("easy", sa.Boolean(), nullable=False),
    )
    op.create_index(
        "ix_usability_answer_municipality_id_answered_on",
        "usability_answer",
        ["municipality_id", "answered_on"],
    )


def downgrade() -> None:
    op.drop_index("ix_usability_answer_municipality_id_answered_on", "usability_answer")
    op.drop_table("usability_answer")
    with op.batch_alter_table("municipality") as batch:
        batch.drop_column("opening_hours")
