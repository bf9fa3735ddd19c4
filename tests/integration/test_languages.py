"""Interviews in the client's language, on both backends: the taal column of client files,
interviewers' languages, the claim and the explanation, the language problem as a route, answers
in their languages and the export's main language."""

from __future__ import annotations

import csv
from datetime import date

import pytest
import sqlalchemy as sa
from case_data import PASSWORDS, add_queue, case_row, users, walk

from cati.accounts.rules.roles import PermissionDenied
from cati.accounts.service.users import UserError
from cati.cli import main
from cati.interviews.rules import Answer
from cati.platform.models import Answer as AnswerRow
from cati.platform.models import CallCase, Client, Interview

Y26 = (date(2026, 1, 1), date(2026, 12, 31))


def speaking(services, u, **languages: str):  # type: ignore[no-untyped-def]
    """Give interviewers their languages and log them in again (languages are read at login)."""
    for name, codes in languages.items():
        services.users.set_languages(u["admin"], name, codes)
        u[name] = services.users.login(name, PASSWORDS[name])
    return u


def set_case_language(services, case_ids, language) -> None:  # type: ignore[no-untyped-def]
    with services.db.engine.begin() as conn:
        conn.execute(sa.update(CallCase).where(CallCase.id.in_(list(case_ids))).values(language=language))


def test_the_taal_column_of_a_client_file(services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    services.providers.add_provider(u["sanne"], "Taalhuis", *Y26, phone_option=True)
    path = tmp_path / "klanten.csv"
    rows = [("K1", "Arabisch"), ("K2", "en"), ("K3", "Nederlands"), ("K4", "Klingon"), ("K5", ""), ("K6", "العربية")]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["klantnummer", "naam", "telefoon", "dienst", "einddatum", "telefonisch", "Taal"])
        for i, (number, taal) in enumerate(rows):
            w.writerow([number, f"Cliënt {number}", f"0612{i:06d}", "9", "1-3-2026", "ja", taal])
    result = services.imports.import_file(u["sanne"], "Taalhuis", path, write_rejects=False)
    assert (result.accepted, result.rejected, result.cases["purchased"]) == (6, 0, 6)
    assert [w.message for w in result.warning_rows if "taal" in w.message] == [
        "taal 'Klingon' onbekend; genegeerd (gebruik een taalnaam of -code zoals Arabisch of ar)"]
    with services.db.engine.connect() as conn:
        found = dict(conn.execute(sa.select(Client.client_number, Client.language)).all())
        needs = dict(conn.execute(sa.select(Client.client_number, CallCase.language)
                                  .join(CallCase, CallCase.client_id == Client.id)).all())
    assert found == {"K1": "ar", "K2": "en", "K3": "nl", "K4": None, "K5": None, "K6": "ar"}
    assert needs == {"K1": "ar", "K2": "en", "K3": None, "K4": None, "K5": None, "K6": "ar"}  # Dutch: anyone


