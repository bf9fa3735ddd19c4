"""Routing and navigation: pure functions of (form, case, answers), and an immutable Interview state.

Rules:
- The route is the questions whose ``show_if`` holds, in form order, evaluated with only the answers
  of questions already on the route (an answer left behind by earlier routing counts as unanswered).
- After a question whose ``end_if`` holds, only closing screens can follow; the route stops at the
  first closing screen.
- Answers to questions that fall off the route are kept (so going back and restoring an answer restores
  the route), but :func:`split_answers` lists them as off-route: exports leave them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from types import MappingProxyType

from . import expr as ex
from .fills import render
from .model import Answer, Form, QType, Question
from .validation import MISSING, validate, validate_grid

Case = Mapping[str, object]
Answers = Mapping[str, Answer]


class AnswerRejected(ValueError):
    """An answer did not validate, or a navigation step is not allowed; ``messages`` are Dutch."""

    def __init__(self, messages: tuple[str, ...] | list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = tuple(messages)


def is_answered(question: Question, answers: Answers) -> bool:
    """Info: shown and passed. Grid: every item has an answer. Otherwise: a non-empty answer."""
    if question.type is QType.INFO:
        answer = answers.get(question.var)
        return answer is not None and answer.seen
    for var in question.answer_vars:
        answer = answers.get(var)
        if answer is None or answer.is_empty:
            return False
    return True


def answer_value(form: Form, answer: Answer) -> ex.Value:
    """What a stored answer is worth inside a condition."""
    if answer.special is not None:
        return Decimal(form.special_code(answer.special))
    if answer.code is not None:
        return Decimal(answer.code)
    if answer.codes:
        return frozenset(Decimal(c) for c in answer.codes)
    if answer.number is not None:
        return answer.number
    if answer.text:
        return answer.text
    if answer.date is not None:
        return answer.date.isoformat()
    return None


def _case_value(value: object) -> ex.Value:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | Decimal):
        return Decimal(value)
    text = str(value).strip()
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def route(form: Form, case: Case, answers: Answers) -> tuple[Question, ...]:
    """The on-route questions, in order, for these answers and this case."""
    on_route: list[Question] = []
    visible: dict[str, Answer] = {}

    def lookup(name: str) -> ex.Value:
        if name in visible:
            return answer_value(form, visible[name])
        if name in form.case_fields:
            return _case_value(case.get(name))
        return None

    ended = False
    for question in form.questions:
        if ended and not question.closing:
            continue
        if question.show_if is not None and not ex.evaluate(question.show_if, lookup):
            continue
        on_route.append(question)
        if question.closing:
            break
        if question.type is not QType.INFO:
            for var in question.answer_vars:
                if var in answers and not answers[var].is_empty:
                    visible[var] = answers[var]
        if question.end_if is not None and is_answered(question, answers) and ex.evaluate(question.end_if, lookup):
            ended = True
    return tuple(on_route)


def current(form: Form, case: Case, answers: Answers) -> Question | None:
    """Where to (re)start: the first on-route question without an answer; None when all are done."""
    return next((q for q in route(form, case, answers) if not is_answered(q, answers)), None)


def _index(path: tuple[Question, ...], var: str) -> int:
    for i, q in enumerate(path):
        if q.var == var:
            return i
    return -1


def next_question(form: Form, case: Case, answers: Answers, after: str) -> Question | None:
    """The on-route question after ``after`` (a question's var); None after the last one."""
    path = route(form, case, answers)
    i = _index(path, form.question(after).var)
    if i < 0:
        return current(form, case, answers)
    return path[i + 1] if i + 1 < len(path) else None


def previous_question(form: Form, case: Case, answers: Answers, before: str | None) -> Question | None:
    """The on-route question before ``before`` (None: the end of the route); None at the start."""
    path = route(form, case, answers)
    if before is None:
        return path[-1] if path else None
    i = _index(path, form.question(before).var)
    return path[i - 1] if i > 0 else None


@dataclass(frozen=True)
class RouteSplit:
    """Answered variables (info screens excluded), in form order, on and off the current route."""

    on_route: tuple[str, ...]
    off_route: tuple[str, ...]


def split_answers(form: Form, case: Case, answers: Answers) -> RouteSplit:
    on_ids = {q.var for q in route(form, case, answers)}
    on: list[str] = []
    off: list[str] = []
    for question in form.questions:
        if question.type is QType.INFO:
            continue
        for var in question.answer_vars:
            answer = answers.get(var)
            if answer is not None and answer.has_value:
                (on if question.var in on_ids else off).append(var)
    return RouteSplit(tuple(on), tuple(off))


def is_complete(form: Form, case: Case, answers: Answers) -> bool:
    """A usable interview: a closing screen reached and every core question answered on the route."""
    path = route(form, case, answers)
    if not path or not path[-1].closing or not is_answered(path[-1], answers):
        return False
    on_ids = {q.var for q in path}
    return all(q.var in on_ids and is_answered(q, answers) for q in form.questions if q.core)


@dataclass(frozen=True)
class Interview:
    """One interview in progress. Every step returns a new Interview; nothing is mutated.

    ``position`` is the var of the question on screen, or None when the interview has passed its last
    screen.
    """

    form: Form
    case: Mapping[str, object]
    answers: Mapping[str, Answer] = field(default_factory=dict)
    position: str | None = None

    @classmethod
    def start(cls, form: Form, case: Case, answers: Answers | None = None) -> Interview:
        """Begin, or resume at the first unanswered on-route question."""
        frozen = MappingProxyType(dict(answers or {}))
        q = current(form, case, frozen)
        return cls(form, MappingProxyType(dict(case)), frozen, q.var if q is not None else None)

    @property
    def question(self) -> Question | None:
        return self.form.question(self.position) if self.position is not None else None

    @property
    def finished(self) -> bool:
        return self.position is None

    @property
    def route(self) -> tuple[Question, ...]:
        return route(self.form, self.case, self.answers)

    def text(self, question: Question | None = None) -> str:
        """The question text with fills applied."""
        q = question or self.question
        return render(q.text, self.form, self.case, self.answers) if q is not None else ""

    def render(self, text: str) -> str:
        return render(text, self.form, self.case, self.answers)

    def _with(self, answers: Mapping[str, Answer], position: str | None) -> Interview:
        return Interview(self.form, self.case, MappingProxyType(dict(answers)), position)

    def answer(self, value: Answer | Mapping[str, Answer]) -> Interview:
        """Store the answer to the question on screen and move to the next on-route question.

        A grid takes a mapping item var -> Answer; an info screen takes ``Answer.ack()``.
        Raises :class:`AnswerRejected` with Dutch messages when the answer does not validate.
        """
        q = self.question
        if q is None:
            raise AnswerRejected(["Het interview is al afgerond."])
        new = dict(self.answers)
        if q.type is QType.GRID:
            if not isinstance(value, Mapping):
                raise AnswerRejected(["Geef bij een raster per onderdeel een antwoord."])
            unknown = [v for v in value if v not in q.answer_vars]
            if unknown:
                raise AnswerRejected([f"'{unknown[0]}' hoort niet bij deze vraag."])
            merged = {v: value.get(v, self.answers.get(v, Answer())) for v in q.answer_vars}
            errors = validate_grid(self.form, q, merged)
            new.update({k: a if not a.is_empty else Answer.ack() for k, a in merged.items()})
        else:
            if isinstance(value, Mapping):
                raise AnswerRejected(["Deze vraag heeft één antwoord, geen lijst."])
            errors = validate(self.form, q, value)
            # an info screen, or an optional question left empty, is stored as "seen"
            new[q.var] = Answer.ack() if q.type is QType.INFO or value.is_empty else value
        if errors:
            raise AnswerRejected(errors)
        nxt = _after(self.form, self.case, new, q.var)
        return self._with(new, nxt)

    def next(self) -> Interview:
        """Move on without changing the answer (info screens are acknowledged; optional ones skipped)."""
        q = self.question
        if q is None:
            return self
        if q.type is QType.INFO or (not q.required and not is_answered(q, self.answers)):
            return self.answer(Answer.ack() if q.type is not QType.GRID else {})
        if not is_answered(q, self.answers):
            raise AnswerRejected([MISSING])
        return self._with(self.answers, _after(self.form, self.case, self.answers, q.var))

    def back(self) -> Interview:
        """The previous on-route question; answers are kept. At the first question nothing changes."""
        prev = previous_question(self.form, self.case, self.answers, self.position)
        return self._with(self.answers, prev.var) if prev is not None else self

    def jump(self, var: str) -> Interview:
        """Go to an on-route question already answered (or the first unanswered one)."""
        if not self.form.has_var(var):
            raise AnswerRejected([f"Onbekende vraag '{var}'."])
        target = self.form.question(var)
        path = route(self.form, self.case, self.answers)
        if target not in path:
            raise AnswerRejected(["Deze vraag wordt bij de huidige antwoorden niet gesteld."])
        first_open = current(self.form, self.case, self.answers)
        reachable = is_answered(target, self.answers) or target == first_open
        if not reachable or (first_open is not None and path.index(target) > path.index(first_open)):
            raise AnswerRejected(["Beantwoord eerst de vragen die daarvoor komen."])
        return self._with(self.answers, target.var)

    def split(self) -> RouteSplit:
        return split_answers(self.form, self.case, self.answers)

    @property
    def is_complete(self) -> bool:
        return is_complete(self.form, self.case, self.answers)


def _after(form: Form, case: Case, answers: Answers, var: str) -> str | None:
    nxt = next_question(form, case, answers, var)
    return nxt.var if nxt is not None else None
