"""merge: paradata and interview review (0010) with sealed contact data and the login throttle (0011, 0012)

Revision ID: 0013
Revises: 0010, 0012
Create Date: 2026-12-06

Both lines of work start from the audit chain (0009) and touch different tables, so neither needs the
other: a database that has one line gets the other, in either order, and then this revision. Nothing is
changed here.
"""

from __future__ import annotations

revision = "0013"
down_revision = ("0010", "0012")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
