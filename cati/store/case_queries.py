"""The queries behind the call queues: candidate selection, row loading, quota counts, summaries.

Candidate selection is a handful of small, index-backed queries (each ``LIMIT batch``) instead of
one sort over the whole queue, so a claim stays cheap with 100,000 cases:

- never-called cases: ``status='new'`` (index ``ix_call_case_queue_status_next``)
- due retries: ``status='active' AND next_call_at <= now``, longest waiting first (same index)
- due appointments and callbacks: open ``appointment`` rows due in the last day (index on ``due_at``)
- partial interviews to resume: ``interview.status='partial'`` (small table)

The caller ranks the union with the pure rules (``cati.domain.priority.priority_key``). On
PostgreSQL the rows are locked ``FOR UPDATE SKIP LOCKED`` so concurrent claimers never wait for or
take each other's candidates; on SQLite the caller runs inside ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from cati.store.case_mapping import PRIORITY_FINAL, CaseRows
from cati.store.models import (
    Appointment,
    CallCase,
    DoNotCall,
    Interview,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
)

QUEUES: tuple[str, ...] = ("purchased", "inburgering")
FINAL = "final"
COMPLETE = "COMPLETE"
APPOINTMENT_LOOKBACK = timedelta(days=1)
PER_PAIR_MAX = 4  # up to this many (period, queue) pairs get their own candidate queries

Pair = tuple[int, str]  # (period id, queue)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def open_pairs(session: Session, provider_id: int | None, queue: str | None) -> list[Pair]:
    """(period, queue) pairs an interviewer may work: periods neither closed nor purged."""
    stmt = select(MeasurementPeriod.id).where(
        MeasurementPeriod.closed_at.is_(None), MeasurementPeriod.purged_at.is_(None)
    )
    if provider_id is not None:
        stmt = stmt.where(MeasurementPeriod.provider_id == provider_id)
    queues = (queue,) if queue else QUEUES
    return [(pid, q) for pid in session.scalars(stmt.order_by(MeasurementPeriod.id)) for q in queues]


def _pair_filter(pairs: Sequence[Pair]) -> Any:
    periods = sorted({p for p, _ in pairs})
    queues = sorted({q for _, q in pairs})
    return and_(CallCase.period_id.in_(periods), CallCase.queue.in_(queues))


def _free(now: datetime) -> Any:
    return or_(CallCase.held_by.is_(None), CallCase.lease_expires_at <= now)


def _lock(stmt: Select[Any], lock: bool) -> Select[Any]:
    return stmt.with_for_update(skip_locked=True, of=CallCase) if lock else stmt


def candidate_ids(session: Session, pairs: Sequence[Pair], now: datetime, batch: int, lock: bool) -> list[int]:
    """Ids of a small set of possibly-due, unheld cases in these queues (ranked by the caller)."""
    if not pairs:
        return []
    where = _pair_filter(pairs)
    found: dict[int, None] = {}

    def run(stmt: Select[Any]) -> None:
        for cid in session.scalars(_lock(stmt.limit(batch), lock)):
            found.setdefault(cid, None)

    appt = (
        select(CallCase.id)
        .join(Appointment, Appointment.case_id == CallCase.id)
        .where(
            Appointment.status == "open",
            Appointment.due_at <= now,
            Appointment.due_at > now - APPOINTMENT_LOOKBACK,
            where,
            CallCase.status != FINAL,
            _free(now),
        )
        .order_by(Appointment.due_at.desc())
    )
    run(appt)
    # partial interviews: read the (small) interview table first, so no plan scans the cases
    partial_cases = list(session.scalars(
        select(Interview.case_id).where(Interview.status == "partial", Interview.voided_at.is_(None)).distinct()
    ))
    for lo in range(0, len(partial_cases), 500):
        run(select(CallCase.id).where(
            CallCase.id.in_(partial_cases[lo:lo + 500]),
            where,
            CallCase.status != FINAL,
            CallCase.last_outcome == "PARTIAL",
            or_(CallCase.next_call_at.is_(None), CallCase.next_call_at <= now),
            _free(now),
        ))
        if len(found) >= 2 * batch:
            break
    # never-called cases and due retries: per queue while there are few (each queue gets its share,
    # in index order), else one query over all of them
    groups = [[pair] for pair in pairs] if len(pairs) <= PER_PAIR_MAX else [list(pairs)]
    for group in groups:
        scope = _pair_filter(group)
        single = len(group) == 1
        new = select(CallCase.id).where(
            scope, CallCase.status == "new", or_(CallCase.next_call_at.is_(None), CallCase.next_call_at <= now),
            _free(now),
        )
        run(new.order_by(CallCase.next_call_at) if single else new)
        due = select(CallCase.id).where(scope, CallCase.status == "active", CallCase.next_call_at <= now, _free(now))
        run(due.order_by(CallCase.next_call_at) if single else due)
    return list(found)


def lock_case(session: Session, case_id: int) -> CallCase | None:
    """The case row, locked for update on PostgreSQL (SQLite: the caller's BEGIN IMMEDIATE)."""
    stmt = select(CallCase).where(CallCase.id == case_id).execution_options(populate_existing=True)
    if is_postgres(session):
        stmt = stmt.with_for_update()
    return session.scalars(stmt).one_or_none()


def lock_period(session: Session, period_id: int) -> None:
    """Serialise quota decisions of one period: PostgreSQL row lock (SQLite: BEGIN IMMEDIATE)."""
    if is_postgres(session):
        session.execute(select(MeasurementPeriod.id).where(MeasurementPeriod.id == period_id).with_for_update())


def load_rows(session: Session, cases: Iterable[CallCase]) -> dict[int, CaseRows]:
    """Phones and open appointment of each case, in two queries."""
    cases = list(cases)
    ids = [c.id for c in cases]
    if not ids:
        return {}
    phones: dict[int, list[PhoneNumber]] = {}
    for p in session.scalars(
        select(PhoneNumber).join(CallCase, CallCase.client_id == PhoneNumber.client_id)
        .where(CallCase.id.in_(ids)).order_by(PhoneNumber.position)
    ):
        phones.setdefault(p.client_id, []).append(p)
    appts: dict[int, Appointment] = {}
    for a in session.scalars(
        select(Appointment).where(Appointment.case_id.in_(ids), Appointment.status == "open").order_by(Appointment.id)
    ):
        appts[a.case_id] = a  # the newest open one
    return {c.id: CaseRows(c, tuple(phones.get(c.client_id, ())), appts.get(c.id)) for c in cases}


def load_cases(session: Session, ids: Sequence[int]) -> list[CallCase]:
    if not ids:
        return []
    return list(session.scalars(select(CallCase).where(CallCase.id.in_(ids)).execution_options(populate_existing=True)))


def do_not_call(session: Session, numbers: Iterable[str]) -> set[str]:
    wanted = sorted({n for n in numbers if n})
    if not wanted:
        return set()
    return set(session.scalars(select(DoNotCall.e164).where(DoNotCall.e164.in_(wanted))))


def add_do_not_call(session: Session, e164: str, source: str, at: datetime) -> None:
    """Put a number on the do-not-call list (no error when it is already there)."""
    values = {"e164": e164, "source": source[:100], "added_at": at}
    if is_postgres(session):
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(DoNotCall).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(DoNotCall).values(**values).on_conflict_do_nothing())


