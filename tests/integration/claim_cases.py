"""Whole queues in every scheduling state, written straight into the tables, and the rules' own
ranking of them: for the tests that compare the database's call order with the pure rules
(``cati.calls.rules.order``) case by case.

The states are the ones cati itself produces (the ``call_case`` constraints hold): never-called
cases, retries with attempts and a last attempt, partial interviews, exact appointments (own,
another interviewer's, reserved, missed, later) and day-part callbacks (today's parts, earlier and
later days), held cases (live and expired leases), final cases, numbers that are final, exhausted,
purged or on the do-not-call list, and many ties in the sort keys; cases that need a language (one
some interviewers speak, one nobody speaks, and Dutch, which everyone speaks) and interviewers with
and without languages (:func:`speakers`); back-checks (a queue of their own, in every state, each
verifying an interview of one of the asking interviewers, who must never be offered it).
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from case_data import QueueData, add_queue

from cati.accounts.rules.roles import Actor
from cati.calls.rules.order import Asker, Who, rank
from cati.calls.rules.quota import can_start_interview
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import CaseState
from cati.calls.store.case_mapping import to_state
from cati.calls.store.claim_queries import ClaimQueries
from cati.platform.models import Appointment, CallCase, DoNotCall, Interview, MeasurementPeriod, PhoneNumber

KINDS = ("new", "retry", "partial", "exact", "callback", "final")
#: the languages generated cases need: mostly none, some Arabic, English, Turkish, Somali (nobody in
#: :data:`SPEAKS` speaks it) and Dutch (everyone does)
CASE_LANGUAGES = (None,) * 7 + ("ar", "ar", "ar", "en", "tr", "so", "nl")
SPEAKS = {"anna": "ar", "bram": "en,tr", "cees": ""}


def speakers(services, actors: dict[str, Actor]) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    """The interviewers of :data:`SPEAKS` with their languages, logged in again (languages are read at
    login): anna Arabic, bram English and Turkish, cees Dutch only."""
    from case_data import PASSWORDS

    out = dict(actors)
    for name, languages in SPEAKS.items():
        services.users.set_languages(actors["admin"], name, languages)
        out[name] = services.users.login(name, PASSWORDS[name])
    return out


def asker(actor: Actor) -> Asker:
    return Asker(actor.user_id, actor.languages)


@dataclass(frozen=True)
class Shape:
    """How many cases of each kind a generated queue gets (more per tier than any claim batch)."""

    new: int = 6
    retry: int = 10
    partial: int = 5
    exact: int = 8
    callback: int = 6
    final: int = 3

    @property
    def total(self) -> int:
        return sum(getattr(self, k) for k in KINDS)


def fill_queue(db, q: QueueData, user_ids: Sequence[int], now: datetime, settings: SchedulerSettings,  # type: ignore[no-untyped-def]
               seed: int, shape: Shape, *, phones: bool = True) -> None:
    """Give the cases of ``q`` (``shape.total`` of them, two numbers each) consistent random states
    around ``now``; with ``phones``, some of the period's numbers final, purged or on the do-not-call list."""
    rng = random.Random(seed)
    cal = settings.calendar
    today = cal.local(now).date()
    shared = [now - timedelta(minutes=rng.randint(5, 3000)) for _ in range(3)]  # ties on purpose

    def past() -> datetime:
        return rng.choice(shared) if rng.random() < 0.3 else now - timedelta(minutes=rng.randint(0, 4000),
                                                                               microseconds=rng.choice([0, 250_000]))

    def planned(after: datetime) -> datetime:
        """A planned call: mostly due now, some later (not due)."""
        return now + timedelta(minutes=rng.randint(1, 300)) if rng.random() < 0.2 else max(after, past())

    kinds = [k for k in KINDS for _ in range(getattr(shape, k))]
    assert len(kinds) == len(q.case_ids), (len(kinds), len(q.case_ids))
    rng.shuffle(kinds)
    languages = random.Random(seed * 7 + 1)  # its own stream: the states above stay what they were
    with db.engine.begin() as conn:
        numbers = conn.execute(sa.select(PhoneNumber.id, PhoneNumber.e164_hash, PhoneNumber.position, CallCase.id)
                               .join(CallCase, CallCase.client_id == PhoneNumber.client_id)
                               .where(CallCase.period_id == q.period_id)).all() if phones else []
        listed = set(conn.execute(sa.select(DoNotCall.e164)).scalars())
        dnc = {h for _, h, _, _ in numbers if rng.random() < 0.12 and h not in listed}  # the list holds hashes
        if dnc:
            conn.execute(sa.insert(DoNotCall), [{"e164": e, "source": "test", "added_at": now} for e in sorted(dnc)])
        for pid, _hash, _pos, _cid in numbers:
            r = rng.random()
            if r < 0.85:
                continue
            values: dict[str, object] = {"status": rng.choice(["final", "exhausted", "do_not_call"]),
                                         "final_outcome": "DISCONNECTED"}
            if r > 0.97:
                values.update(e164=None, e164_hash=None)  # purged
            conn.execute(sa.update(PhoneNumber).where(PhoneNumber.id == pid).values(**values))
        for cid, kind in zip(q.case_ids, kinds, strict=True):
            values = {"state": json.dumps({"outcome_counts": {}}), "current_phone_position": rng.choice([0, 0, 1]),
                      "language": languages.choice(CASE_LANGUAGES)}
            appointment: dict[str, object] | None = None
            if kind == "new":
                values.update(status="new", attempts=0, next_call_at=planned(now - timedelta(days=30)))
            elif kind == "final":
                values.update(status="final", attempts=rng.randint(0, 4), final_outcome="REFUSAL_HARD",
                              next_call_at=None)
                values["last_attempt_at"] = past() if values["attempts"] else None
            else:
                last = past()
                values.update(status="active", attempts=rng.choice([1, 1, 2, 2, 3, 4, 5]), last_attempt_at=last,
                              last_outcome={"retry": rng.choice(["NO_ANSWER", "BUSY", "NOT_PRESENT"]),
                                            "partial": "PARTIAL", "exact": "APPOINTMENT",
                                            "callback": "CALLBACK"}[kind],
                              next_call_at=planned(last))
                if kind == "exact" or (kind == "partial" and rng.random() < 0.3):
                    at = now + timedelta(minutes=rng.choice([-90, -31, -30, -29, -10, -6, -5, -4, -1, 0, 1, 45]))
                    appointment = {"kind": "exact", "due_at": at, "day_part": None,
                                   "made_by": rng.choice([*user_ids, None])}
                    values["next_call_at"] = at
                elif kind == "callback" or (kind == "partial" and rng.random() < 0.3):
                    day = today + timedelta(days=rng.choice([-1, 0, 0, 0, 1]))
                    part = rng.choice(cal.day_part_names())
                    spans = cal.intervals_on(day, part)
                    if spans:  # the rules never set a callback where it is not called
                        appointment = {"kind": "daypart", "due_at": spans[0][0], "day_part": part,
                                       "made_by": rng.choice([*user_ids, None])}
                        values["next_call_at"] = spans[0][0]
            if kind != "final" and rng.random() < 0.15:
                values["held_by"] = rng.choice(user_ids)
                values["lease_expires_at"] = now + timedelta(minutes=rng.choice([-40, -1, 0, 1, 20]))
            conn.execute(sa.update(CallCase).where(CallCase.id == cid).values(**values))
            if appointment is not None:
                if rng.random() < 0.2:  # an older appointment that was kept: the newest open one counts
                    conn.execute(sa.insert(Appointment).values(
                        case_id=cid, kind="exact", due_at=now - timedelta(days=3), day_part=None, made_by=None,
                        status=rng.choice(["done", "open"]), note="", created_at=now - timedelta(days=4)))
                conn.execute(sa.insert(Appointment).values(case_id=cid, status="open", note="", created_at=now,
                                                           **appointment))


