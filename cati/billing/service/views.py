"""What the billing service returns: frozen dataclasses around the domain statements, with names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from cati.billing.rules import ClosedStatement, Period, Statement, SubsidyClaim, Totals, summary


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


def overview_of(views: Iterable[StatementView]) -> BillingOverview:
    """Per provider and period (by provider name, period start): statements and totals."""
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
