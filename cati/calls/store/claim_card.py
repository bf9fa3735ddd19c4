"""The case card's rows: client, period, provider, the interview to resume, the appointment maker and
the earlier attempts, read in one statement (``card_select``), on its own or joined to a claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, func, select

from cati.calls.store.claim_sql import AT, CL, IV, MP, OPEN_INTERVIEW, PR, US, const


class AttemptRow(NamedTuple):
    """An earlier attempt on the case, as the card shows it."""

    attempt_id: int
    started_at: datetime
    ended_at: datetime | None
    user_id: int | None
    username: str | None
    outcome: str | None
    phone_id: int | None
    note: str


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
    client_language: str | None = None  # the client file's taal


def open_interview(cases: Any) -> Any:
    """The newest open (in progress or partial) interview of each case: a scalar sub-query."""
    return (
        select(func.max(IV.c.id)).where(IV.c.case_id == cases.c.id, IV.c.status.in_([const(x) for x in OPEN_INTERVIEW]),
                                        IV.c.voided_at.is_(None))
        .scalar_subquery()
    )


def card_select(cases: Any, where: Any = None) -> Select[Any]:
    """The card's rows of the cases in ``cases`` (call_case or a CTE with its ``id`` and ``client_id``):
    one row per attempt (one row when there is none); ``made_by`` is a bound parameter."""
    maker = US.alias("maker")
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
            PR.c.name.label("provider_name"), open_interview(cases).label("interview_id"),
            made_by_name.label("made_by_name"), AT.c.id.label("attempt_id"), AT.c.started_at,
            AT.c.ended_at, AT.c.user_id, US.c.username, AT.c.outcome, AT.c.phone_id, AT.c.note,
            CL.c.language.label("client_language"),
        )
        .select_from(joined)
        .order_by(AT.c.started_at, AT.c.id)
    )
    return stmt if where is None else stmt.where(where)


def card_rows(rows: Sequence[Any]) -> CardRows | None:
    """The rows of :func:`card_select` as one :class:`CardRows` (None when there are none)."""
    if not rows:
        return None
    r = rows[0]
    return CardRows(
        r.id, r.client_number, r.name or "", r.service, r.variant, r.learning_profile, r.period_id, r.start_date,
        r.end_date, r.provider_id, r.provider_name, r.interview_id, r.made_by_name or "",
        tuple(x for x in rows if x.attempt_id is not None), r.client_language,
    )
