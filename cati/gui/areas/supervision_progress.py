"""Progress: per provider and queue (with the AAPOR rates), per interviewer, per language, and two charts.

The page refreshes itself every 30 seconds on the background runner (never on the GUI thread);
a refresh that is still running is not started twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, QLocale, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cati.accounts.rules.roles import Actor, Permission
from cati.container import Services
from cati.core.localtime import format_local, local_day
from cati.gui.charts import BarChart
from cati.gui.table_model import Column, RowTableModel
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named
from cati.supervision.rules.report_figures import format_number
from cati.supervision.service.progress_figures import (
    RATE_NAMES,
    InterviewerStats,
    LanguageProgress,
    ProgressSnapshot,
    QueueProgress,
)

REFRESH_MS = 30_000


def ui_lang() -> str:
    return "nl" if QLocale().language() == QLocale.Language.Dutch else "en"


def _group_value(group: str) -> Callable[[QueueProgress], int]:
    return lambda r: r.groups[group]


def table_view(model: RowTableModel[Any], name: str) -> QTableView:
    view = named(QTableView(), name)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class ProgressPage(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self.lang = ui_lang()
        self._busy = False
        self.snapshot: ProgressSnapshot | None = None
        n = self._n

        self.queues_model: RowTableModel[QueueProgress] = RowTableModel([
            Column(self.tr("Provider"), lambda r: r.provider),
            Column(self.tr("Queue"), lambda r: self._queue_name(r.queue)),
            Column(self.tr("Sample"), lambda r: r.sample, True),
            Column(self.tr("Net sample"), lambda r: r.net_sample, True),
            Column(self.tr("Never called"), lambda r: r.never_called, True),
            Column(self.tr("Called, still open"), lambda r: r.called_open, True),
            Column(self.tr("Held now"), lambda r: r.held_now, True),
            Column(self.tr("Appointments today"), lambda r: r.appointments_today, True),
            Column(self.tr("Final"), lambda r: r.final, True),
            Column(self.tr("Completes"), lambda r: r.cap_text, True),
            *(Column(g, _group_value(g), True) for g in ("I", "P", "R", "NC", "O", "UH", "UO", "NE")),
            Column(self.tr("Dials (softphone)"), lambda r: r.line.dials, True),
            Column(self.tr("Answered %"), lambda r: n(r.line.answered_pct), True),
            Column(self.tr("Talk time (h:mm)"), lambda r: r.line.talk_text, True),
        ], self)
        self.rates_model: RowTableModel[QueueProgress] = RowTableModel([
            Column(self.tr("Provider"), lambda r: r.provider),
            Column(self.tr("Queue"), lambda r: self._queue_name(r.queue)),
            Column("e", lambda r: f"{format_number(r.e_value, self.lang, 3)} ({self._e_source(r.e_source)})", True),
            *(Column(k.upper(), self._rate_value(k), True) for k in RATE_NAMES),
        ], self)
        self.interviewers_model: RowTableModel[InterviewerStats] = RowTableModel([
            Column(self.tr("Interviewer"), lambda r: r.display_name or r.username),
            Column(self.tr("Hours logged in"), lambda r: n(r.hours, 2), True),
            Column(self.tr("Calls"), lambda r: r.calls, True),
            Column(self.tr("Contacts"), lambda r: r.contacts, True),
            Column(self.tr("Completes"), lambda r: r.completes, True),
            Column(self.tr("Completes per hour"), lambda r: n(r.completes_per_hour, 2), True),
            Column(self.tr("Mean interview length (min)"), lambda r: n(r.mean_interview_minutes), True),
            Column(self.tr("Dials (softphone)"), lambda r: r.line.dials, True),
            Column(self.tr("Answered %"), lambda r: n(r.line.answered_pct), True),
            Column(self.tr("Talk time (h:mm)"), lambda r: r.line.talk_text, True),
        ], self)

        self.languages_model: RowTableModel[LanguageProgress] = RowTableModel([
            Column(self.tr("Language"), lambda r: f"{r.name} ({r.language})"),
            Column(self.tr("Open cases"), lambda r: r.open, True),
            Column(self.tr("Waiting for a speaker"), lambda r: r.waiting, True),
            Column(self.tr("Completes"), lambda r: r.completes, True),
        ], self)

        # -- controls
        self.provider = named(QComboBox(), "progressProvider")
        self.provider.addItem(self.tr("All providers"), None)
        today = self._today_date()
        self.first = named(QDateEdit(today), "progressFrom")
        self.last = named(QDateEdit(today), "progressTo")
        for d in (self.first, self.last):
            d.setCalendarPopup(True)
            d.setDisplayFormat("dd-MM-yyyy")
        self.today_button = named(QPushButton(self.tr("Today")), "progressToday")
        self.e_from_data = named(QCheckBox(self.tr("Standard e")), "eFromData")
        self.e_from_data.setChecked(True)
        self.e_spin = named(QDoubleSpinBox(), "eValue")
        self.e_spin.setRange(0.0, 1.0)
        self.e_spin.setDecimals(3)
        self.e_spin.setSingleStep(0.05)
        self.e_spin.setValue(1.0)
        self.e_spin.setEnabled(False)
        self.save_e = named(QPushButton(self.tr("Save e as setting")), "saveE")
        self.save_e.setVisible(actor.may(Permission.CHANGE_SETTINGS))
        self.refresh_button = named(QPushButton(self.tr("Refresh")), "refreshProgress")
        self.updated = named(QLabel(""), "progressUpdated")
        bar = QHBoxLayout()
        for w in (QLabel(self.tr("Provider")), self.provider, QLabel(self.tr("Interviewers from")), self.first,
                  QLabel(self.tr("to")), self.last, self.today_button, self.e_from_data, QLabel("e"), self.e_spin,
                  self.save_e, self.refresh_button):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.updated)

        self.queues_view = table_view(self.queues_model, "queuesTable")
        self.rates_view = table_view(self.rates_model, "ratesTable")
        self.interviewers_view = table_view(self.interviewers_model, "interviewersTable")
        self.languages_view = table_view(self.languages_model, "languagesTable")
        self.languages_view.setToolTip(self.tr("Waiting for a speaker: open cases in a language that no "
                                               "interviewer who logged in today speaks."))
        self.per_day = named(BarChart(self.tr("Completes per day")), "completesChart")
        self.mix = named(BarChart(self.tr("Outcome mix (call attempts)"), vertical=False), "outcomeChart")

        queues_box = QGroupBox(self.tr("Per provider and queue"))
        qb = QVBoxLayout(queues_box)
        qb.addWidget(self.queues_view, 3)
        qb.addWidget(QLabel(self.tr("AAPOR rates (%) over the final cases")))
        qb.addWidget(self.rates_view, 2)
        people_box = QGroupBox(self.tr("Per interviewer"))
        pb = QVBoxLayout(people_box)
        pb.addWidget(self.interviewers_view)
        charts = QWidget()
        cl = QHBoxLayout(charts)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.per_day)
        cl.addWidget(self.mix)
        languages_box = QGroupBox(self.tr("Per language"))
        lb = QVBoxLayout(languages_box)
        lb.addWidget(self.languages_view)
        lower = QSplitter()
        lower.addWidget(people_box)
        lower.addWidget(languages_box)
        lower.addWidget(charts)
        split = QSplitter()
        split.setOrientation(split.orientation().Vertical)
        split.addWidget(queues_box)
        split.addWidget(lower)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(split, 1)

        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._tick)
        self.refresh_button.clicked.connect(self.refresh)
        self.today_button.clicked.connect(self._today)
        self.e_from_data.toggled.connect(lambda on: self.e_spin.setEnabled(not on))
        self.save_e.clicked.connect(self.save_eligibility)
        self.provider.currentIndexChanged.connect(lambda _i: self.refresh())

        progress, act = services.progress, actor
        self.runner.submit(lambda: progress.providers(act), self._providers, self._error)
        self.refresh()
        self.timer.start()

    # -- helpers -------------------------------------------------------------------------
    def _rate_value(self, name: str) -> Callable[[QueueProgress], str]:
        return lambda r: self._n(r.percentages()[name])

    def _n(self, value: Decimal | None, places: int = 1) -> str:
        return format_number(value, self.lang, places)

    def _queue_name(self, queue: str) -> str:
        return {"purchased": self.tr("purchased"), "inburgering": self.tr("inburgering"),
                "backcheck": self.tr("back-checks")}.get(queue, queue)

    def _e_source(self, source: str) -> str:
        return {"override": self.tr("chosen here"), "setting": self.tr("setting"),
                "data": self.tr("from the data")}.get(source, source)

    def _today_date(self) -> QDate:
        day = local_day(self.services.ctx.now())
        return QDate(day.year, day.month, day.day)

    def _today(self) -> None:
        self.first.setDate(self._today_date())
        self.last.setDate(self._today_date())
        self.refresh()

    def _providers(self, rows: list[tuple[int, str]]) -> None:
        self.provider.blockSignals(True)
        for pid, name in rows:
            self.provider.addItem(name, pid)
        self.provider.blockSignals(False)

    def _error(self, exc: BaseException) -> None:
        self._busy = False
        self.updated.setText(self.tr("Error: %s") % exc)

    def current_e(self) -> Decimal | None:
        return None if self.e_from_data.isChecked() else Decimal(str(round(self.e_spin.value(), 3)))

    # -- work ----------------------------------------------------------------------------
    def _tick(self) -> None:
        """The 30-second refresh; a page nobody can see (another tab) does not query."""
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        self._busy = True
        first: date = self.first.date().toPython()  # type: ignore[assignment]
        last: date = self.last.date().toPython()  # type: ignore[assignment]
        if last < first:
            first, last = last, first
        provider = self.provider.currentData()
        e = self.current_e()
        progress, actor = self.services.progress, self.actor
        self.runner.submit(lambda: progress.snapshot(actor, first, last, provider, e=e), self._show, self._error)

    def _show(self, snap: ProgressSnapshot) -> None:
        self._busy = False
        self.snapshot = snap
        self.queues_model.set_rows(snap.queues)
        self.rates_model.set_rows(snap.queues)
        self.interviewers_model.set_rows(snap.interviewers)
        self.languages_model.set_rows(snap.languages)
        self.per_day.set_data([(d.strftime("%d-%m"), n) for d, n in snap.completes_per_day])
        self.mix.set_data([(o.label, o.count) for o in snap.outcome_mix])
        if self.e_from_data.isChecked() and snap.e_setting is not None:
            self.e_spin.setValue(float(snap.e_setting))
        self.queues_view.resizeColumnsToContents()
        self.rates_view.resizeColumnsToContents()
        self.interviewers_view.resizeColumnsToContents()
        self.languages_view.resizeColumnsToContents()
        stamp = format_local(snap.at, "%H:%M:%S")
        self.updated.setText(self.tr("Updated %s (today is %s)") % (stamp, local_day(snap.at).strftime("%d-%m-%Y")))

    def save_eligibility(self) -> None:
        e = self.current_e()
        progress, actor = self.services.progress, self.actor

        def done(_: object) -> None:
            self.refresh()

        self.runner.submit(lambda: progress.set_eligibility(actor, e), done, self._error)
