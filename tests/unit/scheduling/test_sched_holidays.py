"""cati's Dutch holidays against the ``holidays`` package (``holidays.NL``) for every year 2000-2100: the
same dates, and the closing policy differs from ``holidays.NL``'s public holidays only where cati chose so."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from cati.calls.rules.calendar import DEFAULT_CLOSED_HOLIDAYS, CallingCalendar, dutch_holidays

YEARS = range(2000, 2101)


def nl(year: int, *categories: str) -> set[date]:
    """The dates ``holidays.NL`` gives for ``year`` (its public holidays unless categories are named)."""
    return set(holidays.NL(years=year, categories=categories or ("public",)))


@pytest.mark.parametrize("year", YEARS)
def test_cati_knows_the_days_holidays_nl_knows(year: int) -> None:
    """Easter and the days that hang on it, King's/Queen's Day moving off a Sunday, the fixed days: the
    same dates. ``holidays.NL`` counts Liberation Day outside lustrum years as "optional"."""
    assert set(dutch_holidays(year).values()) == nl(year, "public", "optional")


def test_the_default_policy_differs_only_where_cati_chose_so() -> None:
    """The known differences of cati's default closing days from ``holidays.NL`` (public), named:
    Good Friday is a public holiday there, but call centres work (cati: open unless a setting closes it);
    Liberation Day is a public holiday there only in lustrum years (cati: closed every year unless
    ``bevrijdingsdag_lustrum_only``). Nothing else, in any year."""
    cal = CallingCalendar()
    good_fridays, liberation_days = 0, 0
    for year in YEARS:
        ours, theirs = set(cal.closed_holidays_in(year)), nl(year)
        days = dutch_holidays(year)
        liberation = {days["bevrijdingsdag"]} if year % 5 else set()
        liberation -= {days["hemelvaartsdag"]}  # in 2016 Ascension Day is on 5 May: closed anyway
        assert ours - theirs == liberation, year
        assert theirs - ours == {days["goede_vrijdag"]}, year
        good_fridays += 1
        liberation_days += len(liberation)
    assert good_fridays == 101 and liberation_days == 79  # 101 years, 80 not lustrum, one of them 2016


def test_with_both_settings_cati_closes_exactly_the_public_holidays_of_holidays_nl() -> None:
    cal = CallingCalendar(closed_holidays=DEFAULT_CLOSED_HOLIDAYS | {"goede_vrijdag"}, bevrijdingsdag_lustrum_only=True)
    for year in YEARS:
        assert set(cal.closed_holidays_in(year)) == nl(year), year
