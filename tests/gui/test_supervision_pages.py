"""The supervision pages with real widgets: progress (self-refreshing, charts), export (progress bar,
cancel), report figures; every list model passes the model tester."""

from __future__ import annotations

import csv
import threading
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from cati.gui.app import make_application
from cati.gui.areas.supervision_export import ExportPage
from cati.gui.areas.supervision_progress import REFRESH_MS, ProgressPage
from cati.gui.areas.supervision_report import ReportPage
from cati.gui.tasks import TaskRunner
from tests.gui.shots import save_screenshot
from tests.integration.report_data import TODAY, add_attempt, build_scenario, utc


@pytest.fixture
def world(sqlite_url, clock, make_services):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    services = make_services(sqlite_url, clock=clock)
    scenario = build_scenario(services)
    return services, scenario


@pytest.fixture
def runner(qtbot):  # type: ignore[no-untyped-def]
    make_application("nl")
    r = TaskRunner()
    yield r
    r.shutdown()


def _cell(model, row: int, col: int) -> str:  # type: ignore[no-untyped-def]
    return str(model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole))


def test_progress_page_shows_queues_rates_interviewers_and_charts(qtbot, qtmodeltester, world, runner) -> None:  # type: ignore[no-untyped-def]
    services, sc = world
    page = ProgressPage(services, runner, sc.people.supervisor)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.queues_model.rowCount() == 2 and page.provider.count() == 3, timeout=10_000)
    rows = {r.queue: r for r in page.queues_model.rows()}
    assert rows["inburgering"].cap_text == "3/25" and rows["purchased"].net_sample == 12
    assert _cell(page.queues_model, 0, 9) == "3/25"  # Taalhuis sorts first
    rates_row = [r.provider for r in page.rates_model.rows()].index("Werkpad Re-integratie")
    assert _cell(page.rates_model, rates_row, 3) == "55,6"  # RR1, Dutch decimal comma
    assert [r.username for r in page.interviewers_model.rows()] == ["anna", "bram"]
    assert _cell(page.interviewers_model, 0, 1) == "2,25"
    assert page.per_day.data() == [("02-03", 4.0)]
    assert dict(page.mix.data())["Interview volledig"] == 4.0
    assert not page.save_e.isVisible()  # storing e is an admin's setting
    for model in (page.queues_model, page.rates_model, page.interviewers_model):
        qtmodeltester.check(model)
    save_screenshot(page, "supervision_progress")

    # a chosen e is used at once
    page.e_from_data.setChecked(False)
    page.e_spin.setValue(0.5)
    qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.rates_model.rows()[rates_row].e_source == "override", timeout=10_000)
    assert _cell(page.rates_model, rates_row, 6) == "58,8"  # RR3 with e = 0.5

    # it refreshes itself: a new call shows up after the timer fires
    assert page.timer.isActive() and page.timer.interval() == REFRESH_MS == 30_000
    with services.db.unit_of_work() as s:
        add_attempt(s, sc.case["c11"], sc.people.bram.user_id, utc(TODAY, 14), 1, "NO_ANSWER")
    page.timer.timeout.emit()
    qtbot.waitUntil(lambda: dict(page.mix.data()).get("Geen gehoor") == 2.0, timeout=10_000)


def test_progress_page_range_and_provider_filter(qtbot, world, runner) -> None:  # type: ignore[no-untyped-def]
    services, sc = world
    page = ProgressPage(services, runner, sc.people.finance)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.provider.count() == 3 and page.snapshot is not None, timeout=10_000)
    page.first.setDate(page.first.date().addDays(-1))
    page.provider.setCurrentIndex(page.provider.findText("Werkpad Re-integratie"))
    qtbot.waitUntil(lambda: page.snapshot is not None and len(page.snapshot.queues) == 1
                    and len(page.per_day.data()) == 2, timeout=10_000)
    assert page.per_day.data() == [("01-03", 1.0), ("02-03", 4.0)]


