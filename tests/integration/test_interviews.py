"""Interviews on both backends: answers saved at once, changes audited, resume, off-route flags, endings."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa
from case_data import add_queue, attempts, case_row, users, walk

from cati.calls.service.calls import CaseNotHeld
from cati.interviews.rules import Answer, AnswerRejected
from cati.interviews.service.interviews import InterviewError
from cati.platform.models import Answer as AnswerRow
from cati.platform.models import AnswerChange, Interview
from cati.tools.simulate import random_answer

INBURGERING_START = [("intro", Answer.ack()), ("identiteit", Answer.single(1)), ("toestemming", Answer.single(1)),
                     ("cijfer_intro", Answer.ack()), ("cijfer_cursus", Answer.num(8))]


def _claim_and_start(services, actor, queue="inburgering"):  # type: ignore[no-untyped-def]
    q = add_queue(services.db, 2, queue)
    card = services.calls.next_case(actor, q.provider_id)
    return q, card, services.interviews.start_or_resume(actor, card.case_id)


def _rows(services, interview_id):  # type: ignore[no-untyped-def]
    with services.db.engine.connect() as conn:
        return {r.variable: r for r in conn.execute(sa.select(AnswerRow).where(AnswerRow.interview_id == interview_id))}


def test_answers_are_saved_at_once_and_changes_are_kept(services, clock, make_services) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna = u["anna"]
    _, card, st = _claim_and_start(services, anna)
    assert st.form_id == "inburgering" and st.current_variable == "intro" and st.status == "in_progress"
    assert st.case_fields["client_name"] == card.client_name
    assert st.engine().text().startswith("Goedendag")
    for var, answer in INBURGERING_START:
        clock.advance(seconds=10)
        st = services.interviews.save_answer(anna, st.interview_id, var, answer)
    assert st.current_variable == "cijfer_docent"
    rows = _rows(services, st.interview_id)
    assert set(rows) == {v for v, _ in INBURGERING_START}
    assert rows["cijfer_cursus"].user_id == anna.user_id and rows["cijfer_cursus"].answered_at == clock.now
    # a crash loses nothing: a fresh service sees the answers and the place
    other = make_services(services.db.url, clock=clock)
    assert other.interviews.state(anna, st.interview_id).current_variable == "cijfer_docent"
    other.db.dispose()
    with pytest.raises(AnswerRejected, match="1 tot en met 10"):
        services.interviews.save_answer(anna, st.interview_id, "cijfer_docent", Answer.num(11))
    with pytest.raises(AnswerRejected, match="niet gesteld"):
        services.interviews.save_answer(anna, st.interview_id, "klacht_opgelost", Answer.single(1))
    # going back and changing an answer: one row per variable, the change in answer_change
    st = services.interviews.save_answer(anna, st.interview_id, "cijfer_cursus", Answer.num(6))
    st = services.interviews.save_answer(anna, st.interview_id, "cijfer_cursus", Answer.num(6))  # same: no change
    with services.db.engine.connect() as conn:
        changes = conn.execute(sa.select(AnswerChange)).all()
        assert [(c.variable, c.old_value, c.new_value, c.user_id) for c in changes] == [
            ("cijfer_cursus", '{"number": "8"}', '{"number": "6"}', anna.user_id)]
        assert conn.execute(sa.select(sa.func.count()).select_from(AnswerRow)).scalar() == 5
    assert st.answers["cijfer_cursus"] == Answer.num(6)
    with pytest.raises(CaseNotHeld):
        services.interviews.save_answer(u["bram"], st.interview_id, "cijfer_docent", Answer.num(7))


def test_off_route_answers_are_kept_and_flagged(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna = u["anna"]
    _, _, st = _claim_and_start(services, anna)
    for var, answer in [*INBURGERING_START, ("cijfer_docent", Answer.num(7)), ("cijfer_lessen", Answer.num(7)),
                        ("cijfer_materiaal", Answer.num(7)), ("cijfer_locatie", Answer.num(7))]:
        st = services.interviews.save_answer(anna, st.interview_id, var, answer)
    st = _walk_to(services, anna, st, "examen")
    st = services.interviews.save_answer(anna, st.interview_id, "examen", Answer.single(2))
    assert st.current_variable == "examen_onderdelen"
    st = services.interviews.save_answer(anna, st.interview_id, "examen_onderdelen", Answer.multi([1]))
    assert _rows(services, st.interview_id)["examen_onderdelen"].on_route
    st = services.interviews.save_answer(anna, st.interview_id, "examen", Answer.single(1))  # routing skips it now
    rows = _rows(services, st.interview_id)
    assert not rows["examen_onderdelen"].on_route and rows["examen"].on_route
    assert "examen_onderdelen" in st.off_route and st.answers["examen_onderdelen"] == Answer.multi([1])
    st = services.interviews.save_answer(anna, st.interview_id, "examen", Answer.single(2))  # and back on
    assert _rows(services, st.interview_id)["examen_onderdelen"].on_route


def _walk_to(services, actor, st, var):  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    while st.current_variable != var:
        q = st.form.question(st.current_variable)
        st = services.interviews.save_answer(actor, st.interview_id, q.var, random_answer(st.form, q, rng))
    return st


def test_stop_and_resume_by_another_interviewer(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna, bram = u["anna"], u["bram"]
    q, card, st = _claim_and_start(services, anna)
    for var, answer in INBURGERING_START:
        st = services.interviews.save_answer(anna, st.interview_id, var, answer)
    clock.advance(minutes=3)
    res = services.interviews.stop(anna, st.interview_id, note="moet weg")
    assert res.outcome == "PARTIAL" and not res.case_final
    row = case_row(services.db, card.case_id)
    assert row["last_outcome"] == "PARTIAL" and row["held_by"] is None
    [att] = attempts(services.db, card.case_id)
    assert att["outcome"] == "PARTIAL" and att["started_at"] == card.claimed_at and att["note"] == "moet weg"
    clock.advance(minutes=61)
    card2 = services.calls.next_case(bram, q.provider_id)  # partials come before never-called cases
    assert card2.case_id == card.case_id and card2.interview_id == st.interview_id
    assert card2.reason.code == "DUE_PARTIAL"
    st2 = services.interviews.start_or_resume(bram, card2.case_id)
    assert st2.interview_id == st.interview_id and st2.current_variable == "cijfer_docent"
    assert st2.answers["cijfer_cursus"] == Answer.num(8)
    st2 = services.interviews.save_answer(bram, st2.interview_id, "cijfer_docent", Answer.num(9))
    assert _rows(services, st2.interview_id)["cijfer_docent"].user_id == bram.user_id


def test_complete_in_one_transaction_and_change_after_end_is_audited(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna = u["anna"]
    _, card, st = _claim_and_start(services, anna)
    with pytest.raises(InterviewError, match="nog niet volledig"):
        services.interviews.complete(anna, st.interview_id)
    st = walk(services, anna, st)
    assert st.complete and st.current_variable is None
    clock.advance(minutes=1)
    res = services.interviews.complete(anna, st.interview_id)
    assert res.case_final and res.final_code == "COMPLETE"
    with services.db.engine.connect() as conn:
        iv = conn.execute(sa.select(Interview)).one()
    assert iv.status == "complete" and iv.completed_at == clock.now
    assert [a["outcome"] for a in attempts(services.db, card.case_id)] == ["COMPLETE"]
    with pytest.raises(InterviewError, match="al afgesloten"):
        services.interviews.complete(anna, st.interview_id)
    # the interviewer corrects an answer after the end: allowed, but audited
    services.interviews.save_answer(anna, st.interview_id, "rapportcijfer", Answer.num(3))
    events = services.audit.events(u["admin"], action="answer_change_after_end")
    assert [(e.object_id, e.detail["variable"]) for e in events] == [(str(st.interview_id), "rapportcijfer")]
    with pytest.raises(CaseNotHeld):
        services.interviews.save_answer(u["bram"], st.interview_id, "rapportcijfer", Answer.num(4))


def test_breakoff_and_other_outcome_end_the_interview(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna = u["anna"]
    q, card, st = _claim_and_start(services, anna, "purchased")
    assert st.form_id == "client_regular"
    res = services.interviews.breakoff(anna, st.interview_id)
    assert res.case_final and res.final_code == "BREAKOFF"
    card2 = services.calls.next_case(anna, q.provider_id)
    st2 = services.interviews.start_or_resume(anna, card2.case_id)
    clock.advance(minutes=2)
    services.calls.record_outcome(anna, card2.case_id, "REFUSAL_HARD", clock.now - timedelta(minutes=2), clock.now)
    with services.db.engine.connect() as conn:
        statuses = dict(conn.execute(sa.select(Interview.id, Interview.status)).all())
    assert statuses == {st.interview_id: "breakoff", st2.interview_id: "breakoff"}


def test_a_desk_that_stops_mid_interview_loses_neither_the_attempt_nor_the_answers(services, clock) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: anna's desk stops in the middle of an interview. When her lease has run out, the next
    claim first closes her attempt (DESK_LOST, from her claim to her last sign of life), makes the
    interview partial, and the case comes back to be resumed first, with her answers."""
    u = users(services)
    anna, bram = u["anna"], u["bram"]
    q, card, st = _claim_and_start(services, anna)
    claimed = card.claimed_at
    for var, answer in INBURGERING_START[:3]:
        st = services.interviews.save_answer(anna, st.interview_id, var, answer)
    clock.advance(minutes=10)
    services.calls.renew_lease(anna, card.case_id)
    renewed = clock.now
    clock.advance(minutes=31)  # the desk is gone: no renewal, no outcome
    again = services.calls.next_case(bram, q.provider_id)
    assert again is not None and again.case_id == card.case_id and again.reason.code == "DUE_PARTIAL"
    assert again.interview_id == st.interview_id
    [lost] = attempts(services.db, card.case_id)
    assert (lost["outcome"], lost["user_id"], lost["started_at"], lost["ended_at"]) == (
        "DESK_LOST", anna.user_id, claimed, renewed)
    row = case_row(services.db, card.case_id)
    assert row["attempts"] == 0 and row["last_outcome"] == "PARTIAL" and row["held_by"] == bram.user_id
    resumed = services.interviews.start_or_resume(bram, again.case_id)
    assert resumed.interview_id == st.interview_id and resumed.current_variable == INBURGERING_START[3][0]
    assert set(_rows(services, st.interview_id)) == {v for v, _ in INBURGERING_START[:3]}


