"""The queue order of :mod:`cati.calls.rules.order` in SQL: which candidates are due for an interviewer
and in which order, so that PostgreSQL's claim picks and claims the winner in one statement
(:mod:`cati.calls.store.claim_fast`).

The pure rules stay the single source of truth. The bound parameters come from them
(:func:`order_params`: the settings and, for day-part callbacks, the domain's own deadlines), and
``tests/integration/test_claim_order.py`` proves on generated cases, on both backends, that
:func:`ranked` marks due exactly the cases ``is_due`` accepts, marks uncallable exactly those without
a callable number, and that :func:`order_keys` sorts the due ones exactly as ``priority_key`` does.

What it mirrors (the calling hours themselves are checked by the caller, before any SQL):

- ``is_due``: not final; a callable number (status active, a number, not on the do-not-call list);
  not held on a live lease; ``next_call_at`` passed; not an exact appointment reserved for another
  interviewer (``appointment_own_interviewer_minutes`` from its time).
- ``tier_of``: a live exact appointment (missed ``missed_appointment_grace_minutes`` after its
  time) > a partial interview > a live day-part callback (missed when its day part has ended) >
  never called > retry.
- ``priority_key``: tier; own appointment first; retries: fewest attempts, then the oldest
  ``last_attempt_at`` (the JSON detail); others: the oldest ``next_call_at``; then the case id as text.
- ``case_mapping.priority_of``: the stored tier (``prio``), which a claim writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    exists,
    false,
    func,
    literal_column,
    null,
    or_,
    select,
    true,
)

from cati.calls.rules.order import appointment_deadline
from cati.calls.rules.outcomes import PARTIAL
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import Appointment, CaseState
from cati.calls.store.claim_sql import AP, CASE_COLUMNS, DN, FINAL, PH, at, const, inline, num

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # priority_key's "never" (next_call_at / last_attempt_at unset)

#: the appointment columns :func:`ranked` adds (the case's newest open appointment)
APPOINTMENT_COLUMNS = ("id", "made_by", "kind", "due_at", "day_part", "note", "status")


def day_params(today: date, settings: SchedulerSettings) -> dict[str, Any]:
    """The bound parameters of :func:`ranked` that depend only on the (local) day: its bounds and, per
    day part, when a day-part callback of that day is missed (the domain's own deadline; None: never)."""
    cal = settings.calendar
    params: dict[str, Any] = {
        "today_start": cal.at_local(today, time(0)),
        "tomorrow_start": cal.at_local(today + timedelta(days=1), time(0)),
    }
    for i, part in enumerate(cal.day_part_names()):
        params[f"dl{i}"] = appointment_deadline(CaseState(appointment=Appointment.daypart(today, part)), settings)
    return params


def order_params(
    now: datetime, user_id: int, settings: SchedulerSettings, day: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The bound parameters of :func:`ranked` at ``now`` for ``user_id`` (``day``: :func:`day_params`
    of today, when the caller keeps them)."""
    params: dict[str, Any] = {
        "now": now,
        "user": user_id,
        # an exact appointment is missed from its time + the grace on (priority.appointment_deadline)
        "missed_before": now - timedelta(minutes=settings.missed_appointment_grace_minutes),
        # and reserved for its maker until its time + the own-interviewer minutes (priority.reserved_for)
        "reserved_after": now - timedelta(minutes=settings.appointment_own_interviewer_minutes),
        "epoch": EPOCH,
    }
    params.update(day if day is not None else day_params(settings.calendar.local(now).date(), settings))
    return params


def _state_json(cases: Any) -> Any:
    text = func.coalesce(func.nullif(cases.c.state, const("")), const("{}"))
    if inline():
        from sqlalchemy.dialects.postgresql import JSONB

        return cast(text, JSONB)
    return text


def json_text(cases: Any, key: str) -> Any:
    """A text value of the case's JSON detail (``call_case.state``)."""
    assert key.isidentifier()
    doc = _state_json(cases)
    if inline():  # PostgreSQL
        return doc.op("->>", return_type=Text)(literal_column(f"'{key}'"))
    return func.json_extract(doc, const(f"$.{key}"), type_=Text)


def _text_order(expr: Any) -> Any:
    """Byte order, as Python compares strings (PostgreSQL's collation may differ)."""
    return expr.collate("C") if inline() else expr


def _newest_appointment(cases: Any) -> tuple[Any, Any]:
    """The case's newest open appointment, to outer-join ``cases`` with: (the appointment, the join)."""
    if inline():  # PostgreSQL: a lateral sub-query on the appointment's case index
        lateral = (
            select(*[AP.c[c] for c in APPOINTMENT_COLUMNS])
            .where(AP.c.case_id == cases.c.id, AP.c.status == const("open"))
            .order_by(AP.c.id.desc()).limit(literal_column("1")).lateral("appt")
        )
        return lateral, cases.outerjoin(lateral, true())
    newest = AP.alias("newest")
    appointment = AP.alias("appt")
    newest_id = (
        select(func.max(newest.c.id))
        .where(newest.c.case_id == cases.c.id, newest.c.status == const("open"))
        .scalar_subquery()
    )
    return appointment, cases.outerjoin(appointment, appointment.c.id == newest_id)


def ranked(cases: Any, day_parts: tuple[str, ...]) -> Select[Any]:
    """``cases`` (call_case, or a sub-query / CTE with its :data:`CASE_COLUMNS`) with their newest open
    appointment (``a_*``), whether they have a callable number (``callable``), are due for ``:user``
    at ``:now`` (``due``), their tier (``tier``), stored tier (``prio``) and sort keys (``k_*``, see
    :func:`order_keys`): a select, to use as a sub-query or CTE. ``day_parts``: the calendar's day
    part names, in order."""
    appointment, joined = _newest_appointment(cases)
    callable_number = exists().where(
        PH.c.client_id == cases.c.client_id, PH.c.e164.is_not(None),
        or_(PH.c.status.is_(None), PH.c.status.in_([const(""), const("active")])),
        ~exists().where(DN.c.e164 == PH.c.e164),
    )
    base = (
        select(
            *[cases.c[c] for c in CASE_COLUMNS],
            *[appointment.c[c].label(f"a_{c}") for c in APPOINTMENT_COLUMNS],
            callable_number.label("callable"),
            json_text(cases, "last_attempt_at").label("last_attempt"),
        )
        .select_from(joined)
        .offset(num(0))  # kept as a sub-query: each candidate's numbers are looked at once
        .subquery("ranked_in")
    )
    c = base.c
    user = bindparam("user", type_=Integer)
    exact = and_(c.a_id.is_not(None), c.a_kind == const("exact"))
    daypart = and_(c.a_id.is_not(None), c.a_kind != const("exact"))
    deadline = case(*[(c.a_day_part == const(p), at(f"dl{i}")) for i, p in enumerate(day_parts)],
                    else_=null()) if day_parts else null()
    known = c.a_day_part.in_([const(p) for p in day_parts]) if day_parts else false()
    daypart_live = and_(daypart, known, or_(
        c.a_due_at >= at("tomorrow_start"),  # a later day: not missed yet
        and_(c.a_due_at >= at("today_start"), or_(deadline.is_(None), deadline > at())),
    ))  # an earlier day: its day part has ended
    attempts = func.coalesce(c.attempts, num(0))
    tier = case(
        (and_(exact, c.a_due_at > at("missed_before")), num(0)),
        (c.last_outcome == const(PARTIAL), num(1)),
        (daypart_live, num(2)),
        (attempts == num(0), num(3)),
        else_=num(4),
    )
    prio = case((exact, num(0)), (c.last_outcome == const(PARTIAL), num(1)), (daypart, num(2)),
                (attempts == num(0), num(3)), else_=num(4))
    reserved_for_other = and_(exact, c.a_made_by.is_not(None), c.a_due_at > at("reserved_after"), c.a_made_by != user)
    due = and_(
        c.callable,
        or_(c.status.is_(None), c.status != const(FINAL)),
        or_(c.held_by.is_(None), c.lease_expires_at.is_(None), c.lease_expires_at <= at()),
        or_(c.next_call_at.is_(None), c.next_call_at <= at()),
        case((reserved_for_other, false()), else_=true()),
    )
    retry = tier == num(4)
    return select(
        base,
        case((due, true()), else_=false()).label("due"),
        tier.label("tier"),
        prio.label("prio"),
        case((and_(tier == num(0), or_(c.a_made_by.is_(None), c.a_made_by != user)), num(1)),
             else_=num(0)).label("k_own"),
        case((retry, attempts), else_=num(0)).label("k_attempts"),
        case((retry, null()), else_=func.coalesce(c.next_call_at, at("epoch"))).label("k_since"),
        case((retry, func.coalesce(c.last_attempt, const(""))), else_=null()).label("k_last"),
        cast(c.id, String).label("k_id"),
    )


def order_keys(r: Any) -> list[Any]:
    """``ORDER BY`` of :func:`ranked`'s rows: ``priority_key`` (tier, own appointment, attempts,
    since, case id as text); ``k_since`` and ``k_last`` are each set in their own tiers only."""
    return [r.c.tier, r.c.k_own, r.c.k_attempts, r.c.k_since, _text_order(r.c.k_last), _text_order(r.c.k_id)]
