"""The questionnaire model: frozen dataclasses, built by :mod:`.loader` from YAML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from .expr import Expr


class QType(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    GRADE = "grade"
    NUMBER = "number"
    OPEN = "open"
    DATE = "date"
    GRID = "grid"
    INFO = "info"


#: Case fields every form may use in conditions and fills.
STANDARD_CASE_FIELDS = ("provider", "client_name", "period", "service", "variant", "queue")

#: the words fills add to a sentence, in Dutch (a translation carries its own: ``words.<name>``)
DUTCH_WORDS: tuple[tuple[str, str], ...] = (
    ("and", "en"),  # between the last two labels of a multiple answer: "Lezen, Schrijven en Spreken"
    ("through", "tot en met"),  # in the period: "01-01-2026 tot en met 31-12-2026"
)


class Special(StrEnum):
    DONT_KNOW = "dont_know"
    REFUSED = "refused"


@dataclass(frozen=True)
class Option:
    code: int
    label: str
    other: bool = False  # "Anders, namelijk:" asks for text
    exclusive: bool = False  # multi: may not be combined with other options
    line: int = 0


@dataclass(frozen=True)
class GridItem:
    var: str
    text: str
    line: int = 0


@dataclass(frozen=True)
class Question:
    var: str
    type: QType
    text: str
    section: str
    instruction: str = ""
    options: tuple[Option, ...] = ()
    read_out_options: bool = False
    items: tuple[GridItem, ...] = ()
    min: Decimal | None = None
    max: Decimal | None = None
    decimals: int = 0
    max_length: int | None = None
    required: bool = True
    allow_dont_know: bool = True
    allow_refused: bool = True
    core: bool = False
    closing: bool = False
    show_if: Expr | None = None
    show_if_source: str = ""
    end_if: Expr | None = None
    end_if_source: str = ""
    line: int = 0
    scale: str = ""  # the form's scale the options come from ("": its own options)

    @property
    def answer_vars(self) -> tuple[str, ...]:
        """The variables this question stores answers under (a grid: one per item; info: its own)."""
        if self.type is QType.GRID:
            return tuple(item.var for item in self.items)
        return (self.var,)

    @property
    def is_coded(self) -> bool:
        return self.type in (QType.SINGLE, QType.MULTI, QType.GRID)

    def option(self, code: int) -> Option | None:
        for opt in self.options:
            if opt.code == code:
                return opt
        return None

    @property
    def other_option(self) -> Option | None:
        return next((o for o in self.options if o.other), None)


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Form:
    id: str
    version: str
    title: str
    sections: tuple[Section, ...]
    dont_know_code: int = 98
    refused_code: int = 99
    dont_know_label: str = "Weet niet"
    refused_label: str = "Wil niet zeggen"
    case_fields: tuple[str, ...] = STANDARD_CASE_FIELDS
    source: str = ""
    language: str = "nl"  # the language its texts are in (a translation: see .translations.localize)
    words: tuple[tuple[str, str], ...] = DUTCH_WORDS
    translation_status: str = ""  # a translation's status, e.g. "to be checked by a translator"
    _index: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)
    _questions: tuple[Question, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_questions", tuple(q for s in self.sections for q in s.questions))
        for q in self._questions:
            self._index[q.var] = q
            for item in q.items:
                self._index[item.var] = q

    @property
    def questions(self) -> tuple[Question, ...]:
        """All questions in form order."""
        return self._questions

    def __iter__(self) -> Iterator[Question]:
        return iter(self.questions)

    def question(self, var: str) -> Question:
        """The question that stores ``var`` (a grid item's variable gives its grid). KeyError if none."""
        return self._index[var]

    def has_var(self, var: str) -> bool:
        return var in self._index

    def word(self, name: str) -> str:
        """A word fills add (``and``, ``through``), in the form's language."""
        return dict(self.words).get(name) or dict(DUTCH_WORDS)[name]

    def special_code(self, special: Special) -> int:
        return self.dont_know_code if special is Special.DONT_KNOW else self.refused_code

    def special_label(self, special: Special) -> str:
        return self.dont_know_label if special is Special.DONT_KNOW else self.refused_label


@dataclass(frozen=True)
class Answer:
    """One stored answer. Exactly one of the value fields is set, or ``special``, or ``seen`` (info)."""

    code: int | None = None
    codes: tuple[int, ...] = ()
    number: Decimal | None = None
    text: str | None = None
    date: dt.date | None = None
    special: Special | None = None
    other_text: str | None = None
    seen: bool = False

    @classmethod
    def single(cls, code: int, other_text: str | None = None) -> Answer:
        return cls(code=code, other_text=other_text)

    @classmethod
    def multi(cls, codes: tuple[int, ...] | list[int], other_text: str | None = None) -> Answer:
        return cls(codes=tuple(sorted(set(codes))), other_text=other_text)

    @classmethod
    def num(cls, value: Decimal | int | str) -> Answer:
        return cls(number=Decimal(str(value)))

    @classmethod
    def open(cls, text: str) -> Answer:
        return cls(text=text)

    @classmethod
    def on(cls, date: dt.date) -> Answer:
        return cls(date=date)

    @classmethod
    def dont_know(cls) -> Answer:
        return cls(special=Special.DONT_KNOW)

    @classmethod
    def refused(cls) -> Answer:
        return cls(special=Special.REFUSED)

    @classmethod
    def ack(cls) -> Answer:
        """An info screen was shown and passed."""
        return cls(seen=True)

    @property
    def is_empty(self) -> bool:
        return (
            self.code is None
            and not self.codes
            and self.number is None
            and not self.text
            and self.date is None
            and self.special is None
            and not self.seen
        )

    @property
    def has_value(self) -> bool:
        """An answer worth exporting (not empty, not merely "seen")."""
        return not self.is_empty and self != Answer(seen=True)
