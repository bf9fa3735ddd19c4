"""One question per screen: the text to read (large), the instruction (not read aloud), numbered
answers, 'weet niet' / 'wil niet zeggen', validation in place and a progress bar.

The screen only draws and reads keys; the desk moves the engine and saves (see desk.py).
Keys: Enter next · PgUp or Alt+Left back · F8 weet niet · F9 wil niet zeggen · F10 stop interview ·
F7 the language list (the question again in another language; right to left for Arabic).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from cati.core.languages import is_rtl, language
from cati.gui.desk.language_list import LanguageList
from cati.gui.desk.question_widgets import AnswerValue, AnswerWidget, make_answer_widget
from cati.gui.widgets import named
from cati.interviews.rules import Answer, Form, InputError, Interview, QType, Question, Special
from cati.interviews.rules.fills import format_number

RLM = "\u200f"  # RIGHT-TO-LEFT MARK


def key_button(text: str, name: str) -> QPushButton:
    """A button that never takes the keyboard focus: keys belong to the screen."""
    button = named(QPushButton(text), name)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return button


class QuestionScreen(QWidget):
    confirmed = Signal(object)  # Answer | dict[var, Answer]
    back_requested = Signal()
    stop_requested = Signal()
    language_requested = Signal()  # F7
    language_chosen = Signal(str)  # a language from the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question: Question | None = None
        self.widget: AnswerWidget | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 12, 24, 12)
        top = QHBoxLayout()
        self.header = named(QLabel(""), "questionHeader")
        self.progress = named(QProgressBar(), "questionProgress")
        self.progress.setTextVisible(False)
        self.progress.setFixedSize(220, 10)
        self.progress_text = named(QLabel(""), "questionProgressText")
        self.language = named(QLabel(""), "questionLanguage")
        top.addWidget(self.header, 1)
        top.addWidget(self.language)
        top.addWidget(self.progress_text)
        top.addWidget(self.progress)
        outer.addLayout(top)
        self.text = named(QLabel(""), "questionText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        outer.addWidget(self.text)
        self.instruction = named(QLabel(""), "questionInstruction")
        self.instruction.setWordWrap(True)
        outer.addWidget(self.instruction)
        self.answer_box = named(QFrame(), "answerBox")
        box = QVBoxLayout(self.answer_box)
        box.setContentsMargins(0, 8, 0, 8)
        self.answer_stack = QStackedWidget()
        box.addWidget(self.answer_stack)
        self.languages = LanguageList("questionLanguages")
        self.answer_stack.addWidget(self.languages)
        self.languages.chosen.connect(self._language_chosen)
        self.languages.cancelled.connect(self._languages_closed)
        outer.addWidget(self.answer_box, 1)
        # answer widgets are built once per form and question, ahead of time while the interviewer
        # reads the first questions aloud, so Enter only switches to a ready widget
        self.cache: dict[tuple[str, str, str], AnswerWidget] = {}  # (form, language, variable)
        self.to_build: list[tuple[Form, Question]] = []
        self.builder = QTimer(self)
        self.builder.setInterval(0)
        self.builder.timeout.connect(self._build_one)
        self.message = named(QLabel(""), "questionMessage")
        self.message.setWordWrap(True)
        outer.addWidget(self.message)
        self.save_error = named(QLabel(""), "saveError")
        self.save_error.setWordWrap(True)
        self.save_error.setVisible(False)
        outer.addWidget(self.save_error)
        keys = QHBoxLayout()
        self.back_button = key_button(self.tr("← Back  (PgUp)"), "backButton")
        self.dont_know_button = key_button("", "dontKnowButton")
        self.refused_button = key_button("", "refusedButton")
        self.stop_button = key_button(self.tr("Stop interview  (F10)"), "stopButton")
        self.next_button = key_button(self.tr("Next  (Enter) →"), "nextButton")
        self.language_button = key_button(self.tr("Language  (F7)"), "languageButton")
        for b in (self.back_button, self.dont_know_button, self.refused_button):
            keys.addWidget(b)
        keys.addStretch(1)
        keys.addWidget(self.language_button)
        keys.addWidget(self.stop_button)
        keys.addWidget(self.next_button)
        outer.addLayout(keys)
        self.back_button.clicked.connect(self.back_requested.emit)
        self.stop_button.clicked.connect(self.stop_requested.emit)
        self.language_button.clicked.connect(self.language_requested.emit)
        self.next_button.clicked.connect(self.submit)
        self.dont_know_button.clicked.connect(lambda: self.special(Special.DONT_KNOW))
        self.refused_button.clicked.connect(lambda: self.special(Special.REFUSED))

    # -- drawing --------------------------------------------------------------------------
    def show_question(self, engine: Interview, header: str) -> None:
        """Draw the question the engine is at, with its stored answer filled in."""
        q = engine.question
        assert q is not None
        self.question = q
        path = engine.route
        index = next((i for i, p in enumerate(path) if p.var == q.var), 0)
        self.progress.setMaximum(max(1, len(path)))
        self.progress.setValue(index + 1)
        self.progress_text.setText(self.tr("Question %1 of %2").replace("%1", str(index + 1))
                                   .replace("%2", str(len(path))))
        self.header.setText(header)
        form = engine.form
        rtl = is_rtl(form.language)
        direction = Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight
        for w in (self.text, self.instruction, self.answer_box, self.message):
            w.setLayoutDirection(direction)
        self.language.setText(self.tr("Language: %s") % language(form.language).label)
        self.language.setProperty("rtl", rtl)
        mark = RLM if rtl else ""  # a right-to-left paragraph, also when it starts with a name
        self.text.setText(mark + engine.text(q))
        self.text.setAlignment((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute) if rtl
                               else Qt.AlignmentFlag.AlignLeft)
        self.text.setProperty("closing", q.closing)
        hints = []  # the desk's own hints, in the interface's language
        if q.read_out_options:
            hints.append(self.tr("Read out the answers."))
        if q.closing:
            hints.append(self.tr(
                "Closing screen: Enter ends the interview (a complete interview is recorded as complete)."))
        if q.type is QType.GRID:
            hints.append(self.tr("Type the number for each row; ↑↓ moves between rows."))
        if q.type is QType.MULTI:
            hints.append(self.tr("More answers possible: type each number."))
        own = engine.render(q.instruction) if q.instruction else ""
        if rtl:  # the form's words on a line of their own, so each line reads in its own direction
            head = self.tr("Instruction (not read aloud): %s") % " ".join(hints)
            instruction = head + ("\n" + RLM + own if own else "")
            self.instruction.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        else:
            text = " ".join(x for x in (own, *hints) if x)
            instruction = self.tr("Instruction (not read aloud): %s") % text if text else ""
            self.instruction.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if not own and not hints:
            instruction = ""
        self.instruction.setText(instruction)
        self.instruction.setVisible(bool(instruction))
        self.message.setText("")
        self.widget = self.widget_for(engine.form, q)
        self.widget.reset()
        self.widget.load(engine.answers)
        self.answer_stack.setCurrentWidget(self.widget)
        info = q.type is QType.INFO
        self.dont_know_button.setText(f"{form.dont_know_label}  (F8)")
        self.refused_button.setText(f"{form.refused_label}  (F9)")
        self.dont_know_button.setVisible(q.allow_dont_know and not info)
        self.refused_button.setVisible(q.allow_refused and not info)
        self.next_button.setText(self.tr("Finish  (Enter) →") if q.closing else self.tr("Next  (Enter) →"))
        self.back_button.setEnabled(index > 0)
        self.widget.focus_target().setFocus()
        if q.type is not QType.GRID:
            self._show_special(engine.answers.get(q.var))

    # -- answer widgets, built ahead -------------------------------------------------------
    def prepare(self, form: Form) -> None:
        """Build the answer widgets of ``form`` in the background of the event loop, one per turn."""
        self.to_build = [(form, q) for q in form.questions if (form.id, form.language, q.var) not in self.cache]
        if self.to_build:
            self.builder.start()

    def _build_one(self) -> None:
        if not self.to_build:
            self.builder.stop()
            return
        form, q = self.to_build.pop(0)
        if (form.id, form.language, q.var) not in self.cache:
            widget = self.widget_for(form, q)
            widget.ensurePolished()
            layout = widget.layout()
            if layout is not None:
                layout.activate()

    def widget_for(self, form: Form, q: Question) -> AnswerWidget:
        key = (form.id, form.language, q.var)
        widget = self.cache.get(key)
        if widget is None:
            widget = make_answer_widget(form, q, self.hints(q))
            widget.changed.connect(lambda: self.message.setText(""))
            self.answer_stack.addWidget(widget)
            self.cache[key] = widget
        return widget

    def _show_special(self, answer: Answer | None) -> None:
        if answer is not None and answer.special is not None and self.widget is not None:
            self.message.setText(self.tr("Earlier answer: %s") % self.widget.form.special_label(answer.special))

    def hints(self, q: Question) -> dict[QType, str]:
        low = format_number(q.min) if q.min is not None else ""
        high = format_number(q.max) if q.max is not None else ""
        if low and high:
            number = self.tr("%1 to %2").replace("%1", low).replace("%2", high)
        else:
            number = self.tr("a number")
        return {
            QType.GRADE: self.tr("grade %s") % number,
            QType.NUMBER: number,
            QType.OPEN: self.tr("type what the respondent says"),
            QType.DATE: self.tr("dd-mm-yyyy"),
        }

    def show_errors(self, messages: tuple[str, ...] | list[str]) -> None:
        self.message.setText("\n".join(messages))
        if self.widget is not None:
            self.widget.focus_target().setFocus()

    # -- the language list ----------------------------------------------------------------
    def open_languages(self, choices: list[tuple[str | None, str]], current: str) -> None:
        """Show the language list in place of the answers (the question stays in view)."""
        self.answer_stack.setCurrentWidget(self.languages)
        self.languages.setLayoutDirection(Qt.LayoutDirection.LeftToRight)
        self.languages.open(self.tr("Ask this question in which language?"), choices, current)

    def _language_chosen(self, code: object) -> None:
        if isinstance(code, str):
            self.language_chosen.emit(code)
        else:
            self._languages_closed()

    def _languages_closed(self) -> None:
        if self.widget is not None:
            self.answer_stack.setCurrentWidget(self.widget)
            self.widget.focus_target().setFocus()

    def show_save_error(self, text: str) -> None:
        self.save_error.setText(text)
        self.save_error.setVisible(bool(text))

    # -- keys -----------------------------------------------------------------------------
    def submit(self) -> None:
        if self.widget is None:
            return
        try:
            value: AnswerValue = self.widget.value()
        except InputError as e:
            self.show_errors([str(e)])
            return
        if self.question is not None and self.question.type is QType.INFO:
            value = Answer.ack()
        self.confirmed.emit(value)

    def special(self, special: Special) -> None:
        if self.widget is None or self.question is None or self.question.type is QType.INFO:
            return
        value = self.widget.set_special(special)
        if self.question.type is not QType.GRID:
            self.confirmed.emit(value)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif key == Qt.Key.Key_PageUp or (key == Qt.Key.Key_Left and mods & Qt.KeyboardModifier.AltModifier):
            self.back_requested.emit()
        elif key == Qt.Key.Key_F8 and self.dont_know_button.isVisible():
            self.special(Special.DONT_KNOW)
        elif key == Qt.Key.Key_F9 and self.refused_button.isVisible():
            self.special(Special.REFUSED)
        elif key == Qt.Key.Key_F10:
            self.stop_requested.emit()
        elif key == Qt.Key.Key_F7:
            self.language_requested.emit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()
