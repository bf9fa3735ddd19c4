"""Which questionnaire a client gets: the inburgering queue its own form, every other client the
regular or the low-threshold (laagdrempelig) version, as their client file says; a back-check (a
supervisor's verification call of an interview) the short back-check script."""

from __future__ import annotations

#: the form of a back-check call (``forms/backcheck.yaml``)
BACKCHECK_FORM = "backcheck"


def form_id_for_case(queue: str | None, variant: str | None) -> str:
    """Which form a case gets: the inburgering queue its own, a back-check the back-check script, else by
    variant (regular/low-threshold)."""
    queue = (queue or "").strip().lower()
    if queue == "inburgering":
        return "inburgering"
    if queue == "backcheck":
        return BACKCHECK_FORM
    if (variant or "").strip().lower() in ("laagdrempelig", "low_threshold", "low-threshold"):
        return "client_low_threshold"
    return "client_regular"
