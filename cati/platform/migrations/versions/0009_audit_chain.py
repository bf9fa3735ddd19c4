"""audit_event: a hash chain (prev_hash, row_hash), TRUNCATE refused on PostgreSQL

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-05

Existing rows are chained in id order; the first row's hash is kept apart
(``database_info.audit_genesis``). The append-only triggers are lifted for the backfill only.
"""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from alembic import op

from cati.accounts.rules.audit_chain import GENESIS, row_hash

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def _triggers(create: bool, truncate: bool = True) -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for verb in ("UPDATE", "DELETE"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_event_no_{verb.lower()}")
            if create:
                op.execute(f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
                           "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
    op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
    if create:
        op.execute("CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
                   "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()")
        if truncate:
            op.execute("CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
                       "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()")


def upgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
    _triggers(create=False)
    conn = op.get_bind()
    events = sa.table("audit_event", *[sa.column(c) for c in (
        "id", "user_id", "username", "action", "object_type", "object_id", "detail", "prev_hash", "row_hash")],
        sa.column("at", sa.DateTime(timezone=True)))
    prev, first = GENESIS, None
    for row in conn.execute(sa.select(events.c.id, events.c.at, events.c.user_id, events.c.username, events.c.action,
                                      events.c.object_type, events.c.object_id, events.c.detail)
                            .order_by(events.c.id)).all():
        at = row.at.replace(tzinfo=UTC) if row.at.tzinfo is None else row.at  # SQLite: naive UTC
        digest = row_hash(prev, at, row.user_id, row.username or "", row.action, row.object_type or "",
                          row.object_id or "", row.detail or "{}")
        conn.execute(sa.update(events).where(events.c.id == row.id).values(prev_hash=prev, row_hash=digest))
        first = first or digest
        prev = digest
    if first is not None:
        conn.execute(sa.text("INSERT INTO database_info (key, value) VALUES ('audit_genesis', :v)"), {"v": first})
    _triggers(create=True)


def downgrade() -> None:
    _triggers(create=False)
    op.execute("DELETE FROM database_info WHERE key = 'audit_genesis'")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("row_hash")
        batch_op.drop_column("prev_hash")
    _triggers(create=True, truncate=False)
