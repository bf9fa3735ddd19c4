"""A transaction the database ends for a deadlock or a serialization failure is run again by the
service: an interviewer never loses an answered interview or an outcome to one. The failures are
real PostgreSQL errors, raised by a trigger the test installs (SQLite serializes its writers with
BEGIN IMMEDIATE and waits for the lock: it has neither)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from case_data import add_queue, attempts, case_row, users, walk

from cati.platform.database import TRIES


def _fail_inserts(db, table: str, sqlstate: str, times: int) -> None:  # type: ignore[no-untyped-def]
    """The next ``times`` inserts into ``table`` fail with ``sqlstate`` (a real error of the server). The
    count is a sequence: it survives the rollback of the failed transaction."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE SEQUENCE fail_count")
        conn.exec_driver_sql(f"CREATE TABLE fail_times AS SELECT {times} AS n")
        conn.exec_driver_sql(f"""
            CREATE FUNCTION fail_once() RETURNS trigger AS $$
            BEGIN
              IF nextval('fail_count') <= (SELECT n FROM fail_times) THEN
                RAISE EXCEPTION 'forced by the test' USING ERRCODE = '{sqlstate}';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        conn.exec_driver_sql(f"CREATE TRIGGER fail_once BEFORE INSERT ON {table} "
                             "FOR EACH ROW EXECUTE FUNCTION fail_once()")


def _left(db) -> int:  # type: ignore[no-untyped-def]
    """How many of the forced failures are still to come."""
    with db.engine.connect() as conn:
        used, called = conn.exec_driver_sql("SELECT last_value, is_called FROM fail_count").one()
        times = conn.exec_driver_sql("SELECT n FROM fail_times").scalar_one()
    return max(0, int(times) - (int(used) if called else 0))


@pytest.fixture
def pg_services(services):  # type: ignore[no-untyped-def]
    if services.db.is_sqlite:
        pytest.skip("SQLite serializes writers (BEGIN IMMEDIATE): no deadlocks or serialization failures")
    return services


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])  # serialization_failure, deadlock_detected
def test_an_outcome_survives_a_serialization_failure_or_deadlock(pg_services, clock, sqlstate) -> None:  # type: ignore[no-untyped-def]
    services = pg_services
    u = users(services)
    q = add_queue(services.db, 1)
    card = services.calls.next_case(u["anna"], q.provider_id)
    _fail_inserts(services.db, "call_attempt", sqlstate, 2)
    start = clock.now
    clock.advance(seconds=40)
    result = services.calls.record_outcome(u["anna"], card.case_id, "NO_ANSWER", start, clock.now)
    assert _left(services.db) == 0  # it failed twice and went in the third time
    assert [a["outcome"] for a in attempts(services.db, card.case_id)] == ["NO_ANSWER"]  # once, not three times
    assert result.attempt_id == attempts(services.db, card.case_id)[0]["id"]
    assert case_row(services.db, card.case_id)["held_by"] is None


def test_a_complete_interview_survives_a_deadlock_and_the_queue_still_closes(pg_services, clock) -> None:  # type: ignore[no-untyped-def]
    services = pg_services
    u = users(services)
    services.settings.set(u["admin"], "queue.inburgering.cap", 1)
    q = add_queue(services.db, 4, "inburgering")
    card = services.calls.next_case(u["anna"], q.provider_id)
    state = walk(services, u["anna"], services.interviews.start_or_resume(u["anna"], card.case_id))
    assert state.complete
    _fail_inserts(services.db, "call_attempt", "40P01", 1)
    result = services.interviews.complete(u["anna"], state.interview_id)
    assert result.final_code == "COMPLETE" and _left(services.db) == 0
    assert result.quota_closed == 3  # the rest of the queue, after the complete committed
    with services.db.engine.connect() as conn:
        statuses = dict(conn.execute(sa.text("SELECT id, final_outcome FROM call_case")).all())
    assert sorted(statuses.values()) == ["COMPLETE", "QUOTA_FULL", "QUOTA_FULL", "QUOTA_FULL"]


def test_a_failure_that_does_not_go_away_is_reported(pg_services, clock) -> None:  # type: ignore[no-untyped-def]
    services = pg_services
    u = users(services)
    q = add_queue(services.db, 1)
    card = services.calls.next_case(u["anna"], q.provider_id)
    _fail_inserts(services.db, "call_attempt", "40001", TRIES)
    with pytest.raises(sa.exc.DBAPIError, match="forced by the test"):
        services.calls.record_outcome(u["anna"], card.case_id, "BUSY", clock.now, clock.now)
    assert attempts(services.db, card.case_id) == [] and _left(services.db) == 0
    assert case_row(services.db, card.case_id)["held_by"] == u["anna"].user_id  # nothing half-written


def test_other_errors_are_not_run_again(pg_services, clock) -> None:  # type: ignore[no-untyped-def]
    services = pg_services
    u = users(services)
    q = add_queue(services.db, 1)
    card = services.calls.next_case(u["anna"], q.provider_id)
    _fail_inserts(services.db, "call_attempt", "23505", 3)  # unique_violation: a bug, not a race
    with pytest.raises(sa.exc.IntegrityError):
        services.calls.record_outcome(u["anna"], card.case_id, "BUSY", clock.now, clock.now)
    assert _left(services.db) == 2  # tried once
