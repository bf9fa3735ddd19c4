"""Report figures of one provider's period: table 1.1, keurmerk verdict with reasons, grade
spread (chart) and the actual promoter score; saved as txt/csv/xlsx/json on request."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cati.accounts.rules.roles import Actor
from cati.container import Services
from cati.gui.areas.supervision_progress import table_view, ui_lang
from cati.gui.charts import BarChart
from cati.gui.table_model import Column, RowTableModel
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named
from cati.supervision.io.report_files import write_report
from cati.supervision.rules.report_figures import RowKind, TableRow, Verdict, format_number
from cati.supervision.service.reports import PeriodChoice, ReportFigures


class ReportPage(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self.lang = ui_lang()
        self.figures: ReportFigures | None = None
        n = self._n
        self.table_model: RowTableModel[TableRow] = RowTableModel([
            Column(self.tr("Service"), self._label),
            Column(self.tr("Net sample"), lambda r: self._blank(r, r.net_sample), True),
            Column(self.tr("Completed"), lambda r: self._blank(r, r.completed), True),
            Column(self.tr("Response %"), lambda r: self._blank(r, n(r.response_pct)), True),
            Column(self.tr("Mean grade"), lambda r: self._blank(r, n(r.mean_grade)), True),
            Column(self.tr("Published"), lambda r: self._blank(r, self.tr("yes") if r.published else self.tr("no"))),
        ], self)
        self.period = named(QComboBox(), "reportPeriod")
        self.show_button = named(QPushButton(self.tr("Show")), "reportShow")
        self.save_format = named(QComboBox(), "reportFormat")
        for fmt in ("txt", "csv", "xlsx", "json"):
            self.save_format.addItem(fmt, fmt)
        self.save_button = named(QPushButton(self.tr("Save as…")), "reportSave")
        self.save_button.setEnabled(False)
        bar = QHBoxLayout()
        for w in (QLabel(self.tr("Provider and period")), self.period, self.show_button, self.save_format, self.save_button):
            bar.addWidget(w)
        bar.addStretch(1)

        self.table_view = table_view(self.table_model, "reportTable")
        self.note = named(QLabel(""), "reportNote")
        self.note.setWordWrap(True)
        self.verdict = named(QLabel(""), "keurmerkVerdict")
        self.reasons = named(QLabel(""), "keurmerkReasons")
        self.reasons.setWordWrap(True)
        self.promoter = named(QLabel(""), "promoterScore")
        self.promoter.setWordWrap(True)
        self.grades = named(BarChart(self.tr("Grades given (1-10)")), "gradeChart")
        self.message = named(QLabel(""), "reportMessage")

        table_box = QGroupBox(self.tr("Table 1.1: net sample and response"))
        tb = QVBoxLayout(table_box)
        tb.addWidget(self.table_view)
        tb.addWidget(self.note)
        side = QGroupBox(self.tr("Keurmerk and promoter score"))
        sb = QVBoxLayout(side)
        sb.addWidget(self.verdict)
        sb.addWidget(self.reasons)
        sb.addWidget(self.promoter)
        sb.addWidget(self.grades, 1)
        body = QHBoxLayout()
        body.addWidget(table_box, 5)
        body.addWidget(side, 3)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addLayout(body, 1)
        lay.addWidget(self.message)

        self.show_button.clicked.connect(self.show_figures)
        self.save_button.clicked.connect(self.choose_and_save)
        reports, act = services.reports, actor
        self.runner.submit(lambda: reports.periods(act), self._periods, self._error)

    def _n(self, value: object, places: int = 1) -> str:
        return format_number(value, self.lang, places)  # type: ignore[arg-type]

    def _label(self, row: TableRow) -> str:
        if row.kind is RowKind.SERVICE:
            return f"{row.service} {row.label}"
        if row.kind is RowKind.TOTAL:
            return self.tr("Total")
        return self.tr("Total commissioners (not phoned)")

    @staticmethod
    def _blank(row: TableRow, value: object) -> object:
        return "" if row.kind is RowKind.COMMISSIONERS else value

    def _periods(self, rows: list[PeriodChoice]) -> None:
        for p in rows:
            self.period.addItem(f"{p.provider}  {p.start:%d-%m-%Y} – {p.end:%d-%m-%Y}", p)
        if rows:
            self.show_figures()

    def show_figures(self) -> None:
        choice: PeriodChoice | None = self.period.currentData()
        if choice is None:
            return
        reports, actor = self.services.reports, self.actor
        self.runner.submit(lambda: reports.figures(actor, choice.provider_id, choice.spec), self._show, self._error)

    def _show(self, fig: ReportFigures) -> None:
        self.figures = fig
        self.message.setText("")
        self.table_model.set_rows([*fig.table.services, fig.table.total, fig.table.commissioners])
        # the figures always fit; the service name takes what is left (long names are elided)
        header = self.table_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.note.setText(
            self.tr("Net sample: the %1 clients of this period in cati minus %2 unreachable (final outcome 4.x, "
                    "except quota full). Completed: phone interviews only; answers by mail or post are not in cati.")
            .replace("%1", str(fig.clients)).replace("%2", str(fig.unreachable))
        )
        k = fig.keurmerk
        verdicts = {
            Verdict.PASSED: self.tr("Keurmerk norm met"),
            Verdict.PASSED_CORRECTED: self.tr("Keurmerk norm met after the correction for low grades"),
            Verdict.FAILED: self.tr("Keurmerk norm not met"),
            Verdict.NO_GRADES: self.tr("No grades yet"),
        }
        self.verdict.setText(f"<b>{verdicts[k.verdict]}</b>")
        self.reasons.setText("\n".join(k.reasons) + "\n" + self.tr("Mean %1, corrected for low grades %2")
                             .replace("%1", self._n(k.total.plain)).replace("%2", self._n(k.total.corrected)))
        rec = fig.recommendation
        self.promoter.setText(
            self.tr("Actual promoter score: %1 (recommended %2, advised against %3, neither %4)")
            .replace("%1", self._n(fig.promoter_score)).replace("%2", str(rec.recommended))
            .replace("%3", str(rec.advised_against)).replace("%4", str(rec.neither))
        )
        self.grades.set_data([(str(g), c) for g, c in fig.grades.items()])
        self.save_button.setEnabled(True)

    def _error(self, exc: BaseException) -> None:
        self.message.setText(str(exc))

    def choose_and_save(self) -> None:
        fmt = self.save_format.currentData()
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save report figures"), f"rapportcijfers.{fmt}",
                                              f"*.{fmt}")
        if name:
            self.save_to(Path(name), fmt)

    def save_to(self, path: Path, fmt: str) -> None:
        fig = self.figures
        if fig is None:
            return

        def done(_: object) -> None:
            self.message.setText(self.tr("Saved: %s") % path.name)

        self.runner.submit_long(lambda: write_report(fig, fmt, path), done, self._error)
