"""The flag **short for its route** (``short_interview``): the time in the questionnaire is below
``short_ratio`` times what the route takes: per question on the route, the median time of all
interviews of the form in the selection (:func:`question_norms`; the question's reading time where
fewer than ``min_comparison`` interviews had it). Interviews without paradata are not judged by it.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping

from cati.supervision.rules.quality_facts import InterviewFacts
from cati.supervision.rules.quality_flags import Flag, FlagCode, raised_by
from cati.supervision.rules.quality_settings import QualitySettings
from cati.supervision.rules.quality_text import duration_text, pct_text


def question_norms(interviews: Iterable[InterviewFacts], min_comparison: int) -> dict[tuple[str, str], float]:
    """Per (form, question): the median time on screen over the interviews with paradata that had it
    on their route, where at least ``min_comparison`` did."""
    times: dict[tuple[str, str], list[float]] = {}
    for facts in interviews:
        for var, screen in facts.screens.items():
            times.setdefault((facts.form_id, var), []).append(screen.seconds)
    return {key: float(statistics.median(values)) for key, values in times.items()
            if len(values) >= max(1, min_comparison)}


def expected_seconds(
    facts: InterviewFacts, norms: Mapping[tuple[str, str], float], words: Mapping[str, int],
    settings: QualitySettings,
) -> tuple[float, int]:
    """What the interview's route takes: per question the colleagues' median (else its reading time,
    ``words`` per question), summed; and how many questions had a median."""
    total, measured = 0.0, 0
    for var in facts.route:
        norm = norms.get((facts.form_id, var))
        if norm is not None:
            total += norm
            measured += 1
        else:
            total += words.get(var, 0) * 60.0 / settings.words_per_minute
    return total, measured


def short_interview(
    facts: InterviewFacts, settings: QualitySettings, norms: Mapping[tuple[str, str], float],
    words: Mapping[str, int],
) -> Flag | None:
    if not facts.has_paradata:
        return None
    expected, measured = expected_seconds(facts, norms, words, settings)
    length = facts.length_seconds
    if expected <= 0 or length >= settings.short_ratio * expected:
        return None
    share = length / expected
    basis = ("de mediaan van alle interviews met deze vragenlijst per vraag" if measured == len(facts.route)
             else f"de mediaan per vraag ({measured} van de {len(facts.route)} vragen; de rest: voorleestijd)")
    reason = (f"{duration_text(length)} voor {len(facts.route)} schermen op de route; die route kost "
              f"{duration_text(expected)} ({basis}): {pct_text(share)}, minder dan {pct_text(settings.short_ratio)}")
    return Flag(FlagCode.SHORT, reason, {
        "seconds": round(length, 1), "expected_seconds": round(expected, 1), "share": round(share, 3),
        "ratio": settings.short_ratio, "screens": len(facts.route), "measured_screens": measured,
    }, _short_by(facts, settings, norms, words))


def _short_by(
    facts: InterviewFacts, settings: QualitySettings, norms: Mapping[tuple[str, str], float], words: Mapping[str, int],
) -> tuple[int, ...]:
    """Whose screens made the interview short: those below the ratio on their own screens (else all)."""
    spent: dict[int, float] = {}
    needed: dict[int, float] = {}
    for var, screen in facts.screens.items():
        if screen.by is None:
            continue
        norm = norms.get((facts.form_id, var))
        expected = norm if norm is not None else words.get(var, 0) * 60.0 / settings.words_per_minute
        spent[screen.by] = spent.get(screen.by, 0.0) + screen.seconds
        needed[screen.by] = needed.get(screen.by, 0.0) + expected
    short = [u for u in spent if needed[u] > 0 and spent[u] < settings.short_ratio * needed[u]]
    return tuple(sorted(short)) if short else raised_by(facts, facts.screens.values())
