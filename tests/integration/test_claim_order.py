"""The queue order in SQL (``cati.calls.store.claim_order``) equals the pure rules on generated cases, on
both backends: the same cases are due, in the same ``priority_key`` order, with the same tiers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from case_data import users
from claim_cases import domain_order, scrambled_queue

from cati.calls.rules.priority import tier_of
from cati.calls.store.case_mapping import priority_of
from cati.calls.store.claim_order import order_keys, order_params, ranked
from cati.calls.store.claim_sql import CC, StatementCache

# inside the calling hours (Amsterdam): a Monday morning, afternoon and evening, a Saturday
NOWS = (
    datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
    datetime(2026, 3, 2, 11, 30, 15, 500_000, tzinfo=UTC),
    datetime(2026, 3, 2, 15, 59, tzinfo=UTC),
    datetime(2026, 3, 2, 19, 45, tzinfo=UTC),
    datetime(2026, 3, 7, 14, 0, tzinfo=UTC),
)


def _sql(services, period_id: int, now: datetime, user_id: int):  # type: ignore[no-untyped-def]
    settings = services.calls.scheduler
    parts = tuple(settings.calendar.day_part_names())

    def build():  # type: ignore[no-untyped-def]
        r = ranked(CC, parts).subquery()
        return (sa.select(r.c.id, r.c.due, r.c.callable, r.c.tier, r.c.prio, r.c.status)
                .where(r.c.period_id == sa.bindparam("mid")).order_by(*order_keys(r)))

    stmt = StatementCache(postgres=not services.db.is_sqlite)._stmt(("t",), build)
    with services.db.engine.connect() as conn:
        return conn.execute(stmt, {"mid": period_id, **order_params(now, user_id, settings)}).all()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_order_equals_priority_key(services, clock, seed) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    interviewers = [u[n].user_id for n in ("anna", "bram", "cees")]
    settings = services.calls.scheduler
    checked = 0
    for k, now in enumerate(NOWS):
        assert settings.calendar.is_callable(now)
        q = scrambled_queue(services, interviewers, now, seed * 100 + k)
        for user_id in interviewers:
            expected, states = domain_order(services.db, q, now, user_id, settings)
            rows = _sql(services, q.period_id, now, user_id)
            assert [r.id for r in rows if r.due] == expected, (now, user_id)
            for r in rows:
                st = states[r.id]
                assert bool(r.callable) == (st.active_number is not None), r.id
                if not st.is_final:
                    assert r.prio == priority_of(st), r.id
                if r.due:
                    assert r.tier == tier_of(st, now, settings), r.id
            checked += len(expected)
    assert checked > 100  # the generated cases cover the order, not only the filter
