"""Interview quality control (issue 17): flagged interviews, the interviewers' standing, and the
supervisor's decisions: accept, void, back-check.

The rules are pure (:mod:`cati.supervision.rules.interview_flags`); this service reads what they need:

* **the selection**: complete, not voided interviews of the open (not purged) measurement periods, of
  one provider or all, optionally completed within ``first``..``last`` (local days). The comparison
  group of an interview is the selection's interviews of the same form.
* **the interviewer of an interview**: the one who worked most of its screens (a stopped interview may
  be resumed by a colleague); without paradata, the one who recorded its COMPLETE.
* **paradata**: the screen visits (``screen_visit``) per question, with the words read aloud in the
  language each was shown in; **answers**: the on-route answers; **changes after the end**: answer
  changes later than the completion; **other cases**: the interviewer's call attempts on other cases
  during the interview; **contact and refusal rates**: the interviewer's attempts on cases of the form
  in the selection (completed in the range: attempts started in it).

Decisions (each audited, in one transaction with what it does):

* **accept** (a note is required): the flags are cleared; the interview comes back only when an answer
  changes after the decision (a new ``changed_after_end``).
* **void** (a note is required): the existing void (``BillingService.void_in``: not billed; a
  correction when a closed statement held it).
* **back-check**: a verification call (``CallService.add_backcheck_in``: the queue ``backcheck``,
  offered by the call order only to another interviewer), asked with ``forms/backcheck.yaml``; its
  answers are recorded with the review when it completes (:meth:`QualityService.backcheck_done`, called
  by the interview service in the back-check's own transaction). Then the supervisor accepts or voids.
"""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.accounts.service.settings import SettingsService
from cati.billing.service.billing import BillingError, BillingService
from cati.calls.rules.calendar import CallingCalendar
from cati.calls.rules.outcomes import COMPLETE
from cati.calls.service.calls import CallError, CallService
from cati.core.languages import SOURCE
from cati.core.localtime import days_bounds
from cati.interviews.rules import Answer, Form, QType, answer_label
from cati.interviews.rules.codec import answer_from_json
from cati.interviews.rules.paradata import words_to_read
from cati.interviews.service.catalog import catalog
from cati.platform.context import ServiceContext
from cati.platform.models import (
    Answer as AnswerRow,
)
from cati.platform.models import (
    AnswerChange,
    CallAttempt,
    CallCase,
    Client,
    Interview,
    InterviewReview,
    MeasurementPeriod,
    Provider,
    ScreenVisit,
    User,
)
from cati.sample.rules.forms import BACKCHECK_FORM, form_id_for_case
from cati.supervision.rules.flag_route_length import question_norms
from cati.supervision.rules.interview_flags import interview_flags
from cati.supervision.rules.interviewer_standing import InterviewerFigures, Standing, standing
from cati.supervision.rules.quality_charts import LENGTH_BINS, SECONDS_BINS, band, shares
from cati.supervision.rules.quality_facts import GridAnswers, InterviewFacts, ScreenTime, sessions_of
from cati.supervision.rules.quality_flags import Flag, FlagCode
from cati.supervision.rules.quality_settings import QualitySettings
from cati.supervision.service.reports import ReportError, find_provider, outcome_table

__all__ = ["AnswerLine", "BackcheckResult", "InterviewerStanding", "QualityError", "QualityService",
           "ReviewDecision", "ReviewItem", "ReviewList", "ReviewedInterview"]

SURVEY_QUEUES = ("purchased", "inburgering")


class QualityError(ValueError):
    """A review request that cannot be done; Dutch message."""


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class BackcheckResult:
    """A back-check's state: waiting (its case open), answered (its answers), or ended without an answer."""

    case_id: int
    state: str  # waiting | answered | ended
    outcome: str | None  # the back-check case's final outcome
    confirmed: bool | None  # "did you speak with one of our interviewers": yes / no / not known
    answers: tuple[tuple[str, str], ...] = ()  # (question variable, answer as read)
    at: datetime | None = None
    by: str = ""
    summary: str = ""  # Dutch


