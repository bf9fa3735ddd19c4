"""Call order: the due cases in the order the next claims take them (``CallService.queue_order``, the
same SQL as the claim), for any interviewer or for one: what is at the top is what is offered next.

Refreshes itself every 30 seconds on the background runner, and on every change of a choice.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from cati.accounts.rules.roles import Actor
from cati.calls.service.calls import QueueOrderRow
from cati.container import Services
from cati.core.languages import name_nl
from cati.core.localtime import format_local
from cati.gui.areas.supervision_progress import table_view
from cati.gui.table_model import Column, RowTableModel
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named

REFRESH_MS = 30_000


class OrderPage(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self._busy = False
        self.queue_names = {"purchased": self.tr("Purchased"), "inburgering": self.tr("Inburgering")}
        self.model: RowTableModel[QueueOrderRow] = RowTableModel([
            Column("#", lambda r: r.position, True),
            Column(self.tr("Case"), lambda r: r.case_id, True),
            Column(self.tr("Provider"), lambda r: r.provider_name),
            Column(self.tr("Queue"), lambda r: self.queue_names.get(r.queue, r.queue)),
            Column(self.tr("Kind"), lambda r: r.tier),
            Column(self.tr("Attempts"), lambda r: r.attempts, True),
            Column(self.tr("Due since"), lambda r: format_local(r.due_since)),
            Column(self.tr("Last attempt"), lambda r: format_local(r.last_attempt_at)),
            Column(self.tr("Kept for"), lambda r: r.reserved_for or ""),
            Column(self.tr("Language"), lambda r: name_nl(r.language)),
        ], self)
        self.provider = named(QComboBox(), "orderProvider")
        self.provider.addItem(self.tr("All providers"), None)
        self.queue = named(QComboBox(), "orderQueue")
        self.queue.addItem(self.tr("Both queues"), None)
        self.queue.addItem(self.tr("Purchased"), "purchased")
        self.queue.addItem(self.tr("Inburgering"), "inburgering")
        self.interviewer = named(QComboBox(), "orderInterviewer")
        self.interviewer.addItem(self.tr("Any interviewer"), None)
        self.limit = named(QSpinBox(), "orderLimit")
        self.limit.setRange(1, 1000)
        self.limit.setValue(50)
        self.refresh_button = named(QPushButton(self.tr("Refresh")), "orderRefresh")
        self.message = named(QLabel(""), "orderMessage")
        self.message.setWordWrap(True)
        self.table = table_view(self.model, "orderTable")

        controls = QHBoxLayout()
        for w in (QLabel(self.tr("Provider")), self.provider, QLabel(self.tr("Queue")), self.queue,
                  QLabel(self.tr("For")), self.interviewer, QLabel(self.tr("At most")), self.limit,
                  self.refresh_button):
            controls.addWidget(w)
        controls.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(controls)
        lay.addWidget(named(QLabel(self.tr(
            "The cases that are due now, in the order the next claims take them: the first line is the next "
            "case offered. Appointments kept for the interviewer who made them are marked.")), "orderHelp"))
        lay.addWidget(self.table, 1)
        lay.addWidget(self.message)

        for box in (self.provider, self.queue, self.interviewer):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.limit.valueChanged.connect(lambda _v: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        progress, calls, act = services.progress, services.calls, actor
        self.runner.submit(lambda: (progress.providers(act), calls.interviewer_names(act)), self._choices,
                           self._error)

    def _choices(self, data: tuple[list[tuple[int, str]], list[str]]) -> None:
        providers, names = data
        for box, items in ((self.provider, providers), (self.interviewer, [(n, n) for n in names])):
            box.blockSignals(True)
            for key, text in items:
                box.addItem(text, key)
            box.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        calls, act = self.services.calls, self.actor
        provider, queue = self.provider.currentData(), self.queue.currentData()
        who, limit = self.interviewer.currentData(), self.limit.value()
        self.runner.submit(lambda: calls.queue_order(act, provider, queue, for_user=who, limit=limit), self._show,
                           self._error)

    def _show(self, rows: list[QueueOrderRow]) -> None:
        self._busy = False
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.message.setText(self.tr("Cases due now (shown): %s") % len(rows) if rows else self.tr(
            "No case is due now (outside the calling hours, or nothing to call)."))

    def _error(self, exc: BaseException) -> None:
        self._busy = False
        self.message.setText(str(exc))
