"""Every error a user can meet ends in one clear line and a documented exit code (issue 14, README "Exit
codes"): a database locked longer than the wait, PostgreSQL unreachable or going away in the middle of
work (also in `cati simulate`), a full disk. Real parts only: a second SQLite connection holding the
write lock, a PostgreSQL backend terminated by the server, a file-size limit set on a real process."""

from __future__ import annotations

import io
import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from cati.accounts.rules.roles import Role
from cati.accounts.service import users as users_module
from cati.cli import failure_exit, main
from cati.platform.failures import EXIT_BUSY, EXIT_DATABASE, EXIT_DISK, classify

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def one_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def _sanne(make_services: Callable[..., Any], url: str) -> None:
    services = make_services(url)
    services.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
    admin = services.users.login("admin", "admin-wachtwoord")
    services.users.add_user(admin, "sanne", "welkom-sanne", {Role.SUPERVISOR})
    services.db.dispose()


def _hold_write_lock(url: str, seconds: float, ready: threading.Event) -> None:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        ready.set()
        time.sleep(seconds)
        conn.rollback()
    engine.dispose()


def test_a_read_only_command_waits_while_another_process_writes(  # type: ignore[no-untyped-def]
    sqlite_url, monkeypatch, capsys, make_services
) -> None:
    """The login's audit row is written in a transaction that waits for the write lock (SQLite's busy
    timeout): a report asked for while an import saves is not refused because logging in writes."""
    _sanne(make_services, sqlite_url)
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(sqlite_url, 2.0, ready))
    holder.start()
    ready.wait(10)
    code = run(["--db", sqlite_url, "--user", "sanne", "--password-stdin", "provider", "list"], monkeypatch,
               "welkom-sanne\n")
    holder.join()
    assert code == 0, capsys.readouterr().err


def test_a_lock_held_longer_than_the_wait_is_one_line(  # type: ignore[no-untyped-def]
    sqlite_url, monkeypatch, capsys, make_services
) -> None:
    _sanne(make_services, sqlite_url)
    monkeypatch.setattr(users_module, "LOGIN_WAIT_SECONDS", 1)
    ready = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(sqlite_url, 4.0, ready))
    holder.start()
    ready.wait(10)
    code = run(["--db", sqlite_url, "--user", "sanne", "--password-stdin", "provider", "list"], monkeypatch,
               "welkom-sanne\n")
    holder.join()
    assert code == EXIT_BUSY
    assert one_line(capsys.readouterr().err).startswith("cati: De database is bezet")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_postgresql_that_cannot_be_reached(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("psycopg")
    url = f"postgresql://cati@127.0.0.1:{_closed_port()}/cati"
    assert run(["--db", url, "--user", "sanne", "--password-stdin", "provider", "list"], monkeypatch,
               "welkom-sanne\n") == EXIT_DATABASE
    line = one_line(capsys.readouterr().err)
    assert "PostgreSQL-server is niet bereikbaar" in line


def _terminate(url: str, application: str | None = None, pids: list[int] | None = None) -> int:
    """Let the server end backends (as a restart or a dropped network would): ours by pid or by name."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if pids is not None:
            stmt, params = "SELECT count(pg_terminate_backend(p)) FROM unnest(CAST(:pids AS int[])) p", {"pids": pids}
        else:
            stmt = ("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :a "
                    "AND pid <> pg_backend_pid()")
            params = {"a": application}
        n = int(conn.execute(sa.text(stmt), params).scalar_one())
    engine.dispose()
    return n


def test_postgresql_going_away_in_the_middle_of_work(pg_url, capsys, make_services) -> None:  # type: ignore[no-untyped-def]
    services = make_services(pg_url)
    services.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
    admin = services.users.login("admin", "admin-wachtwoord")
    with services.db.engine.connect() as conn:
        pid = int(conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())
    assert _terminate(pg_url, pids=[pid]) == 1
    with pytest.raises(sa.exc.DBAPIError) as exc:  # the pooled connection is gone
        services.users.list_users(admin)
    services.db.dispose()
    failure = classify(exc.value)
    assert failure is not None and failure.code == EXIT_DATABASE
    assert failure_exit(exc.value) == EXIT_DATABASE
    assert "verbinding is verbroken" in one_line(capsys.readouterr().err)


@pytest.mark.slow(seconds=14)  # a demo in its own process, then 8 s of simulate
def test_simulate_when_postgresql_goes_away(pg_url) -> None:  # type: ignore[no-untyped-def]
    """The server ends every connection of a running `cati simulate` (its workers' and its own): each worker
    reports it in one line, the command ends with a documented code, nothing prints a traceback."""
    application = f"cati_sim_{uuid.uuid4().hex[:8]}"
    url = f"{pg_url}&application_name={application}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cli = [sys.executable, "-m", "cati.cli", "--db", url]
    subprocess.run([*cli, "demo", "--clients", "30"], check=True, capture_output=True, env=env, timeout=300)
    proc = subprocess.Popen([*cli, "--user", "sanne", "--password-stdin", "simulate", "--workers", "2",
                             "--duration", "8", "--seed", "5"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdin is not None
    proc.stdin.write("welkom-sanne\n")
    proc.stdin.close()
    proc.stdin = None  # written and closed: communicate() only reads
    time.sleep(3)
    killed = 0
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:  # the server keeps ending its connections
        killed += _terminate(pg_url, application)
        time.sleep(0.05)
    out, err = proc.communicate(timeout=300)
    assert killed > 0
    assert "Traceback" not in out + err, out + err
    # a pooled connection found dead is replaced (0); a worker that lost its work says so (1); the command
    # itself losing the database ends in 5: each a documented code, none a traceback
    assert proc.returncode in (0, 1, EXIT_DATABASE), out + err
    errors = [ln for ln in out.splitlines() if ln.startswith("FOUT:")]
    assert all("PostgreSQL-server" in ln or "werker(s) gaven geen resultaat" in ln for ln in errors), errors
    if proc.returncode == EXIT_DATABASE:
        assert one_line(err).startswith("cati: De PostgreSQL-server is niet bereikbaar")


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_a_full_disk_is_one_line(services, db_url, tmp_path, clock) -> None:  # type: ignore[no-untyped-def]
    """The export cannot write its file (the process may not write more than 4 KB, as on a full disk):
    one line, exit code 6, no half-written file left."""
    from tests.integration.report_data import build_scenario

    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    build_scenario(services)
    services.db.dispose()
    out = tmp_path / "uit" / "antwoorden.csv"
    out.parent.mkdir()
    cmd = [sys.executable, "-m", "cati.cli", "--db", db_url, "--user", "sanne", "--password-stdin", "export",
           "Werkpad Re-integratie", "--format", "csv", "--paradata", "--out", str(out)]
    done = subprocess.run(cmd, input="welkom-sanne\n", capture_output=True, text=True, preexec_fn=_limit_file_size,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert done.returncode == EXIT_DISK, done.stdout + done.stderr
    line = one_line(done.stderr)
    assert "vol" in line
    assert list(out.parent.iterdir()) == []


def test_a_fault_in_cati_says_so_shows_its_traceback_and_exits_70(sqlite_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """What no rule classifies is a fault of cati's own: never dressed up as the user's mistake."""
    from cati.cli import main
    from cati.platform.failures import EXIT_INTERNAL

    def broken(_args):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("cati.commands.database.run_init", broken)
    from cati.commands import database

    assert database.run_init is broken
    assert main(["--db", sqlite_url, "init"]) == EXIT_INTERNAL == 70
    err = capsys.readouterr().err
    assert "interne fout" in err and "Traceback" in err and "ZeroDivisionError: a bug" in err
