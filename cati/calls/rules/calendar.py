"""Calling windows, day parts and Dutch public holidays.

Rules are local wall-clock times (Europe/Amsterdam by default, DST-correct through zoneinfo);
every datetime going in must be timezone-aware, every datetime coming out is aware UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.easter import EASTER_WESTERN, easter

from cati.core.localtime import DEFAULT_ZONE

WEEKDAYS: tuple[str, ...] = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

HOLIDAY_NAMES: dict[str, str] = {
    "nieuwjaarsdag": "Nieuwjaarsdag",
    "goede_vrijdag": "Goede Vrijdag",
    "eerste_paasdag": "Eerste Paasdag",
    "tweede_paasdag": "Tweede Paasdag",
    "koningsdag": "Koningsdag",
    "bevrijdingsdag": "Bevrijdingsdag",
    "hemelvaartsdag": "Hemelvaartsdag",
    "eerste_pinksterdag": "Eerste Pinksterdag",
    "tweede_pinksterdag": "Tweede Pinksterdag",
    "eerste_kerstdag": "Eerste Kerstdag",
    "tweede_kerstdag": "Tweede Kerstdag",
}
DEFAULT_CLOSED_HOLIDAYS: frozenset[str] = frozenset(HOLIDAY_NAMES) - {"goede_vrijdag"}
_SEARCH_DAYS = 800  # how far ahead to look for an open window before giving up


class CalendarError(ValueError):
    """Invalid calendar settings, a naive datetime, or no calling window at all."""


@dataclass(frozen=True, order=True)
class TimeRange:
    """Local wall-clock range [start, end)."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise CalendarError(f"time range {self} must end after it starts")

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end

    @classmethod
    def parse(cls, text: object, where: str) -> TimeRange:
        if not isinstance(text, str) or text.count("-") != 1:
            raise CalendarError(f"{where}: expected \"HH:MM-HH:MM\" text, got {text!r}")
        start, end = (part.strip() for part in text.split("-"))
        try:
            return cls(time.fromisoformat(start), time.fromisoformat(end))
        except ValueError as exc:
            raise CalendarError(f"{where}: {exc}") from exc

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _weekday_windows() -> tuple[tuple[TimeRange, ...], ...]:
    weekday = (TimeRange(time(9), time(21)),)
    return (weekday, weekday, weekday, weekday, weekday, (TimeRange(time(10), time(16)),), ())


DEFAULT_DAY_PARTS: tuple[tuple[str, TimeRange], ...] = (
    ("morning", TimeRange(time(9), time(12))),
    ("afternoon", TimeRange(time(12), time(17))),
    ("evening", TimeRange(time(17), time(21))),
)


def ensure_aware(moment: datetime, name: str = "datetime") -> datetime:
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        raise CalendarError(f"{name} must be timezone-aware, got naive {moment.isoformat()}")
    return moment


# ---------------------------------------------------------------- holidays


def easter_sunday(year: int) -> date:
    """Gregorian (western) Easter Sunday, as python-dateutil computes it."""
    return easter(year, EASTER_WESTERN)


def kings_day(year: int) -> date:
    """Koningsdag: 27 April, or 26 April when the 27th is a Sunday (from 2014;
    before: Koninginnedag 30 April, 29 April when that is a Sunday)."""
    day = date(year, 4, 27) if year >= 2014 else date(year, 4, 30)
    return day - timedelta(days=1) if day.weekday() == 6 else day


def dutch_holidays(year: int) -> dict[str, date]:
    """All known Dutch public holidays of `year`, keyed as in HOLIDAY_NAMES."""
    easter = easter_sunday(year)
    return {
        "nieuwjaarsdag": date(year, 1, 1),
        "goede_vrijdag": easter - timedelta(days=2),
        "eerste_paasdag": easter,
        "tweede_paasdag": easter + timedelta(days=1),
        "koningsdag": kings_day(year),
        "bevrijdingsdag": date(year, 5, 5),
        "hemelvaartsdag": easter + timedelta(days=39),
        "eerste_pinksterdag": easter + timedelta(days=49),
        "tweede_pinksterdag": easter + timedelta(days=50),
        "eerste_kerstdag": date(year, 12, 25),
        "tweede_kerstdag": date(year, 12, 26),
    }


# ---------------------------------------------------------------- calendar