#: the back-checks a generated queue gets besides its own cases (every kind, ties on purpose)
BACKCHECKS = Shape(new=4, retry=5, partial=1, exact=2, callback=2, final=1)


def add_backchecks(db, q: QueueData, user_ids: Sequence[int], now: datetime, settings: SchedulerSettings,  # type: ignore[no-untyped-def]
                   seed: int, shape: Shape = BACKCHECKS) -> QueueData:
    """Back-check cases (queue ``backcheck``) for the first clients of ``q``'s period, in every state,
    each verifying an interview of one of ``user_ids``: ``q`` with their case ids added."""
    rng = random.Random(seed)
    with db.engine.begin() as conn:
        clients = conn.execute(sa.select(CallCase.client_id).where(CallCase.id.in_(q.case_ids))
                               .order_by(CallCase.client_id).limit(shape.total)).scalars().all()
        came_in = now - timedelta(days=2)
        conn.execute(sa.insert(CallCase), [
            {"client_id": cid, "period_id": q.period_id, "queue": "backcheck", "status": "new", "state": "{}",
             "next_call_at": came_in, "checks_interviewer": rng.choice(list(user_ids))} for cid in clients])
        ids = tuple(conn.execute(sa.select(CallCase.id).where(CallCase.period_id == q.period_id,
                                                              CallCase.queue == "backcheck")
                                 .order_by(CallCase.id)).scalars())
    # the clients' numbers are the ones their own cases have (already final, purged or listed at random)
    fill_queue(db, QueueData(q.provider_id, q.period_id, ids, ()), user_ids, now, settings, seed, shape, phones=False)
    return QueueData(q.provider_id, q.period_id, q.case_ids + ids, q.numbers)


