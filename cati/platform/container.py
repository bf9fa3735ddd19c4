"""The composition root: one place that builds the database and the services from settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cati.accounts.rules.passwords import PRODUCTION_COST, ScryptCost
from cati.accounts.service.audit import AuditService
from cati.accounts.service.privacy import PrivacyService
from cati.accounts.service.settings import SettingsService
from cati.accounts.service.users import UserService
from cati.billing.service.billing import BillingService
from cati.calls.service.calls import CallService
from cati.exports.service.exports import ExportService
from cati.interviews.service.interviews import InterviewService
from cati.platform.context import ServiceContext, system_clock
from cati.platform.database import Database
from cati.sample.service.imports import ImportService
from cati.sample.service.providers import ProviderService
from cati.supervision.service.progress import ProgressService
from cati.supervision.service.reports import ReportService


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
    password_cost: ScryptCost = PRODUCTION_COST,
) -> Services:
    """Every service on one database. ``password_cost`` is for the test fixtures only (cheap scrypt for
    the users they make); the app, the CLI and the tools never pass it."""
    db = Database(url)
    if upgrade:
        db.upgrade()
    ctx = ServiceContext(db, clock)
    return Services(
        ctx=ctx,
        users=UserService(ctx, password_cost),
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
