"""The desk with a real softphone: cati starts its own baresip (from this desk's settings file) and calls a
second baresip on 127.0.0.1 that plays the respondent (``tests/respondent.py``). Keyboard only.

Each respondent mode is driven through the desk: the line's state on screen, the outcome the line
preselects (confirmed with Enter, or another picked), and what the attempt stores (dial, answer and
hang-up times, how the line ended, the SIP reason, talk seconds). What must not be dialled is not:
the respondent's baresip is asked afterwards. Without baresip the desk says so plainly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from cati.gui.desk import Desk
from cati.platform.models import CallAttempt
from tests.gui import desk_keys as dk
from tests.gui.shots import save_screenshot
from tests.gui.test_main_window import demo_services, login, window  # noqa: F401  (fixtures)
from tests.respondent import NEEDS_BARESIP, Respondent, tone_file

pytestmark = NEEDS_BARESIP
WAIT = 30_000  # ms: generous, the machine may be busy


@pytest.fixture
def desk_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This desk's settings: the softphone, cati's own baresip on loopback, a WAV file as microphone."""
    path = tmp_path / "desk.yaml"
    path.write_text("\n".join([
        "dialer.kind: softphone",
        'softphone.account: "<sip:cati@127.0.0.1>;regint=0"',
        f"softphone.audio_source: aufile,{tone_file(tmp_path / 'tone.wav')}",
        "softphone.audio_player: aubridge,desk-ear",
        "softphone.sip_listen: 127.0.0.1:0",
        "softphone.net_interface: 127.0.0.1",
        f"softphone.directory: {tmp_path / 'baresip'}",
    ]) + "\n", encoding="utf-8")
    monkeypatch.setenv("CATI_DESK_SETTINGS", str(path))
    return path


@pytest.fixture
def respondents(tmp_path: Path) -> Iterator[list[Respondent]]:
    started: list[Respondent] = []
    yield started
    for r in started:
        r.stop()


def open_desk(qtbot, window, services) -> Desk:  # type: ignore[no-untyped-def]  # noqa: F811
    window.activateWindow()
    login(qtbot, window, "anna", "welkom-anna")
    desk = window.tabs.currentWidget().desk
    assert isinstance(desk, Desk)
    qtbot.waitUntil(lambda: desk.current_screen == "queueScreen" and desk.runner.pending == 0, timeout=WAIT)
    return desk


def take_case(qtbot, desk: Desk) -> str:  # type: ignore[no-untyped-def]
    dk.key(desk, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: desk.current_screen == "caseScreen" and desk.runner.pending == 0, timeout=WAIT)
    assert desk.card is not None and desk.card.dial is not None
    return desk.card.dial.e164


def call(qtbot, desk: Desk, services, respondents: list[Respondent], tmp_path: Path,  # type: ignore[no-untyped-def]
         mode: str, *, number: str | None = None, no_answer: int = 30, **kw: float) -> Respondent:
    """Take a case, start the respondent (answering to the case's number, or to ``number``), press F2."""
    qtbot.waitUntil(lambda: desk.softphone is not None and desk.softphone.usable, timeout=WAIT)
    e164 = take_case(qtbot, desk)
    r = Respondent(tmp_path / f"respondent{len(respondents)}", number or e164, mode, **kw).start()
    respondents.append(r)
    admin = services.users.login("admin", "welkom-admin")
    services.settings.set(admin, "dialer.softphone_uri", r.uri_template)
    services.settings.set(admin, "dialer.no_answer_seconds", no_answer)
    dk.key(desk, Qt.Key.Key_F2)
    return r


def attempt(services, case_id: int) -> CallAttempt:  # type: ignore[no-untyped-def]
    with services.db.unit_of_work() as s:
        [row] = s.scalars(select(CallAttempt).where(CallAttempt.case_id == case_id))
        s.expunge(row)
        return row


def connected_seconds(text: str) -> int:
    """The seconds in "Verbonden  00:07" (-1 for another text)."""
    m = re.match(r"^Verbonden  (\d\d):(\d\d)", text)
    return int(m.group(1)) * 60 + int(m.group(2)) if m else -1


def outcome_key(desk: Desk, code: str) -> str:
    return str(next(o.key for o in desk.outcomes if o.code == code))