def whole_queue(services, user_ids: Sequence[int], now: datetime, seed: int, shape: Shape = Shape(),  # type: ignore[no-untyped-def]
                queue: str = "purchased", provider: int | None = None, backchecks: bool = False) -> QueueData:
    """A new provider (or a new period of ``provider``) whose queue holds cases of every kind (and, with
    ``backchecks``, back-check cases of some of its clients)."""
    period = (date(2026, 1, 1), date(2026, 12, 31)) if provider is None else (date(2026, 2, 1), date(2026, 12, 31))
    q = add_queue(services.db, shape.total, queue, numbers_per_client=2, period=period)
    if provider is not None:
        with services.db.engine.begin() as conn:
            conn.execute(sa.update(MeasurementPeriod).where(MeasurementPeriod.id == q.period_id)
                         .values(provider_id=provider))
        q = QueueData(provider, q.period_id, q.case_ids, q.numbers)
    fill_queue(services.db, q, user_ids, now, services.calls.scheduler, seed, shape)
    if backchecks:
        q = add_backchecks(services.db, q, user_ids, now, services.calls.scheduler, seed + 7919)
    return q


def states_of(db, case_ids: Sequence[int], settings: SchedulerSettings) -> dict[int, CaseState]:  # type: ignore[no-untyped-def]
    """The pure states of these cases, read from their rows."""
    queries = ClaimQueries(postgres=not db.is_sqlite)
    with db.engine.connect() as conn:
        rows, dnc = queries.load(conn, list(case_ids))
    return {cid: to_state(r, settings.calendar, dnc) for cid, r in rows.items()}


def room(db, period_id: int, queue: str, now: datetime, cap: int | None) -> bool:  # type: ignore[no-untyped-def]
    """May one more interview start in this queue (counted here, independently of cati's queries)?"""
    with db.engine.connect() as conn:
        done = conn.execute(sa.select(sa.func.count()).select_from(CallCase).where(
            CallCase.period_id == period_id, CallCase.queue == queue, CallCase.final_outcome == "COMPLETE",
            CallCase.status == "final")).scalar_one()
        live = conn.execute(sa.select(sa.func.count()).select_from(CallCase).join(
            Interview, Interview.case_id == CallCase.id).where(
            CallCase.period_id == period_id, CallCase.queue == queue, CallCase.status != "final",
            Interview.status == "in_progress", Interview.voided_at.is_(None), CallCase.held_by.is_not(None),
            CallCase.lease_expires_at > now)).scalar_one()
    return can_start_interview(done, live, cap)


def rules_ranking(services, queues: Sequence[QueueData], now: datetime, who: Who,  # type: ignore[no-untyped-def]
                  caps: dict[str, int | None] | None = None) -> list[int]:
    """The rules' ranking of every case of these queues for ``who`` (an interviewer with languages, or
    None for anyone) at ``now`` (queues without room under their cap left out): the order the claims
    must follow."""
    settings = services.calls.scheduler
    caps = caps if caps is not None else {}
    states: list[CaseState] = []
    for q in queues:
        st = states_of(services.db, q.case_ids, settings)
        by_queue: dict[str, list[CaseState]] = {}
        for s in st.values():
            by_queue.setdefault(s.queue, []).append(s)
        for name, group in by_queue.items():
            if room(services.db, q.period_id, name, now, caps.get(name)):
                states += group
    return [int(s.case_id) for s in rank(states, now, who, settings)]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
