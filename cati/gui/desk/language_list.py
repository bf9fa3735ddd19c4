"""The language list: one key opens it (F7 on a question screen; the language problem's outcome asks
which language was heard), a number or ↑↓ chooses, Enter takes it, Esc closes it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from cati.gui.desk.question_widgets import CodeBuffer, digit_of
from cati.gui.widgets import named


class _Items(QListWidget):
    """The list itself: Enter and Esc go to the frame; a number chooses that line; letters search."""

    def __init__(self, owner: LanguageList) -> None:
        super().__init__()
        self.owner = owner
        self.numbers = CodeBuffer([])

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.owner.take()
        elif key == Qt.Key.Key_Escape:
            self.owner.cancel()
        elif (digit := digit_of(event)) is not None:
            number = self.numbers.feed(digit)
            if number is not None:
                self.setCurrentRow(number - 1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()


class LanguageList(QFrame):
    """Numbered languages (code or None, text); emits ``chosen(code)`` or ``cancelled()``."""

    chosen = Signal(object)  # str | None
    cancelled = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = named(QLabel(""), "languageListTitle")
        self.title.setWordWrap(True)
        self.items = named(_Items(self), "languageListItems")
        self.items.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        lay.addWidget(self.title)
        lay.addWidget(self.items, 1)
        self.help = named(QLabel(self.tr("Number or ↑↓, then Enter · Esc: back")), "languageListHelp")
        lay.addWidget(self.help)
        self.codes: list[str | None] = []
        self.items.itemActivated.connect(lambda _item: self.take())
        self.setVisible(False)

    def open(self, title: str, choices: Sequence[tuple[str | None, str]], current: str | None = None) -> None:
        """Show ``choices`` ((code, text), numbered from 1) with ``current`` selected, and take the keys."""
        self.title.setText(title)
        self.items.clear()
        self.codes = [code for code, _ in choices]
        for i, (_code, text) in enumerate(choices, start=1):
            self.items.addItem(QListWidgetItem(f"{i:>2}   {text}"))
        self.items.numbers = CodeBuffer(list(range(1, len(choices) + 1)))
        self.items.setCurrentRow(self.codes.index(current) if current in self.codes else 0)
        self.setVisible(True)
        self.items.setFocus()

    def take(self) -> None:
        row = self.items.currentRow()
        if 0 <= row < len(self.codes):
            self.setVisible(False)
            self.chosen.emit(self.codes[row])

    def cancel(self) -> None:
        self.setVisible(False)
        self.cancelled.emit()
