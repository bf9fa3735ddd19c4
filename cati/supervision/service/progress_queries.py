"""The queries behind the progress figures (:mod:`cati.supervision.service.progress` says what each
counts): per provider, period and queue, per language, per interviewer, completes per day and the
outcome mix. Each runs in the caller's session; :class:`~cati.supervision.service.progress.ProgressService`
checks the role and opens the unit of work.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Role
from cati.calls.rules.outcomes import COMPLETE
from cati.core.languages import SOURCE, name_nl
from cati.core.localtime import days_bounds, local_day
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
from cati.supervision.rules.rates import DispositionCounts, outcome_rates
from cati.supervision.service.progress_figures import (
    GROUPS,
    InterviewerStats,
    LanguageProgress,
    LineFigures,
    OutcomeCount,
    QueueProgress,
)
from cati.supervision.service.reports import find_provider, is_unreachable, outcome_table


def queue_progress(
    s: Session,
    now: datetime,
    provider: str | int | None,
    override: Fraction | None,
    stored: Fraction | None,
    caps: dict[str, Any],
    include_closed: bool,
) -> list[QueueProgress]:
    """One row per provider, measurement period (open ones only unless ``include_closed``) and queue that
    has cases; ``override`` or else ``stored`` is e, ``caps`` the settings' caps per queue."""
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


def language_progress(s: Session, now: datetime, provider: str | int | None) -> list[LanguageProgress]:
    """Per language: open cases, those waiting for a speaker who logged in today, completes."""
    periods = select(MeasurementPeriod.id).where(MeasurementPeriod.closed_at.is_(None))
    if provider is not None:
        periods = periods.where(MeasurementPeriod.provider_id == find_provider(s, provider).id)
    ids = list(s.scalars(periods))
    if not ids:
        return []
    day_start, _ = days_bounds(local_day(now), local_day(now))
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


def interviewer_stats(s: Session, first: date, last: date) -> list[InterviewerStats]:
    """Per interviewer who started a call attempt over the local days ``first``..``last``."""
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


def completes_per_day(s: Session, first: date, last: date, provider: str | int | None) -> list[tuple[date, int]]:
    """Complete, not voided interviews per local day ``first``..``last``, days without any too."""
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


def outcome_mix(s: Session, first: date, last: date, provider: str | int | None) -> list[OutcomeCount]:
    """Outcomes of the call attempts in the range, most frequent first."""
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
