"""Per-question validation with Dutch messages the interviewer can act on."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .fills import format_number
from .model import Answer, Form, QType, Question, Special

MISSING = "Deze vraag is nog niet beantwoord. Kies een antwoord, of 'weet niet' / 'wil niet zeggen'."


def _range_text(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return f"van {format_number(low)} tot en met {format_number(high)}"
    if low is not None:
        return f"van {format_number(low)} of hoger"
    if high is not None:
        return f"van {format_number(high)} of lager"
    return ""


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _codes_text(question: Question) -> str:
    codes = [o.code for o in question.options]
    return ", ".join(str(c) for c in codes)


def _check_special(question: Question, special: Special) -> list[str]:
    if special is Special.DONT_KNOW and not question.allow_dont_know:
        return ["'Weet niet' is bij deze vraag niet mogelijk. Vraag door naar een antwoord."]
    if special is Special.REFUSED and not question.allow_refused:
        return ["'Wil niet zeggen' is bij deze vraag niet mogelijk. Vraag door naar een antwoord."]
    return []


def _check_coded(question: Question, answer: Answer) -> list[str]:
    multi = question.type is QType.MULTI
    codes = answer.codes if multi else ((answer.code,) if answer.code is not None else ())
    if not codes:
        return ["Kies ten minste één antwoord."] if multi else [MISSING]
    if not multi and answer.codes:
        return ["Bij deze vraag kan maar één antwoord gekozen worden."]
    errors: list[str] = []
    unknown = [c for c in codes if question.option(c) is None]
    if unknown:
        errors.append(f"Antwoord {unknown[0]} bestaat niet. Kies uit: {_codes_text(question)}.")
        return errors
    chosen = [o for o in question.options if o.code in codes]
    exclusive = [o for o in chosen if o.exclusive]
    if multi and exclusive and len(chosen) > 1:
        errors.append(f"'{exclusive[0].label}' kan niet samen met een ander antwoord gekozen worden.")
    other = question.other_option
    if other is not None and other.code in codes and not (answer.other_text or "").strip():
        errors.append(f"Noteer bij '{other.label}' wat de respondent noemt.")
    return errors


def _check_number(question: Question, value: Decimal) -> list[str]:
    grade = question.type is QType.GRADE
    low, high = question.min, question.max
    if (low is not None and value < low) or (high is not None and value > high):
        what = "een cijfer" if grade else "een getal"
        return [f"Vul {what} in {_range_text(low, high)}."]
    if _places(value) > question.decimals:
        if question.decimals == 0:
            return ["Vul een heel getal in, zonder cijfers achter de komma."]
        return [f"Gebruik hoogstens {question.decimals} cijfer achter de komma (bijvoorbeeld 7,5)."]
    return []


def validate(form: Form, question: Question, answer: Answer | None) -> tuple[str, ...]:
    """Messages for one answer to one (non-grid) question; empty when the answer is acceptable."""
    if question.type is QType.INFO:
        return ()
    if answer is None or answer.is_empty:
        return (MISSING,) if question.required else ()
    if answer.special is not None:
        return tuple(_check_special(question, answer.special))
    qtype = question.type
    errors: list[str] = []
    if qtype in (QType.SINGLE, QType.MULTI, QType.GRID):
        errors = _check_coded(question, answer)
    elif qtype in (QType.GRADE, QType.NUMBER):
        if answer.number is None:
            what = "een cijfer" if qtype is QType.GRADE else "een getal"
            errors = [f"Vul {what} in {_range_text(question.min, question.max)}.".replace(" .", ".")]
        else:
            errors = _check_number(question, answer.number)
    elif qtype is QType.OPEN:
        text = (answer.text or "").strip()
        if not text and question.required:
            errors = ["Noteer het antwoord van de respondent."]
        elif question.max_length is not None and len(text) > question.max_length:
            errors = [f"Het antwoord is te lang: maximaal {question.max_length} tekens (nu {len(text)}). Kort het in."]
    elif qtype is QType.DATE and answer.date is None:
        errors = ["Vul een datum in als dag-maand-jaar, bijvoorbeeld 15-03-2021."]
    return tuple(errors)


def validate_grid(form: Form, question: Question, answers: Mapping[str, Answer]) -> tuple[str, ...]:
    """Messages for all items of a grid; every item needs an answer when the grid is required."""
    errors: list[str] = []
    for item in question.items:
        answer = answers.get(item.var)
        if answer is None or answer.is_empty:
            if question.required:
                errors.append(f"Geef ook een antwoord bij '{item.text}'.")
            continue
        errors.extend(f"{item.text}: {msg}" for msg in validate(form, question, answer))
    return tuple(errors)
