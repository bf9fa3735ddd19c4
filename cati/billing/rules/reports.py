"""Views over billing statements: summary, subsidy claim to Blik op Werk, reconciliation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from cati.core.money import ZERO

from .model import (
    ClosedStatement,
    InburgeringLine,
    Period,
    Statement,
    StatementLine,
    Totals,
    split_cost,
)

# --------------------------------------------------------------------------- summary


@dataclass(frozen=True)
class SummaryRow:
    provider_id: int
    period: Period
    statement_count: int
    totals: Totals
    inburgering_count: int
    inburgering_amount: Decimal


@dataclass(frozen=True)
class BillingSummary:
    rows: tuple[SummaryRow, ...]  # one per provider and period, sorted
    totals: Totals
    inburgering_count: int
    inburgering_amount: Decimal


def summary(statements: Sequence[Statement]) -> BillingSummary:
    """Totals per provider and period, and the grand total, over the given statements."""
    groups: dict[tuple[int, Period], list[Statement]] = {}
    for st in statements:
        groups.setdefault((st.provider_id, st.period), []).append(st)
    rows = []
    for (provider_id, period), group in sorted(
        groups.items(), key=lambda kv: (kv[0][0], kv[0][1].start, kv[0][1].end)
    ):
        totals = Totals()
        for st in group:
            totals = totals + st.totals
        rows.append(
            SummaryRow(
                provider_id=provider_id,
                period=period,
                statement_count=len(group),
                totals=totals,
                inburgering_count=sum(st.inburgering.count for st in group),
                inburgering_amount=sum((st.inburgering.amount for st in group), ZERO),
            )
        )
    grand = Totals()
    for row in rows:
        grand = grand + row.totals
    return BillingSummary(
        rows=tuple(rows),
        totals=grand,
        inburgering_count=sum(r.inburgering_count for r in rows),
        inburgering_amount=sum((r.inburgering_amount for r in rows), ZERO),
    )


# --------------------------------------------------------------------------- subsidy claim


@dataclass(frozen=True)
class ClaimItem:
    """A subsidised interview (or the reversal of one) on a closed statement."""

    statement_number: str
    period: Period
    interview_id: int
    key: str
    completed_at: datetime
    subsidy: Decimal  # negative for a reversal
    is_correction: bool


@dataclass(frozen=True)
class ProviderClaim:
    provider_id: int
    items: tuple[ClaimItem, ...]

    @property
    def count(self) -> int:
        """Net number of subsidised interviews (reversals count -1)."""
        return sum(-1 if it.is_correction else 1 for it in self.items)

    @property
    def amount(self) -> Decimal:
        return sum((it.subsidy for it in self.items), ZERO)


@dataclass(frozen=True)
class SubsidyClaim:
    providers: tuple[ProviderClaim, ...]

    @property
    def count(self) -> int:
        return sum(p.count for p in self.providers)

    @property
    def amount(self) -> Decimal:
        return sum((p.amount for p in self.providers), ZERO)


def subsidy_claim(statements: Sequence[ClosedStatement]) -> SubsidyClaim:
    """What Blik op Werk owes: per provider the subsidised interviews and amounts; grand total.

    Only closed statements can be claimed; reversals of subsidised lines are included (negative).
    """
    per_provider: dict[int, list[ClaimItem]] = {}
    for st in statements:
        items = per_provider.setdefault(st.provider_id, [])
        for ln in st.lines + st.corrections:
            if ln.subsidised:
                items.append(
                    ClaimItem(
                        statement_number=st.number,
                        period=st.period,
                        interview_id=ln.interview_id,
                        key=ln.key,
                        completed_at=ln.completed_at,
                        subsidy=ln.subsidy,
                        is_correction=ln.is_correction,
                    )
                )
    return SubsidyClaim(
        tuple(
            ProviderClaim(
                pid,
                tuple(sorted(items, key=lambda it: (it.period.start, it.completed_at, it.interview_id))),
            )
            for pid, items in sorted(per_provider.items())
        )
    )


# --------------------------------------------------------------------------- reconcile


class DifferenceKind(StrEnum):
    NOT_ADDING_UP = "not_adding_up"  # subsidy + provider share != cost on a stored line
    WRONG_COST = "wrong_cost"  # a line's cost is not the statement's tariff
    WRONG_SUBSIDY = "wrong_subsidy"  # subsidy differs from cost x share under the stored terms
    AMOUNT_MISMATCH = "amount_mismatch"  # stored amount differs from the recomputation
    MISSING_LINE = "missing_line"  # recomputation has a line the stored statement lacks
    EXTRA_LINE = "extra_line"  # stored statement has a line the recomputation lacks
    HEADER_MISMATCH = "header_mismatch"  # provider, period, date, terms or tariff differ


@dataclass(frozen=True)
class Difference:
    kind: DifferenceKind
    interview_id: int | None
    field: str
    stored: str
    expected: str


_LineKey = tuple[str, int, bool]  # (section, interview id, is correction)


def reconcile(closed: ClosedStatement, recomputed: Statement) -> list[Difference]:
    """Check a stored closed statement: internally, and against a recomputation from source data.

    Finds lines whose shares do not add up to the cost, costs or subsidies that do not follow
    from the stored tariff and terms, and every line or amount that differs from ``recomputed``
    (see :func:`cati.billing.rules.compute.recompute`). Empty list: nothing found.
    """
    diffs: list[Difference] = []
    for name in ("provider_id", "period", "statement_date", "terms", "tariff"):
        stored, expected = getattr(closed, name), getattr(recomputed, name)
        if stored != expected:
            diffs.append(Difference(DifferenceKind.HEADER_MISMATCH, None, name, str(stored), str(expected)))

    for ln in closed.lines + closed.corrections:
        diffs.extend(_check_line(closed, ln))
    for ib in closed.inburgering.lines:
        if ib.amount != closed.inburgering.tariff:
            diffs.append(
                Difference(
                    DifferenceKind.WRONG_COST,
                    ib.interview_id,
                    "inburgering.amount",
                    str(ib.amount),
                    str(closed.inburgering.tariff),
                )
            )

    stored_map = _line_map(closed)
    expected_map = _line_map(recomputed)
    for key in sorted(stored_map.keys() | expected_map.keys()):
        section, iid, _corr = key
        s, e = stored_map.get(key), expected_map.get(key)
        if s is None:
            diffs.append(Difference(DifferenceKind.MISSING_LINE, iid, section, "", _describe(e)))
        elif e is None:
            diffs.append(Difference(DifferenceKind.EXTRA_LINE, iid, section, _describe(s), ""))
        else:
            for attr in ("cost", "subsidy", "provider_share", "subsidised", "amount", "corrects"):
                sv, ev = getattr(s, attr, None), getattr(e, attr, None)
                if sv != ev:
                    diffs.append(
                        Difference(DifferenceKind.AMOUNT_MISMATCH, iid, f"{section}.{attr}", str(sv), str(ev))
                    )
    return diffs


def _check_line(st: Statement, ln: StatementLine) -> list[Difference]:
    out: list[Difference] = []
    iid = ln.interview_id
    if not ln.adds_up:
        out.append(
            Difference(
                DifferenceKind.NOT_ADDING_UP,
                iid,
                "subsidy+provider_share",
                str(ln.subsidy + ln.provider_share),
                str(ln.cost),
            )
        )
    if ln.is_correction:
        return out  # reverses a line of an earlier statement, under that statement's terms
    if ln.cost != st.tariff:
        out.append(Difference(DifferenceKind.WRONG_COST, iid, "cost", str(ln.cost), str(st.tariff)))
    expected_subsidy = split_cost(ln.cost, st.terms.subsidy_share)[0] if ln.subsidised else ZERO
    if ln.subsidy != expected_subsidy:
        out.append(
            Difference(DifferenceKind.WRONG_SUBSIDY, iid, "subsidy", str(ln.subsidy), str(expected_subsidy))
        )
    return out


def _line_map(st: Statement) -> dict[_LineKey, StatementLine | InburgeringLine]:
    out: dict[_LineKey, StatementLine | InburgeringLine] = {}
    for ln in st.lines + st.corrections:
        out[("purchased", ln.interview_id, ln.is_correction)] = ln
    for ib in st.inburgering.lines + st.inburgering.corrections:
        out[("inburgering", ib.interview_id, ib.is_correction)] = ib
    return out


def _describe(ln: StatementLine | InburgeringLine | None) -> str:
    if isinstance(ln, StatementLine):
        return f"cost={ln.cost} subsidy={ln.subsidy} provider_share={ln.provider_share}"
    if isinstance(ln, InburgeringLine):
        return f"amount={ln.amount}"
    return ""


__all__ = [
    "BillingSummary",
    "ClaimItem",
    "Difference",
    "DifferenceKind",
    "ProviderClaim",
    "SubsidyClaim",
    "SummaryRow",
    "reconcile",
    "subsidy_claim",
    "summary",
]
