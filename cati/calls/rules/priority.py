"""Queue rules: which case is due for whom, in which order; leases; quota caps.

Order of the next case: due exact-time appointments (first only to the interviewer who made
them, for `appointment_own_interviewer_minutes`, then to anyone) > partial interviews to resume >
due day-part callbacks > never-called cases > retries (fewest attempts, longest since the last call).
A missed appointment (more than the grace after its time, or after its day part ended) is not lost:
it stays due and is ordered as a normal retry.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import IntEnum

from cati.calls.rules.calendar import ensure_aware
from cati.calls.rules.outcomes import PARTIAL
from cati.calls.rules.scheduling import appointment_interval
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import AppointmentKind, CaseState, SchedulingError

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Tier(IntEnum):
    APPOINTMENT = 0
    PARTIAL = 1
    CALLBACK = 2
    NEW = 3
    RETRY = 4


@dataclass(frozen=True, order=True)
class PriorityKey:
    """Sort ascending: the smallest key is offered first. Meaningful only for due cases."""

    tier: Tier
    not_own: int  # 0 when the appointment was made by the asking interviewer
    attempts: int
    since: datetime
    case_id: str


# ---------------------------------------------------------------- appointments


def appointment_deadline(state: CaseState, settings: SchedulerSettings) -> datetime | None:
    """When the case's appointment counts as missed: exact time + grace; day part: its end."""
    appointment = state.appointment
    if appointment is None:
        return None
    span = appointment_interval(appointment, settings.calendar)
    if span is None:
        return None
    if appointment.kind is AppointmentKind.EXACT:
        return span[0] + timedelta(minutes=settings.missed_appointment_grace_minutes)
    return span[1]


def appointment_missed(state: CaseState, now: datetime, settings: SchedulerSettings) -> bool:
    deadline = appointment_deadline(state, settings)
    return deadline is not None and ensure_aware(now, "now") >= deadline


def reserved_for(state: CaseState, now: datetime, settings: SchedulerSettings) -> tuple[int, datetime] | None:
    """(user id, until) while an exact appointment is reserved for the interviewer who made it."""
    appointment = state.appointment
    if (
        appointment is None
        or appointment.kind is not AppointmentKind.EXACT
        or appointment.made_by is None
        or appointment.at is None
    ):
        return None
    until = appointment.at.astimezone(UTC) + timedelta(minutes=settings.appointment_own_interviewer_minutes)
    if ensure_aware(now, "now") >= until:
        return None
    return appointment.made_by, until


def tier_of(state: CaseState, now: datetime, settings: SchedulerSettings) -> Tier:
    appointment = state.appointment
    live_appointment = appointment is not None and not appointment_missed(state, now, settings)
    if live_appointment and appointment is not None and appointment.kind is AppointmentKind.EXACT:
        return Tier.APPOINTMENT
    if state.last_outcome == PARTIAL:
        return Tier.PARTIAL
    if live_appointment:
        return Tier.CALLBACK
    if state.attempts == 0:
        return Tier.NEW
    return Tier.RETRY


# ---------------------------------------------------------------- due and order


def is_due(state: CaseState, now: datetime, user_id: int | None, settings: SchedulerSettings) -> bool:
    """May this case be offered to `user_id` at `now`?"""
    ensure_aware(now, "now")
    if state.is_final or state.active_number is None or is_held(state, now):
        return False
    if not settings.calendar.is_callable(now):
        return False
    if state.next_call_at is not None and state.next_call_at > now:
        return False
    reserved = reserved_for(state, now, settings)
    return reserved is None or reserved[0] == user_id


def priority_key(state: CaseState, now: datetime, user_id: int | None, settings: SchedulerSettings) -> PriorityKey:
    """Sort key among due cases (smaller first)."""
    tier = tier_of(state, now, settings)
    if tier is Tier.APPOINTMENT:
        assert state.appointment is not None
        own = 0 if user_id is not None and state.appointment.made_by == user_id else 1
        return PriorityKey(tier, own, 0, state.next_call_at or _EPOCH, state.case_id)
    if tier is Tier.RETRY:
        return PriorityKey(tier, 0, state.attempts, state.last_attempt_at or _EPOCH, state.case_id)
    return PriorityKey(tier, 0, 0, state.next_call_at or _EPOCH, state.case_id)


def next_case(
    states: list[CaseState], now: datetime, user_id: int | None, settings: SchedulerSettings
) -> CaseState | None:
    """The case to offer `user_id` now (in-memory reference of the database query)."""
    due = [s for s in states if is_due(s, now, user_id, settings)]
    return min(due, key=lambda s: priority_key(s, now, user_id, settings), default=None)


# ---------------------------------------------------------------- leases


def lease_expired(state: CaseState, now: datetime) -> bool:
    """True when a case is held but its lease ran out (a crashed client): it may be claimed again."""
    ensure_aware(now, "now")
    if state.held_by is None:
        return False
    return state.lease_expires_at is None or now >= state.lease_expires_at


def is_held(state: CaseState, now: datetime) -> bool:
    return state.held_by is not None and not lease_expired(state, now)


def claim(state: CaseState, user_id: int, now: datetime, settings: SchedulerSettings) -> CaseState:
    """Lease the case to `user_id` (renews an own lease); refuses a live lease of someone else."""
    if state.is_final:
        raise SchedulingError(f"Zaak {state.case_id} is al afgesloten")
    if is_held(state, now) and state.held_by != user_id:
        raise SchedulingError(f"Zaak {state.case_id} is in behandeling bij interviewer {state.held_by}")
    return replace(
        state, held_by=user_id, lease_expires_at=now.astimezone(UTC) + timedelta(minutes=settings.lease_minutes)
    )


def release(state: CaseState) -> CaseState:
    """Give the case back to the queue unchanged (nothing of its history is lost)."""
    return replace(state, held_by=None, lease_expires_at=None)


# ---------------------------------------------------------------- quota


def can_start_interview(completes: int, in_progress: int, cap: int | None) -> bool:
    """May one more interview start? Interviews in progress reserve a place, so the cap is never
    exceeded even when all of them complete (the 26th complete of a cap of 25 cannot happen)."""
    if cap is None:
        return True
    if completes < 0 or in_progress < 0:
        raise ValueError("completes and in_progress must not be negative")
    return completes + in_progress < cap


def quota_full(completes: int, cap: int | None) -> bool:
    """Quota reached: the rest of the queue is to be closed with QUOTA_FULL (close_for_quota)."""
    return cap is not None and completes >= cap
