"""The claim path's Core statements: candidates, the transactional claim, the case card.

Candidate selection is a handful of small, index-backed queries (each ``LIMIT batch``) instead of
one sort over the whole queue, so a claim stays cheap with 100,000 cases
(:func:`candidate_union`):

- never-called cases: ``status='new'`` (index ``ix_call_case_queue_status_next``)
- due retries: ``status='active' AND next_call_at <= now``, longest waiting first (same index)
- due appointments and callbacks: open ``appointment`` rows due in the last day (index on ``due_at``)
- partial interviews to resume: ``interview.status='partial'`` (small table)

The transactional claim (SQLite in ``BEGIN IMMEDIATE``; PostgreSQL's fallback): the queue scope with
its quota counts (:meth:`ClaimQueries.scope`), the candidates joined to their phones, the
do-not-call list and the open appointment (:meth:`ClaimQueries.candidates`: plain records, no ORM
objects; on PostgreSQL locked ``FOR UPDATE SKIP LOCKED``), ranked by the caller with the pure rules
(``priority_key``), and the winner claimed with one conditional ``UPDATE … WHERE id = :id AND
<free>`` (on PostgreSQL together with the card's rows; on SQLite the card is read after the commit).
PostgreSQL's usual claim is one statement (:mod:`cati.calls.store.claim_fast`) on the same candidates.
Recording an outcome reads the held case (locked on PostgreSQL) in one statement here and writes
the attempt, the case and its phone in one more (:mod:`cati.calls.store.outcome_writes`).

The statements are built once per shape (number of queues, locking) with bound parameters, so
SQLAlchemy's compiled-statement cache serves every later claim; on PostgreSQL constants and
``LIMIT`` are rendered inline and the claim transaction asks for generic plans, so psycopg's
prepared statements are not planned again per claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Select,
    String,
    and_,
    any_,
    bindparam,
    case,
    exists,
    func,
    literal_column,
    or_,
    select,
    union_all,
    update,
)

from cati.calls.store.case_mapping import AppointmentRecord, CaseRecord, CaseRows, PhoneRecord
from cati.calls.store.claim_card import CardRows, card_rows, card_select
from cati.calls.store.claim_sql import (
    AP,
    APPOINTMENT_LOOKBACK,
    AT,
    ATTEMPT_COLUMNS,
    CASE_COLUMNS,
    CC,
    CL,
    CLAIM_COLUMNS,
    COMPLETE,
    DN,
    FINAL,
    IV,
    MP,
    OPEN_INTERVIEW,
    PER_PAIR_MAX,
    PH,
    PR,
    US,
    Pair,
    StatementCache,
    case_params,
    case_sets,
    const,
    free_now,
    inline,
)
from cati.calls.store.claim_sql import at as _at
from cati.platform.types import UTCDateTime

__all__ = [
    "AP", "APPOINTMENT_LOOKBACK", "AT", "ATTEMPT_COLUMNS", "CASE_COLUMNS", "CC", "CL", "CLAIM_COLUMNS", "COMPLETE",
    "DN", "FINAL", "IV", "MP", "OPEN_INTERVIEW", "PER_PAIR_MAX", "PH", "PR", "US", "CardRows", "ClaimQueries", "Pair",
    "PairScope", "StatementCache", "candidate_union", "case_cols", "case_params", "case_sets", "const",
]


def case_cols(t: Any) -> list[Any]:
    """The claim path's ``call_case`` columns of ``t`` (the table or a sub-query with its columns)."""
    return [t.c[name] for name in CASE_COLUMNS]


def pair_params(pairs: Sequence[Pair]) -> tuple[bool, int, dict[str, Any]]:
    """How :func:`candidate_union` takes these pairs (``single``, ``n``) and their bound parameters."""
    single = len(pairs) <= PER_PAIR_MAX
    params: dict[str, Any] = {}
    if single:
        for i, (period_id, queue) in enumerate(pairs):
            params[f"p{i}"], params[f"q{i}"] = period_id, queue
    else:
        params["periods"], params["queues"] = sorted({p for p, _ in pairs}), sorted({q for _, q in pairs})
    return single, len(pairs) if single else 0, params


