from __future__ import annotations

import pytest

from cati.sample.rules.dienst import DIENSTEN, DienstError, parse_dienst


def test_thirteen_services_and_twelve_is_retired() -> None:
    assert sorted(DIENSTEN) == list(range(1, 14))
    assert [d.number for d in DIENSTEN.values() if d.retired] == [12]
    assert DIENSTEN[11].name == "Inburgeringscursussen en duale trajecten"


@pytest.mark.parametrize(("value", "number"), [
    (11, 11), (11.0, 11), ("11", 11), ("11.0", 11), (" dienst 7 ", 7), ("11 - Inburgeringscursussen en duale trajecten", 11),
    ("Jobcoaching", 5), ("  JOBCOACHING ", 5), ("Diagnose, onderzoek en loopbaanorientatie", 3),
    ("diagnose,  onderzoek en LOOPBAANORIËNTATIE", 3), ("Verzuimbegeleiding", 6),
    ("verzuimbegeleiding (wet poortwachter)", 6), ("Sociale activering", 10), ("Inburgering", 11),
    ("supported   employment", 13), ("12", 12),
])
def test_parse_number_or_name(value: str | int | float, number: int) -> None:
    assert parse_dienst(value).number == number


@pytest.mark.parametrize(("value", "word"), [
    (None, "ontbreekt"), ("", "ontbreekt"), (14, "bestaat niet"), ("0", "bestaat niet"),
    (3.5, "geheel"), ("3 Jobcoaching", "past niet"), ("Toeleiden", "onbekend"), ("koffie", "onbekend"),
])
def test_unknown_or_contradictory(value: str | int | float | None, word: str) -> None:
    with pytest.raises(DienstError, match=word):
        parse_dienst(value)
