"""The questionnaire engine: forms as YAML data, routing, navigation, validation, fills, export columns.

Pure Python (PyYAML only). Typical use::

    forms = load_forms(Path("forms"))
    form = pick_form(forms, queue=case["queue"], variant=case["variant"])
    iv = Interview.start(form, case, stored_answers)   # resumes at the first open question
    iv = iv.answer(Answer.single(1))                    # raises AnswerRejected with Dutch messages
    export_columns(form); export_values(form, case, iv.answers)
"""

from cati.sample.rules.forms import form_id_for_case

from .errors import FormError, FormLoadError
from .export import ExportColumn, ExportValue, export_columns, export_values
from .expr import ExprError
from .fills import answer_label, fill_names, render
from .loader import (
    load_form,
    load_form_text,
    load_forms,
    pick_form,
)
from .model import STANDARD_CASE_FIELDS, Answer, Form, GridItem, Option, QType, Question, Section, Special
from .navigator import (
    AnswerRejected,
    Interview,
    RouteSplit,
    current,
    is_answered,
    is_complete,
    next_question,
    previous_question,
    route,
    split_answers,
)
from .textinput import InputError, parse_answer
from .validation import validate, validate_grid

__all__ = [
    "STANDARD_CASE_FIELDS",
    "Answer",
    "AnswerRejected",
    "ExportColumn",
    "ExportValue",
    "ExprError",
    "Form",
    "FormError",
    "FormLoadError",
    "GridItem",
    "InputError",
    "Interview",
    "Option",
    "QType",
    "Question",
    "RouteSplit",
    "Section",
    "Special",
    "answer_label",
    "current",
    "export_columns",
    "export_values",
    "fill_names",
    "form_id_for_case",
    "is_answered",
    "is_complete",
    "load_form",
    "load_form_text",
    "load_forms",
    "next_question",
    "parse_answer",
    "pick_form",
    "previous_question",
    "render",
    "route",
    "split_answers",
    "validate",
    "validate_grid",
]
