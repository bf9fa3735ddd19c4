"""The composition root: one place that builds the database and the services from settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cati.services.audit import AuditService
from cati.services.billing import BillingService
from cati.services.calls import CallService
from cati.services.context import ServiceContext, system_clock
from cati.services.exports import ExportService
from cati.services.imports import ImportService
from cati.services.interviews import InterviewService
from cati.services.privacy import PrivacyService
from cati.services.progress import ProgressService
from cati.services.providers import ProviderService
from cati.services.reports import ReportService
from cati.services.settings import SettingsService
from cati.services.users import UserService
from cati.store.database import Database


@dataclass
class Services:
    ctx: ServiceContext
    users: UserService
    audit: AuditService
    settings: SettingsService
    providers: ProviderService
    imports: ImportService
    calls: CallService
    interviews: InterviewService
    billing: BillingService
    progress: ProgressService
    exports: ExportService
    reports: ReportService
    privacy: PrivacyService

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
    return Services(
        ctx=ctx,
        users=UserService(ctx),
        audit=AuditService(ctx),
        settings=SettingsService(ctx),
        providers=ProviderService(ctx),
        imports=ImportService(ctx),
        calls=CallService(ctx),
        interviews=InterviewService(ctx),
        billing=BillingService(ctx),
        progress=ProgressService(ctx),
        exports=ExportService(ctx),
        reports=ReportService(ctx),
        privacy=PrivacyService(ctx),
    )
