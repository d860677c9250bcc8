"""delegations (fuldmagter) from the portal and from Digital Fuldmagt

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("grantor_citizen_id", sa.Integer(), nullable=False),
        sa.Column("holder_cpr_hash", sa.String(length=64), nullable=False),
        sa.Column("holder_name", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("valid_from", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("valid_until", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["grantor_citizen_id"], ["citizen.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_delegation_holder_cpr_hash", "delegation", ["holder_cpr_hash"])
    op.create_index("ix_delegation_grantor_citizen_id", "delegation", ["grantor_citizen_id"])


def downgrade() -> None:
    op.drop_index("ix_delegation_grantor_citizen_id", table_name="delegation")
    op.drop_index("ix_delegation_holder_cpr_hash", table_name="delegation")
    op.drop_table("delegation")
