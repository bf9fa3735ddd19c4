from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from cati.calls.rules.calendar import (
    CalendarError,
    CallingCalendar,
    dutch_holidays,
    easter_sunday,
    kings_day,
)
from cati.calls.rules.scheduling_settings import SchedulerSettings, SettingsError

CAL = CallingCalendar()
AMS = CAL.tz


def ams(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=AMS)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [(8, 59, False), (9, 0, True), (20, 59, True), (21, 0, False), (13, 30, True), (23, 0, False)],
)
def test_weekday_window_edges(hour: int, minute: int, expected: bool) -> None:
    assert CAL.is_callable(ams(2026, 3, 11, hour, minute)) is expected  # a Wednesday


@pytest.mark.parametrize(
    ("hour", "minute", "expected"), [(9, 59, False), (10, 0, True), (15, 59, True), (16, 0, False)]
)
def test_saturday_window_edges(hour: int, minute: int, expected: bool) -> None:
    assert CAL.is_callable(ams(2026, 3, 14, hour, minute)) is expected


def test_sunday_closed_all_day() -> None:
    assert not any(CAL.is_callable(ams(2026, 3, 15, h)) for h in range(24))


def test_next_window_start_and_snap() -> None:
    assert CAL.next_window_start(ams(2026, 3, 11, 8, 0)) == ams(2026, 3, 11, 9, 0)
    assert CAL.next_window_start(ams(2026, 3, 11, 21, 0)) == ams(2026, 3, 12, 9, 0)
    # Friday evening -> Saturday 10:00; Saturday afternoon -> Monday 09:00
    assert CAL.next_window_start(ams(2026, 3, 13, 21, 30)) == ams(2026, 3, 14, 10, 0)
    assert CAL.next_window_start(ams(2026, 3, 14, 16, 0)) == ams(2026, 3, 16, 9, 0)
    # inside a window: snap keeps the moment, next_window_start goes to the next opening
    assert CAL.snap(ams(2026, 3, 11, 14, 0)) == ams(2026, 3, 11, 14, 0)
    assert CAL.next_window_start(ams(2026, 3, 11, 14, 0)) == ams(2026, 3, 12, 9, 0)
    assert CAL.snap(ams(2026, 3, 11, 14, 0)).tzinfo is UTC


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2000, date(2000, 4, 23)), (2019, date(2019, 4, 21)), (2024, date(2024, 3, 31)),
     (2025, date(2025, 4, 20)), (2026, date(2026, 4, 5)), (2038, date(2038, 4, 25)), (2285, date(2285, 3, 22))],
)
def test_easter_sunday(year: int, expected: date) -> None:
    assert easter_sunday(year) == expected


@pytest.mark.parametrize("easter_monday", [date(2024, 4, 1), date(2025, 4, 21), date(2026, 4, 6)])
def test_easter_monday_is_closed(easter_monday: date) -> None:
    assert CAL.holiday_name(easter_monday) == "Tweede Paasdag"
    assert not CAL.is_callable(ams(easter_monday.year, easter_monday.month, easter_monday.day, 10))
    next_day = ams(easter_monday.year, easter_monday.month, easter_monday.day + 1, 9)
    assert CAL.next_window_start(ams(easter_monday.year, easter_monday.month, easter_monday.day, 10)) == next_day


def test_kings_day_moves_to_saturday_when_27_april_is_sunday() -> None:
    assert kings_day(2025) == date(2025, 4, 26)  # 27 April 2025 is a Sunday
    assert kings_day(2026) == date(2026, 4, 27)
    assert not CAL.is_callable(ams(2025, 4, 26, 11))  # Saturday, normally open
    assert CAL.is_callable(ams(2025, 4, 19, 11))  # the Saturday before is open
    assert not CAL.is_callable(ams(2026, 4, 27, 11))  # Monday
    assert CAL.is_callable(ams(2026, 4, 28, 11))


def test_other_holidays_2026() -> None:
    h = dutch_holidays(2026)
    assert h["hemelvaartsdag"] == date(2026, 5, 14)
    assert (h["eerste_pinksterdag"], h["tweede_pinksterdag"]) == (date(2026, 5, 24), date(2026, 5, 25))
    assert h["goede_vrijdag"] == date(2026, 4, 3)
    for closed in (date(2026, 1, 1), date(2026, 5, 14), date(2026, 5, 25), date(2026, 12, 25), date(2026, 12, 26)):
        assert CAL.holiday_name(closed) is not None, closed
    assert CAL.holiday_name(date(2026, 4, 3)) is None  # Goede Vrijdag open by default
    assert CAL.is_callable(ams(2026, 4, 3, 10))


def test_goede_vrijdag_can_be_closed_by_setting() -> None:
    cal = CallingCalendar(closed_holidays=frozenset({"goede_vrijdag"}))
    assert not cal.is_callable(ams(2026, 4, 3, 10))


