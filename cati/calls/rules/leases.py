"""Leases: a claimed case is held by one interviewer until its lease runs out (a crashed desk's case
returns to the queue with nothing lost).

A desk renews its lease every few minutes while it works; when a lease runs out the desk is gone
(crashed, switched off, lost its network). Such a case is not simply free again: its attempt is
closed first (:func:`lost_attempt`, outcome DESK_LOST, an interview in progress becomes partial),
then it is released. Until then it counts as held (``order.Due.FREE``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from cati.calls.rules.calendar import ensure_aware
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import CaseState, SchedulingError


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


def lost_attempt(claimed_at: datetime | None, lease_expires_at: datetime, lease_minutes: int) -> tuple[datetime, datetime]:
    """The (start, end) of the attempt a desk lost: from its claim to its last sign of life, the last
    lease renewal (the lease runs ``lease_minutes`` from each renewal)."""
    last_seen = lease_expires_at.astimezone(UTC) - timedelta(minutes=lease_minutes)
    started = (claimed_at or last_seen).astimezone(UTC)
    return min(started, last_seen), max(started, last_seen)
