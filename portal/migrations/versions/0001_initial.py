"""initial schema: people, forloeb, offers, sessions, audit

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-23 08:03:35.849429
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("idle_expires_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("absolute_expires_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_session_idle_expires_at"), ["idle_expires_at"], unique=False
        )

    op.create_table(
        "municipality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("cvr", sa.String(length=8), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("website", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality")),
        sa.UniqueConstraint("code", name=op.f("uq_municipality_code")),
        sa.UniqueConstraint("cvr", name=op.f("uq_municipality_cvr")),
    )
    op.create_table(
        "caseworker",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("professional_id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=30), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("is_fictitious", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_caseworker_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caseworker")),
        sa.UniqueConstraint("professional_id", name=op.f("uq_caseworker_professional_id")),
    )
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_caseworker_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "citizen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cpr_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("is_fictitious", sa.Boolean(), nullable=False),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_citizen_municipality_id_municipality"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizen")),
        sa.UniqueConstraint("cpr_hash", name=op.f("uq_citizen_cpr_hash")),
    )
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_citizen_municipality_id"), ["municipality_id"], unique=False
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_role", sa.String(length=20), nullable=False),
        sa.Column("actor_ref", sa.String(length=100), nullable=False),
        sa.Column("on_behalf_of_citizen_id", sa.Integer(), nullable=True),
        sa.Column("subject_citizen_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["on_behalf_of_citizen_id"],
            ["citizen.id"],
            name=op.f("fk_audit_event_on_behalf_of_citizen_id_citizen"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_citizen_id"],
            ["citizen.id"],
            name=op.f("fk_audit_event_subject_citizen_id_citizen"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_event_subject_citizen_id_occurred_at",
            ["subject_citizen_id", "occurred_at"],
            unique=False,
        )

    op.create_table(
        "forloeb",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("citizen_id", sa.Integer(), nullable=False),
        sa.Column("caseworker_id", sa.Integer(), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("planned_end_date", sa.Date(), nullable=False),
        sa.Column("legal_basis", sa.String(length=200), nullable=False),
        sa.Column("goals", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "ended",
                name="forloebstatus",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["caseworker_id"], ["caseworker.id"], name=op.f("fk_forloeb_caseworker_id_caseworker")
        ),
        sa.ForeignKeyConstraint(
            ["citizen_id"], ["citizen.id"], name=op.f("fk_forloeb_citizen_id_citizen")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forloeb")),
        sa.UniqueConstraint("external_id", name=op.f("uq_forloeb_external_id")),
    )
    with op.batch_alter_table("forloeb", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_forloeb_caseworker_id"), ["caseworker_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_forloeb_citizen_id"), ["citizen_id"], unique=False)

    op.create_table(
        "offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("external_id", sa.String(length=100), nullable=False),
        sa.Column("forloeb_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "virksomhedspraktik",
                "loentilskud",
                "vejledning_opkvalificering",
                "mentor",
                "health_effort",
                "social_effort",
                name="offerkind",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "active",
                "on_hold",
                "ended",
                "cancelled",
                name="offerstatus",
                native_enum=False,
                create_constraint=True,
                length=30,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["forloeb_id"], ["forloeb.id"], name=op.f("fk_offer_forloeb_id_forloeb")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer")),
        sa.UniqueConstraint("external_id", name=op.f("uq_offer_external_id")),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_offer_forloeb_id_start_date", ["forloeb_id", "start_date"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index("ix_offer_forloeb_id_start_date")

    op.drop_table("offer")
    with op.batch_alter_table("forloeb", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_forloeb_citizen_id"))
        batch_op.drop_index(batch_op.f("ix_forloeb_caseworker_id"))

    op.drop_table("forloeb")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_subject_citizen_id_occurred_at")

    op.drop_table("audit_event")
    with op.batch_alter_table("citizen", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizen_municipality_id"))

    op.drop_table("citizen")
    with op.batch_alter_table("caseworker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caseworker_municipality_id"))

    op.drop_table("caseworker")
    op.drop_table("municipality")
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_idle_expires_at"))

    op.drop_table("login_session")
