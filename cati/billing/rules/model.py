"""Billing value types: money helpers, dated terms, interviews and statements.

Pure domain code (no Qt, no database). Money is ``Decimal`` euros here and integer cents in
storage; :func:`to_cents` and :func:`from_cents` convert without loss.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from cati.core.money import ZERO, round_cents, to_cents


def split_cost(cost: Decimal, share: Decimal) -> tuple[Decimal, Decimal]:
    """Split ``cost`` into ``(subsidy, provider_share)``.

    The subsidy is ``cost x share`` rounded half up to the cent; the provider pays the rest, so the
    two always add up to ``cost`` exactly.
    """
    subsidy = round_cents(cost * share)
    return subsidy, cost - subsidy


def _check_money(name: str, amount: Decimal) -> None:
    if amount < 0:
        raise ValueError(f"{name} must not be negative, got {amount}")
    to_cents(amount)  # raises when not whole cents


# --------------------------------------------------------------------------- terms


@dataclass(frozen=True)
class Terms:
    """Billing terms in force from ``valid_from`` (a dated setting).

    ``threshold``: the first N purchased interviews per provider and period are subsidised;
    ``subsidy_share``: the part of their cost Blik op Werk pays (0..1);
    ``inburgering_tariff``: price per inburgering complete (not billed to the provider);
    ``inburgering_cap``: the maximum number of inburgering completes per provider and period.
    """

    valid_from: date
    threshold: int = 20
    subsidy_share: Decimal = Decimal("0.50")
    inburgering_tariff: Decimal = ZERO
    inburgering_cap: int = 25

    def __post_init__(self) -> None:
        if self.threshold < 0:
            raise ValueError("threshold must not be negative")
        if not Decimal(0) <= self.subsidy_share <= Decimal(1):
            raise ValueError("subsidy_share must lie between 0 and 1")
        _check_money("inburgering_tariff", self.inburgering_tariff)
        if self.inburgering_cap < 0:
            raise ValueError("inburgering_cap must not be negative")


NO_CAP = 1_000_000  # an inburgering cap of "none" (setting null): more than will ever be billed


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


def terms_in_force(schedule: Iterable[Terms], on: date) -> Terms:
    """The terms with the latest ``valid_from`` on or before ``on``; ``ValueError`` if none."""
    candidates = [t for t in schedule if t.valid_from <= on]
    if not candidates:
        raise ValueError(f"no billing terms in force on {on.isoformat()}")
    return max(candidates, key=lambda t: t.valid_from)


# --------------------------------------------------------------------------- input


class Queue(StrEnum):
    """The two phone queues whose completes matter for finance."""

    PURCHASED = "purchased"  # telephone option bought by the provider
    INBURGERING = "inburgering"  # low learning profile; part of the method, not billed


@dataclass(frozen=True)
class Period:
    """A measurement period (inclusive dates)."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")


@dataclass(frozen=True)
class BillableInterview:
    """A COMPLETE in one of the provider's phone queues for one period."""

    interview_id: int
    key: str  # the client's/case's public key, shown on the statement
    completed_at: datetime
    queue: Queue
    voided: bool = False

    @property
    def order_key(self) -> tuple[datetime, int]:
        """'First' means by completion time, ties broken by interview id."""
        return (self.completed_at, self.interview_id)


# --------------------------------------------------------------------------- output


@dataclass(frozen=True)
class StatementLine:
    """One purchased interview billed (or, with ``corrects`` set, a reversal of one).

    A correction line carries the negated amounts of the closed line it reverses and
    ``corrects`` = the number of the statement that holds that line.
    """

    interview_id: int
    key: str
    completed_at: datetime
    cost: Decimal
    subsidy: Decimal
    provider_share: Decimal
    subsidised: bool
    corrects: str | None = None

    @property
    def is_correction(self) -> bool:
        return self.corrects is not None

    @property
    def adds_up(self) -> bool:
        return self.subsidy + self.provider_share == self.cost

    def reversal(self, statement_number: str) -> StatementLine:
        """The correction line that cancels this line (held in statement ``statement_number``)."""
        return StatementLine(
            interview_id=self.interview_id,
            key=self.key,
            completed_at=self.completed_at,
            cost=-self.cost,
            subsidy=-self.subsidy,
            provider_share=-self.provider_share,
            subsidised=self.subsidised,
            corrects=statement_number,
        )


