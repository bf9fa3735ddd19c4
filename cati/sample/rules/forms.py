"""Which questionnaire a client gets: the inburgering queue its own form, every other client the
regular or the low-threshold (laagdrempelig) version, as their client file says."""

from __future__ import annotations


def form_id_for_case(queue: str | None, variant: str | None) -> str:
    """Which form a case gets: the inburgering queue its own, else by variant (regular/low-threshold)."""
    if (queue or "").strip().lower() == "inburgering":
        return "inburgering"
    if (variant or "").strip().lower() in ("laagdrempelig", "low_threshold", "low-threshold"):
        return "client_low_threshold"
    return "client_regular"
