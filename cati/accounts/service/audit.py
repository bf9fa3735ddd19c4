"""The audit trail: append-only events. Details never hold names, numbers or e-mail addresses."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.core.cells import csv_row
from cati.platform.context import ServiceContext
from cati.platform.models import AuditEvent


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
    """Add one audit event to the caller's unit of work (it commits with the action it records)."""
    session.add(
        AuditEvent(
            at=at,
            user_id=actor.user_id if actor else None,
            username=actor.username if actor else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            detail=json.dumps(detail, sort_keys=True, default=str),
        )
    )


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
