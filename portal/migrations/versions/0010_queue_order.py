"""the queue's order on the concern row: one index serves every page of the caseworker's queue

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("concern") as batch:
        batch.add_column(
            sa.Column("queue_group", sa.SmallInteger(), nullable=False, server_default="1")
        )
        batch.add_column(
            sa.Column("queue_day", sa.Date(), nullable=False, server_default="1970-01-01")
        )
    # A concern that holds its offer on hold comes first, by the offer's start day.
    op.execute(
        "UPDATE concern SET queue_group = 0, queue_day = "
        "(SELECT offer.start_date FROM offer WHERE offer.id = concern.offer_id) "
        "WHERE held_offer_status IS NOT NULL"
    )
    op.create_index(
        "ix_concern_queue",
        "concern",
        ["municipality_id", "queue_group", "queue_day", "submitted_at", "id"],
    )
    # The queue's counts per status: an index-only scan of the municipality's entries.
    op.create_index("ix_concern_municipality_id_status", "concern", ["municipality_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_concern_municipality_id_status", table_name="concern")
    op.drop_index("ix_concern_queue", table_name="concern")
    with op.batch_alter_table("concern") as batch:
        batch.drop_column("queue_day")
        batch.drop_column("queue_group")
