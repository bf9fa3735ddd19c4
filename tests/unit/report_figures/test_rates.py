"""AAPOR outcome rates against hand-worked numbers.

Counts: I=40 P=10 R=20 NC=15 O=5 UH=6 UR=2 UO=2 NE=10.
Known eligible I+P+R+NC+O = 90, unknown UH+UR+UO = 10, default e = 90/100 = 0.9,
so the e-denominator is 90 + 0.9 x 10 = 99 and the all-unknowns denominator is 100.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest

from cati.supervision.rules.rates import (
    DispositionCounts,
    as_percentage,
    con2,
    default_e,
    outcome_rates,
    rr1,
    rr3,
    rr5,
)

C = DispositionCounts(i=40, p=10, r=20, nc=15, o=5, uh=6, ur=2, uo=2, ne=10)


def test_all_rates_hand_worked() -> None:
    rates = outcome_rates(C)
    expected = {
        "e": F(9, 10),
        "rr1": F(40, 100),
        "rr2": F(50, 100),
        "rr3": F(40, 99),
        "rr4": F(50, 99),
        "rr5": F(40, 90),
        "rr6": F(50, 90),
        "coop1": F(40, 75),
        "coop2": F(50, 75),
        "coop3": F(40, 70),
        "coop4": F(50, 70),
        "ref1": F(20, 100),
        "ref2": F(20, 99),
        "ref3": F(20, 90),
        "con1": F(75, 100),
        "con2": F(75, 99),
        "con3": F(75, 90),
    }
    assert {k: getattr(rates, k) for k in expected} == expected


def test_e_can_be_set() -> None:
    assert default_e(C) == F(9, 10)
    assert rr3(C, e=Decimal("0.5")) == F(40, 95)  # 90 + 0.5 x 10
    assert rr3(C, e=0) == rr5(C)
    assert rr3(C, e=1) == rr1(C)
    assert con2(C, e=F(1, 2)) == F(75, 95)
    assert outcome_rates(C, e=F(1, 2)).e == F(1, 2)
    with pytest.raises(ValueError):
        rr3(C, e=Decimal("1.2"))


def test_zero_denominators_give_none() -> None:
    empty = outcome_rates(DispositionCounts())
    assert all(v is None for v in vars(empty).values())
    only_unknown = DispositionCounts(uh=5)
    assert rr1(only_unknown) == 0
    assert rr3(only_unknown) is None  # default e undefined
    assert rr3(only_unknown, e=F(1, 5)) == 0
    assert rr5(only_unknown) is None
    with pytest.raises(ValueError):
        DispositionCounts(i=-1)


def test_percentages_round_half_up() -> None:
    assert as_percentage(F(40, 99)) == Decimal("40.4")
    assert as_percentage(F(2, 3)) == Decimal("66.7")
    assert as_percentage(F(1, 16)) == Decimal("6.3")  # 6.25 -> 6.3
    assert as_percentage(F(1, 16), places=2) == Decimal("6.25")
    assert as_percentage(None) is None
