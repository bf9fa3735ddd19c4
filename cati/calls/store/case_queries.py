"""The queries behind the call queues: case locks, row loading, quota counts, summaries.

The claim path's Core statements (candidates, the claim, the case card) live in
:mod:`cati.calls.store.claim_queries` and the outcome writes in :mod:`cati.calls.store.outcome_writes`;
:class:`ClaimQueries` and its result types are re-exported here.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Role
from cati.calls.rules.leases import lost_attempt
from cati.calls.rules.outcomes import DESK_LOST, DO_NOT_CALL, PARTIAL
from cati.calls.store.case_mapping import CaseRows
from cati.calls.store.claim_queries import CardRows, ClaimQueries
from cati.calls.store.claim_sql import COMPLETE, FINAL, OPEN_INTERVIEW, Pair
from cati.platform.do_not_call import add, listed
from cati.platform.models import (
    Appointment,
    CallAttempt,
    CallCase,
    Client,
    Interview,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
    User,
    UserLanguage,
    UserRole,
)

__all__ = [
    "COMPLETE",
    "FINAL",
    "OPEN_INTERVIEW",
    "QUEUES",
    "BACKCHECK_QUEUE",
    "add_backcheck",
    "CardRows",
    "ClaimQueries",
    "Pair",
    "add_do_not_call",
    "close_for_quota",
    "close_without_number",
    "completes",
    "do_not_call",
    "is_postgres",
    "live_in_progress",
    "load_rows",
    "lock_case",
    "lock_period",
    "next_planned",
    "release_lost",
    "interviewer_names",
    "open_pairs",
    "user_id",
    "summary_rows",
]

#: the call queues: the two survey queues, and the back-checks of reviewed interviews (a queue of their
#: own: never capped, billed or counted as completes of the survey)
BACKCHECK_QUEUE = "backcheck"
QUEUES: tuple[str, ...] = ("purchased", "inburgering", BACKCHECK_QUEUE)


def add_backcheck(session: Session, case_id: int, interviewer_id: int, now: datetime) -> int:
    """A back-check case for the client of ``case_id`` (see ``CallService.add_backcheck_in``); raises
    ValueError with the Dutch reason when none can be made."""
    orig = session.get(CallCase, case_id)
    if orig is None:
        raise ValueError(f"Zaak {case_id} bestaat niet")
    period = session.get(MeasurementPeriod, orig.period_id)
    assert period is not None
    if period.closed_at is not None or period.purged_at is not None:
        raise ValueError("De meetperiode is gesloten: er kan niet meer gebeld worden")
    earlier = session.scalar(select(CallCase).where(CallCase.client_id == orig.client_id,
                                                    CallCase.queue == BACKCHECK_QUEUE))
    if earlier is not None:
        state = "loopt nog" if earlier.status != FINAL else f"is afgesloten met {earlier.final_outcome}"
        raise ValueError(f"Deze cliënt heeft al een nacontrole (zaak {earlier.id}, {state})")
    phones = list(session.scalars(select(PhoneNumber).where(PhoneNumber.client_id == orig.client_id)
                                  .order_by(PhoneNumber.position)))
    listed = do_not_call(session, [p.e164 for p in phones if p.e164])
    if not any(p.e164 and (p.status or "active") == "active" and p.e164 not in listed for p in phones):
        raise ValueError("De cliënt heeft geen nummer meer dat gebeld mag worden")
    case = CallCase(client_id=orig.client_id, period_id=orig.period_id, queue=BACKCHECK_QUEUE, status="new",
                    attempts=0, next_call_at=now, state="{}", language=orig.language,
                    current_phone_position=orig.current_phone_position, checks_interviewer=interviewer_id,
                    created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    return case.id


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _pair_filter(pairs: Sequence[Pair]) -> Any:
    periods = sorted({p for p, _ in pairs})
    queues = sorted({q for _, q in pairs})
    return and_(CallCase.period_id.in_(periods), CallCase.queue.in_(queues))


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


def do_not_call(session: Session, numbers: Iterable[str]) -> set[str]:
    """The numbers among ``numbers`` on the do-not-call list (:mod:`cati.platform.do_not_call`)."""
    return listed(session, numbers)


def add_do_not_call(session: Session, e164: str, source: str, at: datetime) -> None:
    """Put a number on the do-not-call list (no error when it is already there)."""
    add(session, (e164,), source, at)


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
    """End every open case of the queue as QUOTA_FULL (no attempt); returns how many. The lock order
    of every transaction: the period row, then the cases (in id order), then their appointments and
    interviews (an outcome locks its case, then its appointment: never the other way round)."""
    lock_period(session, period_id)
    open_ids = (select(CallCase.id).where(CallCase.period_id == period_id, CallCase.queue == queue,
                                          CallCase.status != FINAL).order_by(CallCase.id))
    if is_postgres(session):
        open_ids = open_ids.with_for_update()
    ids = list(session.scalars(open_ids))
    for lo in range(0, len(ids), 1000):
        part = ids[lo:lo + 1000]
        session.execute(
            update(CallCase).where(CallCase.id.in_(part), CallCase.status != FINAL).values(
                status=FINAL, final_outcome="QUOTA_FULL", next_call_at=None, held_by=None, lease_expires_at=None,
                claimed_at=None,
            ).execution_options(synchronize_session=False)
        )
        session.execute(
            update(Appointment).where(Appointment.case_id.in_(part), Appointment.status == "open")
            .values(status="cancelled").execution_options(synchronize_session=False)
        )
        session.execute(
            update(Interview).where(Interview.case_id.in_(part), Interview.status == "in_progress")
            .values(status="partial").execution_options(synchronize_session=False)
        )
    return len(ids)


def open_pairs(session: Session, provider_id: int | None, queues: Sequence[str]) -> list[Pair]:
    """The (period, queue) pairs a claim looks in: open periods (of one provider) x ``queues``."""
    stmt = select(MeasurementPeriod.id).where(MeasurementPeriod.closed_at.is_(None),
                                              MeasurementPeriod.purged_at.is_(None))
    if provider_id is not None:
        stmt = stmt.where(MeasurementPeriod.provider_id == provider_id)
    return [(int(pid), q) for pid in session.scalars(stmt.order_by(MeasurementPeriod.id)) for q in queues]


def interviewer_names(session: Session) -> list[str]:
    """User names of the enabled users with the interviewer role, sorted."""
    return list(session.scalars(
        select(User.username).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.INTERVIEWER.value, User.disabled.is_(False)).order_by(User.username)))


def client_variant(session: Session, case_id: int) -> str:
    """The form variant of a case's client (regular, low_threshold)."""
    value = session.scalar(select(Client.variant).join(CallCase, CallCase.client_id == Client.id)
                           .where(CallCase.id == case_id))
    return str(value or "regular")


