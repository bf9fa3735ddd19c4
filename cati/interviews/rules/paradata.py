"""Paradata: how a question screen was worked, one :class:`ScreenVisit` per screen shown.

A visit is what the desk saw: which question (its variable), when it was shown and left, how it was
reached (:class:`Arrival`) and left (:class:`Leave`), the language it was shown in, how often the answer
on it was corrected before leaving, and for a grid the seconds spent on each row. It holds no answer
values (an open answer may hold a name or a number), no names and no numbers: the answers and their
change trail are the interview's own rows.

The desk collects visits and hands them to the interview service with the next save (the answer, a
stop, a complete), so they are written in that transaction: paradata costs no round trip of its own.

:func:`words_to_read` says how many words the interviewer reads aloud on a screen (the question, a
grid's rows, answers marked to be read out): the quality rules compare the time on screen with the time
that reading takes (:func:`reading_seconds`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cati.core.languages import SOURCE

from .model import Form, QType, Question


class Arrival(StrEnum):
    """How a screen was reached."""

    START = "start"  # the first screen of a new interview
    RESUME = "resume"  # the first screen after resuming (a partial interview, a cancelled stop)
    NEXT = "next"  # after the previous question was answered (Enter)
    BACK = "back"  # back from a later question (PgUp, Alt+Left)
    JUMP = "jump"  # straight to an earlier question
    LANGUAGE = "language"  # the same question again in another language (F7)
    RETRY = "retry"  # back to a question whose answer could not be saved


class Leave(StrEnum):
    """How a screen was left."""

    NEXT = "next"  # answered (Enter, F8, F9): the next question, or the end
    BACK = "back"
    JUMP = "jump"
    STOP = "stop"  # the interview was stopped (F10)
    LANGUAGE = "language"  # shown again in another language (F7)


#: export codes (their place in the list; append only) and Dutch labels, for the codebook
ARRIVAL_LABELS: tuple[tuple[Arrival, str], ...] = (
    (Arrival.START, "Begin van het interview"), (Arrival.NEXT, "Volgende vraag"), (Arrival.BACK, "Terug"),
    (Arrival.JUMP, "Gesprongen"), (Arrival.RESUME, "Hervat"), (Arrival.LANGUAGE, "Andere taal"),
    (Arrival.RETRY, "Opnieuw na een fout bij opslaan"),
)
LEAVE_LABELS: tuple[tuple[Leave, str], ...] = (
    (Leave.NEXT, "Beantwoord (volgende)"), (Leave.BACK, "Terug"), (Leave.JUMP, "Gesprongen"),
    (Leave.STOP, "Interview gestopt"), (Leave.LANGUAGE, "Andere taal"),
)
ARRIVAL_CODES: dict[Arrival, int] = {a: i for i, (a, _) in enumerate(ARRIVAL_LABELS, start=1)}
LEAVE_CODES: dict[Leave, int] = {left: i for i, (left, _) in enumerate(LEAVE_LABELS, start=1)}


@dataclass(frozen=True)
class ScreenVisit:
    """One question screen, from shown to left. Times are aware; ``left_at`` is not before ``shown_at``."""

    variable: str
    shown_at: datetime
    left_at: datetime
    arrived: Arrival
    left_by: Leave
    language: str = SOURCE
    corrections: int = 0  # times an answer chosen on this screen was replaced before leaving
    row_seconds: tuple[tuple[str, float], ...] = ()  # a grid: (item variable, seconds on that row)

    def __post_init__(self) -> None:
        if self.shown_at.tzinfo is None or self.left_at.tzinfo is None:
            raise ValueError("a screen visit's times must be aware")
        if self.left_at < self.shown_at:
            raise ValueError(f"screen {self.variable}: left before it was shown")
        if self.corrections < 0 or any(sec < 0 for _, sec in self.row_seconds):
            raise ValueError(f"screen {self.variable}: negative counts or seconds")
        object.__setattr__(self, "arrived", Arrival(self.arrived))
        object.__setattr__(self, "left_by", Leave(self.left_by))

    @property
    def seconds(self) -> float:
        return (self.left_at - self.shown_at).total_seconds()


_WORD = re.compile(r"\w+", re.UNICODE)


def count_words(text: str) -> int:
    """Words in a text as read aloud (a fill such as ``{provider}`` counts as one)."""
    return len(_WORD.findall(text))


def words_to_read(form: Form, question: Question) -> int:
    """The words an interviewer reads aloud on this screen: the question text, a grid's rows, and the
    answers when they are to be read out (not the instruction, which is not read aloud)."""
    words = count_words(question.text)
    if question.type is QType.GRID:
        words += sum(count_words(item.text) for item in question.items)
    if question.read_out_options:
        words += sum(count_words(option.label) for option in question.options)
    return words


def reading_seconds(words: int, words_per_minute: float) -> float:
    """How long reading ``words`` aloud takes at ``words_per_minute``."""
    if words_per_minute <= 0:
        raise ValueError("a reading speed must be positive")
    return words * 60.0 / words_per_minute