def test_a_complete_after_the_lease_ran_out_is_still_taken_while_nobody_else_has_the_case(services, clock) -> None:  # type: ignore[no-untyped-def]
    """A desk on the closing screen whose lease ran out (the sweep closed its attempt as DESK_LOST
    and made the interview partial) still completes it while nobody else has claimed the case: a
    fully answered interview never loses its COMPLETE. Once a colleague holds the case, it is theirs."""
    u = users(services)
    anna, bram = u["anna"], u["bram"]
    q, card, st = _claim_and_start(services, anna)
    st = walk(services, anna, st)
    assert st.complete and st.current_variable is None
    clock.advance(minutes=31)
    services.calls.release_lost(force=True)
    row = case_row(services.db, card.case_id)
    assert row["held_by"] is None and row["last_outcome"] == "PARTIAL"
    res = services.interviews.complete(anna, st.interview_id)
    assert res.case_final and res.final_code == "COMPLETE"
    assert [a["outcome"] for a in attempts(services.db, card.case_id)] == ["DESK_LOST", "COMPLETE"]
    assert [e.object_id for e in services.audit.events(u["admin"], action="lease_taken_back")] == [
        str(card.case_id)]
    # the other case: bram claims it after anna's lease ran out; her late complete is refused
    card2 = services.calls.next_case(anna, q.provider_id)
    st2 = walk(services, anna, services.interviews.start_or_resume(anna, card2.case_id))
    clock.advance(minutes=31)
    again = services.calls.next_case(bram, q.provider_id)
    assert again is not None and again.case_id == card2.case_id
    with pytest.raises(CaseNotHeld):
        services.interviews.complete(anna, st2.interview_id)
    assert services.interviews.complete(bram, services.interviews.start_or_resume(bram, again.case_id).interview_id
                                        ).final_code == "COMPLETE"
