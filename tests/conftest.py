"""Shared fixtures: real databases (SQLite files and the PostgreSQL server scripts/test starts)."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cati.accounts.rules.passwords import TEST_COST_VARIABLE, ScryptCost

if TYPE_CHECKING:
    from cati.container import Services

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if not os.environ.get("CATI_KEY_DIR") and not os.environ.get("CATI_KEY_FILE"):
    # the databases' key files (cati.platform.keys): never in the user's own data directory
    import atexit
    import shutil
    import tempfile

    _KEYS = tempfile.mkdtemp(prefix="cati-keys-")
    os.environ["CATI_KEY_DIR"] = _KEYS
    atexit.register(shutil.rmtree, _KEYS, True)

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


def _schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


class _PgSchemas:
    """Schemas on the test server, one per test, dropped afterwards unless the server is thrown away
    after the run anyway (``CATI_TEST_PG_THROWAWAY``, set by scripts/test)."""

    def __init__(self, base: str) -> None:
        import sqlalchemy as sa

        self.base = base
        self.admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        self.keep = bool(os.environ.get("CATI_TEST_PG_THROWAWAY"))

    def create(self, prefix: str = "t", ddl: str = "") -> tuple[str, str]:
        schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            if ddl:  # in the new schema, in one transaction and one round trip
                script = f'SET search_path TO "{schema}"; BEGIN; {ddl}; COMMIT; RESET search_path'
                conn.exec_driver_sql(script)
        return schema, _schema_url(self.base, schema)

    def drop(self, schema: str) -> None:
        if self.keep:
            return
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


#: what a migrated schema is made of (tables, columns, indexes, constraints, triggers, sequences, and the
#: revision it is at), as one digest: a schema a test left different from this is not used again
_SHAPE_OF_SCHEMA = """
SELECT md5(string_agg(replace(part, :s || '.', ''), '|' ORDER BY part)) FROM (
  SELECT 'r:' || c.relname || ':' || c.relkind::text FROM pg_class c WHERE c.relnamespace = to_regnamespace(:s)
  UNION ALL SELECT 'a:' || c.relname || '.' || a.attname || ':' || format_type(a.atttypid, a.atttypmod) || ':'
         || a.attnotnull || ':' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = to_regnamespace(:s) AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT 'c:' || conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint
   WHERE connamespace = to_regnamespace(:s)
  UNION ALL SELECT 't:' || tgname || ':' || tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = to_regnamespace(:s) AND NOT t.tgisinternal
  UNION ALL SELECT 'i:' || pg_get_indexdef(indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
   WHERE c.relnamespace = to_regnamespace(:s)
  UNION ALL SELECT 'v:' || version_num FROM {schema}.alembic_version
) AS parts(part)
"""


class _PgPool:
    """Migrated schemas for the ``pg_url`` tests of this worker, each used by one test at a time. A new
    schema costs the migrations' DDL (about 0.1 s of the server's time); one a test is done with is
    emptied instead (every table but ``alembic_version``, sequences restarted: a fifth of that, most of
    it to check the make-up) and used again, unless the test changed its make-up (:data:`_SHAPE_OF_SCHEMA`)
    or a connection it left open still holds a lock on it: then it is left alone (or dropped). ``DELETE``,
    not ``TRUNCATE`` (which makes new files, and costs more than the check): the deleted rows' bytes
    stay in the files until the server reuses the space, and the privacy test reads only its own values."""

    def __init__(self, schemas: _PgSchemas, ddl: str) -> None:
        self.schemas, self.ddl = schemas, ddl
        self.free: list[tuple[str, str]] = []
        self.shape: str | None = None

    def _shape(self, conn: Any, schema: str) -> str:
        from sqlalchemy import text

        return str(conn.execute(text(_SHAPE_OF_SCHEMA.replace("{schema}", f'"{schema}"')), {"s": schema}).scalar())

    def take(self) -> tuple[str, str]:
        if self.free:
            return self.free.pop()
        schema, url = self.schemas.create(ddl=self.ddl)
        if self.shape is None:
            with self.schemas.admin.connect() as conn:
                self.shape = self._shape(conn, schema)
        return schema, url

    def give_back(self, schema: str, url: str) -> None:
        try:
            with self.schemas.admin.connect() as conn:
                if self._shape(conn, schema) != self.shape:
                    raise LookupError(f"{schema} is not as the migrations made it")
                tables = conn.exec_driver_sql(
                    "SELECT quote_ident(schemaname) || '.' || quote_ident(tablename) FROM pg_tables "
                    f"WHERE schemaname = '{schema}' AND tablename <> 'alembic_version'").scalars().all()
                conn.exec_driver_sql(  # neither foreign keys nor the audit trail's append-only triggers fire
                    "BEGIN; SET LOCAL lock_timeout = '2s'; SET LOCAL session_replication_role = replica; "
                    + "".join(f"DELETE FROM {table}; " for table in tables) +
                    "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), start_value, false) "
                    f"FROM pg_sequences WHERE schemaname = '{schema}'; COMMIT")
        except Exception:  # changed, or locked by a connection the test left open: not used again
            self.schemas.drop(schema)
            return
        self.free.append((schema, url))


@pytest.fixture(scope="session")
def _pg_schemas() -> Iterator[_PgSchemas]:
    base = _pg_base_url()
    assert base
    schemas = _PgSchemas(base)
    yield schemas
    schemas.admin.dispose()


@pytest.fixture(scope="session")
def _pg_migration(_pg_schemas: _PgSchemas) -> str:
    """The SQL the Alembic migrations ran to bring an empty schema to the newest revision (once per
    worker): replaying it gives each test a migrated schema at the price of the DDL alone."""
    from sqlalchemy import event

    from cati.platform.database import Database

    schema, url = _pg_schemas.create("template")
    db = Database(url)
    statements: list[str] = []

    def capture(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            return  # Alembic looking around: reads change nothing
        if parameters:
            raise AssertionError(f"a migration statement with parameters cannot be replayed: {statement}")
        statements.append(statement.strip())

    event.listen(db.engine, "before_cursor_execute", capture)
    db.upgrade()
    db.dispose()
    _pg_schemas.drop(schema)
    return ";\n".join(statements)


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file the Alembic migrations brought to the newest revision, once per worker."""
    from cati.platform.database import Database

    path = tmp_path_factory.mktemp("template") / "cati.sqlite"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "checkpoint the template's WAL before copying it"
    return path