def has_open_cases(session: Session, period_id: int, queue: str) -> bool:
    """Any case of this queue not final yet (an index probe)."""
    return session.scalar(
        select(CallCase.id).where(CallCase.period_id == period_id, CallCase.queue == queue,
                                  CallCase.status.in_(("new", "active"))).limit(1)
    ) is not None


def completes(session: Session, period_id: int, queue: str) -> int:
    return int(session.scalar(
        select(func.count()).select_from(CallCase).where(
            CallCase.period_id == period_id, CallCase.queue == queue, CallCase.status == FINAL,
            CallCase.final_outcome == COMPLETE,
        )
    ) or 0)


def live_in_progress(
    session: Session, period_id: int, queue: str, now: datetime, exclude_interview: int | None = None
) -> int:
    """Interviews in progress on a case whose lease is live (a crashed client's place frees up).

    Reads the (small) set of in-progress interviews first, so no plan scans the cases.
    """
    stmt = select(Interview.case_id).where(Interview.status == "in_progress", Interview.voided_at.is_(None))
    if exclude_interview is not None:
        stmt = stmt.where(Interview.id != exclude_interview)
    case_ids = list(session.scalars(stmt))
    total = 0
    for lo in range(0, len(case_ids), 500):
        total += int(session.scalar(
            select(func.count()).select_from(CallCase).where(
                CallCase.id.in_(case_ids[lo:lo + 500]), CallCase.period_id == period_id, CallCase.queue == queue,
                CallCase.status != FINAL, CallCase.held_by.is_not(None), CallCase.lease_expires_at > now,
            )
        ) or 0)
    return total