def candidate_union(n: int, single: bool, batch: int, lock: bool, *, arrays: bool = False) -> Any:
    """The candidates: a ``UNION ALL`` of the tier sub-queries (each ``LIMIT batch`` on its index;
    with ``lock`` read ``FOR UPDATE SKIP LOCKED``), returning the case columns. The queues are bound
    parameters: ``p{i}``/``q{i}`` for ``n`` pairs (``single``), else the lists ``periods`` and
    ``queues`` (``arrays``: PostgreSQL arrays, ``= ANY(…)``, else expanded ``IN`` lists); also ``now``
    and ``since``."""
    if single:  # one bound parameter per pair: no IN list to expand on every claim
        scope_all = and_(CC.c.period_id.in_([bindparam(f"p{i}") for i in range(n)]),
                         CC.c.queue.in_([bindparam(f"q{i}") for i in range(n)]))
    elif arrays:
        from sqlalchemy.dialects.postgresql import ARRAY

        scope_all = and_(CC.c.period_id == any_(bindparam("periods", type_=ARRAY(Integer))),
                         CC.c.queue == any_(bindparam("queues", type_=ARRAY(String))))
    else:
        scope_all = and_(CC.c.period_id.in_(bindparam("periods", expanding=True)),
                         CC.c.queue.in_(bindparam("queues", expanding=True)))

    def branch(stmt: Select[Any]) -> Select[Any]:
        # each branch returns the case columns itself: on PostgreSQL these are the locked
        # (newest) row versions, never an older snapshot of a row another claimer just changed
        stmt = stmt.with_only_columns(*case_cols(CC)).limit(
            literal_column(str(batch)) if inline() else batch)
        if lock:
            stmt = stmt.with_for_update(skip_locked=True, of=CC)
        sub = stmt.subquery()
        return select(*case_cols(sub))

    branches = [
        branch(
            select(CC.c.id).select_from(CC.join(AP, AP.c.case_id == CC.c.id))
            .where(AP.c.status == const("open"), AP.c.due_at <= _at(), AP.c.due_at > _at("since"), scope_all,
                   CC.c.status != const(FINAL), free_now())
            .order_by(AP.c.due_at.desc())
        ),
        # partial interviews: driven by the (small) interview table, so no plan scans the cases
        branch(
            select(CC.c.id).where(
                CC.c.id.in_(select(IV.c.case_id).where(IV.c.status == const("partial"), IV.c.voided_at.is_(None))),
                scope_all, CC.c.status != const(FINAL), CC.c.last_outcome == const("PARTIAL"),
                or_(CC.c.next_call_at.is_(None), CC.c.next_call_at <= _at()), free_now(),
            )
        ),
    ]
    # never-called cases and due retries: per queue while there are few (each queue gets its
    # share, in index order), else one query over all of them
    scopes = ([and_(CC.c.period_id == bindparam(f"p{i}"), CC.c.queue == bindparam(f"q{i}")) for i in range(n)]
              if single else [scope_all])
    for scope in scopes:
        new = select(CC.c.id).where(
            scope, CC.c.status == const("new"), or_(CC.c.next_call_at.is_(None), CC.c.next_call_at <= _at()),
            free_now(),
        )
        due = select(CC.c.id).where(scope, CC.c.status == const("active"), CC.c.next_call_at <= _at(), free_now())
        branches.append(branch(new.order_by(CC.c.next_call_at) if single else new))
        branches.append(branch(due.order_by(CC.c.next_call_at) if single else due))
    return union_all(*branches)


@dataclass(frozen=True)
class PairScope:
    """An open (period, queue) pair; for a capped queue also its quota counts (else None)."""

    pair: Pair
    has_open: bool | None
    completes: int | None
    live: int | None


