"""Which case a claim takes: the queues in scope, their candidates and the best of them, as one
``SELECT`` built from the call order's SQL (:mod:`cati.calls.store.order_sql`). Both backends use it:
SQLite inside ``BEGIN IMMEDIATE`` (:mod:`cati.calls.service.claiming`), PostgreSQL inside its
one-statement claim (:mod:`cati.calls.store.claim_pg`, candidates locked ``FOR UPDATE SKIP LOCKED``).

::

    pairs  the open periods (of ``:provider``) x the asked queues, less capped queues without room
           (``quota.can_start_interview``: completes + interviews in progress < cap)
    cand   per pair and tier, the tier's window (``order_sql.window``: its best due cases)
    best   cand ranked by the call order, the first

The statement is built once per shape (the queues, the capped queues, by provider or not, the day
parts); everything else is a bound parameter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
    true,
    union_all,
)

from cati.calls.rules.order import CALL_ORDER, Who
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.store.claim_sql import CASE_COLUMNS, CC, COMPLETE, FINAL, IV, MP, StatementCache, at, const
from cati.calls.store.order_sql import order_by, order_keys, order_params, ranked, window

#: SQLite: pairs per statement (5 windows each; SQLite allows 500 terms in a compound select)
PAIRS_PER_STATEMENT = 60

__all__ = ["BestCase", "QueueOrder", "best_select", "completes_sql", "live_sql", "order_list_select",
           "best_of_pairs_select", "pairs_select"]


def completes_sql(period: Any, queue: Any) -> Any:
    """Completes in a queue of a period (correlated: ``period`` and ``queue`` are outer columns)."""
    return (
        select(func.count()).select_from(CC)
        .where(CC.c.period_id == period, CC.c.queue == queue, CC.c.status == const(FINAL),
               CC.c.final_outcome == const(COMPLETE))
        .scalar_subquery()
    )


def live_sql(period: Any, queue: Any) -> Any:
    """Interviews in progress on a case with a live lease in a queue of a period (a crashed desk's
    place frees up when its lease runs out); driven by the (small) set of interviews in progress."""
    return (
        select(func.count()).select_from(CC)
        .where(CC.c.id.in_(select(IV.c.case_id).where(IV.c.status == const("in_progress"), IV.c.voided_at.is_(None))),
               CC.c.period_id == period, CC.c.queue == queue, CC.c.status != const(FINAL),
               CC.c.held_by.is_not(None), CC.c.lease_expires_at > at())
        .scalar_subquery()
    )


def pairs_select(queues: tuple[str, ...], capped: tuple[str, ...], by_provider: bool, *, room: bool = True) -> Any:
    """The (period_id, queue) pairs to claim from: open periods (of ``:provider`` when ``by_provider``)
    times ``queues``; with ``room``, a capped queue (``:cap<i>`` for ``capped[i]``) only while one more
    interview may start in it."""
    names = union_all(*[select(const(q).label("queue")) for q in queues]).subquery("queues")
    stmt = (
        select(MP.c.id.label("period_id"), names.c.queue)
        .select_from(MP.join(names, true()))
        .where(MP.c.closed_at.is_(None), MP.c.purged_at.is_(None))
    )
    if by_provider:
        stmt = stmt.where(MP.c.provider_id == bindparam("provider"))
    if room:
        for i, q in enumerate(capped):
            has_room = completes_sql(MP.c.id, names.c.queue) + live_sql(MP.c.id, names.c.queue) < bindparam(f"cap{i}")
            stmt = stmt.where(or_(names.c.queue != const(q), has_room))
    return stmt


def _in_pair(period: Any, queue: Any, c: Any) -> Any:
    return and_(c.period_id == period, c.queue == queue)


def _rank_first(cand: Any, day_parts: tuple[str, ...]) -> Select[Any]:
    r = ranked(cand, day_parts).subquery("ranked")
    return select(r).where(r.c.due).order_by(*order_by(r)).limit(literal_column("1"))


def best_select(
    queues: tuple[str, ...], capped: tuple[str, ...], by_provider: bool, day_parts: tuple[str, ...], batch: int,
    *, lock: bool,
) -> Select[Any]:
    """PostgreSQL: the best due case for ``:user`` (speaking ``:langs``) at ``:now`` in the queues (see the module), each
    tier's window joined ``LATERAL`` to every pair in scope: its case columns, newest open appointment
    (``a_*``) and ``tier``; no row when none is due."""
    pairs = pairs_select(queues, capped, by_provider).cte("pairs")
    scope = partial(_in_pair, pairs.c.period_id, pairs.c.queue)
    branches = []
    for rule in CALL_ORDER:
        w = window(rule.tier, scope, day_parts, batch, lock=lock).lateral(f"win{int(rule.tier)}")
        branches.append(select(*[w.c[name] for name in CASE_COLUMNS]).select_from(pairs.join(w, true())))
    return _rank_first(union_all(*branches).subquery("cand"), day_parts)


def best_of_pairs_select(n: int, day_parts: tuple[str, ...], batch: int) -> Select[Any]:
    """SQLite (no ``LATERAL``): the same for ``n`` given pairs (``:p<i>``, ``:q<i>``, from
    :func:`pairs_select`), each tier's window once per pair."""
    branches = []
    for i in range(n):
        scope = partial(_in_pair, bindparam(f"p{i}"), bindparam(f"q{i}"))
        for rule in CALL_ORDER:
            w = window(rule.tier, scope, day_parts, batch, lock=False, name=f"w{i}_{int(rule.tier)}").subquery()
            branches.append(select(*[w.c[name] for name in CASE_COLUMNS]))
    return _rank_first(union_all(*branches).subquery("cand"), day_parts)


