"""Nothing executable leaves cati (issue 14), on both backends: a provider, client or user name that is a
formula comes out of the billing files, report files, exports and the audit export as text, never as a
live formula, and a name with an ANSI escape code does not crash an XLSX file."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from python_calamine import CalamineWorkbook

from cati.accounts.rules.roles import Role
from cati.cli import main
from tests.integration.billing_data import add_completes, add_provider, add_users

EVIL = '=HYPERLINK("http://x","klik")'
ESCAPED = "\x1b[31mRood\x1b[0m"
FIEN = ["--user", "fien", "--password-stdin"]


def run(db_url: str, argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["--db", db_url, *argv])


def formulas(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))


def texts(path: Path) -> set[str]:
    book = CalamineWorkbook.from_path(str(path))
    return {v for name in book.sheet_names for row in book.get_sheet_by_name(name).to_python() for v in row
            if isinstance(v, str)}


def test_billing_files(db_url, monkeypatch, capsys, tmp_path, make_services) -> None:  # type: ignore[no-untyped-def]
    services = make_services(db_url)
    add_users(services)
    _, period = add_provider(services.db, EVIL, 4225, (date(2021, 1, 1), date(2021, 12, 31)))
    add_completes(services.db, period, 3, start=datetime(2021, 3, 1, 9, tzinfo=UTC))
    _, other = add_provider(services.db, ESCAPED + "@", 4000, (date(2021, 1, 1), date(2021, 12, 31)))
    add_completes(services.db, other, 2, start=datetime(2021, 3, 1, 9, tzinfo=UTC))
    services.db.dispose()
    assert run(db_url, [*FIEN, "billing", "--format", "csv"], monkeypatch, "fien-wachtwoord\n") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    names = {r[1] for r in rows[1:] if len(r) > 1 and r[0] in ("interview", "totaal")}
    assert names == {"'" + EVIL, ESCAPED + "@"}  # the second starts with ESC, not a formula character
    assert any(r[8] == "42.25" for r in rows if r and r[0] == "interview")  # amounts stay numbers
    out = tmp_path / "nota.xlsx"
    assert run(db_url, [*FIEN, "billing", "--format", "xlsx", "--out", str(out)], monkeypatch,
               "fien-wachtwoord\n") == 0
    assert b"<f>" not in formulas(out)
    found = texts(out)
    assert EVIL in found and ESCAPED + "@" in found


def test_report_files(services, db_url, monkeypatch, capsys, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.report_data import build_scenario

    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    build_scenario(services)
    with services.db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE provider SET name = :n WHERE name = 'Werkpad Re-integratie'"),
                     {"n": "@" + ESCAPED})
    monkeypatch.setattr("cati.container.build_services", lambda url: services)
    base = ["--user", "sanne", "--password-stdin", "report", "@" + ESCAPED]
    assert run(db_url, [*base, "--format", "xlsx", "--out", str(tmp_path / "r.xlsx")], monkeypatch,
               "welkom-sanne\n") == 0
    assert b"<f>" not in formulas(tmp_path / "r.xlsx")
    assert any(t.startswith("@" + ESCAPED) for t in texts(tmp_path / "r.xlsx")), texts(tmp_path / "r.xlsx")
    assert run(db_url, [*base, "--format", "csv", "--out", str(tmp_path / "r.csv")], monkeypatch,
               "welkom-sanne\n") == 0
    text = (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert "Totaal;13;5;38,5;6,9;ja" in text and not any(line.startswith(("=", "@", "+")) for line in text.splitlines())


def test_export_with_contact_data_and_an_escape_code_in_a_name(services, db_url, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.report_data import build_scenario

    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    sc = build_scenario(services)
    with services.db.engine.begin() as conn:
        ids = conn.execute(sa.text("SELECT id FROM client ORDER BY id")).scalars().all()
        conn.execute(sa.text("UPDATE client SET name = :n WHERE id = :i"), {"n": ESCAPED, "i": ids[0]})
        conn.execute(sa.text("UPDATE client SET name = :n WHERE id <> :i"), {"n": EVIL, "i": ids[0]})
    supervisor = sc.people.supervisor
    xlsx = services.exports.export(supervisor, tmp_path / "x.xlsx", providers=["Werkpad Re-integratie"],
                                   with_contact=True, fmt="xlsx")
    assert b"<f>" not in formulas(xlsx.data_file)
    assert {ESCAPED, EVIL} & texts(xlsx.data_file)
    plain = services.exports.export(supervisor, tmp_path / "x.csv", providers=["Werkpad Re-integratie"],
                                    with_contact=True)
    with plain.data_file.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["client_name"] for r in rows} <= {"'" + EVIL, ESCAPED}
    assert all(r["phone"].startswith("'+31") for r in rows if r["phone"])


def test_audit_export(services, tmp_path) -> None:  # type: ignore[no-untyped-def]
    services.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
    admin = services.users.login("admin", "admin-wachtwoord")
    services.users.add_user(admin, "=cmd|'/C", "een-lang-wachtwoord", {Role.SUPERVISOR})
    services.users.login("=cmd|'/C", "een-lang-wachtwoord")
    out = tmp_path / "audit.csv"
    services.audit.export_csv(admin, out)
    with out.open(encoding="utf-8", newline="") as fh:
        users = {r["user"] for r in csv.DictReader(fh)}
    assert "'=cmd|'/C" in users and "=cmd|'/C" not in users
