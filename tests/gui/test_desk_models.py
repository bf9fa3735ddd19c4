"""The desk's item lists are proper Qt models (pytest-qt's model tester), filled by the real desk."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.gui import desk_keys as dk
from tests.gui.test_desk_shift import settle
from tests.gui.test_main_window import demo_services, login, window  # noqa: F401  (fixtures)


def test_desk_models_pass_the_model_tester(qtbot, qtmodeltester, window, clock) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    window.activateWindow()
    login(qtbot, window, "anna", "welkom-anna")
    desk = window.tabs.currentWidget().desk
    settle(qtbot, desk, "queueScreen")
    dk.key(desk, Qt.Key.Key_F5)
    settle(qtbot, desk, "caseScreen")
    case_id = desk.card.case_id
    dk.type_text(desk, "3")
    dk.enter(desk)
    settle(qtbot, desk, "pickerScreen")
    assert desk.picker.days_model.rowCount() > 10 and desk.picker.slots_model.rowCount() > 10
    qtmodeltester.check(desk.picker.days_model)
    qtmodeltester.check(desk.picker.slots_model)
    first = desk.picker.slots_model.row(0)
    assert first.at is not None and first.at > clock.now  # only times still ahead, inside the windows
    dk.enter(desk)  # today, the first free slot
    settle(qtbot, desk, "queueScreen")
    qtbot.waitUntil(lambda: desk.queue.mine_model.rowCount() == 1, timeout=5_000)
    qtmodeltester.check(desk.queue.mine_model)
    qtmodeltester.check(desk.picker.mine_model)
    qtmodeltester.check(desk.queue.queues_model)
    assert desk.queue.queues_model.rowCount() == 1 + len(desk.services.calls.my_queues(desk.actor)) == 5

    clock.now = first.at  # the appointment is due: the same case comes back
    dk.key(desk, Qt.Key.Key_F5)
    settle(qtbot, desk, "caseScreen")
    assert desk.card.case_id == case_id and desk.card.appointment is not None
    assert desk.case.attempts_model.rowCount() == 1
    qtmodeltester.check(desk.case.attempts_model)
