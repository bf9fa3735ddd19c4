"""The interviewers' figures per form in the selection (:func:`interviewer_figures`: their interviews'
length, flags, "weet niet" rate and grades; their contact and refusal rates from their attempts) and their
standing among colleagues with the charts' data (:func:`interviewer_standing`; the measures and what is
far are :mod:`cati.supervision.rules.interviewer_standing`). Runs in the caller's session.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.platform.models import CallAttempt, CallCase, Client
from cati.sample.rules.forms import BACKCHECK_FORM, form_id_for_case
from cati.supervision.rules.interviewer_standing import InterviewerFigures, standing
from cati.supervision.rules.quality_charts import LENGTH_BINS, SECONDS_BINS, band, shares
from cati.supervision.rules.quality_settings import QualitySettings
from cati.supervision.service.quality_reading import SURVEY_QUEUES, LoadedInterview, Selection, flagged_by
from cati.supervision.service.quality_results import InterviewerStanding
from cati.supervision.service.reports import outcome_table


def interviewer_figures(s: Session, selection: Selection,
                        loaded: Sequence[LoadedInterview]) -> list[InterviewerFigures]:
    """Per interviewer and form: the figures of :class:`InterviewerFigures`."""
    table = outcome_table()
    calls: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # attempts, contacts, refusals
    if selection.period_ids:
        stmt = (
            select(CallAttempt.user_id, CallAttempt.outcome, CallCase.queue, Client.variant)
            .join(CallCase, CallCase.id == CallAttempt.case_id)
            .join(Client, Client.id == CallCase.client_id)
            .where(CallCase.period_id.in_(selection.period_ids), CallCase.queue.in_(SURVEY_QUEUES),
                   CallAttempt.user_id.is_not(None), CallAttempt.outcome.is_not(None))
        )
        if selection.start is not None and selection.end is not None:
            stmt = stmt.where(CallAttempt.started_at >= selection.start, CallAttempt.started_at < selection.end)
        for user_id, outcome, queue, variant in s.execute(stmt):
            if user_id is None or outcome is None or outcome not in table:
                continue
            o = table.get(outcome)
            counts = calls[(user_id, form_id_for_case(queue, variant))]
            counts[0] += 1
            counts[1] += o.contact
            counts[2] += o.contact and o.group == "R"
    groups: dict[tuple[int, str], list[LoadedInterview]] = defaultdict(list)
    for iv in loaded:
        if iv.interviewer_id is not None:
            groups[(iv.interviewer_id, iv.form_id)].append(iv)
    out = []
    for key in sorted(set(groups) | set(calls)):
        user_id, form_id = key
        if form_id == BACKCHECK_FORM:
            continue
        ivs = groups.get(key, [])
        facts = [iv.facts for iv in ivs if iv.facts is not None]
        minutes = sorted(f.length_seconds / 60 for f in facts)
        answered = sum(f.answered for f in facts)
        specials = sum(f.specials for f in facts)
        grades = [f.grade for f in facts if f.grade is not None]
        counts = [0] * 10
        for g in grades:
            counts[min(10, max(1, int(g.to_integral_value()))) - 1] += 1
        attempts, contacts, refusals = calls.get(key, [0, 0, 0])
        out.append(InterviewerFigures(
            user_id, form_id, len(ivs),
            _median(minutes), sum(1 for iv in ivs if user_id in flagged_by(iv)) / len(ivs) if ivs else None,
            specials / answered if answered else None,
            float(sum(grades, Decimal(0)) / len(grades)) if grades else None, tuple(counts),
            attempts, contacts, refusals, answered,
            statistics.pstdev(minutes) if len(minutes) > 1 else None,
            statistics.pstdev([float(g) for g in grades]) if len(grades) > 1 else None,
        ))
    return out


def interviewer_standing(loaded: Sequence[LoadedInterview], figures: Sequence[InterviewerFigures],
                         names: Mapping[int, str], qs: QualitySettings) -> list[InterviewerStanding]:
    """Per interviewer and form: their figures, each measure against the colleagues, and the charts' data
    (their interviews' lengths and seconds per question, with the colleagues' band); by form, then name."""
    stands = standing(figures, qs)
    lengths: dict[tuple[int, str], list[float]] = defaultdict(list)
    seconds: dict[tuple[int, str], list[float]] = defaultdict(list)
    for iv in loaded:
        if iv.interviewer_id is None or iv.facts is None:
            continue
        key = (iv.interviewer_id, iv.form_id)
        lengths[key].append(iv.facts.length_seconds / 60)
        seconds[key] += [sc.seconds for sc in iv.facts.screens.values()]
    out = []
    for f in figures:
        key = (f.interviewer_id, f.form_id)
        others = [k for k in lengths if k[1] == f.form_id and k != key]
        out.append(InterviewerStanding(
            f.interviewer_id, names.get(f.interviewer_id, str(f.interviewer_id)), f.form_id, f,
            stands.get(key, ()), tuple(lengths.get(key, ())), tuple(seconds.get(key, ())),
            shares(lengths.get(key, []), LENGTH_BINS), band([lengths[k] for k in others], LENGTH_BINS),
            shares(seconds.get(key, []), SECONDS_BINS), band([seconds[k] for k in others], SECONDS_BINS),
        ))
    return sorted(out, key=lambda st: (st.form_id, st.interviewer))


def _median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
