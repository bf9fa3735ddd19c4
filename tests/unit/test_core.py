"""What every feature shares: money (exact, one way to read and show it) and the bureau's local time."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.core import localtime
from cati.core.money import MoneyError, format_euro, from_cents, parse_amount, plain, round_cents, to_cents


def test_money_is_read_exactly() -> None:
    assert parse_amount("42.50") == Decimal("42.50") == parse_amount("42,50") == parse_amount("€ 42,5")
    assert parse_amount("1.042,50") == Decimal("1042.50") == parse_amount("€\u00a01.042,50")
    assert parse_amount(Decimal("3")) == Decimal("3.00") and parse_amount(0.1) == Decimal("0.10")
    for bad in ("", "abc", "-1", "1,234", "NaN", "Infinity", "4.225"):
        with pytest.raises(MoneyError):
            parse_amount(bad)


def test_money_in_cents_and_back() -> None:
    assert to_cents(Decimal("42.25")) == 4225 and from_cents(4225) == Decimal("42.25")
    assert round_cents(Decimal("21.125")) == Decimal("21.13")
    with pytest.raises(ValueError):
        to_cents(Decimal("0.001"))


def test_money_is_shown_the_dutch_way_or_plainly() -> None:
    assert format_euro(Decimal("1234.5")) == "€ 1.234,50"
    assert format_euro(Decimal("-42.25")) == "€ -42,25"
    assert format_euro(Decimal("1234567.89"), dutch=False) == "€ 1,234,567.89"
    assert plain(Decimal("1234.5")) == "1234.50"


def test_one_time_zone_for_the_calendar_and_the_rest() -> None:
    assert localtime.zone().key == SchedulerSettings.load().calendar.timezone == "Europe/Amsterdam"


def test_local_days_follow_daylight_saving() -> None:
    start, end = localtime.days_bounds(date(2026, 3, 29), date(2026, 3, 29))  # the clocks go forward
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC) and end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert localtime.local_day(datetime(2026, 3, 28, 23, 30, tzinfo=UTC)) == date(2026, 3, 29)
    assert localtime.format_local(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)) == "01-07-2026 14:00"
    assert localtime.format_local(None) == ""
    with pytest.raises(ValueError):
        localtime.local(datetime(2026, 7, 1, 12, 0))
