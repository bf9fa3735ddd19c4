"""Billing rows in and out of the database, for the billing service.

Reads the billable completes of a measurement period as they stood at a moment, the dated billing
terms and the closed statements (back into domain :class:`ClosedStatement`\\ s); stores a closed
statement with its lines. Amounts are integer cents here and ``Decimal`` euros in the domain.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.billing.rules import (
    NO_CAP,
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
    Terms,
    from_cents,
    terms_from_json,
    terms_to_json,
    to_cents,
)
from cati.core.localtime import day_start, local_day
from cati.platform.models import CallCase, Client, Interview, MeasurementPeriod, Provider, Setting, User
from cati.platform.models_billing import BillingStatement, BillingStatementLine

TERM_SETTINGS = {
    "threshold": "billing.subsidy_threshold",
    "subsidy_share": "billing.subsidy_share",
    "inburgering_tariff": "billing.inburgering_tariff",
    "inburgering_cap": "queue.inburgering.cap",
}
# Completes of the last minute wait for the next statement: a complete saved on another desk at the
# moment of closing (or with a clock a little off) then never falls between a closing and its check.
SETTLE = timedelta(minutes=1)


# --------------------------------------------------------------------------- dates and terms


def day_end(d: date) -> datetime:
    """The first instant after the local calendar day ``d`` (statement dates are the bureau's days)."""
    return day_start(d + timedelta(days=1))


def interview_key(respondent_key: str, interview_id: int) -> str:
    return f"{respondent_key}-{interview_id}"


def _term_value(name: str, value: Any) -> Any:
    if name in ("threshold",):
        return int(value)
    if name == "inburgering_cap":
        return NO_CAP if value is None else int(value)
    return Decimal(str(value))


def term_schedule(s: Session, defaults: Mapping[str, Any]) -> list[Terms]:
    """The dated billing terms: one Terms from every date any of the term settings changed
    (``defaults``: the settings' default values, by key)."""
    rows = s.scalars(
        select(Setting)
        .where(Setting.key.in_(TERM_SETTINGS.values()))
        .order_by(Setting.valid_from, Setting.id)
    ).all()
    by_key = {key: name for name, key in TERM_SETTINGS.items()}
    out = []
    for d in sorted({date.min} | {r.valid_from for r in rows}):
        values = {name: defaults[key] for name, key in TERM_SETTINGS.items()}
        for r in rows:
            if r.valid_from <= d:
                values[by_key[r.key]] = json.loads(r.value)
        out.append(Terms(valid_from=d, **{n: _term_value(n, v) for n, v in values.items()}))
    return out


# --------------------------------------------------------------------------- reading


def period_of(mp: MeasurementPeriod) -> Period:
    return Period(mp.start_date, mp.end_date)


def provider_periods(
    s: Session, provider_id: int | None, period: int | Period | None
) -> list[tuple[Provider, MeasurementPeriod]]:
    """Providers with their measurement periods (optionally one provider, one period by id or
    dates), by provider name and period start."""
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


def billable_interviews(
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


def statement_rows(s: Session, period_id: int) -> list[BillingStatement]:
    """The period's closed statements, oldest first."""
    return list(
        s.scalars(
            select(BillingStatement)
            .where(BillingStatement.period_id == period_id)
            .order_by(BillingStatement.statement_date, BillingStatement.closed_at, BillingStatement.number)
        )
    )


def closed_period_ids(s: Session) -> list[int]:
    """Every measurement period with a closed statement."""
    return list(s.scalars(select(BillingStatement.period_id).distinct()).all())


def closed_from_row(row: BillingStatement, mp: MeasurementPeriod) -> ClosedStatement:
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
        period=period_of(mp),
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
        closed_on=local_day(row.closed_at),
    )


def stored_totals_findings(row: BillingStatement, closed: ClosedStatement) -> list[Difference]:
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


def usernames(s: Session) -> dict[int, str]:
    return {uid: name for uid, name in s.execute(select(User.id, User.username)).all()}


def last_void_at(s: Session, period_id: int) -> datetime | None:
    """The latest void saved on a complete of the period."""
    value: datetime | None = s.scalar(
        select(func.max(Interview.voided_at))
        .join(CallCase, Interview.case_id == CallCase.id)
        .where(CallCase.period_id == period_id)
    )
    return value


def last_statement_date(s: Session, period_id: int) -> date | None:
    value: date | None = s.scalar(
        select(func.max(BillingStatement.statement_date)).where(BillingStatement.period_id == period_id)
    )
    return value


def last_closed_at(s: Session, period_id: int) -> datetime | None:
    value: datetime | None = s.scalar(
        select(func.max(BillingStatement.closed_at)).where(BillingStatement.period_id == period_id)
    )
    return value


def billed_on(s: Session, interview_id: int) -> str | None:
    """The number of the newest closed statement billing this interview (not as a correction)."""
    value: str | None = s.scalar(
        select(BillingStatement.number)
        .join(BillingStatementLine, BillingStatementLine.statement_id == BillingStatement.id)
        .where(
            BillingStatementLine.interview_id == interview_id,
            BillingStatementLine.corrects_statement.is_(None),
        )
        .order_by(BillingStatement.id.desc())
        .limit(1)
    )
    return value


# --------------------------------------------------------------------------- writing


def lock_period(s: Session, period_id: int) -> None:
    """Serialise closings and voids of one period (row lock; SQLite: the caller's BEGIN IMMEDIATE)."""
    s.execute(select(MeasurementPeriod.id).where(MeasurementPeriod.id == period_id).with_for_update())


def next_number(s: Session, year: int) -> str:
    """The next free statement number of the year (``YYYY-NNNN``)."""
    prefix = f"{year}-"
    numbers = s.scalars(
        select(BillingStatement.number).where(BillingStatement.number.like(f"{prefix}%"))
    ).all()
    seq = max((int(n[len(prefix) :]) for n in numbers if n[len(prefix) :].isdigit()), default=0) + 1
    return f"{prefix}{seq:04d}"


def _line_rows(st: Statement) -> list[BillingStatementLine]:
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


def save_closed(
    s: Session, closed: ClosedStatement, period_id: int, closed_at: datetime, closed_by: int | None
) -> BillingStatement:
    """Store a closed statement with its totals and every line in cents (flushed)."""
    totals = closed.totals
    row = BillingStatement(
        number=closed.number,
        provider_id=closed.provider_id,
        period_id=period_id,
        statement_date=closed.statement_date,
        closed_at=closed_at,
        closed_by=closed_by,
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
    row.lines = _line_rows(closed)
    s.add(row)
    s.flush()
    return row
