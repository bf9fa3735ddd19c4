"""The login throttle's rule (accounts.rules.throttle): by name at a source and by source alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cati.accounts.rules.throttle import (
    FORGET_AFTER,
    MAX_WAIT_SECONDS,
    Counter,
    delay_seconds,
    name_key,
    source_key,
    wait_seconds,
)

NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)


def test_delays_grow_from_the_free_failures_on_and_stop_at_five_minutes() -> None:
    assert [delay_seconds(n, 3) for n in range(8)] == [0, 0, 0, 1, 2, 4, 8, 16]
    assert [delay_seconds(n, 10) for n in (9, 10, 11)] == [0, 1, 2]
    assert delay_seconds(40, 3) == MAX_WAIT_SECONDS == 300


def test_a_name_is_one_counter_whatever_its_case_and_spaces_and_per_source() -> None:
    assert name_key(" Anna ", "desk1") == name_key("anna", "desk1") != name_key("anna", "desk2")
    assert source_key("desk1") != name_key("desk1", "desk1")
    assert len(name_key("x" * 500, "y" * 500)) <= 200 and len(source_key("z" * 500)) <= 200


def test_the_longest_wait_of_name_and_source_counts() -> None:
    name = Counter(name_key("anna", "desk1"), 5, NOW - timedelta(seconds=1))  # 4 s after the 5th failure
    source = Counter(source_key("desk1"), 12, NOW - timedelta(seconds=1))  # 4 s after the 12th
    assert wait_seconds([name], NOW) == 3
    assert wait_seconds([source], NOW) == 3
    longer = Counter(source_key("desk1"), 14, NOW)  # 16 s
    assert wait_seconds([name, longer], NOW) == 16
    assert wait_seconds([Counter(name_key("anna", "desk1"), 2, NOW)], NOW) == 0  # still free
    assert wait_seconds([], NOW) == 0


def test_old_failures_are_forgotten_and_a_past_wait_is_over() -> None:
    stale = Counter(name_key("anna", "desk1"), 30, NOW - FORGET_AFTER)
    assert stale.current(NOW) == 0 and wait_seconds([stale], NOW) == 0
    over = Counter(name_key("anna", "desk1"), 4, NOW - timedelta(seconds=3))  # waited 2 s of 2
    assert wait_seconds([over], NOW) == 0
