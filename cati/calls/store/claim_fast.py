"""PostgreSQL's claim in one statement: pick the best due candidate, lease it, and read its card.

One round trip; the statement is its own transaction (autocommit)::

    WITH cand AS (<the tier sub-queries, each LIMIT batch, FOR UPDATE SKIP LOCKED>),
         ranked AS (<cand with the queue order in SQL: cati.calls.store.claim_order>),
         best AS (SELECT … FROM ranked WHERE due [AND room in a capped queue]
                  AND <the queues are still those the caller saw> ORDER BY <priority_key> LIMIT 1),
         upd AS (UPDATE call_case SET held_by, lease_expires_at, priority, state, updated_at
                 FROM best WHERE <still free> RETURNING …)
    SELECT upd.*, client, period, provider, open interview, appointment maker,
           phones (JSON), attempts (JSON), other candidates without a callable number
    FROM upd JOIN …

The candidates are the same index-backed sub-queries as the transactional path
(:func:`cati.calls.store.claim_queries.candidate_union`); concurrent claimers skip each other's locked
rows and never wait. The queues come from the caller (what its last transactional claim saw, less
capped queues without an open case); the statement only claims while the open periods are still
exactly those and the queues left out still have no open case, else it claims nothing and the
caller takes the transactional path (which looks again). A capped queue's room
(``can_start_interview``) is counted only when one of its cases is a candidate. The claim
starts at ``:now``, or later when the case's last attempt or release was recorded later
(``case_mapping.claim_not_before``). The caller checks the claimed case against the pure rules
(``claiming.settle``: ``is_due``) and writes what a claim writes beyond the lease (e.g. a number
found on the do-not-call list) only when it differs; it also looks again tomorrow at candidates
without a callable number.

The statement is compiled once per shape into PostgreSQL's own form (``$n`` parameters) and sent
with psycopg directly, prepared, on a connection of its own whose prepared statements are planned
generically: planning this statement costs milliseconds, so it is planned once per connection, not
per claim, and the claim needs none of SQLAlchemy's per-execution work.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import (
    Engine,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    event,
    func,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB, TIMESTAMP, aggregate_order_by
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.store.case_mapping import AppointmentRecord, CaseRecord, CaseRows, PhoneRecord
from cati.calls.store.claim_card import AttemptRow, CardRows, open_interview
from cati.calls.store.claim_order import APPOINTMENT_COLUMNS, day_params, order_keys, order_params, ranked
from cati.calls.store.claim_queries import candidate_union, case_cols, pair_params
from cati.calls.store.claim_sql import (
    APPOINTMENT_LOOKBACK,
    AT,
    CASE_COLUMNS,
    CC,
    CL,
    COMPLETE,
    DN,
    FINAL,
    IV,
    MP,
    PH,
    PR,
    US,
    Pair,
    StatementCache,
    at,
    const,
)
from cati.platform.types import utcnow


class ClaimUnavailable(RuntimeError):
    """The one-statement claim could not be sent (e.g. the connection dropped): take another path."""


#: the claim's own connection plans its prepared statement once (generically), not on every claim
GENERIC_PLANS = "SET plan_cache_mode = force_generic_plan"
_DIALECT = PGDialect_psycopg(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class _Compiled:
    """The statement as PostgreSQL reads it (``$n`` parameters), sent through psycopg directly: the
    claim needs none of SQLAlchemy's per-execution work (parameters and rows are plain values)."""

    sql: bytes
    names: tuple[str, ...]  # the bound parameters, in ``$n`` order
    fixed: dict[str, Any]  # the values of the statement's own (literal) parameters
    columns: tuple[str, ...]  # the result's columns, in order

    @classmethod
    def of(cls, stmt: Any) -> _Compiled:
        compiled = stmt.compile(dialect=_DIALECT)
        names = tuple(compiled.positiontup or ())
        fixed = {name: bind.value for name, bind in compiled.binds.items() if not bind.required}
        return cls(compiled.string.encode(), names, fixed, tuple(stmt.selected_columns.keys()))

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        return [params[name] if name in params else self.fixed[name] for name in self.names]


@dataclass(frozen=True)
class FastClaimed:
    """The claimed case as written (its rows, do-not-call numbers among its phones) and its card."""

    rows: CaseRows
    dnc: set[str]
    card: CardRows
    uncallable: tuple[int, ...]  # other candidates without a callable number (to look at again later)


