"""contact data sealed with a key per measurement period; numbers looked up by keyed hash

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-06

- ``measurement_period.key_id``: the id of the key (in the database's key file, outside the
  database) its clients' names, numbers, e-mail addresses and call notes are sealed with.
- ``phone_number.e164_hash``: the number's keyed hash, which look-ups use (the do-not-call list, the
  call order); the index on the number itself goes (a sealed value is never looked up).
- PostgreSQL: the sealed columns become ``text`` (a sealed value is longer than the plain one).
- Rows written before this revision are sealed here, each period with a new key; plain do-not-call
  entries become hashes. A database without contact data gets its key file on first use.

Downgrade reads every sealed value back to plain text (NULL where its key is gone) and gives the
number-hash key back to the database (``database_info.dnc_secret``), where older versions look for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from alembic import op

from cati.platform.keys import (
    INFO_CHECK,
    LEGACY_SECRET,
    KeyFileError,
    KeyStore,
    is_sealed,
    seal,
    store_for,
    unseal,
)

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 2000
SEALED = (("client", "name", 300), ("client", "email", 300), ("phone_number", "e164", 20),
          ("call_attempt", "note", None), ("appointment", "note", None))


def _has_contact_data(conn: sa.Connection) -> bool:
    probes = ("SELECT 1 FROM client WHERE name IS NOT NULL OR email IS NOT NULL",
              "SELECT 1 FROM phone_number WHERE e164 IS NOT NULL",
              "SELECT 1 FROM call_attempt WHERE note <> ''",
              "SELECT 1 FROM appointment WHERE note <> ''",
              "SELECT 1 FROM do_not_call")
    return any(conn.execute(sa.text(q + " LIMIT 1")).first() is not None for q in probes)


def _write(conn: sa.Connection, sql: str, rows: Iterable[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            conn.execute(sa.text(sql), batch)
            batch = []
    if batch:
        conn.execute(sa.text(sql), batch)


def _seal_rows(conn: sa.Connection, store: KeyStore) -> None:
    periods = {pid for (pid,) in conn.execute(sa.text(
        "SELECT DISTINCT period_id FROM client WHERE name IS NOT NULL OR email IS NOT NULL "
        "OR id IN (SELECT client_id FROM phone_number WHERE e164 IS NOT NULL) "
        "UNION SELECT DISTINCT period_id FROM call_case WHERE id IN "
        "(SELECT case_id FROM call_attempt WHERE note <> '' UNION SELECT case_id FROM appointment WHERE note <> '')"))}
    key_of: dict[int, str] = {}
    for pid in sorted(periods):
        key_of[pid] = store.new_period_key()
        conn.execute(sa.text("UPDATE measurement_period SET key_id = :k WHERE id = :p"), {"k": key_of[pid], "p": pid})

    def sealed(value: str | None, pid: int) -> str | None:
        return value if not value or is_sealed(value) else seal(value, key_of[pid])

    clients = conn.execute(sa.text("SELECT id, period_id, name, email FROM client "
                                   "WHERE name IS NOT NULL OR email IS NOT NULL")).all()
    _write(conn, "UPDATE client SET name = :n, email = :e WHERE id = :id",
           ({"id": i, "n": sealed(n, p), "e": sealed(e, p)} for i, p, n, e in clients))
    phones = conn.execute(sa.text("SELECT ph.id, c.period_id, ph.e164 FROM phone_number ph "
                                  "JOIN client c ON c.id = ph.client_id WHERE ph.e164 IS NOT NULL")).all()
    _write(conn, "UPDATE phone_number SET e164 = :n, e164_hash = :h WHERE id = :id",
           ({"id": i, "n": sealed(n, p), "h": store.number_hash(n)} for i, p, n in phones if not is_sealed(n)))
    for table in ("call_attempt", "appointment"):
        notes = conn.execute(sa.text(f"SELECT t.id, cc.period_id, t.note FROM {table} t "  # noqa: S608 - fixed names
                                     "JOIN call_case cc ON cc.id = t.case_id WHERE t.note <> ''")).all()
        _write(conn, f"UPDATE {table} SET note = :n WHERE id = :id",  # noqa: S608 - fixed names
               ({"id": i, "n": sealed(n, p)} for i, p, n in notes))
    plain = conn.execute(sa.text("SELECT e164, source, added_at FROM do_not_call WHERE e164 NOT LIKE 'h:%'")).all()
    hashed = {h for (h,) in conn.execute(sa.text("SELECT e164 FROM do_not_call WHERE e164 LIKE 'h:%'"))}
    for number, source, added_at in plain:
        key = store.number_hash(number)
        if key not in hashed:
            hashed.add(key)
            conn.execute(sa.text("INSERT INTO do_not_call (e164, source, added_at) VALUES (:k, :s, :a)"),
                         {"k": key, "s": source, "a": added_at})
        conn.execute(sa.text("DELETE FROM do_not_call WHERE e164 = :n"), {"n": number})


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("measurement_period", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
    with op.batch_alter_table("phone_number", schema=None) as batch_op:
        batch_op.add_column(sa.Column("e164_hash", sa.String(length=20), nullable=True))
        batch_op.drop_index(batch_op.f("ix_phone_number_e164"))
        batch_op.create_index(batch_op.f("ix_phone_number_e164_hash"), ["e164_hash"], unique=False)
    if postgres:
        for table, column, _length in SEALED:
            op.alter_column(table, column, type_=sa.Text())
    conn = op.get_bind()
    if _has_contact_data(conn):
        _seal_rows(conn, store_for(conn))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM database_info WHERE key = :k"), {"k": INFO_CHECK}).first() is not None:
        try:
            store: KeyStore | None = store_for(conn)
        except KeyFileError:
            store = None  # the key file is lost: what was sealed stays unreadable (NULL)
        for table, column, _length in SEALED:
            rows = conn.execute(sa.text(f"SELECT id, {column} FROM {table} "  # noqa: S608 - fixed names
                                        f"WHERE {column} LIKE 's1:%'")).all()
            empty = "''" if column == "note" else "NULL"
            _write(conn, f"UPDATE {table} SET {column} = COALESCE(:v, {empty}) WHERE id = :id",  # noqa: S608
                   ({"id": i, "v": unseal(v) if store else None} for i, v in rows))
        if store is not None:
            conn.execute(sa.text("INSERT INTO database_info (key, value) VALUES (:k, :v)"),
                         {"k": LEGACY_SECRET, "v": store.hash_key_hex})
        conn.execute(sa.text("DELETE FROM database_info WHERE key = :k"), {"k": INFO_CHECK})
    if conn.dialect.name == "postgresql":
        for table, column, length in SEALED:
            if length is not None:
                op.alter_column(table, column, type_=sa.String(length=length))
    # plain ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35 too): a batch copy of measurement_period would drop a
    # table other rows refer to, which SQLite's foreign keys refuse
    op.drop_index("ix_phone_number_e164_hash", table_name="phone_number")
    op.create_index("ix_phone_number_e164", "phone_number", ["e164"], unique=False)
    op.execute("ALTER TABLE phone_number DROP COLUMN e164_hash")
    op.execute("ALTER TABLE measurement_period DROP COLUMN key_id")
