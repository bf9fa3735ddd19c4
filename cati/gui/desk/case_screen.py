"""The call screen: the case card, the number to dial (large), the dial and hang-up buttons, the line
(kiest, gaat over, verbonden 00:42, opgehangen) or the call timer, the start-interview action and the
outcome panel.

Keys: F2 dial · F3 hang up (softphone) · F4 start (or resume) the interview · number + Enter record
an outcome · Tab note.
"""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cati.calls.rules.calendar import CallingCalendar
from cati.calls.service.calls import AttemptInfo, CaseCard
from cati.gui.desk.outcome_panel import OutcomePanel
from cati.gui.desk.question_screen import key_button
from cati.gui.table_model import Column, RowTableModel
from cati.gui.widgets import named


def compact_table(model: RowTableModel, name: str) -> QTableView:  # type: ignore[type-arg]
    view = named(QTableView(), name)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab goes to the next list, not the next cell
    return view


class CaseScreen(QWidget):
    dial_requested = Signal()
    hangup_requested = Signal()
    start_requested = Signal()

    def __init__(self, calendar: CallingCalendar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = calendar
        self.card: CaseCard | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        self.banner = named(QLabel(""), "caseBanner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)
        outer.addWidget(self.banner)
        body = QHBoxLayout()
        outer.addLayout(body, 1)

        left = QVBoxLayout()
        body.addLayout(left, 3)
        self.client = named(QLabel(""), "clientName")
        self.details = named(QLabel(""), "caseDetails")
        self.details.setWordWrap(True)
        self.reason = named(QLabel(""), "caseReason")
        self.reason.setWordWrap(True)
        self.language = named(QLabel(""), "caseLanguage")
        left.addWidget(self.client)
        left.addWidget(self.language)
        left.addWidget(self.details)
        left.addWidget(self.reason)
        dial_box = named(QFrame(), "dialBox")
        db = QVBoxLayout(dial_box)
        self.number = named(QLabel(""), "dialNumber")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dial_hint = named(QLabel(""), "dialHint")
        self.dial_hint.setWordWrap(True)
        self.others = named(QLabel(""), "otherNumbers")
        self.others.setWordWrap(True)
        db.addWidget(self.number)
        db.addWidget(self.dial_hint)
        db.addWidget(self.others)
        left.addWidget(dial_box)
        self.appointment = named(QLabel(""), "caseAppointment")
        self.appointment.setWordWrap(True)
        left.addWidget(self.appointment)
        left.addWidget(named(QLabel(self.tr("Earlier attempts")), "sectionLabel"))
        self.attempts_model: RowTableModel[AttemptInfo] = RowTableModel([
            Column(self.tr("When"), lambda a: self.calendar.local(a.started_at).strftime("%d-%m %H:%M")),
            Column(self.tr("Who"), lambda a: a.username),
            Column(self.tr("Outcome"), lambda a: a.outcome_label),
            Column(self.tr("Number"), lambda a: a.number),
            Column(self.tr("Note"), lambda a: a.note),
        ], self)
        self.attempts = compact_table(self.attempts_model, "attemptsTable")
        self.attempts.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        left.addWidget(self.attempts, 3)
        self.no_attempts = named(QLabel(self.tr("Not called before.")), "noAttempts")
        left.addWidget(self.no_attempts)
        left.addStretch(1)

        right = QVBoxLayout()
        body.addLayout(right, 2)
        calls = QHBoxLayout()
        self.dial_button = key_button(self.tr("Dial  (F2)"), "dialButton")
        self.hangup_button = key_button(self.tr("Hang up  (F3)"), "hangupButton")
        self.hangup_button.setVisible(False)
        self.timer_label = named(QLabel(""), "callTimer")
        self.start_button = key_button(self.tr("Contact: start interview  (F4)"), "startInterview")
        calls.addWidget(self.dial_button)
        calls.addWidget(self.hangup_button)
        calls.addWidget(self.timer_label)
        calls.addStretch(1)
        right.addLayout(calls)
        self.line_state = named(QLabel(""), "lineState")
        self.line_state.setWordWrap(True)
        self.line_state.setVisible(False)
        right.addWidget(self.line_state)
        right.addWidget(self.start_button)
        self.outcome = OutcomePanel()
        right.addWidget(self.outcome, 1)
        self.dial_button.clicked.connect(self.dial_requested.emit)
        self.hangup_button.clicked.connect(self.hangup_requested.emit)
        self.start_button.clicked.connect(self.start_requested.emit)

        self.clock = QElapsedTimer()
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self._tick)

    # -- card -----------------------------------------------------------------------------
    def show_card(self, card: CaseCard, banner: str = "") -> None:
        self.card = card
        self.set_banner(banner)
        self.client.setText(card.client_name or card.client_number)
        variant = self.tr("low-threshold form") if card.form_id == "client_low_threshold" else (
            self.tr("inburgering form") if card.form_id == "inburgering" else self.tr("regular form"))
        service = f"{card.service} {card.service_name}".strip()
        self.details.setText(
            self.tr("%1 · service %2 · %3 · client %4 · attempt %5 of %6")
            .replace("%1", card.provider_name).replace("%2", service).replace("%3", variant)
            .replace("%4", card.client_number).replace("%5", str(card.attempt_count + 1))
            .replace("%6", str(card.max_attempts)))
        self.reason.setText(self.tr("Why now: %s") % card.reason.reason_nl)
        self.language.setText(self.tr("Language: %s") % card.language_text if card.language_text else "")
        self.language.setVisible(bool(card.language_text))
        if card.dial is not None:
            self.number.setText(card.dial.national)
            flag = self.tr(" (check this number before dialling)") if card.dial.flagged else ""
            self.dial_hint.setText(self.tr("Press F2 to dial.") + flag)
        else:
            self.number.setText("—")
            self.dial_hint.setText(self.tr("No number can be dialled now; record an outcome."))
        others = [n.national + f" ({n.attempts}×)" + ("" if n.callable else " ✕") for n in card.other_numbers]
        self.others.setText(self.tr("Other numbers: %s") % ", ".join(others) if others else "")
        self.others.setVisible(bool(others))
        if card.appointment is not None:
            a = card.appointment
            when = self.calendar.local(a.due_at).strftime("%d-%m-%Y %H:%M")
            text = self.tr("Appointment %1 made by %2").replace("%1", when).replace("%2", a.made_by_name or "?")
            self.appointment.setText(text + (f" — {a.note}" if a.note else ""))
        else:
            self.appointment.setText("")
        self.appointment.setVisible(card.appointment is not None)
        self.attempts_model.set_rows(list(reversed(card.attempts)))
        self.attempts.setVisible(bool(card.attempts))
        self.no_attempts.setVisible(not card.attempts)
        resume = card.interview_id is not None
        self.start_button.setText(self.tr("Contact: resume interview  (F4)") if resume
                                  else self.tr("Contact: start interview  (F4)"))
        self.stop_timer()
        self.timer_label.setText("")
        self.show_line("", "")
        self.outcome.reset()
        self.outcome.setFocus()

    def set_banner(self, text: str) -> None:
        self.banner.setText(text)
        self.banner.setVisible(bool(text))

    def show_dialled(self, display: str, handed_over: bool, uri: str | None) -> None:
        self.number.setText(display)
        if uri is None:
            self.dial_hint.setText(self.tr("Dial this number on your desk phone."))
        elif handed_over:
            self.dial_hint.setText(self.tr("Handed to your softphone: %s") % uri)
        else:
            self.dial_hint.setText(self.tr("The softphone did not take the number (%s); dial it by hand.") % uri)
        self.clock.start()
        self.ticker.start()
        self._tick()
        self.outcome.setFocus()

    def set_softphone(self, on: bool) -> None:
        """The softphone dials (a hang-up key, the line's state) or not (a call timer)."""
        self.hangup_button.setVisible(on)
        if on and self.card is not None and self.card.dial is not None:
            flag = self.tr(" (check this number before dialling)") if self.card.dial.flagged else ""
            self.dial_hint.setText(self.tr("Press F2: the softphone dials this number.") + flag)

    def show_line(self, text: str, state: str) -> None:
        """The line's state in words (``state``: dialling, ringing, connected, ended; styles it)."""
        self.line_state.setText(text)
        self.line_state.setProperty("line", state)
        self.line_state.style().unpolish(self.line_state)
        self.line_state.style().polish(self.line_state)
        self.line_state.setVisible(bool(text))

    # -- timer ----------------------------------------------------------------------------
    def _tick(self) -> None:
        seconds = self.clock.elapsed() // 1000 if self.clock.isValid() else 0
        self.timer_label.setText(f"{seconds // 60}:{seconds % 60:02d}")

    def stop_timer(self) -> None:
        self.ticker.stop()
        self.clock.invalidate()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_F2:
            self.dial_requested.emit()
        elif event.key() == Qt.Key.Key_F3:
            self.hangup_requested.emit()
        elif event.key() == Qt.Key.Key_F4:
            self.start_requested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()
