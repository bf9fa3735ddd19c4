"""The interviewer's desk: the controller that switches between the queue, the call screen, the
question screens and the appointment picker, and talks to the services (always via the runner).

Flow: the pure state machine :class:`cati.calls.rules.call_flow.CallFlow` says which step the desk is
at and which keys are live; the desk feeds it what happened (``_go``) and renders the step's screen.
Queue → (F5) case card → (F2) dial → outcome (number + Enter) → queue, or → (F4) interview → one
question per screen → closing screen records COMPLETE → queue. F10 stops an interview (PARTIAL
with a callback). Answers are checked and the next question drawn from the in-memory engine at once;
each answer is saved in the background, in order; a failed save brings the interviewer back to it.

Languages: the interview opens in the language its case needs (when the form is translated into
it); F7 opens the language list and the screen redraws at the same question in the chosen language
(right to left for Arabic), answers kept; each answer is saved with the language it was asked in.
A language problem (outcome LANGUAGE) asks which language was heard and sends the case to its speakers.

Crash: every answer is committed when confirmed, and the case stays leased to the interviewer (a
timer renews the lease). After a restart the desk asks ``held_case`` first and offers that case;
F4 resumes the interview at the first unanswered question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from cati.accounts.rules.roles import Actor
from cati.calls.rules.call_flow import CallFlow, Key, Step
from cati.calls.rules.outcomes import APPOINTMENT, CALLBACK, COMPLETE, LANGUAGE, PARTIAL
from cati.calls.service.calls import AppointmentRequest, CaseCard, MyQueue, NextCase, OutcomeResult
from cati.container import Services
from cati.core.languages import SOURCE, language
from cati.gui.desk.appointment_picker import AppointmentScreen
from cati.gui.desk.case_screen import CaseScreen
from cati.gui.desk.question_screen import QuestionScreen
from cati.gui.desk.queue_screen import QueueChoice, QueueScreen
from cati.gui.desk.style import DESK_STYLE
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named
from cati.interviews.rules import Answer, AnswerRejected, Form, Interview
from cati.interviews.rules.translations import TO_CHECK
from cati.interviews.service.interviews import InterviewState
from cati.telephony.io.dialer import DialerError, make_dialer

LEASE_RENEW_MS = 5 * 60 * 1000


class Desk(QWidget):
    screen_changed = Signal(str)  # object name of the screen now shown
    case_closed = Signal(object)  # OutcomeResult

    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self.setObjectName("desk")
        self.setStyleSheet(DESK_STYLE)
        self.calendar = services.calls.scheduler.calendar
        self.outcomes = services.calls.outcomes(actor)
        self.card: CaseCard | None = None
        self.engine: Interview | None = None
        self.interview_id: int | None = None
        self.versions: Mapping[str, Form] = {}  # the interview's form in every language it has
        self.form_language = SOURCE  # the language the questions are shown in now
        self.dialer: tuple[str, str] = ("manual", "")
        self.attempt_started: datetime | None = None
        self.flow = CallFlow()
        self.pending_outcome = ""
        self.choices: dict[tuple[int | None, str | None], QueueChoice] = {}
        self.chosen: tuple[int | None, str | None] = (None, None)

        self.stack = QStackedWidget()
        self.picker = named(AppointmentScreen(self.calendar), "pickerScreen")
        self.queue = named(QueueScreen(self.picker.when_text), "queueScreen")
        self.case = named(CaseScreen(self.calendar), "caseScreen")
        self.question = named(QuestionScreen(), "questionScreen")
        for w in (self.queue, self.case, self.question, self.picker):
            self.stack.addWidget(w)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack)

        self.queue.next_requested.connect(self.next_case)
        self.case.dial_requested.connect(self.dial)
        self.case.start_requested.connect(self.start_interview)
        self.case.outcome.confirmed.connect(self.outcome_chosen)
        self.question.confirmed.connect(self.confirm)
        self.question.back_requested.connect(self.back)
        self.question.stop_requested.connect(self.stop_interview)
        self.question.language_requested.connect(self.choose_language)
        self.question.language_chosen.connect(self.switch_language)
        self.picker.confirmed.connect(self.picked)
        self.picker.cancelled.connect(self.pick_cancelled)
        self.lease_timer = QTimer(self)
        self.lease_timer.setInterval(LEASE_RENEW_MS)
        self.lease_timer.timeout.connect(self.renew_lease)

        self._add_choice(QueueChoice(None, "", None))
        self.show_screen(self.queue)
        self.queue.set_busy(True, self.tr("Looking for a case you were working on…"))
        calls, settings, actor = services.calls, services.settings, actor
        self.submit(lambda: (calls.held_case(actor), calls.my_appointments(actor), _dialer_settings(settings),
                             calls.my_queues(actor)),
                    self._started)

    # -- plumbing -------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.services.ctx.now()

    def submit(self, fn: Callable[[], Any], done: Callable[[Any], None] | None,
               failed: Callable[[BaseException], None] | None = None) -> None:
        self.runner.submit(fn, done, failed or self.show_error)

    def show_screen(self, screen: QWidget) -> None:
        if self.stack.currentWidget() is not screen:
            self.stack.setCurrentWidget(screen)
        self.screen_changed.emit(screen.objectName())

    def _go(self, event: str, **kw: object) -> None:
        """Tell the call flow what happened, then show its step: the screen, the live keys."""
        self.flow = self.flow.on(event, **kw)
        screen = {Step.STARTING: self.queue, Step.QUEUE: self.queue, Step.CLAIMING: self.queue,
                  Step.CASE: self.case, Step.OPENING: self.case, Step.INTERVIEW: self.question,
                  Step.APPOINTMENT: self.picker}.get(self.flow.step)
        if screen is not None and self.stack.currentWidget() is not screen:
            self.show_screen(screen)
        self.case.dial_button.setEnabled(self.flow.allows(Key.DIAL))
        self.case.start_button.setEnabled(self.flow.allows(Key.CONTACT))
        self.case.outcome.setEnabled(self.flow.allows(Key.OUTCOME) or self.flow.step is Step.RECORDING)

    @property
    def current_screen(self) -> str:
        """The object name of the screen shown (queueScreen, caseScreen, questionScreen, pickerScreen)."""
        current = self.stack.currentWidget()
        return current.objectName() if current is not None else ""

    def focus_current(self) -> None:
        """Focus where the interviewer works on the screen shown (used when the tab is entered)."""
        current = self.stack.currentWidget()
        if current is self.queue:
            self.queue.focus()
        elif current is self.case:
            self.case.outcome.setFocus()
        elif current is self.question and self.question.widget is not None:
            self.question.widget.focus_target().setFocus()
        elif current is self.picker:
            self.picker.days.setFocus()

    def show_error(self, exc: BaseException) -> None:
        text = str(exc) or repr(exc)
        current = self.stack.currentWidget()
        if current is self.question:
            self.question.show_save_error(text)
        elif current is self.case:
            self.case.set_banner(text)
        elif current is self.picker:
            self.picker.message.setText(text)
        else:
            self.queue.set_busy(False, text)

    # -- queue ----------------------------------------------------------------------------
    def _add_choice(self, choice: QueueChoice) -> None:
        if choice.key not in self.choices:
            self.choices[choice.key] = choice
        self._show_choices()

    def _set_queues(self, rows: list[MyQueue]) -> None:
        """The queues from the database, with today's counts (replacing the desk's own tally)."""
        for r in rows:
            self.choices[(r.provider_id, r.queue)] = QueueChoice(
                r.provider_id, r.provider_name, r.queue, r.my_calls_today, r.my_completes_today, r.open_cases,
                r.completes_today, r.cap)
        self._show_choices()

    def _show_choices(self) -> None:
        specific = [c for k, c in self.choices.items() if k != (None, None)]
        everything = QueueChoice(None, self.tr("all providers"), None, sum(c.calls_today for c in specific),
                                 sum(c.completes_today for c in specific), sum(c.open_cases for c in specific),
                                 sum(c.queue_completes_today for c in specific))
        self.choices[(None, None)] = everything
        rows = [everything, *sorted(specific, key=lambda c: (c.provider_name, c.queue or ""))]
        self.queue.set_queues(rows, self.chosen)

    def _started(self, data: tuple[CaseCard | None, list[Any], tuple[str, str], list[MyQueue]]) -> None:
        held, mine, self.dialer, queues = data
        self._set_mine(mine)
        self._set_queues(queues)
        self.queue.set_busy(False, self.tr("Press F5 or Enter for the next case."))
        if held is not None:
            banner = self.tr("You were still working on this case when the program stopped.")
            if held.interview_id is not None:
                banner += " " + self.tr("Press F4 to resume the interview at the question where it stopped.")
            self._go("started", held=True, interview=held.interview_id is not None, dial_possible=held.dial is not None)
            self.show_case(held, banner)
        else:
            self._go("started", held=False)
            self.queue.focus()

    def _set_mine(self, rows: list[Any]) -> None:
        self.queue.mine_model.set_rows(rows)
        self.picker.set_mine(rows)

    def next_case(self, choice: QueueChoice) -> None:
        if not self.flow.allows(Key.NEXT_CASE):
            return
        self._go("next_case")
        self.chosen = choice.key
        self.queue.set_busy(True, self.tr("Looking for the next case…"))
        calls, settings, actor = self.services.calls, self.services.settings, self.actor
        self.submit(lambda: (calls.claim_next(actor, choice.provider_id, choice.queue), _dialer_settings(settings)),
                    self._got_case)

    def _got_case(self, data: tuple[NextCase, tuple[str, str]]) -> None:
        found, self.dialer = data
        if found.card is None:
            self._go("nothing")
            when = found.reason.next_callable_at
            text = found.reason.reason_nl
            if when is not None:
                text += " — " + self.tr("next case expected %s") % self.calendar.local(when).strftime("%d-%m %H:%M")
            self.queue.set_busy(False, text)
            self.queue.focus()
            return
        self.queue.set_busy(False, "")
        self._go("claimed", interview=found.card.interview_id is not None, dial_possible=found.card.dial is not None)
        self.show_case(found.card)

    def show_case(self, card: CaseCard, banner: str = "") -> None:
        self.card, self.engine, self.interview_id, self.attempt_started = card, None, card.interview_id, None
        self._add_choice(QueueChoice(card.provider_id, card.provider_name, card.queue))
        self.case.outcome.set_outcomes(self.outcomes, self.flow.hidden_outcomes(COMPLETE, PARTIAL))
        self.case.show_card(card, banner)
        self.show_screen(self.case)
        self.case.outcome.setFocus()
        self.lease_timer.start()

    def renew_lease(self) -> None:
        if self.card is not None:
            calls, actor, case_id = self.services.calls, self.actor, self.card.case_id
            self.submit(lambda: calls.renew_lease(actor, case_id), None)

    # -- the call -------------------------------------------------------------------------
    def dial(self) -> None:
        if self.card is None or self.flow.step is not Step.CASE:
            return
        if not self.flow.allows(Key.DIAL):
            self.case.set_banner(self.tr("This case has no number to dial now."))
            return
        kind, template = self.dialer
        try:
            dialer = make_dialer(kind, template, lambda uri: QDesktopServices.openUrl(QUrl(uri)))
        except DialerError as e:
            self.case.set_banner(self.tr("The dialer setting is wrong (%s); dial by hand.") % e)
            dialer = make_dialer("manual", "", lambda _u: False)
        assert self.card.dial is not None
        result = dialer.dial(self.card.dial.e164)
        self.attempt_started = self.now()
        self._go("dialled")
        self.case.show_dialled(result.display, result.handed_over, result.uri)

    def _started_at(self) -> datetime:
        assert self.card is not None
        return self.attempt_started or self.card.claimed_at

    def outcome_chosen(self, code: str, note: str) -> None:
        if self.card is None or not self.flow.allows(Key.OUTCOME):
            return
        self.pending_outcome = code
        heard = self.case.outcome.heard if code == LANGUAGE else None
        if code in (APPOINTMENT, CALLBACK) or (code == PARTIAL and self.interview_id is not None):
            label = next((o.label_nl for o in self.outcomes if o.code == code), code)
            title = self.tr("%1 with %2").replace("%1", label).replace("%2", self.card.client_name)
            self._go("outcome", needs_appointment=True)
            self.open_picker(title, exact=code == APPOINTMENT, may_switch=code == PARTIAL, note=note)
            return
        self._go("outcome")
        self.record(code, note, None, heard)

    def record(self, code: str, note: str, appointment: AppointmentRequest | None, heard: str | None = None) -> None:
        assert self.card is not None
        calls, actor, case_id = self.services.calls, self.actor, self.card.case_id
        started = self._started_at()
        ended = max(self.now(), started)
        self.submit(lambda: calls.record_outcome(actor, case_id, code, started, ended, note, appointment, heard=heard),
                    self.case_done, self._save_failed_outcome)

    def _save_failed_outcome(self, exc: BaseException) -> None:
        """The outcome was not saved: back where it was chosen, with the message; nothing lost."""
        self._go("failed")
        self.show_error(exc)

    def case_done(self, result: OutcomeResult) -> None:
        self._go("recorded")
        card = self.card
        self.lease_timer.stop()
        self.case.stop_timer()
        self.card, self.engine, self.interview_id, self.attempt_started = None, None, None, None
        label = next((o.label_nl for o in self.outcomes if o.code == result.outcome), result.outcome)
        text = self.tr("Recorded: %1 for %2.").replace("%1", label).replace("%2", card.client_name if card else "")
        if result.route_nl:
            text += " " + result.route_nl + "."
        elif result.next_call_at is not None and not result.case_final:
            text += " " + self.tr("Next call %s.") % self.calendar.local(result.next_call_at).strftime("%d-%m %H:%M")
        self.queue.set_busy(False, text + " " + self.tr("F5 or Enter: next case."))
        self.show_screen(self.queue)
        self.queue.focus()
        self.case_closed.emit(result)
        calls, actor = self.services.calls, self.actor
        self.submit(lambda: calls.my_appointments(actor), self._set_mine)
        self.submit(lambda: calls.my_queues(actor), self._set_queues)

    # -- appointments ---------------------------------------------------------------------
    def open_picker(self, title: str, exact: bool, may_switch: bool, note: str = "") -> None:
        self.picker.open(title, self.now(), exact, may_switch)
        self.picker.note.setText(note)
        self.show_screen(self.picker)
        self.picker.days.setFocus()

    def picked(self, request: AppointmentRequest, note: str) -> None:
        if self.card is None or not self.flow.allows(Key.PICK):
            return
        stopping = self.flow.picker_for == "stop" and self.interview_id is not None
        self._go("picked")
        if stopping:
            interviews, actor, iid, started = self.services.interviews, self.actor, self.interview_id, self._started_at()
            assert iid is not None
            self.submit(lambda: interviews.stop(actor, iid, request, note, started), self.case_done,
                        self._save_failed_outcome)
        else:
            self.record(self.pending_outcome, note, request)

    def pick_cancelled(self) -> None:
        if not self.flow.allows(Key.CANCEL):
            return
        self._go("cancelled")
        if self.flow.step is Step.INTERVIEW and self.question.widget is not None:
            self.question.widget.focus_target().setFocus()
        else:
            self.case.outcome.setFocus()

    # -- the interview --------------------------------------------------------------------
    def start_interview(self) -> None:
        if self.card is None or not self.flow.allows(Key.CONTACT):
            return
        if self.attempt_started is None:
            self.attempt_started = self.now()
        self._go("contact")
        interviews, actor, case_id = self.services.interviews, self.actor, self.card.case_id
        self.case.set_banner(self.tr("Opening the questionnaire…"))
        self.submit(lambda: interviews.start_or_resume(actor, case_id), self._interview_opened, self._open_failed)

    def _open_failed(self, exc: BaseException) -> None:
        self._go("open_failed")
        self.show_error(exc)

    def _interview_opened(self, state: InterviewState) -> None:
        self._go("opened")
        self.case.set_banner("")
        self.interview_id = state.interview_id
        self.versions, self.form_language = state.versions, state.language
        self.engine = state.engine()
        self.question.prepare(self.engine.form)
        self.question.show_save_error("")
        if self.engine.finished:
            self.finish()
        else:
            self.show_question()

    def header(self) -> str:
        assert self.card is not None and self.engine is not None and self.engine.question is not None
        section = next((s.title for s in self.engine.form.sections if self.engine.question in s.questions), "")
        return f"{section}  ·  {self.card.client_name}  ·  {self.card.provider_name}"

    def show_question(self) -> None:
        assert self.engine is not None
        self.question.show_question(self.engine, self.header())
        if self.stack.currentWidget() is not self.question:
            self.show_screen(self.question)
            if self.question.widget is not None:
                self.question.widget.focus_target().setFocus()

    def confirm(self, value: Answer | dict[str, Answer]) -> None:
        if self.engine is None or self.engine.question is None or self.interview_id is None \
                or not self.flow.allows(Key.ANSWER):
            return
        var = self.engine.question.var
        try:
            after = self.engine.answer(value)
        except AnswerRejected as e:
            self.question.show_errors(e.messages)
            return
        self.question.show_save_error("")
        interviews, actor, iid, asked_in = self.services.interviews, self.actor, self.interview_id, self.form_language
        self.submit(lambda: interviews.save_answer(actor, iid, var, value, asked_in), None,
                    lambda exc, var=var: self._save_failed(var, exc))  # type: ignore[misc]
        self.engine = after
        if after.finished:
            self.finish()
        else:
            self.show_question()

    def _save_failed(self, var: str, exc: BaseException) -> None:
        if self.engine is None:
            self.show_error(exc)
            return
        messages = exc.messages if isinstance(exc, AnswerRejected) else (str(exc),)
        text = self.tr("This answer was not saved: %s Please give it again.") % " ".join(messages)
        try:
            self.engine = self.engine.jump(var)
        except AnswerRejected:
            self.engine = Interview(self.engine.form, self.engine.case, self.engine.answers, var)
        self.show_question()
        self.question.show_save_error(text)

    def choose_language(self) -> None:
        """F7: the languages this form is in, the one shown now selected."""
        if self.engine is None or self.engine.question is None or not self.flow.allows(Key.LANGUAGE):
            return
        choices: list[tuple[str | None, str]] = []
        for code, form in sorted(self.versions.items(), key=lambda kv: (kv[0] != SOURCE, language(kv[0]).name_nl)):
            text = language(code).label
            if form.translation_status == TO_CHECK:
                text += "  —  " + self.tr("to be checked by a translator")
            choices.append((code, text))
        self.question.open_languages(choices, self.form_language)

    def switch_language(self, code: str) -> None:
        """Redraw the same question in ``code``; the answers stay."""
        if self.engine is None or code not in self.versions or not self.flow.allows(Key.LANGUAGE):
            return
        self.form_language = code
        form = self.versions[code]
        self.engine = Interview(form, self.engine.case, self.engine.answers, self.engine.position)
        self.question.prepare(form)
        self.show_question()
        if self.question.widget is not None:
            self.question.widget.focus_target().setFocus()

    def back(self) -> None:
        if self.engine is not None and self.flow.allows(Key.BACK):
            self.engine = self.engine.back()
            self.show_question()

    def finish(self) -> None:
        """Past the last screen: COMPLETE when the engine says so, else the interviewer picks the outcome."""
        assert self.engine is not None and self.card is not None
        if self.engine.is_complete and self.interview_id is not None:
            self._go("ended", complete=True)
            interviews, actor, iid, started = self.services.interviews, self.actor, self.interview_id, self._started_at()
            self.question.message.setText(self.tr("Recording the complete interview…"))
            self.submit(lambda: interviews.complete(actor, iid, "", started), self.case_done, self._complete_failed)
            return
        self._go("ended", complete=False)
        self.case.outcome.set_outcomes(self.outcomes, self.flow.hidden_outcomes(COMPLETE, PARTIAL))
        self.case.set_banner(self.tr("The interview ended without a complete interview: choose the outcome "
                                     "(for example a refusal or wrong person)."))
        self.show_screen(self.case)
        self.case.outcome.setFocus()

    def _complete_failed(self, exc: BaseException) -> None:
        self._go("failed")
        if self.engine is not None and self.engine.finished:
            last = self.engine.route[-1].var if self.engine.route else None
            if last is not None:
                self.engine = Interview(self.engine.form, self.engine.case, self.engine.answers, last)
                self.show_question()
        self.question.show_save_error(self.tr("The interview could not be closed: %s") % exc)

    def stop_interview(self) -> None:
        if self.card is None or self.interview_id is None or not self.flow.allows(Key.STOP):
            return
        self.pending_outcome = PARTIAL
        title = self.tr("Stop the interview with %s: when shall we call back?") % self.card.client_name
        self._go("stop")
        self.open_picker(title, exact=False, may_switch=True)


def _dialer_settings(settings: Any) -> tuple[str, str]:
    return str(settings.get("dialer.kind")), str(settings.get("dialer.uri_template"))
