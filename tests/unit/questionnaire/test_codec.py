from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cati.interviews.rules import Answer
from cati.interviews.rules.codec import answer_from_json, answer_to_json

CASES = [
    Answer.single(3),
    Answer.single(9, other_text="via de gemeente, één keer"),
    Answer.multi([4, 1, 4]),
    Answer.num(Decimal("7.5")),
    Answer.num(0),
    Answer.open("Prima geholpen"),
    Answer.on(dt.date(2021, 5, 4)),
    Answer.dont_know(),
    Answer.refused(),
    Answer.ack(),
]


@pytest.mark.parametrize("answer", CASES, ids=repr)
def test_round_trip(answer: Answer) -> None:
    assert answer_from_json(answer_to_json(answer)) == answer


def test_stored_form_is_plain_json() -> None:
    assert answer_to_json(Answer.num(Decimal("7.5"))) == '{"number": "7.5"}'
    assert answer_to_json(Answer.dont_know()) == '{"special": "dont_know"}'
    with pytest.raises(ValueError):
        answer_from_json("[1, 2]")
