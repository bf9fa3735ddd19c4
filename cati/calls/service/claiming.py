"""How a case is claimed: the transactional claim (:func:`claim_in`; SQLite, and PostgreSQL's
fallback), and PostgreSQL's one-statement claim (:mod:`cati.calls.store.claim_fast`) checked against the
pure rules (:func:`settle`).

The transactional claim reads the open queues with their quota counts and a small set of
candidates (one statement each), ranks them with ``priority_key`` and claims the winner with one
conditional ``UPDATE`` (on PostgreSQL together with the card's rows).

The one-statement claim picks the winner with the queue order in SQL and writes the lease. Here
the claimed case is read back into its pure state and checked: it must be due for this interviewer
(``is_due``), else the claim is given back and the caller takes the transactional path. What a
claim writes beyond the lease, by the same rules as that path (``case_mapping.case_values`` /
``phone_changes``: e.g. the next number when the current one went on the do-not-call list), is
written when it differs from what the statement wrote: usually it does not, and nothing is sent.
Other candidates found without a callable number are looked at again tomorrow, on both paths.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from cati.calls.rules.explain import Explanation, explain
from cati.calls.rules.priority import can_start_interview, is_due, priority_key
from cati.calls.rules.priority import claim as claim_state
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import CaseState
from cati.calls.store import case_queries as cq
from cati.calls.store.case_mapping import (
    CaseLike,
    CaseRecord,
    CaseRows,
    case_extra,
    case_values,
    claim_not_before,
    phone_changes,
    to_state,
)
from cati.calls.store.claim_card import CardRows
from cati.calls.store.claim_fast import FastClaimed, period_key
from cati.calls.store.claim_queries import ClaimQueries
from cati.calls.store.claim_sql import PER_PAIR_MAX, Pair


@dataclass(frozen=True)
class Claimed:
    """A claimed case: its rows as written, its claimed state, why it was offered, when the claim
    started, and the card's rows when the claim read them."""

    rows: CaseRows
    state: CaseState
    why: Explanation
    at: datetime
    card: CardRows | None


@dataclass(frozen=True)
class OpenQueues:
    """What a transactional claim saw, for the one-statement claims that follow: the queues to claim
    from, capped queues left out because they had no open case (claimed from only while they still
    have none: ``claim_fast``), and the open periods (``claim_fast.period_key``)."""

    pairs: tuple[Pair, ...]
    empty: tuple[Pair, ...]
    periods: str


def differs(case: CaseLike, values: Mapping[str, Any]) -> bool:
    """Does the row hold other values than ``values`` (``case_values``; the JSON detail by content)?"""
    for key, value in values.items():
        if key == "state":
            if json.loads(case.state or "{}") != json.loads(value):
                return True
        elif getattr(case, key) != value:
            return True
    return False


def settle(
    connect: Callable[[], AbstractContextManager[Connection]], queries: ClaimQueries, got: FastClaimed, user_id: int,
    now: datetime, settings: SchedulerSettings,
) -> Claimed | None:
    """Check a case the one-statement claim took and complete its writes (on a connection from
    ``connect``, in autocommit, opened only when there is something to write); None (the case
    given back) when the pure rules do not offer it to this interviewer now."""
    rows = got.rows
    before = replace(to_state(rows, settings.calendar, got.dnc), held_by=None, lease_expires_at=None)
    case_id = rows.case.id
    if not is_due(before, now, user_id, settings):
        with connect() as conn:
            queries.rewrite(conn, case_id, user_id, case_values(rows, before, claimed_at=None))
        return None
    started = case_extra(rows.case).get("claimed_at")
    at = datetime.fromisoformat(started) if isinstance(started, str) else now
    claimed = claim_state(before, user_id, at, settings)
    values = case_values(rows, claimed, claimed_at=at)
    rewrite = differs(rows.case, values)
    phones = phone_changes(rows, claimed)
    if rewrite or phones or got.uncallable:
        with connect() as conn:
            if rewrite:
                queries.rewrite(conn, case_id, user_id, values)
            queries.write_phones(conn, phones)
            # nothing callable left (e.g. every number on the do-not-call list): look again tomorrow
            queries.postpone(conn, got.uncallable, now + timedelta(days=1))
    assert isinstance(rows.case, CaseRecord)
    held = CaseRows(replace(rows.case, **values), rows.phones, rows.appointment)
    return Claimed(held, claimed, explain(before, now, settings, user_id), at, got.card)


