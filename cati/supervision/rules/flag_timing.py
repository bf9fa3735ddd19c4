"""The flags on when an interview was worked:

* **changed after the end** (``changed_after_end``): an answer changed after the interview completed.
* **outside calling hours** (``outside_hours``): it began outside the calling windows, or ended more
  than ``outside_grace_minutes`` after one closed.
* **while another case was open** (``other_case``): the interviewer had a call attempt on another
  case during the interview (while it was worked: its sessions).
"""

from __future__ import annotations

from datetime import timedelta

from cati.calls.rules.calendar import CallingCalendar
from cati.supervision.rules.quality_facts import InterviewFacts
from cati.supervision.rules.quality_flags import Flag, FlagCode, raised_by
from cati.supervision.rules.quality_settings import QualitySettings


def changed_after_end(facts: InterviewFacts, calendar: CallingCalendar) -> Flag | None:
    if not facts.changes_after_end:
        return None
    variables = sorted({var for var, _ in facts.changes_after_end})
    last = max(at for _, at in facts.changes_after_end)
    reason = (f"{len(facts.changes_after_end)} wijziging(en) na het einde van het interview "
              f"({', '.join(variables)}; laatste {calendar.local(last):%d-%m-%Y %H:%M})")
    return Flag(FlagCode.CHANGED_AFTER_END, reason, {
        "changes": len(facts.changes_after_end), "variables": variables, "last": last.isoformat(),
    }, raised_by(facts))


def outside_hours(facts: InterviewFacts, settings: QualitySettings, calendar: CallingCalendar) -> Flag | None:
    grace = timedelta(minutes=settings.outside_grace_minutes)
    began_outside = not calendar.is_callable(facts.started_at)
    ended_late = not calendar.is_callable(facts.ended_at) and not calendar.is_callable(facts.ended_at - grace)
    if not began_outside and not ended_late:
        return None
    start, end = calendar.local(facts.started_at), calendar.local(facts.ended_at)
    what = "begonnen" if began_outside else f"meer dan {settings.outside_grace_minutes} minuten na sluiting geëindigd"
    reason = f"Buiten de beltijden {what} ({start:%d-%m-%Y %H:%M} tot {end:%H:%M})"
    return Flag(FlagCode.OUTSIDE_HOURS, reason, {
        "started": facts.started_at.isoformat(), "ended": facts.ended_at.isoformat(),
        "began_outside": began_outside, "ended_late": ended_late, "grace_minutes": settings.outside_grace_minutes,
    }, raised_by(facts))


def other_case(facts: InterviewFacts, calendar: CallingCalendar) -> Flag | None:
    others = facts.other_cases
    if not others:
        return None
    parts = [f"zaak {case} {calendar.local(a):%H:%M}–{calendar.local(b):%H:%M}" for case, a, b in others[:3]]
    spans = ", ".join(f"{calendar.local(s):%d-%m-%Y %H:%M}–{calendar.local(e):%H:%M}" for s, e in facts.worked)
    reason = (f"Terwijl dit interview liep ({spans}) had de interviewer {len(others)} andere belpoging(en) open: "
              f"{', '.join(parts)}")
    return Flag(FlagCode.OTHER_CASE, reason, {
        "attempts": len(others),
        "cases": [[case, a.isoformat(), b.isoformat()] for case, a, b in others],
    }, raised_by(facts))