class ClaimQueries(StatementCache):
    """The claim path's statements, each built once per shape and then reused, so SQLAlchemy's
    compiled cache serves them; executed on the session's connection (no ORM objects)."""

    def __init__(self, batch: int, *, postgres: bool = False) -> None:
        super().__init__(postgres=postgres)
        self.batch = batch

    # -- which queues, and their quota counts -------------------------------------------------
    def scope(
        self, conn: Connection, provider_id: int | None, queues: Sequence[str], capped: Sequence[str], now: datetime,
        *, generic_plans: bool = False,
    ) -> list[PairScope]:
        """Open periods' (period, queue) pairs, in period order; capped queues with their counts.

        ``generic_plans`` (PostgreSQL): the rest of the transaction uses the prepared statements'
        generic plans (``plan_cache_mode``, transaction-local), so the candidate statement is not
        planned again on every claim; set in this statement, so it costs no round trip.
        """
        capped = [q for q in queues if q in capped]

        def build() -> Select[Any]:
            cols: list[Any] = [MP.c.id]
            if generic_plans:
                cols.append(func.set_config("plan_cache_mode", "force_generic_plan", True).label("plans"))
            for i, q in enumerate(capped):
                pair = and_(CC.c.period_id == MP.c.id, CC.c.queue == q)
                # equality on the whole index prefix, so no planner scans the cases instead
                has_open = or_(exists().where(pair, CC.c.status == const("new")), exists().where(pair, CC.c.status == const("active")))
                done = select(func.count()).select_from(CC).where(
                    pair, CC.c.status == const(FINAL), CC.c.final_outcome == const(COMPLETE)).scalar_subquery()
                # driven by the (small) set of interviews in progress, as live_in_progress
                live = (
                    select(func.count()).select_from(CC)
                    .where(CC.c.id.in_(select(IV.c.case_id).where(IV.c.status == const("in_progress"),
                                                                  IV.c.voided_at.is_(None))),
                           pair, CC.c.status != const(FINAL), CC.c.held_by.is_not(None), CC.c.lease_expires_at > _at())
                    .scalar_subquery()
                )
                # counted only for a queue with open cases (a sub-plan in a CASE branch runs on demand)
                cols += [has_open.label(f"open{i}"), case((has_open, done), else_=0).label(f"done{i}"),
                         case((has_open, live), else_=0).label(f"live{i}")]
            stmt = select(*cols).where(MP.c.closed_at.is_(None), MP.c.purged_at.is_(None))
            if provider_id is not None:
                stmt = stmt.where(MP.c.provider_id == bindparam("provider"))
            return stmt.order_by(MP.c.id)

        stmt = self._stmt(("scope", provider_id is not None, tuple(capped), generic_plans), build)
        result: list[PairScope] = []
        first = 2 if generic_plans else 1
        for row in conn.execute(stmt, {"provider": provider_id, "now": now}):
            for q in queues:
                if q in capped:
                    i = first + 3 * capped.index(q)
                    result.append(PairScope((row[0], q), bool(row[i]), int(row[i + 1] or 0), int(row[i + 2] or 0)))
                else:
                    result.append(PairScope((row[0], q), None, None, None))
        return result

    # -- candidates ---------------------------------------------------------------------------
    @staticmethod
    def _case_cols(t: Any) -> list[Any]:
        return case_cols(t)

    def _rows_select(self, cases: Any, where: Any = None) -> Select[Any]:
        """Cases (``cases``: call_case or a sub-query with its columns) with their phones (and the
        do-not-call flag) and open appointments, one row per combination."""
        cols = [
            *self._case_cols(cases),
            PH.c.id.label("p_id"), PH.c.position.label("p_position"), PH.c.e164.label("p_e164"),
            PH.c.kind.label("p_kind"), PH.c.flagged.label("p_flagged"), PH.c.status.label("p_status"),
            PH.c.final_outcome.label("p_final"), PH.c.attempts.label("p_attempts"), DN.c.e164.label("p_dnc"),
            AP.c.id.label("a_id"), AP.c.made_by.label("a_made_by"), AP.c.kind.label("a_kind"),
            AP.c.due_at.label("a_due_at"), AP.c.day_part.label("a_day_part"), AP.c.note.label("a_note"),
            AP.c.status.label("a_status"),
        ]
        joined = (
            cases.outerjoin(PH, PH.c.client_id == cases.c.client_id)
            .outerjoin(DN, DN.c.e164 == PH.c.e164)
            .outerjoin(AP, and_(AP.c.case_id == cases.c.id, AP.c.status == const("open")))
        )
        stmt = select(*cols).select_from(joined)
        if where is not None:
            stmt = stmt.where(where)
        return stmt.order_by(cases.c.id, PH.c.position, AP.c.id)

    def candidates(
        self, conn: Connection, pairs: Sequence[Pair], now: datetime, lock: bool
    ) -> tuple[dict[int, CaseRows], set[str]]:
        """A small set of possibly-due, unheld cases of these queues with their rows, in one
        statement (ranked by the caller), and the numbers among them on the do-not-call list."""
        if not pairs:
            return {}, set()
        single, n, params = pair_params(pairs)

        def build() -> Select[Any]:
            return self._rows_select(candidate_union(n, single, self.batch, lock).subquery("cand"))

        stmt = self._stmt(("candidates", lock, n, single), build)
        params.update(now=now, since=now - APPOINTMENT_LOOKBACK)
        return self._collect(conn.execute(stmt, params))

    def load(self, conn: Connection, ids: Sequence[int]) -> tuple[dict[int, CaseRows], set[str]]:
        """These cases with their rows (as :meth:`candidates`), and their do-not-call numbers."""
        if not ids:
            return {}, set()
        stmt = self._stmt(("load",), lambda: self._rows_select(CC, CC.c.id.in_(bindparam("ids", expanding=True))))
        return self._collect(conn.execute(stmt, {"ids": list(ids)}))

    def load_for_outcome(self, conn: Connection, case_id: int, lock: bool) -> tuple[CaseRows | None, set[str], bool]:
        """One case with its rows, locked for update on PostgreSQL (``lock``), its do-not-call numbers
        and whether it has an open interview (in progress or partial)."""

        def build() -> Select[Any]:
            open_interviews = exists().where(IV.c.case_id == CC.c.id, IV.c.status.in_([const(x) for x in OPEN_INTERVIEW]))
            stmt = self._rows_select(CC, CC.c.id == bindparam("cid")).add_columns(open_interviews.label("open_iv"))
            return stmt.with_for_update(of=CC) if lock else stmt

        rows = conn.execute(self._stmt(("outcome_load", lock), build), {"cid": case_id}).all()
        loaded, dnc = self._collect(rows)
        return loaded.get(case_id), dnc, bool(rows and rows[0][-1])

    def head(self, conn: Connection, case_id: int) -> tuple[int, str] | None:
        """A case's (period id, queue)."""
        stmt = self._stmt(("head",), lambda: select(CC.c.period_id, CC.c.queue).where(CC.c.id == bindparam("cid")))
        row = conn.execute(stmt, {"cid": case_id}).first()
        return None if row is None else (int(row[0]), str(row[1]))
    @staticmethod
    def _collect(rows: Iterable[Any]) -> tuple[dict[int, CaseRows], set[str]]:
        cases: dict[int, CaseRecord] = {}
        phones: dict[int, dict[int, PhoneRecord]] = {}
        appts: dict[int, AppointmentRecord] = {}
        dnc: set[str] = set()
        n = len(CASE_COLUMNS)
        for r in rows:  # positional: the columns of _rows_select, in order
            cid = r[0]
            if cid not in cases:
                (_, client_id, period_id, queue, status, last_outcome, final_outcome, attempts, contacted, position,
                 next_call_at, priority, day_parts, held_by, lease, state) = r[:n]
                cases[cid] = CaseRecord(
                    cid, client_id, period_id, queue, status, last_outcome, final_outcome, attempts or 0,
                    bool(contacted), position or 0, next_call_at, priority or 0, day_parts or "", held_by, lease,
                    state or "{}",
                )
                phones[cid] = {}
            (p_id, p_position, p_e164, p_kind, p_flagged, p_status, p_final, p_attempts, p_dnc,
             a_id, a_made_by, a_kind, a_due_at, a_day_part, a_note, a_status) = r[n:n + 16]
            if p_id is not None and p_id not in phones[cid]:
                phones[cid][p_id] = PhoneRecord(p_id, p_position, p_e164, p_kind or "", bool(p_flagged),
                                                p_status or "active", p_final, p_attempts or 0)
                if p_dnc is not None:
                    dnc.add(p_dnc)
            if a_id is not None and (cid not in appts or appts[cid].id < a_id):
                appts[cid] = AppointmentRecord(a_id, cid, a_made_by, a_kind, a_due_at, a_day_part, a_note or "",
                                               a_status)  # the newest open one
        return {cid: CaseRows(c, tuple(phones[cid].values()), appts.get(cid)) for cid, c in cases.items()}, dnc

    # -- writes -------------------------------------------------------------------------------
    def _claim_update(self) -> Any:
        return (
            update(CC)
            .where(CC.c.id == bindparam("cid"), CC.c.status != const(FINAL),
                   or_(CC.c.held_by.is_(None), CC.c.lease_expires_at <= _at()))
            .values(case_sets())
        )

    @staticmethod
    def _claim_params(case_id: int, values: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        return {"cid": case_id, "now": now, **case_params(values)}

    def claim(self, conn: Connection, case_id: int, values: Mapping[str, Any], now: datetime) -> bool:
        """Write the claimed state if the case is still free and open (True), in one ``UPDATE``."""
        stmt = self._stmt(("claim",), self._claim_update)
        return bool(conn.execute(stmt, self._claim_params(case_id, values, now)).rowcount == 1)

    def claim_with_card(
        self, conn: Connection, case_id: int, values: Mapping[str, Any], now: datetime, made_by: int | None
    ) -> CardRows | None:
        """PostgreSQL: :meth:`claim` and :meth:`card` in one statement (``WITH c AS (UPDATE …
        RETURNING …) SELECT …``); None when the case was no longer free."""

        def build() -> Select[Any]:
            claimed = self._claim_update().returning(CC.c.id, CC.c.client_id).cte("claimed")
            return card_select(claimed)

        stmt = self._stmt(("claim_card",), build)
        params = self._claim_params(case_id, values, now)
        params["made_by"] = made_by
        return card_rows(conn.execute(stmt, params).all())

    def rewrite(self, conn: Connection, case_id: int, user_id: int, values: Mapping[str, Any]) -> None:
        """Write the claim's columns of a case again, while ``user_id`` holds it."""
        stmt = self._stmt(("rewrite",), lambda: update(CC).where(
            CC.c.id == bindparam("cid"), CC.c.held_by == bindparam("user")).values(case_sets()))
        conn.execute(stmt, {"cid": case_id, "user": user_id, **case_params(values)})

    def write_phones(self, conn: Connection, changes: Sequence[Mapping[str, Any]]) -> None:
        if not changes:
            return
        stmt = self._stmt(("phones",), lambda: update(PH).where(PH.c.id == bindparam("pid")).values(
            attempts=bindparam("v_attempts"), status=bindparam("v_status"), final_outcome=bindparam("v_final")))
        conn.execute(stmt, [{"pid": c["id"], "v_attempts": c["attempts"], "v_status": c["status"],
                             "v_final": c["final_outcome"]} for c in changes])

    def postpone(self, conn: Connection, ids: Sequence[int], until: datetime) -> None:
        """Look again at these cases at ``until`` (nothing callable left now)."""
        if not ids:
            return
        stmt = self._stmt(("postpone",), lambda: update(CC).where(CC.c.id.in_(bindparam("ids", expanding=True)))
                          .values(next_call_at=bindparam("v_next", type_=UTCDateTime())))
        conn.execute(stmt, {"ids": list(ids), "v_next": until})

    def held_by(self, conn: Connection, user_id: int, now: datetime) -> int | None:
        """The case this user holds on a live lease (the newest lease), or None."""
        stmt = self._stmt(("held",), lambda: select(CC.c.id).where(
            CC.c.held_by == bindparam("user"), CC.c.lease_expires_at > _at()).order_by(CC.c.lease_expires_at.desc())
            .limit(literal_column("1")))
        value = conn.execute(stmt, {"user": user_id, "now": now}).scalar()
        return None if value is None else int(value)

    # -- the case card ------------------------------------------------------------------------
    def card(self, conn: Connection, case_id: int, made_by: int | None) -> CardRows:
        """Client, period, provider, open interview, appointment maker and attempts: one statement."""
        stmt = self._stmt(("card",), lambda: card_select(CC, CC.c.id == bindparam("cid")))
        card = card_rows(conn.execute(stmt, {"cid": case_id, "made_by": made_by}).all())
        if card is None:
            raise LookupError(f"case {case_id} not found")
        return card