def test_answered_the_respondent_hangs_up_and_talk_time_is_stored(  # type: ignore[no-untyped-def]
        qtbot, window, demo_services, desk_yaml, respondents, tmp_path) -> None:  # noqa: F811
    desk = open_desk(qtbot, window, demo_services)
    qtbot.waitUntil(lambda: desk.line_bar.text() == "Softphone klaar (sip:cati@127.0.0.1).", timeout=WAIT)
    r = call(qtbot, desk, demo_services, respondents, tmp_path, "hangs_up", ring_seconds=1.5, talk_seconds=5.0)
    case_id = desk.card.case_id  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: desk.case.line_state.text().startswith("Gaat over"), timeout=WAIT)
    assert not desk.case.start_button.isEnabled() and desk.case.hangup_button.isEnabled()
    qtbot.waitUntil(lambda: desk.case.line_state.text().startswith("Verbonden"), timeout=WAIT)
    assert desk.case.start_button.isEnabled() and not desk.case.dial_button.isEnabled()
    qtbot.waitUntil(lambda: connected_seconds(desk.case.line_state.text()) >= 2, timeout=WAIT)
    save_screenshot(desk, "desk_call_connected")
    qtbot.waitUntil(lambda: desk.case.line_state.text().startswith("Opgehangen door de respondent"), timeout=WAIT)
    assert re.fullmatch(r"Opgehangen door de respondent \(00:0[456]\)", desk.case.line_state.text())
    assert desk.case.outcome.selected() is None  # answered: the line suggests nothing
    dk.type_text(desk, outcome_key(desk, "REFUSAL_SOFT"))
    dk.enter(desk)
    qtbot.waitUntil(lambda: desk.current_screen == "queueScreen" and desk.runner.pending == 0, timeout=WAIT)
    a = attempt(demo_services, case_id)
    assert a.outcome == "REFUSAL_SOFT" and a.dialled_at == a.started_at
    assert (a.line_end, a.sip_reason) == ("remote", "Connection reset by peer") and a.talk_seconds in (4, 5, 6)
    assert a.answered_at is not None and a.hung_up_at is not None
    talk = (a.hung_up_at - a.answered_at).total_seconds()
    assert abs(talk - 5.0) < 1.0, f"talk time {talk:.3f} s for a scripted 5 s"
    assert 1.0 <= (a.answered_at - a.dialled_at).total_seconds() <= 6.0
    [c] = r.calls
    print(f"talk time: stored {talk:.3f} s, the respondent's own {c.closed_at - c.established_at:.3f} s")  # type: ignore[operator]


def test_busy_preselects_in_gesprek_with_the_reason(  # type: ignore[no-untyped-def]
        qtbot, window, demo_services, desk_yaml, respondents, tmp_path) -> None:  # noqa: F811
    desk = open_desk(qtbot, window, demo_services)
    call(qtbot, desk, demo_services, respondents, tmp_path, "busy")
    case_id = desk.card.case_id  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: desk.case.line_state.text().startswith("Opgehangen"), timeout=WAIT)
    assert desk.case.line_state.text() == "Opgehangen: In gesprek (486 Rejected)"
    assert desk.case.outcome.selected().code == "BUSY"  # type: ignore[union-attr]
    assert desk.case.outcome.suggestion.text() == \
        "De lijn zegt: In gesprek (486 Rejected). Enter bevestigt, of typ een ander nummer."
    assert not desk.case.dial_button.isEnabled() and not desk.case.start_button.isEnabled()
    save_screenshot(desk, "desk_call_busy")
    dk.enter(desk)  # the interviewer confirms
    qtbot.waitUntil(lambda: desk.current_screen == "queueScreen" and desk.runner.pending == 0, timeout=WAIT)
    a = attempt(demo_services, case_id)
    assert (a.outcome, a.line_end, a.sip_reason, a.answered_at, a.talk_seconds) == \
        ("BUSY", "remote", "486 Rejected", None, None)
    assert a.hung_up_at is not None and a.dialled_at is not None and a.hung_up_at >= a.dialled_at


