"""The Core claim path on both backends: what a claim writes, the card it returns, skipped cases."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from case_data import add_queue, case_row, users

from cati.calls.service.calls import AppointmentRequest
from cati.platform.models import CallCase, DoNotCall, PhoneNumber


def _call(services, actor, card, code, clock, **kw):  # type: ignore[no-untyped-def]
    start = clock.now
    clock.advance(seconds=30)
    return services.calls.record_outcome(actor, card.case_id, code, start, clock.now, **kw)


def test_claim_writes_the_lease_and_the_card_matches_held_case(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 2, numbers_per_client=2)
    before = case_row(services.db, q.case_ids[0])["updated_at"]
    card = services.calls.next_case(u["anna"], q.provider_id)
    row = case_row(services.db, card.case_id)
    assert row["held_by"] == u["anna"].user_id and row["lease_expires_at"] == clock.now + timedelta(minutes=30)
    assert json.loads(str(row["state"]))["claimed_at"] == clock.now.isoformat()
    assert row["priority"] == 3  # the tier is written with the claim (never-called)
    if card.case_id == q.case_ids[0]:
        assert row["updated_at"] != before
    assert card.claimed_at == clock.now and card.attempts == () and card.attempt_count == 0
    again = services.calls.held_case(u["anna"])
    assert again is not None
    assert (again.case_id, again.client_number, again.dial, again.other_numbers, again.claimed_at,
            again.lease_expires_at, again.form_id) == (card.case_id, card.client_number, card.dial,
                                                       card.other_numbers, card.claimed_at,
                                                       card.lease_expires_at, card.form_id)


def test_card_of_a_retry_shows_attempts_and_the_appointment_maker(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna, bram = u["anna"], u["bram"]
    q = add_queue(services.db, 1)
    card = services.calls.next_case(anna, q.provider_id)
    _call(services, anna, card, "BUSY", clock)
    clock.advance(minutes=20)
    card = services.calls.next_case(anna, q.provider_id)
    at = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    _call(services, anna, card, "APPOINTMENT", clock, appointment=AppointmentRequest.exact(at), note="om twee")
    clock.now = at + timedelta(minutes=6)  # no longer reserved for anna
    card = services.calls.next_case(bram, q.provider_id)
    assert card is not None and card.reason.code == "DUE_APPOINTMENT"
    assert [a.outcome for a in card.attempts] == ["BUSY", "APPOINTMENT"]
    assert [a.username for a in card.attempts] == ["anna", "anna"] and card.attempts[0].outcome_label
    assert card.attempts[0].number == card.dial.national
    assert card.appointment is not None and card.appointment.made_by == anna.user_id
    assert card.appointment.made_by_name == "anna"  # display name (defaults to the username)
    assert card.appointment.note == "om twee" and card.appointment.client_name == card.client_name
    assert card.attempt_count == 2


def test_a_candidate_without_a_callable_number_is_looked_at_again_tomorrow(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1)
    with services.db.engine.begin() as conn:
        conn.execute(sa.insert(DoNotCall).values(e164=q.numbers[0][0], source="test", added_at=clock.now))
    nxt = services.calls.claim_next(u["anna"], q.provider_id)
    assert nxt.card is None and nxt.reason.code == "NOTHING_DUE"
    assert case_row(services.db, q.case_ids[0])["next_call_at"] == clock.now + timedelta(days=1)


def test_do_not_call_numbers_of_a_claimed_case_are_marked(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1, numbers_per_client=2)
    with services.db.engine.begin() as conn:
        conn.execute(sa.insert(DoNotCall).values(e164=q.numbers[0][0], source="test", added_at=clock.now))
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.dial.e164 == q.numbers[0][1]
    with services.db.engine.connect() as conn:
        statuses = dict(conn.execute(sa.select(PhoneNumber.e164, PhoneNumber.status)).all())
        position = conn.execute(sa.select(CallCase.current_phone_position)).scalar()
    assert statuses == {q.numbers[0][0]: "do_not_call", q.numbers[0][1]: "active"} and position == 1


def test_a_changed_cap_counts_once_the_cached_caps_expire(services, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import cati.calls.service.calls as calls

    u = users(services)
    q = add_queue(services.db, 3, "inburgering")
    assert services.calls.next_case(u["anna"], q.provider_id) is not None
    ticks = iter(range(10**9, 10**10, 1000))
    monkeypatch.setattr(calls.time, "monotonic", lambda: float(next(ticks)))  # every read is past the TTL
    services.settings.set(u["admin"], "queue.inburgering.cap", 0, valid_from=date(2026, 1, 1))
    nxt = services.calls.claim_next(u["bram"], q.provider_id)
    assert nxt.card is None and nxt.reason.code == "QUOTA_NO_ROOM"
