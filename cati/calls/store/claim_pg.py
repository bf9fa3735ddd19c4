"""PostgreSQL's claim in one statement: pick the best due case, lease it, and read its card.

One round trip; the statement is its own transaction (autocommit)::

    WITH best AS (<claim_select.best_select: the queues in scope, each tier's window of candidates
                   locked FOR UPDATE SKIP LOCKED, ranked by the call order, the first>),
         upd AS (UPDATE call_case SET held_by, lease_expires_at, claimed_at, updated_at
                 WHERE id = best.id AND <still free> RETURNING …)
    SELECT upd.*, client, period, provider, open interview, appointment maker,
           phones (JSON), attempts (JSON)
    FROM upd JOIN …

Concurrent claimers skip each other's locked candidates and never wait. The claim starts at
``:now``, or later when the case's last attempt or release was recorded later
(``case_mapping.claim_not_before``). The caller checks the claimed case against the pure rules
(``claiming.settle``) and writes what a claim writes beyond the lease (e.g. a number found on the
do-not-call list) only when it differs.

The statement is compiled once per shape into PostgreSQL's own form (``$n`` parameters) and sent
with psycopg directly, prepared, on a connection of its own whose prepared statements are planned
generically: planning this statement costs milliseconds, so it is planned once per connection, not
per claim, and the claim needs none of SQLAlchemy's per-execution work.
"""

from __future__ import annotations

import json
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Engine, Integer, Interval, bindparam, event, func, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

from cati.calls.rules.order import Asker
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.store.case_mapping import AppointmentRecord, CaseRecord, CaseRows, PhoneRecord
from cati.calls.store.claim_card import AttemptRow, CardRows, open_interview
from cati.calls.store.claim_select import best_select
from cati.calls.store.claim_sql import (
    AT,
    CASE_COLUMNS,
    CC,
    CL,
    DN,
    FINAL,
    MP,
    PH,
    PR,
    US,
    StatementCache,
    at,
    const,
)
from cati.calls.store.order_sql import APPOINTMENT_COLUMNS, day_params, order_params
from cati.platform.keys import unseal
from cati.platform.types import UTCDateTime, utcnow


class ClaimUnavailable(RuntimeError):
    """The claim statement could not be sent (e.g. the connection dropped)."""


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
class PgClaimed:
    """The claimed case as written (its rows, do-not-call numbers among its phones), its tier and its card."""

    rows: CaseRows
    dnc: set[str]
    tier: int
    card: CardRows


def _close(claim: weakref.ref[PgClaim], _engine: Engine) -> None:
    live = claim()
    if live is not None:
        live.close()


