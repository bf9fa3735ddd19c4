"""What interview quality control reads: the selection's complete interviews with their paradata,
answers, changes after the end and the interviewer's attempts around them, made into the rules'
:class:`~cati.supervision.rules.quality_facts.InterviewFacts` and judged by
:func:`~cati.supervision.rules.interview_flags.interview_flags` (:class:`InterviewReader`). Each runs in
the caller's session; :class:`~cati.supervision.service.quality.QualityService` checks the role and opens
the unit of work (its docstring says what the selection is and whose interview it is).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cati.calls.rules.calendar import CallingCalendar
from cati.calls.rules.outcomes import COMPLETE
from cati.core.languages import SOURCE
from cati.core.localtime import days_bounds
from cati.interviews.rules import Answer, Form, QType
from cati.interviews.rules.codec import answer_from_json
from cati.interviews.rules.paradata import words_to_read
from cati.interviews.service.catalog import catalog
from cati.platform.models import (
    Answer as AnswerRow,
)
from cati.platform.models import (
    AnswerChange,
    CallAttempt,
    CallCase,
    Interview,
    MeasurementPeriod,
    Provider,
    ScreenVisit,
    User,
)
from cati.supervision.rules.flag_route_length import question_norms
from cati.supervision.rules.interview_flags import interview_flags
from cati.supervision.rules.quality_facts import GridAnswers, InterviewFacts, ScreenTime, sessions_of
from cati.supervision.rules.quality_flags import Flag
from cati.supervision.rules.quality_settings import QualitySettings
from cati.supervision.service.quality_results import QualityError
from cati.supervision.service.reports import ReportError, find_provider

SURVEY_QUEUES = ("purchased", "inburgering")


@dataclass
class LoadedInterview:
    """One interview as read, with its facts and flags."""

    id: int
    case_id: int
    form_id: str
    started_at: datetime
    completed_at: datetime
    period_id: int
    provider: str
    started_by: int | None
    interviewer_id: int | None = None
    visits: list[Any] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)
    changes_after_end: list[tuple[str, datetime]] = field(default_factory=list)
    facts: InterviewFacts | None = None
    flags: tuple[Flag, ...] = ()


@dataclass(frozen=True)
class Selection:
    """The measurement periods and the range of completion times the review looks at."""

    period_ids: tuple[int, ...]
    start: datetime | None
    end: datetime | None
    interview_ids: tuple[int, ...] | None = None


def selection_of(s: Session, provider: str | int | None, first: date | None, last: date | None) -> Selection:
    """The open (not purged) measurement periods of one provider or all, and the range of local days."""
    stmt = select(MeasurementPeriod.id).where(MeasurementPeriod.purged_at.is_(None))
    if provider is not None:
        try:
            stmt = stmt.where(MeasurementPeriod.provider_id == find_provider(s, provider).id)
        except ReportError as e:
            raise QualityError(str(e)) from None
    start = end = None
    if first is not None or last is not None:
        start, end = days_bounds(first or date(2000, 1, 1), last or date(2999, 12, 31))
    return Selection(tuple(s.scalars(stmt.order_by(MeasurementPeriod.id))), start, end)


def _interviews(selection: Selection, form_id: str | None = None) -> Select[Any]:
    """The ids of the selection's complete, not voided survey interviews (of one form)."""
    stmt = (
        select(Interview.id)
        .join(CallCase, CallCase.id == Interview.case_id)
        .where(CallCase.period_id.in_(selection.period_ids), Interview.status == "complete",
               Interview.voided_at.is_(None), CallCase.queue.in_(SURVEY_QUEUES))
    )
    if selection.start is not None and selection.end is not None:
        stmt = stmt.where(Interview.completed_at >= selection.start, Interview.completed_at < selection.end)
    if form_id is not None:
        stmt = stmt.where(Interview.form_id == form_id)
    return stmt


