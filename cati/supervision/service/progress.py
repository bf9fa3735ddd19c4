"""Fieldwork progress per provider and queue, and per interviewer (issue 7).

Definitions (the GUI's progress page and ``cati progress`` show the same figures):

* **sample**: cases in the queue; **net sample**: minus the cases that ended unreachable (a final
  NE/4.x outcome other than quota-full, see :mod:`cati.supervision.service.reports`).
* **never called**: open cases without an attempt; **called, open**: open cases with one or more
  attempts; **held now**: cases leased to an interviewer at this moment.
* **appointments today**: open appointments due today (local calendar day (cati.core.localtime)).
* **dispositions**: final cases per AAPOR group (MAX_ATTEMPTS is UO when never contacted, else O).
  Only final dispositions enter the AAPOR rates (open cases carry a temporary disposition).
* **completes**: complete, not voided interviews; the inburgering queue shows them against the
  cap (setting ``queue.inburgering.cap``).
* **e**: an explicit value (``--e``, or the GUI's field) wins; else the setting
  ``rates.eligibility_e``; else AAPOR's default estimate from the data.
* **the line** (attempts dialled by cati's softphone, which knows when it was answered):
  **dials**, **answered** (the share of dials answered) and **talk time** (answer to hang-up).
  Attempts dialled by hand or by URI are not in these figures: cati does not know their line.

Interviewers, per local day in the chosen range:

* **hours logged in**: every ``login`` audit event opens a session that lasts until the end of the
  last call attempt started before the next login that day; calls before the day's first login
  open a session at their own start. A login without calls counts nothing (a supervisor looking
  in, a forgotten window), and a session never runs past its last call.
* **calls**: attempts started in the range; **contacts**: those whose outcome has ``contact: true``
  in the outcome table; **completes**: attempts that ended with ``COMPLETE``.
* **mean interview length**: started_at -> completed_at of the complete, not voided interviews
  that the interviewer started and that were completed in the range.
* **dials, answered, talk time**: as per queue, over the attempts started in the range.

Per language (of the open measurement periods):

* **open**: open cases that need the language (a case that needs none counts as Dutch);
  **waiting for a speaker**: those of them that need a language no interviewer who logged in today
  speaks (``cati queue --explain`` says so per case); **completes**: complete, not voided interviews
  by their main language (the language most answers were given in).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, Role, require
from cati.accounts.service.settings import SettingsService
from cati.calls.rules.outcomes import COMPLETE
from cati.core.languages import SOURCE, name_nl
from cati.core.localtime import days_bounds, local_day
from cati.platform.context import ServiceContext
from cati.platform.models import (
    Appointment,
    AuditEvent,
    CallAttempt,
    CallCase,
    Interview,
    MeasurementPeriod,
    Provider,
    User,
    UserLanguage,
    UserRole,
)
from cati.supervision.rules.hours import logged_in_seconds
from cati.supervision.rules.rates import DispositionCounts, OutcomeRates, as_percentage, outcome_rates
from cati.supervision.service.reports import find_provider, is_unreachable, outcome_table

GROUPS = ("I", "P", "R", "NC", "O", "UH", "UR", "UO", "NE")
RATE_NAMES = ("rr1", "rr2", "rr3", "rr4", "rr5", "rr6", "coop1", "coop2", "coop3", "coop4",
              "ref1", "ref2", "ref3", "con1", "con2", "con3")  # fmt: skip
E_SETTING = "rates.eligibility_e"


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


def _to_fraction(e: Fraction | Decimal | float | str | None) -> Fraction | None:
    if e is None:
        return None
    value = Fraction(Decimal(str(e)))
    if not 0 <= value <= 1:
        raise ValueError("e moet tussen 0 en 1 liggen")
    return value


class ProgressService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService) -> None:
        self.ctx = ctx
        self.settings = settings

    # -- e --------------------------------------------------------------------------------
    def eligibility(self, actor: Actor | None) -> Decimal | None:
        """The stored e (setting ``rates.eligibility_e``); None: estimated from the data."""
        require(actor, Permission.VIEW_PROGRESS)
        value = self.settings.get(E_SETTING)
        return None if value is None else Decimal(str(value))

    def set_eligibility(self, actor: Actor | None, e: Decimal | float | str | None) -> None:
        """Store e from today on (None: back to the data estimate). A setting: CHANGE_SETTINGS."""
        require(actor, Permission.CHANGE_SETTINGS)
        fraction = _to_fraction(e)
        self.settings.set(actor, E_SETTING, None if fraction is None else str(Decimal(str(e))))

    # -- lists ----------------------------------------------------------------------------
    def providers(self, actor: Actor | None) -> list[tuple[int, str]]:
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            return [(i, n) for i, n in s.execute(select(Provider.id, Provider.name).order_by(Provider.name))]

    # -- per queue ------------------------------------------------------------------------
    def queues(
        self,
        actor: Actor | None,
        provider: str | int | None = None,
        *,
        e: Fraction | Decimal | float | str | None = None,
        include_closed: bool = False,
    ) -> list[QueueProgress]:
        """One row per provider, open measurement period and queue that has cases."""
        require(actor, Permission.VIEW_PROGRESS)
        override = _to_fraction(e)
        stored = None if override is not None else _to_fraction(self.settings.get(E_SETTING))
        cap = self.settings.get("queue.inburgering.cap")
        purchased_cap = self.settings.get("queue.purchased.cap")
        caps = {"inburgering": cap, "purchased": purchased_cap}
        with self.ctx.db.unit_of_work() as s:
            return self._queues(s, provider, override, stored, caps, include_closed)

    def _queues(
        self,
        s: Session,
        provider: str | int | None,
        override: Fraction | None,
        stored: Fraction | None,
        caps: dict[str, Any],
        include_closed: bool,
    ) -> list[QueueProgress]:
        now = self.ctx.now()
        periods = select(MeasurementPeriod, Provider).join(Provider, Provider.id == MeasurementPeriod.provider_id)
        if provider is not None:
            periods = periods.where(Provider.id == find_provider(s, provider).id)
        if not include_closed:
            periods = periods.where(MeasurementPeriod.closed_at.is_(None))
        meta = {mp.id: (prov.id, prov.name, mp.start_date, mp.end_date) for mp, prov in s.execute(periods).all()}
        if not meta:
            return []
        ids = list(meta)
        tally: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
        groups: dict[tuple[int, str], Counter[str]] = defaultdict(Counter)
        for period_id, queue, status, attempts, final, contacted, held_by, lease in s.execute(
            select(CallCase.period_id, CallCase.queue, CallCase.status, CallCase.attempts, CallCase.final_outcome,
                   CallCase.contacted, CallCase.held_by, CallCase.lease_expires_at)
            .where(CallCase.period_id.in_(ids))
        ):
            t = tally[(period_id, queue)]
            t["sample"] += 1
            if status == "final":
                t["final"] += 1
                if final and final in outcome_table():
                    groups[(period_id, queue)][outcome_table().aapor_for(final, bool(contacted))[1]] += 1
                if is_unreachable(final, bool(contacted)):
                    t["unreachable"] += 1
            elif attempts:
                t["called_open"] += 1
            else:
                t["never_called"] += 1
            if held_by is not None and lease is not None and lease > now:
                t["held"] += 1
        today_start, today_end = days_bounds(local_day(now), local_day(now))
        for period_id, queue in s.execute(
            select(CallCase.period_id, CallCase.queue)
            .join(Appointment, Appointment.case_id == CallCase.id)
            .where(CallCase.period_id.in_(ids), Appointment.status == "open",
                   Appointment.due_at >= today_start, Appointment.due_at < today_end)
        ):
            tally[(period_id, queue)]["appointments"] += 1
        for period_id, queue in s.execute(
            select(CallCase.period_id, CallCase.queue)
            .join(Interview, Interview.case_id == CallCase.id)
            .where(CallCase.period_id.in_(ids), Interview.status == "complete", Interview.voided_at.is_(None))
        ):
            tally[(period_id, queue)]["completes"] += 1
        lines = {(period_id, queue): LineFigures(int(dials), int(answered), int(talk or 0))
                 for period_id, queue, dials, answered, talk in s.execute(
                     select(CallCase.period_id, CallCase.queue, func.count(CallAttempt.dialled_at),
                            func.count(CallAttempt.answered_at), func.sum(CallAttempt.talk_seconds))
                     .join(CallAttempt, CallAttempt.case_id == CallCase.id)
                     .where(CallCase.period_id.in_(ids), CallAttempt.dialled_at.is_not(None))
                     .group_by(CallCase.period_id, CallCase.queue))}
        rows = []
        for (period_id, queue), t in tally.items():
            g = groups[(period_id, queue)]
            counts = DispositionCounts(**{k.lower(): g[k] for k in GROUPS})
            e = override if override is not None else stored
            source = "override" if override is not None else "setting" if stored is not None else "data"
            prov_id, prov_name, start, end = meta[period_id]
            cap = caps.get(queue)
            rows.append(
                QueueProgress(
                    provider_id=prov_id, provider=prov_name, period_id=period_id, period_start=start,
                    period_end=end, queue=queue, sample=t["sample"], net_sample=t["sample"] - t["unreachable"],
                    never_called=t["never_called"], called_open=t["called_open"], held_now=t["held"],
                    appointments_today=t["appointments"], final=t["final"],
                    groups={k: g[k] for k in GROUPS}, completes=t["completes"],
                    cap=None if cap is None else int(cap), rates=outcome_rates(counts, e), e_source=source,
                    line=lines.get((period_id, queue), LineFigures(0, 0, 0)),
                )
            )
        return sorted(rows, key=lambda r: (r.provider, r.period_end, r.queue))

    # -- per language ---------------------------------------------------------------------
    def languages(self, actor: Actor | None, provider: str | int | None = None) -> list[LanguageProgress]:
        """Per language: open cases, those waiting for a speaker, completes (see the module)."""
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            return self._languages(s, provider)

    def _languages(self, s: Session, provider: str | int | None) -> list[LanguageProgress]:
        periods = select(MeasurementPeriod.id).where(MeasurementPeriod.closed_at.is_(None))
        if provider is not None:
            periods = periods.where(MeasurementPeriod.provider_id == find_provider(s, provider).id)
        ids = list(s.scalars(periods))
        if not ids:
            return []
        day_start, _ = days_bounds(local_day(self.ctx.now()), local_day(self.ctx.now()))
        spoken = set(s.scalars(
            select(UserLanguage.language).distinct().join(User, User.id == UserLanguage.user_id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.INTERVIEWER.value, User.disabled.is_(False), User.last_login_at >= day_start)
        ))
        open_cases: Counter[str] = Counter()
        for language, n in s.execute(
            select(CallCase.language, func.count()).where(CallCase.period_id.in_(ids), CallCase.status != "final")
            .group_by(CallCase.language)
        ):
            open_cases[language or SOURCE] += int(n)
        completes: Counter[str] = Counter()
        for language, n in s.execute(
            select(Interview.language, func.count()).join(CallCase, CallCase.id == Interview.case_id)
            .where(CallCase.period_id.in_(ids), Interview.status == "complete", Interview.voided_at.is_(None))
            .group_by(Interview.language)
        ):
            completes[language or SOURCE] += int(n)
        languages = sorted(set(open_cases) | set(completes), key=lambda c: (c != SOURCE, name_nl(c)))
        return [LanguageProgress(c, name_nl(c), open_cases[c], 0 if c == SOURCE or c in spoken else open_cases[c],
                                 completes[c]) for c in languages]

    # -- per interviewer ------------------------------------------------------------------
    def interviewers(self, actor: Actor | None, first: date, last: date) -> list[InterviewerStats]:
        """Per interviewer over the days ``first``..``last`` (local days), see module doc."""
        require(actor, Permission.VIEW_PROGRESS)
        if last < first:
            raise ValueError("de einddatum ligt voor de begindatum")
        with self.ctx.db.unit_of_work() as s:
            return self._interviewers(s, first, last)

    def _interviewers(self, s: Session, first: date, last: date) -> list[InterviewerStats]:
        start, end = days_bounds(first, last)
        attempts: dict[int, list[tuple[datetime, datetime, str | None]]] = defaultdict(list)
        line: dict[int, Counter[str]] = defaultdict(Counter)
        for user_id, started, ended, outcome, dialled, answered, talk in s.execute(
            select(CallAttempt.user_id, CallAttempt.started_at, CallAttempt.ended_at, CallAttempt.outcome,
                   CallAttempt.dialled_at, CallAttempt.answered_at, CallAttempt.talk_seconds)
            .where(CallAttempt.started_at >= start, CallAttempt.started_at < end, CallAttempt.user_id.is_not(None))
        ):
            if user_id is not None:
                attempts[user_id].append((started, ended or started, outcome))
                if dialled is not None:
                    line[user_id].update(dials=1, answered=int(answered is not None), talk=talk or 0)
        if not attempts:
            return []
        logins: dict[int, list[datetime]] = defaultdict(list)
        for user_id, at in s.execute(
            select(AuditEvent.user_id, AuditEvent.at)
            .where(AuditEvent.action == "login", AuditEvent.at >= start, AuditEvent.at < end,
                   AuditEvent.user_id.in_(list(attempts)))
        ):
            if user_id is not None:
                logins[user_id].append(at)
        lengths: dict[int, list[int]] = defaultdict(list)
        for user_id, started, completed in s.execute(
            select(Interview.started_by, Interview.started_at, Interview.completed_at)
            .where(Interview.status == "complete", Interview.voided_at.is_(None),
                   Interview.completed_at >= start, Interview.completed_at < end,
                   Interview.started_by.in_(list(attempts)))
        ):
            if user_id is not None and completed is not None:
                lengths[user_id].append(int((completed - started).total_seconds()))
        users = {u.id: u for u in s.scalars(select(User).where(User.id.in_(list(attempts))))}
        table = outcome_table()
        out = []
        for user_id, rows in attempts.items():
            contacts = sum(1 for *_, o in rows if o and o in table and table.get(o).contact)
            completes = sum(1 for *_, o in rows if o == COMPLETE)
            user = users.get(user_id)
            out.append(
                InterviewerStats(
                    user_id=user_id,
                    username=user.username if user else str(user_id),
                    display_name=user.display_name if user else "",
                    logged_in_seconds=logged_in_seconds(logins.get(user_id, []), [(a, b) for a, b, _ in rows]),
                    calls=len(rows),
                    contacts=contacts,
                    completes=completes,
                    interview_seconds=tuple(lengths.get(user_id, ())),
                    line=LineFigures(line[user_id]["dials"], line[user_id]["answered"], line[user_id]["talk"]),
                )
            )
        return sorted(out, key=lambda r: r.username)

    # -- charts ---------------------------------------------------------------------------
    def completes_per_day(
        self, actor: Actor | None, first: date, last: date, provider: str | int | None = None
    ) -> list[tuple[date, int]]:
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            return self._per_day(s, first, last, provider)

    def _per_day(self, s: Session, first: date, last: date, provider: str | int | None) -> list[tuple[date, int]]:
        start, end = days_bounds(first, last)
        stmt = (
            select(Interview.completed_at)
            .where(Interview.status == "complete", Interview.voided_at.is_(None),
                   Interview.completed_at >= start, Interview.completed_at < end)
        )
        if provider is not None:
            pid = find_provider(s, provider).id
            stmt = (stmt.join(CallCase, CallCase.id == Interview.case_id)
                    .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
                    .where(MeasurementPeriod.provider_id == pid))
        counts = Counter(local_day(at) for at in s.scalars(stmt) if at is not None)
        days = (last - first).days + 1
        return [(first + timedelta(days=i), counts[first + timedelta(days=i)]) for i in range(days)]

    def outcome_mix(
        self, actor: Actor | None, first: date, last: date, provider: str | int | None = None
    ) -> list[OutcomeCount]:
        """Outcomes of the call attempts in the range, most frequent first."""
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            return self._mix(s, first, last, provider)

    def _mix(self, s: Session, first: date, last: date, provider: str | int | None) -> list[OutcomeCount]:
        start, end = days_bounds(first, last)
        stmt = select(CallAttempt.outcome).where(
            CallAttempt.started_at >= start, CallAttempt.started_at < end, CallAttempt.outcome.is_not(None)
        )
        if provider is not None:
            pid = find_provider(s, provider).id
            stmt = (stmt.join(CallCase, CallCase.id == CallAttempt.case_id)
                    .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
                    .where(MeasurementPeriod.provider_id == pid))
        counts = Counter(code for code in s.scalars(stmt) if code)
        table = outcome_table()
        return [
            OutcomeCount(code, table.get(code).label_nl if code in table else code, n)
            for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]

    # -- all at once (the GUI page) -------------------------------------------------------
    def snapshot(
        self,
        actor: Actor | None,
        first: date,
        last: date,
        provider: str | int | None = None,
        *,
        e: Fraction | Decimal | float | str | None = None,
    ) -> ProgressSnapshot:
        require(actor, Permission.VIEW_PROGRESS)
        return ProgressSnapshot(
            at=self.ctx.now(),
            first=first,
            last=last,
            queues=tuple(self.queues(actor, provider, e=e)),
            interviewers=tuple(self.interviewers(actor, first, last)),
            completes_per_day=tuple(self.completes_per_day(actor, first, last, provider)),
            outcome_mix=tuple(self.outcome_mix(actor, first, last, provider)),
            e_setting=self.eligibility(actor),
            languages=tuple(self.languages(actor, provider)),
        )


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
