"""The writes of recording a call outcome, as Core statements on the session's connection.

The attempt, the case's new state and its phones, its appointments and interviews. On PostgreSQL
the attempt, the case and (at most) one phone row go in one statement (data-modifying CTEs); the
statements are built once per shape, as the claim path's (:mod:`cati.calls.store.claim_sql`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from cati.calls.store.claim_sql import (
    AP,
    AT,
    ATTEMPT_COLUMNS,
    CC,
    IV,
    OPEN_INTERVIEW,
    PH,
    StatementCache,
    case_params,
    case_sets,
    const,
)
from cati.platform.types import UTCDateTime


class OutcomeWrites(StatementCache):
    """What an outcome writes: attempt, appointments, case state, phones, interviews (no ORM objects)."""

    def add_attempt(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """Insert a call attempt; its id."""
        stmt = self._stmt(("attempt",), lambda: AT.insert().returning(AT.c.id))
        return int(conn.execute(stmt, dict(values)).scalar_one())

    def add_appointment(self, conn: Connection, values: Mapping[str, Any]) -> int:
        stmt = self._stmt(("appointment",), lambda: AP.insert().returning(AP.c.id))
        return int(conn.execute(stmt, dict(values)).scalar_one())

    def close_appointments(self, conn: Connection, case_id: int, status: str) -> None:
        """Every open appointment of the case gets ``status`` (done or missed)."""
        stmt = self._stmt(("close_appts",), lambda: update(AP).where(AP.c.case_id == bindparam("cid"),
                                                                      AP.c.status == const("open"))
                          .values(status=bindparam("v_status")))
        conn.execute(stmt, {"cid": case_id, "v_status": status})

    def write_case(self, conn: Connection, case_id: int, values: Mapping[str, Any]) -> None:
        """Write a case's state (``case_mapping.case_values``)."""
        stmt = self._stmt(("write_case",), lambda: update(CC).where(CC.c.id == bindparam("cid")).values(case_sets()))
        conn.execute(stmt, {"cid": case_id, **case_params(values)})

    def write_outcome(
        self, conn: Connection, attempt: Mapping[str, Any], case_id: int, values: Mapping[str, Any],
        phone: Mapping[str, Any] | None,
    ) -> int:
        """PostgreSQL: the attempt, the case's new state and (at most) one phone row in one statement
        (data-modifying CTEs); the attempt's id."""

        def build() -> Any:
            att = AT.insert().values({AT.c[c]: bindparam(f"a_{c}", type_=AT.c[c].type) for c in ATTEMPT_COLUMNS}) \
                .returning(AT.c.id).cte("att")
            stmt = update(CC).where(CC.c.id == bindparam("cid")).values(case_sets()).add_cte(att)
            if phone is not None:
                stmt = stmt.add_cte(update(PH).where(PH.c.id == bindparam("pid")).values(
                    attempts=bindparam("p_attempts"), status=bindparam("p_status"),
                    final_outcome=bindparam("p_final")).returning(PH.c.id).cte("ph"))
            return stmt.returning(select(att.c.id).scalar_subquery())

        params = {"cid": case_id, **case_params(values), **{f"a_{c}": attempt[c] for c in ATTEMPT_COLUMNS}}
        if phone is not None:
            params.update(pid=phone["id"], p_attempts=phone["attempts"], p_status=phone["status"],
                          p_final=phone["final_outcome"])
        return int(conn.execute(self._stmt(("outcome", phone is not None), build), params).scalar_one())

    def open_interviews(self, conn: Connection, case_id: int) -> list[tuple[int, str]]:
        """(id, status) of the case's interviews in progress or partial."""
        stmt = self._stmt(("open_ivs",), lambda: select(IV.c.id, IV.c.status).where(
            IV.c.case_id == bindparam("cid"), IV.c.status.in_([const(x) for x in OPEN_INTERVIEW])).order_by(IV.c.id))
        return [(int(i), str(st)) for i, st in conn.execute(stmt, {"cid": case_id})]

    def set_interview(self, conn: Connection, interview_id: int, status: str, completed_at: datetime | None) -> None:
        """Set an interview's status (and, when given, its completion time)."""
        if completed_at is None:
            stmt = self._stmt(("iv_status",), lambda: update(IV).where(IV.c.id == bindparam("iid"))
                              .values(status=bindparam("v_status")))
            conn.execute(stmt, {"iid": interview_id, "v_status": status})
        else:
            stmt = self._stmt(("iv_done",), lambda: update(IV).where(IV.c.id == bindparam("iid")).values(
                status=bindparam("v_status"), completed_at=bindparam("v_at", type_=UTCDateTime())))
            conn.execute(stmt, {"iid": interview_id, "v_status": status, "v_at": completed_at})
