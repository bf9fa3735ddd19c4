"""Interviews: start/resume, answers saved as confirmed, partial/complete/break-off (issue 3).

The GUI keeps the engine state (:class:`cati.interviews.rules.Interview`) for navigation
(back, jump); this service persists every confirmed answer at once (one ``answer`` row per
variable, a change also as an ``answer_change`` row), keeps ``on_route`` flags and
``interview.current_variable`` up to date, and ends interviews with a call outcome in the same
transaction as the attempt (through :class:`CallService`). A crash loses nothing: each answer is
committed when it is confirmed.

Languages: an interview starts in the language its case needs when the form is translated into it
(else in Dutch), and may switch at any question (``InterviewState.versions``: the form in each
language). Every answer stores the language its question was asked in; the interview's main
language (``interview.language``, an export column) is the language most of its answers were given
in (a tie keeps the language it had).

Paradata: every save (an answer, a stop, a complete) takes the screen visits the desk collected since
the last one (:class:`cati.interviews.rules.paradata.ScreenVisit`) and writes them in its own transaction,
so paradata costs no round trip of its own; a visit that changed an earlier answer is marked. No
answer values, names or numbers go into paradata. ``purge_paradata_in`` deletes a period's visits with
its contact data.

Back-checks: a back-check case (queue ``backcheck``, a supervisor's verification call) is asked with
the back-check script and ends, when completed, with the interview status ``backcheck`` (never a
survey complete: not counted, billed or exported); its answers go to the review that asked for it
(``BackcheckRecorder``, in the same transaction).

Beside the service: the state it hands the GUI and the main language (``interview_state.py``), the
reads of an interview's rows and who may touch them (``interview_rows.py``), the paradata writes
(``paradata.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.calls.rules.line import Line
from cati.calls.rules.outcomes import COMPLETE, PARTIAL
from cati.calls.service.calls import AppointmentRequest, CallService, CaseClosed, CaseNotHeld, OutcomeResult
from cati.core.languages import SOURCE, name_nl
from cati.interviews.rules import (
    Answer,
    AnswerRejected,
    Form,
    QType,
    current,
    export_values,
    is_complete,
    route,
)
from cati.interviews.rules import Interview as Engine
from cati.interviews.rules import record as rec
from cati.interviews.rules.codec import answer_to_json
from cati.interviews.rules.paradata import ScreenVisit
from cati.interviews.service.catalog import catalog
from cati.interviews.service.interview_rows import (
    BACKCHECK,
    BREAKOFF,
    ENDED,
    InterviewError,
    access,
    case_fields_of,
    stored_answers,
)
from cati.interviews.service.interview_state import InterviewState, build_state, main_language
from cati.interviews.service.paradata import purge_visits, write_visits
from cati.platform.context import ServiceContext
from cati.platform.models import Answer as AnswerRow
from cati.platform.models import AnswerChange, CallCase, Client, Interview
from cati.sample.rules.forms import BACKCHECK_FORM

__all__ = ["BackcheckRecorder", "InterviewError", "InterviewService", "ScreenVisit"]


class RecordWriter(Protocol):
    """Stores export records (interview id, layout key, line) in the caller's transaction; the
    composition root hands the export service's ``write_records``."""

    def __call__(self, s: Session, records: Iterable[tuple[int, str, str]], now: datetime) -> int: ...


class BackcheckRecorder(Protocol):
    """Records a completed back-check's answers with the review that asked for it, in the caller's
    transaction (``s``); the composition root hands the quality service's ``backcheck_done``."""

    def __call__(self, s: Session, case_id: int, interview_id: int, answers: Mapping[str, Answer],
                 by: Actor, at: datetime) -> None: ...


