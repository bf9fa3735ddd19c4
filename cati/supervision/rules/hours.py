"""Hours logged in, per interviewer and local day: every login opens a session that lasts until the
end of the last call attempt started before the next login that day; calls before the day's first
login open a session at their own start. A login without calls counts nothing (a supervisor looking
in, a forgotten window), and a session never runs past its last call."""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date, datetime

from cati.core.localtime import local_day


def logged_in_seconds(logins: list[datetime], attempts: list[tuple[datetime, datetime]]) -> int:
    """The hours-logged-in rule (the module), over the local days, in whole seconds."""
    by_day_logins: dict[date, list[datetime]] = defaultdict(list)
    for at in logins:
        by_day_logins[local_day(at)].append(at)
    sessions: dict[tuple[date, datetime], datetime] = {}  # (day, session start) -> last call end
    for started, ended in sorted(attempts):
        day = local_day(started)
        day_logins = sorted(by_day_logins.get(day, []))
        i = bisect.bisect_right(day_logins, started)
        if i:
            key = (day, day_logins[i - 1])
        else:  # before the day's first login: find the session opened by an earlier such call
            earlier = [k for k in sessions if k[0] == day and (not day_logins or k[1] < day_logins[0])]
            key = min(earlier, key=lambda k: k[1]) if earlier else (day, started)
        sessions[key] = max(sessions.get(key, ended), ended)
    return int(sum((end - start).total_seconds() for (_, start), end in sessions.items() if end > start))
