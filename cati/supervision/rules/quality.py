"""Interview quality control: flags per interview and the interviewers' standing among colleagues.

Pure: the service (``supervision/service/quality.py``) reads the interviews, their paradata and
answers into :class:`InterviewFacts`; everything that decides lives here, with its thresholds as
settings (:class:`QualitySettings`, the dated ``qc.*`` settings).

Flags per interview (each with its reason in words and the figures behind it):

* **too fast** (``too_fast``): on more than ``too_fast_share`` of the screens that are read aloud, the
  time on screen is below what reading the screen aloud takes (its words ÷ ``words_per_minute``).
* **straight-lining** (``straight_lining``): grids of at least ``straightline_min_rows`` rows with the
  same answer on every row; flagged when at least ``straightline_min_grids`` of them are (or every
  such grid on the route, when the route has fewer).
* **short for its route** (``short_interview``): the time in the questionnaire is below
  ``short_ratio`` times what the route takes: per question on the route, the median time of all
  interviews of the form in the selection (the question's reading time where fewer than
  ``min_comparison`` interviews had it).
* **many "weet niet"** (``dont_know``): at least ``dont_know_min`` answers "weet niet"/"wil niet
  zeggen", and at least ``dont_know_share`` of the answers on the route.
* **changed after the end** (``changed_after_end``): an answer changed after the interview completed.
* **outside calling hours** (``outside_hours``): it began outside the calling windows, or ended more
  than ``outside_grace_minutes`` after one closed.
* **while another case was open** (``other_case``): the interviewer had a call attempt on another
  case during the interview.

Interviews without paradata (before revision 0010, or purged) are judged on what they have: the
rules that need times on screen are not applied to them.

Standing per interviewer (:func:`standing`): per measure, the interviewer's figure against the median
of their colleagues on the same form in the same selection; **far** when the difference is at least
``far`` times the spread: the colleagues' spread (1.4826 × the median absolute deviation, at least 15 %
of their median and the measure's own floor) and the interviewer's own sampling error (a rate over
few attempts, a mean over few interviews, moves by chance: that is not far) taken together
(√(a² + b²)).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from cati.calls.rules.calendar import CallingCalendar

# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class QualitySettings:
    """The thresholds (dated settings ``qc.*``, :data:`SETTING_KEYS`)."""

    words_per_minute: float = 180.0
    too_fast_share: float = 0.25
    straightline_min_rows: int = 4
    straightline_min_grids: int = 2
    short_ratio: float = 0.5
    min_comparison: int = 10
    dont_know_share: float = 0.25
    dont_know_min: int = 4
    outside_grace_minutes: int = 30
    far: float = 3.0
    min_interviews: int = 5
    min_calls: int = 20

    @classmethod
    def read(cls, get: Callable[[str], Any]) -> QualitySettings:
        """From a settings look-up (``SettingsService.get``)."""
        values: dict[str, Any] = {}
        for name, key in SETTING_KEYS.items():
            default = getattr(cls, name)
            raw = get(key)
            values[name] = type(default)(Decimal(str(raw))) if isinstance(default, float) else int(raw)
        return cls(**values)


SETTING_KEYS: dict[str, str] = {
    "words_per_minute": "qc.read_words_per_minute",
    "too_fast_share": "qc.too_fast_share",
    "straightline_min_rows": "qc.straightline_min_rows",
    "straightline_min_grids": "qc.straightline_min_grids",
    "short_ratio": "qc.short_interview_ratio",
    "min_comparison": "qc.min_comparison",
    "dont_know_share": "qc.dont_know_share",
    "dont_know_min": "qc.dont_know_min",
    "outside_grace_minutes": "qc.outside_hours_grace_minutes",
    "far": "qc.interviewer_far",
    "min_interviews": "qc.interviewer_min_interviews",
    "min_calls": "qc.interviewer_min_calls",
}


# ---------------------------------------------------------------- what the rules read


@dataclass(frozen=True)
class ScreenTime:
    """The time one question of an interview was on screen, over all its visits."""

    variable: str
    seconds: float
    words: int  # read aloud on the screen (``interviews.rules.paradata.words_to_read``)
    visits: int = 1
    row_seconds: tuple[tuple[str, float], ...] = ()  # a grid: per row, summed over the visits
    corrections: int = 0
    changed: bool = False  # a visit changed an earlier answer
    by: int | None = None  # the interviewer who answered it (its last visit's)


@dataclass(frozen=True)
class GridAnswers:
    """The answers of one grid on the route: per row its code (None: weet niet, wil niet zeggen, none)."""

    variable: str
    codes: tuple[int | None, ...]
    labels: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class InterviewFacts:
    """One complete interview as the rules see it."""

    interview_id: int
    interviewer_id: int | None
    form_id: str
    started_at: datetime  # the first screen shown (without paradata: the interview's start)
    ended_at: datetime  # completed
    route: tuple[str, ...]  # the questions on its route, in order (info and closing screens too)
    screens: Mapping[str, ScreenTime] = field(default_factory=dict)  # by question; empty without paradata
    grids: tuple[GridAnswers, ...] = ()
    answered: int = 0  # answers on the route (not info screens)
    specials: int = 0  # of which "weet niet" / "wil niet zeggen"
    changes_after_end: tuple[tuple[str, datetime], ...] = ()  # (variable, when)
    # the interviewer's call attempts around the interview: (case, from, to), its own case among them
    attempts: tuple[tuple[int, datetime, datetime], ...] = ()
    grade: Decimal | None = None  # the form's overall grade
    case_id: int = 0
    # when the interview was worked (its screens, a pause of more than SESSION_GAP apart: a new session;
    # without paradata: start to complete)
    sessions: tuple[tuple[datetime, datetime], ...] = ()

    @property
    def has_paradata(self) -> bool:
        return bool(self.screens)

    @property
    def worked(self) -> tuple[tuple[datetime, datetime], ...]:
        """The spans the interview was worked in (its sessions, else start to complete)."""
        return self.sessions or ((self.started_at, self.ended_at),)

    @property
    def other_cases(self) -> tuple[tuple[int, datetime, datetime], ...]:
        """The interviewer's attempts on other cases that overlap a span the interview was worked in."""
        return tuple(
            (case, a, b) for case, a, b in self.attempts
            if case != self.case_id and any(min(b, e) > max(a, s) for s, e in self.worked)
        )

    @property
    def length_seconds(self) -> float:
        """Time in the questionnaire: the screens' time (without paradata: start to complete)."""
        if self.screens:
            return sum(s.seconds for s in self.screens.values())
        return max(0.0, (self.ended_at - self.started_at).total_seconds())


