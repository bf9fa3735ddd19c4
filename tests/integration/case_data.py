"""Test data for the call queues, inserted straight into the tables (not through the import service)."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from cati.accounts.rules.roles import Actor, Role
from cati.interviews.rules import AnswerRejected
from cati.platform import do_not_call
from cati.platform.contact import contact_sealer
from cati.platform.models import CallCase, Client, MeasurementPeriod, PhoneNumber, Provider

PASSWORDS = {
    "admin": "admin-wachtwoord",
    "sanne": "sanne-wachtwoord",
    "anna": "anna-wachtwoord",
    "bram": "bram-wachtwoord",
    "cees": "cees-wachtwoord",
}


@dataclass(frozen=True)
class QueueData:
    provider_id: int
    period_id: int
    case_ids: tuple[int, ...]
    numbers: tuple[tuple[str, ...], ...]  # per case, the E.164 numbers by position


def users(services) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    """admin, a supervisor (sanne) and three interviewers (anna, bram, cees), logged in."""
    services.users.add_user(None, "admin", PASSWORDS["admin"], {Role.ADMIN})
    admin = services.users.login("admin", PASSWORDS["admin"])
    services.users.add_user(admin, "sanne", PASSWORDS["sanne"], {Role.SUPERVISOR})
    for name in ("anna", "bram", "cees"):
        services.users.add_user(admin, name, PASSWORDS[name], {Role.INTERVIEWER})
    return {name: services.users.login(name, pw) for name, pw in PASSWORDS.items()}


_counter = iter(range(1, 10**9))


def add_queue(
    db,  # type: ignore[no-untyped-def]
    n: int,
    queue: str = "purchased",
    *,
    provider: str | None = None,
    numbers_per_client: int = 1,
    service: int | None = None,
    variant: str = "regular",
    period: tuple[date, date] = (date(2026, 1, 1), date(2026, 12, 31)),
) -> QueueData:
    """A provider with one measurement period and ``n`` clients in ``queue``, each with numbers."""
    tag = next(_counter)
    name = provider or f"Aanbieder {tag}"
    service = service if service is not None else (11 if queue == "inburgering" else 9)
    with db.unit_of_work() as s:
        conn = s.connection()
        pid = conn.execute(sa.insert(Provider).values(name=name, phone_option=queue == "purchased")
                           .returning(Provider.id)).scalar_one()
        mid = conn.execute(sa.insert(MeasurementPeriod).values(provider_id=pid, start_date=period[0],
                                                               end_date=period[1]).returning(MeasurementPeriod.id)).scalar_one()
        if n == 0:
            return QueueData(pid, mid, (), ())
        sealer = contact_sealer(s, mid)
        conn.execute(sa.insert(Client), [
            {"period_id": mid, "client_number": f"K{tag:03d}-{i:06d}", "respondent_key": secrets.token_hex(8),
             "name": sealer.text(f"Cliënt {tag}-{i}"), "service": service, "end_date": period[0], "variant": variant,
             "learning_profile": 1 if queue == "inburgering" else None, "phone_option": queue == "purchased"}
            for i in range(n)
        ])
        client_ids = list(conn.execute(sa.select(Client.id).where(Client.period_id == mid).order_by(Client.id)).scalars())
        numbers = [tuple(f"+3161{tag % 100:02d}{i:05d}"[:12] if k == 0 else f"+3162{tag % 100:02d}{i:05d}"[:12]
                         for k in range(numbers_per_client)) for i in range(n)]
        conn.execute(sa.insert(PhoneNumber), [
            {"client_id": cid, "position": k, **sealer.number(num), "kind": "mobile"}
            for cid, nums in zip(client_ids, numbers, strict=True) for k, num in enumerate(nums)
        ])
        came_in = datetime.combine(period[0], time(0), UTC)  # a new case is due from when it came in
        conn.execute(sa.insert(CallCase), [
            {"client_id": cid, "period_id": mid, "queue": queue, "status": "new", "state": "{}",
             "next_call_at": came_in} for cid in client_ids
        ])
        case_ids = list(conn.execute(sa.select(CallCase.id).where(CallCase.period_id == mid).order_by(CallCase.id)).scalars())
    return QueueData(pid, mid, tuple(case_ids), tuple(numbers))


def list_do_not_call(db, *numbers: str, at: datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    """Put numbers on the do-not-call list, as the product stores them (a keyed hash)."""
    with db.unit_of_work() as s:
        do_not_call.add(s, numbers, "test", at or datetime(2026, 3, 1, tzinfo=UTC))


def set_number(db, e164: str, where: sa.ColumnElement[bool] | None = None) -> None:  # type: ignore[no-untyped-def]
    """Overwrite phone numbers (all, or those ``where`` selects) as another tool could have: sealed
    with their period's key, with the number's hash."""
    with db.unit_of_work() as s:
        stmt = sa.select(PhoneNumber.id, Client.period_id).join(Client, Client.id == PhoneNumber.client_id)
        for phone_id, period_id in s.execute(stmt if where is None else stmt.where(where)).all():
            s.execute(sa.update(PhoneNumber).where(PhoneNumber.id == phone_id)
                      .values(**contact_sealer(s, period_id).number(e164)))


def case_row(db, case_id: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    with db.engine.connect() as conn:
        return dict(conn.execute(sa.select(CallCase).where(CallCase.id == case_id)).mappings().one())


def attempts(db, case_id: int | None = None) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    from cati.platform.models import CallAttempt

    stmt = sa.select(CallAttempt).order_by(CallAttempt.id)
    if case_id is not None:
        stmt = stmt.where(CallAttempt.case_id == case_id)
    with db.engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


def walk(services, actor, state, seed=1):  # type: ignore[no-untyped-def]
    """Answer an interview to its end through the interview service, with random valid answers."""
    from cati.tools.simulate import fallback_answers, random_answer

    rng = random.Random(seed)
    while state.current_variable is not None:
        q = state.form.question(state.current_variable)
        for answer in [random_answer(state.form, q, rng), *fallback_answers(q)]:
            try:
                state = services.interviews.save_answer(actor, state.interview_id, q.var, answer)
                break
            except AnswerRejected:
                continue
    return state
