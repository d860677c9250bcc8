"""municipal boundaries: API clients per municipality; a forløb (and each of its concerns)
belongs to one municipality for good

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "api_client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("scopes", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("rotated_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_api_client_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_client")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_client_token_hash")),
    )
    op.create_index(op.f("ix_api_client_municipality_id"), "api_client", ["municipality_id"])

    # Each forløb belongs to the municipality its citizen had when it was imported; each concern
    # to its forløb's municipality.
    with op.batch_alter_table("forloeb") as batch:
        batch.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE forloeb SET municipality_id = "
        "(SELECT citizen.municipality_id FROM citizen WHERE citizen.id = forloeb.citizen_id)"
    )
    with op.batch_alter_table("forloeb") as batch:
        batch.alter_column("municipality_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_forloeb_municipality_id_municipality"),
            "municipality",
            ["municipality_id"],
            ["id"],
        )
        batch.create_index(op.f("ix_forloeb_municipality_id"), ["municipality_id"])

    with op.batch_alter_table("concern") as batch:
        batch.add_column(sa.Column("municipality_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE concern SET municipality_id = (SELECT forloeb.municipality_id FROM offer "
        "JOIN forloeb ON forloeb.id = offer.forloeb_id WHERE offer.id = concern.offer_id)"
    )
    with op.batch_alter_table("concern") as batch:
        batch.alter_column("municipality_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            op.f("fk_concern_municipality_id_municipality"),
            "municipality",
            ["municipality_id"],
            ["id"],
        )
        batch.create_index(
            "ix_concern_municipality_id_updated_at_id", ["municipality_id", "updated_at", "id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("concern") as batch:
        batch.drop_index("ix_concern_municipality_id_updated_at_id")
        batch.drop_constraint(op.f("fk_concern_municipality_id_municipality"), type_="foreignkey")
        batch.drop_column("municipality_id")
    with op.batch_alter_table("forloeb") as batch:
        batch.drop_index(op.f("ix_forloeb_municipality_id"))
        batch.drop_constraint(op.f("fk_forloeb_municipality_id_municipality"), type_="foreignkey")
        batch.drop_column("municipality_id")
    op.drop_index(op.f("ix_api_client_municipality_id"), table_name="api_client")
    op.drop_table("api_client")
