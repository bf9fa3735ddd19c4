"""Quota caps per queue (the inburgering queue: at most 25 completes per provider and period)."""

from __future__ import annotations


def can_start_interview(completes: int, in_progress: int, cap: int | None) -> bool:
    """May one more interview start? Interviews in progress reserve a place, so the cap is never
    exceeded even when all of them complete (the 26th complete of a cap of 25 cannot happen)."""
    if cap is None:
        return True
    if completes < 0 or in_progress < 0:
        raise ValueError("completes and in_progress must not be negative")
    return completes + in_progress < cap


def quota_full(completes: int, cap: int | None) -> bool:
    """Quota reached: the rest of the queue is to be closed with QUOTA_FULL."""
    return cap is not None and completes >= cap
