"""`cati simulate` and `cati queue` through the CLI, on both backends."""

from __future__ import annotations

import io
import json

import pytest

from cati.cli import main


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


@pytest.mark.slow(seconds=3)  # a demo, then two workers until 20 completes
def test_simulate_on_the_demo_database(db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["--db", db_url, "demo", "--clients", "40"], monkeypatch) == 0
    capsys.readouterr()
    code = run(["--db", db_url, "--user", "sanne", "simulate", "--workers", "2", "--completes", "20", "--duration", "60",
                "--seed", "3", "--respond-rate", "0.5"], monkeypatch, "welkom-sanne\n")
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Simulatie: 2 werkers" in out and "Controles: in orde" in out
    assert "purchased" in out or "inburgering" in out
    # the queue summary shows the work done
    assert run(["--db", db_url, "--user", "sanne", "queue", "--format", "json"], monkeypatch, "welkom-sanne\n") == 0
    rows = json.loads(capsys.readouterr().out)
    assert sum(r["cases"] for r in rows) > 0 and sum(r["final"] + r["held_or_partial"] for r in rows) > 0
    assert all(r["completes"] <= 25 for r in rows if r["queue"] == "inburgering")
    # and a case can be explained by its client number
    assert run(["--db", db_url, "--user", "sanne", "queue", "--explain", "K0100001"], monkeypatch,
               "welkom-sanne\n") in (0, 2)
    out = capsys.readouterr()
    assert "zaak" in out.out or "Geen zaak" in out.err


def test_simulate_refuses_a_database_not_marked_as_test(db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["--db", db_url, "user", "add", "root", "--role", "admin"], monkeypatch, "root-wachtwoord\n") == 0
    capsys.readouterr()
    assert run(["--db", db_url, "--user", "root", "simulate", "--workers", "1", "--duration", "1"], monkeypatch,
               "root-wachtwoord\n") == 2
    assert "testdatabase" in capsys.readouterr().err


def test_queue_needs_a_role_that_may_see_progress(db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["--db", db_url, "demo", "--clients", "5"], monkeypatch) == 0
    capsys.readouterr()
    assert run(["--db", db_url, "--user", "anna", "queue"], monkeypatch, "welkom-anna\n") == 3
    assert run(["--db", db_url, "--user", "sanne", "queue", "Werkpad"], monkeypatch, "welkom-sanne\n") == 0
    out = capsys.readouterr().out
    assert "Werkpad Re-integratie" in out and "purchased" in out and "Taalhuis" not in out
