"""Finance area: billing statements per provider and period, closing, subsidy claim, reconciliation.

All database work goes through ``runner.submit``. Two small functions are attributes so tests (and
other front ends) can answer them: ``confirm(title, text) -> bool`` before closing a statement and
``choose_export_file(suggested_name) -> str | None`` for the export.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cati.accounts.rules.roles import Actor, Permission
from cati.billing.rules import ClaimItem, StatementLine
from cati.billing.service.billing import (
    NO_CAP,
    BillingError,
    BillingPeriod,
    BillingReport,
    CheckFinding,
    ClaimView,
    StatementView,
    overview_of,
)
from cati.container import Services
from cati.core.localtime import format_local, local_day
from cati.core.money import format_euro
from cati.gui.table_model import Column, RowTableModel
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named


def _is_dutch() -> bool:
    return QLocale().language() == QLocale.Language.Dutch


class FinanceArea(QWidget):
    def __init__(
        self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self.confirm: Callable[[str, str], bool] = self._ask
        self.choose_export_file: Callable[[str], str | None] = self._choose_file
        self.periods: list[BillingPeriod] = []
        self.draft: StatementView | None = None
        self.closed: list[StatementView] = []
        self.current: StatementView | None = None
        self.findings: list[CheckFinding] | None = None
        self.dutch = _is_dutch()

        # -- selection ---------------------------------------------------------------------
        self.period_box = named(QComboBox(), "financePeriod")
        self.period_box.setMinimumWidth(320)
        self.date_edit = named(QDateEdit(), "financeDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd-MM-yyyy")
        today = local_day(services.ctx.now())
        self.date_edit.setDate(QDate(today.year, today.month, today.day))
        self.statement_box = named(QComboBox(), "financeStatement")
        self.statement_box.setMinimumWidth(200)
        self.refresh_button = named(QPushButton(self.tr("Refresh")), "financeRefresh")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Provider and period")))
        top.addWidget(self.period_box, 2)
        top.addWidget(QLabel(self.tr("Statement date")))
        top.addWidget(self.date_edit)
        top.addWidget(QLabel(self.tr("Statement")))
        top.addWidget(self.statement_box, 1)
        top.addWidget(self.refresh_button)

        # -- the statement -----------------------------------------------------------------
        money = self.money
        self.title = named(QLabel(""), "pageTitle")
        self.terms_label = named(QLabel(""), "financeTerms")
        self.terms_label.setWordWrap(True)
        self.lines_model: RowTableModel[StatementLine] = RowTableModel(
            [
                Column(self.tr("Interview"), lambda ln: ln.key),
                Column(self.tr("Completed"), lambda ln: self.when(ln.completed_at)),
                Column(self.tr("Subsidised"), lambda ln: self.tr("yes") if ln.subsidised else self.tr("no")),
                Column(self.tr("Cost"), lambda ln: money(ln.cost), align_right=True),
                Column(self.tr("Provider share"), lambda ln: money(ln.provider_share), align_right=True),
                Column(self.tr("Subsidy"), lambda ln: money(ln.subsidy), align_right=True),
                Column(self.tr("Correction of"), lambda ln: ln.corrects or ""),
            ],
            self,
        )
        self.lines_view = _table(self.lines_model, "statementTable")
        self.totals_label = named(QLabel(""), "financeTotals")
        self.totals_label.setWordWrap(True)
        self.inburgering_label = named(QLabel(""), "financeInburgering")
        self.inburgering_label.setWordWrap(True)
        inb_box = QGroupBox(self.tr("Inburgering (not billed to the provider)"))
        QVBoxLayout(inb_box).addWidget(self.inburgering_label)

        self.close_button = named(QPushButton(self.tr("Close statement…")), "closeStatement")
        self.claim_button = named(QPushButton(self.tr("Subsidy claim")), "subsidyClaim")
        self.check_button = named(QPushButton(self.tr("Reconciliation check")), "reconcile")
        self.export_button = named(QPushButton(self.tr("Export…")), "exportStatement")
        self.close_button.setEnabled(actor.may(Permission.CLOSE_STATEMENT))
        buttons = QHBoxLayout()
        for b in (self.close_button, self.claim_button, self.check_button, self.export_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.message = named(QLabel(""), "financeMessage")
        self.message.setWordWrap(True)

        statement_box = QWidget()
        sl = QVBoxLayout(statement_box)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.title)
        sl.addWidget(self.terms_label)
        sl.addWidget(self.lines_view, 1)
        sl.addWidget(self.totals_label)
        sl.addWidget(inb_box)
        sl.addLayout(buttons)
        sl.addWidget(self.message)

        # -- results of the claim or the check ---------------------------------------------
        self.claim_model: RowTableModel[tuple[str, ClaimItem]] = RowTableModel(
            [
                Column(self.tr("Provider"), lambda r: r[0]),
                Column(self.tr("Statement"), lambda r: r[1].statement_number),
                Column(self.tr("Interview"), lambda r: r[1].key),
                Column(self.tr("Completed"), lambda r: self.when(r[1].completed_at)),
                Column(self.tr("Subsidy"), lambda r: money(r[1].subsidy), align_right=True),
                Column(self.tr("Correction"), lambda r: self.tr("yes") if r[1].is_correction else ""),
            ],
            self,
        )
        self.check_model: RowTableModel[CheckFinding] = RowTableModel(
            [
                Column(self.tr("Statement"), lambda f: f.statement_number),
                Column(self.tr("Provider"), lambda f: f.provider_name),
                Column(self.tr("Difference"), lambda f: f.kind),
                Column(self.tr("Interview"), lambda f: "" if f.interview_id is None else f.interview_id),
                Column(self.tr("Field"), lambda f: f.field),
                Column(self.tr("Stored"), lambda f: f.stored),
                Column(self.tr("Expected"), lambda f: f.expected),
            ],
            self,
        )
        self.result_box = QGroupBox(self.tr("Subsidy claim and reconciliation"))
        rl = QVBoxLayout(self.result_box)
        self.result_label = named(
            QLabel(self.tr("Choose Subsidy claim or Reconciliation check.")), "financeResult"
        )
        self.result_label.setWordWrap(True)
        self.result_view = _table(self.claim_model, "financeResultTable")
        rl.addWidget(self.result_label)
        rl.addWidget(self.result_view, 1)

        split = QSplitter()
        split.setOrientation(split.orientation().Vertical)
        split.addWidget(statement_box)
        split.addWidget(self.result_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(split, 1)

        self.period_box.currentIndexChanged.connect(lambda _i: self.load_statement())
        self.date_edit.dateChanged.connect(lambda _d: self.load_statement())
        self.statement_box.currentIndexChanged.connect(lambda _i: self._show_selected())
        self.refresh_button.clicked.connect(self.load_statement)
        self.close_button.clicked.connect(self.close_statement)
        self.claim_button.clicked.connect(self.show_claim)
        self.check_button.clicked.connect(self.run_check)
        self.export_button.clicked.connect(self.export)
        self.load_periods()

    # -- the two questions (replaceable) --------------------------------------------------
    def _ask(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def _choose_file(self, suggested: str) -> str | None:
        path, _filter = QFileDialog.getSaveFileName(
            self, self.tr("Export statement"), suggested, self.tr("Excel (*.xlsx);;CSV (*.csv)")
        )
        return path or None

    # -- formatting ------------------------------------------------------------------------
    def money(self, amount: Decimal) -> str:
        return format_euro(amount, self.dutch)

    def when(self, moment: datetime) -> str:
        return format_local(moment, "%d-%m-%Y %H:%M" if self.dutch else "%Y-%m-%d %H:%M")

    def day(self, d: date) -> str:
        return d.strftime("%d-%m-%Y") if self.dutch else d.isoformat()

    # -- loading ---------------------------------------------------------------------------
    def load_periods(self) -> None:
        billing, actor = self.services.billing, self.actor
        self.runner.submit(lambda: billing.periods(actor), self._show_periods, self._error)

    def _show_periods(self, periods: list[BillingPeriod]) -> None:
        self.periods = periods
        self.period_box.blockSignals(True)
        self.period_box.clear()
        for p in periods:
            self.period_box.addItem(
                f"{p.provider_name}  {self.day(p.period.start)} – {self.day(p.period.end)}"
            )
        # open on the first provider that bought phone interviews: that is what gets billed
        first = next((i for i, p in enumerate(periods) if p.phone_option), 0)
        if periods:
            self.period_box.setCurrentIndex(first)
        self.period_box.blockSignals(False)
        if not periods:
            self.title.setText(self.tr("No providers yet."))
            return
        self.load_statement()

    def selected_period(self) -> BillingPeriod | None:
        i = self.period_box.currentIndex()
        return self.periods[i] if 0 <= i < len(self.periods) else None

    def statement_date(self) -> date:
        q = self.date_edit.date()
        return date(q.year(), q.month(), q.day())

    def load_statement(self) -> None:
        sel = self.selected_period()
        if sel is None:
            return
        billing, actor, on = self.services.billing, self.actor, self.statement_date()

        def work() -> tuple[StatementView | None, list[StatementView]]:
            drafts = billing.statements(actor, sel.provider_id, sel.period_id, on)
            return (drafts[0] if drafts else None), billing.closed_statements(
                actor, sel.provider_id, sel.period_id
            )

        self.runner.submit(work, self._show_statements, self._error)

    def _show_statements(self, data: tuple[StatementView | None, list[StatementView]]) -> None:
        self.draft, self.closed = data
        keep = self.statement_box.currentIndex()
        self.statement_box.blockSignals(True)
        self.statement_box.clear()
        self.statement_box.addItem(self.tr("Draft (not closed)"))
        for v in self.closed:
            self.statement_box.addItem(self.tr("Statement %s") % v.number)
        self.statement_box.setCurrentIndex(keep if 0 <= keep < self.statement_box.count() else 0)
        self.statement_box.blockSignals(False)
        self._show_selected()

    def _show_selected(self) -> None:
        i = self.statement_box.currentIndex()
        view = self.draft if i <= 0 else self.closed[i - 1]
        self.current = view
        self.close_button.setEnabled(
            self.actor.may(Permission.CLOSE_STATEMENT)
            and i <= 0
            and view is not None
            and not view.statement.is_empty
        )
        if view is None:
            self.title.setText("")
            self.lines_model.set_rows([])
            return
        self.show_statement(view)

    def show_statement(self, view: StatementView) -> None:
        st = view.statement
        period = f"{self.day(st.period.start)} – {self.day(st.period.end)}"
        if view.number:
            closed_at = self.when(view.closed_at) if view.closed_at else ""
            self.title.setText(
                self.tr("Statement %1 — %2, period %3, dated %4 (closed %5 by %6)")
                .replace("%1", view.number)
                .replace("%2", view.provider_name)
                .replace("%3", period)
                .replace("%4", self.day(st.statement_date))
                .replace("%5", closed_at)
                .replace("%6", view.closed_by or "?")
            )
        else:
            self.title.setText(
                self.tr("Draft statement — %1, period %2, dated %3")
                .replace("%1", view.provider_name)
                .replace("%2", period)
                .replace("%3", self.day(st.statement_date))
            )
        t = st.terms
        self.terms_label.setText(
            self.tr("Tariff %1 per interview; the first %2 interviews of the period are subsidised %3%.")
            .replace("%1", self.money(st.tariff))
            .replace("%2", str(t.threshold))
            .replace("%3", f"{(t.subsidy_share * 100).normalize():f}")
        )
        self.lines_model.set_rows([*st.lines, *st.corrections])
        self.lines_view.resizeColumnsToContents()
        tot = st.totals
        self.totals_label.setText(
            self.tr("Total: %1 interviews (%2 subsidised, %3 corrections); cost %4, provider pays %5, subsidy %6.")
            .replace("%1", str(tot.subsidised_count + tot.full_count))
            .replace("%2", str(tot.subsidised_count))
            .replace("%3", str(len(st.corrections)))
            .replace("%4", self.money(tot.cost))
            .replace("%5", self.money(tot.provider_share))
            .replace("%6", self.money(tot.subsidy))
        )
        ib = st.inburgering
        cap = self.tr("no cap") if ib.cap >= NO_CAP else str(ib.cap)
        text = (
            self.tr("%1 completes on this statement; %2 in the period (cap %3); tariff %4, amount %5.")
            .replace("%1", str(ib.count))
            .replace("%2", str(ib.count_to_date))
            .replace("%3", cap)
            .replace("%4", self.money(ib.tariff))
            .replace("%5", self.money(ib.amount))
        )
        if ib.over_cap:
            text += " " + self.tr("Over the cap!")
        self.inburgering_label.setText(text)

    # -- actions ---------------------------------------------------------------------------
    def close_statement(self) -> None:
        view = self.current
        if view is None or view.is_closed or view.statement.is_empty:
            self.message.setText(self.tr("There is no draft statement to close."))
            return
        t = view.statement.totals
        question = (
            self.tr(
                "Close the statement of %1 dated %2? Cost %3, provider %4, subsidy %5. A closed statement never changes."
            )  # noqa: E501
            .replace("%1", view.provider_name)
            .replace("%2", self.day(view.statement.statement_date))
            .replace("%3", self.money(t.cost))
            .replace("%4", self.money(t.provider_share))
            .replace("%5", self.money(t.subsidy))
        )
        if not self.confirm(self.tr("Close statement"), question):
            return
        billing, actor, on = self.services.billing, self.actor, view.statement.statement_date
        pid, per = view.provider_id, view.period_id

        def done(closed: StatementView) -> None:
            self.message.setText(self.tr("Statement %s closed.") % closed.number)
            self.statement_box.setCurrentIndex(0)
            self.load_statement()

        self.runner.submit(lambda: billing.close(actor, pid, per, on), done, self._error)

    def show_claim(self) -> None:
        billing, actor = self.services.billing, self.actor
        self.runner.submit(lambda: billing.subsidy_claim(actor), self._show_claim, self._error)

    def _show_claim(self, view: ClaimView) -> None:
        rows = [(view.name(p.provider_id), it) for p in view.claim.providers for it in p.items]
        self.claim_model.set_rows(rows)
        self.result_view.setModel(self.claim_model)
        parts = [
            self.tr("%1: %2 interviews, %3")
            .replace("%1", view.name(p.provider_id))
            .replace("%2", str(p.count))
            .replace("%3", self.money(p.amount))
            for p in view.claim.providers
        ]
        self.result_label.setText(
            self.tr("Subsidy claim to Blik op Werk (closed statements): %1 interviews, %2.")
            .replace("%1", str(view.claim.count))
            .replace("%2", self.money(view.claim.amount))
            + ("\n" + "; ".join(parts) if parts else "")
        )
        self.result_view.resizeColumnsToContents()

    def run_check(self) -> None:
        billing, actor = self.services.billing, self.actor
        self.runner.submit(lambda: billing.check(actor), self._show_check, self._error)

    def _show_check(self, findings: list[CheckFinding]) -> None:
        self.findings = findings
        self.check_model.set_rows(findings)
        self.result_view.setModel(self.check_model)
        if findings:
            self.result_label.setText(
                self.tr("Reconciliation check: %s differences found in closed statements.") % len(findings)
            )
        else:
            self.result_label.setText(
                self.tr(
                    "Reconciliation check: no differences; every closed statement matches the interview records."
                )
            )
        self.result_view.resizeColumnsToContents()

    def export(self) -> None:
        view = self.current
        if view is None:
            self.message.setText(self.tr("There is no statement to export."))
            return
        name = f"{view.number or 'concept'} {view.provider_name}.xlsx".replace("/", "-")
        chosen = self.choose_export_file(name)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_suffix(".xlsx")
        billing, actor = self.services.billing, self.actor
        report = BillingReport((view,), overview_of([view]))
        self.runner.submit_long(
            lambda: billing.export(actor, report, path),
            lambda p: self.message.setText(self.tr("Exported to %s.") % p),
            self._error,
        )

    def _error(self, exc: BaseException) -> None:
        self.message.setText(str(exc) if isinstance(exc, BillingError) or str(exc) else repr(exc))


def _table(model: Any, name: str) -> QTableView:
    view = named(QTableView(), name)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


__all__: Sequence[str] = ["FinanceArea"]
