"""Admin: the settings in force, their history, and a dated change."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cati.accounts.rules.roles import Actor
from cati.accounts.service.settings import SettingValue, defaults
from cati.container import Services
from cati.gui.table_model import Column, RowTableModel
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named


def show_value(value: object) -> str:
    return "—" if value is None else str(value)


class SettingsBox(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self.model: RowTableModel[SettingValue] = RowTableModel([
            Column(self.tr("Setting"), lambda r: r.key),
            Column(self.tr("Value"), lambda r: show_value(r.value)),
            Column(self.tr("Valid from"), lambda r: r.valid_from.strftime("%d-%m-%Y") if r.valid_from else self.tr("default")),
        ], self)
        self.view = named(QTableView(), "settingsTable")
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)

        self.key = named(QComboBox(), "settingKey")
        self.key.addItems(sorted(defaults()))
        self.value = named(QLineEdit(), "settingValue")
        self.value.setPlaceholderText(self.tr("e.g. 25, 0.50 or tel:{number}; empty = none"))
        today = services.ctx.now().date()
        self.valid_from = named(QDateEdit(QDate(today.year, today.month, today.day)), "settingValidFrom")
        self.valid_from.setCalendarPopup(True)
        self.valid_from.setDisplayFormat("dd-MM-yyyy")
        self.save = named(QPushButton(self.tr("Save change")), "saveSetting")
        self.message = named(QLabel(""), "settingMessage")
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("Setting"), self.key)
        form.addRow(self.tr("New value"), self.value)
        form.addRow(self.tr("Valid from"), self.valid_from)
        row = QHBoxLayout()
        row.addWidget(self.save)
        row.addWidget(self.message, 1)
        form.addRow(row)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view, 1)
        lay.addLayout(form)
        self.save.clicked.connect(self.save_change)
        self.refresh()

    def refresh(self) -> None:
        settings = self.services.settings

        def load() -> list[SettingValue]:
            rows: list[SettingValue] = []
            for key in sorted(defaults()):
                rows += reversed(settings.all_history(key))
            return rows

        self.runner.submit(load, self.model.set_rows, lambda e: self.message.setText(str(e)))

    def save_change(self) -> None:
        key, text = self.key.currentText(), self.value.text().strip()
        value = parse_value(text, defaults()[key])
        qd = self.valid_from.date()
        day = date(qd.year(), qd.month(), qd.day())
        settings, actor = self.services.settings, self.actor

        def done(_: object) -> None:
            self.message.setText(self.tr("Saved."))
            self.value.clear()
            self.refresh()

        self.runner.submit(lambda: settings.set(actor, key, value, day), done,
                           lambda e: self.message.setText(str(e)))


def parse_value(text: str, default: object) -> object:
    """What the admin typed, as the setting's kind: whole numbers where the default is one, else text."""
    if text == "":
        return None
    if isinstance(default, bool):
        return text.lower() in ("1", "ja", "yes", "true")
    if (isinstance(default, int) or default is None) and text.lstrip("-").isdigit():
        return int(text)
    return text
