"""The interviewer's case card: what it shows (frozen dataclasses) and how it is put together.

The card is built after the claim has committed, from the rows the claim read (case state, phones,
appointment) plus one read-only statement (:meth:`cati.calls.store.case_queries.ClaimQueries.card`):
client, period, provider, the interview to resume and the earlier attempts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache

from cati.calls.rules.explain import Explanation
from cati.calls.rules.scheduling_state import CaseState
from cati.calls.store.case_mapping import AppointmentLike, CaseRows
from cati.calls.store.case_queries import CardRows
from cati.core.languages import SOURCE, is_known, language
from cati.sample.rules.dienst import DIENSTEN
from cati.sample.rules.forms import form_id_for_case
from cati.sample.rules.phones import format_national

__all__ = [
    "AppointmentInfo",
    "AttemptInfo",
    "CaseCard",
    "NumberInfo",
    "appointment_info",
    "build_card",
    "case_fields",
]

#: the national form of a number (a card shows the same numbers again: its own, its attempts')
national = lru_cache(maxsize=256)(format_national)


@dataclass(frozen=True)
class NumberInfo:
    """One phone number of the client, as the case card shows it."""

    position: int
    e164: str
    national: str
    kind: str
    flagged: bool
    status: str  # active | final | exhausted | do_not_call
    attempts: int
    callable: bool


@dataclass(frozen=True)
class AttemptInfo:
    """An earlier call attempt on the case."""

    started_at: datetime
    ended_at: datetime | None
    user_id: int | None
    username: str
    outcome: str | None
    outcome_label: str
    number: str  # national format of the number dialled ("" if unknown)
    note: str


@dataclass(frozen=True)
class AppointmentInfo:
    appointment_id: int
    case_id: int
    kind: str  # exact | daypart
    due_at: datetime  # exact: the time; day part: start of the day part's calling interval
    day_part: str | None
    made_by: int | None
    made_by_name: str
    note: str
    status: str
    client_name: str = ""
    provider_name: str = ""


@dataclass(frozen=True)
class CaseCard:
    """Everything the interviewer's case card shows for a claimed case."""

    case_id: int
    client_id: int
    client_number: str
    client_name: str
    provider_id: int
    provider_name: str
    period_id: int
    period_start: date
    period_end: date
    service: int
    service_name: str
    variant: str
    learning_profile: int | None
    queue: str
    dial: NumberInfo | None  # the number to dial now
    other_numbers: tuple[NumberInfo, ...]
    attempts: tuple[AttemptInfo, ...]  # oldest first
    attempt_count: int
    max_attempts: int
    appointment: AppointmentInfo | None
    reason: Explanation  # why the scheduler offered this case now
    form_id: str
    interview_id: int | None  # an interview to resume (partial / in progress)
    claimed_at: datetime
    lease_expires_at: datetime | None
    language: str | None = None  # the language the case needs a speaker of (None: Dutch)
    client_language: str | None = None  # the language the client file gave

    @property
    def language_text(self) -> str:
        """``Arabisch (العربية)`` (the language to speak), or the client file's language, or ""."""
        code = self.language or self.client_language
        return language(code).label if code is not None and is_known(code) else ""

    @property
    def case_fields(self) -> dict[str, object]:
        """The case fields the questionnaire uses for routing and fills."""
        return case_fields(self.provider_name, self.client_name, self.period_start, self.period_end,
                           self.service, self.variant, self.queue)


def case_fields(
    provider: str, client_name: str, start: date, end: date, service: int, variant: str, queue: str
) -> dict[str, object]:
    """Case fields for the questionnaire (see ``STANDARD_CASE_FIELDS``)."""
    return {
        "provider": provider,
        "client_name": client_name,
        "period": f"{start:%d-%m-%Y} tot en met {end:%d-%m-%Y}",
        "service": service,
        "variant": variant,
        "queue": queue,
    }


def appointment_info(a: AppointmentLike, client_name: str, provider_name: str, made_by_name: str) -> AppointmentInfo:
    return AppointmentInfo(a.id, a.case_id, a.kind, a.due_at.astimezone(UTC), a.day_part, a.made_by, made_by_name,
                           a.note, a.status, client_name, provider_name)


def build_card(
    rows: CaseRows,
    state: CaseState,
    card: CardRows,
    why: Explanation,
    now: datetime,
    *,
    label: Callable[[str | None], str],
    max_attempts: int,
) -> CaseCard:
    """The card of a case: ``rows``/``state`` as claimed (or held), ``card`` from the card query."""
    case = rows.case
    numbers = tuple(
        NumberInfo(p.position, p.e164 or "", national(p.e164) if p.e164 else "", p.kind, p.flagged,
                   n.status.value, n.attempts, n.callable)
        for p, n in zip(rows.phones, state.numbers, strict=False)
    )
    dial = numbers[state.current_number] if numbers and numbers[state.current_number].callable else None
    phone_by_id = {p.id: p for p in rows.phones}
    attempts = tuple(
        AttemptInfo(
            a.started_at, a.ended_at, a.user_id, a.username or "", a.outcome, label(a.outcome),
            national(phone_by_id[a.phone_id].e164 or "")
            if a.phone_id in phone_by_id and phone_by_id[a.phone_id].e164 else "",
            a.note,
        )
        for a in card.attempts
    )
    appointment = None
    if rows.appointment is not None:
        appointment = appointment_info(rows.appointment, card.client_name, card.provider_name, card.made_by_name)
    dienst = DIENSTEN.get(card.service)
    return CaseCard(
        case_id=case.id, client_id=card.client_id, client_number=card.client_number, client_name=card.client_name,
        provider_id=card.provider_id, provider_name=card.provider_name, period_id=card.period_id,
        period_start=card.period_start, period_end=card.period_end, service=card.service,
        service_name=dienst.name if dienst else "", variant=card.variant, learning_profile=card.learning_profile,
        queue=case.queue, dial=dial, other_numbers=tuple(n for n in numbers if n is not dial),
        attempts=attempts, attempt_count=case.attempts, max_attempts=max_attempts,
        appointment=appointment, reason=why, form_id=form_id_for_case(case.queue, card.variant),
        interview_id=card.interview_id,
        claimed_at=case.claimed_at or now,
        lease_expires_at=case.lease_expires_at,
        language=state.language if state.language != SOURCE else None,
        client_language=card.client_language,
    )