@dataclass(frozen=True)
class ReviewDecision:
    id: int
    decision: str  # accept | void | backcheck
    flags: tuple[str, ...]
    note: str
    decided_by: str
    decided_at: datetime
    backcheck: BackcheckResult | None = None


@dataclass(frozen=True)
class ReviewItem:
    """An interview in the review list: its flags and where its review stands."""

    interview_id: int
    case_id: int
    provider: str
    period_id: int
    form_id: str
    interviewer_id: int | None
    interviewer: str
    completed_at: datetime
    length_seconds: float
    has_paradata: bool
    flags: tuple[Flag, ...]
    status: str  # open | backcheck_pending | backcheck_done | accepted | unflagged
    decision: ReviewDecision | None = None  # the latest
    flagged_by: tuple[str, ...] = ()  # whose work raised the flags (a colleague who stopped and handed it on too)


@dataclass(frozen=True)
class InterviewerStanding:
    """An interviewer on one form: figures, each measure against the colleagues, and the chart data
    (shares per bin, the colleagues' band: their lowest and highest share per bin)."""

    interviewer_id: int
    interviewer: str
    form_id: str
    figures: InterviewerFigures
    standings: tuple[Standing, ...]
    length_minutes: tuple[float, ...] = ()
    question_seconds: tuple[float, ...] = ()
    length_shares: tuple[float, ...] = ()
    length_band: tuple[tuple[float, float], ...] = ()
    seconds_shares: tuple[float, ...] = ()
    seconds_band: tuple[tuple[float, float], ...] = ()

    @property
    def far(self) -> tuple[Standing, ...]:
        return tuple(s for s in self.standings if s.far)


@dataclass(frozen=True)
class ReviewList:
    items: tuple[ReviewItem, ...]  # the interviews asked for (flagged or under review)
    standing: tuple[InterviewerStanding, ...]
    interviews: int  # complete interviews in the selection
    flagged: int  # of which with a flag (before the filters on interviewer, flag and status)
    settings: QualitySettings
    length_bins: tuple[float, ...] = LENGTH_BINS
    seconds_bins: tuple[float, ...] = SECONDS_BINS


@dataclass(frozen=True)
class AnswerLine:
    """One answer of a reviewed interview, with its time on screen and its changes."""

    variable: str
    question: str  # the question variable (a grid's, for its rows)
    text: str  # the question's (or row's) text
    answer: str
    seconds: float | None  # on screen (a grid row: on that row)
    visits: int
    corrections: int
    changes: tuple[str, ...]  # "8 → 9 (03-03-2026 10:12, anna)"
    after_end: bool  # changed after the interview ended


@dataclass(frozen=True)
class ReviewedInterview:
    item: ReviewItem
    lines: tuple[AnswerLine, ...]
    history: tuple[ReviewDecision, ...]
    grade: str  # the overall grade as given (for the back-check's comparison)
    form_title: str


# ---------------------------------------------------------------- what is read


@dataclass
class _Interview:
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
class _Selection:
    period_ids: tuple[int, ...]
    start: datetime | None
    end: datetime | None
    interview_ids: tuple[int, ...] | None = None


