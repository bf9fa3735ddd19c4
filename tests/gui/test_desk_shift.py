"""A whole interviewer's shift on the real desk, keyboard only, on the real demo database.

anna logs in, takes a case, dials it (URI dialer into a recording URL handler), records no answer,
makes an appointment, does a regular and a low-threshold interview, stops one midway and resumes
it; the database is checked after every step.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from sqlalchemy import select

from cati.gui.desk import Desk
from cati.interviews.rules import Answer, Special
from cati.interviews.rules.codec import answer_from_json
from cati.platform.models import Answer as AnswerRow
from cati.platform.models import Appointment, CallAttempt, CallCase, Interview
from tests.gui import desk_keys as dk
from tests.gui.shots import save_screenshot
from tests.gui.test_main_window import demo_services, login, window  # noqa: F401  (fixtures)


class Recorder(QObject):
    """Stands in for the softphone: the desktop hands it the tel: URL."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def record(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def recorder():  # type: ignore[no-untyped-def]
    rec = Recorder()
    QDesktopServices.setUrlHandler("tel", rec, "record")
    yield rec
    QDesktopServices.unsetUrlHandler("tel")


def settle(qtbot, desk: Desk, screen: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: desk.current_screen == screen and desk.runner.pending == 0, timeout=10_000)


def take_case(qtbot, desk: Desk, form_id: str | None = None) -> int:  # type: ignore[no-untyped-def]
    """F5 on the queue; cases of another form get NO_ANSWER (6, Enter) until one of ``form_id`` comes."""
    for _ in range(20):
        dk.key(desk, Qt.Key.Key_F5)
        settle(qtbot, desk, "caseScreen")
        assert desk.card is not None
        if form_id is None or desk.card.form_id == form_id:
            return desk.card.case_id
        dk.type_text(desk, "6")
        dk.enter(desk)
        settle(qtbot, desk, "queueScreen")
    raise AssertionError(f"no {form_id} case came")


def rows(services, model, *where):  # type: ignore[no-untyped-def]
    with services.db.unit_of_work() as s:
        return list(s.scalars(select(model).where(*where).order_by(model.id)))


def answers(services, interview_id: int) -> dict[str, Answer]:  # type: ignore[no-untyped-def]
    return {r.variable: answer_from_json(r.value) for r in rows(services, AnswerRow, AnswerRow.interview_id == interview_id)}


