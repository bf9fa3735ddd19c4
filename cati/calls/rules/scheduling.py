"""What happens after a call: apply an outcome to a case and decide the next call.

Pure functions over frozen dataclasses; the clock is always the explicit `now` (aware).
Queue order, due-ness and leases live in cati.calls.rules.order; explanations in cati.calls.rules.explain.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from cati.calls.rules.calendar import CalendarError, CallingCalendar, ensure_aware
from cati.calls.rules.outcomes import (
    APPOINTMENT,
    CALLBACK,
    DO_NOT_CALL,
    MAX_ATTEMPTS,
    PARTIAL,
    QUOTA_FULL,
    OutcomeTable,
    RetryRule,
)
from cati.calls.rules.scheduling_settings import SchedulerSettings, SettingsError
from cati.calls.rules.scheduling_state import (
    Appointment,
    AppointmentKind,
    AppointmentSet,
    CaseFinalized,
    CaseState,
    CaseStatus,
    DoNotCallNumber,
    LanguageRouted,
    NumberExhausted,
    NumberFinalized,
    NumberStatus,
    PhoneNumber,
    RetryScheduled,
    SchedulingError,
    SchedulingEvent,
    SwitchedNumber,
    bump,
)

__all__ = [
    "AppliedOutcome",
    "Appointment",
    "AppointmentKind",
    "CaseState",
    "CaseStatus",
    "NumberStatus",
    "PhoneNumber",
    "SchedulerSettings",
    "SchedulingError",
    "SchedulingEvent",
    "SettingsError",
    "apply_outcome",
    "appointment_interval",
    "close_case",
    "close_for_quota",
    "retry_time",
]

# Which outcomes take which kind of appointment (None = optional).
_APPOINTMENT_KINDS: dict[str, tuple[AppointmentKind, ...]] = {
    APPOINTMENT: (AppointmentKind.EXACT,),
    CALLBACK: (AppointmentKind.DAYPART,),
    PARTIAL: (AppointmentKind.EXACT, AppointmentKind.DAYPART),
}
_REQUIRED = frozenset({APPOINTMENT, CALLBACK})


class AppliedOutcome(NamedTuple):
    state: CaseState
    events: tuple[SchedulingEvent, ...]


@dataclass
class _Work:
    """Mutable scratch while one outcome is applied; frozen again on return."""

    state: CaseState
    numbers: list[PhoneNumber]
    events: list[SchedulingEvent]

    def done(self) -> AppliedOutcome:
        return AppliedOutcome(replace(self.state, numbers=tuple(self.numbers)), tuple(self.events))


def apply_outcome(
    state: CaseState,
    outcome_code: str,
    now: datetime,
    settings: SchedulerSettings,
    outcomes: OutcomeTable,
    appointment: Appointment | None = None,
    route_to: str | None = None,
) -> AppliedOutcome:
    """Record one call attempt ending in `outcome_code` at `now`; return the new state and events.

    ``route_to``: for an outcome with a language route (LANGUAGE), the language the case goes back to
    the queue for (``language_route.language_route`` decides); without it the case ends on the outcome.
    Raises SchedulingError (Dutch message) for a final case, an unknown or system-only code,
    a case without a callable number, or a missing/invalid appointment.
    """
    ensure_aware(now, "now")
    cal = settings.calendar
    if state.is_final:
        raise SchedulingError(f"Zaak {state.case_id} is al afgesloten ({state.final_code})")
    if outcome_code not in outcomes:
        raise SchedulingError(f"Onbekende uitkomstcode {outcome_code!r}")
    outcome = outcomes.get(outcome_code)
    if not outcome.selectable:
        raise SchedulingError(f"Uitkomst {outcome_code} wordt alleen door het systeem gezet")
    number = state.active_number
    if number is None:
        raise SchedulingError(f"Zaak {state.case_id} heeft geen belbaar nummer")
    _check_appointment_kind(outcome_code, appointment)

    idx = state.current_number
    part = cal.day_part_of(now)
    work = _Work(
        state=replace(
            state,
            status=CaseStatus.ACTIVE,
            attempts=state.attempts + 1,
            day_parts_tried=bump(state.day_parts_tried, part) if part else state.day_parts_tried,
            outcome_counts=bump(state.outcome_counts, outcome_code),
            last_outcome=outcome_code,
            last_attempt_at=now.astimezone(UTC),
            next_call_at=None,
            appointment=None,
            contacted_ever=state.contacted_ever or outcome.contact,
            held_by=None,
            lease_expires_at=None,
        ),
        numbers=list(state.numbers),
        events=[],
    )
    work.numbers[idx] = replace(number, attempts=number.attempts + 1)
    max_case_reached = work.state.attempts >= settings.max_attempts_per_case

    if route_to is not None and outcome.route != "language":
        raise SchedulingError(f"Uitkomst {outcome_code} stuurt een zaak niet door naar een andere taal")
    if route_to is not None and not max_case_reached:
        # back to the queue, now for an interviewer who speaks the language heard
        at = cal.snap(now)
        work.state = replace(work.state, language=route_to, next_call_at=at)
        work.events += [LanguageRouted(route_to), RetryScheduled(at, cal.day_part_of(at))]
        return work.done()
    if outcome.is_case_final:
        if outcome_code == DO_NOT_CALL:
            work.numbers[idx] = replace(work.numbers[idx], status=NumberStatus.DO_NOT_CALL, final_code=outcome_code)
            work.events.append(DoNotCallNumber(number.e164))
        return _finalize(work, outcome_code, outcomes, "outcome")

    if outcome.is_number_final:
        work.numbers[idx] = replace(work.numbers[idx], status=NumberStatus.FINAL, final_code=outcome_code)
        work.events.append(NumberFinalized(idx, number.e164, outcome_code))
        if not _switch_number(work):
            return _finalize(work, outcome_code, outcomes, "no_numbers_left")
        if max_case_reached:
            return _finalize(work, MAX_ATTEMPTS, outcomes, "max_attempts")
        at = cal.snap(now)
        work.state = replace(work.state, next_call_at=at)
        work.events.append(RetryScheduled(at, cal.day_part_of(at)))
        return work.done()

    rule = outcome.retry or RetryRule()
    if rule.max_retries is not None and work.state.outcome_count(outcome_code) > rule.max_retries:
        return _finalize(work, rule.exhausted_as or outcome_code, outcomes, "retries_exhausted")
    if max_case_reached:
        return _finalize(work, MAX_ATTEMPTS, outcomes, "max_attempts")

    if appointment is not None:
        # The respondent was reached on this number: keep it, whatever its attempt count.
        at = _appointment_start(appointment, now, cal)
        work.state = replace(work.state, next_call_at=at, appointment=appointment)
        work.events.append(AppointmentSet(appointment, at))
        return work.done()

    if work.numbers[idx].attempts >= settings.max_attempts_per_number:
        work.numbers[idx] = replace(work.numbers[idx], status=NumberStatus.EXHAUSTED)
        work.events.append(NumberExhausted(idx, number.e164, work.numbers[idx].attempts))
        if not _switch_number(work):
            return _finalize(work, MAX_ATTEMPTS, outcomes, "max_attempts")

    at, at_part = retry_time(rule, now, cal, work.state, part)
    work.state = replace(work.state, next_call_at=at)
    work.events.append(RetryScheduled(at, at_part))
    return work.done()


def retry_time(
    rule: RetryRule, now: datetime, cal: CallingCalendar, state: CaseState, just_tried: str | None
) -> tuple[datetime, str | None]:
    """Next call time for a retry rule, snapped into a calling window, and its day part.

    delay_minutes is elapsed time; delay_days keeps the local wall-clock time (DST-safe).
    With other_day_part the retry goes to the least-tried day part other than `just_tried`,
    earliest first among equals; `state.day_parts_tried` must already include this attempt.
    """
    base = ensure_aware(now, "now").astimezone(UTC) + timedelta(minutes=rule.delay_minutes)
    if rule.delay_days:
        local = cal.local(base)
        base = cal.at_local(local.date() + timedelta(days=rule.delay_days), local.time())
    if not rule.other_day_part:
        at = cal.snap(base)
        return at, cal.day_part_of(at)
    names = cal.day_part_names()
    others = [p for p in names if p != just_tried] or list(names)
    fewest = min(state.tried(p) for p in others)
    candidates = []
    for target in (p for p in others if state.tried(p) == fewest):
        try:
            candidates.append((cal.next_day_part_start(target, base), target))
        except CalendarError:
            continue  # a day part that never falls in a calling window
    if not candidates:
        at = cal.snap(base)
        return at, cal.day_part_of(at)
    return min(candidates)


def appointment_interval(appointment: Appointment, cal: CallingCalendar) -> tuple[datetime, datetime] | None:
    """Exact: (at, at). Day part: the callable interval of that part on that date (None if none)."""
    if appointment.kind is AppointmentKind.EXACT:
        assert appointment.at is not None
        at = appointment.at.astimezone(UTC)
        return at, at
    assert appointment.day is not None and appointment.day_part is not None
    spans = cal.intervals_on(appointment.day, appointment.day_part)
    if not spans:
        return None
    return spans[0][0], spans[-1][1]


def close_for_quota(state: CaseState, outcomes: OutcomeTable) -> AppliedOutcome:
    """Close a not-yet-final case because its queue's quota is full (QUOTA_FULL). Final: no-op."""
    return close_case(state, QUOTA_FULL, outcomes, reason="quota_full")


