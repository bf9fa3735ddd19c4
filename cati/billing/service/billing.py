"""Billing statements, subsidy claim, reconciliation, voids (issue 8).

The rules live in the pure domain (:mod:`cati.billing.rules`); this service feeds it database
rows and stores what finance closes.

* A **draft** statement is always computed, never stored: the provider's completes in its phone
  queues for the period (completed up to the end of the statement date, Dutch time, and not in the
  future), minus what closed statements already hold, under the terms in force on the statement
  date (dated settings ``billing.*`` and ``queue.inburgering.cap``) at the provider's tariff.
* **Closing** stores the draft with a number (``YYYY-NNNN``), the terms and tariff used and every
  line in cents. Closed lines never change; a later void becomes a correction line.
* **check** recomputes every closed statement from the interview records as they were when it was
  closed (completes and voids up to its closing time) and reports every difference, plus stored
  totals that are not the sum of the stored lines.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.accounts.service.settings import defaults
from cati.billing.io.files import (
    CSV_HEADERS,
    LINE_HEADERS,
    SUMMARY_HEADERS,
    inburgering_text,
    line_cells,
    money,
    overview_json,
    report_json,
    statement_json,
    statement_title,
    summary_cells,
    summary_total_cells,
    terms_text,
    totals_text,
    when,
    write_csv,
    write_xlsx,
    yes_no,
)
from cati.billing.rules import (
    NO_CAP,
    ClosedStatement,
    Difference,
    DifferenceKind,
    Period,
    Statement,
    Terms,
    close_statement,
    compute_statement,
    from_cents,
    recompute,
    reconcile,
    subsidy_claim,
    terms_from_json,
    terms_in_force,
    terms_to_json,
)
from cati.billing.service.views import (
    BillingOverview,
    BillingPeriod,
    BillingReport,
    CheckFinding,
    ClaimView,
    ProviderSummary,
    StatementView,
    VoidResult,
    overview_of,
)
from cati.billing.store import repo as repo
from cati.billing.store.repo import (
    SETTLE,
    TERM_SETTINGS,
    day_end,
    interview_key,
)
from cati.core.localtime import local_day
from cati.platform.context import ServiceContext
from cati.platform.models import CallCase, Interview, MeasurementPeriod, Provider

__all__ = [  # the results, the export formats and the helpers live next door; imported from here too
    "CSV_HEADERS",
    "LINE_HEADERS",
    "NO_CAP",
    "SETTLE",
    "SUMMARY_HEADERS",
    "TERM_SETTINGS",
    "BillingError",
    "BillingOverview",
    "BillingPeriod",
    "BillingReport",
    "BillingService",
    "CheckFinding",
    "ClaimView",
    "ProviderSummary",
    "StatementView",
    "VoidResult",
    "day_end",
    "inburgering_text",
    "interview_key",
    "line_cells",
    "money",
    "overview_json",
    "overview_of",
    "report_json",
    "statement_json",
    "statement_title",
    "summary_cells",
    "summary_total_cells",
    "terms_from_json",
    "terms_text",
    "terms_to_json",
    "totals_text",
    "when",
    "write_csv",
    "write_xlsx",
    "yes_no",
]


class BillingError(ValueError):
    """A billing action that cannot be done (nothing to close, a date out of order, …)."""


class BillingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- reading ---------------------------------------------------------------------------
    def periods(self, actor: Actor | None) -> list[BillingPeriod]:
        """Every provider with its measurement periods, by provider name and period start."""
        require(actor, Permission.BILLING)
        with self.ctx.db.unit_of_work() as s:
            return [
                BillingPeriod(p.id, p.name, mp.id, repo.period_of(mp), from_cents(p.tariff_cents), p.phone_option)
                for p, mp in repo.provider_periods(s, None, None)
            ]

    def statements(
        self,
        actor: Actor | None,
        provider_id: int | None = None,
        period: int | Period | None = None,
        statement_date: date | None = None,
    ) -> list[StatementView]:
        """Draft statements as of ``statement_date`` (default today), one per provider and period.

        ``period`` is a measurement period id or its dates. Empty drafts are left out unless both
        a provider and a period are given.
        """
        require(actor, Permission.BILLING)
        now = self.ctx.now()
        on = statement_date or local_day(now)
        with self.ctx.db.unit_of_work() as s:
            schedule = repo.term_schedule(s, defaults())
            out = []
            for p, mp in repo.provider_periods(s, provider_id, period):
                st = self._draft(s, p, mp, on, now, schedule)
                if st.is_empty and (provider_id is None or period is None):
                    continue
                out.append(StatementView(p.id, p.name, mp.id, st))
            return out

    def closed_statements(
        self, actor: Actor | None, provider_id: int | None = None, period: int | Period | None = None
    ) -> list[StatementView]:
        """Closed statements as stored, oldest first per provider and period."""
        require(actor, Permission.BILLING)
        with self.ctx.db.unit_of_work() as s:
            return self._closed_views(s, provider_id, period)

    def report(
        self,
        actor: Actor | None,
        provider_id: int | None = None,
        period: int | Period | None = None,
        statement_date: date | None = None,
        *,
        closed: bool = False,
    ) -> BillingReport:
        """Statements (drafts, or with ``closed`` the closed ones) and the overview over them."""
        views = (
            self.closed_statements(actor, provider_id, period)
            if closed
            else self.statements(actor, provider_id, period, statement_date)
        )
        return BillingReport(tuple(views), overview_of(views))

    def summary(
        self,
        actor: Actor | None,
        provider_id: int | None = None,
        period: int | Period | None = None,
        statement_date: date | None = None,
    ) -> BillingOverview:
        """Everything billed to date: closed statements plus the current drafts, per provider."""
        closed = self.closed_statements(actor, provider_id, period)
        drafts = self.statements(actor, provider_id, period, statement_date)
        return overview_of([*closed, *drafts])

    def subsidy_claim(
        self, actor: Actor | None, provider_id: int | None = None, period: int | Period | None = None
    ) -> ClaimView:
        """What Blik op Werk owes: the subsidised lines (and reversals) of closed statements."""
        views = self.closed_statements(actor, provider_id, period)
        closed = [v.statement for v in views if isinstance(v.statement, ClosedStatement)]
        names = tuple(sorted({(v.provider_id, v.provider_name) for v in views}))
        return ClaimView(subsidy_claim(closed), names)

    def check(self, actor: Actor | None) -> list[CheckFinding]:
        """Recompute every closed statement from the interview records; list every difference."""
        require(actor, Permission.BILLING)
        findings: list[CheckFinding] = []
        with self.ctx.db.unit_of_work() as s:
            period_ids = repo.closed_period_ids(s)
            for period_id in sorted(period_ids):
                mp = s.get(MeasurementPeriod, period_id)
                assert mp is not None
                provider = s.get(Provider, mp.provider_id)
                name = provider.name if provider else str(mp.provider_id)
                rows = repo.statement_rows(s, period_id)
                closed = [repo.closed_from_row(r, mp) for r in rows]
                for row, st in zip(rows, closed, strict=True):
                    diffs = repo.stored_totals_findings(row, st)
                    if row.provider_id != mp.provider_id:
                        diffs.append(
                            Difference(
                                DifferenceKind.HEADER_MISMATCH,
                                None,
                                "provider_id",
                                str(row.provider_id),
                                str(mp.provider_id),
                            )
                        )
                    try:
                        interviews = repo.billable_interviews(
                            s, period_id, row.closed_at, day_end(row.statement_date), row.closed_at
                        )
                        diffs += reconcile(st, recompute(st, interviews, closed))
                    except ValueError as e:
                        findings.append(CheckFinding(row.number, name, "invalid", None, "", str(e), ""))
                    findings += [
                        CheckFinding(
                            row.number, name, d.kind.value, d.interview_id, d.field, d.stored, d.expected
                        )
                        for d in diffs
                    ]
            record(
                s,
                actor,
                "billing_check",
                at=self.ctx.now(),
                periods=len(period_ids),
                differences=len(findings),
            )
        return findings

    # -- changing --------------------------------------------------------------------------
    def close(
        self, actor: Actor | None, provider_id: int, period: int | Period, statement_date: date | None = None
    ) -> StatementView:
        """Close the draft statement of one provider and period: it is stored and never changes."""
        require(actor, Permission.CLOSE_STATEMENT)
        now = self.ctx.now()
        today = local_day(now)
        on = statement_date or today
        if on > today:
            raise BillingError(f"Een nota kan niet vooruit worden gedateerd ({on.isoformat()}).")
        with self.ctx.db.unit_of_work(immediate=True) as s:
            pairs = repo.provider_periods(s, provider_id, period)
            if len(pairs) != 1:
                raise BillingError("Onbekende aanbieder of meetperiode.")
            p, mp = pairs[0]
            repo.lock_period(s, mp.id)
            # closed_at comes after every void already saved, so the check sees them as before the closing
            last_void = repo.last_void_at(s, mp.id)
            if last_void is not None and last_void >= now:
                now = last_void + timedelta(microseconds=1)
            last = repo.last_statement_date(s, mp.id)
            if last is not None and on < last:
                raise BillingError(
                    f"De notadatum {on.isoformat()} ligt vóór de vorige gesloten nota ({last.isoformat()})."
                )
            draft = self._draft(s, p, mp, on, now, repo.term_schedule(s, defaults()))
            if draft.is_empty:
                raise BillingError(f"Niets te factureren voor {p.name} op {on.isoformat()}.")
            number = repo.next_number(s, on.year)
            closed = close_statement(draft, number, local_day(now))
            row = repo.save_closed(s, closed, mp.id, now, actor.user_id if actor else None)
            record(
                s,
                actor,
                "statement_close",
                at=now,
                object_type="statement",
                object_id=number,
                provider_id=p.id,
                period_id=mp.id,
                statement_date=on.isoformat(),
                lines=len(closed.lines),
                corrections=len(closed.corrections),
                cost_cents=row.cost_cents,
                subsidy_cents=row.subsidy_cents,
                provider_cents=row.provider_cents,
            )
            return StatementView(p.id, p.name, mp.id, closed, now, actor.username if actor else None)

    def void(self, actor: Actor | None, interview_id: int, reason: str) -> VoidResult:
        """Void a complete: it is no longer billed; if a closed statement holds it, a correction follows."""
        require(actor, Permission.VOID_INTERVIEW)
        reason = reason.strip()
        if not reason:
            raise BillingError("Geef een reden voor het ongeldig maken.")
        now = self.ctx.now()
        with self.ctx.db.unit_of_work(immediate=True) as s:
            iv = s.get(Interview, interview_id)
            if iv is None:
                raise BillingError(f"Interview {interview_id} bestaat niet.")
            case = s.get(CallCase, iv.case_id)
            assert case is not None
            # the same lock as closing; a void is later than every closing already saved
            repo.lock_period(s, case.period_id)
            last_close = repo.last_closed_at(s, case.period_id)
            if last_close is not None and last_close >= now:
                now = last_close + timedelta(microseconds=1)
            if iv.status != "complete":
                raise BillingError(f"Interview {interview_id} is niet afgerond (status {iv.status}).")
            if iv.voided_at is not None:
                raise BillingError(f"Interview {interview_id} is al ongeldig gemaakt.")
            iv.voided_at = now
            iv.voided_by = actor.user_id if actor else None
            iv.void_reason = reason
            billed_on = repo.billed_on(s, interview_id)
            record(
                s,
                actor,
                "void",
                at=now,
                object_type="interview",
                object_id=interview_id,
                reason=reason,
                billed_on=billed_on,
            )
            return VoidResult(interview_id, billed_on)

    def export(self, actor: Actor | None, report: BillingReport, path: Path, fmt: str | None = None) -> Path:
        """Write ``report`` as csv, xlsx or json (by ``fmt`` or the file's suffix)."""
        require(actor, Permission.BILLING)
        fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
        if fmt == "csv":
            with path.open("w", newline="", encoding="utf-8") as fh:
                write_csv(report, fh)
        elif fmt == "xlsx":
            write_xlsx(report, path)
        elif fmt == "json":
            path.write_text(
                json.dumps(report_json(report), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        else:
            raise BillingError(f"Onbekend formaat: {fmt} (csv, xlsx of json).")
        with self.ctx.db.unit_of_work() as s:
            record(
                s,
                actor,
                "billing_export",
                at=self.ctx.now(),
                format=fmt,
                file=path.name,
                statements=len(report.statements),
            )
        return path

    # -- internals -------------------------------------------------------------------------
    def _draft(
        self,
        s: Session,
        p: Provider,
        mp: MeasurementPeriod,
        on: date,
        now: datetime,
        schedule: Sequence[Terms],
    ) -> Statement:
        closed = [repo.closed_from_row(r, mp) for r in repo.statement_rows(s, mp.id)]
        interviews = repo.billable_interviews(s, mp.id, now, day_end(on))
        return compute_statement(
            p.id,
            repo.period_of(mp),
            interviews,
            closed,
            terms_in_force(schedule, on),
            on,
            tariff=from_cents(p.tariff_cents),
        )

    def _closed_views(
        self, s: Session, provider_id: int | None, period: int | Period | None
    ) -> list[StatementView]:
        out = []
        users = repo.usernames(s)
        for p, mp in repo.provider_periods(s, provider_id, period):
            for row in repo.statement_rows(s, mp.id):
                out.append(
                    StatementView(
                        p.id,
                        p.name,
                        mp.id,
                        repo.closed_from_row(row, mp),
                        row.closed_at,
                        users.get(row.closed_by) if row.closed_by else None,
                    )
                )
        return out
