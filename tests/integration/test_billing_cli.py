"""`cati billing` and `cati void` on both backends: statements, closing, claim, check, formats."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from cati.cli import main
from cati.platform.models_billing import BillingStatementLine
from tests.integration.billing_data import add_completes, add_provider, add_users

Y2021 = (datetime(2021, 1, 1).date(), datetime(2021, 12, 31).date())
START = datetime(2021, 3, 1, 9, tzinfo=UTC)
FIEN = ["--user", "fien", "--password-stdin"]


def run(
    db_url: str, argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "fien-wachtwoord\n"
) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--db", db_url, *argv])


@pytest.fixture
def data(db_url, make_services):  # type: ignore[no-untyped-def]
    """Two providers in 2021: Loopbaan & Co 27 purchased completes at 42.25 (+3 inburgering), Werkpad 5 at 40.00."""
    services = make_services(db_url)
    add_users(services)
    _pid, per = add_provider(services.db, "Loopbaan & Co", 4225, Y2021)
    ids = add_completes(services.db, per, 27, start=START)
    add_completes(services.db, per, 3, queue="inburgering", start=START)
    _pid2, per2 = add_provider(services.db, "Werkpad", 4000, Y2021)
    add_completes(services.db, per2, 5, start=START)
    services.db.dispose()
    return ids


def test_statement_table_and_summary(db_url, data, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        run(
            db_url,
            [*FIEN, "billing", "--provider", "loopbaan", "--period", "2021-01-01..2021-12-31"],
            monkeypatch,
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Loopbaan & Co — concept, periode 2021-01-01..2021-12-31" in out
    assert (
        "Totaal: 27 gesprekken (20 gesubsidieerd), kosten 1140.75, aanbieder 718.15, subsidie 422.60" in out
    )
    assert "Inburgering: 3 gesprekken op deze nota, 3 in de periode (maximum 25)" in out
    assert out.count("  ja  ") == 20 and "21.13" in out and "Werkpad" not in out
    assert f"-{data[0]}  " in out  # interview key = respondent key + interview id


def test_json_overall_summary_amounts_as_strings(db_url, data, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(db_url, [*FIEN, "billing", "--format", "json"], monkeypatch) == 0
    report = json.loads(capsys.readouterr().out)
    assert [s["provider"] for s in report["statements"]] == ["Loopbaan & Co", "Werkpad"]
    rows = {r["provider"]: r for r in report["summary"]["providers"]}
    assert (
        rows["Loopbaan & Co"]["purchased_count"],
        rows["Loopbaan & Co"]["subsidised_count"],
        rows["Loopbaan & Co"]["cost"],
        rows["Loopbaan & Co"]["provider_share"],
        rows["Loopbaan & Co"]["subsidy"],
        rows["Loopbaan & Co"]["inburgering_count"],
    ) == (27, 20, "1140.75", "718.15", "422.60", 3)
    assert report["summary"]["totals"]["cost"] == "1340.75"
    line = report["statements"][0]["lines"][0]
    assert line["cost"] == "42.25" and line["subsidy"] == "21.13" and line["subsidised"] is True


def test_close_void_correction_claim_and_check(  # type: ignore[no-untyped-def]
    db_url, data, monkeypatch, capsys, make_services
) -> None:
    assert run(db_url, [*FIEN, "billing", "--close", "--format", "json"], monkeypatch) == 0
    closed = json.loads(capsys.readouterr().out)
    numbers = [s["number"] for s in closed["statements"]]
    assert len(numbers) == 2 and all(s["closed"] for s in closed["statements"])
    assert run(db_url, [*FIEN, "billing", "--close"], monkeypatch) == 2  # nothing new
    assert "Niets te sluiten" in capsys.readouterr().err
    # finance may not void; a supervisor may
    assert run(db_url, [*FIEN, "void", str(data[0]), "--reason", "test"], monkeypatch) == 3
    assert (
        run(
            db_url,
            [
                "--user",
                "sanne",
                "--password-stdin",
                "void",
                str(data[0]),
                "--reason",
                "geen echte respondent",
            ],
            monkeypatch,
            "sanne-wachtwoord\n",
        )
        == 0
    )
    assert numbers[0] in capsys.readouterr().out
    assert run(db_url, [*FIEN, "billing", "--provider", "Loopbaan & Co"], monkeypatch) == 0
    out = capsys.readouterr().out
    assert "Correcties" in out and "-42.25" in out and "-21.13" in out and numbers[0] in out
    assert run(db_url, [*FIEN, "billing", "--claim", "--format", "json"], monkeypatch) == 0
    claim = json.loads(capsys.readouterr().out)
    assert (claim["count"], claim["amount"]) == (25, str(Decimal("422.60") + Decimal("100.00")))
    assert run(db_url, [*FIEN, "billing", "--check"], monkeypatch) == 0
    assert "Geen verschillen" in capsys.readouterr().out
    services = make_services(db_url)
    with services.db.engine.begin() as conn:
        conn.execute(
            sa.update(BillingStatementLine)
            .where(BillingStatementLine.interview_id == data[5])
            .values(cost_cents=9999)
        )
    assert run(db_url, [*FIEN, "billing", "--check", "--format", "json"], monkeypatch) == 1
    diffs = json.loads(capsys.readouterr().out)["differences"]
    assert {d["interview_id"] for d in diffs} >= {data[5]} and all(
        d["statement"] == numbers[0] for d in diffs
    )


def test_csv_and_xlsx_files(db_url, data, monkeypatch, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    assert run(db_url, [*FIEN, "billing", "--format", "csv"], monkeypatch) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0].startswith("regel,aanbieder,periode,nota,notadatum,interview")
    assert "Loopbaan & Co" in text and ",1140.75," in text
    assert run(db_url, [*FIEN, "billing", "--format", "xlsx"], monkeypatch) == 2  # needs --out
    out = tmp_path / "nota's.xlsx"
    assert run(db_url, [*FIEN, "billing", "--format", "xlsx", "--out", str(out)], monkeypatch) == 0
    wb = load_workbook(out)
    assert wb.sheetnames == ["Overzicht", "concept Loopbaan & Co", "concept Werkpad"]
    values = [c.value for c in wb["Overzicht"][2]]
    assert values[:5] == ["Loopbaan & Co", "2021-01-01..2021-12-31", 1, 27, 20] and values[5] == 1140.75


def test_roles_and_bad_input(db_url, data, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        run(db_url, ["--user", "sanne", "--password-stdin", "billing"], monkeypatch, "sanne-wachtwoord\n")
        == 3
    )
    assert (
        run(
            db_url,
            ["--user", "anna", "--password-stdin", "billing", "--check"],
            monkeypatch,
            "anna-wachtwoord\n",
        )
        == 3
    )
    assert run(db_url, [*FIEN, "billing", "--period", "2021"], monkeypatch) == 2
    assert run(db_url, [*FIEN, "billing", "--provider", "Onbekend"], monkeypatch) == 2
    assert (
        run(
            db_url,
            ["--user", "sanne", "--password-stdin", "void", "999999", "--reason", "x"],
            monkeypatch,
            "sanne-wachtwoord\n",
        )
        == 2
    )
    assert "bestaat niet" in capsys.readouterr().err
