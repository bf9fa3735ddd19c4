from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from cati.calls.rules.outcomes import OutcomeTable
from cati.calls.rules.scheduling import (
    Appointment,
    CaseState,
    CaseStatus,
    NumberStatus,
    SchedulerSettings,
    SchedulingError,
    apply_outcome,
    close_for_quota,
)
from cati.calls.rules.scheduling_state import (
    AppointmentSet,
    CaseFinalized,
    DoNotCallNumber,
    NumberExhausted,
    NumberFinalized,
    RetryScheduled,
    SwitchedNumber,
)

AMS = SchedulerSettings().calendar.tz


def ams(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


def case(*numbers: str) -> CaseState:
    return CaseState.new("c1", numbers or ("+31612345678",))


WED_10 = ams(2026, 3, 11, 10, 0)  # Wednesday morning


@pytest.mark.parametrize(
    ("code", "now", "expected"),
    [
        ("BUSY", WED_10, ams(2026, 3, 11, 10, 15)),
        ("LINE_PROBLEM", WED_10, ams(2026, 3, 11, 10, 30)),
        ("PARTIAL", WED_10, ams(2026, 3, 11, 11, 0)),
        ("NO_ANSWER", WED_10, ams(2026, 3, 11, 13, 0)),  # +3 h, lands in the afternoon
        ("NOT_PRESENT", WED_10, ams(2026, 3, 11, 12, 0)),  # next other day part
        ("VOICEMAIL", WED_10, ams(2026, 3, 11, 12, 0)),
        ("NOT_PRESENT", ams(2026, 3, 11, 18, 0), ams(2026, 3, 12, 9, 0)),  # evening -> next morning
        ("REFUSAL_SOFT", WED_10, ams(2026, 3, 18, 10, 0)),
    ],
)
def test_retry_delay_per_outcome(
    code: str, now: datetime, expected: datetime, settings: SchedulerSettings, outcomes: OutcomeTable
) -> None:
    state, events = apply_outcome(case(), code, now, settings, outcomes)
    assert state.status is CaseStatus.ACTIVE
    assert state.next_call_at == expected
    assert events[-1] == RetryScheduled(expected, settings.calendar.day_part_of(expected))
    assert state.attempts == 1 and state.attempts_per_number == (1,)
    assert state.last_outcome == code and state.last_attempt_at == now


def test_retry_is_snapped_into_a_window(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state, _ = apply_outcome(case(), "BUSY", ams(2026, 3, 11, 20, 50), settings, outcomes)
    assert state.next_call_at == ams(2026, 3, 12, 9, 0)
    state, _ = apply_outcome(case(), "BUSY", ams(2026, 3, 13, 20, 50), settings, outcomes)  # Friday
    assert state.next_call_at == ams(2026, 3, 14, 10, 0)
    state, _ = apply_outcome(case(), "BUSY", ams(2026, 3, 14, 15, 50), settings, outcomes)  # Saturday
    assert state.next_call_at == ams(2026, 3, 16, 9, 0)
    # the Saturday before Easter 2026: Sunday and Easter Monday are closed -> Tuesday
    state, _ = apply_outcome(case(), "LINE_PROBLEM", ams(2026, 4, 4, 15, 45), settings, outcomes)
    assert state.next_call_at == ams(2026, 4, 7, 9, 0)


def test_retry_over_spring_forward_night(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state, _ = apply_outcome(case(), "BUSY", ams(2026, 3, 28, 15, 50), settings, outcomes)
    assert state.next_call_at == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # Monday 09:00 CEST


def test_soft_refusal_keeps_wall_clock_over_fall_back(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state, _ = apply_outcome(case(), "REFUSAL_SOFT", ams(2026, 10, 23, 10, 0), settings, outcomes)
    assert state.next_call_at == ams(2026, 10, 30, 10, 0)
    assert state.next_call_at == datetime(2026, 10, 30, 9, 0, tzinfo=UTC)  # CET now, not 08:00 UTC


def test_soft_refusal_once_then_final_refusal(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state, _ = apply_outcome(case(), "REFUSAL_SOFT", WED_10, settings, outcomes)
    state, _ = apply_outcome(state, "NO_ANSWER", ams(2026, 3, 18, 10, 0), settings, outcomes)
    assert state.status is CaseStatus.ACTIVE
    state, events = apply_outcome(state, "REFUSAL_SOFT", ams(2026, 3, 19, 14, 0), settings, outcomes)
    assert state.status is CaseStatus.FINAL and state.final_code == "REFUSAL_HARD"
    assert events[-1] == CaseFinalized("REFUSAL_HARD", "2.11", "R", "retries_exhausted")
    assert state.next_call_at is None


def test_day_part_rotation_prefers_least_tried(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state, _ = apply_outcome(case(), "NOT_PRESENT", WED_10, settings, outcomes)  # morning tried
    assert state.next_call_at == ams(2026, 3, 11, 12, 0)
    state, _ = apply_outcome(state, "NOT_PRESENT", ams(2026, 3, 11, 12, 5), settings, outcomes)  # afternoon
    assert state.next_call_at == ams(2026, 3, 11, 17, 0)  # evening: never tried
    state, _ = apply_outcome(state, "NOT_PRESENT", ams(2026, 3, 11, 17, 5), settings, outcomes)  # evening
    assert dict(state.day_parts_tried) == {"morning": 1, "afternoon": 1, "evening": 1}
    # all equal: any part but the one just tried, earliest first -> Thursday morning
    assert state.next_call_at == ams(2026, 3, 12, 9, 0)
    state, _ = apply_outcome(state, "NO_ANSWER", ams(2026, 3, 12, 9, 5), settings, outcomes)  # morning 2x
    # afternoon and evening tried once; +3 h = 12:05 is in the afternoon
    assert state.next_call_at == ams(2026, 3, 12, 12, 5)
    state, _ = apply_outcome(state, "VOICEMAIL", ams(2026, 3, 12, 12, 10), settings, outcomes)  # afternoon 2x
    assert state.next_call_at == ams(2026, 3, 12, 17, 0)  # evening is now the least tried


def test_rotation_skips_saturday_evening(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state = replace(case(), day_parts_tried=(("afternoon", 1), ("morning", 1)))
    state, _ = apply_outcome(state, "NOT_PRESENT", ams(2026, 3, 14, 13, 0), settings, outcomes)  # Saturday
    assert state.next_call_at == ams(2026, 3, 16, 17, 0)  # evening exists only on weekdays


def test_max_attempts_per_case_never_contacted(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state = case("+31612345678", "+31201234567")
    now = WED_10
    for i in range(7):
        state, _ = apply_outcome(state, "BUSY", now + timedelta(days=i), settings, outcomes)
        assert state.status is CaseStatus.ACTIVE
    state, events = apply_outcome(state, "BUSY", now + timedelta(days=7), settings, outcomes)
    assert state.attempts == 8 and state.status is CaseStatus.FINAL
    assert state.final_code == "MAX_ATTEMPTS"
    assert events[-1] == CaseFinalized("MAX_ATTEMPTS", "3.90", "UO", "max_attempts")


def test_max_attempts_per_case_contacted(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state = replace(case("+31612345678", "+31201234567"), attempts=7, contacted_ever=True)
    state, events = apply_outcome(state, "NO_ANSWER", WED_10, settings, outcomes)
    assert events[-1] == CaseFinalized("MAX_ATTEMPTS", "2.30", "O", "max_attempts")


def test_max_attempts_per_number_moves_to_next_number(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state = case("+31612345678", "+31201234567")
    for i in range(6):
        state, events = apply_outcome(state, "BUSY", WED_10 + timedelta(hours=i), settings, outcomes)
    assert state.numbers[0].status is NumberStatus.EXHAUSTED
    assert state.current_number == 1 and state.active_number is not None
    assert NumberExhausted(0, "+31612345678", 6) in events
    assert SwitchedNumber(0, 1, "+31201234567") in events
    assert state.status is CaseStatus.ACTIVE and state.next_call_at is not None


def test_max_attempts_per_number_last_number_closes_case(
    settings: SchedulerSettings, outcomes: OutcomeTable
) -> None:
    state = case()
    for i in range(6):
        state, events = apply_outcome(state, "NO_ANSWER", WED_10 + timedelta(days=i), settings, outcomes)
    assert state.status is CaseStatus.FINAL and state.final_code == "MAX_ATTEMPTS"
    assert state.attempts == 6


def test_number_level_outcome_moves_to_next_number(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state, events = apply_outcome(case("+31612345678", "+31201234567"), "DISCONNECTED", WED_10, settings, outcomes)
    assert state.status is CaseStatus.ACTIVE
    assert state.numbers[0].status is NumberStatus.FINAL and state.numbers[0].final_code == "DISCONNECTED"
    assert state.current_number == 1
    assert state.next_call_at == WED_10  # the other number may be tried right away
    assert events[:2] == (NumberFinalized(0, "+31612345678", "DISCONNECTED"), SwitchedNumber(0, 1, "+31201234567"))
    state, events = apply_outcome(state, "WRONG_PERSON", WED_10 + timedelta(minutes=2), settings, outcomes)
    assert state.status is CaseStatus.FINAL and state.final_code == "WRONG_PERSON"
    assert events[-1] == CaseFinalized("WRONG_PERSON", "4.41", "NE", "no_numbers_left")


def test_final_outcomes_and_do_not_call(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state, events = apply_outcome(case(), "COMPLETE", WED_10, settings, outcomes)
    assert state.status is CaseStatus.FINAL and events == (CaseFinalized("COMPLETE", "1.1", "I", "outcome"),)
    state, events = apply_outcome(case(), "DO_NOT_CALL", WED_10, settings, outcomes)
    assert state.numbers[0].status is NumberStatus.DO_NOT_CALL
    assert DoNotCallNumber("+31612345678") in events
    with pytest.raises(SchedulingError, match="al afgesloten"):
        apply_outcome(state, "BUSY", WED_10, settings, outcomes)


def test_system_and_unknown_codes_refused(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    with pytest.raises(SchedulingError, match="systeem"):
        apply_outcome(case(), "MAX_ATTEMPTS", WED_10, settings, outcomes)
    with pytest.raises(SchedulingError, match="Onbekende"):
        apply_outcome(case(), "NOPE", WED_10, settings, outcomes)


def test_exact_appointment(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    appt = Appointment.exact(ams(2026, 3, 12, 19, 30), made_by=7)
    state, events = apply_outcome(case(), "APPOINTMENT", WED_10, settings, outcomes, appt)
    assert state.next_call_at == ams(2026, 3, 12, 19, 30)
    assert state.appointment == appt and state.contacted_ever
    assert events == (AppointmentSet(appt, ams(2026, 3, 12, 19, 30)),)
    # the next attempt clears it
    state, _ = apply_outcome(state, "BUSY", ams(2026, 3, 12, 19, 31), settings, outcomes)
    assert state.appointment is None


def test_daypart_callback(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    appt = Appointment.daypart(date(2026, 3, 13), "evening", made_by=7)
    state, _ = apply_outcome(case(), "CALLBACK", WED_10, settings, outcomes, appt)
    assert state.next_call_at == ams(2026, 3, 13, 17, 0)
    # today, in the day part that is going on: callable at once
    today = Appointment.daypart(date(2026, 3, 11), "morning")
    state, _ = apply_outcome(case(), "CALLBACK", WED_10, settings, outcomes, today)
    assert state.next_call_at == WED_10


def test_appointment_keeps_number_at_its_limit(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state = case("+31612345678", "+31201234567")
    for i in range(5):
        state, _ = apply_outcome(state, "BUSY", WED_10 + timedelta(hours=i), settings, outcomes)
    appt = Appointment.exact(ams(2026, 3, 12, 10, 0))
    state, _ = apply_outcome(state, "APPOINTMENT", ams(2026, 3, 11, 16, 0), settings, outcomes, appt)
    assert state.current_number == 0 and state.numbers[0].attempts == 6


@pytest.mark.parametrize(
    ("code", "appointment", "fragment"),
    [
        ("APPOINTMENT", None, "vraagt om een afspraak"),
        ("CALLBACK", Appointment.exact(ams(2026, 3, 12, 10, 0)), "dagdeel"),
        ("BUSY", Appointment.exact(ams(2026, 3, 12, 10, 0)), "geen afspraak"),
        ("APPOINTMENT", Appointment.exact(ams(2026, 3, 11, 9, 0)), "verleden"),
        ("APPOINTMENT", Appointment.exact(ams(2026, 3, 15, 12, 0)), "buiten de beltijden"),  # Sunday
        ("APPOINTMENT", Appointment.exact(ams(2026, 3, 12, 21, 0)), "buiten de beltijden"),
        ("CALLBACK", Appointment.daypart(date(2026, 3, 14), "evening"), "niet gebeld"),  # Saturday
        ("CALLBACK", Appointment.daypart(date(2026, 4, 6), "morning"), "niet gebeld"),  # Easter Monday
        ("CALLBACK", Appointment.daypart(date(2026, 3, 10), "morning"), "voorbij"),
        ("CALLBACK", Appointment.daypart(date(2026, 3, 12), "night"), "Onbekend dagdeel"),
    ],
)
def test_invalid_appointments(
    code: str, appointment: Appointment | None, fragment: str, settings: SchedulerSettings, outcomes: OutcomeTable
) -> None:
    with pytest.raises(SchedulingError, match=fragment):
        apply_outcome(case(), code, WED_10, settings, outcomes, appointment)


def test_partial_with_optional_appointment(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    appt = Appointment.exact(ams(2026, 3, 11, 15, 0), made_by=3)
    state, _ = apply_outcome(case(), "PARTIAL", WED_10, settings, outcomes, appt)
    assert state.next_call_at == ams(2026, 3, 11, 15, 0) and state.last_outcome == "PARTIAL"


def test_apply_outcome_clears_the_lease(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    held = replace(case(), held_by=4, lease_expires_at=WED_10 + timedelta(minutes=30))
    state, _ = apply_outcome(held, "BUSY", WED_10, settings, outcomes)
    assert state.held_by is None and state.lease_expires_at is None


def test_close_for_quota(outcomes: OutcomeTable) -> None:
    state, events = close_for_quota(case(), outcomes)
    assert state.status is CaseStatus.FINAL and state.final_code == "QUOTA_FULL"
    assert events == (CaseFinalized("QUOTA_FULL", "4.80", "NE", "quota_full"),)
    assert state.attempts == 0
    assert close_for_quota(state, outcomes) == (state, ())


def test_naive_now_refused(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        apply_outcome(case(), "BUSY", datetime(2026, 3, 11, 10, 0), settings, outcomes)
