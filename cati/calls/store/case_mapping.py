"""Map a call case between its rows (CallCase, PhoneNumber, Appointment) and the pure CaseState.

Where things live:

- ``CallCase`` columns hold what queries need (status, attempts, next_call_at, last_attempt_at, lease,
  last/final outcome, ``day_parts_tried`` as ``"morning:2,..."``, the language the case needs, the
  interviewer a back-check verifies):
  everything the call order filters or sorts on is a column.
- the start of the current lease (``claimed_at``) and when it was given back (``released_at``).
- ``CallCase.state`` (JSON) holds the rest of the scheduler detail: ``outcome_counts``.
- ``PhoneNumber`` rows hold the numbers (ordered by ``position``), their attempts and status
  (a :class:`NumberStatus` value; ``final`` with ``final_outcome`` for number-level outcomes).
  A number on the do-not-call table, or a purged number, is never callable.
- The open ``Appointment`` row (if any) is the case's appointment; day-part appointments store the
  start of their interval in ``due_at`` (the local date of ``due_at`` is the appointment's day).

The mapping reads rows through small protocols, so it works the same on ORM objects (outcomes) and
on the plain records the claim path reads with one Core query (:class:`CaseRecord` and friends).
:func:`case_values` / :func:`phone_changes` say what a new state writes, as column values for a
Core ``UPDATE``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from cati.calls.rules.calendar import CallingCalendar
from cati.calls.rules.scheduling_state import (
    Appointment as AppointmentState,
)
from cati.calls.rules.scheduling_state import (
    AppointmentKind,
    CaseState,
    CaseStatus,
    NumberStatus,
)
from cati.calls.rules.scheduling_state import (
    PhoneNumber as NumberState,
)


class CaseLike(Protocol):
    """What the mapping reads of a ``call_case`` row (an ORM object or a :class:`CaseRecord`)."""

    @property
    def id(self) -> int: ...
    @property
    def period_id(self) -> int: ...
    @property
    def queue(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def last_outcome(self) -> str | None: ...
    @property
    def final_outcome(self) -> str | None: ...
    @property
    def attempts(self) -> int: ...
    @property
    def contacted(self) -> bool: ...
    @property
    def current_phone_position(self) -> int: ...
    @property
    def next_call_at(self) -> datetime | None: ...
    @property
    def last_attempt_at(self) -> datetime | None: ...
    @property
    def claimed_at(self) -> datetime | None: ...
    @property
    def released_at(self) -> datetime | None: ...
    @property
    def day_parts_tried(self) -> str: ...
    @property
    def held_by(self) -> int | None: ...
    @property
    def lease_expires_at(self) -> datetime | None: ...
    @property
    def state(self) -> str: ...
    @property
    def language(self) -> str | None: ...
    @property
    def checks_interviewer(self) -> int | None: ...


class PhoneLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def position(self) -> int: ...
    @property
    def e164(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def flagged(self) -> bool: ...
    @property
    def status(self) -> str: ...
    @property
    def final_outcome(self) -> str | None: ...
    @property
    def attempts(self) -> int: ...


class AppointmentLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def case_id(self) -> int: ...
    @property
    def made_by(self) -> int | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def day_part(self) -> str | None: ...
    @property
    def note(self) -> str: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A ``call_case`` row as read by a Core query (read-only)."""

    id: int
    client_id: int
    period_id: int
    queue: str
    status: str
    last_outcome: str | None
    final_outcome: str | None
    attempts: int
    contacted: bool
    current_phone_position: int
    next_call_at: datetime | None
    last_attempt_at: datetime | None
    day_parts_tried: str
    held_by: int | None
    lease_expires_at: datetime | None
    claimed_at: datetime | None
    released_at: datetime | None
    state: str
    language: str | None = None
    checks_interviewer: int | None = None  # a back-check: the interviewer whose interview it verifies


@dataclass(frozen=True, slots=True)
class PhoneRecord:
    id: int
    position: int
    e164: str | None
    kind: str
    flagged: bool
    status: str
    final_outcome: str | None
    attempts: int


