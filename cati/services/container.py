"""The composition root: one place that builds the database and the services from settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cati.services.audit import AuditService
from cati.services.context import ServiceContext, system_clock
from cati.services.users import UserService
from cati.store.database import Database


@dataclass
class Services:
    ctx: ServiceContext
    users: UserService
    audit: AuditService

    @property
    def db(self) -> Database:
        return self.ctx.db


def build_services(
    url: str | None = None,
    *,
    clock: Callable[[], datetime] = system_clock,
    upgrade: bool = True,
) -> Services:
    db = Database(url)
    if upgrade:
        db.upgrade()
    ctx = ServiceContext(db, clock)
    return Services(ctx=ctx, users=UserService(ctx), audit=AuditService(ctx))
