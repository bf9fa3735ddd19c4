"""Recording a call outcome (the body of ``CallService.record_outcome``), the quota check of a complete,
outcome codes.

Quota (inburgering, ``queue.inburgering.cap``): starting an interview and recording a COMPLETE
both first lock the queue's measurement period (PostgreSQL ``SELECT … FOR UPDATE`` on the
``measurement_period`` row; SQLite ``BEGIN IMMEDIATE``), then count completes and live interviews.
An interview may start only while completes + interviews in progress < cap, so the cap can never
be passed. When a complete takes the last place, the result says so (``quota_filled``) and the
caller closes the rest of the queue as QUOTA_FULL in a transaction of its own, after the complete
has committed (``CallService.close_full_queue``): the complete never waits for, nor dies with, the
closing of thousands of cases. A claim only skips queues without a place (it starts no interview);
the caps themselves are read at most every ``CAPS_TTL`` seconds per service (``quota_caps.py``).

Lock order, everywhere (so that no two transactions wait for each other in a circle): the period
row, then case rows (several: in id order), then their appointments, phones and interviews.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor
from cati.calls.rules.calendar import ensure_aware
from cati.calls.rules.language_route import LanguageRoute, language_route
from cati.calls.rules.line import Line
from cati.calls.rules.order import appointment_missed
from cati.calls.rules.outcomes import COMPLETE, DO_NOT_CALL, Outcome, OutcomeTable
from cati.calls.rules.scheduling import apply_outcome
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import (
    Appointment as AppointmentRequest,
)
from cati.calls.rules.scheduling_state import (
    AppointmentSet,
    CaseFinalized,
    DoNotCallNumber,
    NumberExhausted,
    NumberFinalized,
    SchedulingError,
    SwitchedNumber,
)
from cati.calls.service.errors import CallError, CaseNotHeld, QuotaFull
from cati.calls.store import case_queries as cq
from cati.calls.store.case_mapping import case_values, phone_changes, to_state
from cati.calls.store.outcome_writes import OutcomeWrites
from cati.platform.contact import contact_sealer
from cati.platform.context import ServiceContext
from cati.sample.rules.forms import form_id_for_case

__all__ = ["LanguageFacts", "OutcomeResult", "check_code", "line_columns", "record_in"]


@dataclass(frozen=True)
class LanguageFacts:
    """What the route of a language problem depends on beyond the database: the languages a form is
    translated into (by form id; the interview service's catalog) and the setting
    ``language.route_needs_translation``."""

    translated: Callable[[str], frozenset[str]] = lambda _form_id: frozenset()
    needs_translation: bool = True


@dataclass(frozen=True)
class OutcomeResult:
    case_id: int
    attempt_id: int
    outcome: str
    case_final: bool
    final_code: str | None
    next_call_at: datetime | None
    appointment_id: int | None
    number_finished: str | None  # E.164 of a number that is done (number-level outcome, max attempts)
    switched_to: str | None  # E.164 of the number to try next time
    do_not_call: str | None  # E.164 put on the do-not-call list
    quota_closed: int  # cases closed as QUOTA_FULL because this complete filled the quota
    finalize_reason: str | None  # outcome | no_numbers_left | max_attempts | retries_exhausted
    quota_filled: tuple[int, str] | None = None  # (period, queue) whose last place this complete took
    routed_to: str | None = None  # a language problem sent the case to the speakers of this language
    route_nl: str = ""  # where a language problem sent the case, or why it ended (Dutch)


def line_columns(line: Line | None) -> dict[str, Any]:
    """The attempt's line columns: dial, answer and hang-up times, how the line ended
    (``EndCause``), the SIP reason as the softphone gave it, the talk seconds. All empty when no
    softphone dialled (a manual or URI dialer); a line still open is refused (hang up first)."""
    if line is None or line.dialled_at is None:
        return {"dialled_at": None, "answered_at": None, "hung_up_at": None, "line_end": None, "sip_reason": None,
                "talk_seconds": None}
    if line.live:
        raise CallError("De lijn is nog open: hang eerst op")
    return {"dialled_at": line.dialled_at, "answered_at": line.answered_at, "hung_up_at": line.ended_at,
            "line_end": line.cause.value if line.cause is not None else None,
            "sip_reason": line.sip_reason[:120] or None, "talk_seconds": line.talk_seconds}


def check_code(table: OutcomeTable, code: str) -> Outcome:
    """The outcome an interviewer may record under ``code``; CallError when unknown or system-only."""
    if code not in table:
        raise CallError(f"Onbekende uitkomstcode {code!r}")
    outcome = table.get(code)
    if not outcome.selectable:
        raise CallError(f"Uitkomst {code} wordt alleen door het systeem gezet")
    return outcome


def record_in(
    s: Session,
    actor: Actor,
    case_id: int,
    code: str,
    started_at: datetime,
    ended_at: datetime,
    note: str,
    appointment: AppointmentRequest | None,
    phone_position: int | None,
    caps: Mapping[str, int | None],
    *,
    ctx: ServiceContext,
    queries: cq.ClaimQueries,
    writes: OutcomeWrites,
    settings: SchedulerSettings,
    table: OutcomeTable,
    interview_id: int | None = None,
    interview_status: str | None = None,
    line: Line | None = None,
    heard: str | None = None,
    languages: LanguageFacts | None = None,
) -> OutcomeResult:
    """The shared body of recording an outcome, inside the caller's unit of work (Core statements
    on the session's connection; the caller's ORM objects of this case are not written). ``line``:
    the softphone's line, stored on the attempt (:func:`line_columns`).

    ``heard``: the language the interviewer heard (a language problem); ``languages`` what its route
    depends on (the form's translations, the setting), read only for such an outcome."""
    ensure_aware(started_at, "started_at")
    ensure_aware(ended_at, "ended_at")
    if ended_at < started_at:
        raise CallError("Het einde van het gesprek ligt voor het begin")
    conn = s.connection()
    cap: int | None = None
    period_id, queue = 0, ""
    if code == COMPLETE:
        head = queries.head(conn, case_id)
        if head is None:
            raise CallError(f"Zaak {case_id} bestaat niet")
        period_id, queue = head
        cap = caps.get(queue)
        if cap is not None:
            cq.lock_period(s, period_id)  # period first, then the case: one lock order everywhere
    rows, dnc, has_interviews = queries.load_for_outcome(conn, case_id, lock=not ctx.db.is_sqlite)
    if rows is None:
        raise CallError(f"Zaak {case_id} bestaat niet")
    case = rows.case
    if case.held_by != actor.user_id:
        if case.status == cq.FINAL:
            raise CallError(f"Zaak {case_id} is al afgesloten ({case.final_outcome})")
        raise CaseNotHeld(actor, case_id)
    now = ctx.now()
    state = to_state(rows, settings.calendar, dnc)
    if phone_position is not None:
        idx = next((i for i, p in enumerate(rows.phones) if p.position == phone_position), None)
        if idx is None or not state.numbers[idx].callable:
            raise CallError(f"Nummer {phone_position} van zaak {case_id} kan niet gebeld worden")
        state = replace(state, current_number=idx)
    done = 0
    if code == COMPLETE and cap is not None:
        done = cq.completes(s, period_id, queue)
        if done >= cap:
            raise QuotaFull(f"Het quotum van {cap} volledige interviews is al bereikt")
    if appointment is not None and appointment.made_by is None:
        appointment = replace(appointment, made_by=actor.user_id)
    route: LanguageRoute | None = None
    if code in table and table.get(code).route == "language":
        facts = languages or LanguageFacts()
        form_id = form_id_for_case(case.queue, cq.client_variant(s, rows.case.id))
        route = language_route(state, heard, speakers=cq.spoken(s), translated=facts.translated(form_id),
                               needs_translation=facts.needs_translation)
    try:
        applied = apply_outcome(state, code, now, settings, table, appointment,
                                route.language if route is not None else None)
    except SchedulingError as e:
        raise CallError(str(e)) from None
    new = applied.state
    dialled = rows.phones[state.current_number] if rows.phones else None
    if note:  # free text: sealed like contact data
        note = contact_sealer(s, case.period_id).text(note) or ""
    attempt = {"case_id": case_id, "phone_id": dialled.id if dialled else None, "user_id": actor.user_id,
               "started_at": started_at, "ended_at": ended_at, "outcome": code, "note": note, **line_columns(line)}
    if rows.appointment is not None:  # the case has open appointments: this attempt ends them
        writes.close_appointments(conn, case_id, "missed" if appointment_missed(state, now, settings) else "done")
    appointment_id: int | None = None
    finished: str | None = None
    switched: str | None = None
    dnc_number: str | None = None
    final_reason: str | None = None
    for event in applied.events:
        if isinstance(event, AppointmentSet):
            appt = event.appointment
            appointment_id = writes.add_appointment(conn, {
                "case_id": case_id, "made_by": appt.made_by, "kind": appt.kind.value, "due_at": event.at,
                "day_part": appt.day_part, "note": note, "status": "open", "created_at": now,
            })
        elif isinstance(event, DoNotCallNumber):
            dnc_number = event.e164
            cq.add_do_not_call(s, event.e164, f"{DO_NOT_CALL} zaak {case_id}", now)
        elif isinstance(event, (NumberFinalized, NumberExhausted)):
            finished = event.e164
        elif isinstance(event, SwitchedNumber):
            switched = event.e164
        elif isinstance(event, CaseFinalized):
            final_reason = event.reason
    written = replace(rows, appointment=None)
    values, phones = case_values(written, new, claimed_at=None), phone_changes(written, new)
    if not ctx.db.is_sqlite and len(phones) <= 1:  # one round trip for the usual outcome
        attempt_id = writes.write_outcome(conn, attempt, case_id, values, phones[0] if phones else None)
    else:
        attempt_id = writes.add_attempt(conn, attempt)
        writes.write_case(conn, case_id, values)
        queries.write_phones(conn, phones)
    if has_interviews:
        # interviews on the case: the named one gets its status, others end by the outcome
        for iv_id, iv_status in writes.open_interviews(conn, case_id):
            if interview_id is not None and iv_id == interview_id and interview_status:
                writes.set_interview(conn, iv_id, interview_status,
                                      now if interview_status in ("complete", "backcheck") else None)
            elif iv_status == "in_progress" and code == COMPLETE:
                writes.set_interview(conn, iv_id, "complete", now)
            elif iv_status == "in_progress":
                writes.set_interview(conn, iv_id, "breakoff" if new.is_final else "partial", None)
    filled = (period_id, queue) if code == COMPLETE and cap is not None and done + 1 >= cap else None
    s.flush()
    return OutcomeResult(
        case_id=case_id, attempt_id=attempt_id, outcome=code, case_final=new.is_final, final_code=new.final_code,
        next_call_at=new.next_call_at, appointment_id=appointment_id,
        number_finished=finished, switched_to=switched, do_not_call=dnc_number, quota_closed=0,
        finalize_reason=final_reason, quota_filled=filled,
        routed_to=new.language if route is not None and not new.is_final else None,
        route_nl=route.reason_nl if route is not None else "",
    )