class InterviewService:
    """Interviews on claimed cases: only the interviewer holding the case works on its interview."""

    def __init__(self, ctx: ServiceContext, calls: CallService, records: RecordWriter,
                 backchecks: BackcheckRecorder | None = None) -> None:
        self.ctx = ctx
        self.calls = calls  # outcomes and quota go through the call service, in this service's transactions
        self.records = records  # the export records of completes, in this service's transactions
        self.backchecks = backchecks  # a back-check's answers to its review, in this service's transactions
        self._forms: dict[str, Form] | None = None

    @property
    def forms(self) -> dict[str, Form]:
        """The questionnaires in ``forms_dir()`` (in Dutch), loaded once."""
        if self._forms is None:
            self._forms = dict(catalog().forms)
        return self._forms

    def _versions(self, form_id: str) -> Mapping[str, Form]:
        """The form in Dutch and every language it is translated into."""
        return catalog().versions.get(form_id) or {SOURCE: self.forms[form_id]}

    # -- starting -----------------------------------------------------------------------------
    def start_or_resume(self, actor: Actor | None, case_id: int) -> InterviewState:
        """Start the interview on a held case, or resume its partial one at the first open question.

        In a capped queue an interview may only start while completes + interviews in progress
        < cap (QuotaFull otherwise); the queue's period is locked for that decision.
        """
        actor = require(actor, Permission.WORK_CASES)
        caps = self.calls.caps()
        with self.ctx.db.unit_of_work(immediate=True) as s:
            iv = s.scalars(
                select(Interview).where(Interview.case_id == case_id, Interview.status.in_(("in_progress", "partial")),
                                        Interview.voided_at.is_(None)).order_by(Interview.id.desc())
            ).first()
            try:
                case = self.calls.hold_for_interview(s, actor, case_id, iv.id if iv else None, caps)
            except CaseClosed as e:
                raise InterviewError(str(e)) from None
            queue = case.queue
            now = self.ctx.now()
            fields = case_fields_of(s, case)
            if iv is None:
                client = s.get(Client, case.client_id)
                assert client is not None
                form = self._form_for(queue, client.variant)
                iv = Interview(case_id=case_id, form_id=form.id, form_version=form.version, status="in_progress",
                               started_at=now, started_by=actor.user_id,
                               language=self._start_language(form.id, case.language))
                s.add(iv)
                s.flush()
                record(s, actor, "interview_start", at=now, object_type="interview", object_id=iv.id, case=case_id,
                       language=iv.language)
            else:
                iv.status = "in_progress"
                record(s, actor, "interview_resume", at=now, object_type="interview", object_id=iv.id, case=case_id)
            form = self.forms[iv.form_id]
            stored = stored_answers(s, iv.id)
            answers = {k: a for k, (a, _) in stored.items()}
            q = current(form, fields, answers)
            iv.current_variable = q.var if q is not None else None
            return self._state(iv, form, fields, answers, stored, self._start_language(iv.form_id, case.language))

    def state(self, actor: Actor | None, interview_id: int) -> InterviewState:
        """The stored interview (the holder of its case, or who ended it)."""
        actor = require(actor, Permission.WORK_CASES)
        with self.ctx.db.unit_of_work() as s:
            iv, case = access(s, actor, interview_id)
            form = self.forms[iv.form_id]
            answers = stored_answers(s, iv.id)
            return self._state(iv, form, case_fields_of(s, case), {k: a for k, (a, _) in answers.items()}, answers)

    # -- answers ------------------------------------------------------------------------------
    def save_answer(
        self, actor: Actor | None, interview_id: int, variable: str, answer: Answer | Mapping[str, Answer],
        language: str | None = None, visits: Sequence[ScreenVisit] = (),
    ) -> InterviewState:
        """Validate and store one confirmed answer at once; returns the new state.

        ``variable`` is a question's variable (a grid takes a mapping item variable -> Answer, or
        one item's variable with its Answer). The question must be on the route for the current
        answers. ``language``: the language the question was asked in (default: the interview's main
        language); stored with the answer. A changed answer also writes an ``answer_change`` row (and,
        after the interview ended, the audit event ``answer_change_after_end``). ``on_route`` is
        recomputed for every stored answer. ``visits``: the screens shown since the last save (paradata),
        stored in the same transaction; the last visit of this question is marked when it changed an
        earlier answer. Raises AnswerRejected with Dutch messages.
        """
        actor = require(actor, Permission.WORK_CASES)
        with self.ctx.db.unit_of_work(immediate=True) as s:
            iv, case = access(s, actor, interview_id, for_update=not self.ctx.db.is_sqlite)
            form = self.forms[iv.form_id]
            asked_in = language or iv.language or SOURCE
            if asked_in not in self._versions(form.id):
                raise AnswerRejected([f"De vragenlijst is niet vertaald in het {name_nl(asked_in)}."])
            if not form.has_var(variable):
                raise AnswerRejected([f"Onbekende vraag '{variable}'."])
            question = form.question(variable)
            value: Answer | Mapping[str, Answer] = answer
            if question.type is QType.GRID and isinstance(answer, Answer):
                value = {variable: answer}
            fields = case_fields_of(s, case)
            stored = stored_answers(s, iv.id)
            answers = {k: a for k, (a, _) in stored.items()}
            if question not in route(form, fields, answers):
                raise AnswerRejected(["Deze vraag wordt bij de huidige antwoorden niet gesteld."])
            after = Engine(form, MappingProxyType(fields), MappingProxyType(answers), question.var).answer(value)
            now = self.ctx.now()
            ended = iv.status in ENDED
            rows = {var: row for var, (_, row) in stored.items()}
            final = dict(answers)
            changed = False
            for var in question.answer_vars:
                new = after.answers.get(var)
                if new is None:
                    continue
                final[var] = new
                text = answer_to_json(new)
                old = stored.get(var)
                if old is None:
                    rows[var] = AnswerRow(interview_id=iv.id, variable=var, value=text, answered_at=now,
                                          user_id=actor.user_id, on_route=True, language=asked_in)
                    s.add(rows[var])
                elif old[1].value != text or (old[1].language or SOURCE) != asked_in:
                    row = old[1]
                    if row.value != text:
                        changed = True
                        s.add(AnswerChange(interview_id=iv.id, variable=var, old_value=row.value, new_value=text,
                                           changed_at=now, user_id=actor.user_id))
                        if ended:
                            record(s, actor, "answer_change_after_end", at=now, object_type="interview",
                                   object_id=iv.id, variable=var)
                    row.value, row.answered_at, row.user_id, row.language = text, now, actor.user_id, asked_in
            on_route = {q.var for q in route(form, fields, final)}
            for var, row in rows.items():
                flag = form.has_var(var) and form.question(var).var in on_route
                if row.on_route != flag:
                    row.on_route = flag
            iv.current_variable = after.position
            iv.language = main_language(form, rows.values(), iv.language)
            if iv.status == "complete":  # the export record follows the changed answer
                self._write_record(s, iv, form, fields, final, now)
            write_visits(s, iv.id, actor, form, visits, question.var if changed else None)
            return self._state(iv, form, fields, final, {v: (final.get(v, Answer()), r) for v, r in rows.items()},
                               asked_in)

    # -- ending -------------------------------------------------------------------------------
    def stop(
        self,
        actor: Actor | None,
        interview_id: int,
        appointment: AppointmentRequest | None = None,
        note: str = "",
        started_at: datetime | None = None,
        line: Line | None = None,
        visits: Sequence[ScreenVisit] = (),
    ) -> OutcomeResult:
        """Interrupt: PARTIAL outcome (optionally with a callback appointment); resumed later.
        ``line``: the softphone's line of the attempt (hung up), stored with it; ``visits``: the screens
        shown since the last save (the one stopped on among them)."""
        return self._end(actor, interview_id, PARTIAL, "partial", note, appointment, started_at, line, visits)

    def breakoff(
        self, actor: Actor | None, interview_id: int, note: str = "", started_at: datetime | None = None,
        visits: Sequence[ScreenVisit] = (),
    ) -> OutcomeResult:
        """The respondent will not go on: BREAKOFF (final), answers kept."""
        return self._end(actor, interview_id, BREAKOFF, "breakoff", note, None, started_at, None, visits)

    def complete(
        self, actor: Actor | None, interview_id: int, note: str = "", started_at: datetime | None = None,
        line: Line | None = None, visits: Sequence[ScreenVisit] = (),
    ) -> OutcomeResult:
        """The closing screen is reached and the engine says complete: COMPLETE, in one transaction
        with the attempt (and, in a capped queue, the quota check and QUOTA_FULL closing); ``line``:
        the softphone's line of the attempt (hung up), stored with it. A back-check ends as
        ``backcheck`` (not a survey complete) and its answers go to its review in the same transaction."""
        return self._end(actor, interview_id, COMPLETE, "complete", note, None, started_at, line, visits)

    def _end(
        self,
        actor: Actor | None,
        interview_id: int,
        code: str,
        status: str,
        note: str,
        appointment: AppointmentRequest | None,
        started_at: datetime | None,
        line: Line | None = None,
        visits: Sequence[ScreenVisit] = (),
    ) -> OutcomeResult:
        actor = require(actor, Permission.WORK_CASES)
        caps = self.calls.caps()

        def end(s: Session) -> OutcomeResult:
            iv = s.get(Interview, interview_id)
            if iv is None or iv.voided_at is not None:
                raise InterviewError(f"Interview {interview_id} bestaat niet of is ongeldig verklaard")
            if iv.status in ENDED:
                raise InterviewError(f"Interview {interview_id} is al afgesloten ({iv.status})")
            case = s.get(CallCase, iv.case_id)
            assert case is not None
            if case.held_by != actor.user_id and not (code == COMPLETE and self.calls.take_back_in(s, actor, case)):
                raise CaseNotHeld(actor, case.id)
            completed: tuple[Form, dict[str, object], dict[str, Answer]] | None = None
            form = self.forms[iv.form_id]
            checking = iv.form_id == BACKCHECK_FORM
            if code == COMPLETE:
                answers = {k: a for k, (a, _) in stored_answers(s, iv.id).items()}
                fields = case_fields_of(s, case)
                if not is_complete(form, fields, answers):
                    raise InterviewError("Het interview is nog niet volledig: beantwoord eerst alle vragen.")
                completed = form, fields, answers
            now = self.ctx.now()
            start = started_at or case.claimed_at or iv.started_at
            write_visits(s, iv.id, actor, form, visits, None)
            result = self.calls.record_in(s, actor, case.id, code, min(start, now), now, note, appointment, caps,
                                          interview_id=iv.id, interview_status=BACKCHECK if checking and completed
                                          else status, line=line)
            if completed is not None and checking:  # the back-check's answers go to its review
                if self.backchecks is not None:
                    self.backchecks(s, case.id, iv.id, completed[2], actor, now)
            elif completed is not None:  # the export record, in the same transaction as the completion
                self._write_record(s, iv, *completed, now)
            return result

        # a deadlock or serialization failure never costs an answered interview: run it again
        result = self.ctx.db.retrying(end, immediate=True)
        return self.calls.after_outcome(actor, result)  # a full queue closes after the complete committed

    # -- paradata ---------------------------------------------------------------------------
    def purge_paradata_in(self, s: Session, period_id: int) -> int:
        """In the caller's unit of work (the retention purge of a closed period): delete the screen visits
        of the period's interviews; how many."""
        return purge_visits(s, period_id)

    # -- helpers ------------------------------------------------------------------------------
    def _form_for(self, queue: str, variant: str) -> Form:
        from cati.interviews.rules import pick_form

        try:
            return pick_form(self.forms, queue, variant)
        except KeyError as e:
            raise InterviewError(f"Vragenlijst {e} is niet geladen") from None

    def _write_record(
        self, s: Session, iv: Interview, form: Form, fields: dict[str, object], answers: Mapping[str, Answer],
        now: datetime,
    ) -> None:
        line = rec.record_line(form, export_values(form, fields, answers))
        self.records(s, [(iv.id, rec.layout_key(form), line)], now)

    def _start_language(self, form_id: str, wanted: str | None) -> str:
        """The language an interview starts in: the case's when the form is translated into it, else Dutch."""
        return wanted if wanted is not None and wanted in self._versions(form_id) else SOURCE

    def _state(
        self, iv: Interview, form: Form, fields: dict[str, object], answers: dict[str, Answer],
        rows: Mapping[str, tuple[Answer, AnswerRow]], shown: str | None = None,
    ) -> InterviewState:
        return build_state(iv, form, fields, answers, rows, self._versions(form.id), shown)
