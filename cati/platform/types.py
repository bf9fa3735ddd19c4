"""Column types shared by the models: UTC datetimes that work the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from cati.platform.keys import SealedText, seal, sealing_key, unseal


class UTCDateTime(TypeDecorator[datetime]):
    """Stores an aware datetime as UTC; always returns an aware UTC datetime.

    SQLite has no time zones, so values are stored naive-in-UTC there; PostgreSQL gets
    ``timestamp with time zone``. Naive datetimes are refused: every time in cati is aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: cati stores aware datetimes only")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Sealed(TypeDecorator[str]):
    """Contact data (a name, a phone number, an e-mail address), stored sealed with its measurement
    period's key (:mod:`cati.platform.keys`) and read back as text: None when the key is gone.

    A value written must be sealed already (``keys.seal``), or written inside
    ``keys.sealing(period key)``; plain text written outside it is refused, so contact data never
    reaches the disk readable. "" and None are stored as they are."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if not value or isinstance(value, SealedText):
            return value
        key_id = sealing_key()
        if key_id is None:
            raise ValueError("contact data must be sealed with its period's key (cati.platform.keys.sealing)")
        return seal(value, key_id)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return unseal(value)


def utcnow() -> datetime:
    return datetime.now(UTC)
