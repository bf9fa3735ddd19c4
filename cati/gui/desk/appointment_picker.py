"""The appointment picker: a calling day, then an exact time (APPOINTMENT) or a day part (CALLBACK,
stopping an interview), only inside the calling windows; the interviewer's own upcoming
appointments beside it.

Keys: ↑↓ choose · Tab to the next list or the note · F6 exact time ⇄ day part (when allowed) ·
Enter confirm · Esc cancel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from cati.calls.rules.calendar import CallingCalendar
from cati.calls.rules.scheduling_state import Appointment as AppointmentRequest
from cati.calls.service.calls import AppointmentInfo
from cati.gui.desk.case_screen import compact_table
from cati.gui.desk.question_screen import key_button
from cati.gui.table_model import Column, RowTableModel
from cati.gui.widgets import named

DAYS_AHEAD = 21
SLOT_MINUTES = 15
LEAD_MINUTES = 5  # an exact appointment is at least this far ahead


@dataclass(frozen=True)
class DayRow:
    day: date
    label: str


@dataclass(frozen=True)
class SlotRow:
    label: str
    at: datetime | None = None  # exact time (UTC)
    part: str | None = None  # day part


def calling_days(calendar: CallingCalendar, now: datetime, days: int = DAYS_AHEAD) -> list[date]:
    """Local dates from today on that still have calling time left."""
    today = calendar.local(now).date()
    out = []
    for offset in range(days):
        day = today + timedelta(days=offset)
        if any(end > now for _s, end in calendar.intervals_on(day)):
            out.append(day)
    return out


def exact_slots(calendar: CallingCalendar, day: date, now: datetime) -> list[datetime]:
    earliest = now + timedelta(minutes=LEAD_MINUTES)
    out = []
    for start, end in calendar.intervals_on(day):
        t = start
        while t < end:
            if t >= earliest:
                out.append(t)
            t += timedelta(minutes=SLOT_MINUTES)
    return out


def day_parts(calendar: CallingCalendar, day: date, now: datetime) -> list[str]:
    return [p for p in calendar.day_part_names() if any(end > now for _s, end in calendar.intervals_on(day, p))]


class AppointmentScreen(QWidget):
    confirmed = Signal(object, str)  # AppointmentRequest, note
    cancelled = Signal()

    def __init__(self, calendar: CallingCalendar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calendar = calendar
        self.exact = True
        self.may_switch = False
        self.now = datetime.now().astimezone()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        self.title = named(QLabel(""), "pickerTitle")
        self.title.setWordWrap(True)
        outer.addWidget(self.title)
        self.help = named(QLabel(""), "pickerHelp")
        self.help.setWordWrap(True)
        outer.addWidget(self.help)
        body = QHBoxLayout()
        outer.addLayout(body, 1)
        self.days_model: RowTableModel[DayRow] = RowTableModel([Column(self.tr("Day"), lambda r: r.label)], self)
        self.slots_model: RowTableModel[SlotRow] = RowTableModel([Column(self.tr("Time"), lambda r: r.label)], self)
        self.mine_model: RowTableModel[AppointmentInfo] = RowTableModel([
            Column(self.tr("When"), lambda a: self.when_text(a)),
            Column(self.tr("Client"), lambda a: a.client_name),
            Column(self.tr("Provider"), lambda a: a.provider_name),
        ], self)
        self.days = compact_table(self.days_model, "pickerDays")
        self.slots = compact_table(self.slots_model, "pickerSlots")
        self.mine = compact_table(self.mine_model, "myAppointments")
        self.mine.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.days.horizontalHeader().setVisible(False)
        self.slots.horizontalHeader().setVisible(False)
        self.slots_label = named(QLabel(""), "sectionLabel")
        for label, view, stretch in ((QLabel(self.tr("Day")), self.days, 2), (self.slots_label, self.slots, 2),
                                     (QLabel(self.tr("My upcoming appointments")), self.mine, 3)):
            col = QVBoxLayout()
            col.addWidget(named(label, "sectionLabel"))
            col.addWidget(view, 1)
            body.addLayout(col, stretch)
        self.note = named(QLineEdit(), "pickerNote")
        self.note.setPlaceholderText(self.tr("Note (e.g. ask for the respondent by first name)"))
        outer.addWidget(self.note)
        self.message = named(QLabel(""), "pickerMessage")
        outer.addWidget(self.message)
        keys = QHBoxLayout()
        self.cancel_button = key_button(self.tr("Cancel  (Esc)"), "pickerCancel")
        self.switch_button = key_button(self.tr("Exact time ⇄ day part  (F6)"), "pickerSwitch")
        self.ok_button = key_button(self.tr("Confirm  (Enter)"), "pickerConfirm")
        keys.addWidget(self.cancel_button)
        keys.addWidget(self.switch_button)
        keys.addStretch(1)
        keys.addWidget(self.ok_button)
        outer.addLayout(keys)
        self.cancel_button.clicked.connect(self.cancelled.emit)
        self.ok_button.clicked.connect(self.submit)
        self.switch_button.clicked.connect(self.switch)
        self.days.selectionModel().currentRowChanged.connect(lambda *_: self._fill_slots())
        self.setTabOrder(self.days, self.slots)
        self.setTabOrder(self.slots, self.note)

    # -- opening --------------------------------------------------------------------------
    def open(self, title: str, now: datetime, exact: bool, may_switch: bool = False) -> None:
        self.title.setText(title)
        self.now, self.exact, self.may_switch = now, exact, may_switch
        self.switch_button.setVisible(may_switch)
        self.note.clear()
        self.message.setText("")
        self.days_model.set_rows([DayRow(d, self.day_text(d)) for d in calling_days(self.calendar, now)])
        if self.days_model.rowCount():
            self.days.setCurrentIndex(self.days_model.index(0, 0))
        self._fill_slots()
        self.days.setFocus()

    def set_mine(self, rows: list[AppointmentInfo]) -> None:
        self.mine_model.set_rows(rows)

    def switch(self) -> None:
        if self.may_switch:
            self.exact = not self.exact
            self._fill_slots()

    def _fill_slots(self) -> None:
        self.help.setText(self.tr("↑↓ choose · Tab next list · Enter confirm · Esc cancel")
                          + (self.tr(" · F6 exact time or day part") if self.may_switch else ""))
        self.slots_label.setText(self.tr("Time") if self.exact else self.tr("Day part"))
        index = self.days.currentIndex()
        if not index.isValid():
            self.slots_model.set_rows([])
            return
        day = self.days_model.row(index.row()).day
        if self.exact:
            rows = [SlotRow(self.calendar.local(t).strftime("%H:%M"), at=t)
                    for t in exact_slots(self.calendar, day, self.now)]
        else:
            rows = [SlotRow(f"{self.part_text(p)}  ({self.calendar.day_part_range(p)})", part=p)
                    for p in day_parts(self.calendar, day, self.now)]
        self.slots_model.set_rows(rows)
        if rows:
            self.slots.setCurrentIndex(self.slots_model.index(0, 0))

    # -- texts ----------------------------------------------------------------------------
    def day_text(self, day: date) -> str:
        names = (self.tr("Mon"), self.tr("Tue"), self.tr("Wed"), self.tr("Thu"), self.tr("Fri"), self.tr("Sat"),
                 self.tr("Sun"))
        today = self.calendar.local(self.now).date()
        extra = self.tr(" (today)") if day == today else self.tr(" (tomorrow)") if day == today + timedelta(days=1) else ""
        return f"{names[day.weekday()]} {day:%d-%m}{extra}"

    def part_text(self, part: str) -> str:
        return {"morning": self.tr("morning"), "afternoon": self.tr("afternoon"),
                "evening": self.tr("evening")}.get(part, part)

    def when_text(self, a: AppointmentInfo) -> str:
        local = self.calendar.local(a.due_at)
        if a.kind == "daypart" and a.day_part:
            return f"{local:%d-%m} {self.part_text(a.day_part)}"
        return f"{local:%d-%m %H:%M}"

    # -- result ---------------------------------------------------------------------------
    def request(self) -> AppointmentRequest | None:
        day_index, slot_index = self.days.currentIndex(), self.slots.currentIndex()
        if not day_index.isValid() or not slot_index.isValid():
            return None
        day = self.days_model.row(day_index.row()).day
        slot = self.slots_model.row(slot_index.row())
        if slot.at is not None:
            return AppointmentRequest.exact(slot.at)
        assert slot.part is not None
        return AppointmentRequest.daypart(day, slot.part)

    def submit(self) -> None:
        request = self.request()
        if request is None:
            self.message.setText(self.tr("Choose a day and a time first."))
            return
        self.confirmed.emit(request, self.note.text().strip())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif key == Qt.Key.Key_Escape:
            self.cancelled.emit()
        elif key == Qt.Key.Key_F6:
            self.switch()
        else:
            super().keyPressEvent(event)
            return
        event.accept()