def test_never_answered_is_hung_up_and_the_interviewer_may_pick_another(  # type: ignore[no-untyped-def]
        qtbot, window, demo_services, desk_yaml, respondents, tmp_path) -> None:  # noqa: F811
    desk = open_desk(qtbot, window, demo_services)
    r = call(qtbot, desk, demo_services, respondents, tmp_path, "never", no_answer=5)
    case_id = desk.card.case_id  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: desk.case.line_state.text().startswith("Gaat over"), timeout=WAIT)
    dk.type_text(desk, outcome_key(desk, "BUSY"))
    dk.enter(desk)  # no outcome while it rings
    assert desk.current_screen == "caseScreen" and "F3" in desk.case.outcome.message.text()
    qtbot.waitUntil(lambda: desk.case.line_state.text().startswith("Opgehangen"), timeout=WAIT)
    assert re.fullmatch(r"Opgehangen: Geen gehoor na [567] seconden", desk.case.line_state.text())
    assert desk.case.outcome.selected().code == "NO_ANSWER"  # type: ignore[union-attr]
    assert r.wait_closed().established_at is None  # cati stopped the ringing there
    dk.type_text(desk, outcome_key(desk, "VOICEMAIL"))  # the interviewer heard a voicemail greeting
    assert desk.case.outcome.selected().code == "VOICEMAIL"  # type: ignore[union-attr]
    dk.enter(desk)
    qtbot.waitUntil(lambda: desk.current_screen == "queueScreen" and desk.runner.pending == 0, timeout=WAIT)
    a = attempt(demo_services, case_id)
    assert (a.outcome, a.line_end, a.answered_at) == ("VOICEMAIL", "no_answer", None)
    assert 5.0 <= (a.hung_up_at - a.dialled_at).total_seconds() <= 9.0  # type: ignore[operator]


def test_a_number_that_does_not_exist(  # type: ignore[no-untyped-def]
        qtbot, window, demo_services, desk_yaml, respondents, tmp_path) -> None:  # noqa: F811
    desk = open_desk(qtbot, window, demo_services)
    r = call(qtbot, desk, demo_services, respondents, tmp_path, "answers", number="+31699999999")
    case_id = desk.card.case_id  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: desk.case.line_state.text().startswith("Opgehangen"), timeout=WAIT)
    assert desk.case.line_state.text() == "Opgehangen: Nummer bestaat niet (404 Not Found)"
    assert desk.case.outcome.selected().code == "DISCONNECTED"  # type: ignore[union-attr]
    dk.enter(desk)
    qtbot.waitUntil(lambda: desk.current_screen == "queueScreen" and desk.runner.pending == 0, timeout=WAIT)
    a = attempt(demo_services, case_id)
    assert (a.outcome, a.line_end, a.sip_reason) == ("DISCONNECTED", "remote", "404 Not Found")
    assert r.calls == []


def test_the_interviewer_hangs_up_during_the_interview_and_stops_it(  # type: ignore[no-untyped-def]
        qtbot, window, demo_services, desk_yaml, respondents, tmp_path) -> None:  # noqa: F811
    desk = open_desk(qtbot, window, demo_services)
    r = call(qtbot, desk, demo_services, respondents, tmp_path, "answers", ring_seconds=0.5)
    case_id = desk.card.case_id  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: desk.case.line_state.text().startswith("Verbonden"), timeout=WAIT)
    dk.key(desk, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: desk.current_screen == "questionScreen" and desk.runner.pending == 0, timeout=WAIT)
    assert desk.line_bar.isVisible() and desk.line_bar.text().startswith("Verbonden")
    assert desk.line_bar.text().endswith("F3: ophangen")
    dk.answer_current(desk)
    qtbot.waitUntil(lambda: connected_seconds(desk.line_bar.text()) >= 2, timeout=WAIT)
    dk.key(desk, Qt.Key.Key_F3)
    assert desk.line_bar.text().startswith("Opgehangen (00:0")
    assert r.wait_closed().closed_reason == "Connection reset by peer"
    dk.key(desk, Qt.Key.Key_F10)
    qtbot.waitUntil(lambda: desk.current_screen == "pickerScreen", timeout=WAIT)
    dk.enter(desk)
    qtbot.waitUntil(lambda: desk.current_screen == "queueScreen" and desk.runner.pending == 0, timeout=WAIT)
    a = attempt(demo_services, case_id)
    assert (a.outcome, a.line_end) == ("PARTIAL", "desk") and a.talk_seconds is not None and a.talk_seconds >= 2


