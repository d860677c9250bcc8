"""timeline event kinds as past-tense names (acknowledged, meeting_booked, …), also in notices

A meeting booked again over a booked one was a second "book_meeting"; it is "meeting_moved".

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {
    "acknowledge": "acknowledged",
    "book_meeting": "meeting_booked",
    "record_advice": "advice_recorded",
    "decide": "decided",
    "close": "closed",
    "withdraw": "withdrawn",
    "message": "message_sent",
}


def _rename(table: str, mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        op.execute(
            sa.text(f"UPDATE {table} SET kind = :new WHERE kind = :old").bindparams(  # noqa: S608
                new=new, old=old
            )
        )


def upgrade() -> None:
    _rename("concern_event", RENAMED)
    _rename("notice", RENAMED)
    # Every booking after a concern's first is a move.
    op.execute(
        sa.text(
            "UPDATE concern_event SET kind = 'meeting_moved' WHERE kind = 'meeting_booked' "
            "AND EXISTS (SELECT 1 FROM concern_event earlier "
            "WHERE earlier.concern_id = concern_event.concern_id "
            "AND earlier.kind = 'meeting_booked' "
            "AND (earlier.occurred_at < concern_event.occurred_at "
            "OR (earlier.occurred_at = concern_event.occurred_at "
            "AND earlier.id < concern_event.id)))"
        )
    )


def downgrade() -> None:
    _rename("concern_event", {"meeting_moved": "meeting_booked"})
    _rename("concern_event", {new: old for old, new in RENAMED.items()})
    _rename("notice", {"meeting_moved": "book_meeting"})
    _rename("notice", {new: old for old, new in RENAMED.items()})
