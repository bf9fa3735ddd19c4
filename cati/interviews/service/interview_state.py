"""An interview as the service hands it to the GUI (:class:`InterviewState`), how it is put together
from the stored rows, and the interview's main language (the one most of its answers were given in).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from cati.core.languages import SOURCE
from cati.interviews.rules import Answer, Form, QType, is_complete, split_answers
from cati.interviews.rules import Interview as Engine
from cati.platform.models import Answer as AnswerRow
from cati.platform.models import Interview

__all__ = ["InterviewState", "build_state", "main_language"]


@dataclass(frozen=True)
class InterviewState:
    """An interview as stored: form, case fields for fills, answers and where to continue.

    ``engine()`` gives the questionnaire engine's state for the GUI to navigate with.
    """

    interview_id: int
    case_id: int
    status: str  # in_progress | partial | complete | breakoff
    form: Form
    case_fields: Mapping[str, object]
    answers: Mapping[str, Answer]
    current_variable: str | None  # the question to show; None: past the last screen
    on_route: tuple[str, ...]  # answered variables on the route (form order)
    off_route: tuple[str, ...]  # answered variables routing now skips (kept, not exported)
    complete: bool  # the engine's is_complete: closing screen reached, core questions answered
    started_at: datetime
    started_by: int | None
    language: str = SOURCE  # the language ``form`` is in: the one to show (the case's, when translated)
    versions: Mapping[str, Form] = field(default_factory=dict)  # the form in every language it has, Dutch too
    answer_languages: Mapping[str, str] = field(default_factory=dict)  # variable -> the language it was asked in
    main_language: str = SOURCE  # the language most answers were given in

    @property
    def form_id(self) -> str:
        return self.form.id

    def engine(self) -> Engine:
        """The engine state at ``current_variable`` (back/jump are navigation only, in the GUI)."""
        return Engine(self.form, self.case_fields, self.answers, self.current_variable)


def build_state(
    iv: Interview, form: Form, fields: dict[str, object], answers: dict[str, Answer],
    rows: Mapping[str, tuple[Answer, AnswerRow]], versions: Mapping[str, Form], shown: str | None = None,
) -> InterviewState:
    """The state to hand the GUI: ``form`` in the language to show (``shown`` when the form is
    translated into it, else the interview's main language, else Dutch); ``versions``: the form in
    every language it has."""
    split = split_answers(form, fields, answers)
    language = shown if shown in versions else (iv.language if iv.language in versions else SOURCE)
    assert language is not None
    return InterviewState(
        interview_id=iv.id, case_id=iv.case_id, status=iv.status, form=versions[language],
        case_fields=MappingProxyType(dict(fields)), answers=MappingProxyType(dict(answers)),
        current_variable=iv.current_variable, on_route=split.on_route, off_route=split.off_route,
        complete=is_complete(form, fields, answers), started_at=iv.started_at, started_by=iv.started_by,
        language=language, versions=MappingProxyType(dict(versions)),
        answer_languages=MappingProxyType({v: r.language or SOURCE for v, (_, r) in rows.items()}),
        main_language=iv.language or SOURCE,
    )


def main_language(form: Form, rows: Iterable[AnswerRow], current: str | None) -> str:
    """The language most on-route answers (info screens not counted) were given in; a tie keeps
    ``current`` (the language the interview had), else the first in alphabetical order."""
    counts: dict[str, int] = {}
    for row in rows:
        if row.on_route and form.has_var(row.variable) and form.question(row.variable).type is not QType.INFO:
            language = row.language or SOURCE
            counts[language] = counts.get(language, 0) + 1
    if not counts:
        return current or SOURCE
    most = max(counts.values())
    tied = sorted(lang for lang, n in counts.items() if n == most)
    return current if current in tied else tied[0]
