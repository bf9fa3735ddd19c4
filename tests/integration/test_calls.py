"""Call queues on both backends: next-case order, outcomes' effects, appointments, numbers, leases, roles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from case_data import add_queue, attempts, case_row, set_number, users

from cati.accounts.rules.roles import PermissionDenied
from cati.calls.service.calls import AppointmentRequest, CallError, CaseNotHeld
from cati.platform import do_not_call
from cati.platform.models import Appointment, CallCase, DoNotCall, PhoneNumber

# The FakeClock starts Monday 2 March 2026 10:00 UTC = 11:00 in Amsterdam.
MON_11 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _call(services, actor, card, code, clock, **kw):  # type: ignore[no-untyped-def]
    start = clock.now
    clock.advance(seconds=30)
    return services.calls.record_outcome(actor, card.case_id, code, start, clock.now, **kw)


def test_card_has_what_the_interviewer_needs(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 3, numbers_per_client=2, provider="Werkpad")
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.case_id in q.case_ids
    assert card.provider_name == "Werkpad" and card.queue == "purchased"
    assert card.service == 9 and card.service_name.startswith("Toeleiden naar werk")
    assert card.dial is not None and card.dial.e164.startswith("+316") and card.dial.national.startswith("06 ")
    assert len(card.other_numbers) == 1
    assert card.reason.code == "DUE_NEW" and card.reason.callable_now
    assert card.form_id == "client_regular" and card.interview_id is None
    assert card.lease_expires_at == clock.now + timedelta(minutes=30)
    assert card.case_fields["provider"] == "Werkpad" and card.case_fields["period"] == "01-01-2026 tot en met 31-12-2026"
    row = case_row(services.db, card.case_id)
    assert row["held_by"] == u["anna"].user_id
    # the held case comes back after a restart, and nobody else gets it
    assert services.calls.held_case(u["anna"]).case_id == card.case_id
    others = {services.calls.next_case(u["bram"], q.provider_id).case_id,
              services.calls.next_case(u["cees"], q.provider_id).case_id}
    assert card.case_id not in others and len(others) == 2
    assert services.calls.next_case(u["anna"], q.provider_id) is None  # all three held


def test_priority_order(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 6)
    anna, bram, cees = u["anna"], u["bram"], u["cees"]
    got = []
    for code in ("BUSY", "PARTIAL", "CALLBACK", "APPOINTMENT"):
        card = services.calls.next_case(anna, q.provider_id)
        got.append(card.case_id)
        kw = {}
        if code == "CALLBACK":
            kw["appointment"] = AppointmentRequest.daypart(date(2026, 3, 2), "afternoon")
        if code == "APPOINTMENT":
            kw["appointment"] = AppointmentRequest.exact(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))  # 14:00 local
        _call(services, anna, card, code, clock, **kw)
    busy, partial, callback, appointment = got
    clock.now = datetime(2026, 3, 2, 13, 1, tzinfo=UTC)  # 14:01 local: everything is due
    new = set(q.case_ids) - set(got)
    # the appointment is reserved for anna for 5 minutes: bram gets the partial first
    order_bram = [services.calls.next_case(bram, q.provider_id).case_id]
    assert order_bram == [partial]
    assert services.calls.next_case(anna, q.provider_id).case_id == appointment
    assert services.calls.next_case(cees, q.provider_id).case_id == callback
    a, b = services.calls.next_case(cees, q.provider_id), services.calls.next_case(bram, q.provider_id)
    assert {a.case_id, b.case_id} == new
    assert services.calls.next_case(cees, q.provider_id).case_id == busy  # retries last
    assert services.calls.next_case(cees, q.provider_id) is None


def test_exact_appointment_own_interviewer_first_then_anyone_then_missed(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1)
    anna, bram = u["anna"], u["bram"]
    card = services.calls.next_case(anna, q.provider_id)
    at = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
    res = _call(services, anna, card, "APPOINTMENT", clock, appointment=AppointmentRequest.exact(at), note="na vieren")
    assert not res.case_final and res.next_call_at == at and res.appointment_id
    mine = services.calls.my_appointments(anna)
    assert [(a.case_id, a.kind, a.due_at, a.note) for a in mine] == [(card.case_id, "exact", at, "na vieren")]
    assert services.calls.my_appointments(bram) == []
    clock.now = at - timedelta(minutes=1)
    assert services.calls.next_case(bram, q.provider_id) is None  # not due yet
    clock.now = at + timedelta(minutes=2)
    nxt = services.calls.claim_next(bram, q.provider_id)
    assert nxt.card is None  # reserved for anna
    explained = services.calls.explain(u["sanne"], card.case_id)[0].explanation
    assert explained.code == "RESERVED_FOR_OWN_INTERVIEWER"
    clock.now = at + timedelta(minutes=5)
    card2 = services.calls.next_case(bram, q.provider_id)
    assert card2 is not None and card2.appointment is not None and card2.reason.code == "DUE_APPOINTMENT"
    services.calls.release(bram, card2.case_id)
    # missed (more than 30 minutes late): a normal retry, the appointment row marked missed after the call
    clock.now = at + timedelta(minutes=40)
    card3 = services.calls.next_case(bram, q.provider_id)
    assert card3.reason.code == "DUE_MISSED_APPOINTMENT"
    _call(services, bram, card3, "NO_ANSWER", clock)
    with services.db.engine.connect() as conn:
        assert conn.execute(sa.select(Appointment.status)).scalars().all() == ["missed"]
    assert services.calls.my_appointments(anna) == []


def test_outcome_effects(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna = u["anna"]
    q = add_queue(services.db, 4)
    c = services.calls.next_case(anna, q.provider_id)
    res = _call(services, anna, c, "BUSY", clock, note="in gesprek")
    row = case_row(services.db, c.case_id)
    assert row["status"] == "active" and row["attempts"] == 1 and row["last_outcome"] == "BUSY"
    assert row["held_by"] is None and row["lease_expires_at"] is None
    assert res.next_call_at == clock.now + timedelta(minutes=15) - timedelta(seconds=0)
    [att] = attempts(services.db, c.case_id)
    assert att["outcome"] == "BUSY" and att["user_id"] == anna.user_id and att["note"] == "in gesprek"
    assert att["phone_id"] is not None and att["ended_at"] > att["started_at"]
    # a hard refusal is final
    c = services.calls.next_case(anna, q.provider_id)
    res = _call(services, anna, c, "REFUSAL_HARD", clock)
    assert res.case_final and case_row(services.db, c.case_id)["final_outcome"] == "REFUSAL_HARD"
    # a soft refusal: one retry after 7 days, then final refusal
    c = services.calls.next_case(anna, q.provider_id)
    soft = c.case_id
    res = _call(services, anna, c, "REFUSAL_SOFT", clock)
    assert not res.case_final and res.next_call_at.date() == date(2026, 3, 9)
    # do not call: final, the number goes on the list and another case with it is never offered
    c = services.calls.next_case(anna, q.provider_id)
    number = c.dial.e164
    res = _call(services, anna, c, "DO_NOT_CALL", clock)
    assert res.case_final and res.do_not_call == number
    other = add_queue(services.db, 1)
    with services.db.unit_of_work() as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(DoNotCall)) == 1
        assert do_not_call.listed(s, [number]) == {number}  # the list holds the number's keyed hash
    set_number(services.db, number, PhoneNumber.client_id == sa.select(CallCase.client_id)
               .where(CallCase.id == other.case_ids[0]).scalar_subquery())
    assert services.calls.next_case(anna, other.provider_id) is None
    # a week later the soft refusal is due again; a second one ends the case as a hard refusal
    clock.now = datetime(2026, 3, 9, 11, 0, tzinfo=UTC)
    [e] = services.calls.explain(u["sanne"], soft)
    assert e.explanation.code == "DUE_RETRY"
    held = []
    while (c := services.calls.next_case(anna, q.provider_id)).case_id != soft:
        held.append(c.case_id)
    res = _call(services, anna, c, "REFUSAL_SOFT", clock)
    assert res.case_final and res.final_code == "REFUSAL_HARD" and res.finalize_reason == "retries_exhausted"
    for case_id in held:
        services.calls.release(anna, case_id)


def test_number_fallback_and_max_attempts(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna = u["anna"]
    q = add_queue(services.db, 1, numbers_per_client=2)
    c = services.calls.next_case(anna, q.provider_id)
    first, second = q.numbers[0]
    assert c.dial.e164 == first
    res = _call(services, anna, c, "WRONG_PERSON", clock)
    assert not res.case_final and res.number_finished == first and res.switched_to == second
    c = services.calls.next_case(anna, q.provider_id)
    assert c.dial.e164 == second and c.other_numbers[0].status == "final" and not c.other_numbers[0].callable
    assert [a.outcome for a in c.attempts] == ["WRONG_PERSON"] and c.attempts[0].username == "anna"
    res = _call(services, anna, c, "DISCONNECTED", clock)
    assert res.case_final and res.final_code == "DISCONNECTED" and res.finalize_reason == "no_numbers_left"
    # max attempts: 6 per number, 8 per case
    q2 = add_queue(services.db, 1, numbers_per_client=2)
    codes = []
    for _ in range(8):
        clock.advance(hours=1)
        c = services.calls.next_case(anna, q2.provider_id)
        if c is None:
            clock.now = clock.now + timedelta(days=1)
            c = services.calls.next_case(anna, q2.provider_id)
        res = _call(services, anna, c, "BUSY", clock)
        codes.append((c.dial.e164, res.final_code))
    assert [n for n, _ in codes] == [q2.numbers[0][0]] * 6 + [q2.numbers[0][1]] * 2
    assert codes[-1][1] == "MAX_ATTEMPTS" and all(code is None for _, code in codes[:-1])
    row = case_row(services.db, q2.case_ids[0])
    assert row["status"] == "final" and row["attempts"] == 8


def test_lease_expires_and_the_case_returns_with_history(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna, bram = u["anna"], u["bram"]
    q = add_queue(services.db, 1)
    c = services.calls.next_case(anna, q.provider_id)
    _call(services, anna, c, "BUSY", clock)
    clock.advance(minutes=20)
    c = services.calls.next_case(anna, q.provider_id)
    started = clock.now
    assert services.calls.next_case(bram, q.provider_id) is None
    clock.advance(minutes=20)
    new_until = services.calls.renew_lease(anna, c.case_id)
    assert new_until == clock.now + timedelta(minutes=30)
    clock.advance(minutes=29)
    assert services.calls.next_case(bram, q.provider_id) is None
    renewed = clock.now - timedelta(minutes=29)
    clock.advance(minutes=2)  # anna's client crashed: the lease ran out
    c2 = services.calls.next_case(bram, q.provider_id)
    assert c2 is not None and c2.case_id == c.case_id
    # anna's lost attempt is closed first (from her claim to her last renewal), not counted as an attempt
    assert [a.outcome for a in c2.attempts] == ["BUSY", "DESK_LOST"] and c2.attempt_count == 1
    lost = attempts(services.db, c.case_id)[-1]
    assert (lost["user_id"], lost["started_at"], lost["ended_at"]) == (anna.user_id, started, renewed)
    assert [e.detail["user"] for e in services.audit.events(u["admin"], action="lease_lost")] == [anna.user_id]
    with pytest.raises(CaseNotHeld):
        services.calls.record_outcome(anna, c.case_id, "NO_ANSWER", started, clock.now)
    with pytest.raises(CaseNotHeld):
        services.calls.renew_lease(anna, c.case_id)
    _call(services, bram, c2, "NO_ANSWER", clock)
    assert [a["user_id"] for a in attempts(services.db, c.case_id)] == [anna.user_id, anna.user_id, bram.user_id]


def test_release_gives_the_case_back_without_an_attempt(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1)
    c = services.calls.next_case(u["anna"], q.provider_id)
    with pytest.raises(CaseNotHeld):
        services.calls.release(u["bram"], c.case_id)
    services.calls.release(u["anna"], c.case_id)
    assert attempts(services.db) == []
    assert services.calls.next_case(u["bram"], q.provider_id).case_id == c.case_id


def test_roles(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 2)
    with pytest.raises(PermissionDenied):
        services.calls.next_case(u["sanne"], q.provider_id)  # a supervisor cannot claim
    with pytest.raises(PermissionDenied):
        services.calls.next_case(u["admin"], q.provider_id)
    with pytest.raises(PermissionDenied):
        services.calls.next_case(None, q.provider_id)
    c = services.calls.next_case(u["anna"], q.provider_id)
    with pytest.raises(CaseNotHeld):  # not the holder
        services.calls.record_outcome(u["bram"], c.case_id, "BUSY", clock.now, clock.now)
    with pytest.raises(PermissionDenied):
        services.calls.explain(u["anna"], c.case_id)
    with pytest.raises(PermissionDenied):
        services.calls.queue_summary(u["anna"])
    with pytest.raises(CallError, match="systeem"):
        services.calls.record_outcome(u["anna"], c.case_id, "QUOTA_FULL", clock.now, clock.now)
    with pytest.raises(CallError, match="vraagt om een afspraak"):
        services.calls.record_outcome(u["anna"], c.case_id, "APPOINTMENT", clock.now, clock.now)
    assert attempts(services.db) == []  # refused actions wrote nothing


def test_outside_calling_hours_and_explain(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 2)
    clock.now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # a Sunday
    nxt = services.calls.claim_next(u["anna"], q.provider_id)
    assert nxt.card is None and nxt.reason.code == "CLOSED_DAY"
    assert nxt.reason.next_callable_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    clock.now = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)
    assert services.calls.claim_next(u["anna"], q.provider_id).reason.code == "OUTSIDE_WINDOW"
    clock.now = MON_11
    c = services.calls.next_case(u["anna"], q.provider_id)
    _call(services, u["anna"], c, "NO_ANSWER", clock)
    with services.db.engine.connect() as conn:
        client_number = conn.execute(sa.text(
            "SELECT client_number FROM client JOIN call_case ON call_case.client_id = client.id "
            "WHERE call_case.id = :id"), {"id": c.case_id}).scalar_one()
    [e] = services.calls.explain(u["sanne"], client_number)
    assert e.case_id == c.case_id and e.explanation.code == "NOT_YET_DUE" and not e.explanation.callable_now
    assert e.explanation.next_callable_at is not None and e.explanation.next_callable_at > clock.now
    [e2] = services.calls.explain(u["sanne"], q.case_ids[1] if q.case_ids[1] != c.case_id else q.case_ids[0])
    assert e2.explanation.code == "DUE_NEW"
    with pytest.raises(CallError):
        services.calls.explain(u["sanne"], "onbekend")


def test_queue_summary(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 3, provider="Aanbieder S")
    add_queue(services.db, 2, "inburgering", provider="Taalhuis S")
    c = services.calls.next_case(u["anna"], q.provider_id)
    _call(services, u["anna"], c, "REFUSAL_HARD", clock)
    services.calls.next_case(u["anna"], q.provider_id)
    rows = services.calls.queue_summary(u["sanne"])
    by = {(r.provider_name, r.queue): r for r in rows}
    s = by[("Aanbieder S", "purchased")]
    assert (s.cases, s.never_called, s.held_or_partial, s.final, s.completes, s.cap) == (3, 2, 1, 1, 0, None)
    t = by[("Taalhuis S", "inburgering")]
    assert (t.cases, t.never_called, t.cap, t.cap_text) == (2, 2, 25, "0/25")
    assert [r.provider_name for r in services.calls.queue_summary(u["admin"], q.provider_id)] == ["Aanbieder S"]


def test_my_queues_lists_what_an_interviewer_may_work(services, clock) -> None:  # type: ignore[no-untyped-def]
    """The desk's queue list: open cases, completes today, the interviewer's own calls today."""
    from cati.tools.demo import seed_demo

    seed_demo(services, seed=2, clients_per_provider=8)
    anna = services.users.login("anna", "welkom-anna")
    before = {(r.provider_name, r.queue): r for r in services.calls.my_queues(anna)}
    assert before and all(r.my_calls_today == 0 and r.completes_today == 0 for r in before.values())
    card = services.calls.next_case(anna)
    services.calls.record_outcome(anna, card.case_id, "NO_ANSWER", clock.now, clock.now)
    after = {(r.provider_name, r.queue): r for r in services.calls.my_queues(anna)}
    key = (card.provider_name, card.queue)
    assert after[key].my_calls_today == 1 and after[key].open_cases == before[key].open_cases
    assert sum(r.my_calls_today for r in after.values()) == 1
    assert [r.cap for r in after.values() if r.queue == "inburgering"] == [25] * sum(
        1 for r in after.values() if r.queue == "inburgering")
    with pytest.raises(PermissionDenied):
        services.calls.my_queues(services.users.login("sanne", "welkom-sanne"))
