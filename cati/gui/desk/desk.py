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

Paradata: every question screen shown is a visit (``ScreenVisit``: shown and left by the service clock,
how it was reached and left, its language, the corrections on it, a grid's seconds per row). The desk
collects them and hands them to the next save (the answer, a stop), which writes them in its own
transaction: Enter costs nothing more than making the visit. A save that fails keeps its visits for
the next one.

Crash: every answer is committed when confirmed, and the case stays leased to the interviewer (a
timer renews the lease). After a restart the desk asks ``held_case`` first and offers that case;
F4 resumes the interview at the first unanswered question.

Softphone (``dialer.kind: softphone``): F2 asks the call service whether the number may be dialled
now (``dial_permit``), then the softphone dials it; the line's events (``softphone_bridge.py``) go into
the call flow (dialling, ringing, connected, ended) and are shown on the case screen and in the line
bar above every screen. When the line ends unanswered, its suggestion (busy, no answer, …) is
preselected; the interviewer confirms with Enter or picks another. F3 hangs up; the desk hangs up
itself before anything is saved with the line still open, when the case is let go and when the app
closes. The line is saved with the attempt.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from cati.accounts.rules.roles import Actor
from cati.calls.rules.call_flow import CallFlow, FlowError, Key, Step
from cati.calls.rules.line import EndCause, Line, LineState
from cati.calls.rules.outcomes import APPOINTMENT, CALLBACK, COMPLETE, LANGUAGE, PARTIAL
from cati.calls.service.calls import (
    AppointmentRequest,
    CaseCard,
    DialPermit,
    DialRefused,
    MyQueue,
    NextCase,
    OutcomeResult,
)
from cati.container import Services
from cati.core.languages import SOURCE, language
from cati.gui.desk.appointment_picker import AppointmentScreen
from cati.gui.desk.case_screen import CaseScreen
from cati.gui.desk.question_screen import QuestionScreen
from cati.gui.desk.queue_screen import QueueChoice, QueueScreen
from cati.gui.desk.softphone_bridge import SoftphoneBridge
from cati.gui.desk.style import DESK_STYLE
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named
from cati.interviews.rules import Answer, AnswerRejected, Form, Interview
from cati.interviews.rules.paradata import Arrival, Leave, ScreenVisit
from cati.interviews.rules.translations import TO_CHECK
from cati.interviews.service.interview_state import InterviewState
from cati.telephony.io.desk_settings import DeskSettings, DeskSettingsError, load_desk_settings
from cati.telephony.io.dialer import DialerError, make_dialer, softphone_uri
from cati.telephony.io.softphone import LineEvent, SoftphoneProblem

LEASE_RENEW_MS = 5 * 60 * 1000


@dataclass(frozen=True)
class DialerSetup:
    """How this desk dials (the database's settings, ``kind`` overridden by the desk's own file)."""

    kind: str = "manual"
    uri_template: str = "tel:{number}"
    softphone_uri: str = "{national}"
    no_answer_seconds: int = 30


def mmss(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


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
        self.setup = DialerSetup()
        self.versions: Mapping[str, Form] = {}  # the interview's form in every language it has
        self.form_language = SOURCE  # the language the questions are shown in now
        self.attempt_started: datetime | None = None
        self.line_outcomes = services.calls.line_outcomes(actor)
        self.desk_problem = ""
        self.desk_settings: DeskSettings | None = None
        try:
            self.desk_settings = load_desk_settings()
        except DeskSettingsError as e:
            self.desk_problem = str(e)
        self.softphone: SoftphoneBridge | None = None
        self.call_number = 0  # the softphone's number for this case's call (0: none)
        self.dial_mono = 0.0  # time.monotonic() of the dial
        self.dial_pending = False
        self.retry_banner = False  # F2 started the softphone again: say how that went on the case screen
        self.flow = CallFlow()
        self.pending_outcome = ""
        self.choices: dict[tuple[int | None, str | None], QueueChoice] = {}
        self.chosen: tuple[int | None, str | None] = (None, None)

        self.stack = QStackedWidget()
        self.line_bar = named(QLabel(""), "lineBar")
        self.line_bar.setWordWrap(True)
        self.line_bar.setVisible(False)
        self.picker = named(AppointmentScreen(self.calendar), "pickerScreen")
        self.queue = named(QueueScreen(self.picker.when_text), "queueScreen")
        self.case = named(CaseScreen(self.calendar), "caseScreen")
        self.question = named(QuestionScreen(), "questionScreen")
        self.question.clock = self.now
        self.visit: tuple[str, datetime, Arrival, str] | None = None  # the screen on now: var, shown, how, language
        self.visits: list[ScreenVisit] = []  # left since the last save: they go with the next one
        for w in (self.queue, self.case, self.question, self.picker):
            self.stack.addWidget(w)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.line_bar)
        lay.addWidget(self.stack)

        self.queue.next_requested.connect(self.next_case)
        self.case.dial_requested.connect(self.dial)
        self.case.hangup_requested.connect(self.hang_up)
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
        self.line_ticker = QTimer(self)
        self.line_ticker.setInterval(1000)
        self.line_ticker.timeout.connect(self._show_line)

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
        self._show_line()

    def _go(self, event: str, **kw: object) -> None:
        """Tell the call flow what happened, then show its step: the screen, the live keys."""
        self.flow = self.flow.on(event, **kw)
        screen = {Step.STARTING: self.queue, Step.QUEUE: self.queue, Step.CLAIMING: self.queue,
                  Step.CASE: self.case, Step.OPENING: self.case, Step.INTERVIEW: self.question,
                  Step.APPOINTMENT: self.picker}.get(self.flow.step)
        if screen is not None and self.stack.currentWidget() is not screen:
            self.show_screen(screen)
        self.case.dial_button.setEnabled(self.flow.allows(Key.DIAL))
        self.case.hangup_button.setEnabled(self.flow.allows(Key.HANGUP))
        self.case.start_button.setEnabled(self.flow.allows(Key.CONTACT))
        waiting = self.flow.line.state in (LineState.DIALLING, LineState.RINGING)  # the panel keeps the focus
        self.case.outcome.setEnabled(self.flow.allows(Key.OUTCOME) or self.flow.step is Step.RECORDING or waiting)

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

    def _started(self, data: tuple[CaseCard | None, list[Any], DialerSetup, list[MyQueue]]) -> None:
        held, mine, setup, queues = data
        self._set_setup(setup)
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

    def _got_case(self, data: tuple[NextCase, DialerSetup]) -> None:
        found, setup = data
        self._set_setup(setup)
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
        self.call_number, self.dial_pending = 0, False
        self._add_choice(QueueChoice(card.provider_id, card.provider_name, card.queue))
        self.case.outcome.set_outcomes(self.outcomes, self.flow.hidden_outcomes(COMPLETE, PARTIAL))
        self.case.show_card(card, banner)
        self.case.set_softphone(self.setup.kind == "softphone")
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
        if not self.flow.dial_possible:
            self.case.set_banner(self.tr("This case has no number to dial now."))
            return
        if not self.flow.allows(Key.DIAL):
            return  # dialled already: the line is open or has ended
        if self.setup.kind == "softphone":
            self._dial_softphone()
            return
        kind, template = self.setup.kind, self.setup.uri_template
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

    def _saved_line(self) -> Line | None:
        """The softphone's line, for the attempt (None when nothing was dialled by the softphone)."""
        return self.flow.line if self.flow.line.dialled_at is not None else None

    def outcome_chosen(self, code: str, note: str) -> None:
        if self.card is None:
            return
        if self.flow.step is Step.CASE and self.flow.line.state in (LineState.DIALLING, LineState.RINGING):
            self.case.outcome.message.setText(self.tr("The line is still ringing: wait, or hang up first (F3)."))
            return
        if not self.flow.allows(Key.OUTCOME):
            return
        self.pending_outcome = code
        heard = self.case.outcome.heard if code == LANGUAGE else None
        if code in (APPOINTMENT, CALLBACK) or (code == PARTIAL and self.interview_id is not None):
            label = next((o.label_nl for o in self.outcomes if o.code == code), code)
            title = self.tr("%1 with %2").replace("%1", label).replace("%2", self.card.client_name)
            self._go("outcome", needs_appointment=True)
            self.open_picker(title, exact=code == APPOINTMENT, may_switch=code == PARTIAL, note=note)
            return
        self._line_down()
        self._go("outcome")
        self.record(code, note, None, heard)

    def record(self, code: str, note: str, appointment: AppointmentRequest | None, heard: str | None = None) -> None:
        assert self.card is not None
        calls, actor, case_id = self.services.calls, self.actor, self.card.case_id
        started, line = self._started_at(), self._saved_line()
        ended = max(self.now(), started, (line.ended_at if line else None) or started)
        self.submit(lambda: calls.record_outcome(actor, case_id, code, started, ended, note, appointment, line=line,
                                                 heard=heard),
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
        self.visit, self.visits = None, []
        self.call_number = 0
        self._show_line()
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
        self._line_down()
        self._go("picked")
        if stopping:
            interviews, actor, iid, started = self.services.interviews, self.actor, self.interview_id, self._started_at()
            assert iid is not None
            line = self._saved_line()
            visits = self._take_visits()
            self.submit(lambda: interviews.stop(actor, iid, request, note, started, line=line, visits=visits),
                        self.case_done, lambda exc: self._stop_failed(visits, exc))
        else:
            self.record(self.pending_outcome, note, request)

    def _stop_failed(self, visits: list[ScreenVisit], exc: BaseException) -> None:
        self.visits[:0] = visits  # kept for the next save
        self._save_failed_outcome(exc)

    def pick_cancelled(self) -> None:
        if not self.flow.allows(Key.CANCEL):
            return
        self._go("cancelled")
        if self.flow.step is Step.INTERVIEW and self.question.widget is not None:
            self._begin_visit(Arrival.RESUME)  # back on the question after a cancelled stop
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
        self.visit, self.visits = None, []
        if self.engine.finished:
            self.finish()
        else:
            self.show_question(Arrival.RESUME if any(a.has_value or a.seen for a in state.answers.values())
                               else Arrival.START)

    def header(self) -> str:
        assert self.card is not None and self.engine is not None and self.engine.question is not None
        section = next((s.title for s in self.engine.form.sections if self.engine.question in s.questions), "")
        return f"{section}  ·  {self.card.client_name}  ·  {self.card.provider_name}"

    def show_question(self, arrived: Arrival = Arrival.NEXT) -> None:
        assert self.engine is not None
        self.question.show_question(self.engine, self.header())
        self._begin_visit(arrived)
        if self.stack.currentWidget() is not self.question:
            self.show_screen(self.question)
            if self.question.widget is not None:
                self.question.widget.focus_target().setFocus()

    # -- paradata -------------------------------------------------------------------------
    def _begin_visit(self, arrived: Arrival) -> None:
        """The question on screen is shown now (a visit starts)."""
        q = self.engine.question if self.engine is not None else None
        self.visit = (q.var, self.now(), arrived, self.form_language) if q is not None else None
        if q is not None and self.question.widget is not None:
            self.question.widget.begin(self.visit[1] if self.visit else self.now())

    def _end_visit(self, left: Leave) -> None:
        """The question on screen is left now: its visit waits for the next save."""
        if self.visit is None:
            return
        var, shown, arrived, language = self.visit
        self.visit = None
        now = max(self.now(), shown)
        widget = self.question.widget
        rows = widget.row_seconds(now) if widget is not None else ()
        self.visits.append(ScreenVisit(var, shown, now, arrived, left, language,
                                       widget.corrections if widget is not None else 0, rows))

    def _take_visits(self) -> list[ScreenVisit]:
        visits, self.visits = self.visits, []
        return visits

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
        self._end_visit(Leave.NEXT)
        visits = self._take_visits()
        interviews, actor, iid, asked_in = self.services.interviews, self.actor, self.interview_id, self.form_language
        self.submit(lambda: interviews.save_answer(actor, iid, var, value, asked_in, visits),
                    None, lambda exc, var=var: self._save_failed(var, exc, visits))  # type: ignore[misc]
        self.engine = after
        if after.finished:
            self.finish()
        else:
            self.show_question()

    def _save_failed(self, var: str, exc: BaseException, visits: list[ScreenVisit] | None = None) -> None:
        self.visits[:0] = visits or []  # the visits it carried go with the next save
        if self.engine is None:
            self.show_error(exc)
            return
        messages = exc.messages if isinstance(exc, AnswerRejected) else (str(exc),)
        text = self.tr("This answer was not saved: %s Please give it again.") % " ".join(messages)
        try:
            self.engine = self.engine.jump(var)
        except AnswerRejected:
            self.engine = Interview(self.engine.form, self.engine.case, self.engine.answers, var)
        self._end_visit(Leave.JUMP)
        self.show_question(Arrival.RETRY)
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
        self._end_visit(Leave.LANGUAGE)
        self.form_language = code
        form = self.versions[code]
        self.engine = Interview(form, self.engine.case, self.engine.answers, self.engine.position)
        self.question.prepare(form)
        self.show_question(Arrival.LANGUAGE)
        if self.question.widget is not None:
            self.question.widget.focus_target().setFocus()

    def back(self) -> None:
        if self.engine is not None and self.flow.allows(Key.BACK):
            before = self.engine.position
            self.engine = self.engine.back()
            if self.engine.position != before:
                self._end_visit(Leave.BACK)
                self.show_question(Arrival.BACK)

    def finish(self) -> None:
        """Past the last screen: COMPLETE when the engine says so, else the interviewer picks the outcome."""
        assert self.engine is not None and self.card is not None
        if self.engine.is_complete and self.interview_id is not None:
            self._line_down()
            self._go("ended", complete=True)
            interviews, actor, iid, started = self.services.interviews, self.actor, self.interview_id, self._started_at()
            line = self._saved_line()
            self.question.message.setText(self.tr("Recording the complete interview…"))
            self.submit(lambda: interviews.complete(actor, iid, "", started, line=line), self.case_done,
                        self._complete_failed)
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
                self.show_question(Arrival.RETRY)
        self.question.show_save_error(self.tr("The interview could not be closed: %s") % exc)

    def stop_interview(self) -> None:
        if self.card is None or self.interview_id is None or not self.flow.allows(Key.STOP):
            return
        self.pending_outcome = PARTIAL
        title = self.tr("Stop the interview with %s: when shall we call back?") % self.card.client_name
        self._end_visit(Leave.STOP)
        self._go("stop")
        self.open_picker(title, exact=False, may_switch=True)


    # -- the softphone ------------------------------------------------------------------------
    def _set_setup(self, setup: DialerSetup) -> None:
        """The dialer settings read with a case: this desk's own kind wins; a softphone is started."""
        own = self.desk_settings.dialer_kind if self.desk_settings is not None else None
        self.setup = DialerSetup(own or setup.kind, setup.uri_template, setup.softphone_uri, setup.no_answer_seconds)
        if self.setup.kind == "softphone":
            if self.softphone is None or self.softphone.state == "closed":  # after a problem: F2 tries again
                self._open_softphone()
        elif self.softphone is not None and not self.flow.line.live:
            self.softphone.close()
            self.softphone = None
        self._show_line()

    def _open_softphone(self) -> None:
        if self.desk_problem or self.desk_settings is None:
            self._show_line()
            return
        if self.softphone is None:
            self.softphone = SoftphoneBridge(self.desk_settings.softphone, self)
            # queued, also from the GUI thread: the events are taken after the call that made them returned
            self.softphone.changed.connect(self._drain, Qt.ConnectionType.QueuedConnection)
            self.softphone.opened.connect(self._softphone_opened)
        self.softphone.open(max(120, self.setup.no_answer_seconds + 60))
        self._show_line()

    def _softphone_opened(self, _result: object) -> None:
        """The softphone started (or did not): said in the line bar, and on the case screen when F2 asked."""
        self._show_line()
        if self.retry_banner and self.card is not None and self.softphone is not None:
            _, problem = self.softphone_status()
            self.case.set_banner(self.tr("Not dialled: the softphone still cannot call (see above).") if problem
                                 else self.tr("The softphone is ready: press F2 to dial."))
        self.retry_banner = False

    def softphone_status(self) -> tuple[str, bool]:
        """The softphone's state in words, and whether it is a problem ("" when there is no softphone)."""
        if self.setup.kind != "softphone":
            return "", False
        if self.desk_problem:
            return self.tr("This desk's settings file cannot be used: %s") % self.desk_problem, True
        phone = self.softphone
        if phone is None or phone.state == "closed":
            return self.tr("Softphone: not started."), True
        if phone.state == "opening":
            return self.tr("Softphone: starting…"), False
        if phone.state == "registering":
            return self.tr("Softphone: registering at the exchange…"), False
        if phone.state == "ready":
            return self.tr("Softphone ready (%s).") % phone.phone.aor, False
        return self.problem_text(phone.problem or SoftphoneProblem(phone.state)), True

    def problem_text(self, problem: SoftphoneProblem) -> str:
        """What the interviewer reads when the softphone cannot call."""
        detail = problem.detail or "?"
        where = str(self.desk_settings.path or "desk.yaml") if self.desk_settings is not None else "desk.yaml"
        if problem.kind == "missing":
            return self.tr("The softphone is not installed on this computer (%s not found). Ask the administrator; "
                           "meanwhile dial by hand.") % detail
        if problem.kind == "no_account":
            return self.tr("The softphone has no SIP account: set softphone.account in %1 (%2).") \
                .replace("%1", where).replace("%2", detail)
        if problem.kind == "not_registered":
            return self.tr("The softphone is not registered at the exchange (%s): it cannot call.") % detail
        if problem.kind == "dropped":
            return self.tr("The softphone stopped (%s). Press F2 to start it again.") % detail
        if problem.kind == "busy":
            return self.tr("A call is still on the line: hang up first (F3).")
        return self.tr("The softphone did not start (%s). Press F2 to try again.") % detail

    def _dial_softphone(self) -> None:
        assert self.card is not None and self.card.dial is not None
        if self.dial_pending:
            return
        phone = self.softphone
        if self.desk_problem or phone is None or phone.state in ("closed", "problem", "dropped"):
            self.retry_banner = not self.desk_problem
            self._open_softphone()
            self.case.set_banner(self.tr("Not dialled: the softphone cannot call (see above). Starting it again…")
                                 if self.retry_banner else self.tr("Not dialled: the softphone cannot call (see above)."))
            return
        if phone.state == "opening":
            self.case.set_banner(self.tr("The softphone is still starting: press F2 again in a moment."))
            return
        if not phone.usable:
            self.case.set_banner(self.softphone_status()[0])
            return
        calls, settings, actor = self.services.calls, self.services.settings, self.actor
        case_id, e164 = self.card.case_id, self.card.dial.e164
        self.dial_pending = True
        self.case.set_banner("")
        self.submit(lambda: (calls.dial_permit(actor, case_id, e164), _dialer_settings(settings)), self._permitted,
                    self._not_permitted)

    def _permitted(self, data: tuple[DialPermit, DialerSetup]) -> None:
        """The number may be dialled now: the softphone dials it (with the settings as they are now)."""
        permit, setup = data
        self.dial_pending = False
        self.setup = DialerSetup(self.setup.kind, setup.uri_template, setup.softphone_uri, setup.no_answer_seconds)
        phone = self.softphone
        if self.card is None or self.card.case_id != permit.case_id or not self.flow.allows(Key.DIAL) or phone is None:
            return
        try:
            uri = softphone_uri(self.setup.softphone_uri, permit.e164)
        except DialerError as e:
            self.case.set_banner(self.tr("The setting dialer.softphone_uri is wrong (%s): nothing was dialled.") % e)
            return
        try:
            self.call_number = phone.phone.dial(uri, self.setup.no_answer_seconds)
        except SoftphoneProblem as e:
            self.case.set_banner(self.problem_text(e))
            return
        self._drain()

    def _not_permitted(self, exc: BaseException) -> None:
        self.dial_pending = False
        if isinstance(exc, DialRefused):
            self.case.set_banner(self.tr("Not dialled: %s") % exc)
        else:
            self.show_error(exc)

    def _drain(self) -> None:
        """Take the softphone's news: the line's events into the call flow, its state on screen."""
        if self.softphone is not None:
            for event in self.softphone.take_events():
                self._on_line(event)
        self._show_line()

    def _on_line(self, event: LineEvent) -> None:
        if event.kind == "status" or event.call != self.call_number or self.card is None:
            return  # the softphone's state (shown by _show_line), or a call of a case gone by
        try:
            if event.kind == "dialling":
                self.dial_mono, self.attempt_started = event.at, self.now()
                self._go("line_dialling", at=self.attempt_started)
            elif event.kind == "ringing":
                self._go("line_ringing")
            elif event.kind == "connected":
                self._go("line_connected", after=event.at - self.dial_mono)
            elif event.kind == "ended":
                self._go("line_ended", after=event.at - self.dial_mono, cause=event.cause or EndCause.FAILED,
                         reason=event.reason, outcomes=self.line_outcomes)
                suggestion = self.flow.line.suggestion
                if suggestion is not None and self.flow.step is Step.CASE:
                    self.case.outcome.preselect(suggestion.outcome, suggestion.reason)
        except FlowError:
            return  # an event the line cannot have now (e.g. a second close): the flow stays as it is

    def hang_up(self) -> None:
        """F3: hang up the softphone's line."""
        if self.flow.allows(Key.HANGUP):
            self._line_down()
            if self.flow.step is Step.CASE:
                self.case.outcome.setFocus()

    def _line_down(self) -> None:
        """Hang up when the line is still open (before a save, when the case is let go)."""
        if not self.flow.line.live:
            return
        event = self.softphone.phone.hangup() if self.softphone is not None else None
        if event is not None:
            self._on_line(event)
        self._drain()
        if self.flow.line.live:  # the softphone lost the call without a word: it is down all the same
            self._go("line_ended", after=time.monotonic() - self.dial_mono, cause=EndCause.DROPPED,
                     reason="", outcomes=self.line_outcomes)
        self._show_line()

    def line_text(self) -> tuple[str, str]:
        """The line in words (kiest, gaat over 0:07, verbonden 00:42, opgehangen …) and its state."""
        line = self.flow.line
        now = time.monotonic()
        if line.state is LineState.DIALLING:
            return self.tr("Dialling…"), "dialling"
        if line.state is LineState.RINGING:
            return self.tr("Ringing  %s") % mmss(now - self.dial_mono), "ringing"
        if line.state is LineState.CONNECTED:
            return self.tr("Connected  %s") % mmss(now - self.dial_mono - (line.answered_after or 0.0)), "connected"
        if line.state is LineState.ENDED:
            if line.suggestion is not None:
                return self.tr("Hung up: %s") % line.suggestion.reason, "ended"
            talk = f" ({mmss(line.talk_seconds or 0)})" if line.answered else ""
            if line.cause is EndCause.REMOTE and line.answered:
                return self.tr("Hung up by the respondent") + talk, "ended"
            if line.cause is EndCause.DROPPED:
                return self.tr("Line lost: the softphone stopped") + talk, "ended"
            return self.tr("Hung up") + talk, "ended"
        return "", ""

    def _show_line(self) -> None:
        """The line on the case screen, and in the bar above every screen (or the softphone's state)."""
        text, state = self.line_text()
        self.case.show_line(text, state)
        if self.flow.line.live and not self.line_ticker.isActive():
            self.line_ticker.start()
        elif not self.flow.line.live:
            self.line_ticker.stop()
        status, problem = self.softphone_status()
        bar = text if text and self.stack.currentWidget() is not self.case else status
        if text and self.flow.line.live and bar == text:
            bar += "  ·  " + self.tr("F3: hang up")
        self.line_bar.setText(bar)
        self.line_bar.setProperty("line", ("problem" if problem else "") if bar == status else state)
        self.line_bar.style().unpolish(self.line_bar)
        self.line_bar.style().polish(self.line_bar)
        self.line_bar.setVisible(bool(bar))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F3:  # hang up, from any screen
            self.hang_up()
            event.accept()
            return
        super().keyPressEvent(event)

    def shutdown(self) -> None:
        """The desk closes (logging out, the app closing): the line hung up, the softphone stopped."""
        self.lease_timer.stop()
        self.line_ticker.stop()
        if self.softphone is not None:
            event = self.softphone.close()
            if event is not None:
                self._on_line(event)
            self.softphone = None


def _dialer_settings(settings: Any) -> DialerSetup:
    return DialerSetup(str(settings.get("dialer.kind")), str(settings.get("dialer.uri_template")),
                       str(settings.get("dialer.softphone_uri")), int(settings.get("dialer.no_answer_seconds")))
