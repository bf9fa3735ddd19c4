"""Dialling and the line on both backends: the check before a softphone dials (what must never be dialled
is refused at the dial moment, on the case as the database has it then), and the line stored on the
attempt (dial, answer and hang-up times, how it ended, the SIP reason, talk seconds)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from case_data import add_queue, attempts, set_number, users

from cati.accounts.rules.roles import PermissionDenied
from cati.calls.rules.line import EndCause, Line
from cati.calls.service.calls import AppointmentRequest, CallError, DialRefused


def line(clock, *, answered: float | None, ended: float, cause: EndCause, reason: str) -> Line:  # type: ignore[no-untyped-def]
    ln = Line().dialling(clock.now).ringing()
    if answered is not None:
        ln = ln.connected(answered)
    return ln.ended(ended, cause, reason, None)


def test_the_number_on_screen_may_be_dialled(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1)
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.dial is not None
    permit = services.calls.dial_permit(u["anna"], card.case_id, card.dial.e164)
    assert (permit.case_id, permit.e164, permit.at) == (card.case_id, card.dial.e164, clock.now)
    with pytest.raises(PermissionDenied):
        services.calls.dial_permit(u["sanne"], card.case_id, card.dial.e164)  # not an interviewer
    with pytest.raises(DialRefused, match="niet \\(meer\\) aan u"):
        services.calls.dial_permit(u["bram"], card.case_id, card.dial.e164)  # anna's case
    with pytest.raises(DialRefused, match="niet-bellen"):
        services.calls.dial_permit(u["anna"], card.case_id, "+31687654321")  # not the number on screen
    with pytest.raises(CallError):
        services.calls.dial_permit(u["anna"], 10**6, card.dial.e164)


def test_a_number_put_on_the_do_not_call_list_meanwhile_is_not_dialled(services, clock, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1, numbers_per_client=2)
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.dial is not None
    dnc = tmp_path / "onderzoekfilter.txt"
    dnc.write_text(card.dial.national + "\n", encoding="utf-8")
    services.imports.import_do_not_call(u["sanne"], dnc)
    with pytest.raises(DialRefused, match="niet-bellen"):
        services.calls.dial_permit(u["anna"], card.case_id, card.dial.e164)
    other = services.calls.held_case(u["anna"])
    assert other is not None and other.dial is not None and other.dial.e164 != card.dial.e164
    assert services.calls.dial_permit(u["anna"], card.case_id, other.dial.e164).e164 == other.dial.e164


def test_nothing_is_dialled_outside_calling_hours(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1)
    clock.now = datetime(2026, 3, 2, 19, 58, tzinfo=UTC)  # 20:58 in Amsterdam: the last minutes
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.dial is not None
    assert services.calls.dial_permit(u["anna"], card.case_id, card.dial.e164)
    clock.advance(minutes=3)  # 21:01: the card is still open, the calling hours are over
    with pytest.raises(DialRefused, match="buiten de beltijden"):
        services.calls.dial_permit(u["anna"], card.case_id, card.dial.e164)


def test_a_premium_rate_number_in_the_database_is_never_dialled(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1)
    set_number(services.db, "+319001234567")  # written by some other tool, past the import's checks
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.dial is not None and card.dial.e164 == "+319001234567"
    with pytest.raises(DialRefused, match="betaalnummer"):
        services.calls.dial_permit(u["anna"], card.case_id, card.dial.e164)


def test_the_line_is_stored_on_the_attempt(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 3)
    anna = u["anna"]
    # busy: the line's reason and how it ended, no answer, no talk
    card = services.calls.next_case(anna, q.provider_id)
    busy = line(clock, answered=None, ended=1.6, cause=EndCause.REMOTE, reason="486 Busy Here")
    services.calls.record_outcome(anna, card.case_id, "BUSY", clock.now, clock.now + timedelta(seconds=5),
                                  line=busy)
    [a] = attempts(services.db, card.case_id)
    assert a["dialled_at"] == clock.now and a["answered_at"] is None
    assert a["hung_up_at"] == clock.now + timedelta(seconds=1.6)
    assert (a["line_end"], a["sip_reason"], a["talk_seconds"]) == ("remote", "486 Busy Here", None)
    # answered and talked; the appointment was made on the line, the interviewer hung up
    card = services.calls.next_case(anna, q.provider_id)
    talked = line(clock, answered=4.5, ended=52.7, cause=EndCause.DESK, reason="")
    services.calls.record_outcome(anna, card.case_id, "CALLBACK", clock.now, clock.now + timedelta(seconds=60),
                                  appointment=AppointmentRequest.daypart(date(2026, 3, 3), "morning"), line=talked)
    [a] = attempts(services.db, card.case_id)
    assert a["answered_at"] == clock.now + timedelta(seconds=4.5) and a["talk_seconds"] == 48
    assert (a["line_end"], a["sip_reason"]) == ("desk", None)
    # dialled by hand: no line
    card = services.calls.next_case(anna, q.provider_id)
    services.calls.record_outcome(anna, card.case_id, "NO_ANSWER", clock.now, clock.now)
    [a] = attempts(services.db, card.case_id)
    assert all(a[k] is None for k in ("dialled_at", "answered_at", "hung_up_at", "line_end", "sip_reason",
                                      "talk_seconds"))


def test_an_open_line_is_not_saved(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1)
    card = services.calls.next_case(u["anna"], q.provider_id)
    live = Line().dialling(clock.now).connected(2.0)
    with pytest.raises(CallError, match="hang eerst op"):
        services.calls.record_outcome(u["anna"], card.case_id, "REFUSAL_SOFT", clock.now, clock.now, line=live)
    assert attempts(services.db, card.case_id) == []


def test_a_stopped_interview_keeps_its_line(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 1)
    anna = u["anna"]
    card = services.calls.next_case(anna, q.provider_id)
    state = services.interviews.start_or_resume(anna, card.case_id)
    clock.advance(minutes=3)
    talked = line(clock, answered=3.0, ended=183.2, cause=EndCause.REMOTE, reason="Connection reset by peer")
    services.interviews.stop(anna, state.interview_id, AppointmentRequest.daypart(date(2026, 3, 3), "evening"),
                             started_at=clock.now - timedelta(minutes=3), line=talked)
    [a] = attempts(services.db, card.case_id)
    assert a["outcome"] == "PARTIAL" and a["talk_seconds"] == 180 and a["line_end"] == "remote"
    assert a["sip_reason"] == "Connection reset by peer"


def test_progress_counts_dials_answered_and_talk_time(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 4, provider="Werkpad")
    anna, bram = u["anna"], u["bram"]
    plan = [  # who, answered after, ended after (seconds from the dial)
        (anna, 3.0, 125.4, "REFUSAL_SOFT"), (anna, None, 30.0, "NO_ANSWER"), (bram, 2.0, 62.0, "CALLBACK"),
    ]
    for actor, answered, ended, code in plan:
        card = services.calls.next_case(actor, q.provider_id)
        ln = line(clock, answered=answered, ended=ended, cause=EndCause.DESK if answered else EndCause.NO_ANSWER,
                  reason="")
        kw = {"appointment": AppointmentRequest.daypart(date(2026, 3, 3), "morning")} if code == "CALLBACK" else {}
        services.calls.record_outcome(actor, card.case_id, code, clock.now, clock.now + timedelta(seconds=ended),
                                      line=ln, **kw)
    card = services.calls.next_case(anna, q.provider_id)  # dialled by hand: not in the line's figures
    services.calls.record_outcome(anna, card.case_id, "BUSY", clock.now, clock.now)
    [row] = services.progress.queues(u["sanne"], "Werkpad")
    assert (row.line.dials, row.line.answered, row.line.talk_seconds) == (3, 2, 122 + 60)
    assert row.line.answered_pct == Decimal("66.7") and row.line.talk_text == "0:03"
    today = clock.now.date()
    people = {i.username: i.line for i in services.progress.interviewers(u["sanne"], today, today)}
    assert (people["anna"].dials, people["anna"].answered, people["anna"].talk_seconds) == (2, 1, 122)
    assert people["anna"].answered_pct == Decimal("50.0") and people["bram"].answered_pct == Decimal("100.0")
