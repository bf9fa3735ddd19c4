"""How a case is claimed: one path per backend, both taking the case the call order ranks first
(:mod:`cati.calls.store.claim_select`, generated from :mod:`cati.calls.rules.order`).

- SQLite (:func:`claim_in`, inside ``BEGIN IMMEDIATE``: one writer at a time): the best case's id,
  its rows, one conditional ``UPDATE … WHERE id = :id AND <free>``; the card is read after the commit.
- PostgreSQL (:mod:`cati.calls.store.claim_pg`): one statement in autocommit (candidates locked
  ``FOR UPDATE SKIP LOCKED``, the lease and the card's rows), then :func:`settle`.

Both check the claimed case against the pure rules (``order.is_due``) and write what a claim writes
beyond the lease by the same rules (``case_mapping.case_values`` / ``phone_changes``: e.g. the next
number when the current one went on the do-not-call list): on PostgreSQL only when it differs from
what the statement wrote, which it usually does not.

:class:`Claims` holds one call service's claim path (the backend's way and the claimed case's card);
:class:`cati.calls.service.calls.CallService` checks the permissions and the calling hours first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from cati.calls.rules.explain import Explanation, explain
from cati.calls.rules.leases import claim as claim_state
from cati.calls.rules.order import Asker, is_due
from cati.calls.rules.quota import can_start_interview
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import CaseState
from cati.calls.service.case_card import CaseCard, build_card
from cati.calls.service.errors import CallError
from cati.calls.store import case_queries as cq
from cati.calls.store.case_mapping import (
    CaseLike,
    CaseRecord,
    CaseRows,
    case_values,
    claim_not_before,
    phone_changes,
    to_state,
)
from cati.calls.store.claim_card import CardRows
from cati.calls.store.claim_pg import ClaimUnavailable, PgClaim, PgClaimed
from cati.calls.store.claim_queries import ClaimQueries
from cati.calls.store.claim_select import BestCase
from cati.core.languages import SOURCE
from cati.platform.context import ServiceContext

#: candidates per tier and queue: each window holds only due cases in its tier's order, so its first
#: row is the tier's best (PostgreSQL skips rows another claimer has locked and takes the next)
BATCH = 1


@dataclass(frozen=True)
class NextCase:
    """The result of asking for the next case: a card, or why there is none (``reason``)."""

    card: CaseCard | None
    reason: Explanation


@dataclass(frozen=True)
class Claimed:
    """A claimed case: its rows as written, its claimed state, why it was offered, when the claim
    started, and the card's rows when the claim read them."""

    rows: CaseRows
    state: CaseState
    why: Explanation
    at: datetime
    card: CardRows | None


class OrderMismatch(CallError):
    """The database's reading of the call order offered a case the rules do not (a bug: the case is
    given back; the parity tests exist so that this never happens)."""

    def __init__(self, case_id: int) -> None:
        super().__init__(f"Zaak {case_id} is volgens de belregels nu niet aan de beurt; meld dit aan de beheerder")


def differs(case: CaseLike, values: Mapping[str, Any]) -> bool:
    """Does the row hold other values than ``values`` (``case_values``; the JSON detail by content)?"""
    for key, value in values.items():
        if key == "state":
            try:
                if json.loads(case.state or "{}") != json.loads(value):
                    return True
            except ValueError:  # an unreadable detail: write the readable one
                return True
        elif getattr(case, key) != value:
            return True
    return False


def settle(
    connect: Callable[[], AbstractContextManager[Connection]], queries: ClaimQueries, got: PgClaimed, asker: Asker,
    now: datetime, settings: SchedulerSettings,
) -> Claimed:
    """Check a case PostgreSQL's one-statement claim took and complete its writes (on a connection
    from ``connect``, in autocommit, opened only when there is something to write)."""
    assert asker.user_id is not None
    user_id = asker.user_id
    rows = got.rows
    before = replace(to_state(rows, settings.calendar, got.dnc), held_by=None, lease_expires_at=None)
    case_id = rows.case.id
    if not is_due(before, now, asker, settings):
        with connect() as conn:
            queries.rewrite(conn, case_id, user_id, case_values(rows, before, claimed_at=None))
        raise OrderMismatch(case_id)
    at = rows.case.claimed_at or now
    claimed = claim_state(before, user_id, at, settings)
    values = case_values(rows, claimed, claimed_at=at)
    rewrite = differs(rows.case, values)
    phones = phone_changes(rows, claimed)
    if rewrite or phones:
        with connect() as conn:
            if rewrite:
                queries.rewrite(conn, case_id, user_id, values)
            queries.write_phones(conn, phones)
    assert isinstance(rows.case, CaseRecord)
    held = CaseRows(replace(rows.case, **values), rows.phones, rows.appointment)
    return Claimed(held, claimed, explain(before, now, settings, asker), at, got.card)


