"""Property tests: over thousands of random histories the money always adds up to the cent."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from billing_helpers import P2021
from hypothesis import given, settings
from hypothesis import strategies as st

from cati.billing.rules import (
    BillableInterview,
    ClosedStatement,
    Queue,
    Terms,
    close_statement,
    compute_statement,
    from_cents,
    split_cost,
    standing_lines,
    subsidy_claim,
    summary,
)

cents = st.integers(min_value=0, max_value=250_000).map(from_cents)
shares = st.integers(min_value=0, max_value=10_000).map(lambda n: Decimal(n) / 10_000)


@pytest.mark.slow(seconds=2)  # 3000 examples
@settings(max_examples=3000, deadline=None)
@given(cost=cents, share=shares)
def test_split_always_adds_up(cost: Decimal, share: Decimal) -> None:
    subsidy, provider = split_cost(cost, share)
    assert subsidy + provider == cost
    assert subsidy == subsidy.quantize(Decimal("0.01")) and 0 <= subsidy <= cost


step = st.fixed_dictionaries(
    {
        "new": st.lists(
            st.tuples(st.integers(0, 60 * 24 * 200), st.booleans()), max_size=12
        ),  # (minute offset, is inburgering)
        "void": st.lists(st.integers(0, 200), max_size=3),
        "unvoid": st.lists(st.integers(0, 200), max_size=1),
        "tariff": cents,
        "close": st.booleans(),
    }
)


@pytest.mark.slow(seconds=3)  # 1000 random histories
@settings(max_examples=1000, deadline=None)
@given(
    steps=st.lists(step, min_size=1, max_size=6),
    threshold=st.integers(0, 25),
    share=shares,
    later_threshold=st.integers(0, 25),
    later_share=shares,
)
def test_random_histories_keep_books_straight(
    steps: list[dict], threshold: int, share: Decimal, later_threshold: int, later_share: Decimal
) -> None:
    schedule = [
        Terms(date(2000, 1, 1), threshold=threshold, subsidy_share=share),
        Terms(date(2021, 1, 4), threshold=later_threshold, subsidy_share=later_share),
    ]
    t0 = datetime(2021, 1, 1, 8)
    interviews: dict[int, BillableInterview] = {}
    closed: list[ClosedStatement] = []
    statements = []
    next_id = 1
    for n, s in enumerate(steps, start=1):
        for offset, is_inb in s["new"]:
            queue = Queue.INBURGERING if is_inb else Queue.PURCHASED
            interviews[next_id] = BillableInterview(
                next_id, f"K{next_id}", t0 + timedelta(minutes=offset), queue
            )
            next_id += 1
        for idx in s["void"]:
            if interviews:
                iid = sorted(interviews)[idx % len(interviews)]
                interviews[iid] = replace(interviews[iid], voided=True)
        for idx in s["unvoid"]:
            if interviews:
                iid = sorted(interviews)[idx % len(interviews)]
                interviews[iid] = replace(interviews[iid], voided=False)
        on = date(2021, 1, 1) + timedelta(days=n)
        stmt = compute_statement(7, P2021, list(interviews.values()), closed, schedule, on, tariff=s["tariff"])
        statements.append(stmt)
        for ln in stmt.lines + stmt.corrections:
            assert ln.subsidy + ln.provider_share == ln.cost
        tot = stmt.totals
        assert tot.subsidy + tot.provider_share == tot.cost
        # new lines: subsidised ones come first, in completion order
        flags = [ln.subsidised for ln in stmt.lines]
        assert flags == sorted(flags, reverse=True)
        if s["close"] or n == len(steps):
            closed.append(close_statement(stmt, f"S{n}"))
            standing, standing_inb = standing_lines(closed)
            subsidised = sum(1 for ln, _ in standing.values() if ln.subsidised)
            assert subsidised <= max(threshold, later_threshold)
            if not all(flags):  # someone paid in full: every place was taken
                assert subsidised >= stmt.terms.threshold

    # after the last close every valid complete is billed exactly once, no voided one stands
    standing, standing_inb = standing_lines(closed)
    valid = {i for i, iv in interviews.items() if not iv.voided and iv.queue is Queue.PURCHASED}
    assert set(standing) == valid
    assert set(standing_inb) == {i for i, iv in interviews.items() if not iv.voided and iv.queue is Queue.INBURGERING}
    summ = summary(closed)
    assert summ.totals.subsidy + summ.totals.provider_share == summ.totals.cost
    assert summ.totals.cost == sum((ln.cost for ln, _ in standing.values()), Decimal(0))
    assert summ.totals.subsidised_count + summ.totals.full_count == len(valid)
    assert subsidy_claim(closed).amount == summ.totals.subsidy
    assert summary(statements).totals.subsidy + summary(statements).totals.provider_share == summary(
        statements
    ).totals.cost