def claim_in(
    s: Session, user_id: int, provider_id: int | None, queues: tuple[str, ...], caps: Mapping[str, int | None], *,
    queries: ClaimQueries, settings: SchedulerSettings, clock: Callable[[], datetime], postgres: bool,
    seen: dict[tuple[int | None, tuple[str, ...]], OpenQueues],
) -> Claimed | Explanation | None:
    """The transactional claim, in the caller's unit of work (SQLite: ``BEGIN IMMEDIATE``): the
    claimed case, why there is none, or None (taken in between). The queues it finds open are kept
    in ``seen`` for the one-statement claim."""
    conn = s.connection()
    now = clock()  # read after the write lock: claims are ordered in time
    usable: list[Pair] = []
    blocked = False
    capped = [q for q in queues if caps.get(q) is not None]
    scopes = queries.scope(conn, provider_id, queues, capped, now, generic_plans=postgres)
    # for the one-statement claim: the open queues, less (a few) capped ones without an open case:
    # nothing to claim there, nor a quota to count
    empty = tuple(sc.pair for sc in scopes if sc.has_open is False)
    if len(empty) > PER_PAIR_MAX:
        empty = ()
    seen[(provider_id, queues)] = OpenQueues(tuple(sc.pair for sc in scopes if sc.pair not in empty), empty,
                                             period_key([sc.pair[0] for sc in scopes]))
    for scope in scopes:
        cap = caps.get(scope.pair[1])
        if cap is not None:
            if not scope.has_open:
                continue  # an empty capped queue: nothing to count
            if not can_start_interview(scope.completes or 0, scope.live or 0, cap):
                blocked = True
                continue
        usable.append(scope.pair)
    rows, dnc = queries.candidates(conn, usable, now, lock=postgres)
    states = {cid: to_state(r, settings.calendar, dnc) for cid, r in rows.items()}
    due = [st for st in states.values() if is_due(st, now, user_id, settings)]
    # nothing callable left (e.g. every number on the do-not-call list): look again tomorrow
    queries.postpone(conn, [cid for cid, st in states.items() if not st.is_final and st.active_number is None],
                     now + timedelta(days=1))
    if not due:
        nxt = cq.next_planned(s, usable, now)
        if blocked and nxt is None:
            return Explanation(False, "QUOTA_NO_ROOM", "Het quotum is (voorlopig) vol",
                               "quota full or all places taken", None)
        if nxt is None:
            return Explanation(False, "QUEUE_EMPTY", "Er zijn nu geen zaken te bellen", "no case to call", None)
        return Explanation(False, "NOTHING_DUE", "Nu is er geen zaak aan de beurt", "nothing due now",
                           settings.calendar.snap(nxt))
    best = min(due, key=lambda st: priority_key(st, now, user_id, settings))
    case_rows = rows[int(best.case_id)]
    why = explain(best, now, settings, user_id)
    # PostgreSQL: the candidates are locked only now; read the clock again so a claim never
    # starts before the previous holder's attempt ended (nor before it was recorded)
    at = max(now, clock(), claim_not_before(case_rows.case) or now)
    claimed = claim_state(best, user_id, at, settings)
    values = case_values(case_rows, claimed, claimed_at=at)
    card: CardRows | None = None
    if not postgres:
        taken = queries.claim(conn, case_rows.case.id, values, at)
    else:  # one round trip: the claim and the card's rows (no need to keep SQLite's write lock for it)
        made_by = case_rows.appointment.made_by if case_rows.appointment is not None else None
        card = queries.claim_with_card(conn, case_rows.case.id, values, at, made_by)
        taken = card is not None
    if not taken:
        s.rollback()
        return None
    queries.write_phones(conn, phone_changes(case_rows, claimed))
    assert isinstance(case_rows.case, CaseRecord)
    held = CaseRows(replace(case_rows.case, **values), case_rows.phones, case_rows.appointment)
    return Claimed(held, claimed, why, at, card)
