"""call_attempt: the softphone's line (dial, answer and hang-up times, how it ended, talk seconds)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-12

All empty for attempts dialled by hand or by URI (and for every attempt before this revision).
``line_end`` is how the line ended (remote, desk, no_answer, failed, dropped; see
``cati.calls.rules.line.EndCause``), ``sip_reason`` the reason as the softphone gave it
(``486 Busy Here``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = (
    ("dialled_at", sa.DateTime(timezone=True)),
    ("answered_at", sa.DateTime(timezone=True)),
    ("hung_up_at", sa.DateTime(timezone=True)),
    ("line_end", sa.String(12)),
    ("sip_reason", sa.String(120)),
    ("talk_seconds", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("call_attempt", schema=None) as batch_op:
        for name, type_ in COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("call_attempt", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
