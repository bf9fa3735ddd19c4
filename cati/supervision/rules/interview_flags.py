"""Interview quality control: every flag one interview raises (:func:`interview_flags`).

Pure: the service (``supervision/service/quality_reading.py``) reads the interviews, their paradata
and answers into :class:`~cati.supervision.rules.quality_facts.InterviewFacts`; everything that
decides lives in the rules, with its thresholds as settings
(:class:`~cati.supervision.rules.quality_settings.QualitySettings`, the dated ``qc.*`` settings).

Flags per interview (each with its reason in words and the figures behind it), one module per family:

* **too fast** (``flag_too_fast.py``): screens shown shorter than reading them aloud takes.
* **straight-lining** (``flag_straight_lining.py``): grids with the same answer on every row.
* **short for its route** (``flag_route_length.py``): below what the route takes by the colleagues'
  medians per question.
* **many "weet niet"** (``flag_dont_know.py``): a large share of "weet niet"/"wil niet zeggen".
* **changed after the end**, **outside calling hours**, **while another case was open**
  (``flag_timing.py``).

Interviews without paradata (before revision 0010, or purged) are judged on what they have: the
rules that need times on screen are not applied to them. The interviewers' standing among their
colleagues is ``interviewer_standing.py``; the charts' distributions ``quality_charts.py``.
"""

from __future__ import annotations

from collections.abc import Mapping

from cati.calls.rules.calendar import CallingCalendar
from cati.supervision.rules.flag_dont_know import many_dont_know
from cati.supervision.rules.flag_route_length import short_interview
from cati.supervision.rules.flag_straight_lining import straight_lining
from cati.supervision.rules.flag_timing import changed_after_end, other_case, outside_hours
from cati.supervision.rules.flag_too_fast import too_fast
from cati.supervision.rules.quality_facts import InterviewFacts
from cati.supervision.rules.quality_flags import Flag
from cati.supervision.rules.quality_settings import QualitySettings


def interview_flags(
    facts: InterviewFacts, settings: QualitySettings, calendar: CallingCalendar,
    norms: Mapping[tuple[str, str], float] | None = None, words: Mapping[str, int] | None = None,
) -> tuple[Flag, ...]:
    """Every flag the interview raises, in :class:`FlagCode` order. ``norms``: :func:`question_norms` of the
    comparison group; ``words``: the words read aloud per question of its form."""
    words = words or {var: s.words for var, s in facts.screens.items()}
    found = (
        too_fast(facts, settings),
        straight_lining(facts, settings),
        short_interview(facts, settings, norms or {}, words),
        many_dont_know(facts, settings),
        changed_after_end(facts, calendar),
        outside_hours(facts, settings, calendar),
        other_case(facts, calendar),
    )
    return tuple(f for f in found if f is not None)
