"""Generated call cases in every scheduling state, written straight into the tables: for the tests
that compare the queue order in SQL with the pure rules (``cati.calls.rules.priority``)."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from case_data import QueueData, add_queue

from cati.calls.rules.priority import is_due, priority_key
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import CaseState
from cati.calls.store.case_mapping import to_state
from cati.calls.store.claim_queries import ClaimQueries
from cati.platform.models import Appointment, CallCase, DoNotCall, PhoneNumber

OUTCOMES = (None, "NO_ANSWER", "PARTIAL", "APPOINTMENT", "CALLBACK", "BUSY", "NOT_PRESENT")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def scramble(db, q: QueueData, user_ids: list[int], now: datetime, settings: SchedulerSettings,  # type: ignore[no-untyped-def]
             seed: int) -> None:
    """Give the cases of ``q`` random states around ``now``: statuses, attempts, waiting times (with
    ties), leases, appointments of both kinds (own, other, reserved, missed, of other days), numbers
    that are final, exhausted, purged or on the do-not-call list, JSON details with and without
    ``last_attempt_at``."""
    rng = random.Random(seed)
    cal = settings.calendar
    today = cal.local(now).date()
    shared = [now - timedelta(minutes=rng.randint(1, 3000)) for _ in range(4)]  # ties on purpose

    def moment() -> datetime:
        r = rng.random()
        if r < 0.3:
            return rng.choice(shared)
        if r < 0.4:
            return now
        return now + timedelta(minutes=rng.randint(-3000, 600), microseconds=rng.choice([0, 0, 250_000, 999_999]))

    with db.engine.begin() as conn:
        phones = conn.execute(sa.select(PhoneNumber.id, PhoneNumber.e164, CallCase.id)
                              .join(CallCase, CallCase.client_id == PhoneNumber.client_id)
                              .where(CallCase.period_id == q.period_id)).all()
        dnc = {e164 for _, e164, _ in phones if rng.random() < 0.15}
        conn.execute(sa.insert(DoNotCall), [{"e164": e, "source": "test", "added_at": now} for e in sorted(dnc)])
        for pid, _e164, _cid in phones:
            r = rng.random()
            if r < 0.7:
                continue
            values: dict[str, object] = {"status": rng.choice(["final", "exhausted", "do_not_call", "", "active"])}
            if r > 0.95:
                values["e164"] = None  # purged
            conn.execute(sa.update(PhoneNumber).where(PhoneNumber.id == pid).values(**values))
        for cid in q.case_ids:
            attempts = rng.choice([0, 0, 1, 2, 2, 3, 5])
            status = "new" if attempts == 0 else "active"
            if rng.random() < 0.08:
                status = "final"
            detail: dict[str, object] = {}
            if attempts and rng.random() < 0.85:
                detail["last_attempt_at"] = _iso(moment())
                detail["outcome_counts"] = {"NO_ANSWER": attempts}
            held_by, lease = None, None
            r = rng.random()
            if r < 0.15:
                held_by = rng.choice(user_ids)
                lease = None if rng.random() < 0.2 else now + timedelta(minutes=rng.choice([-40, -1, 0, 1, 20]))
            conn.execute(sa.update(CallCase).where(CallCase.id == cid).values(
                status=status, attempts=attempts, last_outcome=rng.choice(OUTCOMES) if attempts else None,
                next_call_at=None if rng.random() < 0.25 else moment(), held_by=held_by, lease_expires_at=lease,
                current_phone_position=rng.choice([0, 0, 1, 7]), state=json.dumps(detail, sort_keys=True),
            ))
            for _ in range(rng.choice([0, 0, 0, 1, 1, 2])):
                made_by = rng.choice([*user_ids, None])
                if rng.random() < 0.5:
                    kind, part = "exact", None
                    due = now + timedelta(minutes=rng.choice([-90, -31, -30, -29, -6, -5, -4, -1, 0, 1, 60]))
                else:
                    kind = "daypart"
                    day = today + timedelta(days=rng.choice([-1, 0, 0, 0, 1]))
                    part = rng.choice(cal.day_part_names())
                    spans = cal.intervals_on(day, part)
                    if not spans:
                        continue  # the domain never sets a callback where it is not called
                    due = spans[0][0]
                conn.execute(sa.insert(Appointment).values(
                    case_id=cid, made_by=made_by, kind=kind, due_at=due, day_part=part,
                    status=rng.choice(["open", "open", "open", "done"]), note="", created_at=now))


def domain_order(db, q: QueueData, now: datetime, user_id: int, settings: SchedulerSettings  # type: ignore[no-untyped-def]
                 ) -> tuple[list[int], dict[int, CaseState]]:
    """The due cases of ``q`` in ``priority_key`` order, and every case's state (the pure rules)."""
    queries = ClaimQueries(4, postgres=not db.is_sqlite)
    with db.engine.connect() as conn:
        rows, dnc = queries.load(conn, list(q.case_ids))
    states = {cid: to_state(r, settings.calendar, dnc) for cid, r in rows.items()}
    due = [st for st in states.values() if is_due(st, now, user_id, settings)]
    due.sort(key=lambda st: priority_key(st, now, user_id, settings))
    return [int(st.case_id) for st in due], states


def scrambled_queue(services, user_ids: list[int], now: datetime, seed: int, n: int = 150) -> QueueData:  # type: ignore[no-untyped-def]
    q = add_queue(services.db, n, numbers_per_client=2)
    scramble(services.db, q, user_ids, now, services.calls.scheduler, seed)
    return q
