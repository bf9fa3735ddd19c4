"""What a claim writes and returns, on both backends; PostgreSQL's claim is one statement, planned once
on the indexes, and survives a dropped connection."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from case_data import add_queue, case_row, list_do_not_call, users

from cati.calls.service.calls import AppointmentRequest
from cati.platform.models import Appointment, CallCase, MeasurementPeriod, PhoneNumber


def _call(services, actor, card, code, clock, **kw):  # type: ignore[no-untyped-def]
    start = clock.now
    clock.advance(seconds=30)
    return services.calls.record_outcome(actor, card.case_id, code, start, clock.now, **kw)


def test_claim_writes_the_lease_and_the_card_matches_held_case(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 2, numbers_per_client=2)
    before = case_row(services.db, q.case_ids[0])["updated_at"]
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card.case_id == q.case_ids[0]  # never called, due since the same moment: the lower id
    row = case_row(services.db, card.case_id)
    assert row["held_by"] == u["anna"].user_id and row["lease_expires_at"] == clock.now + timedelta(minutes=30)
    assert row["claimed_at"] == clock.now and row["updated_at"] != before
    assert card.claimed_at == clock.now and card.attempts == () and card.attempt_count == 0
    again = services.calls.held_case(u["anna"])
    assert again is not None
    assert (again.case_id, again.client_number, again.dial, again.other_numbers, again.claimed_at,
            again.lease_expires_at, again.form_id) == (card.case_id, card.client_number, card.dial,
                                                       card.other_numbers, card.claimed_at,
                                                       card.lease_expires_at, card.form_id)


def test_card_of_a_retry_shows_attempts_and_the_appointment_maker(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna, bram = u["anna"], u["bram"]
    q = add_queue(services.db, 1)
    card = services.calls.next_case(anna, q.provider_id)
    _call(services, anna, card, "BUSY", clock)
    assert case_row(services.db, card.case_id)["last_attempt_at"] == clock.now
    clock.advance(minutes=20)
    card = services.calls.next_case(anna, q.provider_id)
    at = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    _call(services, anna, card, "APPOINTMENT", clock, appointment=AppointmentRequest.exact(at), note="om twee")
    clock.now = at + timedelta(minutes=6)  # no longer reserved for anna
    card = services.calls.next_case(bram, q.provider_id)
    assert card is not None and card.reason.code == "DUE_APPOINTMENT"
    assert [a.outcome for a in card.attempts] == ["BUSY", "APPOINTMENT"]
    assert [a.username for a in card.attempts] == ["anna", "anna"] and card.attempts[0].outcome_label
    assert card.attempts[0].number == card.dial.national
    assert card.appointment is not None and card.appointment.made_by == anna.user_id
    assert card.appointment.made_by_name == "anna"  # display name (defaults to the username)
    assert card.appointment.note == "om twee" and card.appointment.client_name == card.client_name
    assert card.attempt_count == 2


def test_a_case_without_a_callable_number_is_not_offered(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 2)
    list_do_not_call(services.db, q.numbers[0][0])
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.case_id == q.case_ids[1]
    nxt = services.calls.claim_next(u["bram"], q.provider_id)
    assert nxt.card is None and nxt.reason.code == "QUEUE_EMPTY"
    [why] = services.calls.explain(u["sanne"], q.case_ids[0])
    assert why.explanation.code == "NO_NUMBER"


def test_do_not_call_numbers_of_a_claimed_case_are_marked(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1, numbers_per_client=2)
    list_do_not_call(services.db, q.numbers[0][0])
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.dial.e164 == q.numbers[0][1]
    with services.db.unit_of_work() as s:
        statuses = dict(s.execute(sa.select(PhoneNumber.e164, PhoneNumber.status)).all())
        position = s.execute(sa.select(CallCase.current_phone_position)).scalar()
    assert statuses == {q.numbers[0][0]: "do_not_call", q.numbers[0][1]: "active"} and position == 1


def test_a_changed_cap_counts_once_the_cached_caps_expire(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cati.calls.service.quota_caps as quota_caps

    u = users(services)
    q = add_queue(services.db, 3, "inburgering")
    assert services.calls.next_case(u["anna"], q.provider_id) is not None
    ticks = iter(range(10**9, 10**10, 1000))
    monkeypatch.setattr(quota_caps.time, "monotonic", lambda: float(next(ticks)))  # every read is past the TTL
    services.settings.set(u["admin"], "queue.inburgering.cap", 0, valid_from=date(2026, 1, 1))
    nxt = services.calls.claim_next(u["bram"], q.provider_id)
    assert nxt.card is None and nxt.reason.code == "QUOTA_NO_ROOM"


def test_the_open_periods_are_read_on_every_claim(services, clock) -> None:  # type: ignore[no-untyped-def]
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
    card = services.calls.next_case(u["anna"], q.provider_id)
    clock.advance(minutes=10)
    services.calls.release(u["anna"], card.case_id)
    assert case_row(services.db, card.case_id)["released_at"] == start + timedelta(minutes=10)
    clock.now = start + timedelta(minutes=1)  # bram's clock is behind
    card = services.calls.next_case(u["bram"], q.provider_id)
    assert card.claimed_at == start + timedelta(minutes=10)
    assert card.lease_expires_at == start + timedelta(minutes=40)
    assert case_row(services.db, card.case_id)["lease_expires_at"] == start + timedelta(minutes=40)


def test_an_appointment_in_a_capped_queue_goes_first(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 3)
    later = add_queue(services.db, 2, "inburgering", period=(date(2026, 2, 1), date(2026, 12, 31)))
    due = clock.now - timedelta(minutes=1)
    with services.db.engine.begin() as conn:
        conn.execute(sa.update(MeasurementPeriod).where(MeasurementPeriod.id == later.period_id)
                     .values(provider_id=q.provider_id))
        conn.execute(sa.update(CallCase).where(CallCase.id == later.case_ids[1]).values(
            status="active", attempts=1, last_outcome="APPOINTMENT", next_call_at=due, last_attempt_at=due))
        conn.execute(sa.insert(Appointment).values(case_id=later.case_ids[1], kind="exact", due_at=due,
                                                   status="open", note="", created_at=clock.now))
    card = services.calls.next_case(u["bram"], q.provider_id)
    assert card is not None and card.case_id == later.case_ids[1] and card.reason.code == "DUE_APPOINTMENT"


def test_a_claim_is_one_statement_on_postgresql(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    if services.db.is_sqlite:
        pytest.skip("SQLite claims in a BEGIN IMMEDIATE transaction: several statements under its write lock")
    import psycopg

    import cati.calls.service.quota_caps as quota_caps

    u = users(services)
    q = add_queue(services.db, 10, numbers_per_client=2)
    monkeypatch.setattr(quota_caps, "CAPS_TTL", 3600.0)
    assert services.calls.next_case(u["anna"], q.provider_id) is not None  # reads the caps, opens the connection
    sent: list[str] = []
    sa.event.listen(services.db.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    direct: list[object] = []
    real_execute = psycopg.RawCursor.execute

    def counting(cursor, query, *args, **kwargs):  # type: ignore[no-untyped-def]
        direct.append(query)
        return real_execute(cursor, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.RawCursor, "execute", counting)
    cards = [services.calls.next_case(u["bram"], q.provider_id) for _ in range(4)]
    assert all(c is not None for c in cards)
    assert len(direct) == 4  # one statement per claim, in autocommit: no BEGIN/COMMIT
    assert sent == []  # and nothing else: no ping, no second statement


def test_a_dropped_connection_costs_no_claim(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL: the server ends the claim's connection and an idle pooled one (a restart, a network
    drop): the next claims still work (the pool pings a connection that sat idle)."""
    if services.db.is_sqlite:
        pytest.skip("a PostgreSQL server ending connections: an embedded SQLite file has no server or connection to lose")
    import cati.platform.database as database

    u = users(services)
    q = add_queue(services.db, 6)
    for actor in (u["anna"], u["bram"]):
        assert services.calls.next_case(actor, q.provider_id) is not None
    monkeypatch.setattr(database, "PING_AFTER_IDLE_SECONDS", 0.0)
    with services.db.engine.connect() as conn:
        pooled = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    claiming_pid = services.calls._claims.pg._raw.info.backend_pid
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
    whole queue."""
    if services.db.is_sqlite:
        pytest.skip("PostgreSQL's generic plan of the claim statement: SQLite claims with other statements and plans")
    import cati.calls.store.claim_pg as claim_pg

    u = users(services)
    q = add_queue(services.db, 3000, numbers_per_client=2)
    add_queue(services.db, 500, "inburgering")
    with services.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")
    sent: list[list[object]] = []
    real_args = claim_pg._Compiled.args
    monkeypatch.setattr(claim_pg._Compiled, "args", lambda self, params: sent.append(real_args(self, params))
                        or sent[-1])
    for actor in (u["anna"], u["bram"], u["cees"]):
        assert services.calls.next_case(actor, q.provider_id) is not None
    raw = services.calls._claims.pg._raw
    [(name, generic)] = raw.execute("SELECT name, generic_plans FROM pg_prepared_statements").fetchall()
    assert generic >= 2
    plan = "\n".join(r[0] for r in raw.execute(f"EXPLAIN EXECUTE {name}({', '.join(map(_literal, sent[-1]))})"))
    assert "Seq Scan on call_case" not in plan and "Bitmap Heap Scan on call_case" not in plan, plan
