"""The composition root: one place that builds the database and the services from settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from cati.accounts.rules.passwords import ScryptCost
from cati.accounts.service.audit import AuditService
from cati.accounts.service.settings import SettingsService
from cati.accounts.service.users import UserService
from cati.billing.service.billing import BillingService
from cati.calls.service.calls import CallService
from cati.exports.service.exports import ExportService
from cati.interviews.service.catalog import form_languages
from cati.interviews.service.interviews import InterviewService
from cati.platform.context import ServiceContext, system_clock
from cati.platform.database import Database
from cati.sample.service.imports import ImportService
from cati.sample.service.privacy import PrivacyService
from cati.sample.service.providers import ProviderService
from cati.supervision.service.progress import ProgressService
from cati.supervision.service.quality import QualityService
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
    quality: QualityService

    @property
    def db(self) -> Database:
        return self.ctx.db


def build_services(
    url: str | None = None,
    *,
    clock: Callable[[], datetime] = system_clock,
    upgrade: bool = True,
    password_cost: ScryptCost | None = None,
) -> Services:
    """Every service on one database. ``password_cost`` is for the tests only (the app, the CLI and the
    tools never pass it): by default the user service hashes at production's cost, or at the test suite's
    (``CATI_TEST_SCRYPT_N``, which it refuses outside pytest)."""
    db = Database(url)
    if upgrade:
        db.upgrade()
    ctx = ServiceContext(db, clock)
    # every service once; a service that needs another gets it here, never builds its own
    settings = SettingsService(ctx)
    calls = CallService(ctx, settings, form_languages)
    exports = ExportService(ctx)
    billing = BillingService(ctx)
    quality = QualityService(ctx, settings, calls, billing)
    interviews = InterviewService(ctx, calls, exports.write_records, quality.backcheck_done)
    return Services(
        ctx=ctx,
        users=UserService(ctx, password_cost),
        audit=AuditService(ctx),
        settings=settings,
        providers=ProviderService(ctx),
        imports=ImportService(ctx, calls.close_without_number),
        calls=calls,
        interviews=interviews,
        billing=billing,
        progress=ProgressService(ctx, settings),
        exports=exports,
        reports=ReportService(ctx, settings),
        privacy=PrivacyService(ctx, interviews.purge_paradata_in),
        quality=quality,
    )
