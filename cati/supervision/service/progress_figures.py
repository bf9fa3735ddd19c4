"""The progress figures: per provider, period and queue (:class:`QueueProgress`), per interviewer
(:class:`InterviewerStats`), per language, the line's figures, the outcome mix, all of them together
(:class:`ProgressSnapshot`, what the progress page shows) and their JSON form (``cati progress --format
json``). What each figure counts is in :mod:`cati.supervision.service.progress`; the queries that
count them in :mod:`cati.supervision.service.progress_queries`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cati.supervision.rules.rates import OutcomeRates, as_percentage

GROUPS = ("I", "P", "R", "NC", "O", "UH", "UR", "UO", "NE")
RATE_NAMES = ("rr1", "rr2", "rr3", "rr4", "rr5", "rr6", "coop1", "coop2", "coop3", "coop4",
              "ref1", "ref2", "ref3", "con1", "con2", "con3")  # fmt: skip


@dataclass(frozen=True)
class LineFigures:
    """What the softphone's line says about a set of attempts: how many it dialled, how many were
    answered, and the seconds talked (answer to hang-up)."""

    dials: int
    answered: int
    talk_seconds: int

    @property
    def answered_pct(self) -> Decimal | None:
        """The share of dials answered, in percent with one decimal (None without dials)."""
        if not self.dials:
            return None
        return (Decimal(self.answered * 100) / self.dials).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def talk_text(self) -> str:
        """Talk time as hours and minutes (``3:07``)."""
        minutes = (self.talk_seconds + 30) // 60
        return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True)
class QueueProgress:
    provider_id: int
    provider: str
    period_id: int
    period_start: date
    period_end: date
    queue: str
    sample: int
    net_sample: int
    never_called: int
    called_open: int  # open cases with one or more attempts (not: interviews in progress)
    held_now: int
    appointments_today: int
    final: int
    groups: dict[str, int]
    completes: int
    cap: int | None
    rates: OutcomeRates
    e_source: str  # "override", "setting" or "data"
    line: LineFigures = field(default_factory=lambda: LineFigures(0, 0, 0))

    @property
    def cap_text(self) -> str:
        """``inburgering 23/25``-style: completes against the cap, or just completes without one."""
        return f"{self.completes}/{self.cap}" if self.cap is not None else str(self.completes)

    def percentages(self) -> dict[str, Decimal | None]:
        """Every AAPOR rate as a percentage with one decimal (None when undefined)."""
        return {name: as_percentage(getattr(self.rates, name)) for name in RATE_NAMES}

    @property
    def e_value(self) -> Decimal | None:
        e = self.rates.e
        return None if e is None else (Decimal(e.numerator) / Decimal(e.denominator)).quantize(Decimal("0.001"))


@dataclass(frozen=True)
class InterviewerStats:
    user_id: int
    username: str
    display_name: str
    logged_in_seconds: int
    calls: int
    contacts: int
    completes: int
    interview_seconds: tuple[int, ...] = field(repr=False)
    line: LineFigures = field(default_factory=lambda: LineFigures(0, 0, 0))

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.logged_in_seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def completes_per_hour(self) -> Decimal | None:
        if not self.logged_in_seconds:
            return None
        return (Decimal(self.completes * 3600) / self.logged_in_seconds).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def mean_interview_minutes(self) -> Decimal | None:
        if not self.interview_seconds:
            return None
        mean = Decimal(sum(self.interview_seconds)) / len(self.interview_seconds) / 60
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LanguageProgress:
    language: str  # ISO 639-1; "nl" also for cases that need no language
    name: str  # Dutch name
    open: int
    waiting: int  # open, and nobody who logged in today speaks it
    completes: int


@dataclass(frozen=True)
class OutcomeCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class ProgressSnapshot:
    """Everything the progress page shows, fetched in one go."""

    at: datetime
    first: date
    last: date
    queues: tuple[QueueProgress, ...]
    interviewers: tuple[InterviewerStats, ...]
    completes_per_day: tuple[tuple[date, int], ...]
    outcome_mix: tuple[OutcomeCount, ...]
    e_setting: Decimal | None
    languages: tuple[LanguageProgress, ...] = ()


def snapshot_json(snap: ProgressSnapshot) -> dict[str, Any]:
    """Plain numbers for ``--format json`` (percentages with one decimal)."""

    def num(v: Decimal | None) -> float | None:
        return None if v is None else float(v)

    return {
        "at": snap.at.isoformat(),
        "from": snap.first.isoformat(),
        "to": snap.last.isoformat(),
        "e_setting": num(snap.e_setting),
        "queues": [
            {
                "provider": q.provider, "period": f"{q.period_start}..{q.period_end}", "queue": q.queue,
                "sample": q.sample, "net_sample": q.net_sample, "never_called": q.never_called,
                "called_open": q.called_open, "held_now": q.held_now, "appointments_today": q.appointments_today,
                "final": q.final, "dispositions": q.groups, "completes": q.completes, "cap": q.cap,
                "e": num(q.e_value), "e_source": q.e_source,
                "rates_pct": {k: num(v) for k, v in q.percentages().items()},
                **line_json(q.line),
            }
            for q in snap.queues
        ],
        "interviewers": [
            {
                "user": i.username, "hours": num(i.hours), "calls": i.calls, "contacts": i.contacts,
                "completes": i.completes, "completes_per_hour": num(i.completes_per_hour),
                "mean_interview_minutes": num(i.mean_interview_minutes), **line_json(i.line),
            }
            for i in snap.interviewers
        ],
        "completes_per_day": {d.isoformat(): n for d, n in snap.completes_per_day},
        "outcome_mix": {o.code: o.count for o in snap.outcome_mix},
        "languages": [{"language": x.language, "name": x.name, "open": x.open, "waiting_for_speaker": x.waiting,
                       "completes": x.completes} for x in snap.languages],
    }


def line_json(line: LineFigures) -> dict[str, Any]:
    pct = line.answered_pct
    return {"dials": line.dials, "answered": line.answered, "answered_pct": None if pct is None else float(pct),
            "talk_seconds": line.talk_seconds}


def dumps(snap: ProgressSnapshot) -> str:
    return json.dumps(snapshot_json(snap), ensure_ascii=False, indent=2)
