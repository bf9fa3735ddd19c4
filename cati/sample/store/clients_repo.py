"""Queries and bulk writes for providers, clients, phone numbers and call cases (issue 4).

Bulk inserts use Core ``insert`` statements with executemany ("insertmanyvalues"): a 100,000-row client
file goes in as a few hundred multi-row INSERTs instead of 100,000 ORM flushes. Parameter lists are cut
in chunks so no statement exceeds SQLite's or PostgreSQL's bound-parameter limits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.orm import Session

from cati.platform import do_not_call
from cati.platform.database import keys_of
from cati.platform.models import (
    CallCase,
    Client,
    ImportBatch,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
)
from cati.sample.rules.phones import NUMBER_DO_NOT_CALL

T = TypeVar("T")
CHUNK = 5000  # rows per executemany call (the driver pages them further)
IN_CHUNK = 2000  # values per IN (...) list


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


# -- providers and periods ------------------------------------------------------------------------
def provider_by_name(s: Session, name: str) -> Provider | None:
    return s.scalar(select(Provider).where(func.lower(Provider.name) == name.strip().lower()))


def period_of(s: Session, provider_id: int, start: date, end: date) -> MeasurementPeriod | None:
    return s.scalar(select(MeasurementPeriod).where(
        MeasurementPeriod.provider_id == provider_id,
        MeasurementPeriod.start_date == start,
        MeasurementPeriod.end_date == end,
    ))


def latest_period(s: Session, provider_id: int) -> MeasurementPeriod | None:
    return s.scalar(select(MeasurementPeriod).where(MeasurementPeriod.provider_id == provider_id)
                    .order_by(MeasurementPeriod.start_date.desc(), MeasurementPeriod.id.desc()).limit(1))


def clients_per_period(s: Session) -> dict[int, int]:
    rows = s.execute(select(Client.period_id, func.count()).group_by(Client.period_id))
    return {pid: n for pid, n in rows}


def cases_per_period(s: Session) -> dict[tuple[int, str], int]:
    rows = s.execute(select(CallCase.period_id, CallCase.queue, func.count())
                     .group_by(CallCase.period_id, CallCase.queue))
    return {(pid, q): n for pid, q, n in rows}


# -- what earlier imports of a period hold --------------------------------------------------------
class KnownPhones:
    """Who had a number in a period (E.164 -> client number), looked up by the number's hash."""

    def __init__(self, s: Session, by_hash: dict[str, str]) -> None:
        self._key = keys_of(s).number_hash
        self._by_hash = by_hash

    def get(self, e164: str, /) -> str | None:
        return self._by_hash.get(self._key(e164))


def known_clients(s: Session, period_id: int) -> tuple[set[str], KnownPhones]:
    """Client numbers of the period, and who had each of its phone numbers that are not purged."""
    numbers = set(s.scalars(select(Client.client_number).where(Client.period_id == period_id)))
    phones: dict[str, str] = {}
    rows = s.execute(select(PhoneNumber.e164_hash, Client.client_number)
                     .join(Client, PhoneNumber.client_id == Client.id)
                     .where(Client.period_id == period_id, PhoneNumber.e164_hash.is_not(None),
                            PhoneNumber.e164.is_not(None))
                     .order_by(PhoneNumber.id))
    for number_hash, client_number in rows:
        if number_hash is not None:
            phones.setdefault(number_hash, client_number)
    return numbers, KnownPhones(s, phones)


def previous_import(s: Session, period_id: int, sha256: str) -> ImportBatch | None:
    return s.scalar(select(ImportBatch).where(ImportBatch.period_id == period_id, ImportBatch.sha256 == sha256)
                    .order_by(ImportBatch.id).limit(1))


# -- one import per period at a time -------------------------------------------------------------
IMPORT_LOCK = 0x63617469  # "cati": the first key of the import's advisory lock, the period id the second


def lock_period_for_import(s: Session, period_id: int, wait_seconds: int) -> None:
    """Make a second import into the same period wait for the first (PostgreSQL: a transaction-scoped
    advisory lock, released at commit or rollback; it waits at most ``wait_seconds``, then the database
    raises a lock timeout). SQLite needs nothing: the import's unit of work holds the database's write
    lock from BEGIN."""
    if s.get_bind().dialect.name != "postgresql":
        return
    s.execute(text(f"SET LOCAL lock_timeout = '{int(wait_seconds)}s'"))
    s.execute(text("SELECT pg_advisory_xact_lock(CAST(:k AS integer), CAST(:p AS integer))"),
              {"k": IMPORT_LOCK, "p": period_id})
    s.execute(text("SET LOCAL lock_timeout = 0"))