def test_bevrijdingsdag_every_year_or_lustrum_only() -> None:
    assert not CAL.is_callable(ams(2026, 5, 5, 10))
    lustrum = CallingCalendar(bevrijdingsdag_lustrum_only=True)
    assert lustrum.is_callable(ams(2026, 5, 5, 10))
    assert not lustrum.is_callable(ams(2025, 5, 5, 10))


def test_extra_closed_dates_from_settings() -> None:
    settings = SchedulerSettings.from_mapping({"holidays": {"extra_closed_dates": ["2026-12-31"]}})
    assert not settings.calendar.is_callable(ams(2026, 12, 31, 10))
    assert settings.calendar.holiday_name(date(2026, 12, 25)) == "Eerste Kerstdag"


def test_spring_forward_night_2026() -> None:
    # Sunday 29 March 2026 02:00 CET -> 03:00 CEST. Saturday 16:00 CET -> Monday 09:00 CEST = 07:00 UTC.
    assert CAL.next_window_start(ams(2026, 3, 28, 16, 0)) == utc(2026, 3, 30, 7, 0)
    assert CAL.is_callable(utc(2026, 3, 30, 7, 0))
    assert not CAL.is_callable(utc(2026, 3, 30, 6, 59))
    # the Friday before: 09:00 CET = 08:00 UTC
    assert not CAL.is_callable(utc(2026, 3, 27, 7, 30))
    assert CAL.is_callable(utc(2026, 3, 27, 8, 0))


def test_fall_back_night_2026() -> None:
    # Sunday 25 October 2026 03:00 CEST -> 02:00 CET. Monday 09:00 CET = 08:00 UTC.
    assert CAL.next_window_start(ams(2026, 10, 24, 16, 0)) == utc(2026, 10, 26, 8, 0)
    assert not CAL.is_callable(utc(2026, 10, 26, 7, 30))
    assert CAL.is_callable(utc(2026, 10, 26, 8, 0))
    assert CAL.is_callable(utc(2026, 10, 24, 13, 59))  # Saturday 15:59 CEST
    assert not CAL.is_callable(utc(2026, 10, 24, 14, 0))


def test_day_parts() -> None:
    assert CAL.day_part_of(time(8, 59)) is None
    assert CAL.day_part_of(time(9, 0)) == "morning"
    assert CAL.day_part_of(time(11, 59)) == "morning"
    assert CAL.day_part_of(time(12, 0)) == "afternoon"
    assert CAL.day_part_of(time(17, 0)) == "evening"
    assert CAL.day_part_of(time(21, 0)) is None
    # aware datetimes are judged in local time: 16:30 UTC in summer = 18:30 CEST
    assert CAL.day_part_of(utc(2026, 6, 10, 16, 30)) == "evening"


def test_next_day_part_start() -> None:
    wed = ams(2026, 3, 11, 10, 0)
    assert CAL.next_day_part_start("evening", wed) == ams(2026, 3, 11, 17, 0)
    assert CAL.next_day_part_start("morning", wed) == wed  # already inside
    assert CAL.next_day_part_start("morning", ams(2026, 3, 11, 12, 0)) == ams(2026, 3, 12, 9, 0)
    # Saturday has no evening (window 10-16): Friday 21:00 -> Monday 17:00
    assert CAL.next_day_part_start("evening", ams(2026, 3, 13, 21, 0)) == ams(2026, 3, 16, 17, 0)
    # Saturday morning starts at 10:00, when the window opens
    assert CAL.next_day_part_start("morning", ams(2026, 3, 13, 21, 0)) == ams(2026, 3, 14, 10, 0)
    with pytest.raises(CalendarError, match="unknown day part"):
        CAL.next_day_part_start("night", wed)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(CalendarError, match="timezone-aware"):
        CAL.is_callable(datetime(2026, 3, 11, 10, 0))


def test_shipped_yaml_equals_code_defaults(settings: SchedulerSettings) -> None:
    assert settings == SchedulerSettings()
    assert settings.calendar.timezone == "Europe/Amsterdam"
    assert settings.max_attempts_per_case == 8 and settings.max_attempts_per_number == 6
    assert settings.lease_minutes == 30 and settings.inburgering_cap == 25


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"lease_minutes": 0}, "'lease_minutes'"),
        ({"max_attempts_per_case": "8"}, "'max_attempts_per_case'"),
        ({"colour": 1}, "unknown key 'colour'"),
        ({"day_parts": {"morning": 900}}, "day_parts.morning"),
        ({"holidays": {"closed": ["carnaval"]}}, "carnaval"),
        ({"timezone": "Mars/Olympus"}, "Mars/Olympus"),
        ({"calling_windows": {"monday": ["09:00-21:00"]}}, "calling_windows"),
    ],
)
def test_invalid_settings(data: dict[str, object], fragment: str) -> None:
    with pytest.raises(SettingsError) as info:
        SchedulerSettings.from_mapping(data)
    assert fragment in str(info.value)
