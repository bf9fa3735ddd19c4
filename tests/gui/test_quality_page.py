"""Supervision > Kwaliteit on real widgets (issue 17): the flagged interviews and the filters, one reviewed
interview with its answers and times on screen, the three decisions (accept, void, back-check) through the
review service, and the interviewers' charts against their colleagues. A real demo database, interviews
done through the real services with their paradata (``tests/integration/quality_data.py``)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from cati.accounts.rules.roles import Role
from cati.gui.areas.supervision import SupervisionArea
from cati.gui.areas.supervision_quality import QualityPage
from cati.gui.charts import BandChart
from cati.platform.models import AuditEvent, CallCase, Interview, InterviewReview
from tests.gui.shots import save_screenshot
from tests.gui.test_main_window import demo_services, login, window  # noqa: F401  (fixtures)
from tests.integration.quality_data import interview


@pytest.fixture
def fieldwork(demo_services, clock):  # type: ignore[no-untyped-def]  # noqa: F811
    """anna, cees and dirk do six interviews each at a reading pace, bram six far too fast (and
    straight-lining the grids). Interviewers are compared from two interviews on a form (the demo's
    interviews spread over three forms)."""
    services = demo_services
    admin = services.users.login("admin", "welkom-admin")
    services.settings.set(admin, "qc.interviewer_min_interviews", 2)
    for name in ("cees", "dirk"):
        services.users.add_user(admin, name, f"welkom-{name}", {Role.INTERVIEWER}, display_name=name.title())
    people = {name: services.users.login(name, f"welkom-{name}") for name in ("anna", "bram", "cees", "dirk")}
    done: dict[str, list[int]] = {name: [] for name in people}
    for round_ in range(6):
        for name, pace in (("anna", 1.0), ("cees", 1.15), ("dirk", 0.9), ("bram", 0.25)):
            result = interview(services, clock, people[name], pace=pace, straight=name == "bram",
                               seed=round_ * 10 + len(name))
            if result is not None and result.outcome == "COMPLETE":
                done[name].append(result.interview_id)
    assert len(done["bram"]) >= 5 and all(len(v) >= 5 for v in done.values()), done
    return done


def quality_page(qtbot, window) -> QualityPage:  # type: ignore[no-untyped-def]  # noqa: F811
    """sanne logs in and opens Supervisie > Kwaliteit; the list has been read."""
    login(qtbot, window, "sanne", "welkom-sanne")
    area = window.tabs.currentWidget()
    assert isinstance(area, SupervisionArea) and area.quality is not None
    titles = [area.tabText(i) for i in range(area.count())]
    assert titles[-1] == "Kwaliteit"
    area.tabBar().setCurrentIndex(area.indexOf(area.quality))
    page = area.quality
    assert page.isVisible()
    settle(qtbot, page, lambda: page.listed is not None)
    return page


def settle(qtbot, page: QualityPage, condition=lambda: True, timeout: int = 20_000) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.runner.pending == 0 and not page._busy and condition(), timeout=timeout)


def click_row(qtbot, view: QTableView, row: int) -> None:  # type: ignore[no-untyped-def]
    index = view.model().index(row, 0)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def open_row(qtbot, page: QualityPage, row: int) -> None:  # type: ignore[no-untyped-def]
    wanted = page.items_model.row(row).interview_id
    click_row(qtbot, page.items, row)
    settle(qtbot, page, lambda: page.shown is not None and page.shown.item.interview_id == wanted)


def cell(page: QualityPage, model, row: int, column: str) -> str:  # type: ignore[no-untyped-def]
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return str(model.data(model.index(row, titles.index(column))))


def test_the_supervisor_reviews_and_accepts_a_flagged_interview(qtbot, window, demo_services, fieldwork) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = quality_page(qtbot, window)
    rows = page.items_model.rows()
    assert {r.interview_id for r in rows} == set(fieldwork["bram"])  # the honest ones are not listed
    assert all(r.interviewer == "bram" and r.status == "open" for r in rows)
    assert cell(page, page.items_model, 0, "Signalen").startswith("Te snel voorgelezen")
    assert cell(page, page.items_model, 0, "Status") == "te beoordelen"
    total = sum(len(v) for v in fieldwork.values())
    assert page.summary.text() == f"{total} afgeronde interviews, {len(rows)} met een signaal; {len(rows)} hier te beoordelen"
    assert not page.accept_button.isEnabled()  # nothing chosen yet
    save_screenshot(page, "quality_list")

    first = next(n for n, r in enumerate(rows) if r.form_id == "client_regular")  # a form with grids
    rows.insert(0, rows.pop(first))
    open_row(qtbot, page, first)
    shown = page.shown
    assert shown is not None and shown.item.interview_id == rows[0].interview_id
    assert "Te snel voorgelezen: " in page.flags_text.text() and "woorden per minuut" in page.flags_text.text()
    assert f"Interview {rows[0].interview_id} (" in page.heading.text() and "interviewer bram" in page.heading.text()
    assert page.history.text() == "Nog geen beslissing."
    lines = page.answers_model.rows()
    grid_rows = [n for n, line in enumerate(lines) if line.variable != line.question]
    assert grid_rows and all(lines[n].seconds and lines[n].answer for n in grid_rows)  # a grid: each row's seconds
    assert cell(page, page.answers_model, grid_rows[0], "Seconden op het scherm").count(",") == 1  # Dutch decimals
    assert len({lines[n].answer for n in grid_rows if lines[n].question == lines[grid_rows[0]].question}) == 1
    assert page.accept_button.isEnabled() and page.accept_button.text() == "Accepteren"
    qtbot.keyClicks(page.note, "Respondent wilde snel klaar zijn; opname beluisterd.")
    save_screenshot(page, "quality_interview")

    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page, lambda: len(page.items_model.rows()) == len(rows) - 1)
    assert page.message.text() == "Besloten: geaccepteerd."
    assert rows[0].interview_id not in {r.interview_id for r in page.items_model.rows()}
    with demo_services.db.unit_of_work() as s:
        review = s.scalars(sa.select(InterviewReview)).one()
        assert (review.interview_id, review.decision) == (rows[0].interview_id, "accept")
        assert review.note == "Respondent wilde snel klaar zijn; opname beluisterd."
        assert s.scalar(sa.select(AuditEvent.object_id).where(AuditEvent.action == "review_accept")) == \
            str(rows[0].interview_id)
    # the accepted ones come back with the box ticked, the decision in their history
    page.decided.click()
    settle(qtbot, page, lambda: len(page.items_model.rows()) == len(rows))
    row = next(n for n, r in enumerate(page.items_model.rows()) if r.interview_id == rows[0].interview_id)
    assert cell(page, page.items_model, row, "Status") == "geaccepteerd"
    open_row(qtbot, page, row)
    assert "sanne: geaccepteerd — Respondent wilde snel klaar zijn" in page.history.text()


def test_the_filters_narrow_the_list(qtbot, window, fieldwork) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = quality_page(qtbot, window)
    everything = page.items_model.rows()
    assert [page.flag.itemText(i) for i in range(page.flag.count())] == [
        "Alle signalen", "Te snel voorgelezen", "Overal hetzelfde antwoord in rasters", "Kort voor de gevolgde route",
        "Veel weet niet / wil niet zeggen", "Antwoorden gewijzigd na afloop", "Buiten de beltijden",
        "Tijdens een andere zaak"]
    straight = {r.interview_id for r in everything if any(f.code == "straight_lining" for f in r.flags)}
    assert straight  # bram straight-lines every grid, but not every route has two grids
    page.flag.setCurrentIndex(page.flag.findData("straight_lining"))
    settle(qtbot, page, lambda: page.listed is not None and page.listed.items != tuple(everything))
    assert {r.interview_id for r in page.items_model.rows()} == straight

    page.flag.setCurrentIndex(0)
    assert [page.interviewer.itemText(i) for i in range(page.interviewer.count())] == [
        "Alle interviewers", "anna", "bram", "cees", "dirk"]
    page.interviewer.setCurrentIndex(page.interviewer.findData("anna"))
    settle(qtbot, page, lambda: page.items_model.rowCount() == 0)
    assert {st.interviewer for st in page.standing_model.rows()} == {"anna"}
    page.interviewer.setCurrentIndex(page.interviewer.findData("bram"))
    settle(qtbot, page, lambda: page.items_model.rowCount() == len(everything))

    # a provider: only its interviews (the demo has several providers)
    providers = {r.provider for r in everything}
    name = sorted(providers)[0]
    page.provider.setCurrentIndex(page.provider.findText(name))
    settle(qtbot, page, lambda: {r.provider for r in page.items_model.rows()} == {name})
    assert 0 < page.items_model.rowCount() <= len(everything)


def test_void_asks_a_note_and_a_confirmation(qtbot, window, demo_services, fieldwork) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = quality_page(qtbot, window)
    before = page.items_model.rowCount()
    open_row(qtbot, page, 0)
    iid = page.shown.item.interview_id  # type: ignore[union-attr]
    asked: list[str] = []
    page.confirm = lambda title, text: asked.append(text) is None and False  # the supervisor says no

    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)  # no note: the service refuses
    settle(qtbot, page, lambda: page.message.text() != "")
    assert page.message.text() == "Geef een toelichting bij de beslissing."
    assert asked == []

    qtbot.keyClicks(page.note, "Respondent zegt niet gebeld te zijn.")
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page)
    assert asked and asked[0].startswith(f"Interview {iid} ongeldig maken?")
    with demo_services.db.unit_of_work() as s:
        assert s.get(Interview, iid).voided_at is None  # "no": nothing happened

    page.confirm = lambda title, text: True
    qtbot.mouseClick(page.void_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page, lambda: page.items_model.rowCount() == before - 1)
    assert page.message.text() == "Besloten: ongeldig gemaakt."
    assert page.shown is None and page.answers_model.rowCount() == 0 and not page.void_button.isEnabled()
    with demo_services.db.unit_of_work() as s:
        voided = s.get(Interview, iid)
        assert voided.voided_at is not None and voided.void_reason == "Respondent zegt niet gebeld te zijn."
        assert s.scalar(sa.select(InterviewReview.decision).where(InterviewReview.interview_id == iid)) == "void"


def test_a_back_check_goes_in_the_queue_for_another_interviewer(qtbot, window, demo_services, fieldwork) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = quality_page(qtbot, window)
    open_row(qtbot, page, 0)
    item = page.shown.item  # type: ignore[union-attr]
    qtbot.mouseClick(page.backcheck_button, Qt.MouseButton.LeftButton)
    settle(qtbot, page, lambda: page.message.text() != "" and "Nacontrole" in page.history.text())
    assert page.message.text() == "Besloten: nacontrole in de belrij gezet."
    assert "nacontrole in de belrij gezet" in page.history.text()
    assert "Nacontrole (zaak " in page.history.text() and "staat in de belrij" in page.history.text()
    row = next(n for n, r in enumerate(page.items_model.rows()) if r.interview_id == item.interview_id)
    assert cell(page, page.items_model, row, "Status") == "nacontrole in de belrij"
    with demo_services.db.unit_of_work() as s:
        case = s.scalars(sa.select(CallCase).where(CallCase.queue == "backcheck")).one()
        assert case.checks_interviewer == item.interviewer_id and case.status != "final"

    qtbot.mouseClick(page.backcheck_button, Qt.MouseButton.LeftButton)  # a second one is refused
    settle(qtbot, page, lambda: "loopt al" in page.message.text())
    assert page.message.text() == f"Er loopt al een nacontrole voor interview {item.interview_id} (zaak {case.id})."


def test_the_interviewers_chart_against_the_colleagues_band(qtbot, window, fieldwork) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = quality_page(qtbot, window)
    page.tabs.tabBar().setCurrentIndex(1)
    assert page.tabs.tabText(0) == "Interviews met een signaal" and page.tabs.tabText(1) == "Interviewers"
    assert page.length_chart.data() == []  # nothing chosen yet
    standings = page.standing_model.rows()
    bram = next(n for n, st in enumerate(standings)
                if st.interviewer == "bram" and st.form_id == "client_regular")
    honest = [st for st in standings if st.interviewer != "bram"]
    click_row(qtbot, page.standing, bram)
    standing = standings[bram]
    assert {s.measure for s in standing.far} >= {"minutes", "flag_rate"}
    assert not any({"minutes", "flag_rate"} & {s.measure for s in st.far} for st in honest)
    assert cell(page, page.standing_model, bram, "Ver van de collega's").startswith("Interviewduur (mediaan): ")
    assert cell(page, page.standing_model, bram, "Met een signaal") == "100%"
    assert page.chart_title.text() == f"bram op client_regular: {standing.figures.interviews} interviews"
    assert page.far_text.text().startswith("⚠ Interviewduur (mediaan): ") and "lager" in page.far_text.text()
    chart: BandChart = page.length_chart
    assert [label for label, _, _ in chart.data()][:3] == ["0–3", "3–6", "6–9"]
    assert [share for _, share, _ in chart.data()] == list(standing.length_shares)
    assert chart.data()[0][1] == 1.0  # all of bram's interviews under three minutes ...
    assert chart.data()[0][2] == (0.0, 0.0) and chart.data()[1][2][1] > 0  # ... the colleagues' are longer
    seconds = page.seconds_chart.data()
    assert [share for _, share, _ in seconds] == list(standing.seconds_shares) and sum(standing.seconds_shares) > 0.99
    assert any(hi > 0 for _, _, (_, hi) in seconds)
    save_screenshot(page, "quality_interviewers")
    anna = next(n for n, st in enumerate(standings) if st.interviewer == "anna" and st.form_id == "client_regular")
    click_row(qtbot, page.standing, anna)
    assert page.chart_title.text().startswith("anna op client_regular")
    assert page.far_text.text() == "Nergens ver van de collega's." and page.length_chart.data()[0][1] == 0.0


def test_the_service_refuses_a_page_opened_by_an_interviewer(qtbot, demo_services) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from cati.gui.app import make_application
    from cati.gui.tasks import TaskRunner

    make_application("nl")
    runner = TaskRunner()
    anna = demo_services.users.login("anna", "welkom-anna")
    page = QualityPage(demo_services, runner, anna)  # the area shows it only to supervisors; the service decides
    qtbot.addWidget(page)
    try:
        qtbot.waitUntil(lambda: runner.pending == 0 and page.message.text() != "", timeout=10_000)
        assert page.message.text() == "anna mag dit niet: review_interviews"
        assert page.items_model.rowCount() == 0 and page.listed is None
    finally:
        runner.shutdown()
