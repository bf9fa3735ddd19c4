"""PostgreSQL's one-statement claim (``store.claim_fast``) and the transactional claim (SQLite, and
PostgreSQL's fallback) take the case the pure rules rank first, on both backends; on PostgreSQL a
claim is one statement, the open periods it remembers are checked on every claim, and a case it
cannot read or the rules do not offer is left to the transactional path."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from case_data import add_queue, case_row, users
from claim_cases import scrambled_queue

import cati.calls.service.calls as calls_module
import cati.calls.service.claiming as claiming
from cati.calls.rules.priority import is_due, priority_key
from cati.calls.store.case_mapping import to_state
from cati.calls.store.claim_queries import ClaimQueries
from cati.platform.models import Appointment, CallCase, DoNotCall, MeasurementPeriod


def _count_fast(services, monkeypatch):  # type: ignore[no-untyped-def]
    """How often the one-statement claim took a case (PostgreSQL)."""
    taken = {"n": 0}
    fast = services.calls._fast
    if fast is None:
        return taken
    real = fast.claim

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        got = real(*args, **kwargs)
        taken["n"] += got is not None
        return got

    monkeypatch.setattr(fast, "claim", counting)
    return taken


def _expected(services, pairs, now, user_id):  # type: ignore[no-untyped-def]
    """The case the pure rules choose among the candidates a claim sees now."""
    settings = services.calls.scheduler
    with services.db.engine.connect() as conn:
        rows, dnc = ClaimQueries(calls_module.BATCH, postgres=not services.db.is_sqlite).candidates(
            conn, pairs, now, lock=False)
    due = [st for st in (to_state(r, settings.calendar, dnc) for r in rows.values())
           if is_due(st, now, user_id, settings)]
    return int(min(due, key=lambda st: priority_key(st, now, user_id, settings)).case_id) if due else None


@pytest.mark.parametrize("seed", [11, 12])
def test_every_claim_takes_the_case_the_pure_rules_rank_first(services, clock, monkeypatch, seed) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    actors = [u["anna"], u["bram"], u["cees"]]
    q = scrambled_queue(services, [a.user_id for a in actors], clock.now, seed, n=60)
    pairs = [(q.period_id, "purchased"), (q.period_id, "inburgering")]
    taken = _count_fast(services, monkeypatch)
    claims = 0
    for i in range(30):
        actor = actors[i % 3]
        expected = _expected(services, pairs, clock.now, actor.user_id)
        card = services.calls.next_case(actor, q.provider_id)
        assert (card.case_id if card else None) == expected, i
        claims += card is not None
    assert claims > 15
    if not services.db.is_sqlite:
        assert taken["n"] >= claims - 2  # the first claim learns the open periods


def test_all_queues_of_many_periods(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """More queues than get their own candidate queries (PostgreSQL: arrays): every claim is due."""
    u = users(services)
    actors = [u["anna"], u["bram"], u["cees"]]
    queues = [scrambled_queue(services, [a.user_id for a in actors], clock.now, 20 + k, n=20) for k in range(3)]
    settings = services.calls.scheduler
    taken = _count_fast(services, monkeypatch)
    ids = [cid for q in queues for cid in q.case_ids]
    claimed = []
    for i in range(12):
        actor = actors[i % 3]
        with services.db.engine.connect() as conn:
            rows, dnc = ClaimQueries(4, postgres=not services.db.is_sqlite).load(conn, ids)
        due = {cid for cid, r in rows.items() if is_due(to_state(r, settings.calendar, dnc), clock.now, actor.user_id,
                                                        settings)}
        card = services.calls.next_case(actor)
        assert card is not None and card.case_id in due, i
        claimed.append(card.case_id)
    assert len(set(claimed)) == len(claimed)
    if not services.db.is_sqlite:
        assert taken["n"] >= 10


def test_a_claim_is_one_statement_on_postgresql(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if services.db.is_sqlite:
        pytest.skip("SQLite claims in a BEGIN IMMEDIATE transaction")
    import psycopg

    u = users(services)
    q = add_queue(services.db, 10, numbers_per_client=2)
    monkeypatch.setattr(calls_module, "CAPS_TTL", 3600.0)
    assert services.calls.next_case(u["anna"], q.provider_id) is not None  # learns the open periods
    taken = _count_fast(services, monkeypatch)
    sent: list[str] = []
    sa.event.listen(services.db.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    direct: list[object] = []
    real_execute = psycopg.RawCursor.execute

    def counting(cursor, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        direct.append(query)
        return real_execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.RawCursor, "execute", counting)
    cards = [services.calls.next_case(u["bram"], q.provider_id) for _ in range(4)]
    assert all(c is not None for c in cards) and taken["n"] == 4
    assert len(direct) == 4  # one statement per claim, in autocommit: no BEGIN/COMMIT
    assert sent == []  # and nothing else: no ping, no second statement


def test_the_open_periods_are_checked_on_every_claim(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    first = add_queue(services.db, 3)
    second = add_queue(services.db, 3, period=(date(2026, 2, 1), date(2026, 12, 31)))
    assert services.calls.next_case(u["anna"], first.provider_id).case_id in first.case_ids
    with services.db.engine.begin() as conn:  # the provider's next period opens, the first one closes
        conn.execute(sa.update(MeasurementPeriod).where(MeasurementPeriod.id == second.period_id)
                     .values(provider_id=first.provider_id))
        conn.execute(sa.update(MeasurementPeriod).where(MeasurementPeriod.id == first.period_id)
                     .values(closed_at=clock.now))
    for actor in (u["bram"], u["cees"]):
        assert services.calls.next_case(actor, first.provider_id).case_id in second.case_ids
    with services.db.engine.begin() as conn:
        conn.execute(sa.update(MeasurementPeriod).where(MeasurementPeriod.id == second.period_id)
                     .values(closed_at=clock.now))
    nxt = services.calls.claim_next(u["anna"], first.provider_id)
    assert nxt.card is None and nxt.reason.code == "QUEUE_EMPTY"


def test_a_claim_starts_no_earlier_than_the_last_release(services, clock) -> None:  # type: ignore[no-untyped-def]
    """Claims are ordered in time even when a desk's clock is behind: a claim never starts before
    the case was given back (nor before the previous holder's call was recorded)."""
    u = users(services)
    q = add_queue(services.db, 1)
    start = clock.now
    services.calls.next_case(u["cees"], q.provider_id)  # learns the open periods
    services.calls.release(u["cees"], q.case_ids[0])
    card = services.calls.next_case(u["anna"], q.provider_id)
    clock.advance(minutes=10)
    services.calls.release(u["anna"], card.case_id)
    clock.now = start + timedelta(minutes=1)  # bram's clock is behind
    card = services.calls.next_case(u["bram"], q.provider_id)
    assert card.claimed_at == start + timedelta(minutes=10)
    assert card.lease_expires_at == start + timedelta(minutes=40)
    assert case_row(services.db, card.case_id)["lease_expires_at"] == start + timedelta(minutes=40)


def test_a_case_detail_postgresql_cannot_read_is_claimed_by_the_transactional_path(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 3)
    assert services.calls.next_case(u["anna"], q.provider_id) is not None
    with services.db.engine.begin() as conn:
        conn.execute(sa.update(CallCase).where(CallCase.held_by.is_(None)).values(state="{niet leesbaar"))
    card = services.calls.next_case(u["bram"], q.provider_id)
    assert card is not None and case_row(services.db, card.case_id)["held_by"] == u["bram"].user_id


def test_a_case_the_rules_do_not_offer_is_given_back(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if services.db.is_sqlite:
        pytest.skip("the one-statement claim is PostgreSQL's")
    u = users(services)
    q = add_queue(services.db, 3)
    assert services.calls.next_case(u["anna"], q.provider_id) is not None
    refused: list[str] = []
    real = claiming.is_due

    def once(state, now, user_id, settings):  # type: ignore[no-untyped-def]
        if not refused:
            refused.append(state.case_id)
            return False
        return real(state, now, user_id, settings)

    monkeypatch.setattr(claiming, "is_due", once)
    card = services.calls.next_case(u["bram"], q.provider_id)  # the transactional path decides
    assert refused and card is not None
    with services.db.engine.connect() as conn:
        held = dict(conn.execute(sa.select(CallCase.id, CallCase.held_by).where(CallCase.held_by.is_not(None))).all())
    assert held == {q.case_ids[0]: u["anna"].user_id, card.case_id: u["bram"].user_id}


def test_candidates_without_a_callable_number_are_looked_at_again_tomorrow(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 3)
    first = services.calls.next_case(u["anna"], q.provider_id)
    listed = [cid for cid in q.case_ids if cid != first.case_id][0]
    number = q.numbers[q.case_ids.index(listed)][0]
    with services.db.engine.begin() as conn:
        conn.execute(sa.insert(DoNotCall).values(e164=number, source="test", added_at=clock.now))
    card = services.calls.next_case(u["bram"], q.provider_id)
    assert card is not None and card.case_id not in (first.case_id, listed)
    assert case_row(services.db, listed)["next_call_at"] == clock.now + timedelta(days=1)


def test_an_empty_capped_queue_that_gets_cases_is_worked(services, clock) -> None:  # type: ignore[no-untyped-def]
    """The one-statement claim leaves out a capped queue without open cases; the next claim after it
    got one sees it (here: a due appointment, which goes before the never-called cases)."""
    u = users(services)
    q = add_queue(services.db, 3)
    assert services.calls.next_case(u["anna"], q.provider_id) is not None
    later = add_queue(services.db, 2, "inburgering")
    due = clock.now - timedelta(minutes=1)
    with services.db.engine.begin() as conn:
        conn.execute(sa.update(CallCase).where(CallCase.period_id == later.period_id).values(period_id=q.period_id))
        conn.execute(sa.update(CallCase).where(CallCase.id == later.case_ids[1]).values(
            status="active", attempts=1, last_outcome="APPOINTMENT", next_call_at=due, priority=0))
        conn.execute(sa.insert(Appointment).values(case_id=later.case_ids[1], kind="exact", due_at=due,
                                                   status="open", note="", created_at=clock.now))
    card = services.calls.next_case(u["bram"], q.provider_id)
    assert card is not None and card.case_id == later.case_ids[1] and card.reason.code == "DUE_APPOINTMENT"


def test_a_dropped_connection_costs_no_claim(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: the server ends the claim's connection and an idle pooled one (a restart, a network
    drop): the next claims still work (the pool pings a connection that sat idle)."""
    if services.db.is_sqlite:
        pytest.skip("PostgreSQL connections")
    import cati.platform.database as database

    u = users(services)
    q = add_queue(services.db, 6)
    for actor in (u["anna"], u["bram"]):  # the second claim opens the claim's own connection
        assert services.calls.next_case(actor, q.provider_id) is not None
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    with services.db.engine.connect() as conn:
        pooled = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    claiming_pid = services.calls._fast._raw.info.backend_pid
    admin = sa.create_engine(services.db.url)
    with admin.connect() as conn:
        for pid in (pooled, claiming_pid):
            conn.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")
    admin.dispose()
    cards = [services.calls.next_case(actor, q.provider_id) for actor in (u["cees"], u["anna"], u["bram"])]
    assert all(c is not None for c in cards) and len({c.case_id for c in cards}) == 3


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, timedelta):
        return f"'{int(value.total_seconds())} seconds'"
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'"
    if isinstance(value, bool | int):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return "'" + str(value).replace("'", "''") + "'"


def test_the_claim_statement_is_planned_on_the_indexes(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL plans the claim once, for any parameters (a generic plan): no part of it may read the
    whole queue (e.g. looking whether a queue left out, as empty, got cases)."""
    if services.db.is_sqlite:
        pytest.skip("PostgreSQL plans")
    import cati.calls.store.claim_fast as claim_fast

    u = users(services)
    q = add_queue(services.db, 3000, numbers_per_client=2)
    with services.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    sent: list[list[object]] = []
    real_args = claim_fast._Compiled.args
    monkeypatch.setattr(claim_fast._Compiled, "args", lambda self, params: sent.append(real_args(self, params))
                        or sent[-1])
    for actor in (u["anna"], u["bram"], u["cees"]):  # the first learns the queues, the others claim in one
        assert services.calls.next_case(actor, q.provider_id) is not None
    known = services.calls._open[(q.provider_id, ("purchased", "inburgering"))]
    assert known.empty == ((q.period_id, "inburgering"),)  # the (capped, empty) inburgering queue is left out
    raw = services.calls._fast._raw
    [(name, generic)] = raw.execute("SELECT name, generic_plans FROM pg_prepared_statements").fetchall()
    assert generic >= 2
    plan = "\n".join(r[0] for r in raw.execute(f"EXPLAIN EXECUTE {name}({', '.join(map(_literal, sent[-1]))})"))
    assert "Seq Scan on call_case" not in plan and "Bitmap Heap Scan on call_case" not in plan, plan
