"""Providers and client files: the providers table, adding a provider or period, importing a file.

The import runs on the runner's worker thread. Progress comes back through ``_ProgressBridge`` (a QObject
living in the GUI thread; a signal emitted from the worker is queued to it). Cancel sets a
``threading.Event`` the import checks; a cancelled import stores nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QObject, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cati.accounts.rules.roles import Actor, Permission
from cati.container import Services
from cati.core.money import format_euro
from cati.gui.table_model import Column, RowTableModel
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named
from cati.sample.io.client_file import ClientFileError
from cati.sample.service.imports import (
    AccountingError,
    ImportBusy,
    ImportCancelled,
    ImportFailed,
    ImportSummary,
    RejectedRow,
    WarningRow,
)
from cati.sample.service.providers import ProviderAdded, ProviderError, ProviderRow


class _ProgressBridge(QObject):
    progress = Signal(str, int, int)  # stage, done, total


class ProvidersPage(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self.choose_file: Callable[[], str | None] = self._ask_file  # tests replace this
        self.last_summary: ImportSummary | None = None
        self._cancel: threading.Event | None = None
        self._bridge = _ProgressBridge(self)
        self._bridge.progress.connect(self._on_progress)

        self.providers_model: RowTableModel[ProviderRow] = RowTableModel([
            Column(self.tr("Provider"), lambda r: r.name),
            Column(self.tr("Phone option"), lambda r: self.tr("yes") if r.phone_option else self.tr("no")),
            Column(self.tr("Tariff"), lambda r: format_euro(r.tariff), align_right=True),
            Column(self.tr("Measurement periods"), lambda r: ", ".join(_period_text(p.start, p.end) for p in r.periods)),
            Column(self.tr("Clients"), lambda r: r.clients, align_right=True),
            Column(self.tr("Purchased cases"), lambda r: r.cases.get("purchased", 0), align_right=True),
            Column(self.tr("Inburgering cases"), lambda r: r.cases.get("inburgering", 0), align_right=True),
        ], self)
        self.rejects_model: RowTableModel[RejectedRow] = RowTableModel([
            Column(self.tr("Line"), lambda r: r.line, align_right=True),
            Column(self.tr("Client number"), lambda r: r.client_number),
            Column(self.tr("Reasons"), lambda r: (self.tr("duplicate: ") if r.duplicate else "") + "; ".join(r.reasons)),
        ], self)
        self.warnings_model: RowTableModel[WarningRow] = RowTableModel([
            Column(self.tr("Line"), lambda r: r.line, align_right=True),
            Column(self.tr("Warning"), lambda r: r.message),
        ], self)
        self.providers_view = _table(self.providers_model, "providersTable")
        self.rejects_view = _table(self.rejects_model, "rejectsTable")
        self.warnings_view = _table(self.warnings_model, "warningsTable")

        # -- add a provider -------------------------------------------------------------------
        add_box = QGroupBox(self.tr("Add provider or measurement period"))
        form = QFormLayout(add_box)
        self.new_name = named(QLineEdit(), "providerName")
        year = date.today().year
        self.new_start = named(QDateEdit(QDate(year, 1, 1)), "periodStart")
        self.new_end = named(QDateEdit(QDate(year, 12, 31)), "periodEnd")
        for edit in (self.new_start, self.new_end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d-M-yyyy")
        self.new_phone = named(QCheckBox(self.tr("Bought the telephone option")), "phoneOption")
        self.new_tariff = named(QLineEdit(), "tariff")
        self.new_tariff.setPlaceholderText(self.tr("e.g. 42,50"))
        self.add_button = named(QPushButton(self.tr("Add")), "addProvider")
        self.add_message = named(QLabel(""), "providerMessage")
        self.add_message.setWordWrap(True)
        form.addRow(self.tr("Name"), self.new_name)
        form.addRow(self.tr("Period start"), self.new_start)
        form.addRow(self.tr("Period end"), self.new_end)
        form.addRow("", self.new_phone)
        form.addRow(self.tr("Tariff per purchased interview (€)"), self.new_tariff)
        form.addRow(self.add_button)
        form.addRow(self.add_message)
        add_box.setEnabled(actor.may(Permission.MANAGE_PROVIDERS))

        # -- import -----------------------------------------------------------------------------
        import_box = QGroupBox(self.tr("Client file"))
        ib = QVBoxLayout(import_box)
        row = QHBoxLayout()
        self.period_combo = named(QComboBox(), "importPeriod")
        self.import_button = named(QPushButton(self.tr("Import client file…")), "importFile")
        self.cancel_button = named(QPushButton(self.tr("Cancel")), "cancelImport")
        self.cancel_button.setEnabled(False)
        row.addWidget(QLabel(self.tr("Measurement period")))
        row.addWidget(self.period_combo, 1)
        row.addWidget(self.import_button)
        row.addWidget(self.cancel_button)
        ib.addLayout(row)
        self.progress_bar = named(QProgressBar(), "importProgress")
        self.progress_bar.setVisible(False)
        ib.addWidget(self.progress_bar)
        self.summary_label = named(QLabel(self.tr("Select a provider, then import its client file.")), "importSummary")
        self.summary_label.setWordWrap(True)
        ib.addWidget(self.summary_label)
        tables = QHBoxLayout()
        rej = QVBoxLayout()
        rej.addWidget(QLabel(self.tr("Rejected rows and duplicates")))
        rej.addWidget(self.rejects_view)
        warn = QVBoxLayout()
        warn.addWidget(QLabel(self.tr("Warnings (repairs and doubts)")))
        warn.addWidget(self.warnings_view)
        tables.addLayout(rej, 1)
        tables.addLayout(warn, 1)
        ib.addLayout(tables, 1)
        self.import_button.setEnabled(False)
        self._may_import = actor.may(Permission.IMPORT_CLIENTS)

        top = QWidget()
        tl = QHBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.providers_view, 3)
        tl.addWidget(add_box, 2)
        split = QSplitter()
        split.setOrientation(split.orientation().Vertical)
        split.addWidget(top)
        split.addWidget(import_box)
        lay = QVBoxLayout(self)
        lay.addWidget(split)

        self.add_button.clicked.connect(self.add_provider)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button.clicked.connect(self.cancel_import)
        self.providers_view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.refresh()

    # -- providers ----------------------------------------------------------------------------
    def refresh(self) -> None:
        providers, actor = self.services.providers, self.actor
        self.runner.submit(lambda: providers.list_providers(actor), self._show, self._error)

    def _show(self, rows: list[ProviderRow]) -> None:
        selected = self.selected_provider()
        self.providers_model.set_rows(rows)
        self.providers_view.resizeColumnsToContents()
        if selected is not None:
            for n, r in enumerate(rows):
                if r.id == selected.id:
                    self.providers_view.selectRow(n)
        self._selection_changed()

    def _error(self, exc: BaseException) -> None:
        self.add_message.setText(str(exc))

    def selected_provider(self) -> ProviderRow | None:
        sel = self.providers_view.selectionModel().selectedRows()
        return self.providers_model.row(sel[0].row()) if sel else None

    def select_provider(self, name: str) -> None:
        for n, r in enumerate(self.providers_model.rows()):
            if r.name == name:
                self.providers_view.selectRow(n)
                return

    def _selection_changed(self, *_: object) -> None:
        provider = self.selected_provider()
        self.period_combo.clear()
        if provider is not None:
            for p in sorted(provider.periods, key=lambda p: (p.start, p.id), reverse=True):
                self.period_combo.addItem(_period_text(p.start, p.end), (p.start, p.end))
        busy = self._cancel is not None
        self.import_button.setEnabled(self._may_import and provider is not None and bool(provider.periods) and not busy)

    def add_provider(self) -> None:
        name = self.new_name.text()
        start, end = self.new_start.date().toPython(), self.new_end.date().toPython()
        phone = self.new_phone.isChecked()
        tariff = self.new_tariff.text().strip() or None
        providers, actor = self.services.providers, self.actor
        assert isinstance(start, date) and isinstance(end, date)
        self.runner.submit(
            lambda: providers.add_provider(actor, name, start, end, phone_option=phone, tariff=tariff),
            self._added, self._add_failed)

    def _added(self, result: ProviderAdded) -> None:
        if result.created:
            self.add_message.setText(self.tr("Provider %s added.") % result.provider.name)
        else:
            self.add_message.setText(self.tr("Provider %s updated.") % result.provider.name)
        self.new_name.clear()
        self.new_tariff.clear()
        self.new_phone.setChecked(False)
        self.refresh()

    def _add_failed(self, exc: BaseException) -> None:
        self.add_message.setText(str(exc) if isinstance(exc, ProviderError) else repr(exc))

    # -- import -------------------------------------------------------------------------------
    def _ask_file(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import client file"), "", self.tr("Client files (*.csv *.txt *.xlsx);;All files (*)"))
        return path or None

    def start_import(self) -> None:
        provider = self.selected_provider()
        if provider is None or self._cancel is not None:
            return
        path = self.choose_file()
        if not path:
            return
        period = self.period_combo.currentData()
        cancel = threading.Event()
        self._cancel = cancel
        bridge, imports, actor = self._bridge, self.services.imports, self.actor

        def work() -> ImportSummary:
            return imports.import_file(actor, provider.id, Path(path), period=period,
                                       progress=lambda stage, done, total: bridge.progress.emit(stage, done, total),
                                       cancel=cancel)

        self.import_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress_bar.setRange(0, 0)
        self.progress_bar.setVisible(True)
        self.summary_label.setText(self.tr("Reading %s…") % Path(path).name)
        self.rejects_model.set_rows([])
        self.warnings_model.set_rows([])
        self.runner.submit_long(work, self._imported, self._import_failed)

    def cancel_import(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.summary_label.setText(self.tr("Cancelling…"))

    @Slot(str, int, int)
    def _on_progress(self, stage: str, done: int, total: int) -> None:
        if self._cancel is None or self._cancel.is_set():
            return
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(min(done, total))
        if stage == "read":
            self.progress_bar.setFormat(self.tr("Reading: %v of %m rows"))
        else:
            self.progress_bar.setFormat(self.tr("Saving: %v of %m clients"))

    def _finish(self) -> None:
        self._cancel = None
        self.cancel_button.setEnabled(False)
        self.progress_bar.setVisible(False)
        self._selection_changed()

    def _imported(self, summary: ImportSummary) -> None:
        self._finish()
        self.last_summary = summary
        self.rejects_model.set_rows(summary.rejected_rows)
        self.warnings_model.set_rows(summary.warning_rows)
        self.rejects_view.resizeColumnsToContents()
        self.warnings_view.resizeColumnsToContents()
        lines = [
            self.tr("%1: %2 rows read into %3.").replace("%1", summary.filename)
            .replace("%2", str(summary.rows_read)).replace("%3", f"{summary.provider}, "
                                                                 f"{_period_text(summary.period_start, summary.period_end)}"),
            self.tr("Accepted %1 (purchased queue %2, inburgering queue %3, not phoned: mail/post %4, do-not-call %5); rejected %6; duplicates %7; warnings %8.")
            .replace("%1", str(summary.accepted)).replace("%2", str(summary.cases["purchased"]))
            .replace("%3", str(summary.cases["inburgering"])).replace("%4", str(summary.mail_post))
            .replace("%5", str(summary.do_not_call)).replace("%6", str(summary.rejected))
            .replace("%7", str(summary.duplicates)).replace("%8", str(summary.warnings)),
            self.tr("Every line accounted for: %1 lines with data = %2 to phone + %3 not phoned (mail/post) + %4 rejected + %5 duplicates; %6 empty lines skipped.")
            .replace("%1", str(summary.lines)).replace("%2", str(summary.accounting.phoned))
            .replace("%3", str(summary.mail_post)).replace("%4", str(summary.rejected))
            .replace("%5", str(summary.duplicates)).replace("%6", str(summary.empty_lines)),
            *summary.file_notes,
        ]
        if summary.imported_before is not None:
            lines.append(self.tr("This file was imported before; no client was added twice."))
        if summary.rejects_file:
            lines.append(self.tr("Rejected rows saved to %s.") % summary.rejects_file)
        if summary.rejects_error:
            lines.append(summary.rejects_error)
        self.summary_label.setText("\n".join(lines))
        self.refresh()

    def _import_failed(self, exc: BaseException) -> None:
        self._finish()
        if isinstance(exc, ImportCancelled):
            self.summary_label.setText(self.tr("Import cancelled; nothing was changed."))
        elif isinstance(exc, ClientFileError):
            self.summary_label.setText(self.tr("The file was not imported, nothing was changed: %s") % exc)
        elif isinstance(exc, ImportFailed | ImportBusy | AccountingError):
            self.summary_label.setText(str(exc))
        else:
            from cati.platform.failures import classify

            failure = classify(exc) if isinstance(exc, Exception) else None
            shown = failure.message if failure is not None else f"{type(exc).__name__}: {exc}"
            self.summary_label.setText(self.tr("The import failed, nothing was changed: %s") % shown)


def _period_text(start: date, end: date) -> str:
    return f"{start.day}-{start.month}-{start.year} – {end.day}-{end.month}-{end.year}"


def _table(model: QObject, name: str) -> QTableView:
    view = named(QTableView(), name)
    view.setModel(model)  # type: ignore[arg-type]
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view