def period_key(period_ids: Sequence[int]) -> str:
    """The open periods a claim expects, as the statement writes them (ids in order, comma-separated)."""
    return ",".join(str(p) for p in sorted(set(period_ids)))


def _json_text(doc: Any, key: str) -> Any:
    return doc.op("->>", return_type=Text)(literal_column(f"'{key}'"))


def _close(claim: weakref.ref[FastClaim], _engine: Engine) -> None:
    live = claim()
    if live is not None:
        live.close()


class FastClaim(StatementCache):
    """The one-statement claim (PostgreSQL only), built once per shape, sent on its own connection.

    That connection (opened on the first claim, closed with the engine) plans its prepared
    statements generically (``plan_cache_mode``): the claim statement is planned once, not on every
    claim (its custom plan costs milliseconds); nothing else runs on it.
    """

    def __init__(self, batch: int, engine: Engine) -> None:
        import psycopg  # PostgreSQL only (an optional dependency)

        super().__init__(postgres=True)
        self.batch = batch
        self._psycopg = psycopg
        self._engine = engine
        self._raw: Any = None  # the connection
        self._cursor: Any = None  # one cursor on it, reused: its type adapters are looked up once
        self._lock = threading.Lock()
        self._days: dict[date, dict[str, Any]] = {}
        event.listen(engine, "engine_disposed", partial(_close, weakref.ref(self)))

    def close(self) -> None:
        """Close the claim's connection (a next claim opens a new one)."""
        raw, self._raw, self._cursor = self._raw, None, None
        if raw is not None:
            raw.close()

    def _connection(self) -> Any:
        """The cursor of the claim's connection, opened when there is none."""
        if self._raw is None or self._raw.closed:
            args, kwargs = self._engine.dialect.create_connect_args(self._engine.url)
            raw = self._psycopg.connect(*args, **kwargs, autocommit=True)
            raw.execute(GENERIC_PLANS)
            self._raw, self._cursor = raw, self._psycopg.RawCursor(raw)
        return self._cursor

    def claim(
        self, pairs: Sequence[Pair], empty: Sequence[Pair], periods: str, provider_id: int | None,
        caps: Mapping[str, int | None], now: datetime, user_id: int, settings: SchedulerSettings,
    ) -> FastClaimed | None:
        """Claim the best due case of the queues ``pairs`` for ``user_id`` (see the module); None when
        there is none, a capped queue has no room, the open periods are no longer ``periods``, a queue
        of ``empty`` has open cases, or a candidate's detail cannot be read. Raises
        :class:`ClaimUnavailable` when the statement could not be sent."""
        single, n, params = pair_params(pairs)
        queues = sorted({q for _, q in pairs})
        capped = tuple(q for q in queues if caps.get(q) is not None)
        parts = tuple(settings.calendar.day_part_names())
        shape = (n, single, capped, provider_id is not None, len(empty), parts)
        stmt: _Compiled = self._stmt(("fast", *shape), lambda: _Compiled.of(self._build(*shape)))
        for i, (period_id, queue) in enumerate(empty):
            params[f"xp{i}"], params[f"xq{i}"] = period_id, queue
        today = settings.calendar.local(now).date()
        day = self._days.get(today)
        if day is None:
            self._days = {today: (day := day_params(today, settings))}  # kept for the day
        params.update(order_params(now, user_id, settings, day))
        params.update(
            since=now - APPOINTMENT_LOOKBACK, period_key=periods, provider=provider_id,
            lease=timedelta(minutes=settings.lease_minutes), now_iso=now.isoformat(), v_updated_at=utcnow(),
        )
        for i, q in enumerate(capped):
            params[f"cap{i}"] = caps[q]
        with self._lock:
            try:
                row = self._connection().execute(
                    stmt.sql, stmt.args(params), prepare=True).fetchone()
            except self._psycopg.DataError:
                return None  # a case detail (JSON, a time in it) PostgreSQL cannot read: nothing was claimed
            except self._psycopg.OperationalError as exc:
                self.close()  # e.g. a dropped connection: the next claim opens a new one
                raise ClaimUnavailable(str(exc)) from exc
        return None if row is None else self._result(dict(zip(stmt.columns, row, strict=True)))

    # -- the statement ----------------------------------------------------------------------------
    def _build(
        self, n: int, single: bool, capped: tuple[str, ...], by_provider: bool, n_empty: int, parts: tuple[str, ...]
    ) -> Any:
        open_periods = select(func.coalesce(func.string_agg(
            cast(MP.c.id, String), aggregate_order_by(literal_column("','"), MP.c.id)), const(""))).where(
            MP.c.closed_at.is_(None), MP.c.purged_at.is_(None))
        if by_provider:
            open_periods = open_periods.where(MP.c.provider_id == bindparam("provider", type_=Integer))
        # the queues are still those the caller saw: the same open periods, the left-out queues empty
        # (each looked up on the queue index, in its order: a generic plan cannot know that such a
        # queue is empty and would otherwise scan the cases)
        unchanged = and_(open_periods.scalar_subquery() == bindparam("period_key", type_=String), *[
            select(CC.c.id).where(CC.c.period_id == bindparam(f"xp{i}", type_=Integer),
                                  CC.c.queue == bindparam(f"xq{i}", type_=String), CC.c.status == const(status))
            .order_by(CC.c.next_call_at).limit(literal_column("1")).scalar_subquery().is_(None)
            for i in range(n_empty) for status in ("new", "active")
        ])

        cand = candidate_union(n, single, self.batch, lock=True, arrays=True).cte("cand")
        r = ranked(cand, parts).cte("ranked")
        best = select(r.c.id, r.c.prio, *[r.c[f"a_{c}"] for c in APPOINTMENT_COLUMNS]).where(r.c.due, unchanged)
        if capped:
            best = best.where(self._room(r, capped))
        best_cte = best.order_by(*order_keys(r)).limit(literal_column("1")).cte("best")

        doc = cast(func.coalesce(func.nullif(CC.c.state, const("")), const("{}")), JSONB)
        started = func.greatest(
            at(), cast(_json_text(doc, "last_attempt_at"), TIMESTAMP(timezone=True)),
            cast(_json_text(doc, "released_at"), TIMESTAMP(timezone=True)),
        )
        started_text = case(
            (started == at(), bindparam("now_iso", type_=String)),
            else_=func.to_char(func.timezone(const("UTC"), started), const('YYYY-MM-DD"T"HH24:MI:SS.US'),
                               type_=String) + const("+00:00"),
        )
        detail = doc.op("||", return_type=JSONB)(func.jsonb_build_object(
            const("claimed_at"), started_text,
            const("outcome_counts"), func.coalesce(doc.op("->", return_type=JSONB)(literal_column("'outcome_counts'")),
                                                   cast(const("{}"), JSONB)),
            const("last_attempt_at"), doc.op("->", return_type=JSONB)(literal_column("'last_attempt_at'")),
        ))
        upd = (
            update(CC)
            .where(CC.c.id == best_cte.c.id, CC.c.status != const(FINAL),
                   or_(CC.c.held_by.is_(None), CC.c.lease_expires_at <= at()))
            .values({
                CC.c.held_by: bindparam("user", type_=Integer),
                CC.c.lease_expires_at: started + bindparam("lease"),
                CC.c.priority: best_cte.c.prio,
                CC.c.state: cast(detail, Text),
                CC.c.updated_at: at("v_updated_at"),
            })
            .returning(*case_cols(CC), *[best_cte.c[f"a_{c}"] for c in APPOINTMENT_COLUMNS])
            .cte("upd")
        )
        # candidates without a callable number (e.g. every number on the do-not-call list): the caller
        # looks at them again tomorrow
        uncallable = select(func.array_agg(r.c.id)).where(~r.c.callable, r.c.status != const(FINAL)).scalar_subquery()
        return self._card(upd).add_columns(uncallable.label("uncallable"))

    @staticmethod
    def _room(r: Any, capped: tuple[str, ...]) -> Any:
        """May one more interview start in a candidate's queue? (``priority.can_start_interview``:
        completes + interviews in progress < cap); counted only for the candidates of capped queues."""
        pair = and_(CC.c.period_id == r.c.period_id, CC.c.queue == r.c.queue)
        completes = select(func.count()).select_from(CC).where(
            pair, CC.c.status == const(FINAL), CC.c.final_outcome == const(COMPLETE)).scalar_subquery()
        live = (
            select(func.count()).select_from(CC)
            .where(CC.c.id.in_(select(IV.c.case_id).where(IV.c.status == const("in_progress"), IV.c.voided_at.is_(None))),
                   pair, CC.c.status != const(FINAL), CC.c.held_by.is_not(None), CC.c.lease_expires_at > at())
            .scalar_subquery()
        )
        return case(*[(r.c.queue == const(q), completes + live < bindparam(f"cap{i}", type_=Integer))
                      for i, q in enumerate(capped)], else_=true())

    @staticmethod
    def _card(u: Any) -> Any:
        """The claimed case's columns, appointment, card and (as JSON) phones and attempts: one row."""
        phones = (
            select(func.json_agg(aggregate_order_by(
                func.json_build_array(PH.c.id, PH.c.position, PH.c.e164, PH.c.kind, PH.c.flagged, PH.c.status,
                                      PH.c.final_outcome, PH.c.attempts, DN.c.e164),
                PH.c.position, PH.c.id)))
            .select_from(PH.outerjoin(DN, DN.c.e164 == PH.c.e164))
            .where(PH.c.client_id == u.c.client_id)
            .scalar_subquery()
        )
        attempts = (
            select(func.json_agg(aggregate_order_by(
                func.json_build_array(AT.c.id, AT.c.started_at, AT.c.ended_at, AT.c.user_id, US.c.username,
                                      AT.c.outcome, AT.c.phone_id, AT.c.note),
                AT.c.started_at, AT.c.id)))
            .select_from(AT.outerjoin(US, US.c.id == AT.c.user_id))
            .where(AT.c.case_id == u.c.id)
            .scalar_subquery()
        )
        maker = US.alias("maker")
        made_by_name = select(maker.c.display_name).where(maker.c.id == u.c.a_made_by).scalar_subquery()
        return (
            select(
                *[u.c[c] for c in CASE_COLUMNS], *[u.c[f"a_{c}"] for c in APPOINTMENT_COLUMNS],
                CL.c.client_number, CL.c.name, CL.c.service, CL.c.variant, CL.c.learning_profile,
                MP.c.start_date, MP.c.end_date, PR.c.id.label("provider_id"), PR.c.name.label("provider_name"),
                open_interview(u).label("interview_id"), made_by_name.label("made_by_name"),
                phones.label("phones"), attempts.label("attempts_json"),
            )
            .select_from(u.join(CL, CL.c.id == u.c.client_id).join(MP, MP.c.id == CL.c.period_id)
                         .join(PR, PR.c.id == MP.c.provider_id))
        )

    # -- the result -------------------------------------------------------------------------------
    @staticmethod
    def _result(r: dict[str, Any]) -> FastClaimed:
        case_id = r["id"]
        record = CaseRecord(
            case_id, r["client_id"], r["period_id"], r["queue"], r["status"], r["last_outcome"], r["final_outcome"],
            r["attempts"] or 0, bool(r["contacted"]), r["current_phone_position"] or 0, _utc(r["next_call_at"]),
            r["priority"] or 0, r["day_parts_tried"] or "", r["held_by"], _utc(r["lease_expires_at"]), r["state"] or "{}",
        )
        phones: list[PhoneRecord] = []
        dnc: set[str] = set()
        for p_id, position, e164, kind, flagged, status, final, attempts, listed in _json(r["phones"]):
            phones.append(PhoneRecord(p_id, position, e164, kind or "", bool(flagged), status or "active", final,
                                      attempts or 0))
            if listed is not None:
                dnc.add(listed)
        appointment = None
        if r["a_id"] is not None:
            appointment = AppointmentRecord(r["a_id"], case_id, r["a_made_by"], r["a_kind"], r["a_due_at"].astimezone(UTC),
                                            r["a_day_part"], r["a_note"] or "", r["a_status"])
        attempts = tuple(
            AttemptRow(a_id, _time(started), None if ended is None else _time(ended), user, username, outcome, phone,
                       note or "")
            for a_id, started, ended, user, username, outcome, phone, note in _json(r["attempts_json"])
        )
        card = CardRows(
            r["client_id"], r["client_number"], r["name"] or "", r["service"], r["variant"], r["learning_profile"],
            r["period_id"], r["start_date"], r["end_date"], r["provider_id"], r["provider_name"], r["interview_id"],
            r["made_by_name"] or "", attempts,
        )
        return FastClaimed(CaseRows(record, tuple(phones), appointment), dnc, card, tuple(r["uncallable"] or ()))


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _json(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str) else value)
