"""The call queues' Core statements on one case: its rows (case, phones, do-not-call flags, open
appointment) as plain records, the lease a claim writes, the case card, the held case.

Which case a claim takes is :mod:`cati.calls.store.claim_select` (the call order in SQL);
PostgreSQL's one-statement claim is :mod:`cati.calls.store.claim_pg`; the writes of an outcome are
:mod:`cati.calls.store.outcome_writes`. Statements are built once per shape with bound parameters
(:class:`~cati.calls.store.claim_sql.StatementCache`), so SQLAlchemy's compiled cache serves them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    and_,
    bindparam,
    exists,
    literal_column,
    select,
    update,
)

from cati.calls.store.case_mapping import AppointmentRecord, CaseRecord, CaseRows, PhoneRecord
from cati.calls.store.claim_card import CardRows, card_rows, card_select
from cati.calls.store.claim_sql import (
    AP,
    CASE_COLUMNS,
    CC,
    DN,
    FINAL,
    IV,
    OPEN_INTERVIEW,
    PH,
    StatementCache,
    case_params,
    case_sets,
    const,
)
from cati.calls.store.claim_sql import at as _at

__all__ = ["CardRows", "ClaimQueries"]


class ClaimQueries(StatementCache):
    """The claim path's statements, each built once per shape and then reused, so SQLAlchemy's
    compiled cache serves them; executed on the session's connection (no ORM objects)."""

    # -- a case's rows --------------------------------------------------------------------------
    def _rows_select(self, cases: Any, where: Any = None) -> Select[Any]:
        """Cases (``cases``: call_case or a sub-query with its columns) with their phones (and the
        do-not-call flag) and open appointments, one row per combination."""
        cols = [
            *[cases.c[name] for name in CASE_COLUMNS],
            PH.c.id.label("p_id"), PH.c.position.label("p_position"), PH.c.e164.label("p_e164"),
            PH.c.kind.label("p_kind"), PH.c.flagged.label("p_flagged"), PH.c.status.label("p_status"),
            PH.c.final_outcome.label("p_final"), PH.c.attempts.label("p_attempts"), DN.c.e164.label("p_dnc"),
            AP.c.id.label("a_id"), AP.c.made_by.label("a_made_by"), AP.c.kind.label("a_kind"),
            AP.c.due_at.label("a_due_at"), AP.c.day_part.label("a_day_part"), AP.c.note.label("a_note"),
            AP.c.status.label("a_status"),
        ]
        joined = (
            cases.outerjoin(PH, PH.c.client_id == cases.c.client_id)
            .outerjoin(DN, DN.c.e164 == PH.c.e164_hash)
            .outerjoin(AP, and_(AP.c.case_id == cases.c.id, AP.c.status == const("open")))
        )
        stmt = select(*cols).select_from(joined)
        if where is not None:
            stmt = stmt.where(where)
        return stmt.order_by(cases.c.id, PH.c.position, AP.c.id)

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
                 next_call_at, last_attempt_at, day_parts, held_by, lease, claimed_at, released_at, state,
                 language, checks) = r[:n]
                cases[cid] = CaseRecord(
                    cid, client_id, period_id, queue, status, last_outcome, final_outcome, attempts or 0,
                    bool(contacted), position or 0, next_call_at, last_attempt_at, day_parts or "", held_by, lease,
                    claimed_at, released_at, state or "{}", language, checks,
                )
                phones[cid] = {}
            (p_id, p_position, p_e164, p_kind, p_flagged, p_status, p_final, p_attempts, p_dnc,
             a_id, a_made_by, a_kind, a_due_at, a_day_part, a_note, a_status) = r[n:n + 16]
            if p_id is not None and p_id not in phones[cid]:
                phones[cid][p_id] = PhoneRecord(p_id, p_position, p_e164, p_kind or "", bool(p_flagged),
                                                p_status or "active", p_final, p_attempts or 0)
                if p_dnc is not None and p_e164 is not None:
                    dnc.add(p_e164)  # the number (the list holds its hash)
            if a_id is not None and (cid not in appts or appts[cid].id < a_id):
                appts[cid] = AppointmentRecord(a_id, cid, a_made_by, a_kind, a_due_at, a_day_part, a_note or "",
                                               a_status)  # the newest open one
        return {cid: CaseRows(c, tuple(phones[cid].values()), appts.get(cid)) for cid, c in cases.items()}, dnc

    # -- writes -------------------------------------------------------------------------------
    def _claim_update(self) -> Any:
        return (
            update(CC)
            .where(CC.c.id == bindparam("cid"), CC.c.status != const(FINAL),
                   CC.c.held_by.is_(None))
            .values(case_sets())
        )

    @staticmethod
    def _claim_params(case_id: int, values: Mapping[str, Any], now: datetime) -> dict[str, Any]:
        return {"cid": case_id, "now": now, **case_params(values)}

    def claim(self, conn: Connection, case_id: int, values: Mapping[str, Any], now: datetime) -> bool:
        """Write the claimed state if the case is still free and open (True), in one ``UPDATE``."""
        stmt = self._stmt(("claim",), self._claim_update)
        return bool(conn.execute(stmt, self._claim_params(case_id, values, now)).rowcount == 1)

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
