"""Export support: the ordered columns of a form (for a codebook) and one interview's values.

Columns: single/grade/number/open/date -> one column named after the variable; grid -> one per item;
multi -> one 0/1 column per option named ``<var>_<code>``; an "Anders, namelijk" option adds a text
column ``<var>_other``. "Weet niet"/"wil niet zeggen" are written as the form's special codes
(in a multi question: in every option column). Info screens have no column. Off-route answers are left
out (None), as are unanswered questions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .model import Answer, Form, QType, Question
from .navigator import Case, split_answers

ExportValue = int | Decimal | str | dt.date | None


@dataclass(frozen=True)
class ExportColumn:
    name: str
    label: str
    question_var: str
    kind: str  # "code", "flag", "number", "text", "date"
    value_labels: tuple[tuple[int, str], ...] = ()
    option_code: int | None = None  # for "flag" columns: the option it stands for
    other_of: str | None = None  # for "<var>_other" text columns: the variable it belongs to


def _specials(form: Form, q: Question) -> tuple[tuple[int, str], ...]:
    result: list[tuple[int, str]] = []
    if q.allow_dont_know:
        result.append((form.dont_know_code, form.dont_know_label))
    if q.allow_refused:
        result.append((form.refused_code, form.refused_label))
    return tuple(result)


def _question_columns(form: Form, q: Question) -> list[ExportColumn]:
    specials = _specials(form, q)
    coded = tuple((o.code, o.label) for o in q.options) + specials
    if q.type is QType.INFO:
        return []
    if q.type is QType.GRID:
        return [ExportColumn(i.var, i.text, q.var, "code", coded) for i in q.items]
    cols: list[ExportColumn] = []
    if q.type is QType.SINGLE:
        cols.append(ExportColumn(q.var, q.text, q.var, "code", coded))
    elif q.type is QType.MULTI:
        flags = ((0, "Niet gekozen"), (1, "Gekozen"), *specials)
        cols += [ExportColumn(f"{q.var}_{o.code}", f"{q.text} - {o.label}", q.var, "flag", flags, o.code)
                 for o in q.options]  # fmt: skip
    elif q.type in (QType.GRADE, QType.NUMBER):
        cols.append(ExportColumn(q.var, q.text, q.var, "number", specials))
    elif q.type is QType.OPEN:
        cols.append(ExportColumn(q.var, q.text, q.var, "text", specials))
    elif q.type is QType.DATE:
        cols.append(ExportColumn(q.var, q.text, q.var, "date", specials))
    other = q.other_option
    if other is not None:
        cols.append(ExportColumn(f"{q.var}_other", f"{q.text} - {other.label}", q.var, "text", other_of=q.var))
    return cols


def export_columns(form: Form) -> tuple[ExportColumn, ...]:
    """All export columns of ``form`` in questionnaire order."""
    return tuple(col for q in form.questions for col in _question_columns(form, q))


def column_value(form: Form, col: ExportColumn, answer: Answer) -> ExportValue:
    """One export column's value from the stored answer of its variable."""
    special = form.special_code(answer.special) if answer.special is not None else None
    if col.other_of is not None:
        return answer.other_text or None
    if special is not None:
        return special if col.kind in ("code", "flag", "number") else str(special)
    if col.kind == "flag":
        return 1 if col.option_code in answer.codes else 0
    if col.kind == "code":
        return answer.code
    if col.kind == "number":
        return answer.number
    if col.kind == "date":
        return answer.date
    return answer.text or None


def export_values(form: Form, case: Case, answers: Mapping[str, Answer]) -> dict[str, ExportValue]:
    """One interview as {column name: value}, every column present, off-route answers left out."""
    on_route = set(split_answers(form, case, answers).on_route)
    row: dict[str, ExportValue] = {}
    for col in export_columns(form):
        q = form.question(col.question_var)
        answer_var = col.name if q.type is QType.GRID else q.var
        answer = answers.get(answer_var)
        row[col.name] = column_value(form, col, answer) if answer is not None and answer_var in on_route else None
    return row
