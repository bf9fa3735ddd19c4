"""The interview at the desk: F4 opens (or resumes) it, one question per screen, Enter, back, F7 language.

Answers are checked and the next question drawn from the in-memory engine at once; each answer is saved
in the background, in order; a failed save brings the interviewer back to it. The interview opens in
the language its case needs (when the form is translated into it); F7 opens the language list and the
screen redraws at the same question in the chosen language (right to left for Arabic), answers kept;
each answer is saved with the language it was asked in. Past the last screen the desk's closing
(``case_closing.py``) takes over. The desk keeps the interview's state (``engine``, ``interview_id``,
``versions``, ``form_language``); this class moves it on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from cati.calls.rules.call_flow import Key
from cati.core.languages import SOURCE, language
from cati.interviews.rules import Answer, AnswerRejected, Interview
from cati.interviews.rules.paradata import Arrival, Leave, ScreenVisit
from cati.interviews.rules.translations import TO_CHECK
from cati.interviews.service.interview_state import InterviewState

if TYPE_CHECKING:
    from cati.gui.desk.desk import Desk


class InterviewSteps(QObject):
    """Opens the interview and moves it on, question by question, on the desk's question screen."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.desk = desk

    def start(self) -> None:
        """F4: the respondent is on the line; open the questionnaire (or resume it)."""
        desk = self.desk
        if desk.card is None or not desk.flow.allows(Key.CONTACT):
            return
        if desk.attempt_started is None:
            desk.attempt_started = desk.now()
        desk._go("contact")
        interviews, actor, case_id = desk.services.interviews, desk.actor, desk.card.case_id
        desk.case.set_banner(self.tr("Opening the questionnaire…"))
        desk.submit(lambda: interviews.start_or_resume(actor, case_id), self._opened, self._open_failed)

    def _open_failed(self, exc: BaseException) -> None:
        self.desk._go("open_failed")
        self.desk.show_error(exc)

    def _opened(self, state: InterviewState) -> None:
        desk = self.desk
        desk._go("opened")
        desk.case.set_banner("")
        desk.interview_id = state.interview_id
        desk.versions, desk.form_language = state.versions, state.language
        desk.engine = state.engine()
        desk.question.prepare(desk.engine.form)
        desk.question.show_save_error("")
        desk.paradata.clear()
        if desk.engine.finished:
            desk.closing.finish()
        else:
            self.show_question(Arrival.RESUME if any(a.has_value or a.seen for a in state.answers.values())
                               else Arrival.START)

    def header(self) -> str:
        desk = self.desk
        assert desk.card is not None and desk.engine is not None and desk.engine.question is not None
        section = next((s.title for s in desk.engine.form.sections if desk.engine.question in s.questions), "")
        return f"{section}  ·  {desk.card.client_name}  ·  {desk.card.provider_name}"

    def show_question(self, arrived: Arrival = Arrival.NEXT) -> None:
        desk = self.desk
        assert desk.engine is not None
        desk.question.show_question(desk.engine, self.header())
        desk._begin_visit(arrived)
        if desk.stack.currentWidget() is not desk.question:
            desk.show_screen(desk.question)
            if desk.question.widget is not None:
                desk.question.widget.focus_target().setFocus()

    def confirm(self, value: Answer | dict[str, Answer]) -> None:
        desk = self.desk
        if desk.engine is None or desk.engine.question is None or desk.interview_id is None \
                or not desk.flow.allows(Key.ANSWER):
            return
        var = desk.engine.question.var
        try:
            after = desk.engine.answer(value)
        except AnswerRejected as e:
            desk.question.show_errors(e.messages)
            return
        desk.question.show_save_error("")
        desk._end_visit(Leave.NEXT)
        visits = desk.paradata.take()
        interviews, actor, iid, asked_in = desk.services.interviews, desk.actor, desk.interview_id, desk.form_language
        desk.submit(lambda: interviews.save_answer(actor, iid, var, value, asked_in, visits),
                    None, lambda exc, var=var: self._save_failed(var, exc, visits))  # type: ignore[misc]
        desk.engine = after
        if after.finished:
            desk.closing.finish()
        else:
            self.show_question()

    def _save_failed(self, var: str, exc: BaseException, visits: list[ScreenVisit] | None = None) -> None:
        desk = self.desk
        desk.paradata.put_back(visits or [])  # the visits it carried go with the next save
        if desk.engine is None:
            desk.show_error(exc)
            return
        messages = exc.messages if isinstance(exc, AnswerRejected) else (str(exc),)
        text = self.tr("This answer was not saved: %s Please give it again.") % " ".join(messages)
        try:
            desk.engine = desk.engine.jump(var)
        except AnswerRejected:
            desk.engine = Interview(desk.engine.form, desk.engine.case, desk.engine.answers, var)
        desk._end_visit(Leave.JUMP)
        self.show_question(Arrival.RETRY)
        desk.question.show_save_error(text)

    def choose_language(self) -> None:
        """F7: the languages this form is in, the one shown now selected."""
        desk = self.desk
        if desk.engine is None or desk.engine.question is None or not desk.flow.allows(Key.LANGUAGE):
            return
        choices: list[tuple[str | None, str]] = []
        for code, form in sorted(desk.versions.items(), key=lambda kv: (kv[0] != SOURCE, language(kv[0]).name_nl)):
            text = language(code).label
            if form.translation_status == TO_CHECK:
                text += "  —  " + self.tr("to be checked by a translator")
            choices.append((code, text))
        desk.question.open_languages(choices, desk.form_language)

    def switch_language(self, code: str) -> None:
        """Redraw the same question in ``code``; the answers stay."""
        desk = self.desk
        if desk.engine is None or code not in desk.versions or not desk.flow.allows(Key.LANGUAGE):
            return
        desk._end_visit(Leave.LANGUAGE)
        desk.form_language = code
        form = desk.versions[code]
        desk.engine = Interview(form, desk.engine.case, desk.engine.answers, desk.engine.position)
        desk.question.prepare(form)
        self.show_question(Arrival.LANGUAGE)
        if desk.question.widget is not None:
            desk.question.widget.focus_target().setFocus()

    def back(self) -> None:
        desk = self.desk
        if desk.engine is not None and desk.flow.allows(Key.BACK):
            before = desk.engine.position
            desk.engine = desk.engine.back()
            if desk.engine.position != before:
                desk._end_visit(Leave.BACK)
                self.show_question(Arrival.BACK)