class QualityService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService, calls: CallService,
                 billing: BillingService) -> None:
        self.ctx = ctx
        self.settings = settings
        self.calls = calls  # back-check cases, in this service's transactions
        self.billing = billing  # voids, in this service's transactions
        self._words: dict[tuple[str, str, str], int] = {}

    def quality_settings(self) -> QualitySettings:
        return QualitySettings.read(self.settings.get)

    @property
    def calendar(self) -> CallingCalendar:
        return self.calls.scheduler.calendar

    # -- the list ---------------------------------------------------------------------------
    def review_list(
        self, actor: Actor | None, provider: str | int | None = None, *, interviewer: str | None = None,
        flag: str | None = None, first: date | None = None, last: date | None = None, decided: bool = False,
    ) -> ReviewList:
        """The flagged interviews (and those under review) of the selection, newest first, with the
        interviewers' standing. ``interviewer`` (a user name) and ``flag`` (a flag code) narrow the list;
        ``decided``: accepted interviews too."""
        require(actor, Permission.REVIEW_INTERVIEWS)
        if flag is not None and flag not in {f.value for f in FlagCode}:
            raise QualityError(f"Onbekend signaal {flag!r}: kies {', '.join(f.value for f in FlagCode)}")
        qs = self.quality_settings()
        with self.ctx.db.unit_of_work() as s:
            selection = self._selection(s, provider, first, last)
            loaded = self._load(s, selection, qs)
            reviews = self._reviews(s, [iv.id for iv in loaded])
            names = self._names(s, {u for iv in loaded for u in (iv.interviewer_id, *_by(iv)) if u is not None})
            figures = self._figures(s, selection, loaded)
        items = [self._item(iv, reviews.get(iv.id, ()), names) for iv in loaded]
        flagged = sum(1 for it in items if it.flags)
        wanted = [it for it in items if it.status != "unflagged" and (decided or it.status != "accepted")]
        if interviewer is not None:
            wanted = [it for it in wanted if it.interviewer == interviewer or interviewer in it.flagged_by]
        if flag is not None:
            wanted = [it for it in wanted if any(f.code == flag for f in it.flags)]
        wanted.sort(key=lambda it: (it.completed_at, it.interview_id), reverse=True)
        stands = self._standing(loaded, figures, names, qs)
        if interviewer is not None:
            stands = [st for st in stands if st.interviewer == interviewer]
        return ReviewList(tuple(wanted), tuple(stands), len(items), flagged, qs)

    def interview(self, actor: Actor | None, interview_id: int) -> ReviewedInterview:
        """One interview read-only: every answer with its time on screen and its changes, its flags (the
        comparison group: its form in its measurement period) and the review so far."""
        require(actor, Permission.REVIEW_INTERVIEWS)
        qs = self.quality_settings()
        with self.ctx.db.unit_of_work() as s:
            iv = self._one(s, interview_id, qs)
            reviews = self._reviews(s, [iv.id]).get(iv.id, ())
            names = self._names(s, {u for u in (iv.interviewer_id, *_by(iv)) if u is not None})
            item = self._item(iv, reviews, names)
            lines = self._lines(s, iv)
        form = catalog().forms[iv.form_id]
        grade_q = _grade_question(form)
        grade = answer_label(form, grade_q.var, iv.answers[grade_q.var]) if grade_q and grade_q.var in iv.answers else ""
        return ReviewedInterview(item, tuple(lines), tuple(reviews), grade, form.title)

    # -- decisions --------------------------------------------------------------------------
    def accept(self, actor: Actor | None, interview_id: int, note: str) -> ReviewDecision:
        """Accept the interview as it is: its flags are cleared (the note says why)."""
        actor = require(actor, Permission.REVIEW_INTERVIEWS)
        note = _note(note)
        qs = self.quality_settings()
        with self.ctx.db.unit_of_work(immediate=True) as s:
            iv = self._one(s, interview_id, qs)
            row = self._decide(s, actor, iv, "accept", note)
            record(s, actor, "review_accept", at=row.decided_at, object_type="interview", object_id=iv.id,
                   review=row.id, flags=json.loads(row.flags))
            return self._decision(row, actor.username, None)

    def void(self, actor: Actor | None, interview_id: int, note: str) -> ReviewDecision:
        """Void the interview (the existing void: not billed, corrected when a closed statement held it)."""
        actor = require(actor, Permission.REVIEW_INTERVIEWS)
        require(actor, Permission.VOID_INTERVIEW)
        note = _note(note)
        qs = self.quality_settings()
        with self.ctx.db.unit_of_work(immediate=True) as s:
            iv = self._one(s, interview_id, qs)
            try:
                voided = self.billing.void_in(s, actor, iv.id, note)
            except BillingError as e:
                raise QualityError(str(e)) from None
            row = self._decide(s, actor, iv, "void", note)
            record(s, actor, "review_void", at=row.decided_at, object_type="interview", object_id=iv.id,
                   review=row.id, flags=json.loads(row.flags), billed_on=voided.billed_on)
            return self._decision(row, actor.username, None)

    def backcheck(self, actor: Actor | None, interview_id: int, note: str = "") -> ReviewDecision:
        """Put a back-check call in the queue (for an interviewer other than the one who did the
        interview); its answers come back to this review."""
        actor = require(actor, Permission.REVIEW_INTERVIEWS)
        qs = self.quality_settings()
        with self.ctx.db.unit_of_work(immediate=True) as s:
            iv = self._one(s, interview_id, qs)
            latest = s.scalar(select(InterviewReview).where(InterviewReview.interview_id == iv.id)
                              .order_by(InterviewReview.id.desc()).limit(1))
            if latest is not None and latest.decision == "backcheck" and latest.backcheck_result is None:
                case = s.get(CallCase, latest.backcheck_case_id)
                if case is not None and case.status != "final":
                    raise QualityError(f"Er loopt al een nacontrole voor interview {iv.id} (zaak {case.id}).")
            if iv.interviewer_id is None:
                raise QualityError(f"Van interview {iv.id} is niet bekend wie het afnam: geen nacontrole mogelijk.")
            try:
                case_id = self.calls.add_backcheck_in(s, actor, iv.case_id, iv.interviewer_id)
            except CallError as e:
                raise QualityError(str(e)) from None
            row = self._decide(s, actor, iv, "backcheck", note.strip(), case_id)
            record(s, actor, "review_backcheck", at=row.decided_at, object_type="interview", object_id=iv.id,
                   review=row.id, flags=json.loads(row.flags), backcheck_case=case_id)
            return self._decision(row, actor.username, BackcheckResult(case_id, "waiting", None, None,
                                                                       summary="Nacontrole staat in de belrij"))

    def backcheck_done(self, s: Session, case_id: int, interview_id: int, answers: Mapping[str, Answer],
                       by: Actor, at: datetime) -> None:
        """In the interview service's transaction: a back-check completed; its answers go to the review
        that asked for it (and the audit trail)."""
        row = s.scalar(select(InterviewReview).where(InterviewReview.backcheck_case_id == case_id)
                       .order_by(InterviewReview.id.desc()).limit(1))
        if row is None:
            return  # a back-check case made by other means: nothing to record it with
        values = {var: _answer_value(a) for var, a in answers.items()}
        row.backcheck_result = json.dumps({"interview": interview_id, "answers": values}, sort_keys=True)
        row.backcheck_at = at
        row.backcheck_by = by.user_id
        confirmed = _confirmed(values)
        record(s, by, "backcheck_answer", at=at, object_type="interview", object_id=row.interview_id, review=row.id,
               backcheck_case=case_id, confirmed=confirmed)

    # -- reading ----------------------------------------------------------------------------
    def _selection(self, s: Session, provider: str | int | None, first: date | None, last: date | None) -> _Selection:
        stmt = select(MeasurementPeriod.id).where(MeasurementPeriod.purged_at.is_(None))
        if provider is not None:
            try:
                stmt = stmt.where(MeasurementPeriod.provider_id == find_provider(s, provider).id)
            except ReportError as e:
                raise QualityError(str(e)) from None
        start = end = None
        if first is not None or last is not None:
            start, end = days_bounds(first or date(2000, 1, 1), last or date(2999, 12, 31))
        return _Selection(tuple(s.scalars(stmt.order_by(MeasurementPeriod.id))), start, end)

    def _one(self, s: Session, interview_id: int, qs: QualitySettings) -> _Interview:
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
        loaded = self._load(s, _Selection((period_id,), None, None), qs, form_id)
        found = next((iv for iv in loaded if iv.id == interview_id), None)
        assert found is not None
        return found

    def _interviews(self, selection: _Selection, form_id: str | None = None) -> Select[Any]:
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

    def _load(self, s: Session, selection: _Selection, qs: QualitySettings,
              form_id: str | None = None) -> list[_Interview]:
        """The selection's interviews with their facts and flags."""
        if not selection.period_ids:
            return []
        ids = self._interviews(selection, form_id)
        forms = catalog().forms
        loaded: dict[int, _Interview] = {}
        for iid, case_id, fid, started, completed, period_id, provider, started_by in s.execute(
            select(Interview.id, Interview.case_id, Interview.form_id, Interview.started_at, Interview.completed_at,
                   CallCase.period_id, Provider.name, Interview.started_by)
            .join(CallCase, CallCase.id == Interview.case_id)
            .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(Interview.id.in_(ids))
        ):
            if fid in forms and completed is not None:
                loaded[iid] = _Interview(iid, case_id, fid, started, completed, period_id, provider, started_by)
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
            iv.interviewer_id = _main_interviewer(iv)
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
        others = self._other_attempts(s, list(loaded.values()))
        for iv in loaded.values():
            iv.facts = self._facts(iv, forms[iv.form_id], others.get(iv.interviewer_id or 0, []))
        norms = question_norms([iv.facts for iv in loaded.values() if iv.facts is not None], qs.min_comparison)
        for iv in loaded.values():
            assert iv.facts is not None
            form = forms[iv.form_id]
            words = {q.var: self._words_of(form, SOURCE, q.var) for q in form.questions}
            iv.flags = interview_flags(iv.facts, qs, self.calendar, norms, words)
        return list(loaded.values())

    def _other_attempts(self, s: Session, interviews: Sequence[_Interview]) -> dict[int, list[tuple[int, datetime,
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

    def _words_of(self, form: Form, language: str, var: str) -> int:
        key = (form.id, language, var)
        words = self._words.get(key)
        if words is None:
            version = catalog().version(form.id, language)
            words = self._words[key] = words_to_read(version, version.question(var))
        return words

    def _facts(self, iv: _Interview, form: Form, attempts: Sequence[tuple[int, datetime, datetime]]) -> InterviewFacts:
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
        grade_q = _grade_question(form)
        grade = iv.answers[grade_q.var].number if grade_q is not None and grade_q.var in iv.answers else None
        mine = [(v.shown_at, v.left_at) for v in iv.visits if v.user_id == iv.interviewer_id]
        return InterviewFacts(iv.id, iv.interviewer_id, iv.form_id, start, end, tuple(route), screens, tuple(grids),
                              answered, specials, tuple(sorted(iv.changes_after_end, key=lambda c: c[1])), near,
                              grade, iv.case_id, sessions_of(mine))

    def _reviews(self, s: Session, interview_ids: Sequence[int]) -> dict[int, tuple[ReviewDecision, ...]]:
        if not interview_ids:
            return {}
        rows = list(s.scalars(select(InterviewReview).where(InterviewReview.interview_id.in_(list(interview_ids)))
                              .order_by(InterviewReview.decided_at, InterviewReview.id)))
        users = self._names(s, {u for r in rows for u in (r.decided_by, r.backcheck_by) if u is not None})
        cases = {c.id: c for c in s.scalars(select(CallCase).where(
            CallCase.id.in_([r.backcheck_case_id for r in rows if r.backcheck_case_id is not None])))}
        out: dict[int, list[ReviewDecision]] = defaultdict(list)
        for r in rows:
            check = None
            if r.backcheck_case_id is not None:
                check = _backcheck(r, cases.get(r.backcheck_case_id), users)
            out[r.interview_id].append(self._decision(r, users.get(r.decided_by or 0, ""), check))
        return {k: tuple(v) for k, v in out.items()}

    @staticmethod
    def _names(s: Session, ids: Iterable[int]) -> dict[int, str]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        return {uid: name for uid, name in s.execute(select(User.id, User.username).where(User.id.in_(wanted)))}

    @staticmethod
    def _decision(row: InterviewReview, by: str, check: BackcheckResult | None) -> ReviewDecision:
        return ReviewDecision(row.id, row.decision, tuple(json.loads(row.flags or "[]")), row.note or "", by,
                              row.decided_at, check)

    def _decide(self, s: Session, actor: Actor, iv: _Interview, decision: str, note: str,
                case_id: int | None = None) -> InterviewReview:
        row = InterviewReview(interview_id=iv.id, decision=decision, note=note,
                              flags=json.dumps([f.code.value for f in iv.flags]), decided_by=actor.user_id,
                              decided_at=self.ctx.now(), backcheck_case_id=case_id)
        s.add(row)
        s.flush()
        return row

    def _item(self, iv: _Interview, reviews: Sequence[ReviewDecision], names: Mapping[int, str]) -> ReviewItem:
        assert iv.facts is not None
        latest = reviews[-1] if reviews else None
        status = "open" if iv.flags else "unflagged"
        if latest is not None and latest.decision == "backcheck":
            waiting = latest.backcheck is not None and latest.backcheck.state == "waiting"
            status = "backcheck_pending" if waiting else "backcheck_done"
        elif latest is not None and latest.decision == "accept":
            later = [at for _, at in iv.changes_after_end if at > latest.decided_at]
            status = "open" if later else "accepted"
        return ReviewItem(
            iv.id, iv.case_id, iv.provider, iv.period_id, iv.form_id, iv.interviewer_id,
            names.get(iv.interviewer_id or 0, ""), iv.completed_at, iv.facts.length_seconds, iv.facts.has_paradata,
            iv.flags, status, latest, tuple(names.get(u, str(u)) for u in _by(iv)),
        )

    def _lines(self, s: Session, iv: _Interview) -> list[AnswerLine]:
        form = catalog().forms[iv.form_id]
        assert iv.facts is not None
        changes: dict[str, list[str]] = defaultdict(list)
        after: set[str] = set()
        users = self._names(s, {u for u in s.scalars(select(AnswerChange.user_id)
                                                     .where(AnswerChange.interview_id == iv.id)) if u is not None})
        for var, old, new, at, user in s.execute(
            select(AnswerChange.variable, AnswerChange.old_value, AnswerChange.new_value, AnswerChange.changed_at,
                   AnswerChange.user_id).where(AnswerChange.interview_id == iv.id).order_by(AnswerChange.id)
        ):
            if not form.has_var(var):
                continue
            before = answer_label(form, var, answer_from_json(old)) if old else "—"
            now = answer_label(form, var, answer_from_json(new)) if new else "—"
            changes[var].append(f"{before} → {now} ({self.calendar.local(at):%d-%m-%Y %H:%M}, "
                                f"{users.get(user or 0, '?')})")
            if at > iv.completed_at:
                after.add(var)
        lines: list[AnswerLine] = []
        for q in form.questions:
            if q.var not in iv.facts.route:
                continue
            screen = iv.facts.screens.get(q.var)
            rows = dict(screen.row_seconds) if screen is not None else {}
            if q.type is QType.GRID:
                for item in q.items:
                    a = iv.answers.get(item.var)
                    lines.append(AnswerLine(item.var, q.var, item.text, answer_label(form, item.var, a) if a else "",
                                            rows.get(item.var), screen.visits if screen else 0,
                                            screen.corrections if screen else 0, tuple(changes.get(item.var, ())),
                                            item.var in after))
                continue
            a = iv.answers.get(q.var)
            shown = "" if a is None or q.type is QType.INFO else answer_label(form, q.var, a)
            lines.append(AnswerLine(q.var, q.var, q.text, shown, screen.seconds if screen else None,
                                    screen.visits if screen else 0, screen.corrections if screen else 0,
                                    tuple(changes.get(q.var, ())), q.var in after))
        return lines

    # -- interviewers -----------------------------------------------------------------------
    def _figures(self, s: Session, selection: _Selection, loaded: Sequence[_Interview]) -> list[InterviewerFigures]:
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
        groups: dict[tuple[int, str], list[_Interview]] = defaultdict(list)
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
                _median(minutes), sum(1 for iv in ivs if user_id in _by(iv)) / len(ivs) if ivs else None,
                specials / answered if answered else None,
                float(sum(grades, Decimal(0)) / len(grades)) if grades else None, tuple(counts),
                attempts, contacts, refusals, answered,
                statistics.pstdev(minutes) if len(minutes) > 1 else None,
                statistics.pstdev([float(g) for g in grades]) if len(grades) > 1 else None,
            ))
        return out

    def _standing(self, loaded: Sequence[_Interview], figures: Sequence[InterviewerFigures],
                  names: Mapping[int, str], qs: QualitySettings) -> list[InterviewerStanding]:
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


# ---------------------------------------------------------------- helpers


def _by(iv: _Interview) -> tuple[int, ...]:
    """The interviewers whose work raised the interview's flags."""
    return tuple(sorted({u for f in iv.flags for u in f.by}))


def _main_interviewer(iv: _Interview) -> int | None:
    """Who did the interview: the interviewer of most of its screens (an interview stopped and resumed
    by a colleague has two); without paradata, who recorded its complete, else who started it."""
    screens: dict[int, set[str]] = defaultdict(set)
    for v in iv.visits:
        if v.user_id is not None:
            screens[v.user_id].add(v.variable)
    if screens:
        return max(screens, key=lambda u: (len(screens[u]), u == iv.interviewer_id))
    return iv.interviewer_id if iv.interviewer_id is not None else iv.started_by


def _note(note: str) -> str:
    note = note.strip()
    if not note:
        raise QualityError("Geef een toelichting bij de beslissing.")
    return note


def _median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _grade_question(form: Form) -> Any:
    """The form's overall grade: its first grade question."""
    return next((q for q in form.questions if q.type is QType.GRADE), None)


def _answer_value(answer: Answer) -> Any:
    """An answer as a code (or number, or "dont_know"/"refused") for the review's record: no texts."""
    if answer.special is not None:
        return answer.special.value
    if answer.code is not None:
        return answer.code
    if answer.codes:
        return list(answer.codes)
    if answer.number is not None:
        return str(answer.number)
    return None


def _confirmed(values: Mapping[str, Any]) -> bool | None:
    spoken = values.get("bc_gesproken")
    return True if spoken == 1 else False if spoken == 2 else None


def _backcheck(row: InterviewReview, case: CallCase | None, users: Mapping[int, str]) -> BackcheckResult:
    case_id = row.backcheck_case_id or 0
    if row.backcheck_result:
        data = json.loads(row.backcheck_result)
        values: dict[str, Any] = data.get("answers", {})
        form = catalog().forms.get(BACKCHECK_FORM)
        answers: list[tuple[str, str]] = []
        for var, value in values.items():
            if form is None or not form.has_var(var) or form.question(var).type is QType.INFO or value is None:
                continue
            answers.append((var, _label(form, var, value)))
        confirmed = _confirmed(values)
        said = {True: "bevestigt het gesprek", False: "zegt niet met ons gesproken te hebben",
                None: "weet niet meer of er een gesprek was"}[confirmed]
        details = "; ".join(f"{var}: {label}" for var, label in answers if var not in ("bc_identiteit", "bc_gesproken"))
        summary = f"De respondent {said}" + (f" ({details})" if details else "")
        return BackcheckResult(case_id, "answered", case.final_outcome if case else None, confirmed, tuple(answers),
                               row.backcheck_at, users.get(row.backcheck_by or 0, ""), summary)
    if case is not None and case.status == "final":
        return BackcheckResult(case_id, "ended", case.final_outcome, None,
                               summary=f"Nacontrole afgesloten zonder antwoord ({case.final_outcome})")
    attempts = case.attempts if case is not None else 0
    return BackcheckResult(case_id, "waiting", None, None,
                           summary=f"Nacontrole staat in de belrij ({attempts} poging(en))")


def _label(form: Form, var: str, value: Any) -> str:
    if value in ("dont_know", "refused"):
        return form.dont_know_label if value == "dont_know" else form.refused_label
    q = form.question(var)
    if q.type is QType.GRADE or q.type is QType.NUMBER:
        return str(value).replace(".", ",")
    if isinstance(value, int):
        opt = q.option(value)
        return opt.label if opt is not None else str(value)
    return str(value)

