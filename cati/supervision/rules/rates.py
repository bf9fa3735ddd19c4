"""AAPOR outcome rates (Standard Definitions): RR1-RR6, COOP1-4, REF1-3, CON1-3.

Counts per disposition group: I complete, P partial, R refusal and break-off, NC non-contact,
O other eligible, UH/UR/UO unknown eligibility, NE not eligible. ``e`` is the estimated share of
the unknown-eligibility cases that is eligible; by default
``e = (I+P+R+NC+O) / (I+P+R+NC+O+NE)`` and it can be set. Rates are exact ``Fraction``s;
a zero denominator (or an undefined default ``e``) gives ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

Rate = Fraction | None


@dataclass(frozen=True)
class DispositionCounts:
    """Final dispositions counted per AAPOR group (field names are the formula symbols)."""

    i: int = 0
    p: int = 0
    r: int = 0
    nc: int = 0
    o: int = 0
    uh: int = 0
    ur: int = 0
    uo: int = 0
    ne: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise ValueError(f"count {f.name} must not be negative")

    @property
    def interviews(self) -> int:
        return self.i + self.p

    @property
    def eligible_non_interviews(self) -> int:
        return self.r + self.nc + self.o

    @property
    def unknown(self) -> int:
        return self.uh + self.ur + self.uo

    @property
    def known_eligible(self) -> int:
        return self.interviews + self.eligible_non_interviews


def default_e(c: DispositionCounts) -> Rate:
    """(I+P+R+NC+O) / (I+P+R+NC+O+NE); ``None`` when nothing of known eligibility exists."""
    return _ratio(c.known_eligible, c.known_eligible + c.ne)


def _ratio(num: Fraction | int, den: Fraction | int) -> Rate:
    return None if den == 0 else Fraction(num) / Fraction(den)


def _e(c: DispositionCounts, e: Fraction | Decimal | float | None) -> Rate:
    if e is None:
        return default_e(c)
    value = Fraction(e)
    if not 0 <= value <= 1:
        raise ValueError("e must lie between 0 and 1")
    return value


def _den_all(c: DispositionCounts) -> int:
    return c.known_eligible + c.unknown


def _den_e(c: DispositionCounts, e: Fraction | Decimal | float | None) -> Fraction | None:
    ev = _e(c, e)
    return None if ev is None else c.known_eligible + ev * c.unknown


def _over_e(num: int, c: DispositionCounts, e: Fraction | Decimal | float | None) -> Rate:
    den = _den_e(c, e)
    return None if den is None else _ratio(num, den)


# Response rates
def rr1(c: DispositionCounts) -> Rate:
    return _ratio(c.i, _den_all(c))


def rr2(c: DispositionCounts) -> Rate:
    return _ratio(c.interviews, _den_all(c))


def rr3(c: DispositionCounts, e: Fraction | Decimal | float | None = None) -> Rate:
    return _over_e(c.i, c, e)


def rr4(c: DispositionCounts, e: Fraction | Decimal | float | None = None) -> Rate:
    return _over_e(c.interviews, c, e)


def rr5(c: DispositionCounts) -> Rate:
    return _ratio(c.i, c.known_eligible)


def rr6(c: DispositionCounts) -> Rate:
    return _ratio(c.interviews, c.known_eligible)


# Cooperation rates
def coop1(c: DispositionCounts) -> Rate:
    return _ratio(c.i, c.interviews + c.r + c.o)


def coop2(c: DispositionCounts) -> Rate:
    return _ratio(c.interviews, c.interviews + c.r + c.o)


def coop3(c: DispositionCounts) -> Rate:
    return _ratio(c.i, c.interviews + c.r)


def coop4(c: DispositionCounts) -> Rate:
    return _ratio(c.interviews, c.interviews + c.r)


# Refusal rates
def ref1(c: DispositionCounts) -> Rate:
    return _ratio(c.r, _den_all(c))


def ref2(c: DispositionCounts, e: Fraction | Decimal | float | None = None) -> Rate:
    return _over_e(c.r, c, e)


def ref3(c: DispositionCounts) -> Rate:
    return _ratio(c.r, c.known_eligible)


# Contact rates
def _contacted(c: DispositionCounts) -> int:
    return c.interviews + c.r + c.o


def con1(c: DispositionCounts) -> Rate:
    return _ratio(_contacted(c), _den_all(c))


def con2(c: DispositionCounts, e: Fraction | Decimal | float | None = None) -> Rate:
    return _over_e(_contacted(c), c, e)


def con3(c: DispositionCounts) -> Rate:
    return _ratio(_contacted(c), c.known_eligible)


@dataclass(frozen=True)
class OutcomeRates:
    """All rates at once; ``e`` is the value used for RR3/RR4/REF2/CON2."""

    e: Rate
    rr1: Rate
    rr2: Rate
    rr3: Rate
    rr4: Rate
    rr5: Rate
    rr6: Rate
    coop1: Rate
    coop2: Rate
    coop3: Rate
    coop4: Rate
    ref1: Rate
    ref2: Rate
    ref3: Rate
    con1: Rate
    con2: Rate
    con3: Rate


def outcome_rates(c: DispositionCounts, e: Fraction | Decimal | float | None = None) -> OutcomeRates:
    return OutcomeRates(
        e=_e(c, e),
        rr1=rr1(c),
        rr2=rr2(c),
        rr3=rr3(c, e),
        rr4=rr4(c, e),
        rr5=rr5(c),
        rr6=rr6(c),
        coop1=coop1(c),
        coop2=coop2(c),
        coop3=coop3(c),
        coop4=coop4(c),
        ref1=ref1(c),
        ref2=ref2(c, e),
        ref3=ref3(c),
        con1=con1(c),
        con2=con2(c, e),
        con3=con3(c),
    )


def as_percentage(rate: Rate, places: int = 1) -> Decimal | None:
    """A rate as a percentage rounded half up (``Fraction(1, 3) -> Decimal('33.3')``)."""
    if rate is None:
        return None
    exact = Decimal(rate.numerator * 100) / Decimal(rate.denominator)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