def _other_attempts(s: Session, interviews: Sequence[LoadedInterview]) -> dict[int, list[tuple[int, datetime,
                                                                                                datetime]]]:
    """Per interviewer, their attempts (case, start, end) within the span of these interviews."""
    users = {iv.interviewer_id for iv in interviews if iv.interviewer_id is not None}
    if not users:
        return {}
    lo = min(iv.started_at for iv in interviews)
    hi = max(iv.completed_at for iv in interviews)
    out: dict[int, list[tuple[int, datetime, datetime]]] = defaultdict(list)
    for user_id, case_id, started, ended in s.execute(
        select(CallAttempt.user_id, CallAttempt.case_id, CallAttempt.started_at, CallAttempt.ended_at)
        .where(CallAttempt.user_id.in_(users), CallAttempt.started_at < hi, CallAttempt.ended_at > lo)
    ):
        if user_id is not None and ended is not None:
            out[user_id].append((case_id, started, ended))
    return out


def user_names(s: Session, ids: Iterable[int]) -> dict[int, str]:
    """User names by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {uid: name for uid, name in s.execute(select(User.id, User.username).where(User.id.in_(wanted)))}


def flagged_by(iv: LoadedInterview) -> tuple[int, ...]:
    """The interviewers whose work raised the interview's flags."""
    return tuple(sorted({u for f in iv.flags for u in f.by}))


def main_interviewer(iv: LoadedInterview) -> int | None:
    """Who did the interview: the interviewer of most of its screens (an interview stopped and resumed
    by a colleague has two); without paradata, who recorded its complete, else who started it."""
    screens: dict[int, set[str]] = defaultdict(set)
    for v in iv.visits:
        if v.user_id is not None:
            screens[v.user_id].add(v.variable)
    if screens:
        return max(screens, key=lambda u: (len(screens[u]), u == iv.interviewer_id))
    return iv.interviewer_id if iv.interviewer_id is not None else iv.started_by


def grade_question(form: Form) -> Any:
    """The form's overall grade: its first grade question."""
    return next((q for q in form.questions if q.type is QType.GRADE), None)


