"""Admin area: export the audit trail, change a dated setting."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTabWidget

from tests.gui.shots import save_screenshot
from tests.gui.test_main_window import demo_services, login, window  # noqa: F401  (fixtures)


def test_export_audit_and_change_a_setting(qtbot, window, demo_services, tmp_path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    login(qtbot, window, "admin", "welkom-admin")
    area = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: area.audit_model.rowCount() > 0, timeout=10_000)
    out = tmp_path / "audit.csv"
    area.choose_export_file = lambda: str(out)
    qtbot.mouseClick(area.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: out.exists() and "Auditregels" in area.message.text(), timeout=10_000)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert {"login", "user_add", "demo_seed"} <= {r["action"] for r in rows}

    box = area.settings_box
    box.key.setCurrentText("queue.inburgering.cap")
    qtbot.keyClicks(box.value, "20")
    qtbot.mouseClick(box.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.message.text() == "Opgeslagen.", timeout=10_000)
    assert demo_services.settings.get("queue.inburgering.cap") == 20
    qtbot.waitUntil(lambda: any(r.key == "queue.inburgering.cap" and r.value == 20 for r in box.model.rows()),
                    timeout=10_000)
    save_screenshot(area, "admin")


def test_an_admin_sets_an_interviewers_languages(qtbot, window, demo_services) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    login(qtbot, window, "admin", "welkom-admin")
    area = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: area.users_model.rowCount() > 0, timeout=10_000)
    row = next(i for i, r in enumerate(area.users_model.rows()) if r.username == "anna")
    area.users_view.selectRow(row)
    assert area.languages_edit.text() == ""
    qtbot.keyClicks(area.languages_edit, "Arabisch, en")
    qtbot.keyClick(area.languages_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "anna spreekt: ar, en" in area.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: next(r for r in area.users_model.rows() if r.username == "anna").languages
                    == ("ar", "en"), timeout=10_000)
    assert demo_services.users.login("anna", "welkom-anna").languages == frozenset({"ar", "en"})
    area.languages_edit.setText("Klingon")
    qtbot.mouseClick(area.languages_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Onbekende taal: Klingon" in area.message.text(), timeout=10_000)


def test_an_admin_sees_a_lockout_and_clears_it(qtbot, window, demo_services) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Issue 15: anna mistyped her password four times at her desk; the admin sees it and lets her in."""
    from cati.accounts.service.users import LoginFailed

    for _ in range(4):
        try:
            demo_services.users.login("anna", "fout-wachtwoord", source="bureau-7")
        except LoginFailed:
            pass
    login(qtbot, window, "admin", "welkom-admin")
    area = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: area.lockouts_model.rowCount() == 1, timeout=10_000)
    [row] = area.lockouts_model.rows()
    assert (row.name, row.source, row.failures) == ("anna", "bureau-7", 3)
    area.lockouts_view.selectRow(0)
    lower = area.findChild(QTabWidget, "adminLower")
    lower.setCurrentIndex(1)
    save_screenshot(area, "admin_lockouts")
    qtbot.mouseClick(area.clear_lockout_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "anna mag weer inloggen" in area.message.text(), timeout=10_000)
    qtbot.waitUntil(lambda: area.lockouts_model.rowCount() == 0, timeout=10_000)
    assert demo_services.users.login("anna", "welkom-anna", source="bureau-7").username == "anna"