class FlagCode(StrEnum):
    TOO_FAST = "too_fast"
    STRAIGHT_LINING = "straight_lining"
    SHORT = "short_interview"
    DONT_KNOW = "dont_know"
    CHANGED_AFTER_END = "changed_after_end"
    OUTSIDE_HOURS = "outside_hours"
    OTHER_CASE = "other_case"


FLAG_LABELS: dict[FlagCode, str] = {
    FlagCode.TOO_FAST: "Te snel voorgelezen",
    FlagCode.STRAIGHT_LINING: "Overal hetzelfde antwoord in rasters",
    FlagCode.SHORT: "Kort voor de gevolgde route",
    FlagCode.DONT_KNOW: "Veel weet niet / wil niet zeggen",
    FlagCode.CHANGED_AFTER_END: "Antwoorden gewijzigd na afloop",
    FlagCode.OUTSIDE_HOURS: "Buiten de beltijden",
    FlagCode.OTHER_CASE: "Tijdens een andere zaak",
}


@dataclass(frozen=True)
class Flag:
    code: FlagCode
    reason: str  # Dutch, with the figures in words
    figures: Mapping[str, Any]  # the numbers behind it (JSON-ready)
    by: tuple[int, ...] = ()  # the interviewers whose work raised it (an interview resumed by a colleague has two)

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.code]


#: screens further apart than this are separate sessions of an interview (a stop, resumed later)
SESSION_GAP = timedelta(minutes=5)