def test_a_number_put_on_the_do_not_call_list_meanwhile_is_not_dialled(  # type: ignore[no-untyped-def]
        qtbot, window, demo_services, desk_yaml, respondents, tmp_path) -> None:  # noqa: F811
    desk = open_desk(qtbot, window, demo_services)
    qtbot.waitUntil(lambda: desk.softphone is not None and desk.softphone.usable, timeout=WAIT)
    e164 = take_case(qtbot, desk)
    r = Respondent(tmp_path / "respondent", e164, "answers").start()
    respondents.append(r)
    admin = demo_services.users.login("admin", "welkom-admin")
    demo_services.settings.set(admin, "dialer.softphone_uri", r.uri_template)
    dnc = tmp_path / "onderzoekfilter.txt"
    dnc.write_text(e164 + "\n", encoding="utf-8")
    demo_services.imports.import_do_not_call(demo_services.users.login("sanne", "welkom-sanne"), dnc)
    dk.key(desk, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: desk.case.banner.text().startswith("Niet gebeld:"), timeout=WAIT)
    assert desk.flow.line.state.value == "idle"
    qtbot.wait(1500)  # time for a call that must not come
    assert r.calls == []


def test_nothing_is_dialled_after_the_calling_hours(  # type: ignore[no-untyped-def]
        qtbot, window, demo_services, desk_yaml, respondents, tmp_path, clock) -> None:  # noqa: F811
    desk = open_desk(qtbot, window, demo_services)
    qtbot.waitUntil(lambda: desk.softphone is not None and desk.softphone.usable, timeout=WAIT)
    e164 = take_case(qtbot, desk)
    r = Respondent(tmp_path / "respondent", e164, "never").start()
    respondents.append(r)
    admin = demo_services.users.login("admin", "welkom-admin")
    demo_services.settings.set(admin, "dialer.softphone_uri", r.uri_template)
    clock.advance(hours=11)  # 22:00 in Amsterdam, the case still on screen
    dk.key(desk, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: desk.case.banner.text().startswith("Niet gebeld:"), timeout=WAIT)
    assert "buiten de beltijden" in desk.case.banner.text() and desk.flow.line.state.value == "idle"
    qtbot.wait(1500)  # time for a call that must not come
    assert r.calls == []
    clock.advance(hours=-11)  # back in the calling hours, the same key dials
    dk.key(desk, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: len(r.calls) == 1, timeout=WAIT)
    dk.key(desk, Qt.Key.Key_F3)
    assert desk.flow.line.state.value == "ended"


def test_closing_the_app_hangs_up_and_stops_the_softphone(  # type: ignore[no-untyped-def]
        qtbot, window, demo_services, desk_yaml, respondents, tmp_path) -> None:  # noqa: F811
    desk = open_desk(qtbot, window, demo_services)
    r = call(qtbot, desk, demo_services, respondents, tmp_path, "answers", ring_seconds=0.5)
    qtbot.waitUntil(lambda: desk.case.line_state.text().startswith("Verbonden"), timeout=WAIT)
    assert desk.softphone is not None
    process = desk.softphone.phone.process
    assert process is not None and process.alive
    window.close()
    assert r.wait_closed().closed_reason == "Connection reset by peer"
    assert not process.alive and desk.softphone is None


def test_without_baresip_the_desk_says_so_and_dials_nothing(  # type: ignore[no-untyped-def]
        qtbot, window, demo_services, desk_yaml, tmp_path, monkeypatch) -> None:  # noqa: F811
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    desk = open_desk(qtbot, window, demo_services)
    qtbot.waitUntil(lambda: "niet geïnstalleerd" in desk.line_bar.text(), timeout=WAIT)
    assert desk.line_bar.text() == ("De softphone is niet geïnstalleerd op deze computer (baresip niet gevonden). "
                                    "Vraag de beheerder; bel intussen met de hand.")
    assert desk.line_bar.property("line") == "problem"
    take_case(qtbot, desk)
    dk.key(desk, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: desk.case.banner.text() == "Niet gebeld: de softphone kan nog steeds niet bellen (zie "
                    "boven).", timeout=WAIT)
    assert desk.flow.line.state.value == "idle" and desk.case.start_button.isEnabled()
    monkeypatch.setenv("PATH", os.defpath)
    save_screenshot(desk, "desk_softphone_missing")
    dk.type_text(desk, outcome_key(desk, "LINE_PROBLEM"))  # the interviewer can still end the attempt
    dk.enter(desk)
    qtbot.waitUntil(lambda: desk.current_screen == "queueScreen" and desk.runner.pending == 0, timeout=WAIT)
    assert desk.line_bar.isVisible()