def order_list_select(
    queues: tuple[str, ...], capped: tuple[str, ...], by_provider: bool, day_parts: tuple[str, ...], *,
    anyone: bool,
) -> Select[Any]:
    """Every due case of the queues in the order the claims take them (for ``:user`` speaking ``:langs``;
    ``anyone``: for any interviewer, with the appointments kept for their own interviewer among them), at most
    ``:limit``: the same pairs, ranking and order as :func:`best_select`, over the whole queue."""
    pairs = pairs_select(queues, capped, by_provider).subquery("pairs")
    cases = (
        select(*[CC.c[name] for name in CASE_COLUMNS])
        .select_from(CC.join(pairs, and_(CC.c.period_id == pairs.c.period_id, CC.c.queue == pairs.c.queue)))
        .where(CC.c.status != const(FINAL))
        .subquery("queue")
    )
    r = ranked(cases, day_parts).subquery("ranked")
    return select(r).where(r.c.due_anyone if anyone else r.c.due).order_by(*order_by(r)).limit(bindparam("limit"))


Shape = tuple[tuple[str, ...], tuple[str, ...], bool, tuple[str, ...]]


def _params(
    queues: Sequence[str], caps: Mapping[str, int | None], provider_id: int | None, now: datetime,
    who: Who, settings: SchedulerSettings,
) -> tuple[Shape, dict[str, Any]]:
    """The statements' shape (queues, capped queues, by provider, day parts) and bound parameters."""
    capped = tuple(q for q in queues if caps.get(q) is not None)
    params = order_params(now, who, settings)
    params["provider"] = provider_id
    for i, q in enumerate(capped):
        params[f"cap{i}"] = caps[q]
    return (tuple(queues), capped, provider_id is not None, tuple(settings.calendar.day_part_names())), params


class BestCase(StatementCache):
    """SQLite's choice of the case to claim, inside ``BEGIN IMMEDIATE``: the pairs in scope
    (:func:`pairs_select`), then :func:`best_of_pairs_select` on them (in chunks of
    :data:`PAIRS_PER_STATEMENT`; the chunks' winners compared by the same ranking columns)."""

    def __init__(self, batch: int) -> None:
        super().__init__(postgres=False, variant=(batch,))
        self.batch = batch

    def id_of_best(
        self, conn: Connection, queues: Sequence[str], caps: Mapping[str, int | None], provider_id: int | None,
        now: datetime, who: Who, settings: SchedulerSettings,
    ) -> int | None:
        shape, params = _params(queues, caps, provider_id, now, who, settings)
        queues_, capped, by_provider, parts = shape
        pairs = list(conn.execute(self._stmt(("pairs", *shape[:3]), lambda: pairs_select(queues_, capped, by_provider)),
                                  params))
        winners = []
        for lo in range(0, len(pairs), PAIRS_PER_STATEMENT):
            chunk = pairs[lo:lo + PAIRS_PER_STATEMENT]
            n = len(chunk)
            stmt = self._stmt(("best", n, parts), partial(best_of_pairs_select, n, parts, self.batch))
            for i, (period_id, queue) in enumerate(chunk):
                params[f"p{i}"], params[f"q{i}"] = period_id, queue
            winners += list(conn.execute(stmt, params))
        if not winners:
            return None
        return int(min(winners, key=lambda r: tuple(r._mapping[k.key] for k in order_keys()) + (r.id,)).id)


class QueueOrder(StatementCache):
    """The due cases in the order the claims take them (:func:`order_list_select`)."""

    def rows(
        self, conn: Connection, queues: Sequence[str], caps: Mapping[str, int | None], provider_id: int | None,
        now: datetime, who: Who, settings: SchedulerSettings, limit: int,
    ) -> list[Row[Any]]:
        """``who``: an interviewer (an :class:`~cati.calls.rules.order.Asker`), or None for anyone."""
        shape, params = _params(queues, caps, provider_id, now, who, settings)
        anyone = who is None
        stmt = self._stmt(("order", anyone, *shape), lambda: order_list_select(*shape, anyone=anyone))
        params["limit"] = limit
        return list(conn.execute(stmt, params))
