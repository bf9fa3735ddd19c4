"""The figures of a provider's report: table 1.1, keurmerk check, grade spread, promoter score.

Pure domain code. All thresholds live in :class:`FigureSettings` (defaults as inferred from the
five reports). Rounding is as the reports print: one decimal, ROUND_HALF_UP.

Interpretation choices (documented here, settings where they are rules):

* **Published** (inferred): a row is published when response >= 30% or completed >= 50. The
  response is compared exactly (``completed x 100 >= 30 x net``), not after rounding. The
  commissioners' line is always published.
* **Low-grade correction** ("alle onvoldoendes even zwaar, ongeacht of het om een 1 gaat of om
  een 5"): every grade below the pass mark (6) counts as ``fail_value`` (default 5, the highest
  whole fail, so a 1 weighs like a 5). The correction is only used when the plain figures miss the
  norm; the verdict is then "behaald na correctie" or "niet behaald". So the correction can never
  cost a provider the keurmerk.
* The norm is checked on the means as printed (rounded to one decimal), so the verdict agrees
  with the table; ``compare_rounded=False`` compares the exact means instead. Services without any
  grade are left out of the per-service check.
* **Grade spread**: grades with a decimal fall in the bin of their whole part (7.5 -> 7), so bins
  1..5 hold exactly the fails; ``Binning.HALF_UP`` rounds to the nearest whole grade instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from cati.sample.rules.dienst import DIENSTEN

Grade = Decimal | int

SERVICE_NAMES: Mapping[int, str] = {n: d.name for n, d in DIENSTEN.items()}


class Binning(StrEnum):
    FLOOR = "floor"  # 7.5 -> 7
    HALF_UP = "half_up"  # 7.5 -> 8


@dataclass(frozen=True)
class FigureSettings:
    publish_min_response_pct: Decimal = Decimal(30)
    publish_min_completed: int = 50
    norm_total: Decimal = Decimal("6.5")
    norm_service: Decimal = Decimal("5.5")
    pass_mark: Decimal = Decimal(6)  # grades below it are fails
    low_grade_correction: bool = True
    fail_value: Decimal = Decimal(5)  # with the correction every fail counts as this
    compare_rounded: bool = True
    binning: Binning = Binning.FLOOR


DEFAULT_SETTINGS = FigureSettings()


# --------------------------------------------------------------------------- numbers


def round1(value: Decimal | Fraction | int) -> Decimal:
    """One decimal, half up, as the reports print."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_number(value: Decimal | Fraction | int | None, lang: str = "nl", places: int = 1) -> str:
    """``Decimal('27.25') -> '27,3'`` in Dutch, ``'27.3'`` otherwise; ``None`` -> ``'--'``."""
    if value is None:
        return "--"
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    text = f"{Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
    return text.replace(".", ",") if lang.lower().startswith("nl") else text


def response_percentage(net_sample: int, completed: int) -> Decimal | None:
    """Completed / net sample x 100, one decimal; ``None`` for an empty net sample."""
    if net_sample < 0 or completed < 0:
        raise ValueError("counts must not be negative")
    if net_sample == 0:
        return None
    return round1(Fraction(completed * 100, net_sample))


def is_published(net_sample: int, completed: int, settings: FigureSettings = DEFAULT_SETTINGS) -> bool:
    """The inferred rule: response >= 30% (exact) or at least 50 completed."""
    if completed >= settings.publish_min_completed:
        return True
    return net_sample > 0 and Decimal(completed * 100) >= settings.publish_min_response_pct * net_sample


def _check_grades(grades: Iterable[Grade]) -> list[Decimal]:
    out = [Decimal(g) for g in grades]
    for g in out:
        if not Decimal(1) <= g <= Decimal(10):
            raise ValueError(f"grade {g} outside 1..10")
    return out


def exact_mean(grades: Iterable[Grade]) -> Fraction | None:
    values = _check_grades(grades)
    return Fraction(sum(values, Decimal(0))) / len(values) if values else None


def mean_grade(grades: Iterable[Grade]) -> Decimal | None:
    """Mean grade as printed (one decimal, half up); ``None`` without grades."""
    m = exact_mean(grades)
    return None if m is None else round1(m)


