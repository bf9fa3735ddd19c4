"""Interview quality control (issue 17): flagged interviews, the interviewers' standing, and the
supervisor's decisions: accept, void, back-check.

The rules are pure (:mod:`cati.supervision.rules.interview_flags`); this service reads what they need
(:mod:`~cati.supervision.service.quality_reading`):

* **the selection**: complete, not voided interviews of the open (not purged) measurement periods, of
  one provider or all, optionally completed within ``first``..``last`` (local days). The comparison
  group of an interview is the selection's interviews of the same form.
* **the interviewer of an interview**: the one who worked most of its screens (a stopped interview may
  be resumed by a colleague); without paradata, the one who recorded its COMPLETE.
* **paradata**: the screen visits (``screen_visit``) per question, with the words read aloud in the
  language each was shown in; **answers**: the on-route answers; **changes after the end**: answer
  changes later than the completion; **other cases**: the interviewer's call attempts on other cases
  during the interview; **contact and refusal rates**: the interviewer's attempts on cases of the form
  in the selection (completed in the range: attempts started in it;
  :mod:`~cati.supervision.service.quality_standing`).

Decisions (each audited, in one transaction with what it does; the review records
:mod:`~cati.supervision.service.quality_reviews`):

* **accept** (a note is required): the flags are cleared; the interview comes back only when an answer
  changes after the decision (a new ``changed_after_end``).
* **void** (a note is required): the existing void (``BillingService.void_in``: not billed; a
  correction when a closed statement held it).
* **back-check**: a verification call (``CallService.add_backcheck_in``: the queue ``backcheck``,
  offered by the call order only to another interviewer), asked with ``forms/backcheck.yaml``; its
  answers are recorded with the review when it completes (:meth:`QualityService.backcheck_done`, called
  by the interview service in the back-check's own transaction). Then the supervisor accepts or voids.

What it returns is :mod:`~cati.supervision.service.quality_results`; one interview's answer lines
:mod:`~cati.supervision.service.quality_answers`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.accounts.service.settings import SettingsService
from cati.billing.service.billing import BillingError, BillingService
from cati.calls.rules.calendar import CallingCalendar
from cati.calls.service.calls import CallError, CallService
from cati.interviews.rules import Answer, answer_label
from cati.interviews.service.catalog import catalog
from cati.platform.context import ServiceContext
from cati.platform.models import CallCase, InterviewReview
from cati.supervision.rules.quality_flags import FlagCode
from cati.supervision.rules.quality_settings import QualitySettings
from cati.supervision.service.quality_answers import answer_lines
from cati.supervision.service.quality_reading import (
    InterviewReader,
    flagged_by,
    grade_question,
    selection_of,
    user_names,
)
from cati.supervision.service.quality_results import (
    BackcheckResult,
    QualityError,
    ReviewDecision,
    ReviewedInterview,
    ReviewList,
)
from cati.supervision.service.quality_reviews import (
    answer_value,
    backcheck_confirmed,
    decide,
    decision_of,
    required_note,
    review_history,
    review_item,
)
from cati.supervision.service.quality_standing import interviewer_figures, interviewer_standing


class QualityService:
    """The review of complete interviews: the list with the interviewers' standing, one interview, and the
    decisions on it."""

    def __init__(self, ctx: ServiceContext, settings: SettingsService, calls: CallService,
                 billing: BillingService) -> None:
        self.ctx = ctx
        self.settings = settings
        self.calls = calls  # back-check cases, in this service's transactions
        self.billing = billing  # voids, in this service's transactions
        self.reader = InterviewReader()

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
            selection = selection_of(s, provider, first, last)
            loaded = self.reader.load(s, selection, qs, self.calendar)
            reviews = review_history(s, [iv.id for iv in loaded])
            names = user_names(s, {u for iv in loaded for u in (iv.interviewer_id, *flagged_by(iv)) if u is not None})
            figures = interviewer_figures(s, selection, loaded)
        items = [review_item(iv, reviews.get(iv.id, ()), names) for iv in loaded]
        flagged = sum(1 for it in items if it.flags)
        wanted = [it for it in items if it.status != "unflagged" and (decided or it.status != "accepted")]
        if interviewer is not None:
            wanted = [it for it in wanted if it.interviewer == interviewer or interviewer in it.flagged_by]
        if flag is not None:
            wanted = [it for it in wanted if any(f.code == flag for f in it.flags)]
        wanted.sort(key=lambda it: (it.completed_at, it.interview_id), reverse=True)
        stands = interviewer_standing(loaded, figures, names, qs)
        if interviewer is not None:
            stands = [st for st in stands if st.interviewer == interviewer]
        return ReviewList(tuple(wanted), tuple(stands), len(items), flagged, qs)

    def interview(self, actor: Actor | None, interview_id: int) -> ReviewedInterview:
        """One interview read-only: every answer with its time on screen and its changes, its flags (the
        comparison group: its form in its measurement period) and the review so far."""
        require(actor, Permission.REVIEW_INTERVIEWS)
        qs = self.quality_settings()
        with self.ctx.db.unit_of_work() as s:
            iv = self.reader.one(s, interview_id, qs, self.calendar)
            reviews = review_history(s, [iv.id]).get(iv.id, ())
            names = user_names(s, {u for u in (iv.interviewer_id, *flagged_by(iv)) if u is not None})
            item = review_item(iv, reviews, names)
            lines = answer_lines(s, iv, self.calendar)
        form = catalog().forms[iv.form_id]
        grade_q = grade_question(form)
        grade = answer_label(form, grade_q.var, iv.answers[grade_q.var]) if grade_q and grade_q.var in iv.answers else ""
        return ReviewedInterview(item, tuple(lines), tuple(reviews), grade, form.title)

    # -- decisions --------------------------------------------------------------------------
    def accept(self, actor: Actor | None, interview_id: int, note: str) -> ReviewDecision:
        """Accept the interview as it is: its flags are cleared (the note says why)."""
        actor = require(actor, Permission.REVIEW_INTERVIEWS)
        note = required_note(note)
        qs = self.quality_settings()
        with self.ctx.db.unit_of_work(immediate=True) as s:
            iv = self.reader.one(s, interview_id, qs, self.calendar)
            row = decide(s, actor, iv, "accept", note, self.ctx.now())
            record(s, actor, "review_accept", at=row.decided_at, object_type="interview", object_id=iv.id,
                   review=row.id, flags=json.loads(row.flags))
            return decision_of(row, actor.username, None)

    def void(self, actor: Actor | None, interview_id: int, note: str) -> ReviewDecision:
        """Void the interview (the existing void: not billed, corrected when a closed statement held it)."""
        actor = require(actor, Permission.REVIEW_INTERVIEWS)
        require(actor, Permission.VOID_INTERVIEW)
        note = required_note(note)
        qs = self.quality_settings()
        with self.ctx.db.unit_of_work(immediate=True) as s:
            iv = self.reader.one(s, interview_id, qs, self.calendar)
            try:
                voided = self.billing.void_in(s, actor, iv.id, note)
            except BillingError as e:
                raise QualityError(str(e)) from None
            row = decide(s, actor, iv, "void", note, self.ctx.now())
            record(s, actor, "review_void", at=row.decided_at, object_type="interview", object_id=iv.id,
                   review=row.id, flags=json.loads(row.flags), billed_on=voided.billed_on)
            return decision_of(row, actor.username, None)

    def backcheck(self, actor: Actor | None, interview_id: int, note: str = "") -> ReviewDecision:
        """Put a back-check call in the queue (for an interviewer other than the one who did the
        interview); its answers come back to this review."""
        actor = require(actor, Permission.REVIEW_INTERVIEWS)
        qs = self.quality_settings()
        with self.ctx.db.unit_of_work(immediate=True) as s:
            iv = self.reader.one(s, interview_id, qs, self.calendar)
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
            row = decide(s, actor, iv, "backcheck", note.strip(), self.ctx.now(), case_id)
            record(s, actor, "review_backcheck", at=row.decided_at, object_type="interview", object_id=iv.id,
                   review=row.id, flags=json.loads(row.flags), backcheck_case=case_id)
            return decision_of(row, actor.username, BackcheckResult(case_id, "waiting", None, None,
                                                                    summary="Nacontrole staat in de belrij"))

    def backcheck_done(self, s: Session, case_id: int, interview_id: int, answers: Mapping[str, Answer],
                       by: Actor, at: datetime) -> None:
        """In the interview service's transaction: a back-check completed; its answers go to the review
        that asked for it (and the audit trail)."""
        row = s.scalar(select(InterviewReview).where(InterviewReview.backcheck_case_id == case_id)
                       .order_by(InterviewReview.id.desc()).limit(1))
        if row is None:
            return  # a back-check case made by other means: nothing to record it with
        values = {var: answer_value(a) for var, a in answers.items()}
        row.backcheck_result = json.dumps({"interview": interview_id, "answers": values}, sort_keys=True)
        row.backcheck_at = at
        row.backcheck_by = by.user_id
        confirmed = backcheck_confirmed(values)
        record(s, by, "backcheck_answer", at=at, object_type="interview", object_id=row.interview_id, review=row.id,
               backcheck_case=case_id, confirmed=confirmed)
