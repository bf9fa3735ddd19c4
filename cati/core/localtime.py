"""The bureau's local time: one time zone for every date and time cati shows or counts by day.

The zone is the ``timezone`` of the calling calendar's settings (``resources/scheduling.yaml``),
the one place it is set; times are stored in UTC everywhere and turned local only here (and in the
calling calendar, which is built from the same setting).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from cati.core.paths import resources_dir
from cati.core.yaml_files import safe_load

DEFAULT_ZONE = "Europe/Amsterdam"


@lru_cache(maxsize=1)
def zone() -> ZoneInfo:
    """The bureau's time zone (``timezone`` in ``scheduling.yaml``; Europe/Amsterdam when unset)."""
    path = resources_dir() / "scheduling.yaml"
    name = DEFAULT_ZONE
    if path.is_file():
        data = safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict) and data.get("timezone"):
            name = str(data["timezone"])
    return ZoneInfo(name)


def local(moment: datetime) -> datetime:
    """An aware time in the bureau's zone."""
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: cati works with aware datetimes only")
    return moment.astimezone(zone())


def local_day(moment: datetime) -> date:
    """The bureau's calendar day of ``moment``."""
    return local(moment).date()


def day_start(day: date) -> datetime:
    """Local midnight at the start of ``day``, as aware UTC."""
    return datetime.combine(day, time(0), zone()).astimezone(UTC)


def days_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC bounds [start, end) of the local days ``first``..``last`` (inclusive)."""
    return day_start(first), day_start(last + timedelta(days=1))


def format_local(moment: datetime | None, pattern: str = "%d-%m-%Y %H:%M") -> str:
    """A time as the bureau reads it (Dutch day-month-year by default); empty for None."""
    return "" if moment is None else local(moment).strftime(pattern)
