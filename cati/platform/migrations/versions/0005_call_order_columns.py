"""call_case: the call order's sort keys as indexed columns, its invariants as constraints

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

- ``last_attempt_at``, ``claimed_at`` and ``released_at`` become columns (they were keys of the JSON
  detail ``state``); a case with attempts but no recorded time gets its newest attempt's, else
  ``updated_at``. The claim reads and writes columns only.
- ``priority`` (the tier at the last write, never read) is dropped: the tier is computed from the
  one call order (:mod:`cati.calls.rules.order`).
- An open case always has a planned call (``next_call_at``; a new case: when it entered the queue);
  a new case was never called, an active one was.
- Indexes for the order's candidate windows: never-called by due time, retries by attempts and last
  attempt, partial interviews; and the held cases by lease (the sweep that closes a lost desk's attempt).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

MOVED = ("last_attempt_at", "claimed_at", "released_at")  # from the JSON detail to columns
CHECKS = {
    "status": "status IN ('new', 'active', 'final')",
    "new_never_called": "status <> 'new' OR attempts = 0",
    "active_called": "status <> 'active' OR (attempts > 0 AND last_attempt_at IS NOT NULL)",
    "open_planned": "status = 'final' OR next_call_at IS NOT NULL",
}


def _aware(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _copy_last_attempts(conn: sa.Connection) -> None:
    cases = sa.table("call_case", sa.column("id", sa.Integer), sa.column("state", sa.Text),
                     *[sa.column(c, sa.DateTime(timezone=True)) for c in MOVED])
    sqlite = conn.dialect.name == "sqlite"
    updates = []
    for case_id, text in conn.execute(sa.select(cases.c.id, cases.c.state).where(cases.c.state.like("%_at%"))):
        try:
            detail = json.loads(text or "{}")
        except ValueError:
            detail = {}  # unreadable: the detail starts again empty
        if not isinstance(detail, dict):
            detail = {}
        row: dict[str, object] = {"cid": case_id}
        for key in MOVED:
            try:
                at = _aware(detail.pop(key, None))
            except ValueError:
                at = None
            if at is not None and sqlite:
                at = at.replace(tzinfo=None)  # naive UTC, as cati.platform.types.UTCDateTime stores it
            row[key] = at
        row["state"] = json.dumps(detail, sort_keys=True)
        updates.append(row)
    if updates:
        conn.execute(sa.update(cases).where(cases.c.id == sa.bindparam("cid"))
                     .values({c: sa.bindparam(c) for c in (*MOVED, "state")}), updates)
    # a case with attempts but no recorded time: its newest attempt, else its last change
    conn.execute(sa.text(
        "UPDATE call_case SET last_attempt_at = COALESCE("
        " (SELECT MAX(COALESCE(a.ended_at, a.started_at)) FROM call_attempt a WHERE a.case_id = call_case.id),"
        " updated_at) WHERE attempts > 0 AND last_attempt_at IS NULL"))


def upgrade() -> None:
    with op.batch_alter_table("call_case", schema=None) as batch_op:
        for column in MOVED:
            batch_op.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    conn = op.get_bind()
    _copy_last_attempts(conn)
    # the invariants the order relies on, made true for existing rows
    conn.execute(sa.text("UPDATE call_case SET status = 'active' WHERE status = 'new' AND attempts > 0"))
    conn.execute(sa.text("UPDATE call_case SET status = 'new' WHERE status = 'active' AND attempts = 0"))
    conn.execute(sa.text("UPDATE call_case SET status = 'final' WHERE status NOT IN ('new', 'active', 'final')"))
    conn.execute(sa.text("UPDATE call_case SET next_call_at = created_at WHERE status <> 'final' AND next_call_at IS NULL"))
    with op.batch_alter_table("call_case", schema=None) as batch_op:
        batch_op.drop_index("ix_call_case_queue_status_next")
        batch_op.drop_column("priority")
        for name, condition in CHECKS.items():
            batch_op.create_check_constraint(op.f(f"ck_call_case_{name}"), condition)
        batch_op.create_index("ix_call_case_queue_status_next", ["period_id", "queue", "status", "next_call_at", "id"])
        batch_op.create_index("ix_call_case_queue_retry",
                              ["period_id", "queue", "status", "attempts", "last_attempt_at", "id"])
        batch_op.create_index("ix_call_case_queue_partial", ["period_id", "queue", "next_call_at", "id"],
                              sqlite_where=sa.text("last_outcome = 'PARTIAL'"),
                              postgresql_where=sa.text("last_outcome = 'PARTIAL'"))
        batch_op.create_index("ix_call_case_lease", ["lease_expires_at"], sqlite_where=sa.text("held_by IS NOT NULL"),
                              postgresql_where=sa.text("held_by IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table("call_case", schema=None) as batch_op:
        batch_op.drop_index("ix_call_case_lease")
        batch_op.drop_index("ix_call_case_queue_partial")
        batch_op.drop_index("ix_call_case_queue_retry")
        batch_op.drop_index("ix_call_case_queue_status_next")
        for name in CHECKS:
            batch_op.drop_constraint(op.f(f"ck_call_case_{name}"), type_="check")
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index("ix_call_case_queue_status_next", ["period_id", "queue", "status", "next_call_at"])
    conn = op.get_bind()
    cases = sa.table("call_case", sa.column("id", sa.Integer), sa.column("state", sa.Text),
                     *[sa.column(c, sa.DateTime(timezone=True)) for c in MOVED])
    rows = conn.execute(sa.select(cases.c.id, cases.c.state, *[cases.c[c] for c in MOVED])).all()
    updates = []
    for case_id, text, *times in rows:
        detail = json.loads(text or "{}")
        for key, at in zip(MOVED, times, strict=True):
            if at is not None:
                detail[key] = _aware(at).isoformat()  # type: ignore[union-attr]
        updates.append({"cid": case_id, "state": json.dumps(detail, sort_keys=True)})
    if updates:
        conn.execute(sa.update(cases).where(cases.c.id == sa.bindparam("cid")).values(state=sa.bindparam("state")),
                     updates)
    with op.batch_alter_table("call_case", schema=None) as batch_op:
        for column in MOVED:
            batch_op.drop_column(column)
