"""The do-not-call list. Plain E.164 numbers, or, for numbers of purged clients, a keyed hash.

A purged client's opt-out must keep working without keeping the number readable: the entry's key
becomes ``h:`` + HMAC-SHA256(database secret, number). Look-ups check both forms.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.platform.models import DatabaseInfo, DoNotCall

_SECRET_KEY = "dnc_secret"


def _secret(s: Session) -> bytes:
    row = s.get(DatabaseInfo, _SECRET_KEY)
    if row is None:
        row = DatabaseInfo(key=_SECRET_KEY, value=secrets.token_hex(32))
        s.add(row)
        s.flush()
    return bytes.fromhex(row.value)


def _key(secret: bytes, e164: str) -> str:
    # 18 hex digits (72 bits) fit the 20-character column
    return "h:" + hmac.new(secret, e164.encode("ascii"), hashlib.sha256).hexdigest()[:18]


def hashed_key(s: Session, e164: str) -> str:
    return _key(_secret(s), e164)


def contains(s: Session, numbers: Iterable[str]) -> set[str]:
    """The numbers (E.164) among ``numbers`` that are on the do-not-call list, in either form."""
    wanted = {n for n in numbers if n}
    if not wanted:
        return set()
    secret = _secret(s)
    keys = {n: _key(secret, n) for n in wanted}
    found = set(s.scalars(select(DoNotCall.e164).where(DoNotCall.e164.in_([*wanted, *keys.values()]))))
    return {n for n in wanted if n in found or keys[n] in found}


def hash_entries(s: Session, numbers: Iterable[str]) -> int:
    """Replace plain entries for these numbers by their keyed hash. Returns how many changed."""
    changed = 0
    secret = _secret(s)
    for n in {n for n in numbers if n}:
        row = s.get(DoNotCall, n)
        if row is None:
            continue
        key = _key(secret, n)
        if s.get(DoNotCall, key) is None:
            s.add(DoNotCall(e164=key, source=row.source, added_at=row.added_at))
        s.delete(row)
        changed += 1
    s.flush()
    return changed