def claim_in(
    s: Session, asker: Asker, provider_id: int | None, queues: tuple[str, ...], caps: Mapping[str, int | None], *,
    best: BestCase, queries: ClaimQueries, settings: SchedulerSettings, clock: Callable[[], datetime],
) -> Claimed | None:
    """SQLite's claim, in the caller's ``BEGIN IMMEDIATE`` unit of work: the claimed case, or None
    when no case is due for this interviewer now."""
    assert asker.user_id is not None
    user_id = asker.user_id
    conn = s.connection()
    now = clock()  # read after the write lock: claims are ordered in time
    case_id = best.id_of_best(conn, queues, caps, provider_id, now, asker, settings)
    if case_id is None:
        return None
    loaded, dnc = queries.load(conn, [case_id])
    case_rows = loaded[case_id]
    state = to_state(case_rows, settings.calendar, dnc)
    if not is_due(state, now, asker, settings):
        raise OrderMismatch(case_id)
    at = max(now, claim_not_before(case_rows.case) or now)
    claimed = claim_state(state, user_id, at, settings)
    values = case_values(case_rows, claimed, claimed_at=at)
    if not queries.claim(conn, case_id, values, at):
        raise AssertionError(f"case {case_id} changed inside the write lock")
    queries.write_phones(conn, phone_changes(case_rows, claimed))
    assert isinstance(case_rows.case, CaseRecord)
    held = CaseRows(replace(case_rows.case, **values), case_rows.phones, case_rows.appointment)
    return Claimed(held, claimed, explain(state, now, settings, asker), at, None)


def room(s: Session, pair: cq.Pair, cap: int | None, now: datetime) -> bool:
    """May one more interview start in this queue (``quota.can_start_interview``)?"""
    if cap is None:
        return True
    period_id, queue = pair
    return can_start_interview(cq.completes(s, period_id, queue), cq.live_in_progress(s, period_id, queue, now), cap)


def why_nothing(
    s: Session, provider_id: int | None, queues: tuple[str, ...], caps: Mapping[str, int | None], now: datetime,
    settings: SchedulerSettings, asker: Asker | None = None,
) -> tuple[Explanation, list[cq.Pair]]:
    """Why no case was claimed (a capped queue without room, nothing due until … of the cases in a
    language ``asker`` speaks, or no case left), and the capped queues whose cap is reached (their open
    cases are to be closed: normally that happened right after the complete that filled them)."""
    pairs = cq.open_pairs(s, provider_id, queues)
    usable = [p for p in pairs if room(s, p, caps.get(p[1]), now)]
    full = [p for p in pairs if p not in usable and cq.completes(s, *p) >= (caps.get(p[1]) or 0)]
    languages = None if asker is None or asker.languages is None else {*asker.languages, SOURCE}
    return _why(s, pairs, usable, now, settings, languages), full


def _why(s: Session, pairs: list[cq.Pair], usable: list[cq.Pair], now: datetime, settings: SchedulerSettings,
         languages: set[str] | None) -> Explanation:
    nxt = cq.next_planned(s, usable, now, languages)
    if len(usable) < len(pairs) and nxt is None:
        return Explanation(False, "QUOTA_NO_ROOM", "Het quotum is (voorlopig) vol", "quota full or all places taken",
                           None)
    if nxt is None:
        return Explanation(False, "QUEUE_EMPTY", "Er zijn nu geen zaken te bellen", "no case to call", None)
    return Explanation(False, "NOTHING_DUE", "Nu is er geen zaak aan de beurt", "nothing due now",
                       settings.calendar.snap(nxt))


class Claims:
    """One call service's claim path: on SQLite the best case chosen inside ``BEGIN IMMEDIATE``
    (:func:`claim_in`), on PostgreSQL the one-statement claim (``pg``, then :func:`settle`); and the
    card of a claimed or held case."""

    def __init__(self, ctx: ServiceContext, queries: ClaimQueries, settings: SchedulerSettings,
                 label: Callable[[str | None], str]) -> None:
        self.ctx = ctx
        self.queries = queries
        self.settings = settings
        self.label = label
        self.best = BestCase(BATCH) if ctx.db.is_sqlite else None
        self.pg = None if ctx.db.is_sqlite else PgClaim(BATCH, ctx.db.engine)
        self._autocommit = ctx.db.engine.execution_options(isolation_level="AUTOCOMMIT")

    def claim(
        self, asker: Asker, provider_id: int | None, queues: tuple[str, ...], caps: Mapping[str, int | None]
    ) -> Claimed | None:
        """Claim and lease the best due case for ``asker`` in its own transaction; None when none is due."""
        # Without the key file numbers read as purged and cases would close for want of one: refuse
        # instead (KeyFileError says what to do).
        self.ctx.db.keys  # noqa: B018
        if self.pg is not None:
            try:
                got = self.pg.claim(queues, caps, provider_id, self.ctx.now(), asker, self.settings)
            except ClaimUnavailable:  # e.g. a dropped connection: one more try on a new one
                got = self.pg.claim(queues, caps, provider_id, self.ctx.now(), asker, self.settings)
            if got is None:
                return None
            return settle(self._autocommit.connect, self.queries, got, asker, self.ctx.now(), self.settings)
        assert self.best is not None
        with self.ctx.db.unit_of_work(immediate=True) as s:
            return claim_in(s, asker, provider_id, queues, caps, best=self.best,
                            queries=self.queries, settings=self.settings, clock=self.ctx.now)

    def card(
        self, rows: CaseRows, state: CaseState, why: Explanation, now: datetime, s: Session | None = None,
        *, card_rows: CardRows | None = None,
    ) -> CaseCard:
        """The case card; its rows read in their own read-only unit of work (or the caller's session)
        unless given."""
        card = card_rows
        if card is None:
            if s is None:
                with self.ctx.db.unit_of_work(immediate=False) as own:
                    return self.card(rows, state, why, now, own)
            made_by = rows.appointment.made_by if rows.appointment is not None else None
            card = self.queries.card(s.connection(), rows.case.id, made_by)
        return build_card(rows, state, card, why, now, label=self.label,
                          max_attempts=self.settings.max_attempts_per_case)
