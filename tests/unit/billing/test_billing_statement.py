"""Billing statements: the first-20 subsidy, voids, periods, terms, rounding."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from billing_helpers import P2021, P2022, T0, TARIFF, inburgering, purchased, void

from cati.billing.rules import (
    BillableInterview,
    Queue,
    Statement,
    Terms,
    close_statement,
    compute_statement,
    from_cents,
    split_cost,
    terms_in_force,
    to_cents,
)

TERMS = Terms(valid_from=date(2000, 1, 1))
D1 = date(2021, 6, 30)
D2 = date(2021, 9, 30)
D3 = date(2021, 12, 31)


def stmt(interviews: list[BillableInterview], closed: tuple = (), on: date = D1, **kw: object) -> Statement:
    kw.setdefault("tariff", TARIFF)
    kw.setdefault("terms", TERMS)
    return compute_statement(7, P2021, interviews, list(closed), statement_date=on, **kw)  # type: ignore[arg-type]


def subsidised_ids(st: Statement) -> list[int]:
    return [ln.interview_id for ln in st.lines if ln.subsidised]


@pytest.mark.parametrize(("n", "n_sub", "n_full"), [(5, 5, 0), (20, 20, 0), (21, 20, 1), (27, 20, 7)])
def test_first_twenty_are_half_paid(n: int, n_sub: int, n_full: int) -> None:
    st = stmt(purchased(n))
    t = st.totals
    assert (t.subsidised_count, t.full_count) == (n_sub, n_full)
    assert t.cost == TARIFF * n
    assert t.subsidy == Decimal("20.00") * n_sub
    assert t.provider_share == Decimal("20.00") * n_sub + TARIFF * n_full
    assert subsidised_ids(st) == list(range(1, n_sub + 1))
    assert all(ln.subsidy == 0 and ln.provider_share == TARIFF for ln in st.lines if not ln.subsidised)


def test_first_means_completion_time_then_interview_id() -> None:
    ivs = purchased(21)
    # interview 21 completed first; interviews 5 and 6 at the same moment
    ivs[20] = replace(ivs[20], completed_at=T0 - timedelta(hours=1))
    ivs[5] = replace(ivs[5], completed_at=ivs[4].completed_at)
    st = stmt(ivs)
    assert subsidised_ids(st) == [21, *range(1, 20)]
    assert [ln.interview_id for ln in st.lines if not ln.subsidised] == [20]


def test_partials_other_queues_are_not_billed_and_inburgering_has_own_section() -> None:
    st = stmt(purchased(3) + inburgering(26), terms=Terms(date(2000, 1, 1), inburgering_tariff=Decimal("12.50")))
    assert len(st.lines) == 3
    ib = st.inburgering
    assert (ib.count, ib.count_to_date, ib.cap, ib.over_cap) == (26, 26, 25, True)
    assert ib.amount == Decimal("325.00")
    assert st.totals.cost == TARIFF * 3  # inburgering never on the provider's bill
    assert stmt(inburgering(4)).inburgering.amount == 0  # default tariff: none


def test_void_before_closing_moves_the_place_up() -> None:
    st = stmt(purchased(22, voided=[3]))
    assert 3 not in [ln.interview_id for ln in st.lines]
    assert subsidised_ids(st) == [1, 2, *range(4, 22)]
    assert [ln.interview_id for ln in st.lines if not ln.subsidised] == [22]


def test_void_after_closing_corrects_and_frees_place_for_next_unbilled() -> None:
    ivs = purchased(22)
    s1 = close_statement(stmt(ivs), "2021-001")
    assert s1.totals.subsidised_count == 20 and s1.totals.full_count == 2
    # interview 3 (subsidised) voided after close; 23 and 24 complete later
    ivs2 = void(ivs, 3) + purchased(2, start_id=23, start=T0 + timedelta(days=30))
    s2 = stmt(ivs2, (s1,), on=D2)
    assert [c.interview_id for c in s2.corrections] == [3]
    corr = s2.corrections[0]
    assert (corr.cost, corr.subsidy, corr.provider_share, corr.corrects) == (
        Decimal("-40.00"),
        Decimal("-20.00"),
        Decimal("-20.00"),
        "2021-001",
    )
    # closed lines never change: 21 and 22 stay full; the freed place goes to 23
    assert subsidised_ids(s2) == [23]
    assert [ln.interview_id for ln in s2.lines if not ln.subsidised] == [24]
    assert s1.lines == close_statement(stmt(ivs), "2021-001").lines
    assert s2.totals.subsidy == Decimal("0.00")  # -20 reversal + 20 for interview 23
    s2c = close_statement(s2, "2021-002")
    # nothing new: a third statement is empty, the reversal is not repeated
    assert stmt(ivs2, (s1, s2c), on=D3).is_empty


def test_void_of_unsubsidised_after_close_is_reversed_in_full() -> None:
    ivs = purchased(21)
    s1 = close_statement(stmt(ivs), "A1")
    s2 = stmt(void(ivs, 21), (s1,), on=D2)
    assert s2.lines == ()
    assert s2.totals.cost == Decimal("-40.00") and s2.totals.provider_share == Decimal("-40.00")
    assert s2.totals.subsidy == 0 and s2.totals.full_count == -1


def test_two_periods_each_get_their_own_twenty() -> None:
    s2021 = close_statement(stmt(purchased(25)), "2021-001")
    ivs22 = purchased(25, start_id=101, start=T0.replace(year=2022))
    st = compute_statement(7, P2022, ivs22, [s2021], TERMS, date(2022, 6, 30), tariff=TARIFF)
    assert (st.totals.subsidised_count, st.totals.full_count) == (20, 5)
    # another provider's closed statements are ignored too
    other = compute_statement(8, P2021, purchased(3), [s2021], TERMS, D1, tariff=TARIFF)
    assert other.totals.subsidised_count == 3


def test_terms_change_mid_period() -> None:
    schedule = [
        Terms(date(2000, 1, 1)),
        Terms(date(2021, 7, 1), threshold=25, subsidy_share=Decimal("0.40")),
    ]
    assert terms_in_force(schedule, date(2021, 6, 30)).threshold == 20
    assert terms_in_force(schedule, date(2021, 7, 1)).threshold == 25
    with pytest.raises(ValueError):
        terms_in_force(schedule, date(1999, 12, 31))
    ivs = purchased(10)
    s1 = close_statement(stmt(ivs, terms=schedule, on=D1), "1")
    assert s1.terms.threshold == 20 and s1.totals.subsidy == Decimal("200.00")
    ivs2 = ivs + purchased(20, start_id=11, start=T0 + timedelta(days=60))
    s2 = stmt(ivs2, (s1,), terms=schedule, on=D2)
    # 10 places used; 25 - 10 = 15 more at the new 40% share
    assert s2.terms.subsidy_share == Decimal("0.40")
    assert (s2.totals.subsidised_count, s2.totals.full_count) == (15, 5)
    assert s2.totals.subsidy == Decimal("16.00") * 15
    # the closed statement keeps its own terms
    assert s1.terms.subsidy_share == Decimal("0.50")


@pytest.mark.parametrize(
    ("tariff", "subsidy", "provider"),
    [("42.25", "21.13", "21.12"), ("0.01", "0.01", "0.00"), ("0.03", "0.02", "0.01"), ("0.00", "0", "0")],
)
def test_odd_tariffs_round_half_up(tariff: str, subsidy: str, provider: str) -> None:
    assert split_cost(Decimal(tariff), Decimal("0.5")) == (Decimal(subsidy), Decimal(provider))
    st = stmt(purchased(21), tariff=Decimal(tariff))
    ln = st.lines[0]
    assert (ln.subsidy, ln.provider_share) == (Decimal(subsidy), Decimal(provider))
    t = st.totals
    assert t.subsidy == Decimal(subsidy) * 20
    assert t.subsidy + t.provider_share == t.cost == Decimal(tariff) * 21


def test_cents_round_trip_and_bad_amounts() -> None:
    assert from_cents(4225) == Decimal("42.25")
    assert to_cents(Decimal("42.25")) == 4225
    assert to_cents(Decimal("-0.01")) == -1
    with pytest.raises(ValueError):
        to_cents(Decimal("0.005"))
    with pytest.raises(ValueError):
        stmt(purchased(1), tariff=Decimal("10.001"))
    with pytest.raises(ValueError):
        Terms(date(2000, 1, 1), subsidy_share=Decimal("1.5"))
    with pytest.raises(ValueError):
        stmt(purchased(2) + purchased(1))  # duplicate interview id


def test_unvoided_interview_is_billed_again() -> None:
    ivs = purchased(3)
    s1 = close_statement(stmt(ivs), "1")
    s2 = close_statement(stmt(void(ivs, 2), (s1,), on=D2), "2")
    s3 = stmt(ivs, (s1, s2), on=D3)  # void undone
    assert [ln.interview_id for ln in s3.lines] == [2]
    assert s3.lines[0].subsidised


def test_queue_value_is_stable_text() -> None:
    assert Queue("purchased") is Queue.PURCHASED