def test_interviewers_languages(services, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    assert services.users.set_languages(u["admin"], "anna", "Arabisch, en, nl") == ("ar", "en")
    with pytest.raises(UserError, match="Onbekende taal: Klingon"):
        services.users.set_languages(u["admin"], "anna", "ar,Klingon")
    with pytest.raises(PermissionDenied):
        services.users.set_languages(u["anna"], "anna", "tr")
    rows = {r.username: r for r in services.users.list_users(u["admin"])}
    assert rows["anna"].languages == ("ar", "en") and rows["bram"].languages == ()
    assert services.users.login("anna", PASSWORDS["anna"]).languages == frozenset({"ar", "en"})
    token = services.users.create_token(u["admin"], "admin")
    import os

    os.environ["CATI_TOKEN"] = token
    try:
        assert main(["--db", db_url, "user", "languages", "bram", "tr"]) == 0
        assert "bram spreekt: Nederlands, Turks (nl,tr)" in capsys.readouterr().out
        assert main(["--db", db_url, "user", "languages", "bram", "xx"]) == 2
        assert main(["--db", db_url, "user", "list"]) == 0
        assert "nl,tr" in capsys.readouterr().out
    finally:
        del os.environ["CATI_TOKEN"]


def test_a_case_in_arabic_goes_only_to_an_arabic_speaker(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    q = add_queue(services.db, 3, "inburgering")
    set_case_language(services, q.case_ids[:1], "ar")
    (arabic, *dutch) = q.case_ids
    # nobody who logged in today speaks Arabic: the case waits, and says so
    why = services.calls.explain(u["sanne"], arabic)[0].explanation
    assert (why.callable_now, why.reason_nl) == (False, "Wacht op een interviewer die Arabisch spreekt")
    taken = [services.calls.next_case(u["bram"], q.provider_id) for _ in range(3)]
    assert [c.case_id if c else None for c in taken] == [*dutch, None]
    nothing = services.calls.claim_next(u["bram"], q.provider_id)
    assert nothing.card is None and nothing.reason.code == "QUEUE_EMPTY"
    u = speaking(services, u, anna="ar")
    why = services.calls.explain(u["sanne"], arabic)[0].explanation
    assert why.callable_now and "(alleen voor interviewers die Arabisch spreken)" in why.reason_nl
    card = services.calls.next_case(u["anna"], q.provider_id)
    assert card is not None and card.case_id == arabic and card.language == "ar"
    assert card.language_text == "Arabisch (العربية)"
    order = services.calls.queue_order(u["sanne"], q.provider_id, for_user="bram")
    assert order == []


def _claim(services, actor, q):  # type: ignore[no-untyped-def]
    card = services.calls.next_case(actor, q.provider_id)
    assert card is not None
    return card


def test_a_language_problem_sends_the_case_to_a_speaker(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = speaking(services, users(services), anna="ar", cees="tr")
    q = add_queue(services.db, 1, "inburgering")
    card = _claim(services, u["bram"], q)
    result = services.calls.record_outcome(u["bram"], card.case_id, "LANGUAGE", clock.now, clock.now, heard="ar")
    assert (result.case_final, result.routed_to) == (False, "ar")
    assert result.route_nl == "Terug in de wachtrij voor een interviewer die Arabisch spreekt"
    row = case_row(services.db, card.case_id)
    assert (row["language"], row["status"], row["last_outcome"]) == ("ar", "active", "LANGUAGE")
    clock.advance(minutes=1)
    assert services.calls.next_case(u["bram"], q.provider_id) is None
    again = _claim(services, u["anna"], q)
    assert again.case_id == card.case_id
    # the interview opens in Arabic
    state = services.interviews.start_or_resume(u["anna"], again.case_id)
    assert state.language == "ar" and state.form.language == "ar" and set(state.versions) == {"nl", "en", "ar"}
    services.interviews.stop(u["anna"], state.interview_id, None, "")
    # a second language problem ends the case as LANGUAGE (AAPOR 2.332)
    clock.advance(hours=2)
    third = _claim(services, u["anna"], q)
    end = services.calls.record_outcome(u["anna"], third.case_id, "LANGUAGE", clock.now, clock.now, heard="ar")
    assert (end.case_final, end.final_code, end.routed_to) == (True, "LANGUAGE", None)
    assert "Tweede taalprobleem" in end.route_nl


def test_a_language_problem_ends_without_a_speaker_or_a_translation(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = speaking(services, users(services), cees="tr")
    q = add_queue(services.db, 4, "inburgering")
    ends = []
    for heard in ("so", "tr", None):  # nobody speaks Somali; the form has no Turkish; nothing named
        card = _claim(services, u["bram"], q)
        ends.append(services.calls.record_outcome(u["bram"], card.case_id, "LANGUAGE", clock.now, clock.now,
                                                  heard=heard))
    assert [(r.case_final, r.final_code) for r in ends] == [(True, "LANGUAGE")] * 3
    assert ends[1].route_nl == "De vragenlijst is niet vertaald in het Turks: de zaak wordt afgesloten"
    # the setting: a speaker may translate on the fly
    services.settings.set(u["admin"], "language.route_needs_translation", False, valid_from=date(2026, 1, 1))
    card = _claim(services, u["bram"], q)
    routed = services.calls.record_outcome(u["bram"], card.case_id, "LANGUAGE", clock.now, clock.now, heard="tr")
    assert routed.routed_to == "tr" and not routed.case_final
    clock.advance(minutes=1)
    cees = services.users.login("cees", PASSWORDS["cees"])
    again = _claim(services, cees, q)
    state = services.interviews.start_or_resume(cees, again.case_id)
    assert state.language == "nl"  # no Turkish form: the Dutch one, read out in Turkish


def test_answers_keep_their_language_and_the_export_says_the_main_one(  # type: ignore[no-untyped-def]
    services, clock, tmp_path
) -> None:
    u = speaking(services, users(services), anna="ar")
    q = add_queue(services.db, 1, "inburgering")
    set_case_language(services, q.case_ids, "ar")
    card = _claim(services, u["anna"], q)
    state = services.interviews.start_or_resume(u["anna"], card.case_id)
    iid = state.interview_id
    assert state.language == "ar"  # the case's language: the interview starts in Arabic
    state = services.interviews.save_answer(u["anna"], iid, "intro", Answer.ack(), "ar")
    state = services.interviews.save_answer(u["anna"], iid, "identiteit", Answer.single(1), "ar")
    state = services.interviews.save_answer(u["anna"], iid, "toestemming", Answer.single(1), "nl")
    with pytest.raises(Exception, match="niet vertaald in het Turks"):
        services.interviews.save_answer(u["anna"], iid, "cijfer_intro", Answer.ack(), "tr")
    assert dict(state.answer_languages) == {"intro": "ar", "identiteit": "ar", "toestemming": "nl"}
    assert state.main_language == "ar"  # one answer each: a tie keeps the language it started in
    state = walk(services, u["anna"], state)  # the rest in the interview's main language
    services.interviews.complete(u["anna"], iid)
    with services.db.engine.connect() as conn:
        languages = dict(conn.execute(sa.select(AnswerRow.variable, AnswerRow.language)
                                      .where(AnswerRow.interview_id == iid)).all())
        main_language = conn.execute(sa.select(Interview.language).where(Interview.id == iid)).scalar_one()
    assert languages["toestemming"] == "nl" and languages["identiteit"] == languages["rapportcijfer"] == "ar"
    assert main_language == "ar"
    result = services.exports.export(u["sanne"], tmp_path / "inb.csv", form="inburgering")
    with (tmp_path / "inb.csv").open(encoding="utf-8") as fh:
        (row,) = list(csv.DictReader(fh))
    assert row["taal"] == "3" and result.rows == 1
    with (tmp_path / "inb.codebook.csv").open(encoding="utf-8") as fh:
        taal = next(r for r in csv.DictReader(fh) if r["variable"] == "taal")
    assert "3=Arabisch" in taal["codes"]


def test_an_answer_given_again_in_another_language_changes_its_language(services, clock) -> None:  # type: ignore[no-untyped-def]
    u = speaking(services, users(services), anna="ar")
    q = add_queue(services.db, 1, "inburgering")
    card = _claim(services, u["anna"], q)
    state = services.interviews.start_or_resume(u["anna"], card.case_id)
    assert state.language == "nl"  # the case needs no language: Dutch
    iid = state.interview_id
    services.interviews.save_answer(u["anna"], iid, "intro", Answer.ack())
    state = services.interviews.save_answer(u["anna"], iid, "identiteit", Answer.single(1))
    assert state.main_language == "nl"
    state = services.interviews.save_answer(u["anna"], iid, "identiteit", Answer.single(1), "ar")
    assert state.answer_languages["identiteit"] == "ar" and state.answer_languages["intro"] == "nl"
    assert state.main_language == "ar"  # the info screen is not counted: one answer, in Arabic
    state = services.interviews.save_answer(u["anna"], iid, "toestemming", Answer.single(1), "nl")
    assert state.main_language == "ar"  # a tie keeps the language it had
    with services.db.engine.connect() as conn:
        changes = conn.execute(sa.text("SELECT count(*) FROM answer_change")).scalar_one()
    assert changes == 0  # the same answer in another language is not a changed answer


def test_progress_per_language(services, clock, db_url, capsys) -> None:  # type: ignore[no-untyped-def]
    u = speaking(services, users(services), anna="ar")
    q = add_queue(services.db, 5, "inburgering")
    set_case_language(services, q.case_ids[:2], "ar")
    set_case_language(services, q.case_ids[2:3], "so")
    card = _claim(services, u["anna"], q)
    assert card.language == "ar"
    state = services.interviews.start_or_resume(u["anna"], card.case_id)
    walk(services, u["anna"], state)
    services.interviews.complete(u["anna"], state.interview_id)
    rows = {x.language: (x.name, x.open, x.waiting, x.completes) for x in services.progress.languages(u["sanne"])}
    assert rows == {"nl": ("Nederlands", 2, 0, 0), "ar": ("Arabisch", 1, 0, 1), "so": ("Somalisch", 1, 1, 0)}
    assert [x.language for x in services.progress.snapshot(u["sanne"], clock.now.date(), clock.now.date()).languages] \
        == ["nl", "ar", "so"]
    # tomorrow nobody has logged in yet: every case in a language waits for a speaker
    clock.advance(days=1)
    waiting = {x.language: x.waiting for x in services.progress.languages(u["sanne"])}
    assert waiting == {"nl": 0, "ar": 1, "so": 1}
