"""indexes for the caseworker's queue and the concern export

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_concern_status_submitted_at", "concern", ["status", "submitted_at"])
    op.create_index("ix_concern_updated_at_id", "concern", ["updated_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_concern_updated_at_id", table_name="concern")
    op.drop_index("ix_concern_status_submitted_at", table_name="concern")
