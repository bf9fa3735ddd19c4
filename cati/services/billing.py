"""Billing statements, subsidy claim, reconciliation, voids (issue 8).

The rules live in the pure domain (:mod:`cati.domain.billing`); this service feeds it database
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

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.domain.billing import (
    BillableInterview,
    ClosedStatement,
    Difference,
    DifferenceKind,
    InburgeringLine,
    InburgeringSection,
    Period,
    Queue,
    Statement,
    StatementLine,
    SubsidyClaim,
    Terms,
    Totals,
    close_statement,
    compute_statement,
    from_cents,
    recompute,
    reconcile,
    subsidy_claim,
    summary,
    terms_in_force,
    to_cents,
)
from cati.domain.roles import Actor, Permission, require
from cati.services.audit import record
from cati.services.context import ServiceContext
from cati.services.settings import defaults
from cati.store.models import CallCase, Client, Interview, MeasurementPeriod, Provider, Setting, User
from cati.store.models_billing import BillingStatement, BillingStatementLine

TZ = ZoneInfo("Europe/Amsterdam")  # statement dates are Dutch calendar days

TERM_SETTINGS = {
    "threshold": "billing.subsidy_threshold",
    "subsidy_share": "billing.subsidy_share",
    "inburgering_tariff": "billing.inburgering_tariff",
    "inburgering_cap": "queue.inburgering.cap",
}
NO_CAP = 1_000_000  # queue.inburgering.cap null: no cap
# Completes of the last minute wait for the next statement: a complete saved on another desk at the
# moment of closing (or with a clock a little off) then never falls between a closing and its check.
SETTLE = timedelta(minutes=1)


class BillingError(ValueError):
    """A billing action that cannot be done (nothing to close, a date out of order, …)."""


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class BillingPeriod:
    """A provider and one of its measurement periods (for selectors)."""

    provider_id: int
    provider_name: str
    period_id: int
    period: Period
    tariff: Decimal
    phone_option: bool

    @property
    def label(self) -> str:
        return f"{self.provider_name} {self.period.start.isoformat()}..{self.period.end.isoformat()}"


@dataclass(frozen=True)
class StatementView:
    """A statement with the names around it. ``statement`` is a ClosedStatement once closed."""

    provider_id: int
    provider_name: str
    period_id: int
    statement: Statement
    closed_at: datetime | None = None
    closed_by: str | None = None

    @property
    def is_closed(self) -> bool:
        return isinstance(self.statement, ClosedStatement)

    @property
    def number(self) -> str | None:
        return self.statement.number if isinstance(self.statement, ClosedStatement) else None


@dataclass(frozen=True)
class ProviderSummary:
    provider_id: int
    provider_name: str
    period: Period
    statement_count: int
    purchased_count: int  # net: reversals count -1
    subsidised_count: int
    cost: Decimal
    provider_share: Decimal
    subsidy: Decimal
    inburgering_count: int
    inburgering_amount: Decimal


@dataclass(frozen=True)
class BillingOverview:
    rows: tuple[ProviderSummary, ...]
    totals: Totals
    inburgering_count: int
    inburgering_amount: Decimal


@dataclass(frozen=True)
class BillingReport:
    statements: tuple[StatementView, ...]
    overview: BillingOverview


@dataclass(frozen=True)
class ClaimView:
    """The subsidy claim to Blik op Werk over closed statements, with provider names."""

    claim: SubsidyClaim
    provider_names: tuple[tuple[int, str], ...]

    def name(self, provider_id: int) -> str:
        return dict(self.provider_names).get(provider_id, str(provider_id))


@dataclass(frozen=True)
class CheckFinding:
    statement_number: str
    provider_name: str
    kind: str  # a DifferenceKind value, or "totals_mismatch" / "invalid"
    interview_id: int | None
    field: str
    stored: str
    expected: str


@dataclass(frozen=True)
class VoidResult:
    interview_id: int
    billed_on: str | None  # number of the closed statement holding it: a correction follows


# --------------------------------------------------------------------------- helpers


def day_end(d: date) -> datetime:
    """The first instant after calendar day ``d`` in Dutch time."""
    return datetime.combine(d + timedelta(days=1), time(0), TZ)


def local_date(moment: datetime) -> date:
    return moment.astimezone(TZ).date()


def interview_key(respondent_key: str, interview_id: int) -> str:
    return f"{respondent_key}-{interview_id}"


def terms_to_json(t: Terms) -> str:
    return json.dumps(
        {
            "valid_from": t.valid_from.isoformat(),
            "threshold": t.threshold,
            "subsidy_share": str(t.subsidy_share),
            "inburgering_tariff": str(t.inburgering_tariff),
            "inburgering_cap": t.inburgering_cap,
        },
        sort_keys=True,
    )


def terms_from_json(text: str) -> Terms:
    d = json.loads(text)
    return Terms(
        valid_from=date.fromisoformat(d["valid_from"]),
        threshold=int(d["threshold"]),
        subsidy_share=Decimal(d["subsidy_share"]),
        inburgering_tariff=Decimal(d["inburgering_tariff"]),
        inburgering_cap=int(d["inburgering_cap"]),
    )


def _term_value(name: str, value: Any) -> Any:
    if name in ("threshold",):
        return int(value)
    if name == "inburgering_cap":
        return NO_CAP if value is None else int(value)
    return Decimal(str(value))


def _schedule(s: Session) -> list[Terms]:
    """The dated billing terms: one Terms from every date any of the term settings changed."""
    rows = s.scalars(
        select(Setting)
        .where(Setting.key.in_(TERM_SETTINGS.values()))
        .order_by(Setting.valid_from, Setting.id)
    ).all()
    by_key = {key: name for name, key in TERM_SETTINGS.items()}
    out = []
    for d in sorted({date.min} | {r.valid_from for r in rows}):
        values = {name: defaults()[key] for name, key in TERM_SETTINGS.items()}
        for r in rows:
            if r.valid_from <= d:
                values[by_key[r.key]] = json.loads(r.value)
        out.append(Terms(valid_from=d, **{n: _term_value(n, v) for n, v in values.items()}))
    return out


def _period(mp: MeasurementPeriod) -> Period:
    return Period(mp.start_date, mp.end_date)


def _interviews(
    s: Session, period_id: int, as_of: datetime, cutoff: datetime, voids_until: datetime | None = None
) -> list[BillableInterview]:
    """Completes in the period's phone queues as they stood at ``as_of``: completed before ``cutoff``
    and at least :data:`SETTLE` before ``as_of``; voided when voided by ``voids_until`` (None: any
    void saved)."""
    rows = s.execute(
        select(
            Interview.id, Interview.completed_at, Interview.voided_at, CallCase.queue, Client.respondent_key
        )
        .join(CallCase, Interview.case_id == CallCase.id)
        .join(Client, CallCase.client_id == Client.id)
        .where(
            CallCase.period_id == period_id,
            CallCase.queue.in_([Queue.PURCHASED.value, Queue.INBURGERING.value]),
            Interview.status == "complete",
            Interview.completed_at.is_not(None),
            Interview.completed_at <= as_of - SETTLE,
            Interview.completed_at < cutoff,
        )
        .order_by(Interview.completed_at, Interview.id)
    ).all()
    return [
        BillableInterview(
            interview_id=iid,
            key=interview_key(rkey, iid),
            completed_at=completed,  # type: ignore[arg-type]  # filtered: not NULL
            queue=Queue(queue),
            voided=voided_at is not None and (voids_until is None or voided_at <= voids_until),
        )
        for iid, completed, voided_at, queue, rkey in rows
    ]


def _closed_from_row(row: BillingStatement, mp: MeasurementPeriod) -> ClosedStatement:
    terms = terms_from_json(row.terms)
    lines: list[StatementLine] = []
    corrections: list[StatementLine] = []
    inb_lines: list[InburgeringLine] = []
    inb_corrections: list[InburgeringLine] = []
    for ln in row.lines:
        if ln.kind == Queue.INBURGERING.value:
            ib = InburgeringLine(
                ln.interview_id,
                ln.interview_key,
                ln.completed_at,
                from_cents(ln.cost_cents),
                ln.corrects_statement,
            )
            (inb_corrections if ib.is_correction else inb_lines).append(ib)
        else:
            sl = StatementLine(
                interview_id=ln.interview_id,
                key=ln.interview_key,
                completed_at=ln.completed_at,
                cost=from_cents(ln.cost_cents),
                subsidy=from_cents(ln.subsidy_cents),
                provider_share=from_cents(ln.provider_cents),
                subsidised=ln.subsidised,
                corrects=ln.corrects_statement,
            )
            (corrections if sl.is_correction else lines).append(sl)
    return ClosedStatement(
        provider_id=row.provider_id,
        period=_period(mp),
        statement_date=row.statement_date,
        terms=terms,
        tariff=from_cents(row.tariff_cents),
        lines=tuple(lines),
        corrections=tuple(corrections),
        inburgering=InburgeringSection(
            lines=tuple(inb_lines),
            corrections=tuple(inb_corrections),
            count_to_date=row.inburgering_count_to_date,
            cap=terms.inburgering_cap,
            tariff=terms.inburgering_tariff,
        ),
        number=row.number,
        closed_on=local_date(row.closed_at),
    )


def _statement_rows(s: Session, period_id: int) -> list[BillingStatement]:
    return list(
        s.scalars(
            select(BillingStatement)
            .where(BillingStatement.period_id == period_id)
            .order_by(BillingStatement.statement_date, BillingStatement.closed_at, BillingStatement.number)
        )
    )


def _line_rows(number: str, st: Statement) -> list[BillingStatementLine]:
    out = []
    for ln in st.lines + st.corrections:
        out.append(
            BillingStatementLine(
                interview_id=ln.interview_id,
                interview_key=ln.key,
                completed_at=ln.completed_at,
                kind=Queue.PURCHASED.value,
                subsidised=ln.subsidised,
                cost_cents=to_cents(ln.cost),
                subsidy_cents=to_cents(ln.subsidy),
                provider_cents=to_cents(ln.provider_share),
                corrects_statement=ln.corrects,
            )
        )
    for ib in st.inburgering.lines + st.inburgering.corrections:
        out.append(
            BillingStatementLine(
                interview_id=ib.interview_id,
                interview_key=ib.key,
                completed_at=ib.completed_at,
                kind=Queue.INBURGERING.value,
                subsidised=False,
                cost_cents=to_cents(ib.amount),
                subsidy_cents=0,
                provider_cents=0,
                corrects_statement=ib.corrects,
            )
        )
    return out


def _stored_totals_findings(row: BillingStatement, closed: ClosedStatement) -> list[Difference]:
    """Stored statement totals against the sums of its stored lines."""
    t = closed.totals
    pairs = {
        "totals.cost": (from_cents(row.cost_cents), t.cost),
        "totals.subsidy": (from_cents(row.subsidy_cents), t.subsidy),
        "totals.provider_share": (from_cents(row.provider_cents), t.provider_share),
        "totals.subsidised_count": (row.subsidised_count, t.subsidised_count),
        "totals.full_count": (row.full_count, t.full_count),
        "inburgering.count": (row.inburgering_count, closed.inburgering.count),
        "inburgering.amount": (from_cents(row.inburgering_cents), closed.inburgering.amount),
    }
    return [
        Difference(DifferenceKind.HEADER_MISMATCH, None, name, str(stored), str(expected))
        for name, (stored, expected) in pairs.items()
        if stored != expected
    ]


# --------------------------------------------------------------------------- service


class BillingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- reading ---------------------------------------------------------------------------
    def periods(self, actor: Actor | None) -> list[BillingPeriod]:
        """Every provider with its measurement periods, by provider name and period start."""
        require(actor, Permission.BILLING)
        with self.ctx.db.unit_of_work() as s:
            return [
                BillingPeriod(p.id, p.name, mp.id, _period(mp), from_cents(p.tariff_cents), p.phone_option)
                for p, mp in self._pairs(s, None, None)
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
        on = statement_date or local_date(now)
        with self.ctx.db.unit_of_work() as s:
            schedule = _schedule(s)
            out = []
            for p, mp in self._pairs(s, provider_id, period):
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
            period_ids = s.scalars(select(BillingStatement.period_id).distinct()).all()
            for period_id in sorted(period_ids):
                mp = s.get(MeasurementPeriod, period_id)
                assert mp is not None
                provider = s.get(Provider, mp.provider_id)
                name = provider.name if provider else str(mp.provider_id)
                rows = _statement_rows(s, period_id)
                closed = [_closed_from_row(r, mp) for r in rows]
                for row, st in zip(rows, closed, strict=True):
                    diffs = _stored_totals_findings(row, st)
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
                        interviews = _interviews(
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
        today = local_date(now)
        on = statement_date or today
        if on > today:
            raise BillingError(f"Een nota kan niet vooruit worden gedateerd ({on.isoformat()}).")
        with self.ctx.db.unit_of_work(immediate=True) as s:
            pairs = self._pairs(s, provider_id, period)
            if len(pairs) != 1:
                raise BillingError("Onbekende aanbieder of meetperiode.")
            p, mp = pairs[0]
            s.execute(select(MeasurementPeriod.id).where(MeasurementPeriod.id == mp.id).with_for_update())
            # closed_at comes after every void already saved, so the check sees them as before the closing
            last_void = s.scalar(
                select(func.max(Interview.voided_at))
                .join(CallCase, Interview.case_id == CallCase.id)
                .where(CallCase.period_id == mp.id)
            )
            if last_void is not None and last_void >= now:
                now = last_void + timedelta(microseconds=1)
            last = s.scalar(
                select(func.max(BillingStatement.statement_date)).where(BillingStatement.period_id == mp.id)
            )
            if last is not None and on < last:
                raise BillingError(
                    f"De notadatum {on.isoformat()} ligt vóór de vorige gesloten nota ({last.isoformat()})."
                )
            draft = self._draft(s, p, mp, on, now, _schedule(s))
            if draft.is_empty:
                raise BillingError(f"Niets te factureren voor {p.name} op {on.isoformat()}.")
            number = self._next_number(s, on.year)
            closed = close_statement(draft, number, local_date(now))
            totals = closed.totals
            row = BillingStatement(
                number=number,
                provider_id=p.id,
                period_id=mp.id,
                statement_date=on,
                closed_at=now,
                closed_by=actor.user_id if actor else None,
                terms=terms_to_json(closed.terms),
                tariff_cents=to_cents(closed.tariff),
                cost_cents=to_cents(totals.cost),
                subsidy_cents=to_cents(totals.subsidy),
                provider_cents=to_cents(totals.provider_share),
                subsidised_count=totals.subsidised_count,
                full_count=totals.full_count,
                inburgering_count=closed.inburgering.count,
                inburgering_count_to_date=closed.inburgering.count_to_date,
                inburgering_cents=to_cents(closed.inburgering.amount),
            )
            row.lines = _line_rows(number, closed)
            s.add(row)
            s.flush()
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
            s.execute(
                select(MeasurementPeriod.id).where(MeasurementPeriod.id == case.period_id).with_for_update()
            )
            last_close = s.scalar(
                select(func.max(BillingStatement.closed_at)).where(
                    BillingStatement.period_id == case.period_id
                )
            )
            if last_close is not None and last_close >= now:
                now = last_close + timedelta(microseconds=1)
            if iv.status != "complete":
                raise BillingError(f"Interview {interview_id} is niet afgerond (status {iv.status}).")
            if iv.voided_at is not None:
                raise BillingError(f"Interview {interview_id} is al ongeldig gemaakt.")
            iv.voided_at = now
            iv.voided_by = actor.user_id if actor else None
            iv.void_reason = reason
            billed_on = s.scalar(
                select(BillingStatement.number)
                .join(BillingStatementLine, BillingStatementLine.statement_id == BillingStatement.id)
                .where(
                    BillingStatementLine.interview_id == interview_id,
                    BillingStatementLine.corrects_statement.is_(None),
                )
                .order_by(BillingStatement.id.desc())
                .limit(1)
            )
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
    def _pairs(
        self, s: Session, provider_id: int | None, period: int | Period | None
    ) -> list[tuple[Provider, MeasurementPeriod]]:
        stmt = select(Provider, MeasurementPeriod).join(
            MeasurementPeriod, MeasurementPeriod.provider_id == Provider.id
        )
        if provider_id is not None:
            stmt = stmt.where(Provider.id == provider_id)
        if isinstance(period, int):
            stmt = stmt.where(MeasurementPeriod.id == period)
        elif isinstance(period, Period):
            stmt = stmt.where(
                MeasurementPeriod.start_date == period.start, MeasurementPeriod.end_date == period.end
            )
        stmt = stmt.order_by(Provider.name, MeasurementPeriod.start_date, MeasurementPeriod.id)
        return [(p, mp) for p, mp in s.execute(stmt).all()]

    def _draft(
        self,
        s: Session,
        p: Provider,
        mp: MeasurementPeriod,
        on: date,
        now: datetime,
        schedule: Sequence[Terms],
    ) -> Statement:
        closed = [_closed_from_row(r, mp) for r in _statement_rows(s, mp.id)]
        interviews = _interviews(s, mp.id, now, day_end(on))
        return compute_statement(
            p.id,
            _period(mp),
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
        users: dict[int, str] = {uid: name for uid, name in s.execute(select(User.id, User.username)).all()}
        for p, mp in self._pairs(s, provider_id, period):
            for row in _statement_rows(s, mp.id):
                out.append(
                    StatementView(
                        p.id,
                        p.name,
                        mp.id,
                        _closed_from_row(row, mp),
                        row.closed_at,
                        users.get(row.closed_by) if row.closed_by else None,
                    )
                )
        return out

    def _next_number(self, s: Session, year: int) -> str:
        prefix = f"{year}-"
        numbers = s.scalars(
            select(BillingStatement.number).where(BillingStatement.number.like(f"{prefix}%"))
        ).all()
        seq = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0) + 1
        return f"{prefix}{seq:04d}"


def overview_of(views: Iterable[StatementView]) -> BillingOverview:
    views = list(views)
    names = {v.provider_id: v.provider_name for v in views}
    base = summary([v.statement for v in views])
    rows = tuple(
        ProviderSummary(
            provider_id=r.provider_id,
            provider_name=names.get(r.provider_id, str(r.provider_id)),
            period=r.period,
            statement_count=r.statement_count,
            purchased_count=r.totals.subsidised_count + r.totals.full_count,
            subsidised_count=r.totals.subsidised_count,
            cost=r.totals.cost,
            provider_share=r.totals.provider_share,
            subsidy=r.totals.subsidy,
            inburgering_count=r.inburgering_count,
            inburgering_amount=r.inburgering_amount,
        )
        for r in sorted(base.rows, key=lambda r: (names.get(r.provider_id, ""), r.period.start))
    )
    return BillingOverview(rows, base.totals, base.inburgering_count, base.inburgering_amount)


# --------------------------------------------------------------------------- export formats
# Amounts: two decimals, never float; in JSON as strings. Headers in Dutch (finance's language).


def money(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):f}"


def yes_no(flag: bool) -> str:
    return "ja" if flag else "nee"


def when(moment: datetime) -> str:
    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def statement_title(v: StatementView) -> str:
    st = v.statement
    status = f"nota {v.number}" if v.number else "concept"
    return (
        f"{v.provider_name} — {status}, periode {st.period.start.isoformat()}..{st.period.end.isoformat()}, "
        f"notadatum {st.statement_date.isoformat()}"
    )


def terms_text(t: Terms, tariff: Decimal) -> str:
    since = "standaard" if t.valid_from == date.min else f"vanaf {t.valid_from.isoformat()}"
    share = (t.subsidy_share * 100).normalize()
    return (
        f"tarief {money(tariff)}; voorwaarden {since}: eerste {t.threshold} gesprekken "
        f"{share:f}% subsidie; inburgering {money(t.inburgering_tariff)} per gesprek, maximum {t.inburgering_cap}"
    )


LINE_HEADERS = [
    "interview",
    "afgerond",
    "gesubsidieerd",
    "kosten",
    "aandeel aanbieder",
    "subsidie",
    "correctie van",
]


def line_cells(ln: StatementLine) -> list[str]:
    return [
        ln.key,
        when(ln.completed_at),
        yes_no(ln.subsidised),
        money(ln.cost),
        money(ln.provider_share),
        money(ln.subsidy),
        ln.corrects or "",
    ]


def totals_text(t: Totals) -> str:
    return (
        f"{t.subsidised_count + t.full_count} gesprekken ({t.subsidised_count} gesubsidieerd), "
        f"kosten {money(t.cost)}, aanbieder {money(t.provider_share)}, subsidie {money(t.subsidy)}"
    )


def inburgering_text(ib: InburgeringSection) -> str:
    cap = "geen maximum" if ib.cap >= NO_CAP else f"maximum {ib.cap}"
    over = " — BOVEN HET MAXIMUM" if ib.over_cap else ""
    return (
        f"{ib.count} gesprekken op deze nota, {ib.count_to_date} in de periode ({cap}), "
        f"tarief {money(ib.tariff)}, bedrag {money(ib.amount)}{over}"
    )


SUMMARY_HEADERS = [
    "aanbieder",
    "periode",
    "nota's",
    "ingekocht",
    "gesubsidieerd",
    "kosten",
    "aanbieder totaal",
    "subsidie totaal",
    "inburgering",
    "inburgering bedrag",
]


def summary_cells(r: ProviderSummary) -> list[Any]:
    return [
        r.provider_name,
        f"{r.period.start.isoformat()}..{r.period.end.isoformat()}",
        r.statement_count,
        r.purchased_count,
        r.subsidised_count,
        money(r.cost),
        money(r.provider_share),
        money(r.subsidy),
        r.inburgering_count,
        money(r.inburgering_amount),
    ]


def summary_total_cells(o: BillingOverview) -> list[Any]:
    t = o.totals
    return [
        "totaal",
        "",
        sum(r.statement_count for r in o.rows),
        t.subsidised_count + t.full_count,
        t.subsidised_count,
        money(t.cost),
        money(t.provider_share),
        money(t.subsidy),
        o.inburgering_count,
        money(o.inburgering_amount),
    ]


def statement_json(v: StatementView) -> dict[str, Any]:
    st = v.statement

    def line(ln: StatementLine) -> dict[str, Any]:
        return {
            "interview_id": ln.interview_id,
            "interview": ln.key,
            "completed_at": ln.completed_at.isoformat(),
            "subsidised": ln.subsidised,
            "cost": money(ln.cost),
            "provider_share": money(ln.provider_share),
            "subsidy": money(ln.subsidy),
            "corrects": ln.corrects,
        }

    def ib_line(ln: InburgeringLine) -> dict[str, Any]:
        return {
            "interview_id": ln.interview_id,
            "interview": ln.key,
            "completed_at": ln.completed_at.isoformat(),
            "amount": money(ln.amount),
            "corrects": ln.corrects,
        }

    t = st.totals
    ib = st.inburgering
    return {
        "provider_id": v.provider_id,
        "provider": v.provider_name,
        "period_id": v.period_id,
        "period": {"start": st.period.start.isoformat(), "end": st.period.end.isoformat()},
        "number": v.number,
        "closed": v.is_closed,
        "closed_at": v.closed_at.isoformat() if v.closed_at else None,
        "closed_by": v.closed_by,
        "statement_date": st.statement_date.isoformat(),
        "tariff": money(st.tariff),
        "terms": json.loads(terms_to_json(st.terms)),
        "lines": [line(ln) for ln in st.lines],
        "corrections": [line(ln) for ln in st.corrections],
        "totals": {
            "count": t.subsidised_count + t.full_count,
            "subsidised_count": t.subsidised_count,
            "full_count": t.full_count,
            "cost": money(t.cost),
            "provider_share": money(t.provider_share),
            "subsidy": money(t.subsidy),
        },
        "inburgering": {
            "lines": [ib_line(ln) for ln in ib.lines],
            "corrections": [ib_line(ln) for ln in ib.corrections],
            "count": ib.count,
            "count_to_date": ib.count_to_date,
            "cap": ib.cap,
            "tariff": money(ib.tariff),
            "amount": money(ib.amount),
            "over_cap": ib.over_cap,
        },
    }


def overview_json(o: BillingOverview) -> dict[str, Any]:
    t = o.totals
    return {
        "providers": [
            {
                "provider_id": r.provider_id,
                "provider": r.provider_name,
                "period": {"start": r.period.start.isoformat(), "end": r.period.end.isoformat()},
                "statements": r.statement_count,
                "purchased_count": r.purchased_count,
                "subsidised_count": r.subsidised_count,
                "cost": money(r.cost),
                "provider_share": money(r.provider_share),
                "subsidy": money(r.subsidy),
                "inburgering_count": r.inburgering_count,
                "inburgering_amount": money(r.inburgering_amount),
            }
            for r in o.rows
        ],
        "totals": {
            "purchased_count": t.subsidised_count + t.full_count,
            "subsidised_count": t.subsidised_count,
            "cost": money(t.cost),
            "provider_share": money(t.provider_share),
            "subsidy": money(t.subsidy),
            "inburgering_count": o.inburgering_count,
            "inburgering_amount": money(o.inburgering_amount),
        },
    }


def report_json(report: BillingReport) -> dict[str, Any]:
    return {
        "statements": [statement_json(v) for v in report.statements],
        "summary": overview_json(report.overview),
    }


CSV_HEADERS = ["regel", "aanbieder", "periode", "nota", "notadatum", *LINE_HEADERS]


def write_csv(report: BillingReport, fh: IO[str]) -> None:
    """One flat UTF-8 table: per statement its lines, corrections, inburgering and totals; then
    the overview (``regel`` says what a row is)."""
    w = csv.writer(fh)
    w.writerow(CSV_HEADERS)
    for v in report.statements:
        st = v.statement
        head = [
            v.provider_name,
            f"{st.period.start.isoformat()}..{st.period.end.isoformat()}",
            v.number or "concept",
            st.statement_date.isoformat(),
        ]
        for ln in st.lines:
            w.writerow(["interview", *head, *line_cells(ln)])
        for ln in st.corrections:
            w.writerow(["correctie", *head, *line_cells(ln)])
        for ib in st.inburgering.lines + st.inburgering.corrections:
            w.writerow(
                [
                    "inburgering-correctie" if ib.is_correction else "inburgering",
                    *head,
                    ib.key,
                    when(ib.completed_at),
                    "",
                    money(ib.amount),
                    "",
                    "",
                    ib.corrects or "",
                ]
            )
        t = st.totals
        w.writerow(
            [
                "totaal",
                *head,
                f"{t.subsidised_count + t.full_count} gesprekken",
                "",
                str(t.subsidised_count),
                money(t.cost),
                money(t.provider_share),
                money(t.subsidy),
                "",
            ]
        )
    w.writerow([])
    w.writerow(["overzicht", *SUMMARY_HEADERS])
    for r in report.overview.rows:
        w.writerow(["overzicht", *summary_cells(r)])
    w.writerow(["overzicht", *summary_total_cells(report.overview)])


def write_xlsx(report: BillingReport, path: Path) -> None:
    """A sheet per statement and an overview sheet; amounts as numbers with two decimals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    overview = wb.active
    assert overview is not None
    overview.title = "Overzicht"
    bold = Font(bold=True)
    used = {"Overzicht"}

    def amount(text: str) -> Decimal:
        return Decimal(text)

    def put(ws: Any, values: Sequence[Any], money_cols: Iterable[int] = (), header: bool = False) -> None:
        ws.append(list(values))
        row = ws.max_row
        for c in money_cols:
            cell = ws.cell(row=row, column=c + 1)
            if isinstance(cell.value, str) and cell.value:
                cell.value = amount(cell.value)
            cell.number_format = "#,##0.00"
        if header:
            for cell in ws[row]:
                cell.font = bold

    put(overview, SUMMARY_HEADERS, header=True)
    for r in report.overview.rows:
        put(overview, summary_cells(r), (5, 6, 7, 9))
    put(overview, summary_total_cells(report.overview), (5, 6, 7, 9), header=True)

    for v in report.statements:
        base = (v.number or "concept") + " " + v.provider_name
        title = "".join(c for c in base if c not in "[]:*?/\\")[:31]
        n = 2
        while title in used:
            suffix = f" ({n})"
            title = title[: 31 - len(suffix)] + suffix
            n += 1
        used.add(title)
        ws = wb.create_sheet(title)
        st = v.statement
        put(ws, [statement_title(v)], header=True)
        put(ws, [terms_text(st.terms, st.tariff)])
        put(ws, [])
        put(ws, LINE_HEADERS, header=True)
        for ln in st.lines:
            put(ws, line_cells(ln), (3, 4, 5))
        if st.corrections:
            put(ws, ["Correcties"], header=True)
            for ln in st.corrections:
                put(ws, line_cells(ln), (3, 4, 5))
        t = st.totals
        put(
            ws,
            [
                "totaal",
                f"{t.subsidised_count + t.full_count} gesprekken",
                str(t.subsidised_count),
                money(t.cost),
                money(t.provider_share),
                money(t.subsidy),
            ],
            (3, 4, 5),
            header=True,
        )
        put(ws, [])
        put(ws, ["Inburgering", inburgering_text(st.inburgering)], header=True)
        for ib in st.inburgering.lines + st.inburgering.corrections:
            put(ws, [ib.key, when(ib.completed_at), "", money(ib.amount), "", "", ib.corrects or ""], (3,))
        for col, width in zip("ABCDEFG", (28, 18, 14, 12, 18, 12, 14), strict=True):
            ws.column_dimensions[col].width = width
    wb.save(path)
