"""The login throttle: how long a login must wait after failures, by the name typed and by the source.

Two counters are kept for every failed login (``login_throttle`` rows):

- the **name** typed, normalised, *at this source*: whether or not such a user exists, so the
  throttle never tells which names are real, and someone at another desk cannot lock a colleague
  out by typing the colleague's name;
- the **source** (the machine and operating-system user the login comes from): one source guessing
  many names is slowed down too, later (a shared desk sees its users' typing errors).

A login waits for the longer of the two; the message is the same for every name. A successful login
clears the name's counter at that source (not the source's: a guesser who knows one password
should not get its guesses back). An admin sees the lock-outs and may clear one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

NAME_FREE_FAILURES = 3  # the first failures of a name cost no waiting
SOURCE_FREE_FAILURES = 10  # a source gets more: several people type at one desk
MAX_WAIT_SECONDS = 300
#: failures older than this no longer count (a counter that was not used for a day starts again)
FORGET_AFTER = timedelta(hours=24)
MESSAGE_WAIT = "Te veel mislukte pogingen. Probeer het over {seconds} seconden opnieuw."


def delay_seconds(failures: int, free: int) -> int:
    """The wait after ``failures`` failures in a row when the first ``free`` cost nothing: 1, 2, 4 …
    seconds, at most five minutes."""
    if failures < free:
        return 0
    return int(min(2 ** (failures - free), MAX_WAIT_SECONDS))


def name_key(username: str, source: str) -> str:
    """The counter of a name typed at a source (case and surrounding spaces do not matter)."""
    return f"name:{username.strip().casefold()[:80]}@{source[:80]}"


def source_key(source: str) -> str:
    return f"source:{source[:120]}"


def free_of(key: str) -> int:
    return SOURCE_FREE_FAILURES if key.startswith("source:") else NAME_FREE_FAILURES


@dataclass(frozen=True)
class Counter:
    key: str
    failures: int
    last_failed_at: datetime | None

    def current(self, now: datetime) -> int:
        """The failures that still count."""
        if self.last_failed_at is None or now - self.last_failed_at >= FORGET_AFTER:
            return 0
        return self.failures

    def blocked_until(self, now: datetime) -> datetime | None:
        """Until when a login through this counter must wait, or None."""
        wait = delay_seconds(self.current(now), free_of(self.key))
        if not wait or self.last_failed_at is None:
            return None
        until = self.last_failed_at + timedelta(seconds=wait)
        return until if until > now else None


def wait_seconds(counters: list[Counter], now: datetime) -> int:
    """How many seconds (rounded up) the longest of these counters still makes a login wait."""
    untils = [u for c in counters if (u := c.blocked_until(now)) is not None]
    if not untils:
        return 0
    left = (max(untils) - now).total_seconds()
    return max(1, int(-(-left // 1)))
