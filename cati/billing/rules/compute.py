"""Computing a provider's billing statement for one measurement period.

Rules (see ``cati.billing.rules`` for the overview):

* A purchased interview is a non-voided COMPLETE in the provider's purchased queue; it costs the
  provider's tariff.
* Per provider and period the first ``terms.threshold`` purchased interviews (by completion time,
  ties by interview id) are subsidised: Blik op Werk pays ``cost x share`` rounded half up to the
  cent; the provider pays the rest.
* Closed statements never change. An interview billed on a closed statement and voided since gets
  a correction line on the next statement (the negated closed line). Its subsidy place, if any,
  is freed and goes to the next purchased interview **not yet billed**; interviews already billed
  in full on a closed statement are not re-priced.
* The subsidy places still free = threshold in force now - subsidised lines still standing on
  closed statements (never below zero).
* Inburgering completes are listed in their own section at the inburgering tariff, never billed
  to the provider; the section shows the period's count against the cap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import TypeVar

from cati.core.money import ZERO

from .model import (
    BillableInterview,
    ClosedStatement,
    InburgeringLine,
    InburgeringSection,
    Period,
    Queue,
    Statement,
    StatementLine,
    Terms,
    _check_money,
    sort_lines,
    split_cost,
    terms_in_force,
)

_L = TypeVar("_L", StatementLine, InburgeringLine)


def _chronological(statements: Iterable[ClosedStatement]) -> list[ClosedStatement]:
    return sorted(statements, key=lambda s: (s.statement_date, s.closed_on or s.statement_date, s.number))


def standing_lines(
    closed_statements: Iterable[ClosedStatement],
) -> tuple[dict[int, tuple[StatementLine, str]], dict[int, tuple[InburgeringLine, str]]]:
    """Lines on closed statements not (yet) reversed, per interview id, with their statement number.

    Pass the closed statements of one provider and period.
    """
    purchased: dict[int, tuple[StatementLine, str]] = {}
    inburgering: dict[int, tuple[InburgeringLine, str]] = {}
    for st in _chronological(closed_statements):
        _apply(purchased, st.lines, st.corrections, st.number)
        _apply(inburgering, st.inburgering.lines, st.inburgering.corrections, st.number)
    return purchased, inburgering


def _apply(
    standing: dict[int, tuple[_L, str]], lines: Iterable[_L], corrections: Iterable[_L], number: str
) -> None:
    for ln in lines:
        if ln.interview_id in standing:
            raise ValueError(f"interview {ln.interview_id} billed twice (statement {number})")
        standing[ln.interview_id] = (ln, number)
    for ln in corrections:
        if standing.pop(ln.interview_id, None) is None:
            raise ValueError(f"statement {number} reverses interview {ln.interview_id}, which is not billed")


def compute_statement(
    provider_id: int,
    period: Period,
    interviews: Sequence[BillableInterview],
    closed_statements: Sequence[ClosedStatement],
    terms: Terms | Sequence[Terms],
    statement_date: date,
    *,
    tariff: Decimal,
) -> Statement:
    """The open statement for ``provider_id`` and ``period`` as of ``statement_date``.

    ``interviews``: the provider's completes in its phone queues for this period (any other
    completes must not be passed). ``closed_statements`` may hold other providers' and periods'
    statements; they are ignored. ``terms`` is one :class:`Terms` or the dated schedule, from which
    the terms in force on ``statement_date`` are taken. ``tariff`` is the provider's price per
    purchased interview (euros, whole cents).
    """
    schedule = [terms] if isinstance(terms, Terms) else list(terms)
    in_force = terms_in_force(schedule, statement_date)
    _check_money("tariff", tariff)
    by_id: dict[int, BillableInterview] = {}
    for iv in interviews:
        if iv.interview_id in by_id:
            raise ValueError(f"interview {iv.interview_id} passed twice")
        by_id[iv.interview_id] = iv

    mine = [s for s in closed_statements if s.provider_id == provider_id and s.period == period]
    numbers = [s.number for s in mine]
    if len(set(numbers)) != len(numbers):
        raise ValueError("closed statements with the same number")
    standing, standing_inb = standing_lines(mine)

    def voided_now(interview_id: int) -> bool:
        iv = by_id.get(interview_id)
        return iv is not None and iv.voided

    corrections = [ln.reversal(num) for iid, (ln, num) in standing.items() if voided_now(iid)]
    reversed_ids = {c.interview_id for c in corrections}
    places_used = sum(
        1 for iid, (ln, _num) in standing.items() if ln.subsidised and iid not in reversed_ids
    )
    free_places = max(0, in_force.threshold - places_used)

    lines: list[StatementLine] = []
    for iv in _unbilled(interviews, Queue.PURCHASED, standing.keys()):
        if free_places > 0:
            free_places -= 1
            subsidy, provider_share = split_cost(tariff, in_force.subsidy_share)
            subsidised = True
        else:
            subsidy, provider_share, subsidised = ZERO, tariff, False
        lines.append(
            StatementLine(
                interview_id=iv.interview_id,
                key=iv.key,
                completed_at=iv.completed_at,
                cost=tariff,
                subsidy=subsidy,
                provider_share=provider_share,
                subsidised=subsidised,
            )
        )

    inb_corrections = [ln.reversal(num) for iid, (ln, num) in standing_inb.items() if voided_now(iid)]
    inb_lines = [
        InburgeringLine(iv.interview_id, iv.key, iv.completed_at, in_force.inburgering_tariff)
        for iv in _unbilled(interviews, Queue.INBURGERING, standing_inb.keys())
    ]
    inburgering = InburgeringSection(
        lines=tuple(inb_lines),
        corrections=tuple(sorted(inb_corrections, key=lambda ln: (ln.completed_at, ln.interview_id))),
        count_to_date=len(standing_inb) - len(inb_corrections) + len(inb_lines),
        cap=in_force.inburgering_cap,
        tariff=in_force.inburgering_tariff,
    )
    return Statement(
        provider_id=provider_id,
        period=period,
        statement_date=statement_date,
        terms=in_force,
        tariff=tariff,
        lines=tuple(lines),
        corrections=sort_lines(corrections),
        inburgering=inburgering,
    )


def _unbilled(
    interviews: Iterable[BillableInterview], queue: Queue, billed: Iterable[int]
) -> list[BillableInterview]:
    billed_ids = set(billed)
    todo = [
        iv for iv in interviews if iv.queue is queue and not iv.voided and iv.interview_id not in billed_ids
    ]
    return sorted(todo, key=lambda iv: iv.order_key)


def recompute(
    closed: ClosedStatement,
    interviews: Sequence[BillableInterview],
    closed_statements: Sequence[ClosedStatement],
) -> Statement:
    """Recompute ``closed`` from source data under its own stored terms, tariff and date.

    ``interviews`` must be the state as it was when ``closed`` was made (voids after that
    excluded); ``closed_statements`` may include ``closed`` itself and later ones: only the
    statements of the same provider and period closed before it are used.
    """
    earlier = [
        s
        for s in _chronological(closed_statements)
        if s.provider_id == closed.provider_id
        and s.period == closed.period
        and s.number != closed.number
        and (s.statement_date, s.closed_on or s.statement_date, s.number)
        < (closed.statement_date, closed.closed_on or closed.statement_date, closed.number)
    ]
    return compute_statement(
        closed.provider_id,
        closed.period,
        interviews,
        earlier,
        closed.terms,
        closed.statement_date,
        tariff=closed.tariff,
    )

