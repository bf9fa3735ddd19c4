"""Answers to and from JSON text: how an answer is stored in the database (``answer.value``)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from .model import Answer, Special


def answer_to_json(answer: Answer) -> str:
    data: dict[str, Any] = {}
    if answer.code is not None:
        data["code"] = answer.code
    if answer.codes:
        data["codes"] = list(answer.codes)
    if answer.number is not None:
        data["number"] = str(answer.number)
    if answer.text is not None:
        data["text"] = answer.text
    if answer.date is not None:
        data["date"] = answer.date.isoformat()
    if answer.special is not None:
        data["special"] = answer.special.value
    if answer.other_text is not None:
        data["other_text"] = answer.other_text
    if answer.seen:
        data["seen"] = True
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def answer_from_json(text: str) -> Answer:
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"not a stored answer: {text!r}")
    return Answer(
        code=data.get("code"),
        codes=tuple(data.get("codes", ())),
        number=Decimal(data["number"]) if "number" in data else None,
        text=data.get("text"),
        date=dt.date.fromisoformat(data["date"]) if "date" in data else None,
        special=Special(data["special"]) if "special" in data else None,
        other_text=data.get("other_text"),
        seen=bool(data.get("seen", False)),
    )