@dataclass(frozen=True, slots=True)
class AppointmentRecord:
    id: int
    case_id: int
    made_by: int | None
    kind: str
    due_at: datetime
    day_part: str | None
    note: str
    status: str


@dataclass(frozen=True)
class CaseRows:
    """The rows one case state is made of: ORM objects of one session, or Core records."""

    case: CaseLike
    phones: tuple[PhoneLike, ...]
    appointment: AppointmentLike | None


def _json(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


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


def claim_not_before(case: CaseLike) -> datetime | None:
    """The earliest start of a new claim of the case: when its last attempt or its release was
    recorded (a claim never starts before the previous holder's call ended); None: any time."""
    times = [t for t in (case.last_attempt_at, case.released_at) if t is not None]
    return max(times, default=None)


def _number_state(row: PhoneLike, do_not_call: frozenset[str] | set[str]) -> NumberState:
    try:
        status = NumberStatus(row.status or "active")
    except ValueError:
        status = NumberStatus.FINAL
    if row.e164 is None:
        return NumberState("", NumberStatus.FINAL, row.attempts or 0, row.final_outcome)
    if status is NumberStatus.ACTIVE and row.e164 in do_not_call:
        status = NumberStatus.DO_NOT_CALL
    return NumberState(row.e164, status, row.attempts or 0, row.final_outcome)


def appointment_state(row: AppointmentLike, cal: CallingCalendar) -> AppointmentState:
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
        last_attempt_at=case.last_attempt_at,
        next_call_at=case.next_call_at,
        appointment=appointment if status is not CaseStatus.FINAL else None,
        contacted_ever=bool(case.contacted),
        final_code=case.final_outcome,
        held_by=case.held_by,
        lease_expires_at=case.lease_expires_at,
        language=case.language,
        checks_interviewer=case.checks_interviewer,
    )


def case_values(rows: CaseRows, state: CaseState, *, claimed_at: datetime | None) -> dict[str, Any]:
    """The ``call_case`` column values of ``state`` (for a Core ``UPDATE``); ``claimed_at``: the start
    of the lease the case is now held on (None: not held)."""
    case = rows.case
    data = _json(case.state)
    for moved in ("last_attempt_at", "claimed_at", "released_at"):  # columns since revision 0005
        data.pop(moved, None)
    if state.outcome_counts or "outcome_counts" in data:
        data["outcome_counts"] = dict(state.outcome_counts)
    values: dict[str, Any] = {
        "status": state.status.value,
        "last_outcome": state.last_outcome,
        "final_outcome": state.final_code,
        "attempts": state.attempts,
        "contacted": state.contacted_ever,
        "current_phone_position": case.current_phone_position,
        "next_call_at": state.next_call_at,
        "last_attempt_at": state.last_attempt_at,
        "day_parts_tried": format_counts(state.day_parts_tried)[:100],
        "held_by": state.held_by,
        "lease_expires_at": state.lease_expires_at,
        "claimed_at": claimed_at,
        "released_at": case.released_at,
        "state": json.dumps(data, sort_keys=True),
        "language": state.language,
    }
    if rows.phones and 0 <= state.current_number < len(rows.phones):
        values["current_phone_position"] = rows.phones[state.current_number].position
    return values


def phone_changes(rows: CaseRows, state: CaseState) -> list[dict[str, Any]]:
    """The phone rows a new state changes: ``{"id", "attempts", "status", "final_outcome"}``."""
    changes = []
    for row, number in zip(rows.phones, state.numbers, strict=False):
        status, final = row.status, row.final_outcome
        if row.e164 is not None and number.status is not NumberStatus.ACTIVE and row.status != number.status.value:
            # a number only leaves "active" by an outcome; never written back to active
            status, final = number.status.value, number.final_code
        if row.attempts != number.attempts or status != row.status:
            changes.append({"id": row.id, "attempts": number.attempts, "status": status, "final_outcome": final})
    return changes
