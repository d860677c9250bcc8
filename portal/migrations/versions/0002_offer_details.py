"""offer details, weekly schedule, calendar feed version

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 08:22:49.494856
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Existing rows get empty texts and feed version 1 (server defaults), so the upgrade works on a
# database that already holds offers.


def upgrade() -> None:
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("calendar_feed_version", sa.Integer(), nullable=False, server_default="1")
        )

    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("address", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("weekdays", sa.String(length=30), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("day_starts_at", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("day_ends_at", sa.Time(), nullable=True))
        batch_op.add_column(
            sa.Column("hours_per_week", sa.Numeric(precision=4, scale=1), nullable=True)
        )
        batch_op.add_column(
            sa.Column("contact_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("contact_phone", sa.String(length=30), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("contact_email", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("purpose", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("accommodations", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_column("accommodations")
        batch_op.drop_column("purpose")
        batch_op.drop_column("contact_email")
        batch_op.drop_column("contact_phone")
        batch_op.drop_column("contact_name")
        batch_op.drop_column("hours_per_week")
        batch_op.drop_column("day_ends_at")
        batch_op.drop_column("day_starts_at")
        batch_op.drop_column("weekdays")
        batch_op.drop_column("address")

    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.drop_column("calendar_feed_version")