@dataclass(frozen=True)
class InburgeringLine:
    """One inburgering complete (paid by the method, never by the provider)."""

    interview_id: int
    key: str
    completed_at: datetime
    amount: Decimal
    corrects: str | None = None

    @property
    def is_correction(self) -> bool:
        return self.corrects is not None

    def reversal(self, statement_number: str) -> InburgeringLine:
        return InburgeringLine(
            self.interview_id, self.key, self.completed_at, -self.amount, corrects=statement_number
        )


@dataclass(frozen=True)
class InburgeringSection:
    """Inburgering completes new on this statement, with the period's count against the cap."""

    lines: tuple[InburgeringLine, ...]
    corrections: tuple[InburgeringLine, ...]
    count_to_date: int  # valid inburgering completes in the period, all statements together
    cap: int
    tariff: Decimal

    @property
    def count(self) -> int:
        """Net count on this statement (new lines minus reversals)."""
        return len(self.lines) - len(self.corrections)

    @property
    def amount(self) -> Decimal:
        return sum((ln.amount for ln in self.lines + self.corrections), ZERO)

    @property
    def over_cap(self) -> bool:
        return self.count_to_date > self.cap


@dataclass(frozen=True)
class Totals:
    """Sums over statement lines. ``subsidy + provider_share == cost`` always holds."""

    cost: Decimal = ZERO
    subsidy: Decimal = ZERO
    provider_share: Decimal = ZERO
    subsidised_count: int = 0  # net: reversals count -1
    full_count: int = 0

    @classmethod
    def of(cls, lines: Iterable[StatementLine]) -> Totals:
        cost = subsidy = provider = ZERO
        n_sub = n_full = 0
        for ln in lines:
            cost += ln.cost
            subsidy += ln.subsidy
            provider += ln.provider_share
            step = -1 if ln.is_correction else 1
            if ln.subsidised:
                n_sub += step
            else:
                n_full += step
        return cls(cost, subsidy, provider, n_sub, n_full)

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.cost + other.cost,
            self.subsidy + other.subsidy,
            self.provider_share + other.provider_share,
            self.subsidised_count + other.subsidised_count,
            self.full_count + other.full_count,
        )


@dataclass(frozen=True, kw_only=True)
class Statement:
    """A provider's billing statement for one period (open until closed)."""

    provider_id: int
    period: Period
    statement_date: date
    terms: Terms
    tariff: Decimal
    lines: tuple[StatementLine, ...]
    corrections: tuple[StatementLine, ...]
    inburgering: InburgeringSection

    @property
    def totals(self) -> Totals:
        """Lines plus corrections; what the provider and Blik op Werk owe on this statement."""
        return Totals.of(self.lines + self.corrections)

    @property
    def is_empty(self) -> bool:
        ib = self.inburgering
        return not (self.lines or self.corrections or ib.lines or ib.corrections)


@dataclass(frozen=True, kw_only=True)
class ClosedStatement(Statement):
    """A frozen statement: number, date, terms and lines never change after closing."""

    number: str
    closed_on: date | None = field(default=None)


def close_statement(statement: Statement, number: str, closed_on: date | None = None) -> ClosedStatement:
    """Freeze ``statement`` under ``number``. Later events only create correction lines."""
    if not number:
        raise ValueError("a closed statement needs a number")
    values = {f.name: getattr(statement, f.name) for f in fields(Statement)}
    return ClosedStatement(**values, number=number, closed_on=closed_on or statement.statement_date)


def sort_lines(lines: Sequence[StatementLine]) -> tuple[StatementLine, ...]:
    return tuple(sorted(lines, key=lambda ln: (ln.completed_at, ln.interview_id)))
