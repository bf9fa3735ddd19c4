"""The interviewers' standing among their colleagues (:func:`standing`).

Per measure (:data:`MEASURES`), the interviewer's figure (:class:`InterviewerFigures`) against the
median of their colleagues on the same form in the same selection; **far** when the difference is at
least ``far`` times the spread: the colleagues' spread (1.4826 × the median absolute deviation, at
least 15 % of their median and the measure's own floor) and the interviewer's own sampling error (a
rate over few attempts, a mean over few interviews, moves by chance: that is not far) taken together
(√(a² + b²)).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from cati.supervision.rules.quality_settings import QualitySettings
from cati.supervision.rules.quality_text import num_text, pct_text


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


@dataclass(frozen=True)
class InterviewerFigures:
    """An interviewer's figures on one form in the selection."""

    interviewer_id: int
    form_id: str
    interviews: int
    minutes: float | None  # median interview length
    flag_rate: float | None  # share of their interviews with a flag
    dont_know_rate: float | None  # share of their answers that are "weet niet" / "wil niet zeggen"
    mean_grade: float | None
    grades: tuple[int, ...] = (0,) * 10  # how many gave 1, 2, … 10 (rounded)
    attempts: int = 0
    contacts: int = 0
    refusals: int = 0
    answered: int = 0  # answers on the route (the "weet niet" rate's base)
    minutes_sd: float | None = None  # the spread of their interview lengths
    grade_sd: float | None = None  # the spread of the grades their respondents gave

    @property
    def graded(self) -> int:
        return sum(self.grades)

    @property
    def contact_rate(self) -> float | None:
        return self.contacts / self.attempts if self.attempts else None

    @property
    def refusal_rate(self) -> float | None:
        return self.refusals / self.contacts if self.contacts else None


@dataclass(frozen=True)
class Measure:
    code: str
    label: str  # Dutch
    unit: str  # "min", "%" (a share) or "" (a grade)
    floor: float  # the least spread that counts (in the measure's own units)
    per_interview: bool  # needs ``min_interviews`` interviews (else ``min_calls`` attempts or contacts)


MEASURES: tuple[Measure, ...] = (
    Measure("minutes", "Interviewduur (mediaan)", "min", 0.5, True),
    Measure("flag_rate", "Interviews met een signaal", "%", 0.05, True),
    Measure("dont_know_rate", "Weet niet / wil niet zeggen", "%", 0.02, True),
    Measure("mean_grade", "Gemiddeld rapportcijfer", "", 0.3, True),
    Measure("contact_rate", "Contact per belpoging", "%", 0.05, False),
    Measure("refusal_rate", "Weigeringen per contact", "%", 0.05, False),
)


def measure_value(figures: InterviewerFigures, measure: Measure) -> float | None:
    value: float | None = getattr(figures, measure.code)
    return value


@dataclass(frozen=True)
class Standing:
    """One measure of one interviewer against the colleagues on the same form."""

    measure: str
    label: str
    value: float
    colleagues: float  # their median
    spread: float
    distance: float  # (value - colleagues) / spread: how many spreads, signed
    far: bool
    text: str  # Dutch, in words
    colleagues_n: int


def _show(value: float, unit: str) -> str:
    if unit == "%":
        return pct_text(value)
    if unit == "min":
        return f"{num_text(value)} min"
    return num_text(value)


def spread_of(values: Sequence[float], median: float, floor: float) -> float:
    """The colleagues' spread: 1.4826 × the median absolute deviation, at least 15 % of the median and
    at least the measure's floor."""
    mad = _median([abs(v - median) for v in values]) if values else 0.0
    return max(1.4826 * mad, 0.15 * abs(median), floor)


def standing(figures: Sequence[InterviewerFigures], settings: QualitySettings) -> dict[tuple[int, str],
                                                                                      tuple[Standing, ...]]:
    """Per (interviewer, form): each measure against the median of the colleagues on that form (those
    with enough interviews, or attempts and contacts, for it). Needs two such colleagues."""
    out: dict[tuple[int, str], tuple[Standing, ...]] = {}
    by_form: dict[str, list[InterviewerFigures]] = {}
    for f in figures:
        by_form.setdefault(f.form_id, []).append(f)
    for form_id, group in by_form.items():
        for me in group:
            found: list[Standing] = []
            for m in MEASURES:
                if not _enough(me, m, settings):
                    continue
                mine = measure_value(me, m)
                others = [v for o in group if o is not me and _enough(o, m, settings)
                          for v in (measure_value(o, m),) if v is not None]
                if mine is None or len(others) < 2:
                    continue
                median = _median(others)
                peers = [o for o in group if o is not me and _enough(o, m, settings)]
                # the colleagues' spread and the interviewer's own chance, together (independent: in quadrature)
                spread = math.hypot(spread_of(others, median, m.floor), sampling_error(me, m, median, peers))
                distance = (mine - median) / spread
                far = abs(distance) >= settings.far
                direction = "hoger" if distance > 0 else "lager"
                text = (f"{m.label}: {_show(mine, m.unit)}, collega's {_show(median, m.unit)} (mediaan van "
                        f"{len(others)}); {num_text(abs(distance))} × de spreiding ({_show(spread, m.unit)}) {direction}")
                found.append(Standing(m.code, m.label, mine, median, spread, distance, far, text, len(others)))
            out[(me.interviewer_id, form_id)] = tuple(found)
    return out


def sampling_error(f: InterviewerFigures, m: Measure, expected: float,
                   colleagues: Sequence[InterviewerFigures] = ()) -> float:
    """How much the interviewer's figure moves by chance if they worked like their colleagues: a share's
    standard error at the colleagues' share, a mean's (1.25 × for a median) from the colleagues' pooled
    spread of single values (the interviewer's own when the colleagues have none)."""
    share_base = {"flag_rate": f.interviews, "dont_know_rate": f.answered, "contact_rate": f.attempts,
                  "refusal_rate": f.contacts}
    if m.code in share_base:
        n = share_base[m.code]
        p = min(max(expected, 0.0), 1.0)
        return math.sqrt(p * (1 - p) / n) if n else 0.0
    if m.code not in ("minutes", "mean_grade"):
        return 0.0
    name, n, factor = ("minutes_sd", f.interviews, 1.25) if m.code == "minutes" else ("grade_sd", f.graded, 1.0)
    spreads = [sd for c in colleagues for sd in (getattr(c, name),) if sd is not None]
    sd = math.sqrt(sum(x * x for x in spreads) / len(spreads)) if spreads else getattr(f, name)
    return factor * sd / math.sqrt(n) if sd is not None and n else 0.0


def _enough(f: InterviewerFigures, m: Measure, settings: QualitySettings) -> bool:
    if m.per_interview:
        return f.interviews >= settings.min_interviews
    if m.code == "contact_rate":
        return f.attempts >= settings.min_calls
    return f.contacts >= settings.min_calls