def sessions_of(visits: Iterable[tuple[datetime, datetime]]) -> tuple[tuple[datetime, datetime], ...]:
    """Screen visits (shown, left) merged into the spans the interview was worked in."""
    spans: list[tuple[datetime, datetime]] = []
    for shown, left in sorted(visits):
        if spans and shown - spans[-1][1] <= SESSION_GAP:
            spans[-1] = (spans[-1][0], max(spans[-1][1], left))
        else:
            spans.append((shown, left))
    return tuple(spans)


# ---------------------------------------------------------------- helpers


def _num(value: float, decimals: int = 1) -> str:
    """Dutch notation: ``7,5``."""
    return f"{value:.{decimals}f}".replace(".", ",")


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def duration_text(seconds: float) -> str:
    """``12 min 05 s``."""
    whole = int(round(seconds))
    return f"{whole // 60} min {whole % 60:02d} s"


def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


# ---------------------------------------------------------------- norms


def question_norms(interviews: Iterable[InterviewFacts], min_comparison: int) -> dict[tuple[str, str], float]:
    """Per (form, question): the median time on screen over the interviews with paradata that had it
    on their route, where at least ``min_comparison`` did."""
    times: dict[tuple[str, str], list[float]] = {}
    for facts in interviews:
        for var, screen in facts.screens.items():
            times.setdefault((facts.form_id, var), []).append(screen.seconds)
    return {key: _median(values) for key, values in times.items() if len(values) >= max(1, min_comparison)}


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


# ---------------------------------------------------------------- flags per interview


def _by(facts: InterviewFacts, screens: Iterable[ScreenTime] = ()) -> tuple[int, ...]:
    """Who raised a flag: the interviewers of these screens, else the interview's interviewer."""
    found = sorted({s.by for s in screens if s.by is not None})
    if found:
        return tuple(found)
    return (facts.interviewer_id,) if facts.interviewer_id is not None else ()


def too_fast(facts: InterviewFacts, settings: QualitySettings) -> Flag | None:
    read = [s for s in facts.screens.values() if s.words > 0]
    if not read:
        return None
    fast = [s for s in read if s.seconds < s.words * 60.0 / settings.words_per_minute]
    share = len(fast) / len(read)
    if share <= settings.too_fast_share:
        return None
    needed = sum(s.words * 60.0 / settings.words_per_minute for s in fast)
    spent = sum(s.seconds for s in fast)
    examples = sorted(fast, key=lambda s: s.seconds / max(1e-9, s.words * 60.0 / settings.words_per_minute))[:3]
    shown = ", ".join(f"{s.variable} {_num(s.seconds)} s voor {s.words} woorden" for s in examples)
    reason = (f"{len(fast)} van de {len(read)} voorgelezen schermen ({_pct(share)}) korter op het scherm dan "
              f"voorlezen duurt bij {_num(settings.words_per_minute, 0)} woorden per minuut (toegestaan: "
              f"{_pct(settings.too_fast_share)}); samen {_num(spent)} s waar voorlezen {_num(needed)} s kost "
              f"({shown})")
    return Flag(FlagCode.TOO_FAST, reason, {
        "screens_fast": len(fast), "screens_read": len(read), "share": round(share, 3),
        "allowed_share": settings.too_fast_share, "words_per_minute": settings.words_per_minute,
        "seconds_spent": round(spent, 1), "seconds_reading": round(needed, 1),
        "fastest": [[s.variable, round(s.seconds, 1), s.words] for s in examples],
    }, _by(facts, fast))


