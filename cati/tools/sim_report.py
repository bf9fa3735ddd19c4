"""What a `cati simulate` run reports (:class:`SimReport`, per queue :class:`QueueStats`), and the
invariants it checks from the database afterwards: every attempt has an outcome, no overlapping
attempts on one case by two workers, no quota exceeded, and (from the workers' own claim logs) no case
held by two workers at once. :class:`SimulationError`: a run that cannot go as asked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from cati.platform.models import CallAttempt, CallCase, Interview, MeasurementPeriod, Provider
from cati.tools.sim_quality import CarelessCheck


class SimulationError(RuntimeError):
    pass


@dataclass(frozen=True)
class QueueStats:
    provider: str
    queue: str
    claims: int
    attempts: int
    completes: int
    cap: int | None
    outcomes: Mapping[str, int]


@dataclass(frozen=True)
class SimReport:
    workers: int
    seconds: float
    claims: int
    attempts: int
    completes: int
    quota_waits: int  # an interview could not start: places taken by interviews in progress
    lost: int  # a case lost while held (lease ran out, or closed by the quota)
    errors: tuple[str, ...]  # unexpected worker errors
    outcomes: Mapping[str, int]
    queues: tuple[QueueStats, ...]
    violations: tuple[str, ...] = field(default=())
    careless: CarelessCheck | None = None  # after ``careless``, when the actor may review interviews

    @property
    def ok(self) -> bool:
        return not self.violations and not self.errors


def run_report(services: Any, first_attempt: int, stats: list[dict[str, Any]], workers: int, seconds: float,
            errors: list[str]) -> SimReport:
    violations: list[str] = []
    with services.db.unit_of_work() as s:
        rows = s.execute(
            select(CallAttempt.id, CallAttempt.case_id, CallAttempt.user_id, CallAttempt.started_at,
                   CallAttempt.ended_at, CallAttempt.outcome, CallCase.queue, Provider.name)
            .join(CallCase, CallCase.id == CallAttempt.case_id)
            .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(CallAttempt.id > first_attempt).order_by(CallAttempt.case_id, CallAttempt.started_at)
        ).all()
        # 1. every attempt has an outcome and an end
        for r in rows:
            if r.outcome is None or r.ended_at is None:
                violations.append(f"poging {r.id} (zaak {r.case_id}) heeft geen uitkomst")
        # 2. no overlapping attempts on one case by different workers
        prev: Any = None
        for r in rows:
            if prev is not None and prev.case_id == r.case_id and prev.user_id != r.user_id \
                    and prev.ended_at is not None and r.started_at < prev.ended_at:
                violations.append(f"zaak {r.case_id}: pogingen van gebruikers {prev.user_id} en {r.user_id} overlappen")
            prev = r
        # 3. no cap exceeded: completes per provider, period and capped queue
        caps = services.calls._caps()
        done = s.execute(
            select(CallCase.period_id, CallCase.queue, Provider.name, func.count())
            .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(CallCase.final_outcome == "COMPLETE")
            .group_by(CallCase.period_id, CallCase.queue, Provider.name)
        ).all()
        completes_by: dict[tuple[str, str], int] = {}
        for period_id, queue, provider, n in done:
            completes_by[(provider, queue)] = completes_by.get((provider, queue), 0) + int(n)
            cap = caps.get(queue)
            if cap is not None and n > cap:
                violations.append(f"{provider} {queue}: {n} volledige interviews, quotum {cap}")
            ivs = s.scalar(
                select(func.count()).select_from(Interview).join(CallCase, CallCase.id == Interview.case_id)
                .where(CallCase.period_id == period_id, CallCase.queue == queue, Interview.status == "complete",
                       Interview.voided_at.is_(None))
            )
            if cap is not None and int(ivs or 0) > cap:
                violations.append(f"{provider} {queue}: {ivs} volledige interviews (tabel interview), quotum {cap}")
    # 4. the workers' own claim log: no case held by two workers at once
    spans: dict[int, list[tuple[float, float, int]]] = {}
    lease = services.calls.scheduler.lease_minutes * 60
    for w, st in enumerate(stats):
        for case_id, begin, end, _ in st["claims"]:
            spans.setdefault(case_id, []).append((begin, min(end, begin + lease), w))
    for case_id, items in spans.items():
        items.sort()
        for (_b1, e1, w1), (b2, _e2, w2) in zip(items, items[1:], strict=False):
            if w1 != w2 and b2 < e1:
                violations.append(f"zaak {case_id}: tegelijk geclaimd door werker {w1} en {w2}")
    outcomes = Counter(r.outcome for r in rows if r.outcome)
    per_queue: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        entry = per_queue.setdefault((r.name, r.queue), {"attempts": 0, "outcomes": Counter(), "cases": set()})
        entry["attempts"] += 1
        entry["outcomes"][r.outcome] += 1
    claims_by_case: Counter[int] = Counter(c for st in stats for c, *_ in st["claims"])
    case_queue = {r.case_id: (r.name, r.queue) for r in rows}
    queue_claims: Counter[tuple[str, str]] = Counter()
    for case_id, n in claims_by_case.items():
        if case_id in case_queue:
            queue_claims[case_queue[case_id]] += n
    caps = services.calls._caps()
    queues = tuple(
        QueueStats(provider, queue, queue_claims[(provider, queue)], e["attempts"],
                   completes_by.get((provider, queue), 0), caps.get(queue), dict(e["outcomes"]))
        for (provider, queue), e in sorted(per_queue.items())
    )
    return SimReport(
        workers=workers, seconds=seconds, claims=sum(len(st["claims"]) for st in stats), attempts=len(rows),
        completes=outcomes.get("COMPLETE", 0), quota_waits=sum(st["quota_waits"] for st in stats),
        lost=sum(st["lost"] for st in stats), errors=tuple(errors), outcomes=dict(outcomes), queues=queues,
        violations=tuple(violations),
    )