@dataclass(frozen=True)
class CallingCalendar:
    timezone: str = DEFAULT_ZONE  # the bureau's zone: cati.core.localtime reads the same setting
    windows: tuple[tuple[TimeRange, ...], ...] = field(default_factory=_weekday_windows)
    day_parts: tuple[tuple[str, TimeRange], ...] = DEFAULT_DAY_PARTS
    closed_holidays: frozenset[str] = DEFAULT_CLOSED_HOLIDAYS
    bevrijdingsdag_lustrum_only: bool = False
    extra_closed_dates: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if len(self.windows) != 7:
            raise CalendarError("calling_windows: need one entry per weekday (7)")
        unknown = self.closed_holidays - set(HOLIDAY_NAMES)
        if unknown:
            raise CalendarError(f"holidays.closed: unknown holiday {sorted(unknown)[0]!r}")
        if not self.day_parts:
            raise CalendarError("day_parts: at least one day part is needed")
        try:
            ZoneInfo(self.timezone)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError
            raise CalendarError(f"timezone: unknown time zone {self.timezone!r}") from exc

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> CallingCalendar:
        """Build from the calendar keys of scheduling.yaml (missing keys keep defaults)."""
        kwargs: dict[str, Any] = {}
        if "timezone" in data:
            kwargs["timezone"] = str(data["timezone"])
        if "calling_windows" in data:
            raw = data["calling_windows"]
            if not isinstance(raw, Mapping) or set(raw) != set(WEEKDAYS):
                raise CalendarError(f"calling_windows: need exactly the keys {', '.join(WEEKDAYS)}")
            windows = []
            for day in WEEKDAYS:
                ranges = raw[day] or []
                if not isinstance(ranges, list):
                    raise CalendarError(f"calling_windows.{day}: expected a list of \"HH:MM-HH:MM\"")
                windows.append(tuple(sorted(TimeRange.parse(r, f"calling_windows.{day}") for r in ranges)))
            kwargs["windows"] = tuple(windows)
        if "day_parts" in data:
            raw_parts = data["day_parts"]
            if not isinstance(raw_parts, Mapping):
                raise CalendarError("day_parts: expected a mapping name -> \"HH:MM-HH:MM\"")
            kwargs["day_parts"] = tuple(
                (str(name), TimeRange.parse(text, f"day_parts.{name}")) for name, text in raw_parts.items()
            )
        holidays = data.get("holidays")
        if holidays is not None:
            if not isinstance(holidays, Mapping):
                raise CalendarError("holidays: expected a mapping")
            if "closed" in holidays:
                kwargs["closed_holidays"] = frozenset(str(h) for h in holidays["closed"] or [])
            if "bevrijdingsdag_lustrum_only" in holidays:
                kwargs["bevrijdingsdag_lustrum_only"] = bool(holidays["bevrijdingsdag_lustrum_only"])
            extra = holidays.get("extra_closed_dates") or []
            try:
                kwargs["extra_closed_dates"] = frozenset(
                    d if isinstance(d, date) else date.fromisoformat(str(d)) for d in extra
                )
            except ValueError as exc:
                raise CalendarError(f"holidays.extra_closed_dates: {exc}") from exc
        return cls(**kwargs)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        return ensure_aware(moment).astimezone(self.tz)

    def day_bounds(self, moment: datetime) -> tuple[datetime, datetime]:
        """The local calendar day of ``moment``: [its midnight, the next midnight), as aware UTC."""
        day = self.local(moment).date()
        return self.at_local(day, time(0)), self.at_local(day + timedelta(days=1), time(0))

    def at_local(self, day: date, moment: time) -> datetime:
        """Local wall-clock `day moment` as aware UTC."""
        return datetime.combine(day, moment, tzinfo=self.tz).astimezone(UTC)

    # -- closed days

    def holiday_name(self, day: date) -> str | None:
        """Dutch name of the closed holiday on `day`, if any."""
        for key, when in dutch_holidays(day.year).items():
            if when != day or key not in self.closed_holidays:
                continue
            if key == "bevrijdingsdag" and self.bevrijdingsdag_lustrum_only and day.year % 5 != 0:
                continue
            return HOLIDAY_NAMES[key]
        if day in self.extra_closed_dates:
            return "Extra gesloten dag"
        return None

    def closed_holidays_in(self, year: int) -> dict[date, str]:
        result = {}
        for when in sorted(set(dutch_holidays(year).values()) | self.extra_closed_dates):
            name = self.holiday_name(when) if when.year == year else None
            if name is not None:
                result[when] = name
        return result

    def intervals_on(self, day: date, part: str | None = None) -> list[tuple[datetime, datetime]]:
        """Callable [start, end) intervals on local `day` (UTC), optionally only inside `part`."""
        if self.holiday_name(day) is not None:
            return []
        part_range = self.day_part_range(part) if part is not None else None
        result = []
        for window in self.windows[day.weekday()]:
            start, end = window.start, window.end
            if part_range is not None:
                start, end = max(start, part_range.start), min(end, part_range.end)
            if start < end:
                result.append((self.at_local(day, start), self.at_local(day, end)))
        return result

    # -- queries

    def is_callable(self, now: datetime) -> bool:
        local = self.local(now)
        return any(start <= now < end for start, end in self.intervals_on(local.date()))

    def next_window_start(self, after: datetime) -> datetime:
        """Opening time of the first calling window that opens at or after `after`."""
        return self._first(after, None, inside_ok=False)

    def snap(self, moment: datetime) -> datetime:
        """`moment` itself (in UTC) when callable, else the next window start."""
        return self._first(moment, None, inside_ok=True)

    def next_day_part_start(self, part: str, after: datetime) -> datetime:
        """Earliest callable instant >= `after` inside day part `part` (`after` itself if already in it)."""
        self.day_part_range(part)
        return self._first(after, part, inside_ok=True)

    def day_part_of(self, moment: datetime | time) -> str | None:
        """Day part of an aware datetime (judged in local time) or of a local wall-clock time."""
        local_time = self.local(moment).time() if isinstance(moment, datetime) else moment
        for name, span in self.day_parts:
            if span.contains(local_time.replace(tzinfo=None)):
                return name
        return None

    def day_part_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.day_parts)

    def day_part_range(self, part: str) -> TimeRange:
        for name, span in self.day_parts:
            if name == part:
                return span
        raise CalendarError(f"unknown day part {part!r}; known: {', '.join(self.day_part_names())}")

    def _first(self, after: datetime, part: str | None, inside_ok: bool) -> datetime:
        after = self.local(after).astimezone(UTC)
        first_day = self.local(after).date()
        for offset in range(_SEARCH_DAYS):
            for start, end in self.intervals_on(first_day + timedelta(days=offset), part):
                if start >= after:
                    return start
                if inside_ok and start <= after < end:
                    return after
        where = f" in day part {part!r}" if part else ""
        raise CalendarError(f"no calling window{where} within {_SEARCH_DAYS} days after {after.isoformat()}")
