"""The audit trail: append-only, chained events. Details never hold names, numbers or e-mail addresses.

Each event stores the hash of the event before it and of its own content
(:mod:`cati.accounts.rules.audit_chain`). Appends are serialized so the chain has one order: on
PostgreSQL a transaction-scoped advisory lock, on SQLite the write lock (taken before the last hash
is read). ``AuditService.verify`` (``cati audit verify``) names the first broken link.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from cati.accounts.rules.audit_chain import GENESIS, Break, ChainRow, row_hash, verify
from cati.accounts.rules.roles import Actor, Permission, require
from cati.core.cells import csv_row
from cati.platform.context import ServiceContext
from cati.platform.models import AuditEvent, DatabaseInfo


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    *,
    at: datetime,
    object_type: str = "",
    object_id: str | int = "",
    **detail: Any,
) -> None:
    """Add one audit event to the caller's unit of work (it commits with the action it records), chained
    to the event before it."""
    _lock_the_chain(session)
    prev = session.scalar(select(AuditEvent.row_hash).order_by(AuditEvent.id.desc()).limit(1))
    user_id, username = (actor.user_id, actor.username) if actor else (None, "")
    detail_text = json.dumps(detail, sort_keys=True, default=str)
    first = prev is None
    prev = GENESIS if prev is None else prev
    digest = row_hash(prev, at, user_id, username, action, object_type, str(object_id), detail_text)
    session.add(AuditEvent(at=at, user_id=user_id, username=username, action=action, object_type=object_type,
                           object_id=str(object_id), detail=detail_text, prev_hash=prev, row_hash=digest))
    if first and session.get(DatabaseInfo, GENESIS_KEY) is None:
        session.add(DatabaseInfo(key=GENESIS_KEY, value=digest))
    session.flush()


GENESIS_KEY = "audit_genesis"
_ADVISORY_KEY = 7_274_731  # PostgreSQL advisory lock that serializes audit appends


def _lock_the_chain(session: Session) -> None:
    """Until the transaction ends, no other transaction appends to the trail."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADVISORY_KEY})
    else:  # any write statement takes SQLite's write lock (a no-op one will do)
        session.execute(text("UPDATE database_info SET value = value WHERE key = :k"), {"k": GENESIS_KEY})


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, Any]


class AuditService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def events(self, actor: Actor | None, *, action: str | None = None, limit: int = 1000) -> list[AuditRow]:
        require(actor, Permission.VIEW_AUDIT)
        with self.ctx.db.unit_of_work() as s:
            stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
            if action:
                stmt = stmt.where(AuditEvent.action == action)
            return [
                AuditRow(e.id, e.at, e.username, e.action, e.object_type, e.object_id, json.loads(e.detail))
                for e in s.scalars(stmt)
            ]

    def verify(self, actor: Actor | None) -> AuditCheck:
        """Walk the whole trail and name the first broken link (admins). The check itself is audited."""
        require(actor, Permission.VIEW_AUDIT)
        with self.ctx.db.unit_of_work() as s:
            result = check_chain(s)
        with self.ctx.db.unit_of_work() as s:
            record(s, actor, "audit_verify", at=self.ctx.now(), rows=result.rows, intact=result.ok,
                   broken_at=result.broken.row_id if result.broken else None)
        return result

    def export_csv(self, actor: Actor | None, path: Path) -> int:
        rows = self.events(actor, limit=10_000_000)
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "at_utc", "user", "action", "object_type", "object_id", "detail"])
            for r in reversed(rows):
                w.writerow(csv_row(
                    [r.id, r.at.isoformat(), r.username, r.action, r.object_type, r.object_id, json.dumps(r.detail)]
                ))
        with self.ctx.db.unit_of_work() as s:
            record(s, actor, "audit_export", at=self.ctx.now(), rows=len(rows), file=path.name)
        return len(rows)


@dataclass(frozen=True)
class AuditCheck:
    """The result of walking the chain: how many rows were checked, and the first break (None: intact)."""

    rows: int
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def check_chain(s: Session) -> AuditCheck:
    genesis = s.get(DatabaseInfo, GENESIS_KEY)
    rows = (ChainRow(e.id, e.at, e.user_id, e.username, e.action, e.object_type, e.object_id, e.detail, e.prev_hash,
                     e.row_hash)
            for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000)))
    count, broken = verify(rows, genesis.value if genesis else None)
    return AuditCheck(count, broken)
