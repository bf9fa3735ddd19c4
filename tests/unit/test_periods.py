from datetime import date

import pytest

from cati.sample.rules.periods import PeriodError, format_period, parse_period


def test_parse_period() -> None:
    assert parse_period(" 2020-04-01..2021-03-31 ") == (date(2020, 4, 1), date(2021, 3, 31))
    assert format_period(date(2021, 1, 1), date(2021, 12, 31)) == "2021-01-01..2021-12-31"
    for bad in ("2021-01-01", "2021-01-01..2021-13-01", "2021-12-31..2021-01-01", "1-1-2021..31-12-2021"):
        with pytest.raises(PeriodError):
            parse_period(bad)