def close_for_quota(session: Session, period_id: int, queue: str) -> int:
    """End every open case of the queue as QUOTA_FULL (no attempt); returns how many."""
    open_ids = select(CallCase.id).where(
        CallCase.period_id == period_id, CallCase.queue == queue, CallCase.status != FINAL
    )
    ids = list(session.scalars(open_ids))
    if not ids:
        return 0
    session.execute(
        update(Appointment).where(Appointment.case_id.in_(ids), Appointment.status == "open")
        .values(status="cancelled").execution_options(synchronize_session=False)
    )
    session.execute(
        update(Interview).where(Interview.case_id.in_(ids), Interview.status == "in_progress")
        .values(status="partial").execution_options(synchronize_session=False)
    )
    session.execute(
        update(CallCase).where(CallCase.id.in_(ids)).values(
            status=FINAL, final_outcome="QUOTA_FULL", next_call_at=None, held_by=None, lease_expires_at=None,
            priority=PRIORITY_FINAL,
        ).execution_options(synchronize_session=False)
    )
    return len(ids)


def next_planned(session: Session, pairs: Sequence[Pair], now: datetime) -> datetime | None:
    """The earliest planned call after ``now`` in these queues (for "nothing to do until ...")."""
    if not pairs:
        return None
    value: datetime | None = session.scalar(
        select(func.min(CallCase.next_call_at)).where(
            _pair_filter(pairs), CallCase.status != FINAL, CallCase.next_call_at > now
        )
    )
    return value


def summary_rows(session: Session, provider_id: int | None, now: datetime) -> list[Any]:
    """Per provider, period and queue: cases, never called, in progress, final, completes."""
    held = and_(CallCase.held_by.is_not(None), CallCase.lease_expires_at > now)
    in_progress = and_(CallCase.status != FINAL, or_(held, CallCase.last_outcome == "PARTIAL"))
    stmt = (
        select(
            Provider.id, Provider.name, MeasurementPeriod.id, MeasurementPeriod.start_date,
            MeasurementPeriod.end_date, CallCase.queue,
            func.count(CallCase.id),
            func.sum(case((and_(CallCase.attempts == 0, CallCase.status != FINAL), 1), else_=0)),
            func.sum(case((in_progress, 1), else_=0)),
            func.sum(case((CallCase.status == FINAL, 1), else_=0)),
            func.sum(case((CallCase.final_outcome == COMPLETE, 1), else_=0)),
        )
        .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
        .join(Provider, Provider.id == MeasurementPeriod.provider_id)
        .group_by(Provider.id, Provider.name, MeasurementPeriod.id, MeasurementPeriod.start_date,
                  MeasurementPeriod.end_date, CallCase.queue)
        .order_by(Provider.name, MeasurementPeriod.start_date, CallCase.queue)
    )
    if provider_id is not None:
        stmt = stmt.where(Provider.id == provider_id)
    return list(session.execute(stmt).all())
