"""Export of completed interviews: choose providers, period and form, write CSV/XLSX/SAV/ZSAV with a
codebook. The export runs on the background runner with a progress bar and can be cancelled."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cati.accounts.rules.roles import Actor, Permission
from cati.container import Services
from cati.exports.io.table import ExportCancelled
from cati.exports.service.exports import ExportResult
from cati.gui.areas.supervision_progress import table_view
from cati.gui.table_model import Column, RowTableModel
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named
from cati.supervision.service.reports import PeriodChoice


class _Progress(QObject):
    """Carries the worker thread's progress to the GUI thread (a queued signal)."""

    changed = Signal(int, int)


class ExportPage(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self._cancel = threading.Event()
        self._signals = _Progress(self)
        self._signals.changed.connect(self._progress)
        self.result: ExportResult | None = None

        self.periods_model: RowTableModel[PeriodChoice] = RowTableModel([
            Column(self.tr("Provider"), lambda r: r.provider),
            Column(self.tr("Period"), lambda r: f"{r.start:%d-%m-%Y} – {r.end:%d-%m-%Y}"),
        ], self)
        self.periods_view = table_view(self.periods_model, "exportPeriods")
        self.periods_view.setSelectionMode(QTableView.SelectionMode.ExtendedSelection)

        self.form = named(QComboBox(), "exportForm")
        self.form.addItem(self.tr("Client questionnaire (regular and low-threshold)"), "client")
        self.form.addItem(self.tr("Inburgering questionnaire"), "inburgering")
        self.fmt = named(QComboBox(), "exportFormat")
        for label, value in (("CSV", "csv"), ("Excel (xlsx)", "xlsx"), ("SPSS (sav)", "sav"), ("SPSS (zsav)", "zsav")):
            self.fmt.addItem(label, value)
        self.excel = named(QCheckBox(self.tr("CSV for Dutch Excel (; and BOM)")), "exportExcel")
        self.paradata = named(QCheckBox(self.tr("With paradata (attempts, outcomes, interviewer, length)")),
                              "exportParadata")
        self.with_contact = named(QCheckBox(self.tr("With name, phone number and e-mail (logged)")), "exportContact")
        self.with_contact.setVisible(actor.may(Permission.EXPORT_CONTACT))
        self.raw_answers = named(QCheckBox(self.tr(
            "Open answers unmasked (phone numbers, e-mail and names as said; logged)")), "exportRawAnswers")
        self.raw_answers.setVisible(actor.may(Permission.EXPORT_CONTACT))
        self.path = named(QLineEdit(str(Path.home() / "cati-export.csv")), "exportPath")
        self.browse = named(QPushButton(self.tr("Choose…")), "exportBrowse")
        self.preview_label = named(QLabel(""), "exportPreview")
        self.start = named(QPushButton(self.tr("Export")), "exportStart")
        self.cancel = named(QPushButton(self.tr("Cancel")), "exportCancel")
        self.cancel.setEnabled(False)
        self.bar = named(QProgressBar(), "exportProgress")
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.message = named(QLabel(""), "exportMessage")
        self.message.setWordWrap(True)

        select_box = QGroupBox(self.tr("Which interviews (select one or more provider periods; none selected: all)"))
        sb = QVBoxLayout(select_box)
        sb.addWidget(self.periods_view)
        sb.addWidget(self.preview_label)
        options = QGroupBox(self.tr("File"))
        form = QFormLayout(options)
        form.addRow(self.tr("Questionnaire"), self.form)
        form.addRow(self.tr("Format"), self.fmt)
        form.addRow("", self.excel)
        form.addRow("", self.paradata)
        form.addRow("", self.with_contact)
        form.addRow("", self.raw_answers)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(self.browse)
        form.addRow(self.tr("Save as"), path_row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.start)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.bar, 1)
        form.addRow(buttons)
        form.addRow(self.message)
        note = QLabel(self.tr("One row per complete interview; a codebook goes with every file. Without contact data "
                         "the file holds no name, phone number or e-mail address."))
        note.setWordWrap(True)
        form.addRow(note)
        lay = QHBoxLayout(self)
        lay.addWidget(select_box, 3)
        lay.addWidget(options, 2)

        self.browse.clicked.connect(self.choose_file)
        self.start.clicked.connect(self.start_export)
        self.cancel.clicked.connect(self.cancel_export)
        self.fmt.currentIndexChanged.connect(self._format_changed)
        self.periods_view.selectionModel().selectionChanged.connect(lambda *_: self.update_preview())

        reports, act = services.reports, actor
        self.runner.submit(lambda: reports.periods(act), self._periods, self._error)

    # -- selection ------------------------------------------------------------------------
    def _periods(self, rows: list[PeriodChoice]) -> None:
        self.periods_model.set_rows(rows)
        self.periods_view.resizeColumnsToContents()
        self.update_preview()

    def selected(self) -> list[PeriodChoice]:
        rows = sorted({i.row() for i in self.periods_view.selectionModel().selectedRows()})
        return [self.periods_model.row(r) for r in rows]

    def update_preview(self) -> None:
        chosen = self.selected() or self.periods_model.rows()
        exports, actor = self.services.exports, self.actor

        ids = [p.period_id for p in chosen]

        def work() -> dict[str, int]:
            return exports.preview(actor, period_ids=ids).families if ids else {}

        self.runner.submit(work, self._show_preview, self._error)

    def _show_preview(self, families: dict[str, int]) -> None:
        self.preview_label.setText(
            self.tr("Complete interviews: %1 client questionnaire, %2 inburgering")
            .replace("%1", str(families.get("client", 0))).replace("%2", str(families.get("inburgering", 0)))
        )

    def _format_changed(self) -> None:
        fmt = self.fmt.currentData()
        self.excel.setEnabled(fmt == "csv")
        path = Path(self.path.text() or "cati-export")
        self.path.setText(str(path.with_suffix(f".{fmt}")))

    def choose_file(self) -> None:
        fmt = self.fmt.currentData()
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export to"), self.path.text(), f"*.{fmt}")
        if name:
            self.path.setText(name)

    # -- export ---------------------------------------------------------------------------
    def start_export(self) -> None:
        chosen = self.selected() or self.periods_model.rows()
        if not chosen:
            self.message.setText(self.tr("There is nothing to export."))
            return
        path = Path(self.path.text().strip())
        fmt, form = self.fmt.currentData(), self.form.currentData()
        excel, paradata = self.excel.isChecked() and fmt == "csv", self.paradata.isChecked()
        with_contact = self.with_contact.isChecked() and self.with_contact.isVisible()
        open_answers = "raw" if self.raw_answers.isChecked() and self.raw_answers.isVisible() else "masked"
        exports, actor = self.services.exports, self.actor
        self._cancel.clear()
        emit = self._signals.changed.emit
        ids = [p.period_id for p in chosen]

        def work() -> ExportResult:
            return exports.export(actor, path, period_ids=ids, form=form, fmt=fmt, with_contact=with_contact,
                                  open_answers=open_answers,
                                  paradata=paradata, excel=excel, progress=lambda d, t: emit(d, t),
                                  cancel=self._cancel.is_set)

        self.start.setEnabled(False)
        self.cancel.setEnabled(True)
        self.bar.setValue(0)
        self.message.setText(self.tr("Exporting…"))
        self.runner.submit_long(work, self._done, self._failed)

    def cancel_export(self) -> None:
        self._cancel.set()
        self.message.setText(self.tr("Cancelling…"))

    def _progress(self, done: int, total: int) -> None:
        self.bar.setValue(100 if total <= 0 else int(100 * done / total))

    def _finish(self) -> None:
        self.start.setEnabled(True)
        self.cancel.setEnabled(False)

    def _done(self, result: ExportResult) -> None:
        self._finish()
        self.result = result
        self.bar.setValue(100)
        files = ", ".join(p.name for p in result.files)
        self.message.setText(self.tr("%1 interviews exported: %2").replace("%1", str(result.rows))
                             .replace("%2", files))

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.bar.setValue(0)
        if isinstance(exc, ExportCancelled):
            self.message.setText(self.tr("Export cancelled; no file was written."))
        else:
            self.message.setText(str(exc))

    def _error(self, exc: BaseException) -> None:
        self.message.setText(str(exc))

