"""Report figures (table 1.1, keurmerk, grade spread, promoter score) from the hand-built set."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cati.accounts.rules.roles import PermissionDenied
from cati.cli import main
from cati.supervision.rules.report_figures import RowKind, Verdict
from cati.supervision.service.reports import ReportError
from tests.integration.report_data import build_scenario


@pytest.fixture
def scenario(services, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    return build_scenario(services)


def test_table_1_1_keurmerk_and_promoter_score(services, scenario) -> None:  # type: ignore[no-untyped-def]
    fig = services.reports.figures(scenario.people.supervisor, "Werkpad Re-integratie")
    assert (fig.period_start, fig.period_end, fig.clients, fig.unreachable) == (
        date(2026, 1, 1), date(2026, 12, 31), 14, 1)
    s5, s7 = fig.table.services
    # service 5: 6 clients, c5 unreachable -> net 5; c1 c2 c3 complete; grades 8, 6.5, 4 -> 18.5/3 = 6.17
    assert (s5.service, s5.net_sample, s5.completed, s5.response_pct, s5.mean_grade, s5.published) == (
        5, 5, 3, Decimal("60.0"), Decimal("6.2"), True)
    # service 7: 8 clients (c12 by mail, c14 voided count); c7 c8 complete; c8 said "weet niet": grade 9 only
    assert (s7.net_sample, s7.completed, s7.response_pct, s7.mean_grade, s7.grade_count, s7.published) == (
        8, 2, Decimal("25.0"), Decimal("9.0"), 1, False)  # 25% < 30% and 2 < 50
    t = fig.table.total
    assert (t.net_sample, t.completed, t.response_pct, t.mean_grade, t.published) == (
        13, 5, Decimal("38.5"), Decimal("6.9"), True)  # 5/13; (8 + 6.5 + 4 + 9) / 4 = 6.875
    assert fig.table.commissioners.kind is RowKind.COMMISSIONERS and fig.table.commissioners.net_sample == 0
    assert fig.keurmerk.verdict is Verdict.PASSED
    assert fig.keurmerk.total.corrected == Decimal("7.1")  # the 4 counts as 5: 28.5 / 4 = 7.125
    assert fig.grades == {1: 0, 2: 0, 3: 0, 4: 1, 5: 0, 6: 1, 7: 0, 8: 1, 9: 1, 10: 0}  # 6.5 in bin 6
    # recommended c1 c7; advised against c3; neither c2 and c8 (weet niet): (2 - 1) / 5
    rec = fig.recommendation
    assert (rec.recommended, rec.advised_against, rec.neither) == (2, 1, 2)
    assert fig.promoter_score == Decimal("20.0")


def test_low_grade_correction_and_quota_full_in_the_net_sample(services, scenario) -> None:  # type: ignore[no-untyped-def]
    fig = services.reports.figures(scenario.people.finance, "Taalhuis")
    (s11,) = fig.table.services
    # 6 clients; i4 WRONG_PERSON out, i3 QUOTA_FULL stays; i5 (mail) stays -> 5; i1 i2 i6 complete
    assert (s11.service, s11.net_sample, s11.completed, s11.response_pct) == (11, 5, 3, Decimal("60.0"))
    # grades 9, 1, 9: mean 6.3 < 6.5; corrected 9, 5, 9 = 7.7 -> passed after correction
    assert fig.keurmerk.verdict is Verdict.PASSED_CORRECTED
    assert (fig.keurmerk.total.plain, fig.keurmerk.total.corrected) == (Decimal("6.3"), Decimal("7.7"))
    assert any("6,3" in r for r in fig.keurmerk.reasons)
    # i1 recommended, i2 advised against, i6 refused the question (left out)
    assert fig.recommendation.respondents == 2 and fig.promoter_score == Decimal("0.0")


def test_thresholds_come_from_the_settings(services, scenario) -> None:  # type: ignore[no-untyped-def]
    services.settings.set(scenario.people.admin, "report.publish_min_response_pct", "25")
    services.settings.set(scenario.people.admin, "report.keurmerk_min_total", "7.0")
    fig = services.reports.figures(scenario.people.supervisor, "Werkpad")
    assert fig.table.services[1].published  # 25.0% now reaches the threshold
    assert fig.keurmerk.verdict is Verdict.PASSED_CORRECTED  # 6.9 < 7.0; corrected 7.1


def test_denials_and_unknown_selections(services, scenario) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.reports.figures(scenario.people.anna, "Werkpad")
    with pytest.raises(ReportError, match="bestaat niet"):
        services.reports.figures(scenario.people.supervisor, "Nergens")
    with pytest.raises(ReportError, match="geen meetperiode"):
        services.reports.figures(scenario.people.supervisor, "Werkpad", "2019")
    fig = services.reports.figures(scenario.people.supervisor, "Werkpad", "2026-01-01..2026-12-31")
    assert fig.period_id == scenario.werkpad_period
    assert {p.provider for p in services.reports.periods(scenario.people.admin)} == {
        "Werkpad Re-integratie", "Taalhuis Inburgering"}


def _cli(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "welkom-sanne\n") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_cli_report_txt_json_csv_xlsx(services, scenario, db_url, monkeypatch, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("cati.container.build_services", lambda url: services)
    base = ["--db", db_url, "--user", "sanne", "--password-stdin", "report", "Werkpad"]
    assert _cli(base, monkeypatch) == 0
    out = capsys.readouterr().out
    assert "5 Jobcoaching" in out and "60,0" in out and "6,2" in out and "38,5" in out
    assert "Keurmerk: behaald" in out and "Actuele promotorscore: 20,0" in out
    assert "Totaal opdrachtgevers" in out
    assert _cli([*base, "--format", "json"], monkeypatch) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["table_1_1"]["total"]["response_pct"] == 38.5 and data["promoter_score"] == 20.0
    assert data["table_1_1"]["commissioners"]["net_sample"] is None
    assert data["grade_distribution"]["6"] == 1 and data["keurmerk"]["verdict"] == "behaald"
    assert _cli([*base, "--format", "csv", "--out", str(tmp_path / "r.csv")], monkeypatch) == 0
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "Totaal;13;5;38,5;6,9;ja" in text
    assert _cli([*base, "--format", "xlsx", "--out", str(tmp_path / "r.xlsx")], monkeypatch) == 0
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "r.xlsx")["tabel 1.1"]
    rows = [tuple(c.value for c in r) for r in ws.iter_rows(min_row=3, max_row=5)]
    assert rows[2] == ("Totaal", 13, 5, 38.5, 6.9, "ja")
    assert _cli(["--db", db_url, "--user", "anna", "report", "Werkpad"], monkeypatch, "welkom-anna\n") == 3
    assert _cli([*base[:-1], "Nergens"], monkeypatch) == 2
