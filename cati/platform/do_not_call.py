"""The do-not-call list, stored: numbers by their keyed hash, never readable (:mod:`cati.platform.keys`).

One implementation for every feature that reads or adds to it (the import, the do-not-call file, an
outcome that puts a number on it, the queue's summary). SQL that must know whether a number is listed
(the call order) compares ``phone_number.e164_hash`` with ``do_not_call.e164``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.platform.database import keys_of
from cati.platform.models import DoNotCall

IN_CHUNK = 2000  # values per IN (...) list


def number_key(s: Session, e164: str) -> str:
    """What the list and ``phone_number.e164_hash`` hold for a number."""
    return keys_of(s).number_hash(e164)


def listed(s: Session, numbers: Iterable[str]) -> set[str]:
    """The numbers (E.164) among ``numbers`` that are on the list."""
    store = keys_of(s)
    by_key = {store.number_hash(n): n for n in set(numbers) if n}
    if not by_key:
        return set()
    keys = sorted(by_key)
    if (s.scalar(select(func.count()).select_from(DoNotCall)) or 0) <= len(keys):
        # a list no longer than the numbers asked about (a client file's 100,000 against a list of a
        # few thousand): read it whole, one query instead of one per chunk
        found = set(s.scalars(select(DoNotCall.e164))) & set(keys)
    else:
        found = set()
        for i in range(0, len(keys), IN_CHUNK):
            found.update(s.scalars(select(DoNotCall.e164).where(DoNotCall.e164.in_(keys[i:i + IN_CHUNK]))))
    return {by_key[k] for k in found}


def add(s: Session, numbers: Iterable[str], source: str, at: datetime) -> int:
    """Put numbers on the list (those already on it stay as they are). Returns how many were new."""
    wanted = {n for n in numbers if n}
    new = sorted(wanted - listed(s, wanted))
    store = keys_of(s)
    rows = sorted({store.number_hash(n) for n in new})
    for i in range(0, len(rows), IN_CHUNK):
        part = rows[i:i + IN_CHUNK]
        values = [{"e164": k, "source": source[:100], "added_at": at} for k in part]
        if s.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            s.execute(pg_insert(DoNotCall).on_conflict_do_nothing(), values)
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            s.execute(sqlite_insert(DoNotCall).on_conflict_do_nothing(), values)
    return len(new)
