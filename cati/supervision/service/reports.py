"""The report figures per provider and measurement period (issue 7): the reports' table 1.1,
the keurmerk check, the grade spread and the actual promoter score.

What the figures are computed over (the app only knows the phone part of the survey):

* **Net sample** of a service = the period's clients in the database with that service (the import
  already rejected duplicates and incomplete records, so they are not here) minus the clients whose
  call case ended *unreachable*: a final outcome in AAPOR group NE (4.x), except ``QUOTA_FULL``
  (those clients were reachable; the inburgering quota was merely full, so they stay in the sample
  as non-respondents). Clients without a call case (invited by mail/post) count in the net sample.
* **Completed** = clients with a complete, not voided, phone interview. Responses that come in by
  mail or post are not in this app, so for a provider without the phone option the response here
  is only the phone part.
* **Grades** are the on-route ``rapportcijfer`` answers of those completes ("weet niet"/"wil niet
  zeggen" are no grade). **Promoter score** from ``aanbevolen``: 1 recommended, 2 advised against,
  3 neither; "weet niet" counts as neither, "wil niet zeggen" is left out.
* Thresholds are the settings ``report.*`` in force on the period's last day (or today, if earlier).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.settings import SettingsService
from cati.calls.rules.outcomes import QUOTA_FULL, OutcomeTable, load_outcome_table
from cati.core.localtime import local_day
from cati.interviews.rules import Special
from cati.interviews.rules.codec import answer_from_json
from cati.platform.context import ServiceContext
from cati.platform.models import Answer, CallCase, Client, Interview, MeasurementPeriod, Provider
from cati.supervision.rules.report_figures import (
    FigureSettings,
    KeurmerkResult,
    RecommendationCounts,
    ServiceInput,
    Table11,
    grade_distribution,
    keurmerk_check,
    promoter_score,
    table_1_1,
)

GRADE_VAR = "rapportcijfer"
RECOMMEND_VAR = "aanbevolen"


class ReportError(ValueError):
    """A selection that does not exist (unknown provider, no such period); Dutch message."""


@functools.cache
def outcome_table() -> OutcomeTable:
    return load_outcome_table()


def is_unreachable(code: str | None, contacted: bool) -> bool:
    """A final outcome that takes the client out of the net sample: NE (4.x) except quota-full."""
    if not code or code == QUOTA_FULL or code not in outcome_table():
        return False
    return outcome_table().aapor_for(code, contacted)[1] == "NE"


# ------------------------------------------------------------------------ selection helpers


def find_provider(s: Session, spec: str | int) -> Provider:
    """A provider by id or by name (case-insensitive, or a unique start of the name)."""
    text = str(spec).strip()
    if text.isdigit():
        found = s.get(Provider, int(text))
        if found is not None:
            return found
    providers = list(s.scalars(select(Provider).order_by(Provider.name)))
    exact = [p for p in providers if p.name.casefold() == text.casefold()]
    if exact:
        return exact[0]
    start = [p for p in providers if p.name.casefold().startswith(text.casefold())]
    if len(start) == 1:
        return start[0]
    if len(start) > 1:
        raise ReportError(f"Aanbieder '{text}' is niet eenduidig: {', '.join(p.name for p in start)}.")
    raise ReportError(f"Aanbieder '{text}' bestaat niet.")


def find_periods(s: Session, provider: Provider, spec: str | None) -> list[MeasurementPeriod]:
    """Periods of a provider. ``None``/``latest``: the one that ends last; ``all``; a year (the
    period that ends in it); ``YYYY-MM-DD..YYYY-MM-DD``; or a period id ``#12``."""
    periods = list(
        s.scalars(
            select(MeasurementPeriod)
            .where(MeasurementPeriod.provider_id == provider.id)
            .order_by(MeasurementPeriod.end_date)
        )
    )
    if not periods:
        raise ReportError(f"{provider.name} heeft geen meetperiode.")
    text = (spec or "latest").strip().lower()
    if text == "latest":
        return [periods[-1]]
    if text == "all":
        return periods
    if text.startswith("#") and text[1:].isdigit():
        chosen = [p for p in periods if p.id == int(text[1:])]
    elif text.isdigit() and len(text) == 4:
        chosen = [p for p in periods if p.end_date.year == int(text)]
    elif ".." in text:
        a, _, b = text.partition("..")
        try:
            start, end = date.fromisoformat(a.strip()), date.fromisoformat(b.strip())
        except ValueError:
            raise ReportError(f"Periode '{spec}': gebruik JJJJ-MM-DD..JJJJ-MM-DD.") from None
        chosen = [p for p in periods if p.start_date == start and p.end_date == end]
    else:
        raise ReportError(f"Periode '{spec}': geef latest, all, een jaar, #id of JJJJ-MM-DD..JJJJ-MM-DD.")
    if not chosen:
        raise ReportError(f"{provider.name} heeft geen meetperiode '{spec}'.")
    return chosen


def figure_settings(settings: SettingsService, on: date) -> FigureSettings:
    return FigureSettings(
        publish_min_response_pct=Decimal(str(settings.get("report.publish_min_response_pct", on))),
        publish_min_completed=int(settings.get("report.publish_min_completed", on)),
        norm_total=Decimal(str(settings.get("report.keurmerk_min_total", on))),
        norm_service=Decimal(str(settings.get("report.keurmerk_min_service", on))),
    )


# ------------------------------------------------------------------------ results