def batch_counts(s: Session, batch_id: int) -> tuple[int, int]:
    """(clients, call cases) the database holds for one import batch."""
    clients = s.scalar(select(func.count()).select_from(Client).where(Client.import_id == batch_id)) or 0
    cases = s.scalar(select(func.count()).select_from(CallCase).join(Client, CallCase.client_id == Client.id)
                     .where(Client.import_id == batch_id)) or 0
    return int(clients), int(cases)


# -- the do-not-call list (cati.platform.do_not_call) -----------------------------------------------
def apply_do_not_call(s: Session, numbers: Sequence[str]) -> tuple[int, set[int]]:
    """Mark active phone numbers on the list ``do_not_call``. Returns (numbers marked, the clients
    they belong to: the call service ends their open cases that have no active number left)."""
    marked = 0
    clients: set[int] = set()
    hashes = sorted({do_not_call.number_key(s, n) for n in numbers if n})
    for part in chunks(hashes, IN_CHUNK):
        hits = s.execute(select(PhoneNumber.id, PhoneNumber.client_id)
                         .where(PhoneNumber.e164_hash.in_(part), PhoneNumber.status == "active")).all()
        if not hits:
            continue
        ids = [h[0] for h in hits]
        clients.update(h[1] for h in hits)
        for id_part in chunks(ids, IN_CHUNK):
            s.execute(update(PhoneNumber).where(PhoneNumber.id.in_(id_part))
                      .values(status="do_not_call", final_outcome=NUMBER_DO_NOT_CALL),
                      execution_options={"synchronize_session": False})
        marked += len(ids)
    return marked, clients


# -- bulk inserts ---------------------------------------------------------------------------------
def allocate_ids(s: Session, model: Any, n: int) -> list[int]:
    """``n`` new primary keys for ``model``'s table, to insert with explicit ids (no RETURNING, which
    is slow for big batches). PostgreSQL: from the table's sequence. SQLite: after the highest id; safe
    because imports run in a write transaction (``unit_of_work(immediate=True)``) that holds the lock."""
    if n <= 0:
        return []
    table = model.__table__
    if s.get_bind().dialect.name == "postgresql":
        rows = s.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        )
        return [int(r[0]) for r in rows]
    start = int(s.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) + 1
    return list(range(start, start + n))


def insert_rows(s: Session, model: Any, rows: Sequence[dict[str, Any]],
                check: Callable[[], None] | None = None) -> None:
    """Core executemany inserts in chunks; ``check()`` between chunks may raise to stop (and roll back)."""
    table = model.__table__
    conn = s.connection()
    if conn.dialect.name == "postgresql" and rows:
        _copy_rows(conn, table.name, list(rows[0]), rows, check)
        return
    if conn.dialect.name == "sqlite" and rows:
        _sqlite_rows(conn, table, list(rows[0]), rows, check)
        return
    for part in chunks(rows):
        if check is not None:
            check()
        conn.execute(insert(table), list(part))


def _sqlite_rows(conn: Any, table: Any, columns: list[str], rows: Sequence[dict[str, Any]],
                 check: Callable[[], None] | None) -> None:
    """SQLite: the statement compiled once, values through the columns' own bind processors, then the
    driver's executemany on the unit of work's connection (same transaction). Skips SQLAlchemy's
    per-row parameter handling, which is most of the time for 100,000 rows."""
    dialect = conn.dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=columns)
    names = list(compiled.positiontup or [])
    assert set(names) == set(columns), (names, columns)
    procs = [table.c[n].type.bind_processor(dialect) for n in names]
    cursor = conn.connection.driver_connection.cursor()
    try:
        for part in chunks(rows):
            if check is not None:
                check()
            cursor.executemany(str(compiled), [
                tuple(proc(row[n]) if proc else row[n] for n, proc in zip(names, procs, strict=True))
                for row in part
            ])
    finally:
        cursor.close()


def _copy_rows(conn: Any, table: str, columns: list[str], rows: Sequence[dict[str, Any]],
               check: Callable[[], None] | None) -> None:
    """PostgreSQL: COPY ... FROM STDIN on the unit of work's own connection (same transaction)."""
    raw = conn.connection.driver_connection
    cols = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cur:
        for part in chunks(rows):
            if check is not None:
                check()
            with cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in part:
                    copy.write_row([row[c] for c in columns])


def period_client_count(s: Session, period_id: int) -> int:
    return int(s.scalar(select(func.count()).select_from(Client).where(Client.period_id == period_id)) or 0)


def provider_period_pairs(s: Session) -> list[tuple[Provider, list[MeasurementPeriod]]]:
    providers = list(s.scalars(select(Provider).order_by(func.lower(Provider.name))))
    periods = list(s.scalars(select(MeasurementPeriod).order_by(MeasurementPeriod.start_date)))
    by_provider: dict[int, list[MeasurementPeriod]] = {}
    for mp in periods:
        by_provider.setdefault(mp.provider_id, []).append(mp)
    return [(p, by_provider.get(p.id, [])) for p in providers]