def user_languages(session: Session, user: int) -> frozenset[str]:
    """The languages a user speaks besides Dutch."""
    return frozenset(session.scalars(select(UserLanguage.language).where(UserLanguage.user_id == user)))


def spoken(session: Session, logged_in_since: datetime | None = None) -> frozenset[str]:
    """The languages enabled interviewers speak (``logged_in_since``: of those who logged in since then)."""
    stmt = (
        select(UserLanguage.language).distinct()
        .join(User, User.id == UserLanguage.user_id).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.INTERVIEWER.value, User.disabled.is_(False))
    )
    if logged_in_since is not None:
        stmt = stmt.where(User.last_login_at >= logged_in_since)
    return frozenset(session.scalars(stmt))


def user_id(session: Session, username: str) -> int | None:
    """A user's id by user name (None: no such user)."""
    value = session.scalar(select(User.id).where(User.username == username.strip()))
    return None if value is None else int(value)


def release_lost(session: Session, now: datetime, lease_minutes: int) -> list[tuple[int, int, int]]:
    """Close the attempts of desks that are gone: every open case whose lease ran out gets a DESK_LOST
    attempt for its holder (``leases.lost_attempt``: from the claim to the last lease renewal), an
    interview in progress on it becomes partial (the case then resumes it: last outcome PARTIAL), and
    the case is released. Cases another transaction holds are left for the next sweep. Returns
    (case, user, attempt) per released case."""
    stmt = (select(CallCase).where(CallCase.held_by.is_not(None), CallCase.lease_expires_at <= now,
                                   CallCase.status != FINAL).order_by(CallCase.id))
    if is_postgres(session):
        stmt = stmt.with_for_update(skip_locked=True)
    released = []
    for held in session.scalars(stmt):
        assert held.held_by is not None and held.lease_expires_at is not None
        started, ended = lost_attempt(held.claimed_at, held.lease_expires_at, lease_minutes)
        phone = session.scalar(select(PhoneNumber.id).where(
            PhoneNumber.client_id == held.client_id, PhoneNumber.position == held.current_phone_position))
        attempt = CallAttempt(case_id=held.id, phone_id=phone, user_id=held.held_by, started_at=started,
                              ended_at=ended, outcome=DESK_LOST, note="")
        session.add(attempt)
        interrupted = session.execute(
            update(Interview).where(Interview.case_id == held.id, Interview.status == "in_progress")
            .values(status="partial").execution_options(synchronize_session=False))
        if int(getattr(interrupted, "rowcount", 0) or 0):
            held.last_outcome = PARTIAL
        session.flush()
        released.append((held.id, held.held_by, attempt.id))
        held.held_by, held.lease_expires_at, held.claimed_at, held.released_at = None, None, None, ended
    return released


