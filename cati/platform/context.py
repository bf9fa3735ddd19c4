"""What every service gets from the composition root: the database and a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cati.platform.database import Database


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServiceContext:
    db: Database
    clock: Callable[[], datetime] = field(default=system_clock)

    def now(self) -> datetime:
        return self.clock()