@pytest.fixture
def empty_pg_url(_pg_schemas: _PgSchemas) -> Iterator[str]:
    """A fresh, empty schema on the test PostgreSQL server, dropped afterwards."""
    schema, url = _pg_schemas.create()
    yield url
    _pg_schemas.drop(schema)


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    """A SQLite file name that does not exist yet."""
    return f"sqlite:///{tmp_path / 'empty.sqlite'}"


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest) -> str:
    """An empty database on each backend, for the migrations themselves."""
    return str(request.getfixturevalue(f"empty_{_fixture_backend(request.param)}_url"))


@pytest.fixture(scope="session")
def _pg_pool(_pg_schemas: _PgSchemas, _pg_migration: str) -> Iterator[_PgPool]:
    pool = _PgPool(_pg_schemas, _pg_migration)
    yield pool
    for schema, _url in pool.free:
        _pg_schemas.drop(schema)


@pytest.fixture
def pg_url(_pg_pool: _PgPool) -> Iterator[str]:
    """A schema of its own on the test PostgreSQL server, at the newest revision and empty; emptied
    afterwards for a next test (:class:`_PgPool`)."""
    schema, url = _pg_pool.take()
    yield url
    _pg_pool.give_back(schema, url)


@pytest.fixture
def sqlite_url(tmp_path: Path, _sqlite_template: Path) -> str:
    """A SQLite file of its own at the newest revision (a copy of the worker's migrated file)."""
    path = tmp_path / "cati.sqlite"
    shutil.copyfile(_sqlite_template, path)
    return f"sqlite:///{path}"


def _fixture_backend(backend: str) -> str:
    return "pg" if backend == "postgresql" else backend


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest) -> str:
    """A database at the newest schema revision on each backend: the test runs once on SQLite and once
    on PostgreSQL. (``empty_db_url`` for an empty one.)"""
    return str(request.getfixturevalue(f"{_fixture_backend(request.param)}_url"))


#: The scrypt cost of the users the tests make: about a thousandth of production's, so that making and
#: logging in users costs next to nothing. A test-only choice: the fixtures pass it, and the environment
#: gives it to every user service the tests do not build themselves (the CLI's, the desk's, simulation
#: workers', a `cati` subprocess's: ``CATI_TEST_SCRYPT_N``). ``UserService`` refuses it outside pytest,
#: and the password tests check the production cost with the variable removed (docs/design.md).
FIXTURE_PASSWORD_COST = ScryptCost(n=2**4, r=8, p=1)
os.environ[TEST_COST_VARIABLE] = str(FIXTURE_PASSWORD_COST.n)


