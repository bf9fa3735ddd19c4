"""Builders shared by the billing tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal

from cati.billing.rules import BillableInterview, Period, Queue

P2021 = Period(date(2021, 1, 1), date(2021, 12, 31))
P2022 = Period(date(2022, 1, 1), date(2022, 12, 31))
T0 = datetime(2021, 3, 1, 9, 0)
TARIFF = Decimal("40.00")


def purchased(
    n: int, start_id: int = 1, start: datetime = T0, voided: Iterable[int] = ()
) -> list[BillableInterview]:
    """``n`` purchased completes, ids from ``start_id``, one minute apart."""
    void = set(voided)
    return [
        BillableInterview(
            interview_id=start_id + i,
            key=f"K{start_id + i:04d}",
            completed_at=start + timedelta(minutes=i),
            queue=Queue.PURCHASED,
            voided=(start_id + i) in void,
        )
        for i in range(n)
    ]


def inburgering(n: int, start_id: int = 1000, start: datetime = T0) -> list[BillableInterview]:
    return [
        BillableInterview(start_id + i, f"I{start_id + i}", start + timedelta(minutes=i), Queue.INBURGERING)
        for i in range(n)
    ]


def void(interviews: list[BillableInterview], *ids: int) -> list[BillableInterview]:
    return [
        BillableInterview(iv.interview_id, iv.key, iv.completed_at, iv.queue, True)
        if iv.interview_id in ids
        else iv
        for iv in interviews
    ]
