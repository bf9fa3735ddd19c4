"""What the flag rules read: one complete interview as :class:`InterviewFacts` (its route, its times
on screen per question, its grids' answers, its changes after the end, the interviewer's attempts
around it), and how screen visits make the sessions it was worked in (:func:`sessions_of`).

The service (``supervision/service/quality_reading.py``) reads the interviews, their paradata and
answers into these; an interview without paradata (before revision 0010, or purged) has no screens.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class ScreenTime:
    """The time one question of an interview was on screen, over all its visits."""

    variable: str
    seconds: float
    words: int  # read aloud on the screen (``interviews.rules.paradata.words_to_read``)
    visits: int = 1
    row_seconds: tuple[tuple[str, float], ...] = ()  # a grid: per row, summed over the visits
    corrections: int = 0
    changed: bool = False  # a visit changed an earlier answer
    by: int | None = None  # the interviewer who answered it (its last visit's)


@dataclass(frozen=True)
class GridAnswers:
    """The answers of one grid on the route: per row its code (None: weet niet, wil niet zeggen, none)."""

    variable: str
    codes: tuple[int | None, ...]
    labels: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InterviewFacts:
    """One complete interview as the rules see it."""

    interview_id: int
    interviewer_id: int | None
    form_id: str
    started_at: datetime  # the first screen shown (without paradata: the interview's start)
    ended_at: datetime  # completed
    route: tuple[str, ...]  # the questions on its route, in order (info and closing screens too)
    screens: Mapping[str, ScreenTime] = field(default_factory=dict)  # by question; empty without paradata
    grids: tuple[GridAnswers, ...] = ()
    answered: int = 0  # answers on the route (not info screens)
    specials: int = 0  # of which "weet niet" / "wil niet zeggen"
    changes_after_end: tuple[tuple[str, datetime], ...] = ()  # (variable, when)
    # the interviewer's call attempts around the interview: (case, from, to), its own case among them
    attempts: tuple[tuple[int, datetime, datetime], ...] = ()
    grade: Decimal | None = None  # the form's overall grade
    case_id: int = 0
    # when the interview was worked (its screens, a pause of more than SESSION_GAP apart: a new session;
    # without paradata: start to complete)
    sessions: tuple[tuple[datetime, datetime], ...] = ()

    @property
    def has_paradata(self) -> bool:
        return bool(self.screens)

    @property
    def worked(self) -> tuple[tuple[datetime, datetime], ...]:
        """The spans the interview was worked in (its sessions, else start to complete)."""
        return self.sessions or ((self.started_at, self.ended_at),)

    @property
    def other_cases(self) -> tuple[tuple[int, datetime, datetime], ...]:
        """The interviewer's attempts on other cases that overlap a span the interview was worked in."""
        return tuple(
            (case, a, b) for case, a, b in self.attempts
            if case != self.case_id and any(min(b, e) > max(a, s) for s, e in self.worked)
        )

    @property
    def length_seconds(self) -> float:
        """Time in the questionnaire: the screens' time (without paradata: start to complete)."""
        if self.screens:
            return sum(s.seconds for s in self.screens.values())
        return max(0.0, (self.ended_at - self.started_at).total_seconds())


#: screens further apart than this are separate sessions of an interview (a stop, resumed later)
SESSION_GAP = timedelta(minutes=5)


def sessions_of(visits: Iterable[tuple[datetime, datetime]]) -> tuple[tuple[datetime, datetime], ...]:
    """Screen visits (shown, left) merged into the spans the interview was worked in."""
    spans: list[tuple[datetime, datetime]] = []
    for shown, left in sorted(visits):
        if spans and shown - spans[-1][1] <= SESSION_GAP:
            spans[-1] = (spans[-1][0], max(spans[-1][1], left))
        else:
            spans.append((shown, left))
    return tuple(spans)