class InterviewReader:
    """Reads interviews with their facts and flags; keeps the words read aloud per question and language
    (a form's versions do not change while the app runs)."""

    def __init__(self) -> None:
        self._words: dict[tuple[str, str, str], int] = {}

    def one(self, s: Session, interview_id: int, qs: QualitySettings, calendar: CallingCalendar) -> LoadedInterview:
        """An interview with its flags, compared with its form in its measurement period."""
        head = s.execute(select(Interview.status, Interview.voided_at, CallCase.period_id, Interview.form_id)
                         .join(CallCase, CallCase.id == Interview.case_id)
                         .where(Interview.id == interview_id)).first()
        if head is None:
            raise QualityError(f"Interview {interview_id} bestaat niet.")
        status, voided, period_id, form_id = head
        if voided is not None:
            raise QualityError(f"Interview {interview_id} is ongeldig gemaakt.")
        if status != "complete":
            raise QualityError(f"Interview {interview_id} is niet afgerond (status {status}).")
        loaded = self.load(s, Selection((period_id,), None, None), qs, calendar, form_id)
        found = next((iv for iv in loaded if iv.id == interview_id), None)
        assert found is not None
        return found

    def load(self, s: Session, selection: Selection, qs: QualitySettings, calendar: CallingCalendar,
             form_id: str | None = None) -> list[LoadedInterview]:
        """The selection's interviews with their facts and flags."""
        if not selection.period_ids:
            return []
        ids = _interviews(selection, form_id)
        forms = catalog().forms
        loaded: dict[int, LoadedInterview] = {}
        for iid, case_id, fid, started, completed, period_id, provider, started_by in s.execute(
            select(Interview.id, Interview.case_id, Interview.form_id, Interview.started_at, Interview.completed_at,
                   CallCase.period_id, Provider.name, Interview.started_by)
            .join(CallCase, CallCase.id == Interview.case_id)
            .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(Interview.id.in_(ids))
        ):
            if fid in forms and completed is not None:
                loaded[iid] = LoadedInterview(iid, case_id, fid, started, completed, period_id, provider, started_by)
        if not loaded:
            return []
        by_case = {iv.case_id: iv for iv in loaded.values()}
        for case_id, user_id in s.execute(
            select(CallAttempt.case_id, CallAttempt.user_id)
            .where(CallAttempt.case_id.in_(select(Interview.case_id).where(Interview.id.in_(ids))),
                   CallAttempt.outcome == COMPLETE)
            .order_by(CallAttempt.id)
        ):
            if case_id in by_case:
                by_case[case_id].interviewer_id = user_id
        for row in s.execute(
            select(ScreenVisit.interview_id, ScreenVisit.variable, ScreenVisit.shown_at, ScreenVisit.left_at,
                   ScreenVisit.language, ScreenVisit.corrections, ScreenVisit.changed, ScreenVisit.row_seconds,
                   ScreenVisit.user_id)
            .where(ScreenVisit.interview_id.in_(ids)).order_by(ScreenVisit.shown_at, ScreenVisit.id)
        ):
            loaded[row[0]].visits.append(row)
        for iv in loaded.values():
            iv.interviewer_id = main_interviewer(iv)
        for iid, var, value in s.execute(
            select(AnswerRow.interview_id, AnswerRow.variable, AnswerRow.value)
            .where(AnswerRow.interview_id.in_(ids), AnswerRow.on_route)
        ):
            loaded[iid].answers[var] = answer_from_json(value)
        for iid, var, at in s.execute(
            select(AnswerChange.interview_id, AnswerChange.variable, AnswerChange.changed_at)
            .join(Interview, Interview.id == AnswerChange.interview_id)
            .where(AnswerChange.interview_id.in_(ids), AnswerChange.changed_at > Interview.completed_at)
        ):
            loaded[iid].changes_after_end.append((var, at))
        others = _other_attempts(s, list(loaded.values()))
        for iv in loaded.values():
            iv.facts = self._facts(iv, forms[iv.form_id], others.get(iv.interviewer_id or 0, []))
        norms = question_norms([iv.facts for iv in loaded.values() if iv.facts is not None], qs.min_comparison)
        for iv in loaded.values():
            assert iv.facts is not None
            form = forms[iv.form_id]
            words = {q.var: self._words_of(form, SOURCE, q.var) for q in form.questions}
            iv.flags = interview_flags(iv.facts, qs, calendar, norms, words)
        return list(loaded.values())

    def _words_of(self, form: Form, language: str, var: str) -> int:
        key = (form.id, language, var)
        words = self._words.get(key)
        if words is None:
            version = catalog().version(form.id, language)
            words = self._words[key] = words_to_read(version, version.question(var))
        return words

    def _facts(self, iv: LoadedInterview, form: Form, attempts: Sequence[tuple[int, datetime, datetime]]) -> InterviewFacts:
        screens: dict[str, ScreenTime] = {}
        per: dict[str, list[Any]] = defaultdict(list)
        for v in iv.visits:
            if form.has_var(v.variable):
                per[form.question(v.variable).var].append(v)
        for var, visits in per.items():
            rows: dict[str, float] = {}
            for v in visits:
                for item, sec in json.loads(v.row_seconds or "{}").items():
                    rows[item] = rows.get(item, 0.0) + float(sec)
            language = visits[-1].language or SOURCE
            screens[var] = ScreenTime(
                var, sum((v.left_at - v.shown_at).total_seconds() for v in visits),
                self._words_of(form, language, var), len(visits), tuple(rows.items()),
                sum(v.corrections for v in visits), any(v.changed for v in visits), visits[-1].user_id)
        route: list[str] = []
        grids: list[GridAnswers] = []
        answered = specials = 0
        for q in form.questions:
            if not any(var in iv.answers for var in q.answer_vars):
                continue
            route.append(q.var)
            if q.type is QType.INFO:
                continue
            for var in q.answer_vars:
                a = iv.answers.get(var)
                if a is not None and a.has_value:
                    answered += 1
                    specials += a.special is not None
            if q.type is QType.GRID:
                grids.append(GridAnswers(q.var, tuple(iv.answers[i].code if i in iv.answers else None
                                                      for i in q.answer_vars),
                                         {o.code: o.label for o in q.options}))
        start = iv.visits[0].shown_at if iv.visits else iv.started_at
        end = iv.completed_at
        near = tuple(sorted((c, a, b) for c, a, b in attempts if a < end and b > start))
        grade_q = grade_question(form)
        grade = iv.answers[grade_q.var].number if grade_q is not None and grade_q.var in iv.answers else None
        mine = [(v.shown_at, v.left_at) for v in iv.visits if v.user_id == iv.interviewer_id]
        return InterviewFacts(iv.id, iv.interviewer_id, iv.form_id, start, end, tuple(route), screens, tuple(grids),
                              answered, specials, tuple(sorted(iv.changes_after_end, key=lambda c: c[1])), near,
                              grade, iv.case_id, sessions_of(mine))