def close_case(state: CaseState, code: str, outcomes: OutcomeTable, reason: str = "system") -> AppliedOutcome:
    """System close of a case with a case-final code (no attempt is counted). Final cases are unchanged."""
    if state.is_final:
        return AppliedOutcome(state, ())
    if not outcomes.get(code).is_case_final:
        raise SchedulingError(f"Uitkomst {code} sluit een zaak niet af")
    work = _Work(state=replace(state, held_by=None, lease_expires_at=None), numbers=list(state.numbers), events=[])
    return _finalize(work, code, outcomes, reason)


# ---------------------------------------------------------------- helpers


def _finalize(work: _Work, code: str, outcomes: OutcomeTable, reason: str) -> AppliedOutcome:
    aapor, group = outcomes.aapor_for(code, work.state.contacted_ever)
    work.state = replace(
        work.state, status=CaseStatus.FINAL, final_code=code, next_call_at=None, appointment=None
    )
    work.events.append(CaseFinalized(code, aapor, group, reason))
    return work.done()


def _switch_number(work: _Work) -> bool:
    """Move to the next callable number (wrapping around); False when none is left."""
    current = work.state.current_number
    count = len(work.numbers)
    for step in range(1, count + 1):
        candidate = (current + step) % count
        if work.numbers[candidate].callable:
            work.state = replace(work.state, current_number=candidate)
            if candidate != current:
                work.events.append(SwitchedNumber(current, candidate, work.numbers[candidate].e164))
            return True
    return False