def corrected_grades(grades: Iterable[Grade], settings: FigureSettings = DEFAULT_SETTINGS) -> list[Decimal]:
    """The low-grade correction: every grade below the pass mark counts as ``fail_value``."""
    return [settings.fail_value if g < settings.pass_mark else g for g in _check_grades(grades)]


def grade_distribution(
    grades: Iterable[Grade], settings: FigureSettings = DEFAULT_SETTINGS
) -> dict[int, int]:
    """Count per whole grade 1..10 (all ten keys present); see :class:`Binning`."""
    rounding = ROUND_FLOOR if settings.binning is Binning.FLOOR else ROUND_HALF_UP
    dist = dict.fromkeys(range(1, 11), 0)
    for g in _check_grades(grades):
        dist[int(g.quantize(Decimal(1), rounding=rounding))] += 1
    return dist


# --------------------------------------------------------------------------- table 1.1


class RowKind(StrEnum):
    SERVICE = "service"
    TOTAL = "total"
    COMMISSIONERS = "commissioners"


@dataclass(frozen=True)
class ServiceInput:
    """Counts for one service (or the commissioners): net sample, completed, grades given."""

    service: int | None
    net_sample: int
    completed: int
    grades: tuple[Grade, ...] = ()


@dataclass(frozen=True)
class TableRow:
    kind: RowKind
    service: int | None
    label: str
    net_sample: int
    completed: int
    response_pct: Decimal | None
    mean_grade: Decimal | None
    grade_count: int
    published: bool


@dataclass(frozen=True)
class Table11:
    services: tuple[TableRow, ...]
    total: TableRow
    commissioners: TableRow


def _row(kind: RowKind, label: str, data: ServiceInput, settings: FigureSettings) -> TableRow:
    published = kind is RowKind.COMMISSIONERS or is_published(data.net_sample, data.completed, settings)
    return TableRow(
        kind=kind,
        service=data.service,
        label=label,
        net_sample=data.net_sample,
        completed=data.completed,
        response_pct=response_percentage(data.net_sample, data.completed),
        mean_grade=mean_grade(data.grades),
        grade_count=len(data.grades),
        published=published,
    )


def table_1_1(
    services: Sequence[ServiceInput],
    commissioners: ServiceInput | None = None,
    settings: FigureSettings = DEFAULT_SETTINGS,
) -> Table11:
    """Table 1.1: a row per service (in service order), the clients' total, the commissioners.

    The commissioners' line is always published; without input it is left empty (zeros).
    """
    rows = tuple(
        _row(RowKind.SERVICE, SERVICE_NAMES.get(s.service or 0, str(s.service)), s, settings)
        for s in sorted(services, key=lambda s: s.service or 0)
    )
    total_in = ServiceInput(
        None,
        sum(s.net_sample for s in services),
        sum(s.completed for s in services),
        tuple(g for s in services for g in s.grades),
    )
    comm_in = replace(commissioners, service=None) if commissioners else ServiceInput(None, 0, 0)
    return Table11(
        services=rows,
        total=_row(RowKind.TOTAL, "Totaal", total_in, settings),
        commissioners=_row(RowKind.COMMISSIONERS, "Totaal opdrachtgevers", comm_in, settings),
    )


# --------------------------------------------------------------------------- keurmerk


class Verdict(StrEnum):
    PASSED = "behaald"
    PASSED_CORRECTED = "behaald na correctie voor lage cijfers"
    FAILED = "niet behaald"
    NO_GRADES = "geen oordeel"


@dataclass(frozen=True)
class MeanPair:
    plain: Decimal | None
    corrected: Decimal | None


@dataclass(frozen=True)
class KeurmerkResult:
    verdict: Verdict
    total: MeanPair
    services: Mapping[int, MeanPair]
    reasons: tuple[str, ...]  # in Dutch, one sentence each

    @property
    def passed(self) -> bool:
        return self.verdict in (Verdict.PASSED, Verdict.PASSED_CORRECTED)


