"""The call order in SQL, generated from its one description (:mod:`cati.calls.rules.order`).

Everything here is read off :data:`~cati.calls.rules.order.CALL_ORDER` and
:data:`~cati.calls.rules.order.DUE`: each :class:`Fact`, :class:`Due` condition and :class:`Key` has
its SQL expression (:func:`fact_sql`, :func:`due_sql`, :func:`key_sql`, next to their Python readings
in the rules), and the tier, the ranking ``ORDER BY`` and every candidate window are put together
from the tuples, never written by hand:

- :func:`ranked`: cases with their tier, whether they are due, and the order's keys;
  :func:`order_by`: ``tier``, then each tier's keys (live only in their own tier), then the case id.
- :func:`window`: the candidates of one tier in one queue: due, in that tier's condition, in that
  tier's key order, ``LIMIT batch`` (PostgreSQL: ``FOR UPDATE SKIP LOCKED``). The best due case of
  the best tier is the first row of that tier's window, so the claim ranks a few rows per tier, not
  the queue. :data:`DRIVERS` narrows each window to an index; a driver is implied by its tier's
  condition and the ``call_case`` constraints (new = never called, active = called, open = planned).

The bound parameters come from the rules too (:func:`order_params`: the settings' minutes and, for
day-part callbacks, the rules' own deadlines). ``tests/integration/test_call_order_parity.py``
claims whole queues on both backends and compares every claim with the rules' ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal_column,
    not_,
    null,
    or_,
    select,
    true,
)

from cati.calls.rules.order import (
    CALL_ORDER,
    DUE,
    Due,
    Fact,
    Key,
    Tier,
    Who,
    appointment_deadline,
    asker_of,
)
from cati.calls.rules.outcomes import PARTIAL
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import Appointment, CaseState
from cati.calls.store.claim_sql import AP, CASE_COLUMNS, CC, DN, FINAL, PH, at, const, inline, num
from cati.core.languages import SOURCE

#: the appointment columns :func:`with_appointment` adds (the case's newest open appointment), as ``a_*``
APPOINTMENT_COLUMNS = ("id", "made_by", "kind", "due_at", "day_part", "note", "status")


# ---------------------------------------------------------------- parameters


def day_params(today: date, settings: SchedulerSettings) -> dict[str, Any]:
    """The bound parameters that depend only on the (local) day: its bounds and, per day part, when a
    callback of that part today is missed (the rules' own :func:`appointment_deadline`)."""
    cal = settings.calendar
    params: dict[str, Any] = {
        "today_start": cal.at_local(today, time(0)),
        "tomorrow_start": cal.at_local(today + timedelta(days=1), time(0)),
    }
    for i, part in enumerate(cal.day_part_names()):
        params[f"dl{i}"] = appointment_deadline(CaseState(appointment=Appointment.daypart(today, part)), settings)
    return params


def languages_param(languages: frozenset[str] | None) -> str | None:
    """The languages an interviewer speaks as one bound text, Dutch always among them: ``,ar,en,nl,``
    (None: any language)."""
    return None if languages is None else "," + ",".join(sorted({*languages, SOURCE})) + ","


def order_params(
    now: datetime, who: Who, settings: SchedulerSettings, day: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The bound parameters of the order at ``now`` for ``who`` (an :class:`~cati.calls.rules.order.Asker`:
    the interviewer's id, None for one who made no appointment, and their languages, None for any);
    ``day``: :func:`day_params` of today, when the caller keeps them."""
    asker = asker_of(who)
    params: dict[str, Any] = {
        "now": now,
        "user": asker.user_id,
        "langs": languages_param(asker.languages),
        # an exact appointment is missed from its time + the grace on (order.appointment_deadline)
        "missed_before": now - timedelta(minutes=settings.missed_appointment_grace_minutes),
        # and reserved for its maker until its time + the own-interviewer minutes (order.reserved_for)
        "reserved_after": now - timedelta(minutes=settings.appointment_own_interviewer_minutes),
    }
    params.update(day if day is not None else day_params(settings.calendar.local(now).date(), settings))
    return params


# ---------------------------------------------------------------- the case's newest open appointment


def with_appointment(cases: Any) -> tuple[Any, Any]:
    """``cases`` (call_case or an alias / sub-query with its columns) outer-joined with each case's
    newest open appointment: (the appointment's columns, the join)."""
    if inline():  # PostgreSQL: a lateral sub-query on the appointment's case index
        lateral = (
            select(*[AP.c[c] for c in APPOINTMENT_COLUMNS])
            .where(AP.c.case_id == cases.c.id, AP.c.status == const("open"))
            .order_by(AP.c.id.desc()).limit(literal_column("1")).lateral("appt")
        )
        return lateral.c, cases.outerjoin(lateral, true())
    newest = AP.alias("newest")
    appointment = AP.alias("appt")
    newest_id = (
        select(func.max(newest.c.id))
        .where(newest.c.case_id == cases.c.id, newest.c.status == const("open"))
        .scalar_subquery()
    )
    return appointment.c, cases.outerjoin(appointment, appointment.c.id == newest_id)


# ---------------------------------------------------------------- the description, in SQL

Cols = Any  # the columns of a case row (``.c`` of call_case, an alias or a sub-query)


def _exact(a: Cols) -> Any:
    return and_(a.id.is_not(None), a.kind == const("exact"))


def fact_sql(fact: Fact, c: Cols, a: Cols, day_parts: tuple[str, ...]) -> Any:
    """:func:`cati.calls.rules.order.fact_holds` in SQL (``a``: the newest open appointment)."""
    if fact is Fact.LIVE_EXACT_APPOINTMENT:
        return and_(_exact(a), a.due_at > at("missed_before"))
    if fact is Fact.PARTIAL_INTERVIEW:
        return c.last_outcome == literal_column(f"'{PARTIAL}'")  # a literal: the partial index's condition
    if fact is Fact.LIVE_CALLBACK:
        deadline = case(*[(a.day_part == const(p), at(f"dl{i}")) for i, p in enumerate(day_parts)],
                        else_=at("tomorrow_start"))
        return and_(a.id.is_not(None), a.kind != const("exact"), or_(
            a.due_at >= at("tomorrow_start"),  # a later day: not missed yet
            and_(a.due_at >= at("today_start"), deadline > at()),  # today: until its part ends
        ))  # an earlier day: its day part has ended
    if fact is Fact.BACKCHECK:
        return c.checks_interviewer.is_not(None)  # the partial index's condition
    if fact is Fact.NEVER_CALLED:
        return c.attempts == num(0)
    return true()


def callable_number(c: Cols) -> Any:
    """The case's client has a number that may be dialled: not purged, active, not on the do-not-call
    list (``case_mapping.to_state``'s reading of the phone rows)."""
    return exists().where(
        PH.c.client_id == c.client_id, PH.c.e164.is_not(None),
        or_(PH.c.status.is_(None), PH.c.status.in_([const(""), const("active")])),
        ~exists().where(DN.c.e164 == PH.c.e164_hash),
    )


def speaks_language(c: Cols) -> Any:
    """The case needs no language, or one in ``:langs`` (``,ar,en,``; NULL: any language): never NULL."""
    needed = const(",") + c.language + const(",")
    return or_(c.language.is_(None), func.coalesce(bindparam("langs", type_=String()).contains(needed), true()))


def not_checked_interviewer(c: Cols) -> Any:
    """The case checks no interview, or not one of ``:user`` (NULL: anyone may see it): never NULL."""
    return or_(c.checks_interviewer.is_(None),
               func.coalesce(c.checks_interviewer != bindparam("user", type_=Integer), true()))


def due_sql(cond: Due, c: Cols, a: Cols) -> Any:
    """:func:`cati.calls.rules.order.due_holds` in SQL (for ``:user`` speaking ``:langs`` at ``:now``)."""
    if cond is Due.OPEN:
        return c.status != const(FINAL)
    if cond is Due.CALLABLE_NUMBER:
        return callable_number(c)
    if cond is Due.FREE:
        return c.held_by.is_(None)
    if cond is Due.TIME_REACHED:
        return or_(c.next_call_at.is_(None), c.next_call_at <= at())
    if cond is Due.SPEAKS_LANGUAGE:
        return speaks_language(c)
    if cond is Due.NOT_CHECKED_INTERVIEWER:
        return not_checked_interviewer(c)
    return not_(reserved(a, for_other=True))


def reserved(a: Cols, *, for_other: bool = False) -> Any:
    """The appointment is kept for the interviewer who made it (``order.reserved_for``); ``for_other``:
    and that is not ``:user`` (never NULL: false without a user)."""
    kept = and_(_exact(a), a.made_by.is_not(None), a.due_at > at("reserved_after"))
    if not for_other:
        return kept
    return and_(kept, func.coalesce(a.made_by != bindparam("user", type_=Integer), true()))


def due_all(c: Cols, a: Cols, *, anyone: bool = False) -> Any:
    """Every :data:`DUE` condition; ``anyone``: except that an appointment is kept for its own
    interviewer (due for somebody: the supervisor's list shows it, marked)."""
    return and_(*[due_sql(cond, c, a) for cond in DUE if not (anyone and cond is Due.NOT_RESERVED_FOR_OTHER)])


def key_sql(key: Key, c: Cols, a: Cols) -> Any:
    """:func:`cati.calls.rules.order.key_value` in SQL. The columns are never NULL where a tier reads
    them (the ``call_case`` constraints: an open case has ``next_call_at``, an active one
    ``last_attempt_at``), so the windows can walk their indexes in this order."""
    if key is Key.OWN_APPOINTMENT_FIRST:
        return case((a.made_by == bindparam("user", type_=Integer), num(0)), else_=num(1))
    if key is Key.DUE_SINCE:
        return c.next_call_at
    if key is Key.FEWEST_ATTEMPTS:
        return c.attempts
    return c.last_attempt_at


def tier_sql(c: Cols, a: Cols, day_parts: tuple[str, ...]) -> Any:
    """The case's tier: the first of :data:`CALL_ORDER` whose condition holds."""
    *rules, last = CALL_ORDER
    return case(*[(fact_sql(r.when, c, a, day_parts), num(int(r.tier))) for r in rules], else_=num(int(last.tier)))


# ---------------------------------------------------------------- ranking a set of cases


def ranked(cases: Any, day_parts: tuple[str, ...], *, extra: tuple[Any, ...] = ()) -> Select[Any]:
    """``cases`` with their newest open appointment (``a_*``), tier, due (for ``:user`` at ``:now``) and
    sort keys (``k_<tier>_<n>``, set in their own tier only): a select to use as a sub-query."""
    a, joined = with_appointment(cases)
    c = cases.c
    tier = tier_sql(c, a, day_parts)
    keys = []
    for rule in CALL_ORDER:
        in_tier = tier == num(int(rule.tier))
        keys += [case((in_tier, key_sql(k, c, a)), else_=null()).label(f"k_{int(rule.tier)}_{n}")
                 for n, k in enumerate(rule.keys)]
    return (
        select(
            *c, *[a[col].label(f"a_{col}") for col in APPOINTMENT_COLUMNS],
            tier.label("tier"), case((due_all(c, a), true()), else_=false()).label("due"),
            case((due_all(c, a, anyone=True), true()), else_=false()).label("due_anyone"),
            case((reserved(a), a.made_by), else_=null()).label("reserved_for"), *keys, *extra,
        )
        .select_from(joined)
    )


def order_keys() -> list[Any]:
    """The ranking columns of :func:`ranked`, in ``ORDER BY`` order (before the case id)."""
    return [literal_column("tier"), *[literal_column(f"k_{int(rule.tier)}_{n}")
                                      for rule in CALL_ORDER for n in range(len(rule.keys))]]


def order_by(r: Any) -> list[Any]:
    """``ORDER BY`` of :func:`ranked`'s rows: the tier, each tier's keys, the case id."""
    return [r.c[k.key] for k in order_keys()] + [r.c.id]


# ---------------------------------------------------------------- candidate windows

#: per tier, a condition that narrows its window to an index and follows from the tier's condition
#: (with the ``call_case`` constraints); ``c``: the case columns
DRIVERS: dict[Tier, Callable[[Cols], Any]] = {
    Tier.APPOINTMENT: lambda c: c.id.in_(select(AP.c.case_id).where(
        AP.c.status == const("open"), AP.c.kind == const("exact"), AP.c.due_at > at("missed_before"))),
    Tier.PARTIAL: lambda c: c.last_outcome == literal_column(f"'{PARTIAL}'"),
    Tier.CALLBACK: lambda c: c.id.in_(select(AP.c.case_id).where(
        AP.c.status == const("open"), AP.c.kind != const("exact"), AP.c.due_at >= at("today_start"))),
    # a back-check (ix_call_case_queue_backcheck: a few rows)
    Tier.BACKCHECK: lambda c: c.checks_interviewer.is_not(None),
    Tier.NEW: lambda c: c.status == const("new"),  # open and never called (ck_call_case_new_never_called)
    Tier.RETRY: lambda c: c.status == const("active"),  # open and called (ck_call_case_active_called)
}
assert set(DRIVERS) == set(Tier)


def window(tier: Tier, scope: Callable[[Cols], Any], day_parts: tuple[str, ...], batch: int, *,
           lock: bool, name: str = "w") -> Select[Any]:
    """The best ``batch`` due cases of ``tier`` within ``scope(c)`` (one queue of one period), in the
    tier's key order: their :data:`CASE_COLUMNS`."""
    rule = next(r for r in CALL_ORDER if r.tier is tier)
    w = CC.alias(name)
    a, joined = with_appointment(w)
    stmt = (
        select(*[w.c[col] for col in CASE_COLUMNS]).select_from(joined)
        .where(scope(w.c), DRIVERS[tier](w.c), fact_sql(rule.when, w.c, a, day_parts), due_all(w.c, a))
        .order_by(*[key_sql(k, w.c, a) for k in rule.keys], w.c.id)
        .limit(literal_column(str(batch)) if inline() else batch)
    )
    if lock:
        stmt = stmt.with_for_update(skip_locked=True, of=w)
    return stmt