@pytest.fixture
def make_services() -> Iterator[Callable[..., Services]]:
    """``build_services`` for tests: the same services, with cheap scrypt for the users they add.
    ``make_services(url, clock=..., upgrade=...)``; disposed at the end of the test."""
    from cati.container import build_services

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
    """Every service on ``db_url``, with the fixture ``clock`` and cheap scrypt. ``db_url`` is at the newest
    revision already (test_migrations.py checks that), so the app's upgrade on start is skipped."""
    return make_services(db_url, clock=clock, upgrade=False)


# -- the slow tests first, spread over the workers ------------------------------------------
_BACKEND_PARAM = re.compile(r"\b(?:" + "|".join(BACKENDS) + r")\b")


def _same_test(nodeid: str) -> str:
    return _BACKEND_PARAM.sub("", nodeid)


def _units(items: list[pytest.Item]) -> list[list[pytest.Item]]:
    """Consecutive runs of one test on the backends, together (the scheduler below deals them so)."""
    units: list[list[pytest.Item]] = []
    for item in items:
        last = units[-1] if units else []
        if last and len(last) < len(BACKENDS) and _same_test(last[0].nodeid) == _same_test(item.nodeid):
            last.append(item)
        else:
            units.append([item])
    return units


def _seconds(unit: list[pytest.Item]) -> float:
    return sum(float(m.kwargs.get("seconds", 10)) for item in unit for m in item.iter_markers("slow"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The ``slow`` tests (``@pytest.mark.slow(seconds=N)``: processes that run for a set time) first.
    Under xdist they are laid out so that the scheduler below, which deals the first tests out to the
    workers in turn, packs them onto as few workers as the longest one allows (longest first), and the
    quick tests fill in beside them. A slow test runs on PostgreSQL first: SQLite's 8-process claim
    run, whose writers queue for one lock, suffers most from company and comes when the others are done.
    So the other workers take slow tests only for as long as the longest one's first run (PostgreSQL);
    a slow test that fits nowhere else follows the longest on its worker.
    """
    slow = _units([item for item in items if item.get_closest_marker("slow")])
    rest = _units([item for item in items if not item.get_closest_marker("slow")])
    for unit in slow:
        unit.sort(key=lambda item: "postgresql" not in item.nodeid)
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    lanes: list[list[list[pytest.Item]]] = [[] for _ in range(max(1, workers))]
    load = [0.0] * len(lanes)
    by_length = sorted(slow, key=_seconds, reverse=True)
    first_run = _seconds(by_length[0][:1]) if by_length else 0.0  # the longest one's run on PostgreSQL
    for i, unit in enumerate(by_length):  # into as few workers as the longest allows, done before its second run
        fits = [w for w in range(1, len(lanes)) if load[w] + _seconds(unit) <= first_run]
        lane = fits[0] if fits and i else 0
        lanes[lane].append(unit)
        load[lane] += _seconds(unit)
    fill = iter(rest)
    ordered: list[pytest.Item] = []
    for turn in range(max(len(lane) for lane in lanes)):  # worker w gets the w-th unit of each turn
        for lane in lanes:
            ordered.extend(lane[turn] if turn < len(lane) else next(fill, []))
    items[:] = ordered + [item for unit in fill for item in unit]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's work stealing, except for the first deal: instead of consecutive chunks (which gave every
    slow test to the first worker, one after another), the whole collection is dealt out a test at a time
    to the workers in turn, the runs of one test on the two backends together. So the slow tests start
    side by side, yet the two 8-process claim runs never overlap (on 2 cores they starve each other's
    SQLite writers). A worker that runs out takes the last half of the longest queue (quick tests: the
    slow ones come first), so the workers end together. No fixture here is module-scoped: neighbours
    gain nothing from sharing a worker."""
    from xdist.scheduler import WorkStealingScheduling

    class DealtWorkStealing(WorkStealingScheduling):  # type: ignore[misc]
        def schedule(self) -> None:
            if self.collection is not None or not self.collection_is_completed \
                    or not self._check_nodes_have_same_collection():
                return super().schedule()
            self.collection = next(iter(self.node2collection.values()))
            nodes = [node for node in self.node2pending if not node.shutting_down]
            dealt: list[list[int]] = [[] for _ in nodes]
            first, turn = 0, 0
            while first < len(self.collection):
                last = first + 1  # this test's consecutive runs on the other backends go along
                while last < len(self.collection) and last - first < len(BACKENDS) \
                        and _same_test(self.collection[last]) == _same_test(self.collection[first]):
                    last += 1
                dealt[turn % len(nodes)].extend(range(first, last))
                first, turn = last, turn + 1
            self.pending[:] = []
            for node, indices in zip(nodes, dealt, strict=True):
                if indices:
                    self.node2pending[node].extend(indices)
                    node.send_runtest_some(indices)
                else:
                    node.shutdown()

    return DealtWorkStealing(config, log)


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
