"""Scheduler settings (resources/scheduling.yaml); defaults equal the shipped YAML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cati.calls.rules.calendar import CalendarError, CallingCalendar
from cati.core.paths import resources_dir
from cati.core.yaml_files import load_data_file

DEFAULT_SCHEDULING_PATH = resources_dir() / "scheduling.yaml"

_CALENDAR_KEYS = frozenset({"timezone", "calling_windows", "day_parts", "holidays"})
_INT_KEYS = {
    "max_attempts_per_case": 1,
    "max_attempts_per_number": 1,
    "appointment_own_interviewer_minutes": 0,
    "missed_appointment_grace_minutes": 0,
    "lease_minutes": 1,
    "inburgering_cap": 0,
}


class SettingsError(ValueError):
    """Invalid scheduling settings; the message names the key."""


@dataclass(frozen=True)
class SchedulerSettings:
    calendar: CallingCalendar = field(default_factory=CallingCalendar)
    max_attempts_per_case: int = 8
    max_attempts_per_number: int = 6
    appointment_own_interviewer_minutes: int = 5
    missed_appointment_grace_minutes: int = 30
    lease_minutes: int = 30
    inburgering_cap: int = 25

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> SchedulerSettings:
        """Build from a parsed scheduling.yaml; missing keys keep their defaults."""
        if not isinstance(data, Mapping):
            raise SettingsError("scheduling settings: top level must be a mapping")
        unknown = set(data) - _CALENDAR_KEYS - set(_INT_KEYS)
        if unknown:
            raise SettingsError(f"scheduling settings: unknown key {sorted(unknown)[0]!r}")
        try:
            calendar = CallingCalendar.from_mapping({k: v for k, v in data.items() if k in _CALENDAR_KEYS})
        except CalendarError as exc:
            raise SettingsError(f"scheduling settings: {exc}") from exc
        ints: dict[str, int] = {}
        for key, minimum in _INT_KEYS.items():
            if key not in data:
                continue
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
                raise SettingsError(f"scheduling settings: '{key}' must be a whole number >= {minimum}, got {value!r}")
            ints[key] = value
        return cls(calendar=calendar, **ints)

    @classmethod
    def load(cls, path: Path | str | None = None) -> SchedulerSettings:
        """Load a YAML file (default: the shipped resources/scheduling.yaml), read and checked once per
        version of the file."""
        return load_data_file(path or DEFAULT_SCHEDULING_PATH, _from_yaml)


def _from_yaml(data: Any) -> SchedulerSettings:
    return SchedulerSettings.from_mapping(data or {})
