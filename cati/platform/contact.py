"""How contact data is written: sealed with its period's key, numbers with their keyed hash.

Every writer of names, e-mail addresses, phone numbers and notes (the import above all) takes a
:class:`ContactSealer` for the period, so the rule lives here once (:mod:`cati.platform.keys`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from cati.platform.database import database_of
from cati.platform.keys import seal


@dataclass(frozen=True)
class ContactSealer:
    key_id: str
    number_hash: Callable[[str], str]

    def text(self, value: str | None) -> str | None:
        """A name, an e-mail address or a note, sealed ("" and None stay as they are)."""
        return seal(value, self.key_id)

    def number(self, e164: str | None) -> dict[str, Any]:
        """The ``phone_number`` columns of a number: ``e164`` sealed, ``e164_hash`` to look it up by."""
        if e164 is None:
            return {"e164": None, "e164_hash": None}
        return {"e164": seal(e164, self.key_id), "e164_hash": self.number_hash(e164)}


def contact_sealer(s: Session, period_id: int) -> ContactSealer:
    """The sealer of a period's contact data (its key made when it has none)."""
    db = database_of(s)
    return ContactSealer(db.period_key(s, period_id), db.keys.number_hash)
