"""the decision reaches the plan: what a decision did to its offer (the plan before and the plan
decided, and whether the case system has followed), and the sender's name of an e-mail

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offer_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("decided_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.Column("after", sa.JSON(), nullable=False),
        sa.Column("decided", sa.JSON(), nullable=False),
        sa.Column("change_text", sa.Text(), nullable=False),
        sa.Column("replacement", sa.Text(), nullable=False),
        sa.Column("case_system", sa.String(length=20), nullable=False),
        sa.Column("case_system_said", sa.JSON(), nullable=False),
        sa.Column("case_system_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["concern_id"], ["concern.id"], name=op.f("fk_offer_decision_concern_id_concern")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offer.id"], name=op.f("fk_offer_decision_offer_id_offer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offer_decision")),
        sa.UniqueConstraint("concern_id", name=op.f("uq_offer_decision_concern_id")),
    )
    op.create_index(
        "ix_offer_decision_offer_id_case_system", "offer_decision", ["offer_id", "case_system"]
    )
    _earlier_decisions()
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(
            sa.Column("sender_name", sa.String(length=200), nullable=False, server_default="")
        )


def _earlier_decisions() -> None:
    """Decisions recorded before this revision changed no plan: they get a row that says what
    was decided, with nothing for an import to follow ("agrees")."""
    event = sa.table(
        "concern_event",
        sa.column("concern_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("occurred_at", portal.db.UTCDateTime(timezone=True)),
        sa.column("data", sa.JSON),
    )
    concern = sa.table("concern", sa.column("id", sa.Integer), sa.column("offer_id", sa.Integer))
    rows = op.get_bind().execute(
        sa.select(event.c.concern_id, event.c.occurred_at, event.c.data, concern.c.offer_id)
        .join(concern, concern.c.id == event.c.concern_id)
        .where(event.c.kind == "decided")
        .order_by(event.c.occurred_at)
    )
    latest = {row.concern_id: row for row in rows}
    decision = sa.table(
        "offer_decision",
        *(sa.column(name, sa.Integer) for name in ("concern_id", "offer_id")),
        *(sa.column(name, sa.String) for name in ("outcome", "change_text", "replacement")),
        sa.column("case_system", sa.String),
        sa.column("decided_at", portal.db.UTCDateTime(timezone=True)),
        *(sa.column(name, sa.JSON) for name in ("before", "after", "decided", "case_system_said")),
    )
    values = [
        {
            "concern_id": row.concern_id,
            "offer_id": row.offer_id,
            "outcome": (row.data or {}).get("decision", "kept"),
            "change_text": (row.data or {}).get("changes", ""),
            "replacement": "",
            "case_system": "agrees",
            "decided_at": row.occurred_at,
            "before": {},
            "after": {},
            "decided": {},
            "case_system_said": {},
        }
        for row in latest.values()
    ]
    if values:
        op.bulk_insert(decision, values)


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("sender_name")
    op.drop_index("ix_offer_decision_offer_id_case_system", table_name="offer_decision")
    op.drop_table("offer_decision")
