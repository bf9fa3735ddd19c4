"""Interviews in the client's language on the real desk, keyboard only.

Three inburgering clients come in from a client file: K1 in Arabic, K2 and K3 without a language.
bram (Dutch only) never gets K1; he hears Arabic on K2 (a language problem, "ar"), which sends K2 to
the Arabic speakers. anna (Arabic) takes K1: the case card shows the language, the questions are in
Arabic (right to left), she switches to Dutch and back mid-interview with F7 and completes; the
database holds every answer with its language. Her next case is K2.
"""

from __future__ import annotations

import csv
from datetime import date

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from cati.accounts.rules.roles import Role
from cati.gui.app import make_application
from cati.gui.desk import Desk
from cati.gui.main_window import MainWindow
from cati.gui.tasks import TaskRunner
from cati.platform.models import Answer as AnswerRow
from cati.platform.models import CallCase, Client, Interview
from tests.gui import desk_keys as dk
from tests.gui.shots import save_screenshot
from tests.gui.test_desk_shift import settle
from tests.gui.test_main_window import login

Y26 = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def services(sqlite_url, clock, tmp_path, make_services):  # type: ignore[no-untyped-def]
    s = make_services(sqlite_url, clock=clock)
    s.users.add_user(None, "admin", "welkom-admin", {Role.ADMIN})
    admin = s.users.login("admin", "welkom-admin")
    s.users.add_user(admin, "sanne", "welkom-sanne", {Role.SUPERVISOR})
    s.users.add_user(admin, "anna", "welkom-anna", {Role.INTERVIEWER}, "Anna de Vries")
    s.users.add_user(admin, "bram", "welkom-bram", {Role.INTERVIEWER}, "Bram Smit")
    s.users.set_languages(admin, "anna", "ar")
    sanne = s.users.login("sanne", "welkom-sanne")
    s.providers.add_provider(sanne, "Taalschool Noord", *Y26)
    path = tmp_path / "klanten.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["klantnummer", "naam", "telefoon", "dienst", "einddatum", "leerprofiel", "taal"])
        for number, name, taal in (("K1", "Amina Haddad", "Arabisch"), ("K2", "Youssef Amrani", ""),
                                   ("K3", "Ewa Nowak", "")):
            w.writerow([number, name, f"06123450{number[1]}0", "11", "2-2-2026", "1", taal])
    result = s.imports.import_file(sanne, "Taalschool Noord", path, write_rejects=False)
    assert result.cases["inburgering"] == 3
    return s


@pytest.fixture
def window(qtbot, services):  # type: ignore[no-untyped-def]
    make_application("nl")
    runner = TaskRunner()
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.ready, timeout=10_000):
        runner.submit(lambda: services, w.set_services)
    yield w
    runner.shutdown()


def case_of(services, number: str) -> int:  # type: ignore[no-untyped-def]
    with services.db.unit_of_work() as s:
        return int(s.scalar(select(CallCase.id).join(Client, Client.id == CallCase.client_id)
                            .where(Client.client_number == number)))


def desk_of(qtbot, window) -> Desk:  # type: ignore[no-untyped-def]
    desk = window.tabs.currentWidget().desk
    qtbot.waitUntil(lambda: not desk.queue.busy and desk.runner.pending == 0, timeout=10_000)
    desk.activateWindow()
    return desk


