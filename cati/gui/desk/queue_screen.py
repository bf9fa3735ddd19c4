"""The queue screen: which queue to work ("all my queues" first), why there is no case now, the
interviewer's own appointments and today's tally. F5 or Enter takes the next case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from cati.calls.service.calls import AppointmentInfo
from cati.gui.desk.case_screen import compact_table
from cati.gui.desk.question_screen import key_button
from cati.gui.table_model import Column, RowTableModel
from cati.gui.widgets import named


@dataclass(frozen=True)
class QueueChoice:
    """A queue the interviewer may work: ``provider_id`` None = all providers, ``queue`` None = both."""

    provider_id: int | None
    provider_name: str
    queue: str | None
    calls_today: int = 0  # by this interviewer today
    completes_today: int = 0  # by this interviewer today
    open_cases: int = 0  # not final, in the queue
    queue_completes_today: int = 0  # by anyone
    cap: int | None = None

    @property
    def key(self) -> tuple[int | None, str | None]:
        return (self.provider_id, self.queue)


class QueueScreen(QWidget):
    next_requested = Signal(object)  # QueueChoice

    def __init__(self, when_text: Callable[[AppointmentInfo], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        outer.addWidget(named(QLabel(self.tr("Your queues")), "pageTitle"))
        self.queues_model: RowTableModel[QueueChoice] = RowTableModel([
            Column(self.tr("Queue"), lambda r: self.queue_text(r)),
            Column(self.tr("Provider"), lambda r: r.provider_name),
            Column(self.tr("Open cases"), lambda r: r.open_cases, align_right=True),
            Column(self.tr("Completes today"), lambda r: r.queue_completes_today, align_right=True),
            Column(self.tr("Mine: calls"), lambda r: r.calls_today, align_right=True),
            Column(self.tr("Mine: completes"), lambda r: r.completes_today, align_right=True),
        ], self)
        self.queues = compact_table(self.queues_model, "queuesTable")
        body = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.queues, 1)
        body.addLayout(left, 5)
        right = QVBoxLayout()
        right.addWidget(named(QLabel(self.tr("My upcoming appointments")), "sectionLabel"))
        self.mine_model: RowTableModel[AppointmentInfo] = RowTableModel([
            Column(self.tr("When"), when_text),
            Column(self.tr("Client"), lambda a: a.client_name),
            Column(self.tr("Provider"), lambda a: a.provider_name),
        ], self)
        self.mine = compact_table(self.mine_model, "queueAppointments")
        self.mine.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        right.addWidget(self.mine, 1)
        body.addLayout(right, 2)
        outer.addLayout(body, 1)
        self.message = named(QLabel(""), "queueMessage")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        row = QHBoxLayout()
        self.tally = named(QLabel(""), "queueTally")
        row.addWidget(self.tally, 1)
        self.next_button = key_button(self.tr("Next case  (F5 or Enter)"), "nextCase")
        row.addWidget(self.next_button)
        outer.addLayout(row)
        self.next_button.clicked.connect(self.request_next)
        self.busy = False

    def queue_text(self, r: QueueChoice) -> str:
        if r.provider_id is None and r.queue is None:
            return self.tr("All my queues")
        return {"purchased": self.tr("Clients (purchased)"), "inburgering": self.tr("Inburgering"),
                "backcheck": self.tr("Back-checks")}.get(
            r.queue or "", self.tr("All queues"))

    def set_queues(self, rows: list[QueueChoice], keep: tuple[int | None, str | None] | None) -> None:
        self.queues_model.set_rows(rows)
        at = next((i for i, r in enumerate(rows) if r.key == keep), 0)
        if rows:
            self.queues.setCurrentIndex(self.queues_model.index(at, 0))
        calls = rows[0].calls_today if rows else 0
        done = rows[0].completes_today if rows else 0
        self.tally.setText(self.tr("Today you made %1 calls and %2 completes.").replace("%1", str(calls))
                           .replace("%2", str(done)))

    def chosen(self) -> QueueChoice | None:
        index = self.queues.currentIndex()
        return self.queues_model.row(index.row()) if index.isValid() else None

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.next_button.setEnabled(not busy)
        if text:
            self.message.setText(text)

    def request_next(self) -> None:
        choice = self.chosen()
        if choice is not None and not self.busy:
            self.next_requested.emit(choice)

    def focus(self) -> None:
        self.queues.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_F5, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.request_next()
            event.accept()
            return
        super().keyPressEvent(event)
