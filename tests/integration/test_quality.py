"""Paradata and interview quality control (issue 17) on both backends: screen visits written with the
answers, flags on real interviews, the review's decisions (accept, void, back-check) and a back-check
case through the real claim, purge."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from case_data import add_queue, users
from quality_data import interview

from cati.accounts.rules.roles import PermissionDenied, Role
from cati.interviews.rules import Answer, AnswerRejected
from cati.interviews.rules.paradata import Arrival, Leave, ScreenVisit
from cati.platform.models import AuditEvent, CallCase, Client, Interview, InterviewReview
from cati.platform.models import ScreenVisit as VisitRow
from cati.supervision.service.quality_results import QualityError


def _visits(services, interview_id: int) -> list[VisitRow]:  # type: ignore[no-untyped-def]
    with services.db.unit_of_work() as s:
        rows = list(s.scalars(sa.select(VisitRow).where(VisitRow.interview_id == interview_id).order_by(VisitRow.id)))
        s.expunge_all()
        return rows


def _actions(services) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with services.db.engine.connect() as conn:
        return [(a, o) for a, o in conn.execute(sa.select(AuditEvent.action, AuditEvent.object_id)
                                                 .order_by(AuditEvent.id))]


def test_screen_visits_are_written_with_the_answers(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 2)
    done = interview(services, clock, u["anna"], q.provider_id, back_once=True)
    assert done is not None and done.outcome == "COMPLETE"
    visits = _visits(services, done.interview_id)
    with services.db.engine.connect() as conn:
        answered = conn.execute(sa.select(sa.func.count()).select_from(sa.text("answer"))
                                .where(sa.text(f"interview_id = {done.interview_id}"))).scalar_one()
    grids = {"tc_informatie", "tk_kennismaking", "tb_kennismaking"}
    assert len(visits) == answered - 14 + 3 + 2  # a visit per screen (grids: one for their rows), the way back
    assert visits[0].arrived == "start" and all(v.user_id == u["anna"].user_id for v in visits)
    back = [v for v in visits if v.left_by == "back"]
    assert len(back) == 1 and visits[visits.index(back[0]) + 1].arrived == "back"
    assert all(v.left_at >= v.shown_at and v.language is None for v in visits)
    grid = next(v for v in visits if v.variable == "tev_contact")
    assert grids and grid.row_seconds is not None and "tc_informatie" in grid.row_seconds
    # no values in the paradata: the visit knows the question, not the answer
    assert {c.name for c in VisitRow.__table__.columns} == {
        "id", "interview_id", "user_id", "variable", "shown_at", "left_at", "arrived", "left_by", "language",
        "corrections", "changed", "row_seconds"}


def test_a_changed_answer_marks_its_visit_and_a_refused_save_writes_none(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna = u["anna"]
    q = add_queue(services.db, 1, "inburgering")
    card = services.calls.next_case(anna, q.provider_id)
    st = services.interviews.start_or_resume(anna, card.case_id)

    def visit(var: str, arrived: Arrival = Arrival.NEXT, left: Leave = Leave.NEXT) -> ScreenVisit:
        shown = clock.now
        clock.advance(seconds=6)
        return ScreenVisit(var, shown, clock.now, arrived, left, language="nl")

    for var, answer in [("intro", Answer.ack()), ("identiteit", Answer.single(1)), ("toestemming", Answer.single(1)),
                        ("cijfer_intro", Answer.ack()), ("cijfer_cursus", Answer.num(8))]:
        st = services.interviews.save_answer(anna, st.interview_id, var, answer, visits=[visit(var)])
    with pytest.raises(AnswerRejected):
        services.interviews.save_answer(anna, st.interview_id, "cijfer_docent", Answer.num(11),
                                        visits=[visit("cijfer_docent")])
    assert len(_visits(services, st.interview_id)) == 5  # the refused save stored nothing
    away = visit("cijfer_docent", left=Leave.BACK)
    st = services.interviews.save_answer(anna, st.interview_id, "cijfer_cursus", Answer.num(6),
                                         visits=[away, visit("cijfer_cursus", Arrival.BACK), visit("onbekend")])
    rows = _visits(services, st.interview_id)
    assert [(v.variable, v.arrived, v.left_by, v.changed) for v in rows[5:]] == [
        ("cijfer_docent", "next", "back", False), ("cijfer_cursus", "back", "next", True)]  # unknown: left out
    result = services.interviews.stop(anna, st.interview_id, visits=[visit("cijfer_docent", left=Leave.STOP)])
    assert result.outcome == "PARTIAL" and _visits(services, st.interview_id)[-1].left_by == "stop"


def _fieldwork(services, clock):  # type: ignore[no-untyped-def]
    """anna does three interviews at a reading pace, bram two far too fast, straight-lining the grids."""
    u = users(services)
    q = add_queue(services.db, 8)
    honest = [interview(services, clock, u["anna"], q.provider_id, seed=i) for i in range(3)]
    careless = [interview(services, clock, u["bram"], q.provider_id, pace=0.2, straight=True, seed=9 + i)
                for i in range(2)]
    assert all(d is not None and d.outcome == "COMPLETE" for d in honest + careless)
    return u, q, [d.interview_id for d in honest if d], [d.interview_id for d in careless if d]


def test_the_review_finds_the_careless_interviews_and_the_decisions_are_audited(services, clock) -> None:  # type: ignore[no-untyped-def]
    u, q, honest, careless = _fieldwork(services, clock)
    sanne = u["sanne"]
    listed = services.quality.review_list(sanne)
    assert listed.interviews == 5 and listed.flagged == 2
    assert {it.interview_id for it in listed.items} == set(careless)
    for it in listed.items:
        assert it.interviewer == "bram" and it.status == "open" and it.has_paradata
        assert {"too_fast", "straight_lining"} <= {f.code.value for f in it.flags}
        assert all(f.reason for f in it.flags)
    assert services.quality.review_list(sanne, interviewer="anna").items == ()
    assert len(services.quality.review_list(sanne, q.provider_id, flag="straight_lining").items) == 2
    with pytest.raises(QualityError, match="Onbekend signaal"):
        services.quality.review_list(sanne, flag="te_snel")
    with pytest.raises(PermissionDenied):
        services.quality.review_list(u["anna"])

    # one interview read-only: every answer with its time on screen
    shown = services.quality.interview(sanne, careless[0])
    grid_rows = [line for line in shown.lines if line.question == "tev_contact"]
    assert len(grid_rows) == 5 and len({line.answer for line in grid_rows}) == 1 and grid_rows[0].seconds
    assert next(line for line in shown.lines if line.variable == "rapportcijfer").seconds is not None
    texts = {line.variable: line.text for line in shown.lines}  # as read out, without the client's name
    assert "{" not in "".join(texts.values()) and texts["identiteit"] == "Spreek ik met [naam cliënt]?"
    assert shown.item.provider in texts["intro"]

    # accept: cleared, with a note
    with pytest.raises(QualityError, match="toelichting"):
        services.quality.accept(sanne, careless[0], "  ")
    decision = services.quality.accept(sanne, careless[0], "Respondent had haast; opname beluisterd.")
    assert decision.decision == "accept" and set(decision.flags) >= {"too_fast", "straight_lining"}
    assert [it.interview_id for it in services.quality.review_list(sanne).items] == [careless[1]]
    again = services.quality.review_list(sanne, decided=True)
    assert {it.interview_id: it.status for it in again.items}[careless[0]] == "accepted"

    # void: the existing void, in the same transaction as the decision
    services.quality.void(sanne, careless[1], "Niet voorgelezen: interview ongeldig.")
    with services.db.engine.connect() as conn:
        voided = conn.execute(sa.select(Interview.voided_at, Interview.void_reason)
                              .where(Interview.id == careless[1])).one()
    assert voided.voided_at is not None and voided.void_reason == "Niet voorgelezen: interview ongeldig."
    assert services.quality.review_list(sanne).items == ()
    with pytest.raises(QualityError, match="ongeldig"):
        services.quality.void(sanne, careless[1], "nog eens")
    actions = _actions(services)
    assert ("review_accept", str(careless[0])) in actions
    assert actions[-2:] == [("void", str(careless[1])), ("review_void", str(careless[1]))]
    with services.db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(InterviewReview)).scalar_one() == 2


def test_the_interviewers_standing_marks_the_one_far_from_the_rest(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    services.users.add_user(u["admin"], "dirk", "dirk-wachtwoord", {Role.INTERVIEWER})
    dirk = services.users.login("dirk", "dirk-wachtwoord")
    q = add_queue(services.db, 24)
    for i in range(5):
        for who, pace in ((u["anna"], 1.0), (u["cees"], 1.1), (dirk, 0.9), (u["bram"], 0.2)):
            interview(services, clock, who, q.provider_id, pace=pace, straight=who is u["bram"], seed=i * 10 + pace)
    stands = {st.interviewer: st for st in services.quality.review_list(u["sanne"]).standing}
    assert set(stands) == {"anna", "bram", "cees", "dirk"}
    far = {s.measure for s in stands["bram"].far}
    assert {"minutes", "flag_rate"} <= far, stands["bram"].standings
    assert all(not stands[n].far for n in ("anna", "cees", "dirk")), [stands[n].far for n in ("anna", "cees", "dirk")]
    assert stands["bram"].figures.interviews == 5 and len(stands["bram"].length_minutes) == 5
    assert abs(sum(stands["anna"].length_shares) - 1) < 1e-9 and len(stands["anna"].length_band) == 8


def test_a_back_check_goes_through_the_real_claim_to_a_colleague(services, clock) -> None:  # type: ignore[no-untyped-def]
    u, q, _honest, careless = _fieldwork(services, clock)
    sanne, anna, bram = u["sanne"], u["anna"], u["bram"]
    decision = services.quality.backcheck(sanne, careless[0], "Klopt dit gesprek?")
    assert decision.backcheck is not None and decision.backcheck.state == "waiting"
    case_id = decision.backcheck.case_id
    with services.db.engine.connect() as conn:
        case = conn.execute(sa.select(CallCase).where(CallCase.id == case_id)).one()
    assert case.queue == "backcheck" and case.checks_interviewer == bram.user_id and case.status == "new"
    with pytest.raises(QualityError, match="loopt al"):
        services.quality.backcheck(sanne, careless[0])
    item = next(it for it in services.quality.review_list(sanne).items if it.interview_id == careless[0])
    assert item.status == "backcheck_pending"

    # bram never gets the back-check of his own interview: he is offered another case
    mine = services.calls.next_case(bram, q.provider_id)
    assert mine is None or mine.case_id != case_id
    if mine is not None:
        services.calls.release(bram, mine.case_id)
    # anna gets it before the never-called cases, and asks the back-check script
    card = services.calls.next_case(anna, q.provider_id)
    assert card is not None and card.case_id == case_id and card.form_id == "backcheck"
    st = services.interviews.start_or_resume(anna, case_id)
    assert st.form_id == "backcheck"
    for var, answer in [("bc_intro", Answer.ack()), ("bc_identiteit", Answer.single(1)),
                        ("bc_gesproken", Answer.single(2)), ("bc_slot", Answer.ack())]:
        clock.advance(seconds=8)
        st = services.interviews.save_answer(anna, st.interview_id, var, answer)
    result = services.interviews.complete(anna, st.interview_id, started_at=card.claimed_at)
    assert result.outcome == "COMPLETE" and result.case_final
    with services.db.engine.connect() as conn:
        status = conn.execute(sa.select(Interview.status, Interview.completed_at)
                              .where(Interview.id == st.interview_id)).one()
    assert status.status == "backcheck" and status.completed_at is not None  # not a survey complete
    assert services.exports.preview(sanne, providers=[q.provider_id]).per_form == {"client_regular": 5}

    item = next(it for it in services.quality.review_list(sanne).items if it.interview_id == careless[0])
    check = item.decision.backcheck if item.decision else None
    assert item.status == "backcheck_done" and check is not None and check.state == "answered"
    assert check.confirmed is False and check.by == "anna" and "niet met ons gesproken" in check.summary
    assert ("backcheck_answer", str(careless[0])) in _actions(services)
    assert ("review_backcheck", str(careless[0])) in _actions(services)
    services.quality.void(sanne, careless[0], "Nacontrole: respondent kent het gesprek niet.")
    history = services.quality.review_list(sanne, decided=True).items
    assert careless[0] not in {it.interview_id for it in history}


def test_purge_removes_the_periods_paradata(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    services.users.add_user(u["admin"], "beheer", "beheer-wachtwoord", {Role.ADMIN, Role.SUPERVISOR})
    beheer = services.users.login("beheer", "beheer-wachtwoord")
    q = add_queue(services.db, 1, provider="Werkpad", period=(date(2025, 1, 1), date(2025, 12, 31)))
    done = interview(services, clock, u["anna"], q.provider_id)
    assert done is not None and _visits(services, done.interview_id)
    services.privacy.close_period(beheer, "Werkpad", date(2025, 1, 1), date(2025, 12, 31))
    result = services.privacy.purge(beheer, "Werkpad", date(2025, 1, 1), date(2025, 12, 31))
    assert result.screen_visits > 10 and _visits(services, done.interview_id) == []


def _cli(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str) -> int:
    import io

    from cati.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_cati_review_lists_shows_and_decides_headless(services, clock, db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from case_data import PASSWORDS

    _u, q, _honest, careless = _fieldwork(services, clock)
    sanne = ["--db", db_url, "--user", "sanne", "--password-stdin", "review"]
    pw = PASSWORDS["sanne"] + "\n"
    assert _cli([*sanne, str(q.provider_id), "--format", "json"], monkeypatch, pw) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["selection"] == {"interviews": 5, "flagged": 2}
    assert {it["interview_id"] for it in listed["interviews"]} == set(careless)
    first = listed["interviews"][0]
    assert first["interviewer"] == "bram" and {"too_fast", "straight_lining"} <= {f["code"] for f in first["flags"]}
    assert all(f["reason"] and f["figures"] for f in first["flags"])
    assert {st["interviewer"] for st in listed["interviewers"]} == {"anna", "bram"}
    assert _cli([*sanne, "--interviewer", "bram"], monkeypatch, pw) == 0
    table = capsys.readouterr().out
    assert "5 afgeronde interviews in de selectie, 2 met een signaal" in table
    assert f"#{careless[0]} Te snel voorgelezen:" in table
    assert _cli([*sanne, "--show", str(careless[0])], monkeypatch, pw) == 0
    assert "tc_informatie" in capsys.readouterr().out
    assert _cli([*sanne, "--accept", str(careless[0])], monkeypatch, pw) == 2  # a note is needed
    assert "toelichting" in capsys.readouterr().err
    assert _cli([*sanne, "--accept", str(careless[0]), "--note", "Gecontroleerd"], monkeypatch, pw) == 0
    assert _cli([*sanne, "--backcheck", str(careless[1])], monkeypatch, pw) == 0
    assert "nacontrole ingepland" in capsys.readouterr().out
    assert _cli([*sanne, "--format", "json"], monkeypatch, pw) == 0
    statuses = {it["interview_id"]: it["status"] for it in json.loads(capsys.readouterr().out)["interviews"]}
    assert statuses == {careless[1]: "backcheck_pending"}
    anna = ["--db", db_url, "--user", "anna", "--password-stdin", "review"]
    assert _cli(anna, monkeypatch, PASSWORDS["anna"] + "\n") == 3


def test_the_paradata_export_reads_back(services, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """``cati export --paradata``: a long file beside the answers, one row per screen visit of the exported
    interviews, with a codebook; read back, it holds what the database holds, in CSV and in SPSS."""
    import csv

    import pyreadstat

    u, q, honest, careless = _fieldwork(services, clock)
    sanne = u["sanne"]
    with services.db.unit_of_work() as s:
        expected = list(s.execute(
            sa.select(VisitRow.interview_id, VisitRow.variable, VisitRow.shown_at, VisitRow.left_at,
                      VisitRow.arrived, VisitRow.user_id)
            .order_by(VisitRow.interview_id, VisitRow.shown_at, VisitRow.id)))
        keys = {iid: key for iid, key in s.execute(
            sa.select(Interview.id, Client.respondent_key).join(CallCase, CallCase.id == Interview.case_id)
            .join(Client, Client.id == CallCase.client_id))}
    result = services.exports.export(sanne, tmp_path / "antw.csv", providers=[q.provider_id], paradata=True)
    assert [p.name for p in result.paradata_files] == ["antw.paradata.csv", "antw.paradata.codebook.csv"]
    assert [p.name for p in result.files] == ["antw.csv", "antw.codebook.csv"] and result.visits == len(expected)
    with (tmp_path / "antw.paradata.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(expected)
    by_key: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_key.setdefault(row["respondent_key"], []).append(row)
    for iid in honest + careless:
        mine = by_key[keys[iid]]
        stored = [e for e in expected if e.interview_id == iid]
        assert [r["variable"] for r in mine] == [e.variable for e in stored]
        assert [int(r["visit"]) for r in mine] == list(range(1, len(stored) + 1))
        assert [float(r["seconds"]) for r in mine] == [round((e.left_at - e.shown_at).total_seconds(), 3)
                                                       for e in stored]
        assert {r["arrived"] for r in mine} <= {"1", "2"} and mine[0]["arrived"] == "1"  # start, then next
        assert {int(r["interviewer_id"]) for r in mine} == {e.user_id for e in stored}
    grid = next(r for r in rows if r["variable"] == "tev_contact")
    assert grid["row_seconds"].startswith("tc_informatie=")
    with (tmp_path / "antw.paradata.codebook.csv").open(encoding="utf-8") as fh:
        book = {r["variable"]: r for r in csv.DictReader(fh)}
    assert "1=Begin van het interview" in book["arrived"]["codes"] and "4=Interview gestopt" in book["left_by"]["codes"]
    sav = services.exports.export(sanne, tmp_path / "antw.sav", providers=[q.provider_id], paradata=True)
    frame, meta = pyreadstat.read_sav(str(sav.paradata_files[0]))
    assert len(frame) == len(expected) and list(frame["variable"][:1]) == [rows[0]["variable"]]
    assert meta.variable_value_labels["left_by"][2.0] == "Terug"
