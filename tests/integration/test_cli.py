"""The CLI on both backends: demo, users, logins from stdin, JSON output."""

from __future__ import annotations

import io
import json

import pytest

from cati.cli import main


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_demo_prints_logins_and_refuses_a_second_time(db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["--db", db_url, "demo", "--seed", "3", "--clients", "20"], monkeypatch) == 0
    out = capsys.readouterr().out
    for user in ("anna", "sanne", "femke", "admin"):
        assert user in out
    assert "welkom-admin" in out
    assert run(["--db", db_url, "demo"], monkeypatch) == 2
    assert "al aanbieders" in capsys.readouterr().err


def test_user_commands_need_a_login(db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["--db", db_url, "user", "add", "root", "--role", "admin"], monkeypatch, "root-wachtwoord\n") == 0
    # a second user needs an admin login: name and password from stdin
    assert run(["--db", db_url, "--user", "root", "--password-stdin", "user", "add", "anna", "--role",
                "interviewer"], monkeypatch, "root-wachtwoord\nanna-wachtwoord\n") == 0
    capsys.readouterr()
    assert run(["--db", db_url, "--user", "root", "user", "list", "--format", "json"], monkeypatch,
               "root-wachtwoord\n") == 0
    users = json.loads(capsys.readouterr().out)
    assert [(u["username"], u["roles"]) for u in users] == [("anna", ["interviewer"]), ("root", ["admin"])]
    assert "wachtwoord" not in json.dumps(users)
    # an interviewer is refused by the service, not just hidden
    assert run(["--db", db_url, "--user", "anna", "user", "list"], monkeypatch, "anna-wachtwoord\n") == 3
    assert "geweigerd" in capsys.readouterr().err
    assert run(["--db", db_url, "--user", "anna", "user", "list"], monkeypatch, "fout\n") == 2


def test_token_from_environment(db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["--db", db_url, "user", "add", "root", "--role", "admin"], monkeypatch, "root-wachtwoord\n") == 0
    capsys.readouterr()
    assert run(["--db", db_url, "--user", "root", "user", "token", "root"], monkeypatch, "root-wachtwoord\n") == 0
    token = capsys.readouterr().out.strip()
    monkeypatch.setenv("CATI_TOKEN", token)
    assert run(["--db", db_url, "audit", "list", "--format", "json"], monkeypatch) == 0
    actions = [e["action"] for e in json.loads(capsys.readouterr().out)]
    assert "token_create" in actions and "user_add" in actions
