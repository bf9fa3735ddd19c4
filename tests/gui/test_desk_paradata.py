"""Paradata from the real desk (issue 17): every question screen a visit with its times, how it was
reached and left, corrections and a grid's seconds per row, saved with the next answer or the stop."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from cati.platform.models import ScreenVisit
from tests.gui import desk_keys as dk
from tests.gui.test_desk_shift import rows, settle, take_case
from tests.gui.test_main_window import demo_services, login, window  # noqa: F401  (fixtures)


def test_the_desk_records_a_visit_per_screen(qtbot, window, demo_services, clock) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    services = demo_services
    login(qtbot, window, "anna", "welkom-anna")
    desk = window.tabs.currentWidget().desk
    settle(qtbot, desk, "queueScreen")
    take_case(qtbot, desk, "client_regular")
    dk.key(desk, Qt.Key.Key_F4)
    settle(qtbot, desk, "questionScreen")
    iid = desk.interview_id

    def answer(seconds: float, keys: str | None = None) -> str:
        clock.advance(seconds=seconds)
        plan = {desk.engine.question.var: keys} if keys is not None else None
        return dk.answer_current(desk, plan)

    assert answer(12) == "intro"
    assert answer(4) == "identiteit"
    answer(20)  # toestemming
    clock.advance(seconds=7)
    dk.type_text(desk, "6")  # rapportcijfer: typed 6, taken back, 8
    dk.key(desk, Qt.Key.Key_Backspace)
    dk.type_text(desk, "8")
    dk.enter(desk)
    clock.advance(seconds=3)
    dk.key(desk, Qt.Key.Key_PageUp)  # back to the grade, and on again
    clock.advance(seconds=2)
    dk.enter(desk)
    qtbot.waitUntil(lambda: desk.runner.pending == 0, timeout=10_000)
    visits = rows(services, ScreenVisit, ScreenVisit.interview_id == iid)
    assert [(v.variable, v.arrived, v.left_by) for v in visits] == [
        ("intro", "start", "next"), ("identiteit", "next", "next"), ("toestemming", "next", "next"),
        ("rapportcijfer", "next", "next"), ("aanbevolen", "next", "back"), ("rapportcijfer", "back", "next")]
    assert [(v.left_at - v.shown_at).total_seconds() for v in visits] == [12, 4, 20, 7, 3, 2]
    assert visits[3].corrections == 1 and visits[3].user_id is not None and visits[3].language is None
    assert not any(v.changed for v in visits)  # the same grade again

    # on to the first grid: each row timed, one row corrected
    dk.answer_until(desk, "tev_contact")
    clock.advance(seconds=5)
    for k, keys in enumerate(("2", "3", "2", "2", "2")):
        clock.advance(seconds=2 + k)
        dk.type_text(desk, keys)
        if k == 1:  # row 2 changed from 3 to 2
            dk.key(desk, Qt.Key.Key_Up)
            clock.advance(seconds=1)
            dk.type_text(desk, "2")
    dk.enter(desk)
    # then stop the interview (F10): the screen it stopped on goes with the stop
    clock.advance(seconds=9)
    dk.key(desk, Qt.Key.Key_F10)
    settle(qtbot, desk, "pickerScreen")
    dk.enter(desk)
    settle(qtbot, desk, "queueScreen")
    visits = rows(services, ScreenVisit, ScreenVisit.interview_id == iid)
    grid = next(v for v in visits if v.variable == "tev_contact")
    per_row = json.loads(grid.row_seconds)
    assert list(per_row) == ["tc_informatie", "tc_aandacht", "tc_begrip", "tc_deskundig", "tc_afspraken"]
    assert per_row["tc_informatie"] == 7.0 and per_row["tc_aandacht"] == 4.0  # 5 s reading + 2; 3 + 1 again
    assert grid.corrections == 1 and (grid.left_at - grid.shown_at).total_seconds() == 26
    assert (visits[-1].left_by, (visits[-1].left_at - visits[-1].shown_at).total_seconds()) == ("stop", 9)