def test_a_whole_shift_by_keyboard(qtbot, window, demo_services, recorder, clock) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    services = demo_services
    admin = services.users.login("admin", "welkom-admin")
    services.settings.set(admin, "dialer.kind", "uri")
    window.activateWindow()
    login(qtbot, window, "anna", "welkom-anna")
    anna = services.users.login("anna", "welkom-anna")
    desk = window.tabs.currentWidget().desk
    assert isinstance(desk, Desk)
    settle(qtbot, desk, "queueScreen")
    cal = services.calls.scheduler.calendar

    # 1. a case, dialled through the URI dialer, no answer
    case1 = take_case(qtbot, desk)
    card = desk.card
    assert card is not None and card.dial is not None
    assert desk.case.number.text() == card.dial.national and desk.case.client.text() == card.client_name
    save_screenshot(desk, "desk_case_card")
    dk.key(desk, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: recorder.urls == [f"tel:{card.dial.e164}"], timeout=5_000)
    assert desk.case.ticker.isActive()
    assert desk.lease_timer.isActive()  # the lease is renewed while the case is open
    clock.advance(minutes=10)
    desk.lease_timer.timeout.emit()
    qtbot.waitUntil(lambda: desk.runner.pending == 0, timeout=5_000)
    lease = rows(services, CallCase, CallCase.id == case1)[0].lease_expires_at
    assert lease == clock.now + timedelta(minutes=services.calls.scheduler.lease_minutes)
    dk.type_text(desk, "6")
    assert desk.case.outcome.selected().code == "NO_ANSWER"
    save_screenshot(desk, "desk_outcome")
    dk.enter(desk)
    settle(qtbot, desk, "queueScreen")
    [att] = rows(services, CallAttempt, CallAttempt.case_id == case1)
    assert att.outcome == "NO_ANSWER" and att.user_id == anna.user_id
    assert rows(services, CallCase, CallCase.id == case1)[0].held_by is None
    assert desk.queue.queues_model.row(0).calls_today == 1
    save_screenshot(desk, "desk_queue")

    # 2. the next case: an appointment tomorrow at 09:30, with a note
    case2 = take_case(qtbot, desk)
    dk.type_text(desk, "3")
    dk.enter(desk)
    settle(qtbot, desk, "pickerScreen")
    dk.key(desk, Qt.Key.Key_Down)  # tomorrow
    dk.key(desk, Qt.Key.Key_Tab)
    dk.key(desk, Qt.Key.Key_Down)
    dk.key(desk, Qt.Key.Key_Down)  # 09:00, 09:15, 09:30
    dk.key(desk, Qt.Key.Key_Tab)
    dk.type_text(desk, "vraag naar Joyce")
    save_screenshot(desk, "desk_appointment")
    dk.enter(desk)
    settle(qtbot, desk, "queueScreen")
    tomorrow = cal.local(clock.now).date() + timedelta(days=1)
    [appt] = rows(services, Appointment, Appointment.case_id == case2)
    assert appt.kind == "exact" and appt.due_at == cal.at_local(tomorrow, time(9, 30)) and appt.made_by == anna.user_id
    assert appt.note == "vraag naar Joyce"
    assert [a.outcome for a in rows(services, CallAttempt, CallAttempt.case_id == case2)] == ["APPOINTMENT"]
    qtbot.waitUntil(lambda: desk.queue.mine_model.rowCount() == 1, timeout=5_000)

    # 3. a whole regular interview, with a wrong grade, 'Anders, namelijk', weet niet and going back
    case3 = take_case(qtbot, desk, "client_regular")
    dk.key(desk, Qt.Key.Key_F2)
    dk.key(desk, Qt.Key.Key_F4)
    settle(qtbot, desk, "questionScreen")
    dk.answer_until(desk, stop_at="rapportcijfer")
    dk.type_text(desk, "11")
    dk.enter(desk)
    assert desk.engine.position == "rapportcijfer" and "10" in desk.question.message.text()
    dk.key(desk, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    dk.type_text(desk, "7,5")
    dk.enter(desk)
    assert desk.engine.position == "aanbevolen"
    dk.key(desk, Qt.Key.Key_PageUp)  # back: the grade is still there
    assert desk.engine.position == "rapportcijfer" and desk.question.widget.edit.text() == "7,5"
    dk.enter(desk)
    dk.key(desk, Qt.Key.Key_F8)  # aanbevolen: weet niet
    if desk.engine.position == "onderzoek_soort":
        dk.answer_current(desk)
    assert desk.engine.position == "aanleiding"
    dk.type_text(desk, "7")
    assert desk.question.widget.other.isVisible()
    dk.type_text(desk, "via een vriendin")
    save_screenshot(desk, "desk_question_choice")
    dk.enter(desk)
    dk.answer_until(desk, stop_at="tev_contact")
    dk.type_text(desk, "12")
    save_screenshot(desk, "desk_question_grid")
    dk.enter(desk)  # not all rows answered: the message stays on the grid
    assert desk.engine.position == "tev_contact" and desk.question.message.text()
    dk.type_text(desk, "345")
    dk.enter(desk)
    dk.answer_until(desk, stop_at="slot")
    save_screenshot(desk, "desk_closing")
    dk.enter(desk)
    settle(qtbot, desk, "queueScreen")
    [iv3] = rows(services, Interview, Interview.case_id == case3)
    assert iv3.status == "complete" and iv3.form_id == "client_regular"
    got = answers(services, iv3.id)
    assert got["rapportcijfer"] == Answer.num("7.5")
    assert got["aanbevolen"].special is Special.DONT_KNOW
    assert got["aanleiding"] == Answer.single(7, "via een vriendin")
    assert [got[v].code for v in ("tc_informatie", "tc_aandacht", "tc_begrip", "tc_deskundig", "tc_afspraken")] == [
        1, 2, 3, 4, 5]
    assert [a.outcome for a in rows(services, CallAttempt, CallAttempt.case_id == case3)][-1] == "COMPLETE"
    assert rows(services, CallCase, CallCase.id == case3)[0].final_outcome == "COMPLETE"

    # 4. a low-threshold interview, straight through
    case4 = take_case(qtbot, desk, "client_low_threshold")
    dk.key(desk, Qt.Key.Key_F4)
    settle(qtbot, desk, "questionScreen")
    dk.answer_until(desk)
    settle(qtbot, desk, "queueScreen")
    [iv4] = rows(services, Interview, Interview.case_id == case4)
    assert iv4.status == "complete" and iv4.form_id == "client_low_threshold"
    assert desk.queue.queues_model.row(0).completes_today == 2

    # 5. stop one midway (call back this afternoon) and resume it
    case5 = take_case(qtbot, desk, "client_regular")
    dk.key(desk, Qt.Key.Key_F2)
    dk.key(desk, Qt.Key.Key_F4)
    settle(qtbot, desk, "questionScreen")
    done = dk.answer_until(desk, stop_at="contact_per_maand")
    dk.key(desk, Qt.Key.Key_F10)
    settle(qtbot, desk, "pickerScreen")
    dk.key(desk, Qt.Key.Key_Tab)
    dk.key(desk, Qt.Key.Key_Down)  # today: morning, afternoon, evening
    dk.enter(desk)
    settle(qtbot, desk, "queueScreen")
    [iv5] = rows(services, Interview, Interview.case_id == case5)
    assert iv5.status == "partial" and iv5.current_variable == "contact_per_maand"
    assert set(answers(services, iv5.id)) == {v for v in done}
    [cb] = rows(services, Appointment, Appointment.case_id == case5)
    assert cb.kind == "daypart" and cb.day_part == "afternoon"
    assert cal.local(cb.due_at).date() == date(2026, 3, 2)
    assert [a.outcome for a in rows(services, CallAttempt, CallAttempt.case_id == case5)] == ["PARTIAL"]

    clock.advance(hours=1, minutes=5)  # 12:05 in Amsterdam: the callback is due
    assert take_case(qtbot, desk) == case5
    assert desk.card.interview_id == iv5.id
    dk.key(desk, Qt.Key.Key_F4)
    settle(qtbot, desk, "questionScreen")
    assert desk.engine.position == "contact_per_maand"
    dk.key(desk, Qt.Key.Key_PageUp)  # the earlier answers are there
    assert desk.engine.position == done[-1]
    dk.enter(desk)
    dk.answer_until(desk)
    settle(qtbot, desk, "queueScreen")
    [iv5] = rows(services, Interview, Interview.case_id == case5)
    assert iv5.status == "complete"
    assert [a.outcome for a in rows(services, CallAttempt, CallAttempt.case_id == case5)] == ["PARTIAL", "COMPLETE"]
    assert desk.queue.queues_model.row(0).completes_today == 3


def test_a_failed_save_brings_the_interviewer_back(qtbot, window, demo_services, monkeypatch) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    window.activateWindow()
    login(qtbot, window, "anna", "welkom-anna")
    desk = window.tabs.currentWidget().desk
    settle(qtbot, desk, "queueScreen")
    take_case(qtbot, desk)
    dk.key(desk, Qt.Key.Key_F4)
    settle(qtbot, desk, "questionScreen")
    dk.answer_current(desk)  # intro
    real = demo_services.interviews.save_answer

    def flaky(actor, interview_id, variable, answer, language=None):  # type: ignore[no-untyped-def]
        if variable == "identiteit":
            raise RuntimeError("database is locked")
        return real(actor, interview_id, variable, answer, language)

    monkeypatch.setattr(demo_services.interviews, "save_answer", flaky)
    assert dk.answer_current(desk) == "identiteit"
    assert desk.engine.position == "toestemming"  # drawn at once, before the save came back
    qtbot.waitUntil(lambda: desk.runner.pending == 0, timeout=5_000)
    assert desk.engine.position == "identiteit" and desk.question.save_error.isVisible()
    assert "database is locked" in desk.question.save_error.text()
    assert desk.question.widget.chosen() == [1]  # the answer is still there to confirm again
    monkeypatch.setattr(demo_services.interviews, "save_answer", real)
    dk.enter(desk)
    qtbot.waitUntil(lambda: desk.runner.pending == 0, timeout=5_000)
    assert desk.engine.position == "toestemming"
    state = demo_services.interviews.state(demo_services.users.login("anna", "welkom-anna"), desk.interview_id)
    assert state.current_variable == "toestemming" and "identiteit" in state.answers
