"""Reading an interview's stored rows for the interview service: the interview and its case for an
actor (:func:`access`), the case fields a form's fills use, the stored answers; the statuses that mean
an interview has ended, and :class:`InterviewError`.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor
from cati.calls.service.calls import CallError, CaseNotHeld, case_fields
from cati.interviews.rules import Answer
from cati.interviews.rules.codec import answer_from_json
from cati.platform.models import Answer as AnswerRow
from cati.platform.models import CallAttempt, CallCase, Client, Interview, MeasurementPeriod, Provider

__all__ = ["BACKCHECK", "BREAKOFF", "ENDED", "InterviewError", "access", "case_fields_of", "stored_answers"]

BREAKOFF = "BREAKOFF"
#: a back-check call's completed verification (not a survey complete)
BACKCHECK = "backcheck"
ENDED = ("complete", "breakoff", BACKCHECK)


class InterviewError(CallError):
    """An interview action that cannot be done (unknown, voided, not complete yet); Dutch message."""


def access(s: Session, actor: Actor, interview_id: int, *, for_update: bool = False) -> tuple[Interview, CallCase]:
    """The interview and its case, if this actor holds the case, or ended the interview (``for_update``:
    the interview row locked, on PostgreSQL)."""
    stmt = select(Interview).where(Interview.id == interview_id).execution_options(populate_existing=True)
    if for_update:
        stmt = stmt.with_for_update()
    iv = s.scalars(stmt).one_or_none()
    if iv is None or iv.voided_at is not None:
        raise InterviewError(f"Interview {interview_id} bestaat niet of is ongeldig verklaard")
    case = s.get(CallCase, iv.case_id)
    assert case is not None
    if case.held_by == actor.user_id:
        return iv, case
    if iv.status in ENDED:
        last = s.scalar(select(CallAttempt.user_id).where(CallAttempt.case_id == case.id)
                        .order_by(CallAttempt.id.desc()).limit(1))
        if last == actor.user_id:
            return iv, case
    raise CaseNotHeld(actor, case.id)


def case_fields_of(s: Session, case: CallCase) -> dict[str, object]:
    """The case fields a form's fills use (provider, client name, period, service, variant, queue)."""
    row = s.execute(
        select(Client, MeasurementPeriod, Provider.name)
        .join(MeasurementPeriod, MeasurementPeriod.id == Client.period_id)
        .join(Provider, Provider.id == MeasurementPeriod.provider_id)
        .where(Client.id == case.client_id)
    ).one()
    client, period, provider = row
    return case_fields(provider, client.name or "", period.start_date, period.end_date, client.service,
                       client.variant, case.queue)


def stored_answers(s: Session, interview_id: int) -> dict[str, tuple[Answer, AnswerRow]]:
    """The interview's stored answers by variable, each with its row."""
    rows = s.scalars(select(AnswerRow).where(AnswerRow.interview_id == interview_id))
    return {r.variable: (answer_from_json(r.value), r) for r in rows}
