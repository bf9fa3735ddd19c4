"""The finance area with real widgets: a statement on screen, closing, claim, check, export."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from cati.gui.app import make_application
from cati.gui.areas.finance import FinanceArea
from cati.gui.tasks import TaskRunner
from tests.gui.shots import save_screenshot
from tests.integration.billing_data import add_completes, add_provider, add_users


@pytest.fixture
def finance(qtbot, sqlite_url, clock, make_services):  # type: ignore[no-untyped-def]
    make_application("nl")
    services = make_services(sqlite_url, clock=clock)
    actors = add_users(services)
    _pid, per = add_provider(services.db, "Loopbaan & Co", 4225)
    ids = add_completes(services.db, per, 27)
    add_completes(services.db, per, 3, queue="inburgering")
    add_provider(services.db, "Werkpad", 4250)
    runner = TaskRunner()
    area = FinanceArea(services, runner, actors["fien"])
    qtbot.addWidget(area)
    area.show()
    qtbot.waitUntil(lambda: area.lines_model.rowCount() == 27, timeout=10_000)
    yield area, services, actors, ids
    runner.shutdown()


def test_statement_close_claim_check_export(qtbot, qtmodeltester, finance, tmp_path) -> None:  # type: ignore[no-untyped-def]
    area, services, actors, ids = finance
    assert area.period_box.count() == 2 and "Loopbaan & Co" in area.period_box.currentText()
    assert "€ 1.140,75" in area.totals_label.text() and "€ 422,60" in area.totals_label.text()
    assert "3" in area.inburgering_label.text() and "25" in area.inburgering_label.text()
    first = area.lines_model.index(0, 5)
    assert area.lines_model.data(first) == "€ 21,13"
    qtmodeltester.check(area.lines_model)
    save_screenshot(area, "finance")

    # closing asks first; "no" leaves it a draft
    asked: list[str] = []
    area.confirm = lambda title, text: asked.append(text) is not None and False
    qtbot.mouseClick(area.close_button, Qt.MouseButton.LeftButton)
    assert asked and "€ 1.140,75" in asked[0]
    assert services.billing.closed_statements(actors["fien"]) == []
    area.confirm = lambda title, text: True
    qtbot.mouseClick(area.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.statement_box.count() == 2, timeout=10_000)
    assert "2026-0001" in area.message.text()
    assert area.lines_model.rowCount() == 0 and not area.close_button.isEnabled()  # the new draft is empty
    area.statement_box.setCurrentIndex(1)
    assert area.lines_model.rowCount() == 27 and "2026-0001" in area.title.text()

    # a void after closing: the next draft carries the correction
    services.billing.void(actors["sanne"], ids[0], "test")
    area.statement_box.setCurrentIndex(0)
    qtbot.mouseClick(area.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.lines_model.rowCount() == 1, timeout=10_000)
    assert area.lines_model.data(area.lines_model.index(0, 6)) == "2026-0001"
    assert area.lines_model.data(area.lines_model.index(0, 3)) == "€ -42,25"

    qtbot.mouseClick(area.claim_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.claim_model.rowCount() == 20, timeout=10_000)
    assert "€ 422,60" in area.result_label.text()
    qtmodeltester.check(area.claim_model)

    qtbot.mouseClick(area.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: area.findings is not None, timeout=10_000)
    assert area.findings == [] and area.result_view.model() is area.check_model

    area.statement_box.setCurrentIndex(1)
    target = tmp_path / "nota"
    area.choose_export_file = lambda suggested: str(target)
    qtbot.mouseClick(area.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (tmp_path / "nota.xlsx").exists() and "nota.xlsx" in area.message.text(), timeout=10_000
    )


def test_empty_period_shows_an_empty_draft(qtbot, finance) -> None:  # type: ignore[no-untyped-def]
    area, *_ = finance
    area.period_box.setCurrentIndex(1)
    qtbot.waitUntil(
        lambda: area.lines_model.rowCount() == 0 and "Werkpad" in area.title.text(), timeout=10_000
    )
    assert not area.close_button.isEnabled()
