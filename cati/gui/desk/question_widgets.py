"""Answer widgets, one per question type. Each is a keyboard-first QWidget:

* ``value()`` gives the Answer (a grid: a mapping item var -> Answer); InputError when the text
  cannot be read (Dutch message from the questionnaire engine);
* ``load(answers)`` puts an earlier answer back (after Back, or on resume);
* ``focus_target()`` is the widget that takes the keyboard when the question appears.

Keys they do not use (Enter, F8, F9, PgUp, …) are ignored and travel up to the question screen.
Number keys choose numbered options; two-digit codes work by typing both digits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from cati.gui.widgets import named
from cati.interviews.rules import Answer, Form, InputError, QType, Question, Special
from cati.interviews.rules.fills import format_number
from cati.interviews.rules.textinput import parse_date, parse_number

AnswerValue = Answer | Mapping[str, Answer]


def digit_of(event: QKeyEvent) -> str | None:
    """The digit typed (main keys or keypad, also an Arabic keyboard's ٣ as 3), or None."""
    text = event.text()
    if len(text) != 1 or not text.isdigit():
        return None
    return str(unicodedata.digit(text, 0)) if not text.isascii() else text


class CodeBuffer:
    """Turns typed digits into option codes; ``12`` is typed as 1 then 2 when such a code exists."""

    def __init__(self, codes: Sequence[int]) -> None:
        self.codes = [str(c) for c in codes]
        self.text = ""

    def feed(self, digit: str) -> int | None:
        """The code chosen by this digit, or None when it chooses nothing (yet)."""
        candidate = self.text + digit
        if not any(c.startswith(candidate) for c in self.codes):
            candidate = digit if any(c.startswith(digit) for c in self.codes) else ""
        self.text = candidate
        return int(candidate) if candidate in self.codes else None


class AnswerWidget(QWidget):
    """Base: a focusable area; subclasses add the inputs."""

    changed = Signal()

    def __init__(self, form: Form, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form, self.question = form, question
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def value(self) -> AnswerValue:
        return Answer()

    def load(self, answers: Mapping[str, Answer]) -> None:
        pass

    def reset(self) -> None:
        """Empty again, to be used for the next interview (widgets are built once per form)."""

    def focus_target(self) -> QWidget:
        return self

    def set_special(self, special: Special) -> AnswerValue:
        """F8/F9: the answer to submit ('weet niet' / 'wil niet zeggen'); a grid marks its current row."""
        return Answer(special=special)


class ChoiceWidget(AnswerWidget):
    """Single and multiple choice: numbered options; a digit chooses, 'Anders, namelijk' opens a text box."""

    def __init__(self, form: Form, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(form, question, parent)
        self.multi = question.type is QType.MULTI
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        self.group = QButtonGroup(self)
        self.group.setExclusive(not self.multi)
        self.buttons: dict[int, QAbstractButton] = {}
        for opt in question.options:
            text = f"{opt.code}   {opt.label}"
            button: QAbstractButton = QCheckBox(text) if self.multi else QRadioButton(text)
            named(button, f"option_{opt.code}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.group.addButton(button, opt.code)
            self.buttons[opt.code] = button
            lay.addWidget(button)
        self.other = named(QLineEdit(), "otherText")
        other = question.other_option
        self.other.setPlaceholderText(other.label if other else "")
        self.other.setVisible(False)
        lay.addWidget(self.other)
        lay.addStretch(1)
        self.codes = CodeBuffer([o.code for o in question.options])
        self._toggled_last: int | None = None
        self.group.buttonClicked.connect(lambda _b: self._sync_other())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        digit = digit_of(event)
        if digit is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            event.ignore()
            return
        before = self.codes.text
        code = self.codes.feed(digit)
        if code is not None:
            if self.multi:
                if before and self.codes.text.startswith(before) and self._toggled_last is not None:
                    self.buttons[self._toggled_last].toggle()  # "1" then "2": undo 1, choose 12
                self.buttons[code].toggle()
                self._toggled_last = code
            else:
                self.buttons[code].setChecked(True)
            self._sync_other()
            self.changed.emit()
        event.accept()

    def _sync_other(self) -> None:
        other = self.question.other_option
        show = other is not None and self.buttons[other.code].isChecked()
        if show != self.other.isVisible():
            self.other.setVisible(show)
            if show:
                self.other.setFocus()
            else:
                self.setFocus()

    def reset(self) -> None:
        checked = [b for b in self.buttons.values() if b.isChecked()]
        if checked:
            self.group.setExclusive(False)
            for b in checked:
                b.setChecked(False)
            self.group.setExclusive(not self.multi)
        if self.other.text():
            self.other.clear()
        if not self.other.isHidden():
            self.other.setVisible(False)
        self.codes.text = ""
        self._toggled_last = None

    def chosen(self) -> list[int]:
        return [code for code, b in self.buttons.items() if b.isChecked()]

    def value(self) -> AnswerValue:
        codes = self.chosen()
        other = self.question.other_option
        text = self.other.text().strip() if other is not None and other.code in codes else None
        if self.multi:
            return Answer.multi(codes, text) if codes else Answer()
        return Answer.single(codes[0], text) if codes else Answer()

    def load(self, answers: Mapping[str, Answer]) -> None:
        answer = answers.get(self.question.var)
        if answer is None:
            return
        for code in (answer.codes if self.multi else (answer.code,) if answer.code is not None else ()):
            if code in self.buttons:
                self.buttons[code].setChecked(True)
        if answer.other_text:
            self.other.setText(answer.other_text)
        self._sync_other()

    def focus_target(self) -> QWidget:
        return self.other if self.other.isVisible() else self


class LineWidget(AnswerWidget):
    """Grade, number, open text and date: one line of input; Enter goes to the screen."""

    def __init__(self, form: Form, question: Question, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(form, question, parent)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.edit = named(QLineEdit(), "answerLine")
        if question.type is QType.OPEN:
            if question.max_length:
                self.edit.setMaxLength(question.max_length)
        else:
            self.edit.setMaximumWidth(260)
        self.edit.setPlaceholderText(hint)
        self.edit.textEdited.connect(lambda _t: self.changed.emit())
        lay.addWidget(self.edit, 1 if question.type is QType.OPEN else 0)
        self.hint = named(QLabel(hint), "answerHint")
        lay.addWidget(self.hint)
        lay.addStretch(0 if question.type is QType.OPEN else 1)

    def value(self) -> AnswerValue:
        raw = self.edit.text().strip()
        qtype = self.question.type
        if not raw:
            return Answer()
        if qtype in (QType.GRADE, QType.NUMBER):
            return Answer(number=parse_number(raw))
        if qtype is QType.DATE:
            return Answer.on(parse_date(raw))
        return Answer.open(raw)

    def reset(self) -> None:
        self.edit.clear()

    def load(self, answers: Mapping[str, Answer]) -> None:
        answer = answers.get(self.question.var)
        if answer is None or answer.special is not None:
            return
        if answer.number is not None:
            self.edit.setText(format_number(answer.number))
        elif answer.date is not None:
            self.edit.setText(answer.date.strftime("%d-%m-%Y"))
        elif answer.text:
            self.edit.setText(answer.text)

    def focus_target(self) -> QWidget:
        return self.edit


class GridWidget(AnswerWidget):
    """A grid on one screen: one row per item, the scale as numbered columns.

    A digit answers the current row and moves to the next; Up/Down move between rows; F8/F9 mark
    the current row 'weet niet' / 'wil niet zeggen'.
    """

    def __init__(self, form: Form, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(form, question, parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for col, opt in enumerate(question.options, start=1):
            head = named(QLabel(f"{opt.code}\n{opt.label}"), "gridHead")
            head.setAlignment(Qt.AlignmentFlag.AlignCenter)
            head.setWordWrap(True)
            grid.addWidget(head, 0, col)
        self.rows: list[tuple[QLabel, QButtonGroup, QLabel]] = []
        self.answers: dict[str, Answer] = {}
        self.codes = CodeBuffer([o.code for o in question.options])
        for r, item in enumerate(question.items, start=1):
            label = named(QLabel(f"{item.text}"), "gridItem")
            label.setWordWrap(True)
            grid.addWidget(label, r, 0)
            group = QButtonGroup(self)
            for col, opt in enumerate(question.options, start=1):
                button = named(QRadioButton(str(opt.code)), f"grid_{item.var}_{opt.code}")
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
                group.addButton(button, opt.code)
                grid.addWidget(button, r, col, Qt.AlignmentFlag.AlignCenter)
            group.idClicked.connect(lambda code, row=r - 1: self._set(row, Answer.single(code), advance=False))
            special = named(QLabel(""), "gridSpecial")
            grid.addWidget(special, r, len(question.options) + 1)
            self.rows.append((label, group, special))
        grid.setColumnStretch(0, 3)
        for col in range(1, len(question.options) + 1):
            grid.setColumnStretch(col, 1)
        self.current = 0
        self._marked = -1
        self._mark()

    def _mark(self) -> None:
        """Point at the current row (only the labels that change are touched: fast on Enter)."""
        if self._marked == self.current:
            return
        for i in (self._marked, self.current):
            if 0 <= i < len(self.rows):
                self.rows[i][0].setText(("▶ " if i == self.current else "") + self.question.items[i].text)
        self._marked = self.current

    def _set(self, row: int, answer: Answer, advance: bool = True) -> None:
        var = self.question.items[row].var
        self.answers[var] = answer
        _label, group, special = self.rows[row]
        if answer.special is not None:
            group.setExclusive(False)
            for b in group.buttons():
                b.setChecked(False)
            group.setExclusive(True)
            special.setText(self.form.special_label(answer.special))
        else:
            special.setText("")
            button = group.button(answer.code if answer.code is not None else -1)
            if button is not None:
                button.setChecked(True)
        if advance:
            self.current = min(row + 1, len(self.rows) - 1)
        else:
            self.current = row
        self._mark()
        self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            step = 1 if key == Qt.Key.Key_Down else -1
            self.current = max(0, min(len(self.rows) - 1, self.current + step))
            self.codes.text = ""
            self._mark()
            event.accept()
            return
        digit = digit_of(event)
        if digit is None:
            event.ignore()
            return
        code = self.codes.feed(digit)
        if code is not None:
            extends = any(c != str(code) and c.startswith(str(code)) for c in self.codes.codes)
            self._set(self.current, Answer.single(code), advance=not extends)
            if not extends:
                self.codes.text = ""
        event.accept()

    def set_special(self, special: Special) -> AnswerValue:
        self._set(self.current, Answer(special=special))
        return dict(self.answers)

    def value(self) -> AnswerValue:
        return dict(self.answers)

    def reset(self) -> None:
        self.answers.clear()
        for _label, group, special in self.rows:
            checked = group.checkedButton()
            if checked is not None:
                group.setExclusive(False)
                checked.setChecked(False)
                group.setExclusive(True)
            if special.text():
                special.setText("")
        self.codes.text = ""
        self.current = 0
        self._mark()

    def load(self, answers: Mapping[str, Answer]) -> None:
        for row, item in enumerate(self.question.items):
            answer = answers.get(item.var)
            if answer is not None and not answer.is_empty and answer != Answer.ack():
                self._set(row, answer, advance=False)
        open_rows = [i for i, item in enumerate(self.question.items) if item.var not in self.answers]
        self.current = open_rows[0] if open_rows else 0
        self._mark()

    def complete(self) -> bool:
        return all(item.var in self.answers for item in self.question.items)


def make_answer_widget(form: Form, question: Question, hints: Mapping[QType, str]) -> AnswerWidget:
    """The widget for a question; ``hints`` are the (translated) placeholder texts per line type."""
    qtype = question.type
    if qtype in (QType.SINGLE, QType.MULTI):
        return ChoiceWidget(form, question)
    if qtype is QType.GRID:
        return GridWidget(form, question)
    if qtype in (QType.GRADE, QType.NUMBER, QType.OPEN, QType.DATE):
        return LineWidget(form, question, hints.get(qtype, ""))
    return AnswerWidget(form, question)


__all__ = ["AnswerWidget", "ChoiceWidget", "CodeBuffer", "GridWidget", "InputError", "LineWidget",
           "make_answer_widget"]
