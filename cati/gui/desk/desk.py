"""The interviewer's desk: the controller that switches between the queue, the call screen, the
question screens and the appointment picker, and talks to the services (always via the runner).

Flow: the pure state machine :class:`cati.calls.rules.call_flow.CallFlow` says which step the desk is
at and which keys are live; the desk feeds it what happened (``_go``) and renders the step's screen.
Queue → (F5) case card → (F2) dial → outcome (number + Enter) → queue, or → (F4) interview → one
question per screen → closing screen records COMPLETE → queue. F10 stops an interview (PARTIAL
with a callback).

The desk keeps the case's state and the queue; its parts, each a class of its own that the desk
delegates to: the interview (``interview_steps.py``: answers, back, languages), the paradata visits
(``paradata_visits.py``), the outcome, the picker and the interview's end (``case_closing.py``), the
softphone and its line (``softphone_line.py``).

Crash: every answer is committed when confirmed, and the case stays leased to the interviewer (a
timer renews the lease). After a restart the desk asks ``held_case`` first and offers that case;
F4 resumes the interview at the first unanswered question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from cati.accounts.rules.roles import Actor
from cati.calls.rules.call_flow import CallFlow, Key, Step
from cati.calls.rules.line import LineState
from cati.calls.rules.outcomes import COMPLETE, PARTIAL
from cati.calls.service.calls import CaseCard, MyQueue, NextCase
from cati.container import Services
from cati.core.languages import SOURCE
from cati.gui.desk.appointment_picker import AppointmentScreen
from cati.gui.desk.case_closing import CaseClosing
from cati.gui.desk.case_screen import CaseScreen
from cati.gui.desk.dialer_setup import DialerSetup, dialer_settings
from cati.gui.desk.interview_steps import InterviewSteps
from cati.gui.desk.paradata_visits import VisitKeeper
from cati.gui.desk.question_screen import QuestionScreen
from cati.gui.desk.queue_screen import QueueChoice, QueueScreen
from cati.gui.desk.softphone_bridge import SoftphoneBridge
from cati.gui.desk.softphone_line import SoftphoneLine
from cati.gui.desk.style import DESK_STYLE
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named
from cati.interviews.rules import Form, Interview
from cati.interviews.rules.paradata import Arrival, Leave
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
        self.attempt_started: datetime | None = None
        self.phone_line = SoftphoneLine(self)  # the dialer setup, this desk's settings file, the softphone
        self.flow = CallFlow()
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
        self.paradata = VisitKeeper(self)
        self.interview = InterviewSteps(self)
        self.closing = CaseClosing(self)
        for w in (self.queue, self.case, self.question, self.picker):
            self.stack.addWidget(w)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.line_bar)
        lay.addWidget(self.stack)

        self.queue.next_requested.connect(self.next_case)
        self.case.dial_requested.connect(self.dial)
        self.case.hangup_requested.connect(self.phone_line.hang_up)
        self.case.start_requested.connect(self.interview.start)
        self.case.outcome.confirmed.connect(self.closing.outcome_chosen)
        self.question.confirmed.connect(self.interview.confirm)
        self.question.back_requested.connect(self.interview.back)
        self.question.stop_requested.connect(self.closing.stop_interview)
        self.question.language_requested.connect(self.interview.choose_language)
        self.question.language_chosen.connect(self.interview.switch_language)
        self.picker.confirmed.connect(self.closing.picked)
        self.picker.cancelled.connect(self.closing.pick_cancelled)
        self.lease_timer = QTimer(self)
        self.lease_timer.setInterval(LEASE_RENEW_MS)
        self.lease_timer.timeout.connect(self.renew_lease)

        self._add_choice(QueueChoice(None, "", None))
        self.show_screen(self.queue)
        self.queue.set_busy(True, self.tr("Looking for a case you were working on…"))
        calls, settings, actor = services.calls, services.settings, actor
        self.submit(lambda: (calls.held_case(actor), calls.my_appointments(actor), dialer_settings(settings),
                             calls.my_queues(actor)),
                    self._started)

    @property
    def softphone(self) -> SoftphoneBridge | None:
        """This desk's softphone (None when it dials otherwise, or before it starts)."""
        return self.phone_line.softphone

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
        self.phone_line.show_line()

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
        self.phone_line.set_setup(setup)
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
        self.submit(lambda: (calls.claim_next(actor, choice.provider_id, choice.queue), dialer_settings(settings)),
                    self._got_case)

    def _got_case(self, data: tuple[NextCase, DialerSetup]) -> None:
        found, setup = data
        self.phone_line.set_setup(setup)
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
        self.phone_line.call_number, self.phone_line.dial_pending = 0, False
        self._add_choice(QueueChoice(card.provider_id, card.provider_name, card.queue))
        self.case.outcome.set_outcomes(self.outcomes, self.flow.hidden_outcomes(COMPLETE, PARTIAL))
        self.case.show_card(card, banner)
        self.case.set_softphone(self.phone_line.setup.kind == "softphone")
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
        if self.phone_line.setup.kind == "softphone":
            self.phone_line.dial()
            return
        kind, template = self.phone_line.setup.kind, self.phone_line.setup.uri_template
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

    # -- paradata (the hooks a bench switches off) ---------------------------------------
    def _begin_visit(self, arrived: Arrival) -> None:
        """The question on screen is shown now (a visit starts)."""
        self.paradata.begin(arrived)

    def _end_visit(self, left: Leave) -> None:
        """The question on screen is left now: its visit waits for the next save."""
        self.paradata.end(left)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F3:  # hang up, from any screen
            self.phone_line.hang_up()
            event.accept()
            return
        super().keyPressEvent(event)

    def shutdown(self) -> None:
        """The desk closes (logging out, the app closing): the line hung up, the softphone stopped."""
        self.lease_timer.stop()
        self.phone_line.shutdown()