def _mean_for_norm(grades: Sequence[Decimal], settings: FigureSettings) -> Decimal | Fraction | None:
    m = exact_mean(grades)
    if m is None or not settings.compare_rounded:
        return m
    return round1(m)


def _shortfalls(
    by_service: Mapping[int, Sequence[Decimal]], settings: FigureSettings
) -> list[str]:
    nl = "nl"
    out = []
    total = _mean_for_norm([g for gs in by_service.values() for g in gs], settings)
    if total is not None and total < settings.norm_total:
        out.append(
            f"Het gemiddelde rapportcijfer in totaal is {format_number(total, nl)}, "
            f"lager dan de norm van {format_number(settings.norm_total, nl)}."
        )
    for service in sorted(by_service):
        m = _mean_for_norm(by_service[service], settings)
        if m is not None and m < settings.norm_service:
            out.append(
                f"Dienst {service} ({SERVICE_NAMES.get(service, '?')}) heeft gemiddeld "
                f"{format_number(m, nl)}, lager dan de norm van {format_number(settings.norm_service, nl)} "
                "per dienst."
            )
    return out


def keurmerk_check(
    grades_by_service: Mapping[int, Sequence[Grade]], settings: FigureSettings = DEFAULT_SETTINGS
) -> KeurmerkResult:
    """Keurmerk norm: mean >= 6.5 in total and >= 5.5 for every service with grades.

    When the plain means miss the norm and the low-grade correction is on, the norm is checked
    again with every fail counted as ``fail_value``. Reasons are plain Dutch sentences.
    """
    plain = {s: _check_grades(gs) for s, gs in grades_by_service.items() if gs}
    corrected = {s: corrected_grades(gs, settings) for s, gs in plain.items()}
    all_plain = [g for gs in plain.values() for g in gs]
    all_corr = [g for gs in corrected.values() for g in gs]
    total = MeanPair(mean_grade(all_plain), mean_grade(all_corr))
    services = {s: MeanPair(mean_grade(plain[s]), mean_grade(corrected[s])) for s in sorted(plain)}
    nl = "nl"
    if not all_plain:
        return KeurmerkResult(Verdict.NO_GRADES, total, services, ("Er zijn geen rapportcijfers gegeven.",))
    norm_text = (
        f"Het gemiddelde rapportcijfer is {format_number(total.plain, nl)} in totaal "
        f"(norm {format_number(settings.norm_total, nl)}) en per dienst minstens "
        f"{format_number(settings.norm_service, nl)}."
    )
    plain_short = _shortfalls(plain, settings)
    if not plain_short:
        return KeurmerkResult(Verdict.PASSED, total, services, (norm_text,))
    if settings.low_grade_correction:
        corr_short = _shortfalls(corrected, settings)
        intro = (
            f"Na correctie voor lage cijfers (elke onvoldoende telt als {format_number(settings.fail_value, nl)}) "
            f"is het gemiddelde in totaal {format_number(total.corrected, nl)}."
        )
        if not corr_short:
            return KeurmerkResult(
                Verdict.PASSED_CORRECTED, total, services, (*plain_short, intro, "Daarmee is de norm gehaald.")
            )
        return KeurmerkResult(Verdict.FAILED, total, services, (*plain_short, intro, *corr_short))
    return KeurmerkResult(Verdict.FAILED, total, services, tuple(plain_short))


# --------------------------------------------------------------------------- promoter score


@dataclass(frozen=True)
class RecommendationCounts:
    """Answers to "Heeft u {provider} aangeraden bij anderen?"."""

    recommended: int
    advised_against: int
    neither: int = 0  # neither recommended nor advised against (incl. "weet niet")

    @property
    def respondents(self) -> int:
        return self.recommended + self.advised_against + self.neither


def promoter_score(counts: RecommendationCounts) -> Decimal | None:
    """(share recommended - share advised against) x 100, one decimal; ``None`` without answers."""
    if min(counts.recommended, counts.advised_against, counts.neither) < 0:
        raise ValueError("counts must not be negative")
    if counts.respondents == 0:
        return None
    return round1(Fraction((counts.recommended - counts.advised_against) * 100, counts.respondents))
