"""Quality: the flagged interviews (filter by provider, interviewer, flag), one interview read-only
with every answer, its time on screen and its changes, and the decision (accept, void, back-check);
the interviewers against their colleagues, with the charts of interview length and seconds per
question (the colleagues' band behind the bars).

Everything goes through ``QualityService`` on the background runner (it checks the roles); a decision
refreshes the list. ``confirm(title, text) -> bool`` is asked before a void (an attribute, so tests and
other front ends can answer it).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cati.accounts.rules.roles import Actor, Permission
from cati.container import Services
from cati.core.localtime import format_local
from cati.gui.areas.supervision_progress import table_view, ui_lang
from cati.gui.charts import BandChart
from cati.gui.table_model import Column, RowTableModel
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named
from cati.supervision.rules.quality_charts import bin_label
from cati.supervision.rules.quality_flags import Flag, FlagCode
from cati.supervision.rules.quality_text import duration_text
from cati.supervision.rules.report_figures import format_number
from cati.supervision.service.quality_results import (
    AnswerLine,
    InterviewerStanding,
    ReviewDecision,
    ReviewedInterview,
    ReviewItem,
    ReviewList,
)


def _p(value: float | None) -> str:
    return "" if value is None else f"{round(value * 100)}%"


class QualityPage(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self.confirm: Callable[[str, str], bool] = self._ask
        self.lang = ui_lang()
        self.listed: ReviewList | None = None
        self.shown: ReviewedInterview | None = None
        self._busy = False
        self._again = False  # the filters changed while a list was being read: read it again
        self.flag_names = {
            FlagCode.TOO_FAST: self.tr("Read too fast"),
            FlagCode.STRAIGHT_LINING: self.tr("The same answer on every row of grids"),
            FlagCode.SHORT: self.tr("Short for its route"),
            FlagCode.DONT_KNOW: self.tr("Many don't know / won't say"),
            FlagCode.CHANGED_AFTER_END: self.tr("Answers changed after the end"),
            FlagCode.OUTSIDE_HOURS: self.tr("Outside calling hours"),
            FlagCode.OTHER_CASE: self.tr("During another case"),
        }
        self.statuses = {"open": self.tr("to review"), "backcheck_pending": self.tr("back-check in the queue"),
                         "backcheck_done": self.tr("back-check done"), "accepted": self.tr("accepted"),
                         "unflagged": self.tr("no flag")}
        self.decisions = {"accept": self.tr("accepted"), "void": self.tr("voided"),
                          "backcheck": self.tr("back-check put in the queue")}

        # -- the list
        self.items_model: RowTableModel[ReviewItem] = RowTableModel([
            Column(self.tr("Interview"), lambda r: r.interview_id, True),
            Column(self.tr("Provider"), lambda r: r.provider),
            Column(self.tr("Interviewer"), self._who),
            Column(self.tr("Completed at"), lambda r: format_local(r.completed_at)),
            Column(self.tr("Length"), lambda r: duration_text(r.length_seconds), True),
            Column(self.tr("Status"), lambda r: self.statuses.get(r.status, r.status)),
            Column(self.tr("Flags"), lambda r: ", ".join(self._flag_name(f) for f in r.flags)),
        ], self)
        self.provider = named(QComboBox(), "qualityProvider")
        self.provider.addItem(self.tr("All providers"), None)
        self.interviewer = named(QComboBox(), "qualityInterviewer")
        self.interviewer.addItem(self.tr("All interviewers"), None)
        self.flag = named(QComboBox(), "qualityFlag")
        self.flag.addItem(self.tr("All flags"), None)
        for code in FlagCode:
            self.flag.addItem(self.flag_names[code], code.value)
        self.decided = named(QCheckBox(self.tr("Accepted ones too")), "qualityDecided")
        self.refresh_button = named(QPushButton(self.tr("Refresh")), "qualityRefresh")
        self.summary = named(QLabel(""), "qualitySummary")
        bar = QHBoxLayout()
        for w in (QLabel(self.tr("Provider")), self.provider, QLabel(self.tr("Interviewer")), self.interviewer,
                  QLabel(self.tr("Flag")), self.flag, self.decided, self.refresh_button):
            bar.addWidget(w)
        bar.addStretch(1)
        self.items = table_view(self.items_model, "qualityItems")

        # -- one interview
        self.answers_model: RowTableModel[AnswerLine] = RowTableModel([
            Column(self.tr("Question"), lambda r: r.variable),
            Column(self.tr("Text"), lambda r: r.text),
            Column(self.tr("Answer"), lambda r: r.answer),
            Column(self.tr("Seconds on screen"), lambda r: self._n(r.seconds), True),
            Column(self.tr("Visits"), lambda r: r.visits or "", True),
            Column(self.tr("Corrections"), lambda r: r.corrections or "", True),
            Column(self.tr("Changes"), lambda r: ("⚠ " if r.after_end else "") + "; ".join(r.changes)),
        ], self)
        self.heading = named(QLabel(self.tr("Choose an interview in the list.")), "qualityHeading")
        self.heading.setWordWrap(True)
        self.flags_text = named(QLabel(""), "qualityFlagsText")
        self.flags_text.setWordWrap(True)
        self.flags_text.setTextFormat(Qt.TextFormat.PlainText)
        self.history = named(QLabel(""), "qualityHistory")
        self.history.setWordWrap(True)
        self.answers = table_view(self.answers_model, "qualityAnswers")
        self.note = named(QLineEdit(), "qualityNote")
        self.note.setPlaceholderText(self.tr("Note with the decision (needed to accept or void)"))
        self.accept_button = named(QPushButton(self.tr("Accept")), "qualityAccept")
        self.void_button = named(QPushButton(self.tr("Void")), "qualityVoid")
        self.backcheck_button = named(QPushButton(self.tr("Back-check")), "qualityBackcheck")
        self.void_button.setVisible(actor.may(Permission.VOID_INTERVIEW))
        self.backcheck_button.setToolTip(self.tr("A short verification call, put in the queue for an interviewer "
                                                 "other than the one who did the interview"))
        self.message = named(QLabel(""), "qualityMessage")
        self.message.setWordWrap(True)
        decide = QHBoxLayout()
        decide.addWidget(self.note, 1)
        for b in (self.accept_button, self.void_button, self.backcheck_button):
            decide.addWidget(b)
        self.heading.setStyleSheet("font-weight: bold")
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 6, 0)
        ll.addWidget(self.heading)
        flags_box = QGroupBox(self.tr("Flags"))
        fb = QVBoxLayout(flags_box)
        fb.addWidget(self.flags_text)
        ll.addWidget(flags_box)
        history_box = QGroupBox(self.tr("Review"))
        hb = QVBoxLayout(history_box)
        hb.addWidget(self.history)
        ll.addWidget(history_box)
        ll.addStretch(1)
        info = named(QScrollArea(), "qualityInfo")  # long reasons scroll; the answers keep their room
        info.setWidget(left)
        info.setWidgetResizable(True)
        info.setFrameShape(QFrame.Shape.NoFrame)
        info.setMinimumWidth(300)
        detail_split = QSplitter()
        detail_split.addWidget(info)
        detail_split.addWidget(self.answers)
        detail_split.setStretchFactor(1, 2)
        detail_split.setSizes([460, 880])
        detail = QWidget()
        dl = QVBoxLayout(detail)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(detail_split, 1)
        dl.addLayout(decide)
        dl.addWidget(self.message)
        interviews = QSplitter()
        interviews.setOrientation(Qt.Orientation.Vertical)
        interviews.addWidget(self.items)
        interviews.addWidget(detail)
        interviews.setStretchFactor(1, 3)
        interviews.setSizes([230, 420])

        # -- interviewers
        self.standing_model: RowTableModel[InterviewerStanding] = RowTableModel([
            Column(self.tr("Interviewer"), lambda r: r.interviewer),
            Column(self.tr("Form"), lambda r: r.form_id),
            Column(self.tr("Interviews"), lambda r: r.figures.interviews, True),
            Column(self.tr("Length (min)"), lambda r: self._n(r.figures.minutes), True),
            Column(self.tr("With a flag"), lambda r: _p(r.figures.flag_rate), True),
            Column(self.tr("Don't know"), lambda r: _p(r.figures.dont_know_rate), True),
            Column(self.tr("Mean grade"), lambda r: self._n(r.figures.mean_grade), True),
            Column(self.tr("Contact per attempt"), lambda r: _p(r.figures.contact_rate), True),
            Column(self.tr("Refusals per contact"), lambda r: _p(r.figures.refusal_rate), True),
            Column(self.tr("Far from the colleagues"), lambda r: "; ".join(s.text for s in r.far)),
        ], self)
        self.standing = table_view(self.standing_model, "qualityStanding")
        self.length_chart = named(BandChart(self.tr("Interview length (minutes)"),
                                            (self.tr("this interviewer"), self.tr("colleagues (lowest to highest)"))),
                                  "qualityLengthChart")
        self.seconds_chart = named(BandChart(self.tr("Seconds per question"),
                                             (self.tr("this interviewer"), self.tr("colleagues (lowest to highest)"))),
                                   "qualitySecondsChart")
        self.chart_title = named(QLabel(self.tr("Choose an interviewer in the table.")), "qualityChartTitle")
        self.far_text = named(QLabel(""), "qualityFarText")  # what stands far, in words, beside the charts
        self.far_text.setWordWrap(True)
        self.far_text.setTextFormat(Qt.TextFormat.PlainText)
        charts = QWidget()
        cl = QVBoxLayout(charts)
        cl.addWidget(self.chart_title)
        cl.addWidget(self.far_text)
        row = QHBoxLayout()
        row.addWidget(self.length_chart)
        row.addWidget(self.seconds_chart)
        cl.addLayout(row, 1)
        people = QSplitter()
        people.setOrientation(Qt.Orientation.Vertical)
        people.addWidget(self.standing)
        people.addWidget(charts)
        people.setStretchFactor(1, 2)
        people.setSizes([220, 430])

        self.tabs = named(QTabWidget(), "qualityTabs")
        self.tabs.addTab(interviews, self.tr("Interviews with a flag"))
        self.tabs.addTab(people, self.tr("Interviewers"))
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.summary)
        lay.addWidget(self.tabs, 1)

        self.refresh_button.clicked.connect(self.refresh)
        for box in (self.provider, self.interviewer, self.flag):
            box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.decided.toggled.connect(lambda _on: self.refresh())
        self.items.selectionModel().selectionChanged.connect(self._item_chosen)
        self.standing.selectionModel().selectionChanged.connect(self._interviewer_chosen)
        self.accept_button.clicked.connect(lambda: self.decide("accept"))
        self.void_button.clicked.connect(lambda: self.decide("void"))
        self.backcheck_button.clicked.connect(lambda: self.decide("backcheck"))
        self._set_buttons(False)
        progress, act = services.progress, actor
        self.runner.submit(lambda: progress.providers(act), self._providers, self._error)
        self.refresh()

    # -- helpers --------------------------------------------------------------------------
    def _ask(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def _n(self, value: float | None) -> str:
        return "" if value is None else format_number(Decimal(repr(value)), self.lang)

    def _flag_name(self, flag: Flag) -> str:
        return self.flag_names.get(flag.code, flag.label)

    def _who(self, item: ReviewItem) -> str:
        others = [n for n in item.flagged_by if n != item.interviewer]
        return item.interviewer + (" " + self.tr("(flag: %s)") % ", ".join(others) if others else "")

    def _providers(self, rows: list[tuple[int, str]]) -> None:
        self.provider.blockSignals(True)
        for pid, name in rows:
            self.provider.addItem(name, pid)
        self.provider.blockSignals(False)

    def _error(self, exc: BaseException) -> None:
        self._busy = self._again = False
        self.message.setText(str(exc))

    def _set_buttons(self, on: bool) -> None:
        for b in (self.accept_button, self.void_button, self.backcheck_button):
            b.setEnabled(on)

    # -- the list -------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._busy:
            self._again = True
            return
        self._busy = True
        quality, act = self.services.quality, self.actor
        provider, who, flag = self.provider.currentData(), self.interviewer.currentData(), self.flag.currentData()
        decided = self.decided.isChecked()
        self.runner.submit(lambda: quality.review_list(act, provider, interviewer=who, flag=flag, decided=decided),
                           self._listed, self._error)

    def _listed(self, listed: ReviewList) -> None:
        self._busy = False
        if self._again:  # read with filters that changed meanwhile
            self._again = False
            self.refresh()
            return
        self.listed = listed
        keep = self.shown.item.interview_id if self.shown is not None else None
        self.items_model.set_rows(listed.items)
        self.items.resizeColumnsToContents()
        self.standing_model.set_rows(listed.standing)
        self.standing.resizeColumnsToContents()
        self.summary.setText(self.tr("%1 complete interviews, %2 with a flag; %3 to review here")
                             .replace("%1", str(listed.interviews)).replace("%2", str(listed.flagged))
                             .replace("%3", str(len(listed.items))))
        names = sorted({st.interviewer for st in listed.standing})
        current = self.interviewer.currentData()
        self.interviewer.blockSignals(True)
        for name in names:
            if self.interviewer.findData(name) < 0:
                self.interviewer.addItem(name, name)
        self.interviewer.setCurrentIndex(max(0, self.interviewer.findData(current)))
        self.interviewer.blockSignals(False)
        rows = [i for i, it in enumerate(listed.items) if it.interview_id == keep]
        if rows:
            self.items.selectRow(rows[0])

    # -- one interview --------------------------------------------------------------------
    def _item_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.items.selectionModel().selectedRows()
        if not rows:
            return
        self.open_interview(self.items_model.row(rows[0].row()).interview_id)

    def open_interview(self, interview_id: int) -> None:
        quality, act = self.services.quality, self.actor
        self.runner.submit(lambda: quality.interview(act, interview_id), self._show, self._error)

    def _show(self, shown: ReviewedInterview) -> None:
        if self.shown is None or self.shown.item.interview_id != shown.item.interview_id:
            self.message.setText("")  # another interview: the last decision's message goes
        self.shown = shown
        it = shown.item
        self.heading.setText(self.tr("Interview %1 (%2), %3, interviewer %4, completed %5, length %6: %7")
                             .replace("%1", str(it.interview_id)).replace("%2", shown.form_title)
                             .replace("%3", it.provider).replace("%4", self._who(it))
                             .replace("%5", format_local(it.completed_at)).replace("%6", duration_text(it.length_seconds))
                             .replace("%7", self.statuses.get(it.status, it.status)))
        self.flags_text.setText("\n\n".join(f"{self._flag_name(f)}: {f.reason}" for f in it.flags)
                                or self.tr("No flags."))
        self.history.setText("\n".join(self._decision_text(d) for d in shown.history) or self.tr("No decision yet."))
        self.answers_model.set_rows(shown.lines)
        self.answers.resizeColumnsToContents()
        for column, widest in ((0, 170), (1, 230), (2, 190)):  # the times stay in view
            self.answers.setColumnWidth(column, min(self.answers.columnWidth(column), widest))
        self._set_buttons(True)

    def _decision_text(self, d: ReviewDecision) -> str:
        text = f"{format_local(d.decided_at)} {d.decided_by}: {self.decisions.get(d.decision, d.decision)}"
        if d.note:
            text += f" — {d.note}"
        if d.backcheck is not None:
            text += "\n    " + self.tr("Back-check (case %1): %2").replace("%1", str(d.backcheck.case_id)) \
                .replace("%2", d.backcheck.summary)
        return text

    def decide(self, decision: str) -> None:
        if self.shown is None:
            return
        quality, act, iid, note = self.services.quality, self.actor, self.shown.item.interview_id, self.note.text()
        call = {"accept": quality.accept, "void": quality.void, "backcheck": quality.backcheck}[decision]
        if decision == "void" and note.strip() and not self.confirm(
                self.tr("Void interview"),
                self.tr("Void interview %1? It is not billed; a closed statement that held it gets a correction.")
                .replace("%1", str(iid))):
            return
        self._set_buttons(False)
        self.runner.submit(lambda: call(act, iid, note), self._decided, self._decision_failed)

    def _decided(self, d: ReviewDecision) -> None:
        self.note.clear()
        self.message.setText(self.tr("Decided: %s.") % self.decisions.get(d.decision, d.decision))
        if d.decision == "void":  # a voided interview leaves the review
            self._clear()
        elif self.shown is not None:
            self.open_interview(self.shown.item.interview_id)
        self.refresh()

    def _clear(self) -> None:
        self.shown = None
        self.heading.setText(self.tr("Choose an interview in the list."))
        self.flags_text.setText("")
        self.history.setText("")
        self.answers_model.set_rows([])
        self._set_buttons(False)

    def _decision_failed(self, exc: BaseException) -> None:
        self._set_buttons(self.shown is not None)
        self.message.setText(str(exc))

    # -- interviewers ---------------------------------------------------------------------
    def _interviewer_chosen(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.standing.selectionModel().selectedRows()
        if rows and self.listed is not None:
            self.show_interviewer(self.standing_model.row(rows[0].row()))

    def show_interviewer(self, st: InterviewerStanding) -> None:
        assert self.listed is not None
        self.chart_title.setText(self.tr("%1 on %2: %3 interviews").replace("%1", st.interviewer)
                                 .replace("%2", st.form_id).replace("%3", str(st.figures.interviews)))
        self.far_text.setText("\n".join(f"⚠ {x.text}" for x in st.far) or self.tr("Nowhere far from the colleagues."))
        bins = self.listed.length_bins
        self.length_chart.set_data([bin_label(bins, i) for i in range(len(bins))], st.length_shares, st.length_band)
        bins = self.listed.seconds_bins
        self.seconds_chart.set_data([bin_label(bins, i) for i in range(len(bins))], st.seconds_shares,
                                    st.seconds_band)
