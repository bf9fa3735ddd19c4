"""Turn what an interviewer types (terminal walk, quick entry) into an :class:`Answer`."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from .model import Answer, QType, Question

DONT_KNOW_WORDS = ("dk", "wn", "weet niet")
REFUSED_WORDS = ("ref", "wnz", "wil niet zeggen")


class InputError(ValueError):
    """The typed text cannot be read as an answer; the message is Dutch."""


def parse_special(raw: str) -> Answer | None:
    word = raw.strip().lower()
    if word in DONT_KNOW_WORDS:
        return Answer.dont_know()
    if word in REFUSED_WORDS:
        return Answer.refused()
    return None


#: Arabic-Indic and Persian digits and the Arabic decimal separator, as typed on those keyboards
_DIGITS = str.maketrans({**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)},
                         "\u066b": "."})


def parse_number(raw: str) -> Decimal:
    text = raw.strip().translate(_DIGITS).replace(",", ".")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        raise InputError(f"'{raw.strip()}' is geen getal.")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InputError(f"'{raw.strip()}' is geen getal.") from None


def parse_date(raw: str) -> dt.date:
    text = raw.strip()
    for fmt in ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise InputError(f"'{text}' is geen datum; typ dag-maand-jaar, bijvoorbeeld 15-03-2021.")


def parse_codes(raw: str) -> tuple[int, ...]:
    parts = [p for p in re.split(r"[\s,;]+", raw.strip()) if p]
    if not parts or not all(p.isdigit() for p in parts):
        raise InputError(f"'{raw.strip()}' is geen antwoordnummer.")
    return tuple(int(p) for p in parts)


def parse_answer(question: Question, raw: str, other_text: str | None = None) -> Answer:
    """Read ``raw`` as an answer to ``question`` (not a grid: read each item's code on its own).

    The result is not yet validated against ranges and codes; use :func:`validation.validate`.
    """
    special = parse_special(raw)
    if special is not None:
        return special
    qtype = question.type
    if qtype is QType.INFO:
        return Answer.ack()
    if not raw.strip():
        return Answer()
    if qtype in (QType.SINGLE, QType.GRID):
        codes = parse_codes(raw)
        if len(codes) != 1:
            raise InputError("Kies één antwoordnummer.")
        return Answer.single(codes[0], other_text)
    if qtype is QType.MULTI:
        return Answer.multi(parse_codes(raw), other_text)
    if qtype in (QType.GRADE, QType.NUMBER):
        return Answer(number=parse_number(raw))
    if qtype is QType.DATE:
        return Answer.on(parse_date(raw))
    return Answer.open(raw.strip())