@dataclass(frozen=True)
class ReportFigures:
    provider: str
    period_id: int
    period_start: date
    period_end: date
    clients: int  # clients of the period in the database
    unreachable: int  # left out of the net sample (final NE outcome, not quota-full)
    table: Table11
    keurmerk: KeurmerkResult
    grades: dict[int, int]  # whole grade 1..10 -> count
    recommendation: RecommendationCounts
    promoter_score: Decimal | None
    settings: FigureSettings


@dataclass(frozen=True)
class PeriodChoice:
    period_id: int
    provider_id: int
    provider: str
    start: date
    end: date

    @property
    def spec(self) -> str:
        return f"#{self.period_id}"


class ReportService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService) -> None:
        self.ctx = ctx
        self.settings = settings

    def periods(self, actor: Actor | None) -> list[PeriodChoice]:
        """Every provider's measurement periods (for choosing one in the GUI)."""
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            rows = s.execute(
                select(MeasurementPeriod.id, Provider.id, Provider.name, MeasurementPeriod.start_date,
                       MeasurementPeriod.end_date)
                .join(Provider, Provider.id == MeasurementPeriod.provider_id)
                .order_by(Provider.name, MeasurementPeriod.end_date)
            ).all()
        return [PeriodChoice(*r) for r in rows]

    def figures(self, actor: Actor | None, provider: str | int, period: str | None = None) -> ReportFigures:
        """Table 1.1, keurmerk check, grade spread and promoter score of one provider's period."""
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            prov = find_provider(s, provider)
            periods = find_periods(s, prov, period)
            if len(periods) != 1:
                raise ReportError("Kies één meetperiode voor de rapportcijfers.")
            mp = periods[0]
            data = _collect(s, mp.id)
            name, pid, start, end = prov.name, mp.id, mp.start_date, mp.end_date
        settings = figure_settings(self.settings, min(end, local_day(self.ctx.now())))
        return _figures(name, pid, start, end, data, settings)


@dataclass
class _PeriodData:
    service_of: dict[int, int]  # client id -> service
    unreachable: set[int]
    completed: set[int]
    grades: dict[int, list[Decimal]]  # client id -> grades (one per complete)
    recommendation: list[int]  # 1, 2, 3 per answer


def _collect(s: Session, period_id: int) -> _PeriodData:
    service_of = dict(s.execute(select(Client.id, Client.service).where(Client.period_id == period_id)).all())
    unreachable: set[int] = set()
    for client_id, code, contacted, status in s.execute(
        select(CallCase.client_id, CallCase.final_outcome, CallCase.contacted, CallCase.status)
        .where(CallCase.period_id == period_id)
    ):
        if status == "final" and is_unreachable(code, bool(contacted)):
            unreachable.add(client_id)
    completes = dict(
        s.execute(
            select(Interview.id, CallCase.client_id)
            .join(CallCase, CallCase.id == Interview.case_id)
            .where(CallCase.period_id == period_id, Interview.status == "complete", Interview.voided_at.is_(None))
        ).all()
    )
    completed = set(completes.values())
    unreachable -= completed  # a complete always counts, whatever a second queue's case says
    grades: dict[int, list[Decimal]] = defaultdict(list)
    recommendation: list[int] = []
    if completes:
        rows = s.execute(
            select(Answer.interview_id, Answer.variable, Answer.value)
            .join(Interview, Interview.id == Answer.interview_id)
            .join(CallCase, CallCase.id == Interview.case_id)
            .where(
                and_(CallCase.period_id == period_id, Interview.status == "complete", Interview.voided_at.is_(None)),
                Answer.on_route.is_(True),
                Answer.variable.in_((GRADE_VAR, RECOMMEND_VAR)),
            )
        )
        for interview_id, variable, value in rows:
            answer = answer_from_json(value)
            if variable == GRADE_VAR:
                if answer.special is None and answer.number is not None and 1 <= answer.number <= 10:
                    grades[completes[interview_id]].append(answer.number)
            elif answer.special is Special.DONT_KNOW:
                recommendation.append(3)
            elif answer.code in (1, 2, 3):
                recommendation.append(answer.code)
    return _PeriodData(service_of, unreachable, completed, grades, recommendation)


def _figures(
    provider: str, period_id: int, start: date, end: date, data: _PeriodData, settings: FigureSettings
) -> ReportFigures:
    by_service: dict[int, list[int]] = defaultdict(list)
    for client_id, service in data.service_of.items():
        by_service[service].append(client_id)
    inputs: list[ServiceInput] = []
    grades_by_service: dict[int, Sequence[Decimal]] = {}
    for service, clients in sorted(by_service.items()):
        net = [c for c in clients if c not in data.unreachable]
        done = [c for c in clients if c in data.completed]
        grades = tuple(g for c in done for g in data.grades.get(c, ()))
        inputs.append(ServiceInput(service, len(net), len(done), grades))
        grades_by_service[service] = grades
    table = table_1_1(inputs, None, settings)
    all_grades = [g for gs in grades_by_service.values() for g in gs]
    rec = RecommendationCounts(
        recommended=data.recommendation.count(1),
        advised_against=data.recommendation.count(2),
        neither=data.recommendation.count(3),
    )
    return ReportFigures(
        provider=provider,
        period_id=period_id,
        period_start=start,
        period_end=end,
        clients=len(data.service_of),
        unreachable=len(data.unreachable),
        table=table,
        keurmerk=keurmerk_check(grades_by_service, settings),
        grades=grade_distribution(all_grades, settings),
        recommendation=rec,
        promoter_score=promoter_score(rec),
        settings=settings,
    )
