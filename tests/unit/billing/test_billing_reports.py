"""Summary, subsidy claim and reconciliation of closed statements."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from billing_helpers import P2021, P2022, T0, TARIFF, purchased, void

from cati.billing.rules import (
    ClosedStatement,
    DifferenceKind,
    Terms,
    close_statement,
    compute_statement,
    recompute,
    reconcile,
    subsidy_claim,
    summary,
)

TERMS = Terms(valid_from=date(2000, 1, 1))


def closed_pair() -> tuple[ClosedStatement, ClosedStatement, list]:
    ivs = purchased(22)
    s1 = close_statement(compute_statement(7, P2021, ivs, [], TERMS, date(2021, 6, 30), tariff=TARIFF), "1")
    ivs2 = void(ivs, 1) + purchased(1, start_id=30, start=T0 + timedelta(days=40))
    s2 = close_statement(
        compute_statement(7, P2021, ivs2, [s1], TERMS, date(2021, 9, 30), tariff=TARIFF), "2"
    )
    return s1, s2, ivs


def test_summary_and_claim() -> None:
    s1, s2, _ = closed_pair()
    other = close_statement(
        compute_statement(9, P2022, purchased(2), [], TERMS, date(2022, 3, 1), tariff=Decimal("42.25")), "9-1"
    )
    summ = summary([s1, s2, other])
    assert [(r.provider_id, r.period) for r in summ.rows] == [(7, P2021), (9, P2022)]
    row7 = summ.rows[0]
    assert row7.statement_count == 2
    assert row7.totals.subsidised_count == 20 and row7.totals.full_count == 2
    assert row7.totals.cost == TARIFF * 22  # 22 + 1 new - 1 voided
    assert summ.totals.subsidy == Decimal("400.00") + Decimal("42.26")
    assert summ.totals.subsidy + summ.totals.provider_share == summ.totals.cost

    claim = subsidy_claim([s1, s2, other])
    by_provider = {p.provider_id: p for p in claim.providers}
    assert by_provider[7].count == 20  # 20 in s1, -1 reversal, +1 (interview 30) in s2
    assert by_provider[7].amount == Decimal("400.00")
    assert sorted(it.interview_id for it in by_provider[7].items if it.is_correction) == [1]
    assert by_provider[9].amount == Decimal("42.26")
    assert claim.count == 22 and claim.amount == Decimal("442.26")


def test_reconcile_finds_nothing_on_untouched_data() -> None:
    s1, s2, ivs = closed_pair()
    assert reconcile(s1, recompute(s1, ivs, [s1, s2])) == []
    ivs2 = void(ivs, 1) + purchased(1, start_id=30, start=T0 + timedelta(days=40))
    assert reconcile(s2, recompute(s2, ivs2, [s1, s2])) == []


def test_reconcile_finds_a_tampered_amount() -> None:
    s1, s2, ivs = closed_pair()
    lines = list(s1.lines)
    lines[4] = replace(lines[4], provider_share=Decimal("2.00"))  # shares no longer add up
    lines[7] = replace(lines[7], subsidy=Decimal("30.00"), provider_share=Decimal("10.00"))  # adds up
    tampered = replace(s1, lines=tuple(lines))
    diffs = reconcile(tampered, recompute(s1, ivs, [s1, s2]))
    kinds = {(d.kind, d.interview_id) for d in diffs}
    assert (DifferenceKind.NOT_ADDING_UP, 5) in kinds
    assert (DifferenceKind.WRONG_SUBSIDY, 8) in kinds
    assert (DifferenceKind.AMOUNT_MISMATCH, 8) in kinds
    assert {d.interview_id for d in diffs} == {5, 8}


def test_reconcile_finds_missing_and_extra_lines_and_header() -> None:
    s1, s2, ivs = closed_pair()
    tampered = replace(s1, lines=s1.lines[1:], tariff=Decimal("41.00"))
    diffs = reconcile(tampered, recompute(s1, ivs, [s1, s2]))
    kinds = {d.kind for d in diffs}
    assert DifferenceKind.MISSING_LINE in kinds
    assert DifferenceKind.HEADER_MISMATCH in kinds
    assert DifferenceKind.WRONG_COST in kinds
    extra = replace(s1, lines=(*s1.lines, replace(s1.lines[0], interview_id=999)))
    assert any(d.kind is DifferenceKind.EXTRA_LINE and d.interview_id == 999 for d in reconcile(extra, s1))
