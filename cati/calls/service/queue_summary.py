"""Supervision of the call queues: per-queue counts, why a case is (not) callable, my appointments.

Read-only helpers behind :class:`cati.calls.service.calls.CallService` (which checks permissions and
raises its errors); each takes the caller's session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.calls.rules.explain import Explanation, explain
from cati.calls.rules.order import RULES, Tier
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.service.case_card import AppointmentInfo, appointment_info
from cati.calls.store import case_queries as cq
from cati.calls.store.case_mapping import to_state
from cati.platform.models import (
    Appointment,
    CallAttempt,
    CallCase,
    Client,
    Interview,
    MeasurementPeriod,
    Provider,
    User,
)

__all__ = ["CaseExplanation", "MyQueue", "QueueOrderRow", "QueueRow", "appointments_of", "explain_cases",
           "my_queues", "order_rows", "provider_ids", "summary"]


@dataclass(frozen=True)
class QueueRow:
    provider_id: int
    provider_name: str
    period_id: int
    period_start: date
    period_end: date
    queue: str
    cases: int
    never_called: int
    held_or_partial: int  # held by an interviewer now, or a partial interview to resume
    final: int
    completes: int
    cap: int | None

    @property
    def cap_text(self) -> str:
        """``"23/25"``, or ``"23"`` without a cap."""
        return f"{self.completes}/{self.cap}" if self.cap is not None else str(self.completes)


@dataclass(frozen=True)
class QueueOrderRow:
    """A due case in the call order (``cati queue --order``, the supervision tab's list)."""

    position: int  # 1 = the next claim takes it
    case_id: int
    provider_name: str
    queue: str
    tier: str  # the tier's Dutch name (``order.TierRule.label_nl``)
    attempts: int
    due_since: datetime | None  # the planned call (a new case: when it came in)
    last_attempt_at: datetime | None
    reserved_for: str | None  # the interviewer an appointment is kept for now (user name)
    language: str | None = None  # the language the case needs a speaker of (None: Dutch)


def order_rows(s: Session, rows: Sequence[Any]) -> list[QueueOrderRow]:
    """The rows of ``claim_select.QueueOrder`` as :class:`QueueOrderRow`\\ s (names read once)."""
    users = {r.reserved_for for r in rows if r.reserved_for is not None}
    names = dict(s.execute(select(User.id, User.username).where(User.id.in_(users))).all()) if users else {}
    periods = {r.period_id for r in rows}
    providers = dict(s.execute(select(MeasurementPeriod.id, Provider.name).join(
        Provider, Provider.id == MeasurementPeriod.provider_id).where(MeasurementPeriod.id.in_(periods))).all()) \
        if periods else {}
    return [
        QueueOrderRow(i, r.id, providers.get(r.period_id, ""), r.queue, RULES[Tier(r.tier)].label_nl, r.attempts,
                      r.next_call_at, r.last_attempt_at,
                      None if r.reserved_for is None else names.get(r.reserved_for, str(r.reserved_for)),
                      r.language)
        for i, r in enumerate(rows, start=1)
    ]


@dataclass(frozen=True)
class CaseExplanation:
    case_id: int
    client_number: str
    provider_name: str
    queue: str
    status: str
    attempts: int
    last_outcome: str | None
    final_outcome: str | None
    explanation: Explanation


@dataclass(frozen=True)
class MyQueue:
    """A queue an interviewer may work, as the desk lists it."""

    provider_id: int
    provider_name: str
    queue: str
    open_cases: int  # not final
    completes_today: int  # by anyone
    my_calls_today: int
    my_completes_today: int
    cap: int | None


def my_queues(
    s: Session, user_id: int, day_start: datetime, day_end: datetime, caps: Mapping[str, int | None]
) -> list[MyQueue]:
    """Every queue with cases in an open measurement period, with today's counts (three small
    grouped queries; no names or numbers of clients)."""
    key = (Provider.id, Provider.name, CallCase.queue)
    scope = (
        select(*key)
        .select_from(CallCase)
        .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
        .join(Provider, Provider.id == MeasurementPeriod.provider_id)
        .where(MeasurementPeriod.closed_at.is_(None))
    )
    open_rows = s.execute(
        scope.add_columns(func.sum(sql_case((CallCase.status != "final", 1), else_=0))).group_by(*key)
    ).all()
    done = dict(
        ((pid, q), int(n))
        for pid, _, q, n in s.execute(
            scope.join(Interview, Interview.case_id == CallCase.id)
            .where(Interview.status == "complete", Interview.completed_at >= day_start,
                   Interview.completed_at < day_end)
            .add_columns(func.count()).group_by(*key)
        )
    )
    mine = {
        (pid, q): (int(n), int(c or 0))
        for pid, _, q, n, c in s.execute(
            scope.join(CallAttempt, CallAttempt.case_id == CallCase.id)
            .where(CallAttempt.user_id == user_id, CallAttempt.started_at >= day_start,
                   CallAttempt.started_at < day_end)
            .add_columns(func.count(), func.sum(sql_case((CallAttempt.outcome == "COMPLETE", 1), else_=0)))
            .group_by(*key)
        )
    }
    return sorted(
        (
            MyQueue(pid, name, q, int(n or 0), done.get((pid, q), 0), *mine.get((pid, q), (0, 0)), caps.get(q))
            for pid, name, q, n in open_rows
        ),
        key=lambda r: (r.provider_name, r.queue),
    )


def summary(s: Session, provider_id: int | None, now: datetime, caps: Mapping[str, int | None]) -> list[QueueRow]:
    """Per provider, period and queue: cases, never called, in progress, final, completes, cap."""
    return [
        QueueRow(pid, pname, mid, start, end, queue, int(n), int(new or 0), int(busy or 0), int(final or 0),
                 int(done or 0), caps.get(queue))
        for pid, pname, mid, start, end, queue, n, new, busy, final, done in cq.summary_rows(s, provider_id, now)
    ]


def explain_cases(
    s: Session,
    ref: int | str,
    provider_id: int | None,
    now: datetime,
    settings: SchedulerSettings,
    caps: Mapping[str, int | None],
    room: Callable[[cq.Pair, int], bool],
    spoken_today: frozenset[str] | None = None,
) -> tuple[CaseExplanation, ...]:
    """Why each case matching ``ref`` (a case id, or a client number) is or is not callable now;
    empty when nothing matches. ``room(pair, cap)`` says whether a capped queue has a place;
    ``spoken_today``: the languages of the interviewers who logged in today."""
    stmt = (
        select(CallCase, Client.client_number, Provider.name)
        .join(Client, Client.id == CallCase.client_id)
        .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
        .join(Provider, Provider.id == MeasurementPeriod.provider_id)
    )
    if isinstance(ref, int):
        stmt = stmt.where(CallCase.id == ref)
    else:
        stmt = stmt.where(Client.client_number == ref.strip())
    if provider_id is not None:
        stmt = stmt.where(Provider.id == provider_id)
    found = list(s.execute(stmt.order_by(CallCase.id)).all())
    if not found:
        return ()
    rows = cq.load_rows(s, [c for c, _, _ in found])
    dnc = cq.do_not_call(s, (p.e164 or "" for r in rows.values() for p in r.phones))
    result = []
    for case, number, provider in found:
        state = to_state(rows[case.id], settings.calendar, dnc)
        why = explain(state, now, settings, None, spoken_today)
        cap = caps.get(case.queue)
        if why.callable_now and cap is not None and not room((case.period_id, case.queue), cap):
            why = Explanation(
                False, "QUOTA_NO_ROOM",
                f"Het quotum ({cap}) is vol of alle plaatsen zijn bezet door lopende interviews",
                "quota full or all places taken by interviews in progress", None,
            )
        result.append(CaseExplanation(case.id, number, provider, case.queue, case.status, case.attempts,
                                      case.last_outcome, case.final_outcome, why))
    return tuple(result)


def appointments_of(s: Session, user_id: int) -> list[AppointmentInfo]:
    """Open appointments this user made on cases not final yet, soonest first."""
    stmt = (
        select(Appointment, Client.name, Provider.name, User.display_name)
        .join(CallCase, CallCase.id == Appointment.case_id)
        .join(Client, Client.id == CallCase.client_id)
        .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
        .join(Provider, Provider.id == MeasurementPeriod.provider_id)
        .outerjoin(User, User.id == Appointment.made_by)
        .where(Appointment.made_by == user_id, Appointment.status == "open", CallCase.status != cq.FINAL)
        .order_by(Appointment.due_at)
    )
    return [appointment_info(a, name or "", prov, by or "") for a, name, prov, by in s.execute(stmt)]


def provider_ids(s: Session, ref: str | int) -> list[int]:
    """Providers matching an id or a (case-insensitive) name; exact name matches before partial ones."""
    text = str(ref).strip()
    if text.isdigit() and s.get(Provider, int(text)) is not None:
        return [int(text)]
    found = list(s.scalars(select(Provider.id).where(Provider.name.ilike(text))))
    if not found:
        found = list(s.scalars(select(Provider.id).where(Provider.name.ilike(f"%{text}%"))))
    return found