def lost_by(session: Session, case_id: int, user: int) -> datetime | None:
    """When the case's last attempt is this user's DESK_LOST (the sweep released the case of this
    user's desk and nobody has called it since): that attempt's start, the claim; else None."""
    last = session.execute(select(CallAttempt.user_id, CallAttempt.outcome, CallAttempt.started_at)
                           .where(CallAttempt.case_id == case_id)
                           .order_by(CallAttempt.id.desc()).limit(1)).one_or_none()
    if last is None or last.user_id != user or last.outcome != DESK_LOST:
        return None
    started: datetime = last.started_at
    return started


def close_without_number(session: Session, client_ids: Collection[int], now: datetime) -> int:
    """End the open cases of these clients that have no active number left as DO_NOT_CALL (no
    attempt); how many."""
    closed = 0
    ids = sorted(set(client_ids))
    for lo in range(0, len(ids), 500):
        part = ids[lo:lo + 500]
        dialable = set(session.scalars(select(PhoneNumber.client_id).where(
            PhoneNumber.client_id.in_(part), PhoneNumber.status == "active", PhoneNumber.e164.is_not(None))))
        dead = [c for c in part if c not in dialable]
        if not dead:
            continue
        result = session.execute(
            update(CallCase).where(CallCase.client_id.in_(dead), CallCase.status != FINAL)
            .values(status=FINAL, final_outcome=DO_NOT_CALL, last_outcome=DO_NOT_CALL, next_call_at=None,
                    held_by=None, lease_expires_at=None, updated_at=now),
            execution_options={"synchronize_session": False})
        closed += int(getattr(result, "rowcount", 0) or 0)
    return closed


def next_planned(
    session: Session, pairs: Sequence[Pair], now: datetime, languages: Collection[str] | None = None
) -> datetime | None:
    """The earliest planned call after ``now`` in these queues (for "nothing to do until ..."); with
    ``languages``, of the cases that need none of them or one of these."""
    if not pairs:
        return None
    stmt = select(func.min(CallCase.next_call_at)).where(
        _pair_filter(pairs), CallCase.status != FINAL, CallCase.next_call_at > now
    )
    if languages is not None:
        stmt = stmt.where(or_(CallCase.language.is_(None), CallCase.language.in_(sorted(languages))))
    value: datetime | None = session.scalar(stmt)
    return value


def summary_rows(session: Session, provider_id: int | None, now: datetime) -> list[Any]:
    """Per provider, period and queue: cases, never called, in progress, final, completes."""
    held = and_(CallCase.held_by.is_not(None), CallCase.lease_expires_at > now)
    held_or_partial = and_(CallCase.status != FINAL, or_(held, CallCase.last_outcome == "PARTIAL"))
    stmt = (
        select(
            Provider.id, Provider.name, MeasurementPeriod.id, MeasurementPeriod.start_date,
            MeasurementPeriod.end_date, CallCase.queue,
            func.count(CallCase.id),
            func.sum(case((and_(CallCase.attempts == 0, CallCase.status != FINAL), 1), else_=0)),
            func.sum(case((held_or_partial, 1), else_=0)),
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

