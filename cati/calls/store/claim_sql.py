"""Shared pieces of the claim path's Core statements: the tables, the columns a claim reads and
writes, constants and bound parameters, and the cache that builds each statement once per shape.

Used by :mod:`cati.calls.store.order_sql` (the call order in SQL), :mod:`cati.calls.store.claim_select`
(which case a claim takes), :mod:`cati.calls.store.claim_pg` (PostgreSQL's one-statement claim),
:mod:`cati.calls.store.claim_queries` (a case's rows, the lease), :mod:`cati.calls.store.claim_card`
(the case card) and :mod:`cati.calls.store.outcome_writes`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextvars import ContextVar
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Integer, Table, bindparam, literal, literal_column

from cati.platform.models import (
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
from cati.platform.types import UTCDateTime, utcnow

FINAL = "final"
COMPLETE = "COMPLETE"
OPEN_INTERVIEW = ("in_progress", "partial")

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

#: the ``call_case`` columns the claim path reads (``case_mapping.CaseRecord``)
CASE_COLUMNS = ("id", "client_id", "period_id", "queue", "status", "last_outcome", "final_outcome", "attempts",
                "contacted", "current_phone_position", "next_call_at", "last_attempt_at", "day_parts_tried",
                "held_by", "lease_expires_at", "claimed_at", "released_at", "state", "language", "checks_interviewer")
#: the ``call_attempt`` columns an outcome writes
ATTEMPT_COLUMNS = ("case_id", "phone_id", "user_id", "started_at", "ended_at", "outcome", "note",
                   "dialled_at", "answered_at", "hung_up_at", "line_end", "sip_reason", "talk_seconds")
#: the ``call_case`` columns a claim or an outcome writes (``case_mapping.case_values``)
CLAIM_COLUMNS = ("status", "last_outcome", "final_outcome", "attempts", "contacted", "current_phone_position",
                 "next_call_at", "last_attempt_at", "day_parts_tried", "held_by", "lease_expires_at", "claimed_at",
                 "released_at", "state", "language")


_INLINE = ContextVar("_INLINE", default=False)


def const(value: str) -> Any:
    """A constant: on PostgreSQL rendered into the SQL (not a bound parameter), so the prepared
    statements' generic plans know it, as they know the ``LIMIT``; on SQLite a bound parameter
    (its planner reads the ``status = 'new' AND (next_call_at IS NULL OR …)`` branch differently with
    literals and sorts the whole queue)."""
    assert "'" not in value
    return literal_column(f"'{value}'") if _INLINE.get() else literal(value)


def num(value: int) -> Any:
    """A whole-number constant, rendered into the SQL on PostgreSQL (as :func:`const`)."""
    return literal_column(str(int(value)), Integer) if _INLINE.get() else literal(value, Integer)


def inline() -> bool:
    """True while a PostgreSQL statement is built (constants rendered into the SQL)."""
    return _INLINE.get()


def at(name: str = "now") -> BindParameter[datetime]:
    """A bound aware datetime."""
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


#: the statements built so far, for the whole process: a statement is a description of SQL, bound to no
#: engine or connection, so every service built in this process (the tests build many, the CLI one per
#: command) reuses the one built first instead of building the same (up to a few milliseconds) again
_BUILT: dict[tuple[Any, ...], Any] = {}
#: a bound on :data:`_BUILT` (shapes are few: queues, day parts, chunk sizes); past it, it starts over
_MAX_BUILT = 4096


class StatementCache:
    """Statements built once per shape and then reused, so SQLAlchemy's compiled cache serves them;
    ``postgres``: constants rendered inline (see :func:`const`). ``variant``: whatever else of the
    instance goes into its statements (a batch size), so instances that differ never share one."""

    def __init__(self, *, postgres: bool = False, variant: tuple[Any, ...] = ()) -> None:
        self.postgres = postgres
        self._prefix = (type(self).__module__, type(self).__qualname__, postgres, variant)

    def _stmt(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        full = (*self._prefix, *key)
        stmt = _BUILT.get(full)
        if stmt is None:
            token = _INLINE.set(self.postgres)
            try:
                stmt = build()
            finally:
                _INLINE.reset(token)
            if len(_BUILT) >= _MAX_BUILT:
                _BUILT.clear()
            stmt = _BUILT.setdefault(full, stmt)
        return stmt