def test_an_interview_in_arabic_and_a_language_problem(qtbot, window, services) -> None:  # type: ignore[no-untyped-def]
    k1, k2, k3 = (case_of(services, n) for n in ("K1", "K2", "K3"))
    window.activateWindow()

    # bram speaks Dutch only: K1 (Arabic) is never his; on K2 he hears Arabic
    login(qtbot, window, "bram", "welkom-bram")
    desk = desk_of(qtbot, window)
    dk.key(desk, Qt.Key.Key_F5)
    settle(qtbot, desk, "caseScreen")
    assert desk.card is not None and desk.card.case_id == k2 and not desk.case.language.isVisible()
    dk.type_text(desk, "14")  # Taalprobleem
    dk.enter(desk)
    heard = desk.case.outcome.languages
    assert heard.isVisible() and heard.codes[:3] == [None, "en", "ar"]
    save_screenshot(window, "desk_outcome_language")
    dk.type_text(desk, "3")  # Arabisch
    dk.enter(desk)
    settle(qtbot, desk, "queueScreen")
    assert "Terug in de wachtrij voor een interviewer die Arabisch spreekt" in desk.queue.message.text()
    row = services.db.unit_of_work
    with row() as s:
        k2_row = s.get(CallCase, k2)
        assert (k2_row.language, k2_row.status, k2_row.last_outcome) == ("ar", "active", "LANGUAGE")
    dk.key(desk, Qt.Key.Key_F5)
    settle(qtbot, desk, "caseScreen")
    assert desk.card is not None and desk.card.case_id == k3  # not K1, not K2
    dk.type_text(desk, "6")  # Geen gehoor
    dk.enter(desk)
    settle(qtbot, desk, "queueScreen")
    dk.key(desk, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: desk.runner.pending == 0 and not desk.queue.busy, timeout=10_000)
    assert desk.current_screen == "queueScreen" and desk.card is None  # nothing left for bram
    assert window.logout()

    # anna speaks Arabic: K1 first, in Arabic
    window.login_page.username.clear()
    window.login_page.password.clear()
    login(qtbot, window, "anna", "welkom-anna")
    desk = desk_of(qtbot, window)
    dk.key(desk, Qt.Key.Key_F5)
    settle(qtbot, desk, "caseScreen")
    assert desk.card is not None and desk.card.case_id == k1
    assert desk.case.language.isVisible() and desk.case.language.text() == "Taal: Arabisch (العربية)"
    save_screenshot(window, "desk_case_language")
    dk.key(desk, Qt.Key.Key_F2)
    dk.key(desk, Qt.Key.Key_F4)
    settle(qtbot, desk, "questionScreen")
    screen = desk.question
    assert desk.form_language == "ar" and screen.text.text().startswith("\u200fمرحباً. أتصل بك من مكتب أبحاث.")
    assert screen.text.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert screen.language.text() == "Taal: Arabisch (العربية)"
    dk.enter(desk)  # the introduction
    assert desk.engine is not None and desk.engine.position == "identiteit"
    assert screen.text.text() == "\u200fهل أتحدث مع Amina Haddad؟"  # a right-to-left paragraph
    save_screenshot(window, "desk_question_arabic")
    dk.type_text(desk, "1")  # نعم
    dk.enter(desk)
    assert desk.engine.position == "toestemming"

    # F7: the language list; Dutch (1): the same question, left to right, the answers kept
    dk.key(desk, Qt.Key.Key_F7)
    assert screen.languages.isVisible()
    assert [screen.languages.items.item(i).text() for i in range(3)] == [
        " 1   Nederlands", " 2   Arabisch (العربية)  —  nog te controleren door een vertaler",
        " 3   Engels (English)  —  nog te controleren door een vertaler"]
    save_screenshot(window, "desk_language_list")
    dk.type_text(desk, "1")
    dk.enter(desk)
    assert desk.form_language == "nl" and desk.engine.position == "toestemming"
    assert screen.text.text().startswith("Ik heb een paar korte vragen over uw cursus.")
    assert screen.text.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert set(desk.engine.answers) == {"intro", "identiteit"}
    dk.type_text(desk, "1")  # Ja
    dk.enter(desk)
    # and back to Arabic (2) for the rest
    dk.key(desk, Qt.Key.Key_F7)
    dk.type_text(desk, "2")
    dk.enter(desk)
    assert desk.form_language == "ar" and screen.text.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert screen.text.text().startswith("\u200fسأطلب منك الآن بعض الدرجات.")
    iid = desk.interview_id
    dk.answer_until(desk)
    settle(qtbot, desk, "queueScreen")

    with services.db.unit_of_work() as s:
        iv = s.get(Interview, iid)
        assert iv is not None and iv.status == "complete" and iv.language == "ar"
        languages = dict(s.execute(select(AnswerRow.variable, AnswerRow.language)
                                   .where(AnswerRow.interview_id == iid)).all())
    assert languages["intro"] == languages["identiteit"] == "ar" and languages["toestemming"] == "nl"
    assert languages["cijfer_cursus"] == languages["rapportcijfer"] == "ar"
    assert set(languages.values()) == {"ar", "nl"}

    # the language problem bram recorded sent K2 to her
    dk.key(desk, Qt.Key.Key_F5)
    settle(qtbot, desk, "caseScreen")
    assert desk.card is not None and desk.card.case_id == k2 and desk.card.language == "ar"
    assert "alleen voor interviewers die Arabisch spreken" in desk.case.reason.text()
