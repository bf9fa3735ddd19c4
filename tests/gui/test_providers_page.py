"""The providers page with real widgets: add a provider, import a file (summary, rejects), cancel."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate, Qt

from cati.accounts.rules.roles import Role
from cati.gui.app import make_application
from cati.gui.areas.supervision_providers import ProvidersPage
from cati.gui.tasks import TaskRunner
from tests.gui.shots import save_screenshot

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def env(qtbot, sqlite_url, clock, make_services):  # type: ignore[no-untyped-def]
    make_application("nl")
    services = make_services(sqlite_url, clock=clock)
    services.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
    admin = services.users.login("admin", "admin-wachtwoord")
    services.users.add_user(admin, "sanne", "welkom-sanne", {Role.SUPERVISOR})
    sanne = services.users.login("sanne", "welkom-sanne")
    runner = TaskRunner()
    page = ProvidersPage(services, runner, sanne)
    qtbot.addWidget(page)
    page.show()
    yield services, runner, page
    runner.shutdown()


def _client_count(services) -> int:  # type: ignore[no-untyped-def]
    with services.db.engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM client")).scalar_one())


def _add(qtbot, page, name: str, phone: bool) -> None:  # type: ignore[no-untyped-def]
    page.new_name.clear()
    qtbot.keyClicks(page.new_name, name)
    page.new_start.setDate(QDate(2021, 1, 1))
    page.new_end.setDate(QDate(2021, 12, 31))
    page.new_phone.setChecked(phone)
    if phone:
        qtbot.keyClicks(page.new_tariff, "42,50")
    before = page.providers_model.rowCount()
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.providers_model.rowCount() == before + 1, timeout=10_000)


def test_add_provider_then_import_with_rejects(qtbot, qtmodeltester, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services, _runner, page = env
    _add(qtbot, page, "Werkpad", True)
    assert "Werkpad" in page.add_message.text()
    row = page.providers_model.row(0)
    assert (row.name, row.phone_option, str(row.tariff)) == ("Werkpad", True, "42.50")
    assert not page.import_button.isEnabled()  # nothing selected yet
    page.select_provider("Werkpad")
    assert page.import_button.isEnabled() and page.period_combo.count() == 1
    src = tmp_path / "klanten.csv"
    shutil.copy(DATA / "client_files" / "klanten_cp1252_puntkomma.csv", src)
    page.choose_file = lambda: str(src)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_summary is not None, timeout=20_000)
    summary = page.last_summary
    assert summary is not None and (summary.accepted, summary.rejected) == (6, 6)
    assert page.rejects_model.rowCount() == 6 and page.warnings_model.rowCount() == 2
    assert page.rejects_model.row(0).line == 5
    assert "6" in page.summary_label.text() and "klanten_afgewezen.csv" in page.summary_label.text()
    qtbot.waitUntil(lambda: page.providers_model.rowCount() == 1 and page.providers_model.row(0).clients == 6,
                    timeout=10_000)
    assert page.providers_model.row(0).cases["purchased"] == 2
    assert not page.progress_bar.isVisible() and not page.cancel_button.isEnabled()
    for model in (page.providers_model, page.rejects_model, page.warnings_model):
        qtmodeltester.check(model)
    save_screenshot(page, "supervision_import")
    # an unreadable file says why and changes nothing
    page.choose_file = lambda: str(DATA / "client_files" / "plaatje.csv")
    page.last_summary = None
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "PNG" in page.summary_label.text(), timeout=10_000)
    assert _client_count(services) == 6


def test_cancel_leaves_the_database_unchanged(qtbot, env, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services, _runner, page = env
    services.providers.add_provider(page.actor, "Werkpad", date(2021, 1, 1), date(2021, 12, 31), phone_option=True)
    page.refresh()
    qtbot.waitUntil(lambda: page.providers_model.rowCount() == 1, timeout=10_000)
    page.select_provider("Werkpad")
    sys.path.insert(0, str(DATA))
    from make_client_files import make_large_client_file

    big = make_large_client_file(tmp_path / "groot.csv", 20_000)
    page.choose_file = lambda: str(big)
    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    assert page.cancel_button.isEnabled() and page.progress_bar.isVisible()
    qtbot.waitUntil(lambda: page.progress_bar.value() > 0, timeout=20_000)  # progress arrives from the worker
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=30_000)
    assert "niets" in page.summary_label.text() or "nothing" in page.summary_label.text()
    assert page.last_summary is None and _client_count(services) == 0
    with services.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM import_batch")).scalar() == 0
