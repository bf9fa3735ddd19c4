"""Fills: ``{provider}``, ``{client_name}``, ``{period}``, other case fields and earlier answers.

The words a fill adds (``en`` between the labels of a multiple answer, ``tot en met`` in the period)
are the form's (:meth:`Form.word`): a translated form brings its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from .model import DUTCH_WORDS, Answer, Form, QType

DUTCH = dict(DUTCH_WORDS)
_FILL = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill_names(text: str) -> list[str]:
    """The names used as fills in ``text``, in order of appearance."""
    return _FILL.findall(text)


def format_number(value: Decimal) -> str:
    """Dutch notation: a decimal comma, no trailing zeros (7,5 and 8)."""
    return format(value.normalize(), "f").replace(".", ",")


def answer_label(form: Form, var: str, answer: Answer) -> str:
    """How an earlier answer reads inside a sentence (its label, or the number / text)."""
    if answer.special is not None:
        return form.special_label(answer.special).lower()
    question = form.question(var)
    if answer.code is not None:
        opt = question.option(answer.code)
        if opt is None:
            return str(answer.code)
        return answer.other_text if opt.other and answer.other_text else opt.label
    if answer.codes:
        labels = []
        for code in answer.codes:
            opt = question.option(code)
            if opt is not None and opt.other and answer.other_text:
                labels.append(answer.other_text)
            else:
                labels.append(opt.label if opt is not None else str(code))
        return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" {form.word('and')} " + labels[-1]
    if answer.number is not None:
        return format_number(answer.number)
    if answer.text is not None:
        return answer.text
    if answer.date is not None:
        return answer.date.strftime("%d-%m-%Y")
    return ""


def render(
    text: str,
    form: Form,
    case: Mapping[str, object],
    answers: Mapping[str, Answer],
) -> str:
    """Replace every ``{name}`` by the case field or the label of the earlier answer.

    A case field that is missing from the case stays visible as ``{name}`` so the interviewer sees
    something is wrong; an unanswered variable becomes ``...``.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if form.has_var(name) and form.question(name).type is not QType.INFO:
            answer = answers.get(name)
            return answer_label(form, name, answer) if answer is not None else "..."
        value = case.get(name)
        if value is None:
            return match.group(0)
        if name == "period" and form.language != "nl":  # "… tot en met …" in the form's language
            return str(value).replace(f" {DUTCH['through']} ", f" {form.word('through')} ")
        return str(value)

    return _FILL.sub(replace, text)
