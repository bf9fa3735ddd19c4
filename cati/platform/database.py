"""Engine, unit of work and schema upgrade.

One :class:`Database` per process, made by the composition root. Every user action runs in one
``with db.unit_of_work() as session:`` block: it commits on success and rolls back on any error.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

from cati.platform import models_billing as _billing_tables  # noqa: F401  (registers the billing tables)
from cati.platform.failures import transient
from cati.platform.keys import KeyFileError, KeyStore, key_file_path, store_for
from cati.platform.models import DatabaseInfo, MeasurementPeriod

ENV_URL = "CATI_DATABASE_URL"
#: how often :meth:`Database.retrying` runs a transaction the database ended for a deadlock or a
#: serialization failure
TRIES = 5
T = TypeVar("T")
#: a pooled server connection that sat unused this long is pinged before it is used again (a
#: restarted server or a dropped network connection is then found and replaced); a busy one is not
PING_AFTER_IDLE_SECONDS = 5.0
#: SQLite: how long a transaction waits for another process's write lock before "database is locked"
#: (a unit of work may ask for longer: ``unit_of_work(wait_seconds=…)``, logins and imports do)
WRITE_WAIT_SECONDS = 30


def default_sqlite_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("cati", "cati")) / "cati.sqlite"


def resolve_url(url: str | None = None) -> str:
    """The database URL: an explicit one, else ``CATI_DATABASE_URL``, else the embedded SQLite file."""
    if url:
        return normalise_url(url)
    env = os.environ.get(ENV_URL)
    if env:
        return normalise_url(env)
    path = default_sqlite_path()
    return f"sqlite:///{path}"


def normalise_url(url: str) -> str:
    """Accept a plain file path for SQLite and ``postgresql://`` for psycopg 3."""
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def describe_url(url: str) -> str:
    """The URL as shown to users: no password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite {parsed.database}"
    return str(parsed.set(password="***" if parsed.password else None).render_as_string(hide_password=True))


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    # Let SQLAlchemy's "begin" event below emit BEGIN, so we can ask for BEGIN IMMEDIATE.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={WRITE_WAIT_SECONDS * 1000}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA secure_delete=ON")  # deleted and overwritten content is zeroed, not left in free space
    cur.close()
    record.info["busy_ms"] = WRITE_WAIT_SECONDS * 1000


def _idle_since(_dbapi_connection: Any, record: Any) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_when_idle(engine: Engine) -> Any:
    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:  # the pool replaces the connection and tries again
            raise DisconnectionError(str(exc)) from exc

    return checkout


def _sqlite_begin(conn: Any) -> None:
    options = conn.get_execution_options()
    wait_ms = int(options.get("sqlite_wait_ms", WRITE_WAIT_SECONDS * 1000))
    if conn.info.get("busy_ms") != wait_ms:  # this transaction waits longer (or again the default)
        conn.exec_driver_sql(f"PRAGMA busy_timeout={wait_ms}")
        conn.info["busy_ms"] = wait_ms
    if options.get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


class Database:
    """The engine and session factory for one database URL."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = resolve_url(url)
        parsed: URL = make_url(self.url)
        self.backend = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:  # instead of pool_pre_ping, which costs a round trip on every checkout
            event.listen(self.engine, "checkin", _idle_since)
            event.listen(self.engine, "checkout", _ping_when_idle(self.engine))
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info={"db": self})
        self._keys: KeyStore | None = None
        self._period_keys: dict[int, str] = {}  # period id -> key id, once read

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    def describe(self) -> str:
        return describe_url(self.url)

    @contextmanager
    def unit_of_work(self, *, immediate: bool = False, wait_seconds: float | None = None) -> Iterator[Session]:
        """One transaction. ``immediate`` takes SQLite's write lock at BEGIN (for claims);
        ``wait_seconds`` is how long SQLite waits for another process's write lock (default
        ``WRITE_WAIT_SECONDS``). On PostgreSQL writers do not lock each other out this way: a unit of
        work that must wait for another one takes its own lock (the import's advisory lock)."""
        if self._keys is None:
            self._load_keys()
        session = self._sessions()
        try:
            if self.is_sqlite and (immediate or wait_seconds):
                options: dict[str, Any] = {"sqlite_immediate": immediate}
                if wait_seconds:
                    options["sqlite_wait_ms"] = int(wait_seconds * 1000)
                session.connection(execution_options=options)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def retrying(self, work: Callable[[Session], T], *, immediate: bool = False, tries: int = TRIES) -> T:
        """``work`` in one unit of work, run again (from the start, in a new transaction) when the
        database ends it for a deadlock or a serialization failure, or SQLite stays locked: such a
        transaction changed nothing, so running it again is safe. ``work`` must only touch the
        database (no other side effects). Raises the last error after ``tries`` attempts."""
        for attempt in range(1, tries + 1):
            try:
                with self.unit_of_work(immediate=immediate) as s:
                    return work(s)
            except DBAPIError as exc:
                if attempt == tries or not transient(exc):  # cati.platform.failures
                    raise
                time.sleep(min(0.5, 0.01 * 2**attempt) * (0.5 + random.random()))
        raise AssertionError("unreachable")

    def is_lock_timeout(self, exc: BaseException) -> bool:
        """Whether a database error is "waited for a lock and gave up" (SQLite: database is locked;
        PostgreSQL: lock_not_available, from ``lock_timeout``)."""
        from cati.platform.failures import lock_timeout

        return lock_timeout(exc)

    def upgrade(self) -> None:
        """Create or upgrade the schema to the newest migration."""
        from cati.platform.migrate import upgrade

        upgrade(self)

    @property
    def keys(self) -> KeyStore:
        """This database's key file (:mod:`cati.platform.keys`): read once, made when the database has
        none yet; :class:`KeyFileError` when it is lost or another database's."""
        if self._keys is None:
            with self.engine.begin() as conn:
                self._keys = store_for(conn)
        return self._keys

    def key_file_path(self) -> Path:
        """Where this database's key file belongs (whether or not it is there)."""
        with self.engine.begin() as conn:
            return key_file_path(conn)

    def _load_keys(self) -> None:
        """Before a unit of work: read the key file (its own short transaction; inside another one it
        could wait for that one's write lock). A database without its schema yet, or whose key file is
        lost, goes on: what needs the keys asks :attr:`keys`, which says what is wrong."""
        try:
            self.keys  # noqa: B018 - loads the key file
        except (KeyFileError, OperationalError, ProgrammingError):
            pass

    def period_key(self, s: Session, period_id: int) -> str:
        """The key id of a period's contact data; made (in the key file first) when it has none.
        :class:`KeyFileError` when the period's key is gone (purged, or the key file replaced)."""
        known = self._period_keys.get(period_id)
        if known is not None and self.keys.has(known):
            return known
        period = s.get(MeasurementPeriod, period_id)
        if period is not None and period.key_id is None and not self.is_sqlite:
            # the first one to seal for this period makes its key; others wait for it (no lock otherwise:
            # the period row is locked before case rows, never after)
            period = s.get(MeasurementPeriod, period_id, with_for_update=True, populate_existing=True)
        if period is None:
            raise ValueError(f"measurement period {period_id} does not exist")
        if period.purged_at is not None:
            raise KeyFileError(f"Meetperiode {period_id} is gewist; er kunnen geen contactgegevens meer bij.")
        if period.key_id is None:
            period.key_id = self.keys.new_period_key()
            s.flush()
        elif not self.keys.has(period.key_id):
            raise KeyFileError(f"De sleutel van meetperiode {period_id} ontbreekt in {self.keys.path}; "
                               "de contactgegevens van deze periode zijn niet meer te lezen.")
        self._period_keys[period_id] = period.key_id
        return period.key_id

    def compact(self, tables: tuple[str, ...] = ("client", "phone_number", "call_attempt", "appointment")) -> None:
        """After contact data was deleted (a purge): SQLite rewrites the file without free pages and
        empties the WAL; PostgreSQL VACUUMs ``tables`` (their dead rows become free space). What is
        left on disk was sealed with a destroyed key either way (:mod:`cati.platform.keys`)."""
        if self.is_sqlite:  # on the driver's connection: outside any transaction (it is in autocommit)
            raw = self.engine.raw_connection()
            try:
                cur = raw.cursor()
                for stmt in ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"):
                    cur.execute(stmt)
                cur.close()
            finally:
                raw.close()
            return
        with self.engine.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")
            for table in tables:
                conn.exec_driver_sql(f'VACUUM "{table}"')

    def info(self, key: str) -> str | None:
        with self.unit_of_work() as s:
            row = s.get(DatabaseInfo, key)
            return row.value if row else None

    def set_info(self, key: str, value: str) -> None:
        with self.unit_of_work() as s:
            row = s.get(DatabaseInfo, key)
            if row is None:
                s.add(DatabaseInfo(key=key, value=value))
            else:
                row.value = value

    def is_test_database(self) -> bool:
        return self.info("test_database") == "yes"

    def table_names(self) -> list[str]:
        from sqlalchemy import inspect

        return sorted(inspect(self.engine).get_table_names())

    def dispose(self) -> None:
        self.engine.dispose()



def database_of(s: Session) -> Database:
    """The database a session (made by :meth:`Database.unit_of_work`) works on."""
    db = s.info.get("db")
    if not isinstance(db, Database):
        raise RuntimeError("a session made by Database.unit_of_work is needed for the keys")
    return db


def keys_of(s: Session) -> KeyStore:
    """The key file of the database a session works on."""
    return database_of(s).keys