def straight_lining(facts: InterviewFacts, settings: QualitySettings) -> Flag | None:
    eligible = [g for g in facts.grids if len(g.codes) >= settings.straightline_min_rows]
    if not eligible:
        return None
    straight = [g for g in eligible if g.codes[0] is not None and len(set(g.codes)) == 1]
    needed = min(settings.straightline_min_grids, len(eligible))
    if len(straight) < max(1, needed):
        return None
    parts = []
    for g in straight:
        code = g.codes[0]
        assert code is not None
        label = g.labels.get(code, str(code))
        screen = facts.screens.get(g.variable)
        rows = f", {_num(screen.seconds / len(g.codes))} s per rij" if screen is not None else ""
        parts.append(f"{g.variable}: alle {len(g.codes)} rijen '{label}'{rows}")
    reason = (f"{len(straight)} van de {len(eligible)} rasters met ten minste {settings.straightline_min_rows} "
              f"rijen hebben op elke rij hetzelfde antwoord ({'; '.join(parts)})")
    return Flag(FlagCode.STRAIGHT_LINING, reason, {
        "grids_straight": len(straight), "grids": len(eligible), "min_rows": settings.straightline_min_rows,
        "min_grids": settings.straightline_min_grids,
        "straight": [[g.variable, g.codes[0], len(g.codes),
                      round(facts.screens[g.variable].seconds / len(g.codes), 1) if g.variable in facts.screens
                      else None] for g in straight],
    }, _by(facts, [facts.screens[g.variable] for g in straight if g.variable in facts.screens]))


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
              f"{duration_text(expected)} ({basis}): {_pct(share)}, minder dan {_pct(settings.short_ratio)}")
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
    return tuple(sorted(short)) if short else _by(facts, facts.screens.values())


def many_dont_know(facts: InterviewFacts, settings: QualitySettings) -> Flag | None:
    if facts.answered <= 0 or facts.specials < settings.dont_know_min:
        return None
    share = facts.specials / facts.answered
    if share < settings.dont_know_share:
        return None
    reason = (f"{facts.specials} van de {facts.answered} antwoorden ({_pct(share)}) zijn 'weet niet' of 'wil niet "
              f"zeggen' (grens: {settings.dont_know_min} en {_pct(settings.dont_know_share)})")
    return Flag(FlagCode.DONT_KNOW, reason, {
        "specials": facts.specials, "answered": facts.answered, "share": round(share, 3),
        "min": settings.dont_know_min, "min_share": settings.dont_know_share,
    }, _by(facts))


def changed_after_end(facts: InterviewFacts, calendar: CallingCalendar) -> Flag | None:
    if not facts.changes_after_end:
        return None
    variables = sorted({var for var, _ in facts.changes_after_end})
    last = max(at for _, at in facts.changes_after_end)
    reason = (f"{len(facts.changes_after_end)} wijziging(en) na het einde van het interview "
              f"({', '.join(variables)}; laatste {calendar.local(last):%d-%m-%Y %H:%M})")
    return Flag(FlagCode.CHANGED_AFTER_END, reason, {
        "changes": len(facts.changes_after_end), "variables": variables, "last": last.isoformat(),
    }, _by(facts))


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
    }, _by(facts))


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
    }, _by(facts))


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


# ---------------------------------------------------------------- interviewers among colleagues


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
        return _pct(value)
    if unit == "min":
        return f"{_num(value)} min"
    return _num(value)


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
                        f"{len(others)}); {_num(abs(distance))} × de spreiding ({_show(spread, m.unit)}) {direction}")
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


# ---------------------------------------------------------------- distributions for the charts

#: the bins of the charts: interview length (minutes) and seconds per question
LENGTH_BINS: tuple[float, ...] = (0, 3, 6, 9, 12, 15, 20, 30)
SECONDS_BINS: tuple[float, ...] = (0, 2, 5, 10, 20, 40, 80)


def bin_label(bins: Sequence[float], i: int) -> str:
    low = bins[i]
    if i + 1 < len(bins):
        return f"{low:g}–{bins[i + 1]:g}"
    return f"≥{low:g}"


def shares(values: Sequence[float], bins: Sequence[float]) -> tuple[float, ...]:
    """The share of ``values`` in each bin (``bins`` are lower bounds; the last is open)."""
    counts = [0] * len(bins)
    for v in values:
        i = max(j for j, low in enumerate(bins) if v >= low) if v >= bins[0] else 0
        counts[i] += 1
    n = len(values)
    return tuple(c / n if n else 0.0 for c in counts)


def band(groups: Sequence[Sequence[float]], bins: Sequence[float]) -> tuple[tuple[float, float], ...]:
    """Per bin, the colleagues' band: the lowest and highest share among them (their spread)."""
    per = [shares(g, bins) for g in groups if g]
    if not per:
        return tuple((0.0, 0.0) for _ in bins)
    return tuple((min(p[i] for p in per), max(p[i] for p in per)) for i in range(len(bins)))