class PgClaim(StatementCache):
    """The one-statement claim (PostgreSQL only), built once per shape, sent on its own connection.

    That connection (opened on the first claim, closed with the engine) plans its prepared
    statements generically (``plan_cache_mode``): the claim statement is planned once, not on every
    claim (its custom plan costs milliseconds); nothing else runs on it.
    """

    def __init__(self, batch: int, engine: Engine) -> None:
        import psycopg  # PostgreSQL only (an optional dependency)

        super().__init__(postgres=True, variant=(batch,))
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
        self, queues: tuple[str, ...], caps: Mapping[str, int | None], provider_id: int | None, now: datetime,
        asker: Asker, settings: SchedulerSettings,
    ) -> PgClaimed | None:
        """Claim the best due case of ``queues`` (of one provider, or all) for ``asker``; None when
        there is none. Raises :class:`ClaimUnavailable` when the statement could not be sent."""
        assert asker.user_id is not None and asker.languages is not None, "a claim is made by an interviewer"
        capped = tuple(q for q in queues if caps.get(q) is not None)
        parts = tuple(settings.calendar.day_part_names())
        shape = (queues, capped, provider_id is not None, parts)
        stmt: _Compiled = self._stmt(("claim", *shape), lambda: _Compiled.of(self._build(*shape)))
        today = settings.calendar.local(now).date()
        day = self._days.get(today)
        if day is None:
            self._days = {today: (day := day_params(today, settings))}  # kept for the day
        params = order_params(now, asker, settings, day)
        params.update(provider=provider_id, lease=timedelta(minutes=settings.lease_minutes), v_updated_at=utcnow())
        for i, q in enumerate(capped):
            params[f"cap{i}"] = caps[q]
        with self._lock:
            try:
                row = self._connection().execute(stmt.sql, stmt.args(params), prepare=True).fetchone()
            except self._psycopg.OperationalError as exc:
                self.close()  # e.g. a dropped connection: the next claim opens a new one
                raise ClaimUnavailable(str(exc)) from exc
        return None if row is None else self._result(dict(zip(stmt.columns, row, strict=True)))

    # -- the statement ----------------------------------------------------------------------------
    def _build(self, queues: tuple[str, ...], capped: tuple[str, ...], by_provider: bool,
               parts: tuple[str, ...]) -> Any:
        best = best_select(queues, capped, by_provider, parts, self.batch, lock=True).cte("best")
        # a claim never starts before the previous holder's attempt or release was recorded
        started = func.greatest(at(), CC.c.last_attempt_at, CC.c.released_at, type_=UTCDateTime())
        upd = (
            update(CC)
            .where(CC.c.id == best.c.id, CC.c.status != const(FINAL),
                   CC.c.held_by.is_(None))
            .values({
                CC.c.held_by: bindparam("user", type_=Integer),
                CC.c.lease_expires_at: started + bindparam("lease", type_=Interval()),
                CC.c.claimed_at: started,
                CC.c.updated_at: at("v_updated_at"),
            })
            .returning(*[CC.c[c] for c in CASE_COLUMNS], *[best.c[f"a_{c}"] for c in APPOINTMENT_COLUMNS],
                       best.c.tier)
            .cte("upd")
        )
        return self._card(upd)

    @staticmethod
    def _card(u: Any) -> Any:
        """The claimed case's columns, appointment, card and (as JSON) phones and attempts: one row."""
        phones = (
            select(func.json_agg(aggregate_order_by(
                func.json_build_array(PH.c.id, PH.c.position, PH.c.e164, PH.c.kind, PH.c.flagged, PH.c.status,
                                      PH.c.final_outcome, PH.c.attempts, DN.c.e164),
                PH.c.position, PH.c.id)))
            .select_from(PH.outerjoin(DN, DN.c.e164 == PH.c.e164_hash))
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
                *[u.c[c] for c in CASE_COLUMNS], *[u.c[f"a_{c}"] for c in APPOINTMENT_COLUMNS], u.c.tier,
                CL.c.client_number, CL.c.name, CL.c.service, CL.c.variant, CL.c.learning_profile,
                CL.c.language.label("client_language"),
                MP.c.start_date, MP.c.end_date, PR.c.id.label("provider_id"), PR.c.name.label("provider_name"),
                open_interview(u).label("interview_id"), made_by_name.label("made_by_name"),
                phones.label("phones"), attempts.label("attempts_json"),
            )
            .select_from(u.join(CL, CL.c.id == u.c.client_id).join(MP, MP.c.id == CL.c.period_id)
                         .join(PR, PR.c.id == MP.c.provider_id))
        )

    # -- the result -------------------------------------------------------------------------------
    @staticmethod
    def _result(r: dict[str, Any]) -> PgClaimed:
        case_id = r["id"]
        record = CaseRecord(
            case_id, r["client_id"], r["period_id"], r["queue"], r["status"], r["last_outcome"], r["final_outcome"],
            r["attempts"] or 0, bool(r["contacted"]), r["current_phone_position"] or 0, _utc(r["next_call_at"]),
            _utc(r["last_attempt_at"]), r["day_parts_tried"] or "", r["held_by"], _utc(r["lease_expires_at"]),
            _utc(r["claimed_at"]), _utc(r["released_at"]), r["state"] or "{}", r["language"],
            r["checks_interviewer"],
        )
        phones: list[PhoneRecord] = []
        dnc: set[str] = set()
        for p_id, position, sealed, kind, flagged, status, final, attempts, listed in _json(r["phones"]):
            e164 = unseal(sealed)  # JSON is not read through the column's type
            phones.append(PhoneRecord(p_id, position, e164, kind or "", bool(flagged), status or "active", final,
                                      attempts or 0))
            if listed is not None and e164 is not None:
                dnc.add(e164)
        appointment = None
        if r["a_id"] is not None:
            appointment = AppointmentRecord(r["a_id"], case_id, r["a_made_by"], r["a_kind"], r["a_due_at"].astimezone(UTC),
                                            r["a_day_part"], unseal(r["a_note"]) or "", r["a_status"])
        attempts = tuple(
            AttemptRow(a_id, _time(started), None if ended is None else _time(ended), user, username, outcome, phone,
                       unseal(note) or "")
            for a_id, started, ended, user, username, outcome, phone, note in _json(r["attempts_json"])
        )
        card = CardRows(
            r["client_id"], r["client_number"], unseal(r["name"]) or "", r["service"], r["variant"], r["learning_profile"],
            r["period_id"], r["start_date"], r["end_date"], r["provider_id"], r["provider_name"], r["interview_id"],
            r["made_by_name"] or "", attempts, r["client_language"],
        )
        return PgClaimed(CaseRows(record, tuple(phones), appointment), dnc, int(r["tier"]), card)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value).astimezone(UTC)


def _json(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(json.loads(value) if isinstance(value, str) else value)
