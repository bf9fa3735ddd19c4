"""GUI smoke test: the Dutch main window, a real login, role-based areas."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from cati.gui.app import make_application
from cati.gui.main_window import MainWindow
from cati.gui.tasks import TaskRunner
from cati.tools.demo import seed_demo


@pytest.fixture
def demo_services(sqlite_url, clock, make_services):  # type: ignore[no-untyped-def]
    services = make_services(sqlite_url, clock=clock)
    seed_demo(services, seed=1, clients_per_provider=10)
    return services


@pytest.fixture
def window(qtbot, demo_services):  # type: ignore[no-untyped-def]
    make_application("nl")
    runner = TaskRunner()
    w = MainWindow(runner)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.ready, timeout=10_000):
        runner.submit(lambda: demo_services, w.set_services)
    yield w
    runner.shutdown()


def login(qtbot, w, user: str, password: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(w.login_page.username, user)
    qtbot.keyClicks(w.login_page.password, password)
    with qtbot.waitSignal(w.areas_shown, timeout=10_000):
        qtbot.keyClick(w.login_page.password, Qt.Key.Key_Return)


def test_dutch_login_then_areas_by_role(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert window.login_page.button.text() == "Inloggen"
    login(qtbot, window, "sanne", "welkom-sanne")
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["Supervisie"]
    assert "sanne" in window.user_label.text() and "supervisor" in window.user_label.text()
    assert "SQLite" in window.db_label.text()


def test_wrong_password_shows_message_and_stays(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(window.login_page.username, "anna")
    qtbot.keyClicks(window.login_page.password, "verkeerd")
    qtbot.mouseClick(window.login_page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "onjuist" in window.login_page.message.text(), timeout=10_000)
    assert window.stack.currentWidget() is window.login_page


def test_admin_adds_a_user_in_the_admin_area(qtbot, window, demo_services) -> None:  # type: ignore[no-untyped-def]
    from cati.gui.areas.admin import AdminArea

    login(qtbot, window, "admin", "welkom-admin")
    area = window.tabs.currentWidget()
    assert isinstance(area, AdminArea)
    qtbot.waitUntil(lambda: area.users_model.rowCount() == 5, timeout=10_000)
    qtbot.keyClicks(area.new_username, "kees")
    qtbot.keyClicks(area.new_password, "welkom-kees")
    area.role_boxes[next(iter(area.role_boxes))].setChecked(True)
    qtbot.mouseClick(area.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.users_model.rowCount() == 6, timeout=10_000)
    assert "kees" in [r.username for r in area.users_model.rows()]
    kees = demo_services.users.login("kees", "welkom-kees")
    assert [r.value for r in kees.roles] == ["interviewer"]


def test_table_models_pass_the_model_tester(qtbot, qtmodeltester, window) -> None:  # type: ignore[no-untyped-def]
    login(qtbot, window, "admin", "welkom-admin")
    area = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: area.audit_model.rowCount() > 0, timeout=10_000)
    qtmodeltester.check(area.users_model)
    qtmodeltester.check(area.audit_model)


def test_logout_closes_the_areas_and_is_refused_with_an_open_case(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from tests.gui import desk_keys as dk

    login(qtbot, window, "anna", "welkom-anna")
    desk = window.tabs.currentWidget().desk
    messages: list[str] = []
    window.inform = lambda title, text: messages.append(text)
    qtbot.waitUntil(lambda: desk.current_screen == "queueScreen" and desk.runner.pending == 0, timeout=10_000)
    dk.key(desk, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: desk.card is not None and desk.current_screen == "caseScreen", timeout=10_000)
    assert window.logout() is False
    assert messages and desk.card.client_name in messages[0]
    assert window.stack.currentWidget() is window.tabs
    dk.type_text(desk, "6")  # NO_ANSWER, Enter: the call is closed
    dk.enter(desk)
    qtbot.waitUntil(lambda: desk.card is None and desk.current_screen == "queueScreen", timeout=10_000)
    assert window.logout() is True
    assert window.tabs.count() == 0 and window.stack.currentWidget() is window.login_page
    assert not desk.lease_timer.isActive()
