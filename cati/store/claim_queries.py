"""The claim path's Core statements: candidates, the claim, the case card (one statement each).

Candidate selection is a handful of small, index-backed queries (each ``LIMIT batch``) instead of
one sort over the whole queue, so a claim stays cheap with 100,000 cases:

- never-called cases: ``status='new'`` (index ``ix_call_case_queue_status_next``)
- due retries: ``status='active' AND next_call_at <= now``, longest waiting first (same index)
- due appointments and callbacks: open ``appointment`` rows due in the last day (index on ``due_at``)
- partial interviews to resume: ``interview.status='partial'`` (small table)

:class:`ClaimQueries` sends these as one Core statement: a ``UNION ALL`` of the tier sub-queries
(each ``LIMIT batch``, each on its index), joined to the candidates' phones, the do-not-call list
and the open appointment, returning plain records (no ORM objects). The caller ranks the union with
the pure rules (``cati.domain.priority.priority_key``) and claims the winner with one conditional
``UPDATE … WHERE id = :id AND <free>``. On PostgreSQL the candidate rows are locked ``FOR UPDATE
SKIP LOCKED`` inside that statement, so concurrent claimers never wait for or take each other's
candidates; on SQLite the caller runs inside ``BEGIN IMMEDIATE``.

Round trips per claim: the queue scope with its quota counts, the candidates, and the claim; on
PostgreSQL the claim ``UPDATE`` and the case card's read are one statement (``WITH claimed AS
(UPDATE … RETURNING …) SELECT …``), on SQLite the card is read after the commit. Recording an
outcome reads the held case (locked on PostgreSQL) in one statement here and writes the attempt,
the case and its phone in one more (:mod:`cati.store.outcome_writes`).

The statements are built once per shape (number of queues, locking) with bound parameters, so
SQLAlchemy's compiled-statement cache serves every later claim; on PostgreSQL constants and
``LIMIT`` are rendered inline and the claim transaction asks for generic plans, so psycopg's
prepared statements are not planned again per claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    Connection,
    Select,
    Table,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
    update,
)

from cati.store.case_mapping import AppointmentRecord, CaseRecord, CaseRows, PhoneRecord
from cati.store.models import (
    Appointment,
    CallAttempt,
    CallCase,
    Client,
    DoNotCall,
    Interview,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
    User,
)
from cati.store.types import UTCDateTime, utcnow

FINAL = "final"
COMPLETE = "COMPLETE"
APPOINTMENT_LOOKBACK = timedelta(days=1)
PER_PAIR_MAX = 4  # up to this many (period, queue) pairs get their own candidate queries

Pair = tuple[int, str]  # (period id, queue)

CC = cast(Table, CallCase.__table__)
PH = cast(Table, PhoneNumber.__table__)
DN = cast(Table, DoNotCall.__table__)
AP = cast(Table, Appointment.__table__)
IV = cast(Table, Interview.__table__)
MP = cast(Table, MeasurementPeriod.__table__)
CL = cast(Table, Client.__table__)
PR = cast(Table, Provider.__table__)
AT = cast(Table, CallAttempt.__table__)
US = cast(Table, User.__table__)
OPEN_INTERVIEW = ("in_progress", "partial")

#: the ``call_case`` columns the claim path reads (``case_mapping.CaseRecord``)
CASE_COLUMNS = ("id", "client_id", "period_id", "queue", "status", "last_outcome", "final_outcome", "attempts",
                "contacted", "current_phone_position", "next_call_at", "priority", "day_parts_tried", "held_by",
                "lease_expires_at", "state")
#: the ``call_attempt`` columns an outcome writes
ATTEMPT_COLUMNS = ("case_id", "phone_id", "user_id", "started_at", "ended_at", "outcome", "note")
#: the ``call_case`` columns a claim writes (``case_mapping.case_values``)
CLAIM_COLUMNS = ("status", "last_outcome", "final_outcome", "attempts", "contacted", "current_phone_position",
                 "next_call_at", "priority", "day_parts_tried", "held_by", "lease_expires_at", "state")


_INLINE = ContextVar("_INLINE", default=False)


def const(value: str) -> Any:
    """A constant: on PostgreSQL rendered into the SQL (not a bound parameter), so the prepared
    statements' generic plans know it, as they know the ``LIMIT``; on SQLite a bound parameter
    (its planner reads the ``status = 'new' AND (next_call_at IS NULL OR …)`` branch differently with
    literals and sorts the whole queue)."""
    assert "'" not in value
    return literal_column(f"'{value}'") if _INLINE.get() else literal(value)


def _at(name: str = "now") -> BindParameter[datetime]:
    return bindparam(name, type_=UTCDateTime())


def case_sets() -> dict[Any, Any]:
    """SET clause of a case write: the state columns, and ``updated_at`` explicitly (an ``onupdate``
    default is not applied to an UPDATE inside a CTE)."""
    sets: dict[Any, Any] = {CC.c[c]: bindparam(f"v_{c}", type_=CC.c[c].type) for c in CLAIM_COLUMNS}
    sets[CC.c.updated_at] = bindparam("v_updated_at", type_=UTCDateTime())
    return sets


def case_params(values: Mapping[str, Any]) -> dict[str, Any]:
    params = {f"v_{c}": values[c] for c in CLAIM_COLUMNS}
    params["v_updated_at"] = utcnow()
    return params


def _free_now() -> Any:
    return or_(CC.c.held_by.is_(None), CC.c.lease_expires_at <= _at())


@dataclass(frozen=True)
class PairScope:
    """An open (period, queue) pair; for a capped queue also its quota counts (else None)."""

    pair: Pair
    has_open: bool | None
    completes: int | None
    live: int | None


@dataclass(frozen=True)
class CardRows:
    """What the case card shows beyond the case state: client, period, provider, interview, attempts."""

    client_id: int
    client_number: str
    client_name: str
    service: int
    variant: str
    learning_profile: int | None
    period_id: int
    period_start: Any
    period_end: Any
    provider_id: int
    provider_name: str
    interview_id: int | None
    made_by_name: str
    attempts: tuple[Any, ...]  # rows: started_at, ended_at, user_id, username, outcome, phone_id, note


class StatementCache:
    """Statements built once per shape and then reused, so SQLAlchemy's compiled cache serves them;
    ``postgres``: constants rendered inline (see :func:`const`)."""

    def __init__(self, *, postgres: bool = False) -> None:
        self.postgres = postgres
        self._built: dict[tuple[Any, ...], Any] = {}

    def _stmt(self, key: tuple[Any, ...], build: Any) -> Any:
        stmt = self._built.get(key)
        if stmt is None:
            token = _INLINE.set(self.postgres)
            try:
                stmt = self._built[key] = build()
            finally:
                _INLINE.reset(token)
        return stmt


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
        return [t.c[name] for name in CASE_COLUMNS]

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
        single = len(pairs) <= PER_PAIR_MAX
        n = len(pairs) if single else 0
        batch = self.batch

        def build() -> Select[Any]:
            if single:  # one bound parameter per pair: no IN list to expand on every claim
                scope_all = and_(CC.c.period_id.in_([bindparam(f"p{i}") for i in range(n)]),
                                 CC.c.queue.in_([bindparam(f"q{i}") for i in range(n)]))
            else:
                scope_all = and_(CC.c.period_id.in_(bindparam("periods", expanding=True)),
                                 CC.c.queue.in_(bindparam("queues", expanding=True)))

            def branch(stmt: Select[Any]) -> Select[Any]:
                # each branch returns the case columns itself: on PostgreSQL these are the locked
                # (newest) row versions, never an older snapshot of a row another claimer just changed
                stmt = stmt.with_only_columns(*self._case_cols(CC)).limit(literal_column(str(batch)) if self.postgres else batch)
                if lock:
                    stmt = stmt.with_for_update(skip_locked=True, of=CC)
                sub = stmt.subquery()
                return select(*self._case_cols(sub))

            branches = [
                branch(
                    select(CC.c.id).select_from(CC.join(AP, AP.c.case_id == CC.c.id))
                    .where(AP.c.status == const("open"), AP.c.due_at <= _at(), AP.c.due_at > _at("since"), scope_all,
                           CC.c.status != const(FINAL), _free_now())
                    .order_by(AP.c.due_at.desc())
                ),
                # partial interviews: driven by the (small) interview table, so no plan scans the cases
                branch(
                    select(CC.c.id).where(
                        CC.c.id.in_(select(IV.c.case_id).where(IV.c.status == const("partial"), IV.c.voided_at.is_(None))),
                        scope_all, CC.c.status != const(FINAL), CC.c.last_outcome == const("PARTIAL"),
                        or_(CC.c.next_call_at.is_(None), CC.c.next_call_at <= _at()), _free_now(),
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
                    _free_now(),
                )
                due = select(CC.c.id).where(scope, CC.c.status == const("active"), CC.c.next_call_at <= _at(), _free_now())
                branches.append(branch(new.order_by(CC.c.next_call_at) if single else new))
                branches.append(branch(due.order_by(CC.c.next_call_at) if single else due))
            return self._rows_select(union_all(*branches).subquery("cand"))

        stmt = self._stmt(("candidates", lock, n, single), build)
        params: dict[str, Any] = {"now": now, "since": now - APPOINTMENT_LOOKBACK}
        if single:
            for i, (period_id, queue) in enumerate(pairs):
                params[f"p{i}"], params[f"q{i}"] = period_id, queue
        else:
            params["periods"], params["queues"] = sorted({p for p, _ in pairs}), sorted({q for _, q in pairs})
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
            return self._card_select(claimed)

        stmt = self._stmt(("claim_card",), build)
        params = self._claim_params(case_id, values, now)
        params["made_by"] = made_by
        return self._card_rows(conn.execute(stmt, params).all())

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
    @staticmethod
    def _card_select(cases: Any, where: Any = None) -> Select[Any]:
        maker = US.alias("maker")
        interview = (
            select(IV.c.id).where(IV.c.case_id == cases.c.id, IV.c.status.in_([const(x) for x in OPEN_INTERVIEW]), IV.c.voided_at.is_(None))
            .order_by(IV.c.id.desc()).limit(literal_column("1")).scalar_subquery()
        )
        made_by_name = select(maker.c.display_name).where(maker.c.id == bindparam("made_by")).scalar_subquery()
        joined = (
            cases.join(CL, CL.c.id == cases.c.client_id)
            .join(MP, MP.c.id == CL.c.period_id)
            .join(PR, PR.c.id == MP.c.provider_id)
            .outerjoin(AT, AT.c.case_id == cases.c.id)
            .outerjoin(US, US.c.id == AT.c.user_id)
        )
        stmt = (
            select(
                CL.c.id, CL.c.client_number, CL.c.name, CL.c.service, CL.c.variant, CL.c.learning_profile,
                MP.c.id.label("period_id"), MP.c.start_date, MP.c.end_date, PR.c.id.label("provider_id"),
                PR.c.name.label("provider_name"), interview.label("interview_id"),
                made_by_name.label("made_by_name"), AT.c.id.label("attempt_id"), AT.c.started_at,
                AT.c.ended_at, AT.c.user_id, US.c.username, AT.c.outcome, AT.c.phone_id, AT.c.note,
            )
            .select_from(joined)
            .order_by(AT.c.started_at, AT.c.id)
        )
        return stmt if where is None else stmt.where(where)

    @staticmethod
    def _card_rows(rows: Sequence[Any]) -> CardRows | None:
        if not rows:
            return None
        r = rows[0]
        return CardRows(
            r.id, r.client_number, r.name or "", r.service, r.variant, r.learning_profile, r.period_id, r.start_date,
            r.end_date, r.provider_id, r.provider_name, r.interview_id, r.made_by_name or "",
            tuple(x for x in rows if x.attempt_id is not None),
        )

    def card(self, conn: Connection, case_id: int, made_by: int | None) -> CardRows:
        """Client, period, provider, open interview, appointment maker and attempts: one statement."""
        stmt = self._stmt(("card",), lambda: self._card_select(CC, CC.c.id == bindparam("cid")))
        card = self._card_rows(conn.execute(stmt, {"cid": case_id, "made_by": made_by}).all())
        if card is None:
            raise LookupError(f"case {case_id} not found")
        return card