def test_export_page_writes_a_file_with_progress(qtbot, qtmodeltester, world, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services, sc = world
    page = ExportPage(services, runner, sc.people.supervisor)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.periods_model.rowCount() == 2, timeout=10_000)
    qtmodeltester.check(page.periods_model)
    werkpad = [r.provider for r in page.periods_model.rows()].index("Werkpad Re-integratie")
    page.periods_view.selectRow(werkpad)
    qtbot.waitUntil(lambda: "5" in page.preview_label.text() and "0" in page.preview_label.text(), timeout=10_000)
    assert page.with_contact.isVisible()
    seen: list[int] = []
    page.bar.valueChanged.connect(seen.append)
    page.path.setText(str(tmp_path / "werkpad.csv"))
    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    assert not page.start.isEnabled() and page.cancel.isEnabled()
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    assert page.bar.value() == 100 and seen and seen[-1] == 100
    assert page.start.isEnabled() and not page.cancel.isEnabled()
    with (tmp_path / "werkpad.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 5
    assert "5" in page.message.text() and (tmp_path / "werkpad.codebook.csv").exists()
    save_screenshot(page, "supervision_export")


def test_export_page_with_paradata_writes_the_screen_visits_beside_the_answers(qtbot, world, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services, sc = world
    page = ExportPage(services, runner, sc.people.supervisor)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.periods_model.rowCount() == 2, timeout=10_000)
    page.periods_view.selectRow([r.provider for r in page.periods_model.rows()].index("Werkpad Re-integratie"))
    assert "schermbezoeken in een eigen bestand" in page.paradata.text()
    page.paradata.setChecked(True)
    page.path.setText(str(tmp_path / "werkpad.csv"))
    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    assert (tmp_path / "werkpad.paradata.csv").exists()
    assert "werkpad.csv" in page.message.text() and "werkpad.paradata.csv" in page.message.text()


def test_export_page_cancel(qtbot, world, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services, sc = world
    page = ExportPage(services, runner, sc.people.supervisor)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.periods_model.rowCount() == 2, timeout=10_000)
    page.form.setCurrentIndex(1)  # inburgering
    page.fmt.setCurrentIndex(2)  # sav
    page.path.setText(str(tmp_path / "inb.sav"))
    gate = threading.Event()
    runner.submit(gate.wait)  # hold the worker, so the cancel is pressed while the export waits its turn
    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.cancel, Qt.MouseButton.LeftButton)
    gate.set()
    qtbot.waitUntil(lambda: page.start.isEnabled(), timeout=10_000)
    assert page.result is None and page.bar.value() == 0
    assert "afgebroken" in page.message.text().lower() or "cancelled" in page.message.text().lower()
    assert list(tmp_path.glob("inb*")) == []
    # and afterwards an export runs normally
    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    assert page.result.rows == 3 and (tmp_path / "inb.sav").exists()


def test_export_page_offers_compressed_spss(qtbot, world, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services, sc = world
    page = ExportPage(services, runner, sc.people.supervisor)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: page.periods_model.rowCount() == 2, timeout=10_000)
    assert [page.fmt.itemData(i) for i in range(page.fmt.count())] == ["csv", "xlsx", "sav", "zsav"]
    page.path.setText(str(tmp_path / "alles.csv"))
    page.form.setCurrentIndex(1)  # inburgering
    page.fmt.setCurrentIndex(3)
    assert page.path.text() == str(tmp_path / "alles.zsav") and not page.excel.isEnabled()
    qtbot.mouseClick(page.start, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.result is not None, timeout=10_000)
    assert page.result.fmt == "zsav" and page.result.rows == 3
    assert (tmp_path / "alles.zsav").read_bytes()[:4] == b"$FL3" and (tmp_path / "alles.codebook.csv").exists()


def test_report_page_shows_table_verdict_grades_and_saves(qtbot, qtmodeltester, world, runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services, sc = world
    page = ReportPage(services, runner, sc.people.supervisor)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    page.period.setCurrentIndex([page.period.itemData(i).provider for i in range(page.period.count())]
                                .index("Werkpad Re-integratie"))
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.figures is not None and page.figures.provider.startswith("Werkpad"), timeout=10_000)
    qtmodeltester.check(page.table_model)
    m = page.table_model
    assert [_cell(m, 0, c) for c in range(6)][1:5] == ["5", "3", "60,0", "6,2"]
    assert [_cell(m, 2, c) for c in range(1, 5)] == ["13", "5", "38,5", "6,9"]
    assert [_cell(m, 3, c) for c in range(1, 6)] == ["", "", "", "", ""]  # commissioners: not phoned
    assert "20,0" in page.promoter.text()
    assert page.grades.data()[5] == ("6", 1.0) and sum(v for _, v in page.grades.data()) == 4
    save_screenshot(page, "supervision_report")
    page.save_to(tmp_path / "r.json", "json")
    # the page says so once the file is written (the file exists a moment earlier, still being written)
    qtbot.waitUntil(lambda: "r.json" in page.message.text(), timeout=10_000)
    assert '"promoter_score": 20.0' in (tmp_path / "r.json").read_text(encoding="utf-8")


def test_report_page_for_a_denied_actor_shows_the_refusal(qtbot, world, runner) -> None:  # type: ignore[no-untyped-def]
    services, sc = world
    page = ReportPage(services, runner, sc.people.anna)
    qtbot.addWidget(page)
    qtbot.waitUntil(lambda: "view_progress" in page.message.text(), timeout=10_000)
    assert page.period.count() == 0 and page.figures is None


def test_call_order_page_shows_what_the_next_claim_takes(qtbot, qtmodeltester, world, runner) -> None:  # type: ignore[no-untyped-def]
    from cati.gui.areas.supervision_order import OrderPage

    services, sc = world
    page = OrderPage(services, runner, sc.people.supervisor)
    qtbot.addWidget(page)
    page.resize(1100, 420)
    page.show()
    qtbot.waitUntil(lambda: page.interviewer.count() >= 3 and page.model.rowCount() > 0, timeout=10_000)
    qtmodeltester.check(page.model)
    assert [page.queue.itemText(i) for i in range(page.queue.count())] == [
        "Alle wachtrijen", "Ingekocht", "Inburgering", "Nacontroles"]
    anna = page.interviewer.findData("anna")
    assert anna > 0
    page.interviewer.setCurrentIndex(anna)
    qtbot.waitUntil(lambda: not page._busy, timeout=10_000)
    first = page.model.rows()[0]
    assert first.position == 1 and _cell(page.model, 0, 4) == first.tier
    save_screenshot(page, "call_order")
    card = services.calls.next_case(sc.people.anna)
    assert card is not None and card.case_id == first.case_id  # the top line is the next case offered
