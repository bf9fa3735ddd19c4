"""The audit trail as a hash chain: every row stores the hash of the row before it and of its own
content, so an update, a deleted or replaced row, or an emptied trail shows (``cati audit verify``).

A database owner can always change a table; the chain makes it visible. The first row's hash is kept
apart (``database_info.audit_genesis``): a trail emptied and started again does not begin with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

GENESIS = "0" * 64  # the "previous hash" of the first row


@dataclass(frozen=True)
class ChainRow:
    """One audit row as stored."""

    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    object_type: str
    object_id: str
    detail: str
    prev_hash: str | None
    row_hash: str | None


def row_hash(prev_hash: str, at: datetime, user_id: int | None, username: str, action: str, object_type: str,
             object_id: str, detail: str) -> str:
    """SHA-256 over the previous row's hash and this row's content, in one canonical form."""
    text = json.dumps([prev_hash, at.astimezone(UTC).isoformat(), user_id, username, action, object_type,
                       object_id, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def hash_of(row: ChainRow) -> str:
    return row_hash(row.prev_hash or "", row.at, row.user_id, row.username, row.action, row.object_type,
                    row.object_id, row.detail)


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold: the row (None: the trail as a whole) and why (Dutch)."""

    row_id: int | None
    reason: str

    def __str__(self) -> str:
        return self.reason if self.row_id is None else f"regel {self.row_id}: {self.reason}"


def verify(rows: Iterable[ChainRow], genesis: str | None) -> tuple[int, Break | None]:
    """Walk the rows in id order: (rows checked, the first break or None). ``genesis``: the first
    row's hash as kept apart when the trail began (None: the trail never began)."""
    prev = GENESIS
    count = 0
    for row in rows:
        count += 1
        if row.prev_hash != prev:
            if count == 1:
                return count, Break(row.id, "het spoor begint niet bij zijn eerste regel: het begin is verwijderd")
            return count, Break(row.id, "de regel ervoor ontbreekt of is vervangen (de schakel klopt niet)")
        if row.row_hash != hash_of(row):
            return count, Break(row.id, "de inhoud is gewijzigd of de regel is vervangen")
        if count == 1 and genesis is not None and row.row_hash != genesis:
            return count, Break(row.id, "het spoor is leeggemaakt en opnieuw begonnen (de eerste regel is een andere)")
        prev = row.row_hash
    if count == 0 and genesis is not None:
        return 0, Break(None, "het spoor is leeggemaakt: er was een eerste regel, nu is er geen enkele")
    return count, None
