from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from cati.calls.rules.leases import claim, lease_expired, release
from cati.calls.rules.order import Tier, appointment_missed, is_due, next_case, priority_key, tier_of
from cati.calls.rules.outcomes import OutcomeTable
from cati.calls.rules.quota import can_start_interview, quota_full
from cati.calls.rules.scheduling import (
    Appointment,
    CaseState,
    SchedulerSettings,
    SchedulingError,
    apply_outcome,
)

AMS = SchedulerSettings().calendar.tz
OWN, OTHER = 7, 8


def ams(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


WED = ams(2026, 3, 11, 14, 0)


def base(case_id: str) -> CaseState:
    return CaseState.new(case_id, ("+31612345678",))


def retry(case_id: str, attempts: int, last: datetime) -> CaseState:
    return replace(base(case_id), attempts=attempts, last_outcome="NO_ANSWER", last_attempt_at=last,
                   next_call_at=last + timedelta(minutes=1))


def exact(case_id: str, at: datetime, made_by: int = OWN) -> CaseState:
    return replace(base(case_id), attempts=1, last_outcome="APPOINTMENT", next_call_at=at,
                   appointment=Appointment.exact(at, made_by))


def test_priority_order(settings: SchedulerSettings) -> None:
    cases = [
        retry("retry-2", 2, ams(2026, 3, 10, 10, 0)),
        retry("retry-1-recent", 1, ams(2026, 3, 11, 9, 0)),
        retry("retry-1-old", 1, ams(2026, 3, 10, 9, 0)),
        base("new"),
        replace(base("callback"), attempts=1, last_outcome="CALLBACK", next_call_at=ams(2026, 3, 11, 12, 0),
                appointment=Appointment.daypart(date(2026, 3, 11), "afternoon")),
        replace(base("partial"), attempts=1, last_outcome="PARTIAL", next_call_at=ams(2026, 3, 11, 11, 0)),
        exact("appointment", ams(2026, 3, 11, 13, 50)),
    ]
    assert all(is_due(c, WED, OTHER, settings) for c in cases)
    ordered = sorted(cases, key=lambda c: priority_key(c, WED, OTHER, settings))
    assert [c.case_id for c in ordered] == [
        "appointment", "partial", "callback", "new", "retry-1-old", "retry-1-recent", "retry-2",
    ]
    assert next_case(cases, WED, OTHER, settings) == cases[-1]


def test_appointment_first_to_own_interviewer_for_five_minutes(settings: SchedulerSettings) -> None:
    state = exact("a", ams(2026, 3, 11, 14, 0))
    assert not is_due(state, ams(2026, 3, 11, 13, 59), OWN, settings)  # not yet
    assert is_due(state, ams(2026, 3, 11, 14, 0), OWN, settings)
    assert not is_due(state, ams(2026, 3, 11, 14, 0), OTHER, settings)
    assert not is_due(state, ams(2026, 3, 11, 14, 4), OTHER, settings)
    assert is_due(state, ams(2026, 3, 11, 14, 5), OTHER, settings)
    assert tier_of(state, ams(2026, 3, 11, 14, 5), settings) is Tier.APPOINTMENT


def test_own_appointment_before_someone_elses(settings: SchedulerSettings) -> None:
    mine = exact("mine", ams(2026, 3, 11, 13, 55), made_by=OWN)
    theirs = exact("theirs", ams(2026, 3, 11, 13, 40), made_by=OTHER)
    assert next_case([theirs, mine], WED, OWN, settings) == mine


def test_missed_appointment_becomes_normal_retry(settings: SchedulerSettings) -> None:
    state = exact("a", ams(2026, 3, 11, 14, 0))
    assert not appointment_missed(state, ams(2026, 3, 11, 14, 29), settings)
    assert tier_of(state, ams(2026, 3, 11, 14, 29), settings) is Tier.APPOINTMENT
    later = ams(2026, 3, 11, 14, 30)
    assert appointment_missed(state, later, settings)
    assert tier_of(state, later, settings) is Tier.RETRY
    assert is_due(state, later, OTHER, settings)  # still in the queue, not lost
    assert is_due(state, ams(2026, 3, 16, 10, 0), OTHER, settings)


def test_missed_daypart_callback_becomes_retry(settings: SchedulerSettings) -> None:
    state = replace(base("c"), attempts=1, last_outcome="CALLBACK", next_call_at=ams(2026, 3, 11, 9, 0),
                    appointment=Appointment.daypart(date(2026, 3, 11), "morning"))
    assert tier_of(state, ams(2026, 3, 11, 11, 59), settings) is Tier.CALLBACK
    assert tier_of(state, ams(2026, 3, 11, 12, 0), settings) is Tier.RETRY
    assert is_due(state, ams(2026, 3, 11, 12, 0), OTHER, settings)


def test_not_due_before_next_call_or_outside_window(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state, _ = apply_outcome(base("x"), "BUSY", WED, settings, outcomes)
    assert not is_due(state, ams(2026, 3, 11, 14, 14), OTHER, settings)
    assert is_due(state, ams(2026, 3, 11, 14, 15), OTHER, settings)
    assert not is_due(base("n"), ams(2026, 3, 15, 12, 0), OTHER, settings)  # Sunday
    assert not is_due(base("n"), ams(2026, 3, 11, 21, 0), OTHER, settings)
    final, _ = apply_outcome(base("f"), "COMPLETE", WED, settings, outcomes)
    assert not is_due(final, WED, OTHER, settings)


def test_lease_expiry(settings: SchedulerSettings) -> None:
    held = claim(base("l"), OWN, WED, settings)
    assert held.held_by == OWN and held.lease_expires_at == WED + timedelta(minutes=30)
    assert not lease_expired(held, ams(2026, 3, 11, 14, 29))
    assert not is_due(held, ams(2026, 3, 11, 14, 29), OTHER, settings)
    with pytest.raises(SchedulingError, match="in behandeling"):
        claim(held, OTHER, ams(2026, 3, 11, 14, 29), settings)
    assert lease_expired(held, ams(2026, 3, 11, 14, 30))
    # a lease that ran out still holds the case until the lost attempt is closed and the case released
    assert not is_due(held, ams(2026, 3, 11, 14, 30), OTHER, settings)
    assert is_due(release(held), ams(2026, 3, 11, 14, 30), OTHER, settings)
    taken = claim(held, OTHER, ams(2026, 3, 11, 14, 30), settings)
    assert taken.held_by == OTHER
    assert release(taken) == base("l")
    assert not lease_expired(base("l"), WED)


def test_a_lost_attempt_runs_from_the_claim_to_the_last_renewal() -> None:
    from cati.calls.rules.leases import lost_attempt

    claimed = ams(2026, 3, 11, 14, 0)
    assert lost_attempt(claimed, ams(2026, 3, 11, 15, 10), 30) == (claimed.astimezone(UTC), ams(2026, 3, 11, 14, 40))
    # never renewed: the attempt is the claim's moment (no minutes are invented)
    assert lost_attempt(claimed, ams(2026, 3, 11, 14, 30), 30) == (claimed.astimezone(UTC),) * 2
    assert lost_attempt(None, ams(2026, 3, 11, 14, 30), 30) == (ams(2026, 3, 11, 14, 0),) * 2


def test_own_lease_can_be_renewed(settings: SchedulerSettings) -> None:
    held = claim(base("l"), OWN, WED, settings)
    renewed = claim(held, OWN, WED + timedelta(minutes=20), settings)
    assert renewed.lease_expires_at == WED + timedelta(minutes=50)


def test_quota_cap_counts_interviews_in_progress() -> None:
    assert can_start_interview(24, 0, 25)
    assert not can_start_interview(24, 1, 25)  # the one in progress could become the 25th
    assert not can_start_interview(25, 0, 25)
    assert can_start_interview(100, 5, None)
    assert not quota_full(24, 25) and quota_full(25, 25)
    with pytest.raises(ValueError):
        can_start_interview(-1, 0, 25)
