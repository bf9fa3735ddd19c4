"""Shared fixtures: real databases (SQLite files and the PostgreSQL server scripts/test starts)."""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from cati.accounts.rules.passwords import ScryptCost

if TYPE_CHECKING:
    from cati.platform.container import Services

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BACKENDS = ("sqlite", "postgresql")
PG_ENV = "CATI_TEST_PG_URL"


class FakeClock:
    """A clock the test moves by hand: rules are tested at exact times, never by sleeping."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _pg_base_url() -> str | None:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CATI_REQUIRE_PG"):
            pytest.fail(f"{PG_ENV} is not set but CATI_REQUIRE_PG is: PostgreSQL tests must run")
        pytest.skip("no PostgreSQL server: run ./scripts/test, which starts one")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty schema on the test PostgreSQL server, dropped afterwards."""
    import sqlalchemy as sa

    base = _pg_base_url()
    assert base
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'cati.sqlite'}"


@pytest.fixture(params=BACKENDS)
def db_url(request) -> str:  # type: ignore[no-untyped-def]
    """An empty database on each backend: the test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


#: The scrypt cost of the users the fixtures make: about a thousandth of production's, so that making
#: and logging in users costs next to nothing. A test-only choice, passed explicitly: ``UserService``
#: refuses it outside pytest, and the password tests check the production cost (docs/design.md).
FIXTURE_PASSWORD_COST = ScryptCost(n=2**4, r=8, p=1)


@pytest.fixture
def make_services() -> Iterator[Callable[..., Services]]:
    """``build_services`` for tests: the same services, with cheap scrypt for the users they add.
    ``make_services(url, clock=..., upgrade=...)``; disposed at the end of the test."""
    from cati.platform.container import build_services

    made: list[Services] = []

    def make(url: str, **kwargs: Any) -> Services:
        kwargs.setdefault("password_cost", FIXTURE_PASSWORD_COST)
        made.append(build_services(url, **kwargs))
        return made[-1]

    yield make
    for services in made:
        services.db.dispose()


@pytest.fixture
def services(db_url: str, clock: FakeClock, make_services: Callable[..., Services]) -> Services:
    """Every service on ``db_url``, with the fixture ``clock`` and cheap scrypt."""
    return make_services(db_url, clock=clock)


# -- a per-backend tally at the end, so the output shows both databases ran ----------------
_tally: Counter[tuple[str, str]] = Counter()


def pytest_runtest_logreport(report):  # type: ignore[no-untyped-def]
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    for backend in BACKENDS:
        if f"[{backend}" in report.nodeid or f"-{backend}]" in report.nodeid or f"-{backend}-" in report.nodeid:
            _tally[(backend, report.outcome)] += 1


def pytest_terminal_summary(terminalreporter):  # type: ignore[no-untyped-def]
    if not _tally:
        return
    terminalreporter.section("database backends")
    for backend in BACKENDS:
        parts = [f"{_tally[(backend, o)]} {o}" for o in ("passed", "failed", "skipped") if _tally[(backend, o)]]
        terminalreporter.write_line(f"{backend}: {', '.join(parts) or 'no tests'}")
