"""The outcome of a call attempt: numbered outcome buttons (the outcome table's shortcut order), a note.

Type the outcome's number (two digits for 10 and up: 1 then 2 is 12), then Enter to record it.
Nothing is recorded by a single stray key: the number selects, Enter confirms. A language problem
(an outcome with a language route) first asks which language was heard (:attr:`OutcomePanel.heard`).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QButtonGroup, QGridLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from cati.calls.rules.outcomes import Outcome
from cati.core.languages import LANGUAGES, SOURCE
from cati.gui.desk.language_list import LanguageList
from cati.gui.desk.question_widgets import CodeBuffer, digit_of
from cati.gui.widgets import named


class OutcomePanel(QWidget):
    confirmed = Signal(str, str)  # outcome code, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.outcomes: list[Outcome] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = named(QLabel(self.tr("Outcome of this call — type the number, then Enter")), "outcomeTitle")
        self.title.setWordWrap(True)
        lay.addWidget(self.title)
        self.suggestion = named(QLabel(""), "outcomeSuggestion")  # what the softphone's line suggests
        self.suggestion.setWordWrap(True)
        self.suggestion.setVisible(False)
        lay.addWidget(self.suggestion)
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        lay.addLayout(self.grid)
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.group.idClicked.connect(self._clicked)
        self.buttons: dict[int, QPushButton] = {}
        self.note = named(QLineEdit(), "outcomeNote")
        self.note.setPlaceholderText(self.tr("Note for the next call (Tab)"))
        lay.addWidget(self.note)
        self.message = named(QLabel(""), "outcomeMessage")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.confirm = named(QPushButton(self.tr("Record outcome  (Enter)")), "recordOutcome")
        self.confirm.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm.clicked.connect(self.submit)
        lay.addWidget(self.confirm)
        self.languages = LanguageList("heardLanguages")
        self.languages.chosen.connect(self._heard)
        self.languages.cancelled.connect(self._languages_closed)
        lay.addWidget(self.languages, 1)
        lay.addStretch(1)
        self.codes = CodeBuffer([])
        self.heard: str | None = None  # the language heard, with a language problem

    def set_outcomes(self, outcomes: Sequence[Outcome], hide: Sequence[str] = ()) -> None:
        """Show the selectable outcomes (``hide``: codes that make no sense here)."""
        for b in self.buttons.values():
            self.group.removeButton(b)
            b.deleteLater()
        self.buttons = {}
        self.outcomes = [o for o in outcomes if o.key is not None and o.code not in hide]
        rows = (len(self.outcomes) + 1) // 2
        for i, o in enumerate(self.outcomes):
            assert o.key is not None
            b = named(QPushButton(f"{o.key:>2}   {o.label_nl}"), f"outcome_{o.code}")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.group.addButton(b, o.key)
            self.buttons[o.key] = b
            self.grid.addWidget(b, i % rows, i // rows)
        self.codes = CodeBuffer([o.key for o in self.outcomes if o.key is not None])
        self.reset()

    def reset(self) -> None:
        self.group.setExclusive(False)
        for b in self.buttons.values():
            b.setChecked(False)
        self.group.setExclusive(True)
        self.note.clear()
        self.message.setText("")
        self.suggestion.setText("")
        self.suggestion.setVisible(False)
        self.codes.text = ""
        self.heard = None
        self.languages.setVisible(False)
        self._show_buttons(True)

    def selected(self) -> Outcome | None:
        key = self.group.checkedId()
        return next((o for o in self.outcomes if o.key == key), None)

    def select(self, code: str) -> None:
        for o in self.outcomes:
            if o.code == code and o.key is not None:
                self.buttons[o.key].setChecked(True)
                self.message.setText("")

    def preselect(self, code: str, reason: str) -> None:
        """The line's suggestion: ``code`` selected, ``reason`` shown; Enter confirms, a number picks another."""
        if code not in [o.code for o in self.outcomes]:
            return
        self.select(code)
        self.suggestion.setText(self.tr("The line says: %s. Enter confirms, or type another number.") % reason)
        self.suggestion.setVisible(True)
        self.setFocus()

    def _clicked(self, _key: int) -> None:
        self.message.setText("")
        self.setFocus()

    def submit(self) -> None:
        outcome = self.selected()
        if outcome is None:
            self.message.setText(self.tr("Choose an outcome first: type its number."))
            self.setFocus()
            return
        if outcome.route == "language":
            choices: list[tuple[str | None, str]] = [(None, self.tr("Not recognised / another language"))]
            choices += [(lang.code, f"{lang.name_nl} ({lang.code})") for lang in LANGUAGES if lang.code != SOURCE]
            self._show_buttons(False)  # room for the list; the outcome is named in its title
            self.languages.open(f"{outcome.label_nl}: " + self.tr(
                "Which language did you hear? The case goes to an interviewer who speaks it."), choices, "ar")
            return
        self.confirmed.emit(outcome.code, self.note.text().strip())

    def _heard(self, code: object) -> None:
        outcome = self.selected()
        self._languages_closed()
        if outcome is None:
            return
        self.heard = code if isinstance(code, str) else None
        self.confirmed.emit(outcome.code, self.note.text().strip())

    def _languages_closed(self) -> None:
        self._show_buttons(True)
        self.setFocus()

    def _show_buttons(self, show: bool) -> None:
        for b in self.buttons.values():
            b.setVisible(show)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        digit = digit_of(event)
        if digit is not None and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            key = self.codes.feed(digit)
            if key is not None:
                self.buttons[key].setChecked(True)
                self.message.setText("")
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
            event.accept()
            return
        super().keyPressEvent(event)
