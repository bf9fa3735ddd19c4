"""Mean grades, the keurmerk verdict with the low-grade correction, grade spread, formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cati.supervision.rules.report_figures import (
    Binning,
    FigureSettings,
    ServiceInput,
    Verdict,
    corrected_grades,
    format_number,
    grade_distribution,
    keurmerk_check,
    mean_grade,
    table_1_1,
)


def test_mean_grade_rounds_half_up_to_one_decimal() -> None:
    assert mean_grade([7, 8]) == Decimal("7.5")
    assert mean_grade([Decimal("7.5"), 8]) == Decimal("7.8")  # 7.75
    assert mean_grade([8, 8, 9]) == Decimal("8.3")  # 8.333
    assert mean_grade([7] * 9 + [6] * 11) == Decimal("6.5")  # 6.45
    assert mean_grade([]) is None
    with pytest.raises(ValueError):
        mean_grade([0])
    with pytest.raises(ValueError):
        mean_grade([Decimal("10.5")])


def test_table_means_per_service_and_total() -> None:
    table = table_1_1([ServiceInput(9, 10, 3, (8, 7, 9)), ServiceInput(3, 5, 1, (10,)), ServiceInput(5, 4, 0)])
    assert [r.service for r in table.services] == [3, 5, 9]
    assert [r.mean_grade for r in table.services] == [Decimal("10.0"), None, Decimal("8.0")]
    assert table.total.mean_grade == Decimal("8.5")  # (8+7+9+10)/4
    assert table.total.label == "Totaal" and table.services[0].label.startswith("Diagnose")
    assert table.commissioners.net_sample == 0 and table.commissioners.published


def test_plain_pass() -> None:
    res = keurmerk_check({9: [8, 7, 9, 6], 10: [6, 7]})
    assert res.verdict is Verdict.PASSED and res.passed
    assert res.total.plain == Decimal("7.2")
    assert "7,2" in res.reasons[0]


def test_low_grades_corrected_to_a_pass() -> None:
    grades = {9: [8, 8, 8, 1, 1]}  # plain 5.2; every fail counts as 5 -> 6.8
    assert corrected_grades(grades[9]) == [8, 8, 8, 5, 5]
    res = keurmerk_check(grades)
    assert res.verdict is Verdict.PASSED_CORRECTED
    assert (res.total.plain, res.total.corrected) == (Decimal("5.2"), Decimal("6.8"))
    assert any("5,2" in r and "6,5" in r for r in res.reasons)
    assert any("6,8" in r for r in res.reasons)
    assert keurmerk_check(grades, FigureSettings(low_grade_correction=False)).verdict is Verdict.FAILED


def test_fail_even_after_correction() -> None:
    res = keurmerk_check({9: [7, 5, 5, 4, 6]})  # plain 5.4, corrected 5.6
    assert res.verdict is Verdict.FAILED and not res.passed
    assert res.total.corrected == Decimal("5.6")
    assert any(r.startswith("Het gemiddelde rapportcijfer in totaal is 5,6") for r in res.reasons)


def test_one_service_below_its_norm_fails_a_high_total() -> None:
    res = keurmerk_check({9: [9] * 10, 5: [5, 5, 6]})  # service 5: 5.3 (fives stay fives)
    assert res.verdict is Verdict.FAILED
    assert res.services[5].plain == Decimal("5.3")
    assert any(r.startswith("Dienst 5 (Jobcoaching)") and "5,3" in r for r in res.reasons)
    assert keurmerk_check({9: [9] * 10, 5: [5, 6]}).verdict is Verdict.PASSED  # exactly 5.5


def test_norm_on_printed_or_exact_mean() -> None:
    grades = {9: [7] * 9 + [6] * 11}  # exact 6.45, printed 6.5
    assert keurmerk_check(grades).verdict is Verdict.PASSED
    assert keurmerk_check(grades, FigureSettings(compare_rounded=False)).verdict is Verdict.FAILED


def test_no_grades_no_verdict() -> None:
    res = keurmerk_check({9: [], 10: []})
    assert res.verdict is Verdict.NO_GRADES and not res.passed


def test_grade_distribution_binning() -> None:
    grades = [1, Decimal("5.5"), Decimal("5.9"), 6, Decimal("7.5"), 10, 10]
    assert grade_distribution(grades) == {1: 1, 2: 0, 3: 0, 4: 0, 5: 2, 6: 1, 7: 1, 8: 0, 9: 0, 10: 2}
    half_up = grade_distribution(grades, FigureSettings(binning=Binning.HALF_UP))
    assert (half_up[5], half_up[6], half_up[7], half_up[8]) == (0, 3, 0, 1)


def test_format_number() -> None:
    assert format_number(Decimal("27.25"), "nl") == "27,3"
    assert format_number(Decimal("27.25"), "en") == "27.3"
    assert format_number(8, "nl") == "8,0"
    assert format_number(Decimal("-0.05"), "nl") == "-0,1"
    assert format_number(Decimal("42.857"), "nl", places=0) == "43"
    assert format_number(None, "nl") == "--"
