"""Map a call case between its rows (CallCase, PhoneNumber, Appointment) and the pure CaseState.

Where things live:

- ``CallCase`` columns hold what queries need (status, attempts, next_call_at, lease, last/final
  outcome, ``priority`` = the scheduler tier at write time, ``day_parts_tried`` as ``"morning:2,..."``).
- ``CallCase.state`` (JSON) holds the rest of the scheduler detail: ``outcome_counts``,
  ``last_attempt_at`` and ``claimed_at`` (start of the current lease).
- ``PhoneNumber`` rows hold the numbers (ordered by ``position``), their attempts and status
  (a :class:`NumberStatus` value; ``final`` with ``final_outcome`` for number-level outcomes).
  A number on the do-not-call table, or a purged number, is never callable.
- The open ``Appointment`` row (if any) is the case's appointment; day-part appointments store the
  start of their interval in ``due_at`` (the local date of ``due_at`` is the appointment's day).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from cati.domain.calendar import CallingCalendar
from cati.domain.outcomes import PARTIAL
from cati.domain.scheduling_state import (
    Appointment as AppointmentState,
)
from cati.domain.scheduling_state import (
    AppointmentKind,
    CaseState,
    CaseStatus,
    NumberStatus,
)
from cati.domain.scheduling_state import (
    PhoneNumber as NumberState,
)
from cati.store.models import Appointment, CallCase, PhoneNumber

#: ``CallCase.priority`` values: the scheduler tier when the case was last written (smaller first).
PRIORITY_APPOINTMENT = 0
PRIORITY_PARTIAL = 1
PRIORITY_CALLBACK = 2
PRIORITY_NEW = 3
PRIORITY_RETRY = 4
PRIORITY_FINAL = 9


@dataclass(frozen=True)
class CaseRows:
    """The rows one case state is made of (ORM objects of one session)."""

    case: CallCase
    phones: tuple[PhoneNumber, ...]
    appointment: Appointment | None


def _json(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _dt(text: object) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_counts(text: str | None) -> tuple[tuple[str, int], ...]:
    """``"morning:2,evening:1"`` -> ``(("evening", 1), ("morning", 2))``."""
    result: dict[str, int] = {}
    for part in (text or "").split(","):
        name, sep, count = part.strip().partition(":")
        if name and sep and count.isdigit():
            result[name] = int(count)
    return tuple(sorted(result.items()))


def format_counts(counts: Sequence[tuple[str, int]]) -> str:
    return ",".join(f"{k}:{v}" for k, v in sorted(counts))


def case_extra(case: CallCase) -> dict[str, Any]:
    """The scheduler detail kept in ``CallCase.state``."""
    return _json(case.state)


def _number_state(row: PhoneNumber, do_not_call: frozenset[str] | set[str]) -> NumberState:
    try:
        status = NumberStatus(row.status or "active")
    except ValueError:
        status = NumberStatus.FINAL
    if row.e164 is None:
        return NumberState("", NumberStatus.FINAL, row.attempts or 0, row.final_outcome)
    if status is NumberStatus.ACTIVE and row.e164 in do_not_call:
        status = NumberStatus.DO_NOT_CALL
    return NumberState(row.e164, status, row.attempts or 0, row.final_outcome)


def appointment_state(row: Appointment, cal: CallingCalendar) -> AppointmentState:
    if row.kind == AppointmentKind.EXACT.value:
        return AppointmentState.exact(row.due_at, made_by=row.made_by)
    return AppointmentState.daypart(cal.local(row.due_at).date(), row.day_part or "", made_by=row.made_by)


def to_state(
    rows: CaseRows, cal: CallingCalendar, do_not_call: frozenset[str] | set[str] = frozenset()
) -> CaseState:
    """The pure state of a case. A current number that is not callable moves to the next callable one."""
    case = rows.case
    extra = _json(case.state)
    numbers = tuple(_number_state(p, do_not_call) for p in rows.phones)
    current = next((i for i, p in enumerate(rows.phones) if p.position == case.current_phone_position), 0)
    if numbers and not numbers[current].callable:
        for step in range(1, len(numbers)):
            candidate = (current + step) % len(numbers)
            if numbers[candidate].callable:
                current = candidate
                break
    try:
        status = CaseStatus(case.status or "new")
    except ValueError:
        status = CaseStatus.ACTIVE
    counts = extra.get("outcome_counts") or {}
    appointment = appointment_state(rows.appointment, cal) if rows.appointment is not None else None
    return CaseState(
        case_id=str(case.id),
        queue=case.queue,
        status=status,
        numbers=numbers,
        current_number=current,
        attempts=case.attempts or 0,
        day_parts_tried=parse_counts(case.day_parts_tried),
        outcome_counts=tuple(sorted((str(k), int(v)) for k, v in counts.items())),
        last_outcome=case.last_outcome,
        last_attempt_at=_dt(extra.get("last_attempt_at")),
        next_call_at=case.next_call_at,
        appointment=appointment if status is not CaseStatus.FINAL else None,
        contacted_ever=bool(case.contacted),
        final_code=case.final_outcome,
        held_by=case.held_by,
        lease_expires_at=case.lease_expires_at,
    )


def priority_of(state: CaseState) -> int:
    """The stored tier (``CallCase.priority``); the live order always comes from ``priority_key``."""
    if state.is_final:
        return PRIORITY_FINAL
    if state.appointment is not None and state.appointment.kind is AppointmentKind.EXACT:
        return PRIORITY_APPOINTMENT
    if state.last_outcome == PARTIAL:
        return PRIORITY_PARTIAL
    if state.appointment is not None:
        return PRIORITY_CALLBACK
    if state.attempts == 0:
        return PRIORITY_NEW
    return PRIORITY_RETRY


def write_state(rows: CaseRows, state: CaseState, **extra: Any) -> None:
    """Copy a new state onto the case and phone rows (appointment rows are the caller's: see calls)."""
    case = rows.case
    data = _json(case.state)
    data["outcome_counts"] = dict(state.outcome_counts)
    data["last_attempt_at"] = state.last_attempt_at.isoformat() if state.last_attempt_at else None
    for key, value in extra.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value.isoformat() if isinstance(value, datetime) else value
    case.status = state.status.value
    case.last_outcome = state.last_outcome
    case.final_outcome = state.final_code
    case.attempts = state.attempts
    case.contacted = state.contacted_ever
    if rows.phones and 0 <= state.current_number < len(rows.phones):
        case.current_phone_position = rows.phones[state.current_number].position
    case.next_call_at = state.next_call_at
    case.priority = priority_of(state)
    case.day_parts_tried = format_counts(state.day_parts_tried)[:100]
    case.held_by = state.held_by
    case.lease_expires_at = state.lease_expires_at
    case.state = json.dumps(data, sort_keys=True)
    for row, number in zip(rows.phones, state.numbers, strict=False):
        if row.attempts != number.attempts:
            row.attempts = number.attempts
        if row.e164 is None:
            continue
        if number.status is NumberStatus.ACTIVE:
            continue  # a number only leaves "active" by an outcome; never written back to active
        if row.status != number.status.value:
            row.status = number.status.value
            row.final_outcome = number.final_code


def with_lease(state: CaseState, user_id: int | None, until: datetime | None) -> CaseState:
    return replace(state, held_by=user_id, lease_expires_at=until)
