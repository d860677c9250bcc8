"""the retention clock the portal owns: when a concern was finished, its complaint deadline once
the day the decision was received is known, and the day the portal first saw a forløb as ended

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import portal.db

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FINISHED = ("decided", "closed", "withdrawn", "discarded")


def upgrade() -> None:
    with op.batch_alter_table("concern") as batch:
        batch.add_column(
            sa.Column("finished_at", portal.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("complaint_deadline", sa.Date(), nullable=True))
    with op.batch_alter_table("forloeb") as batch:
        batch.add_column(sa.Column("ended_recorded_on", sa.Date(), nullable=True))
    # A concern finished before this revision was last changed when it finished. The forløb get
    # no day: the next retention run records today, so nothing is deleted sooner than before.
    concern = sa.table(
        "concern",
        sa.column("status", sa.String),
        sa.column("updated_at", portal.db.UTCDateTime(timezone=True)),
        sa.column("finished_at", portal.db.UTCDateTime(timezone=True)),
    )
    op.execute(
        concern.update()
        .where(concern.c.status.in_(_FINISHED))
        .values(finished_at=concern.c.updated_at)
    )


def downgrade() -> None:
    with op.batch_alter_table("forloeb") as batch:
        batch.drop_column("ended_recorded_on")
    with op.batch_alter_table("concern") as batch:
        batch.drop_column("complaint_deadline")
        batch.drop_column("finished_at")
