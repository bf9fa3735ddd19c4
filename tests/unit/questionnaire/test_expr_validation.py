"""Condition language, validation messages, fills and export values."""

from __future__ import annotations

from decimal import Decimal

import pytest
from qn_helpers import CASE

from cati.interviews.rules import Answer, Form, export_values, render, validate
from cati.interviews.rules import expr as ex


def _env(values: dict[str, ex.Value]) -> object:
    return lambda name: values.get(name)


@pytest.mark.parametrize(
    ("source", "values", "expected"),
    [
        ("a = 1", {"a": Decimal(1)}, True),
        ("a != 1", {"a": Decimal(2)}, True),
        ("a != 1", {}, False),
        ("not a = 1", {}, True),
        ("a >= 7.5 and a < 9", {"a": Decimal("8")}, True),
        ("a in [1, 2] or b = 'x'", {"a": Decimal(3), "b": "X"}, True),
        ("a not in [1, 2]", {"a": Decimal(3)}, True),
        ("(a = 1 or a = 2) and not (b = 3)", {"a": Decimal(2), "b": Decimal(3)}, False),
        ("answered(a) and unanswered(b)", {"a": Decimal(1)}, True),
        ("m = 2", {"m": frozenset({Decimal(1), Decimal(2)})}, True),
        ("m in [3, 4]", {"m": frozenset({Decimal(1)})}, False),
        ("service = 3", {"service": Decimal(3)}, True),
        ("variant = laagdrempelig", {"variant": "Laagdrempelig"}, True),
        ("a OR b = 1 AND c = 1", {"a": Decimal(1)}, None),
    ],
)
def test_conditions_evaluate(source: str, values: dict[str, ex.Value], expected: bool | None) -> None:
    if expected is None:
        with pytest.raises(ex.ExprError):
            ex.parse(source)
        return
    assert ex.evaluate(ex.parse(source), lambda n: values.get(n)) is expected


def test_and_binds_tighter_than_or() -> None:
    tree = ex.parse("a = 1 or b = 1 and c = 1")
    assert isinstance(tree, ex.Or) and isinstance(tree.operands[1], ex.And)


@pytest.mark.parametrize("bad", ["", "a =", "a = 1 )", "(a = 1", "a in [1,", "__import__('os')", "a == 1", "a = 1 ;"])
def test_syntax_errors_name_a_column(bad: str) -> None:
    with pytest.raises(ex.ExprError) as info:
        ex.parse(bad)
    assert info.value.column >= 1


def test_to_source_round_trips() -> None:
    tree = ex.parse("not (a in [1, 2]) and (answered(b) or c >= 3)")
    assert ex.parse(ex.to_source(tree)) == tree


def test_validation_messages(forms: dict[str, Form]) -> None:
    f = forms["client_regular"]
    assert validate(f, f.question("rapportcijfer"), Answer.num(0)) == ("Vul een cijfer in van 1 tot en met 10.",)
    assert validate(f, f.question("rapportcijfer"), Answer.num("6.5")) == ()
    assert "komma" in validate(f, f.question("contact_per_maand"), Answer.num("2.5"))[0]
    assert validate(f, f.question("contact_per_maand"), Answer.num(61)) == ("Vul een getal in van 0 tot en met 60.",)
    assert "Anders, namelijk" in validate(f, f.question("aanleiding"), Answer.single(7))[0]
    assert validate(f, f.question("aanleiding"), Answer.single(7, "via een vriend")) == ()
    assert "bestaat niet" in validate(f, f.question("aanleiding"), Answer.single(8))[0]
    assert "niet mogelijk" in validate(f, f.question("toestemming"), Answer.dont_know())[0]
    assert "samen" in validate(f, f.question("uitkering"), Answer.multi([1, 2]))[0]
    long = validate(f, f.question("opmerking"), Answer.open("x" * 501))
    assert long and "maximaal 500 tekens" in long[0]
    assert validate(f, f.question("opmerking"), None) == ()  # optional
    assert "nog niet beantwoord" in validate(f, f.question("klacht"), None)[0]


def test_fills_use_case_fields_and_earlier_answers(forms: dict[str, Form]) -> None:
    f = forms["client_regular"]
    answers = {"aanleiding": Answer.single(7, "via een vriend"), "uitkering": Answer.multi([2, 3])}
    assert render("{client_name} bij {provider}", f, CASE, answers) == "J. Jansen bij Acme Re-integratie"
    assert render("{aanleiding}; {uitkering}", f, CASE, answers) == "via een vriend; WW en WIA of WAO"
    assert render("{queue}", f, CASE, answers) == "{queue}"  # missing case field stays visible


def test_export_values_for_specials_multi_and_other(forms: dict[str, Form]) -> None:
    f = forms["client_regular"]
    answers = {
        "identiteit": Answer.single(1), "toestemming": Answer.single(1), "aanleiding": Answer.single(7, "vriend"),
        "uitkering": Answer.multi([2, 7], "huurtoeslag"), "rapportcijfer": Answer.dont_know(),
        "tc_begrip": Answer.refused(), "geslacht": Answer.single(2),
    }  # fmt: skip
    row = export_values(f, CASE, answers)
    assert row["aanleiding"] == 7 and row["aanleiding_other"] == "vriend"
    assert [row[f"uitkering_{i}"] for i in range(1, 8)] == [0, 1, 0, 0, 0, 0, 1]
    assert row["uitkering_other"] == "huurtoeslag"
    assert row["rapportcijfer"] == 98 and row["tc_begrip"] == 99
    assert row["klacht"] is None and "intro" not in row
