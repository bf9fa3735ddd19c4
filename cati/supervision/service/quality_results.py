"""What :class:`~cati.supervision.service.quality.QualityService` returns: the review list with its
items and the interviewers' standing, one reviewed interview with its answer lines, a decision and a
back-check's state; and :class:`QualityError`, a review request that cannot be done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cati.supervision.rules.interviewer_standing import InterviewerFigures, Standing
from cati.supervision.rules.quality_charts import LENGTH_BINS, SECONDS_BINS
from cati.supervision.rules.quality_flags import Flag
from cati.supervision.rules.quality_settings import QualitySettings


class QualityError(ValueError):
    """A review request that cannot be done; Dutch message."""


@dataclass(frozen=True)
class BackcheckResult:
    """A back-check's state: waiting (its case open), answered (its answers), or ended without an answer."""

    case_id: int
    state: str  # waiting | answered | ended
    outcome: str | None  # the back-check case's final outcome
    confirmed: bool | None  # "did you speak with one of our interviewers": yes / no / not known
    answers: tuple[tuple[str, str], ...] = ()  # (question variable, answer as read)
    at: datetime | None = None
    by: str = ""
    summary: str = ""  # Dutch


@dataclass(frozen=True)
class ReviewDecision:
    id: int
    decision: str  # accept | void | backcheck
    flags: tuple[str, ...]
    note: str
    decided_by: str
    decided_at: datetime
    backcheck: BackcheckResult | None = None


@dataclass(frozen=True)
class ReviewItem:
    """An interview in the review list: its flags and where its review stands."""

    interview_id: int
    case_id: int
    provider: str
    period_id: int
    form_id: str
    interviewer_id: int | None
    interviewer: str
    completed_at: datetime
    length_seconds: float
    has_paradata: bool
    flags: tuple[Flag, ...]
    status: str  # open | backcheck_pending | backcheck_done | accepted | unflagged
    decision: ReviewDecision | None = None  # the latest
    flagged_by: tuple[str, ...] = ()  # whose work raised the flags (a colleague who stopped and handed it on too)


@dataclass(frozen=True)
class InterviewerStanding:
    """An interviewer on one form: figures, each measure against the colleagues, and the chart data
    (shares per bin, the colleagues' band: their lowest and highest share per bin)."""

    interviewer_id: int
    interviewer: str
    form_id: str
    figures: InterviewerFigures
    standings: tuple[Standing, ...]
    length_minutes: tuple[float, ...] = ()
    question_seconds: tuple[float, ...] = ()
    length_shares: tuple[float, ...] = ()
    length_band: tuple[tuple[float, float], ...] = ()
    seconds_shares: tuple[float, ...] = ()
    seconds_band: tuple[tuple[float, float], ...] = ()

    @property
    def far(self) -> tuple[Standing, ...]:
        return tuple(s for s in self.standings if s.far)


@dataclass(frozen=True)
class ReviewList:
    items: tuple[ReviewItem, ...]  # the interviews asked for (flagged or under review)
    standing: tuple[InterviewerStanding, ...]
    interviews: int  # complete interviews in the selection
    flagged: int  # of which with a flag (before the filters on interviewer, flag and status)
    settings: QualitySettings
    length_bins: tuple[float, ...] = LENGTH_BINS
    seconds_bins: tuple[float, ...] = SECONDS_BINS


@dataclass(frozen=True)
class AnswerLine:
    """One answer of a reviewed interview, with its time on screen and its changes."""

    variable: str
    question: str  # the question variable (a grid's, for its rows)
    text: str  # the question's (or row's) text
    answer: str
    seconds: float | None  # on screen (a grid row: on that row)
    visits: int
    corrections: int
    changes: tuple[str, ...]  # "8 → 9 (03-03-2026 10:12, anna)"
    after_end: bool  # changed after the interview ended


@dataclass(frozen=True)
class ReviewedInterview:
    item: ReviewItem
    lines: tuple[AnswerLine, ...]
    history: tuple[ReviewDecision, ...]
    grade: str  # the overall grade as given (for the back-check's comparison)
    form_title: str