def _check_appointment_kind(code: str, appointment: Appointment | None) -> None:
    kinds = _APPOINTMENT_KINDS.get(code)
    if appointment is None:
        if code in _REQUIRED:
            raise SchedulingError(f"Uitkomst {code} vraagt om een afspraak")
        return
    if kinds is None:
        raise SchedulingError(f"Bij uitkomst {code} hoort geen afspraak")
    if appointment.kind not in kinds:
        wanted = "een vast tijdstip" if kinds == (AppointmentKind.EXACT,) else "een dagdeel"
        raise SchedulingError(f"Uitkomst {code} vraagt om een afspraak op {wanted}")


def _appointment_start(appointment: Appointment, now: datetime, cal: CallingCalendar) -> datetime:
    if appointment.kind is AppointmentKind.EXACT:
        assert appointment.at is not None
        at = appointment.at.astimezone(UTC)
        local = cal.local(at)
        if at < now:
            raise SchedulingError(f"De afspraak ({local:%d-%m-%Y %H:%M}) ligt in het verleden")
        if not cal.is_callable(at):
            raise SchedulingError(f"De afspraak ({local:%d-%m-%Y %H:%M}) valt buiten de beltijden")
        return at
    assert appointment.day is not None and appointment.day_part is not None
    try:
        cal.day_part_range(appointment.day_part)
    except CalendarError as exc:
        raise SchedulingError(f"Onbekend dagdeel {appointment.day_part!r}") from exc
    span = appointment_interval(appointment, cal)
    if span is None:
        raise SchedulingError(
            f"Op {appointment.day:%d-%m-%Y} wordt in dagdeel {appointment.day_part} niet gebeld"
        )
    start, end = span
    if end <= now:
        raise SchedulingError(f"Dagdeel {appointment.day_part} op {appointment.day:%d-%m-%Y} is al voorbij")
    return max(start, now.astimezone(UTC))
