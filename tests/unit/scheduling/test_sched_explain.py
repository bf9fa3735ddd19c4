from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from cati.calls.rules.explain import explain
from cati.calls.rules.leases import claim
from cati.calls.rules.outcomes import OutcomeTable
from cati.calls.rules.scheduling import Appointment, CaseState, SchedulerSettings, apply_outcome

AMS = SchedulerSettings().calendar.tz


def ams(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


def base() -> CaseState:
    return CaseState.new("c1", ("+31612345678",))


WED = ams(2026, 3, 11, 14, 0)


def test_new_case_callable(settings: SchedulerSettings) -> None:
    e = explain(base(), WED, settings)
    assert (e.callable_now, e.code, e.reason_nl, e.next_callable_at) == (True, "DUE_NEW", "Nog niet gebeld", WED)


def test_outside_window_sunday_and_holiday(settings: SchedulerSettings) -> None:
    e = explain(base(), ams(2026, 3, 11, 21, 0), settings)
    assert not e.callable_now and e.code == "OUTSIDE_WINDOW"
    assert e.reason_nl == "Buiten de beltijden (vandaag 09:00-21:00); weer vanaf donderdag 12-03-2026 09:00"
    assert e.next_callable_at == ams(2026, 3, 12, 9, 0)
    e = explain(base(), ams(2026, 3, 15, 12, 0), settings)
    assert e.code == "CLOSED_DAY" and e.reason_nl.startswith("Op zondag wordt niet gebeld")
    e = explain(base(), ams(2025, 4, 26, 11, 0), settings)
    assert e.code == "HOLIDAY"
    assert e.reason_nl == "Vandaag is het Koningsdag: er wordt niet gebeld (weer vanaf maandag 28-04-2025 09:00)"


def test_retry_not_yet_due(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state, _ = apply_outcome(base(), "BUSY", ams(2026, 3, 13, 20, 50), settings, outcomes)
    e = explain(state, ams(2026, 3, 13, 20, 55), settings)
    assert e.code == "NOT_YET_DUE"
    assert e.reason_nl == "Volgende poging gepland op zaterdag 14-03-2026 10:00 (na BUSY)"
    assert e.next_callable_at == ams(2026, 3, 14, 10, 0)
    e = explain(state, ams(2026, 3, 14, 10, 0), settings)
    assert e.callable_now and e.code == "DUE_RETRY" and e.reason_nl == "Nieuwe poging 2 van 8"


def test_appointment_texts(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    appt = Appointment.exact(ams(2026, 3, 12, 19, 30), made_by=7)
    state, _ = apply_outcome(base(), "APPOINTMENT", WED, settings, outcomes, appt)
    e = explain(state, WED, settings)
    assert (e.code, e.reason_nl) == ("APPOINTMENT_PLANNED", "Afspraak op donderdag 12-03-2026 19:30")
    e = explain(state, ams(2026, 3, 12, 19, 31), settings, who=8)
    assert not e.callable_now and e.code == "RESERVED_FOR_OWN_INTERVIEWER"
    assert e.reason_nl == "Afspraak is tot donderdag 12-03-2026 19:35 voorbehouden aan interviewer 7"
    assert e.next_callable_at == ams(2026, 3, 12, 19, 35)
    e = explain(state, ams(2026, 3, 12, 19, 31), settings, who=7)
    assert e.callable_now and e.code == "DUE_APPOINTMENT"
    e = explain(state, ams(2026, 3, 12, 20, 0), settings, who=8)
    assert e.callable_now and e.code == "DUE_MISSED_APPOINTMENT"


def test_callback_and_partial_texts(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    appt = Appointment.daypart(date(2026, 3, 13), "evening")
    state, _ = apply_outcome(base(), "CALLBACK", WED, settings, outcomes, appt)
    e = explain(state, WED, settings)
    assert (e.code, e.reason_nl) == ("CALLBACK_PLANNED", "Terugbellen op vrijdag 13-03-2026 in de avond")
    e = explain(state, ams(2026, 3, 13, 17, 0), settings)
    assert (e.code, e.reason_nl) == ("DUE_CALLBACK", "Terugbelafspraak in de avond")
    partial, _ = apply_outcome(base(), "PARTIAL", WED, settings, outcomes)
    assert explain(partial, WED + timedelta(hours=1), settings).code == "DUE_PARTIAL"


def test_held_and_final(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    held = claim(base(), 7, WED, settings)
    e = explain(held, WED, settings)
    assert e.code == "HELD" and not e.callable_now and "interviewer 7" in e.reason_nl
    assert e.next_callable_at == WED + timedelta(minutes=30)
    final, _ = apply_outcome(base(), "REFUSAL_HARD", WED, settings, outcomes)
    e = explain(final, WED, settings)
    assert (e.code, e.reason_nl, e.next_callable_at) == ("FINAL", "Afgesloten met uitkomst REFUSAL_HARD", None)
    none_left = replace(base(), numbers=())
    assert explain(none_left, WED, settings).code == "NO_NUMBER"
