"""Billing of purchased telephone interviews: the public API (pure domain code).

Who pays what
    A purchased interview is a non-voided COMPLETE in a provider's purchased phone queue and costs
    the provider's tariff. Per provider and measurement period the first N (default 20) purchased
    interviews by completion time (ties by interview id) are subsidised: Blik op Werk pays share S
    (default 50%) of the cost, rounded half up to the cent; the provider pays the rest, so the two
    shares add up to the cost on every line and in every total. Later interviews the provider pays
    in full. Inburgering completes are never billed to the provider; they get their own section
    (count against the cap of 25, at the inburgering tariff of the terms, default 0).

Terms
    Threshold, share and inburgering tariff are dated settings (:class:`Terms` with
    ``valid_from``); a statement takes the terms in force on its date and keeps them once closed.

Closing and voids
    Closing freezes a statement (number, date, terms, tariff, lines). A void before closing simply
    drops the interview. A void after closing leaves the closed line as it is and puts a correction
    line (the negated closed line) on the next statement. A subsidy place freed that way goes to
    the next purchased interview **not yet billed**: an interview already billed in full on a
    closed statement is never re-priced, even if it would now rank within the first N. This keeps
    closed statements immutable and the subsidised count per period at most N.

Storage
    Amounts are Decimal euros here and integer cents in the database (:func:`to_cents`,
    :func:`from_cents`). All types are frozen dataclasses.
"""

from __future__ import annotations

from cati.core.money import from_cents, round_cents, to_cents

from .compute import compute_statement, recompute, standing_lines
from .model import (
    NO_CAP,
    BillableInterview,
    ClosedStatement,
    InburgeringLine,
    InburgeringSection,
    Period,
    Queue,
    Statement,
    StatementLine,
    Terms,
    Totals,
    close_statement,
    split_cost,
    terms_from_json,
    terms_in_force,
    terms_to_json,
)
from .reports import (
    BillingSummary,
    ClaimItem,
    Difference,
    DifferenceKind,
    ProviderClaim,
    SubsidyClaim,
    SummaryRow,
    reconcile,
    subsidy_claim,
    summary,
)

__all__ = [
    "NO_CAP",
    "terms_from_json",
    "terms_to_json",
    "BillableInterview",
    "BillingSummary",
    "ClaimItem",
    "ClosedStatement",
    "Difference",
    "DifferenceKind",
    "InburgeringLine",
    "InburgeringSection",
    "Period",
    "ProviderClaim",
    "Queue",
    "Statement",
    "StatementLine",
    "SubsidyClaim",
    "SummaryRow",
    "Terms",
    "Totals",
    "close_statement",
    "compute_statement",
    "from_cents",
    "recompute",
    "reconcile",
    "round_cents",
    "split_cost",
    "standing_lines",
    "subsidy_claim",
    "summary",
    "terms_in_force",
    "to_cents",
]
