"""interview_record: a complete interview's export record (one CSV line of its form columns)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22

Interviews completed before this revision have no record; exports read their answers instead
(``cati export --refresh-records`` writes the missing records).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "interview_record",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("layout", sa.String(length=64), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interview.id"], name=op.f("fk_interview_record_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interview_id", name=op.f("pk_interview_record")),
    )


def downgrade() -> None:
    op.drop_table("interview_record")
