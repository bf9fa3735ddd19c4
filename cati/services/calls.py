"""Next case, claims and leases, call outcomes, appointments, quota caps (issue 9).

How a claim is made atomic:

- PostgreSQL: the candidate rows are read ``SELECT … FOR UPDATE SKIP LOCKED``; two interviewers
  never see the same candidate, nobody waits, and the winner's ``held_by``/``lease_expires_at`` is
  committed before the row lock is released.
- SQLite: the whole claim runs in ``BEGIN IMMEDIATE`` (one writer at a time).

Quota (inburgering, ``queue.inburgering.cap``): starting an interview and recording a COMPLETE
both first lock the queue's measurement period (PostgreSQL ``SELECT … FOR UPDATE`` on the
``measurement_period`` row; SQLite ``BEGIN IMMEDIATE``), then count completes and live interviews.
An interview may start only while completes + interviews in progress < cap, so the cap can never
be passed; when the last place is taken by a complete the rest of the queue ends as QUOTA_FULL.

Every public method takes the actor first and checks its permission before anything else.
Results are frozen dataclasses; times are aware UTC.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.domain.calendar import ensure_aware
from cati.domain.dienst import DIENSTEN
from cati.domain.explain import Explanation, explain
from cati.domain.outcomes import (
    COMPLETE,
    DO_NOT_CALL,
    Outcome,
    OutcomeTable,
    load_outcome_table,
)
from cati.domain.phones import format_national
from cati.domain.priority import appointment_missed, can_start_interview, is_due, priority_key
from cati.domain.priority import claim as claim_state
from cati.domain.questionnaire import form_id_for_case
from cati.domain.roles import Actor, Permission, PermissionDenied, require
from cati.domain.scheduling import apply_outcome
from cati.domain.scheduling_settings import SchedulerSettings
from cati.domain.scheduling_state import (
    Appointment as AppointmentRequest,
)
from cati.domain.scheduling_state import (
    AppointmentSet,
    CaseFinalized,
    CaseState,
    DoNotCallNumber,
    NumberExhausted,
    NumberFinalized,
    SchedulingError,
    SwitchedNumber,
)
from cati.paths import resources_dir
from cati.services.audit import record
from cati.services.context import ServiceContext
from cati.services.settings import SettingsService
from cati.services.settings import defaults as settings_defaults
from cati.store import case_queries as cq
from cati.store.case_mapping import CaseRows, case_extra, to_state, write_state
from cati.store.models import (
    Appointment,
    CallAttempt,
    CallCase,
    Client,
    Interview,
    MeasurementPeriod,
    Provider,
    Setting,
    User,
)

__all__ = [
    "AppointmentInfo",
    "AppointmentRequest",
    "AttemptInfo",
    "CallError",
    "CallService",
    "CaseCard",
    "CaseExplanation",
    "CaseNotHeld",
    "NextCase",
    "NumberInfo",
    "OutcomeResult",
    "QueueRow",
    "QuotaFull",
    "case_fields",
]

BATCH = 4  # candidates per sub-query; ranked in Python with priority_key
OPEN_INTERVIEW = ("in_progress", "partial")


# ---------------------------------------------------------------- errors


class CallError(ValueError):
    """A call action that cannot be done (closed case, bad outcome or appointment); Dutch message."""


class QuotaFull(CallError):
    """The queue's cap allows no (further) interview or complete now."""


class CaseNotHeld(PermissionDenied):
    """The actor does not hold this case (another interviewer does, or nobody)."""

    def __init__(self, actor: Actor | None, case_id: int) -> None:
        super().__init__(actor, Permission.WORK_CASES)
        who = actor.username if actor else "(niet ingelogd)"
        self.args = (f"{who} heeft zaak {case_id} niet in behandeling",)
        self.case_id = case_id


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class NumberInfo:
    """One phone number of the client, as the case card shows it."""

    position: int
    e164: str
    national: str
    kind: str
    flagged: bool
    status: str  # active | final | exhausted | do_not_call
    attempts: int
    callable: bool


@dataclass(frozen=True)
class AttemptInfo:
    """An earlier call attempt on the case."""

    started_at: datetime
    ended_at: datetime | None
    user_id: int | None
    username: str
    outcome: str | None
    outcome_label: str
    number: str  # national format of the number dialled ("" if unknown)
    note: str


@dataclass(frozen=True)
class AppointmentInfo:
    appointment_id: int
    case_id: int
    kind: str  # exact | daypart
    due_at: datetime  # exact: the time; day part: start of the day part's calling interval
    day_part: str | None
    made_by: int | None
    made_by_name: str
    note: str
    status: str
    client_name: str = ""
    provider_name: str = ""


@dataclass(frozen=True)
class CaseCard:
    """Everything the interviewer's case card shows for a claimed case."""

    case_id: int
    client_id: int
    client_number: str
    client_name: str
    provider_id: int
    provider_name: str
    period_id: int
    period_start: date
    period_end: date
    service: int
    service_name: str
    variant: str
    learning_profile: int | None
    queue: str
    dial: NumberInfo | None  # the number to dial now
    other_numbers: tuple[NumberInfo, ...]
    attempts: tuple[AttemptInfo, ...]  # oldest first
    attempt_count: int
    max_attempts: int
    appointment: AppointmentInfo | None
    reason: Explanation  # why the scheduler offered this case now
    form_id: str
    interview_id: int | None  # an interview to resume (partial / in progress)
    claimed_at: datetime
    lease_expires_at: datetime | None

    @property
    def case_fields(self) -> dict[str, object]:
        """The case fields the questionnaire uses for routing and fills."""
        return case_fields(self.provider_name, self.client_name, self.period_start, self.period_end,
                           self.service, self.variant, self.queue)


@dataclass(frozen=True)
class NextCase:
    """The result of asking for the next case: a card, or why there is none (``reason``)."""

    card: CaseCard | None
    reason: Explanation


@dataclass(frozen=True)
class OutcomeResult:
    case_id: int
    attempt_id: int
    outcome: str
    case_final: bool
    final_code: str | None
    next_call_at: datetime | None
    appointment_id: int | None
    number_finished: str | None  # E.164 of a number that is done (number-level outcome, max attempts)
    switched_to: str | None  # E.164 of the number to try next time
    do_not_call: str | None  # E.164 put on the do-not-call list
    quota_closed: int  # cases closed as QUOTA_FULL because this complete filled the quota
    finalize_reason: str | None  # outcome | no_numbers_left | max_attempts | retries_exhausted


@dataclass(frozen=True)
class QueueRow:
    provider_id: int
    provider_name: str
    period_id: int
    period_start: date
    period_end: date
    queue: str
    cases: int
    never_called: int
    in_progress: int  # held now, or a partial interview to resume
    final: int
    completes: int
    cap: int | None

    @property
    def cap_text(self) -> str:
        """``"23/25"``, or ``"23"`` without a cap."""
        return f"{self.completes}/{self.cap}" if self.cap is not None else str(self.completes)


@dataclass(frozen=True)
class CaseExplanation:
    case_id: int
    client_number: str
    provider_name: str
    queue: str
    status: str
    attempts: int
    last_outcome: str | None
    final_outcome: str | None
    explanation: Explanation


def case_fields(
    provider: str, client_name: str, start: date, end: date, service: int, variant: str, queue: str
) -> dict[str, object]:
    """Case fields for the questionnaire (see ``STANDARD_CASE_FIELDS``)."""
    return {
        "provider": provider,
        "client_name": client_name,
        "period": f"{start:%d-%m-%Y} tot en met {end:%d-%m-%Y}",
        "service": service,
        "variant": variant,
        "queue": queue,
    }


# ---------------------------------------------------------------- the service


class CallService:
    """Call queues for interviewers (claim, outcome, appointments) and supervisors (explain, summary)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self._outcomes: OutcomeTable | None = None
        self._scheduler: SchedulerSettings | None = None
        self._settings = SettingsService(ctx)
        # validate the data files at start: a broken table must fail loudly, not on the first call
        _ = self.outcome_table, self.scheduler

    # -- configuration ----------------------------------------------------------------------
    @property
    def outcome_table(self) -> OutcomeTable:
        """The outcome table (resources/outcomes.yaml), loaded and validated once per service."""
        if self._outcomes is None:
            self._outcomes = load_outcome_table(resources_dir() / "outcomes.yaml")
        return self._outcomes

    @property
    def scheduler(self) -> SchedulerSettings:
        """Scheduler settings (resources/scheduling.yaml), loaded once per service."""
        if self._scheduler is None:
            self._scheduler = SchedulerSettings.load(resources_dir() / "scheduling.yaml")
        return self._scheduler

    def cap(self, queue: str, on: date | None = None) -> int | None:
        """The queue's cap (setting ``queue.<queue>.cap``); None = no cap."""
        try:
            value = self._settings.get(f"queue.{queue}.cap", on)
        except ValueError:
            return None
        return None if value is None else int(value)

    def _caps(self, s: Session | None = None) -> dict[str, int | None]:
        """Every queue's cap in force today, in one query (inside the caller's transaction if given)."""
        if s is None:
            with self.ctx.db.unit_of_work() as own:
                return self._caps(own)
        keys = {f"queue.{q}.cap": q for q in cq.QUEUES}
        values: dict[str, Any] = {q: settings_defaults().get(k) for k, q in keys.items()}
        rows = s.execute(
            select(Setting.key, Setting.value).where(Setting.key.in_(list(keys)),
                                                     Setting.valid_from <= self.ctx.now().date())
            .order_by(Setting.valid_from)
        )
        for key, value in rows:
            values[keys[key]] = json.loads(value)
        return {q: None if v is None else int(v) for q, v in values.items()}

    def _label(self, code: str | None) -> str:
        if code is None:
            return ""
        return self.outcome_table.get(code).label_nl if code in self.outcome_table else code

    def outcomes(self, actor: Actor | None) -> tuple[Outcome, ...]:
        """The outcomes an interviewer may choose, in shortcut order."""
        require(actor, Permission.WORK_CASES)
        return self.outcome_table.selectable()

    # -- claiming ---------------------------------------------------------------------------
    def next_case(self, actor: Actor | None, provider_id: int | None = None, queue: str | None = None) -> CaseCard | None:
        """Claim and lease the best due case for this interviewer; None when there is none now.

        ``provider_id`` None = all providers' queues; ``queue`` None = both queues. Use
        :meth:`claim_next` to also learn why there is no case (outside calling hours, nothing due).
        """
        return self.claim_next(actor, provider_id, queue).card

    def claim_next(self, actor: Actor | None, provider_id: int | None = None, queue: str | None = None) -> NextCase:
        """Like :meth:`next_case`, with the reason when no case is given."""
        actor = require(actor, Permission.WORK_CASES)
        settings = self.scheduler
        now = self.ctx.now()
        if not settings.calendar.is_callable(now):
            return NextCase(None, explain(CaseState.new("-", ["-"]), now, settings))
        postgres = not self.ctx.db.is_sqlite
        with self.ctx.db.unit_of_work(immediate=True) as s:
            now = self.ctx.now()  # read after the write lock: claims are ordered in time
            caps = self._caps(s)
            pairs = cq.open_pairs(s, provider_id, queue)
            usable: list[cq.Pair] = []
            blocked = False
            for pair in pairs:
                cap = caps.get(pair[1])
                if cap is not None and not cq.has_open_cases(s, *pair):
                    continue  # an empty capped queue: nothing to count
                if self._room(s, pair, cap, now):
                    usable.append(pair)
                else:
                    blocked = True
            ids = cq.candidate_ids(s, usable, now, BATCH, lock=postgres)
            cases = cq.load_cases(s, ids)
            rows = cq.load_rows(s, cases)
            dnc = cq.do_not_call(s, (p.e164 or "" for r in rows.values() for p in r.phones))
            states = {cid: to_state(r, settings.calendar, dnc) for cid, r in rows.items()}
            due = [st for st in states.values() if is_due(st, now, actor.user_id, settings)]
            for cid, st in states.items():
                if not st.is_final and st.active_number is None:
                    # nothing callable left (e.g. every number on the do-not-call list): look again tomorrow
                    rows[cid].case.next_call_at = now + timedelta(days=1)
            if not due:
                nxt = cq.next_planned(s, usable, now)
                if blocked and nxt is None:
                    reason = Explanation(False, "QUOTA_NO_ROOM", "Het quotum is (voorlopig) vol",
                                         "quota full or all places taken", None)
                elif nxt is None:
                    reason = Explanation(False, "QUEUE_EMPTY", "Er zijn nu geen zaken te bellen",
                                         "no case to call", None)
                else:
                    reason = Explanation(False, "NOTHING_DUE", "Nu is er geen zaak aan de beurt",
                                         "nothing due now", settings.calendar.snap(nxt))
                return NextCase(None, reason)
            best = min(due, key=lambda st: priority_key(st, now, actor.user_id, settings))
            case_id = int(best.case_id)
            why = explain(best, now, settings, actor.user_id)
            # PostgreSQL: the candidates are locked only now; read the clock again so a claim never
            # starts before the previous holder's attempt ended
            at = max(now, self.ctx.now())
            claimed = claim_state(best, actor.user_id, at, settings)
            write_state(rows[case_id], claimed, claimed_at=at)
            card = self._card(s, rows[case_id], claimed, why, at)
        return NextCase(card, why)

    def _room(self, s: Session, pair: cq.Pair, cap: int | None, now: datetime) -> bool:
        if cap is None:
            return True
        period_id, queue = pair
        return can_start_interview(cq.completes(s, period_id, queue), cq.live_in_progress(s, period_id, queue, now), cap)

    def held_case(self, actor: Actor | None) -> CaseCard | None:
        """The case this interviewer holds now (e.g. after restarting the app), or None."""
        actor = require(actor, Permission.WORK_CASES)
        settings = self.scheduler
        with self.ctx.db.unit_of_work() as s:
            now = self.ctx.now()
            case = s.scalars(
                select(CallCase).where(CallCase.held_by == actor.user_id, CallCase.lease_expires_at > now)
                .order_by(CallCase.lease_expires_at.desc())
            ).first()
            if case is None:
                return None
            rows = cq.load_rows(s, [case])[case.id]
            state = to_state(rows, settings.calendar, cq.do_not_call(s, (p.e164 or "" for p in rows.phones)))
            return self._card(s, rows, state, explain(replace(state, held_by=None), now, settings, actor.user_id), now)

    def renew_lease(self, actor: Actor | None, case_id: int) -> datetime:
        """Extend the lease on a case this interviewer holds; returns the new expiry."""
        actor = require(actor, Permission.WORK_CASES)
        with self.ctx.db.unit_of_work(immediate=True) as s:
            case = self._held(s, actor, case_id)
            until = self.ctx.now() + timedelta(minutes=self.scheduler.lease_minutes)
            case.lease_expires_at = until
            return until

    def release(self, actor: Actor | None, case_id: int) -> None:
        """Give a claimed case back without an attempt (e.g. logging out); its history stays.

        An interview in progress on it becomes partial (answers kept), to be resumed by anyone.
        """
        actor = require(actor, Permission.WORK_CASES)
        with self.ctx.db.unit_of_work(immediate=True) as s:
            case = self._held(s, actor, case_id)
            self._release_rows(s, case)

    def _release_rows(self, s: Session, case: CallCase) -> None:
        case.held_by = None
        case.lease_expires_at = None
        extra = case_extra(case)
        extra.pop("claimed_at", None)
        case.state = json.dumps(extra, sort_keys=True)
        for iv in s.scalars(select(Interview).where(Interview.case_id == case.id, Interview.status == "in_progress")):
            iv.status = "partial"

    def _held(self, s: Session, actor: Actor, case_id: int) -> CallCase:
        """The case row (locked), if this actor holds it; a lease that ran out still counts while
        nobody else has claimed the case."""
        case = cq.lock_case(s, case_id)
        if case is None:
            raise CallError(f"Zaak {case_id} bestaat niet")
        if case.held_by != actor.user_id:
            if case.status == cq.FINAL:
                raise CallError(f"Zaak {case_id} is al afgesloten ({case.final_outcome})")
            raise CaseNotHeld(actor, case_id)
        return case

    # -- outcomes ---------------------------------------------------------------------------
    def record_outcome(
        self,
        actor: Actor | None,
        case_id: int,
        outcome_code: str,
        started_at: datetime,
        ended_at: datetime,
        note: str = "",
        appointment: AppointmentRequest | None = None,
        phone_position: int | None = None,
    ) -> OutcomeResult:
        """End the current call attempt on a held case with an outcome, in one transaction.

        Writes the CallAttempt, applies the scheduling rules (next call, appointment, number
        fallback, do-not-call, MAX_ATTEMPTS) and releases the lease. ``appointment`` is
        ``AppointmentRequest.exact(at)`` (APPOINTMENT, PARTIAL) or ``.daypart(day, part)``
        (CALLBACK, PARTIAL); ``phone_position`` is the number dialled (default the current one).
        Raises CaseNotHeld, CallError (Dutch message) or QuotaFull.
        """
        actor = require(actor, Permission.WORK_CASES)
        self._check_code(outcome_code)
        caps = self._caps()
        with self.ctx.db.unit_of_work(immediate=True) as s:
            return self._record(s, actor, case_id, outcome_code, started_at, ended_at, note, appointment,
                                phone_position, caps)

    def _check_code(self, code: str) -> Outcome:
        if code not in self.outcome_table:
            raise CallError(f"Onbekende uitkomstcode {code!r}")
        outcome = self.outcome_table.get(code)
        if not outcome.selectable:
            raise CallError(f"Uitkomst {code} wordt alleen door het systeem gezet")
        return outcome

    def _record(
        self,
        s: Session,
        actor: Actor,
        case_id: int,
        code: str,
        started_at: datetime,
        ended_at: datetime,
        note: str,
        appointment: AppointmentRequest | None,
        phone_position: int | None,
        caps: Mapping[str, int | None],
        *,
        interview_id: int | None = None,
        interview_status: str | None = None,
    ) -> OutcomeResult:
        """The shared body of recording an outcome, inside the caller's unit of work."""
        ensure_aware(started_at, "started_at")
        ensure_aware(ended_at, "ended_at")
        if ended_at < started_at:
            raise CallError("Het einde van het gesprek ligt voor het begin")
        settings = self.scheduler
        head = s.execute(select(CallCase.period_id, CallCase.queue).where(CallCase.id == case_id)).first()
        if head is None:
            raise CallError(f"Zaak {case_id} bestaat niet")
        period_id, queue = head
        cap = caps.get(queue)
        if code == COMPLETE and cap is not None:
            cq.lock_period(s, period_id)  # period first, then the case: one lock order everywhere
        case = self._held(s, actor, case_id)
        now = self.ctx.now()
        rows = cq.load_rows(s, [case])[case.id]
        dnc = cq.do_not_call(s, (p.e164 or "" for p in rows.phones))
        state = to_state(rows, settings.calendar, dnc)
        if phone_position is not None:
            idx = next((i for i, p in enumerate(rows.phones) if p.position == phone_position), None)
            if idx is None or not state.numbers[idx].callable:
                raise CallError(f"Nummer {phone_position} van zaak {case_id} kan niet gebeld worden")
            state = replace(state, current_number=idx)
        done = 0
        if code == COMPLETE and cap is not None:
            done = cq.completes(s, period_id, queue)
            if done >= cap:
                raise QuotaFull(f"Het quotum van {cap} volledige interviews is al bereikt")
        if appointment is not None and appointment.made_by is None:
            appointment = replace(appointment, made_by=actor.user_id)
        try:
            applied = apply_outcome(state, code, now, settings, self.outcome_table, appointment)
        except SchedulingError as e:
            raise CallError(str(e)) from None
        new = applied.state
        dialled = rows.phones[state.current_number] if rows.phones else None
        attempt = CallAttempt(
            case_id=case.id, phone_id=dialled.id if dialled else None, user_id=actor.user_id,
            started_at=started_at, ended_at=ended_at, outcome=code, note=note,
        )
        s.add(attempt)
        missed = appointment_missed(state, now, settings)
        for old in s.scalars(select(Appointment).where(Appointment.case_id == case.id, Appointment.status == "open")):
            old.status = "missed" if missed else "done"
        appointment_row: Appointment | None = None
        finished: str | None = None
        switched: str | None = None
        dnc_number: str | None = None
        final_reason: str | None = None
        for event in applied.events:
            if isinstance(event, AppointmentSet):
                appt = event.appointment
                appointment_row = Appointment(
                    case_id=case.id, made_by=appt.made_by, kind=appt.kind.value, due_at=event.at,
                    day_part=appt.day_part, note=note, created_at=now,
                )
                s.add(appointment_row)
            elif isinstance(event, DoNotCallNumber):
                dnc_number = event.e164
                cq.add_do_not_call(s, event.e164, f"{DO_NOT_CALL} zaak {case.id}", now)
            elif isinstance(event, (NumberFinalized, NumberExhausted)):
                finished = event.e164
            elif isinstance(event, SwitchedNumber):
                switched = event.e164
            elif isinstance(event, CaseFinalized):
                final_reason = event.reason
        write_state(replace(rows, appointment=None), new, claimed_at=None)
        # interviews on the case: the named one gets its status, others end by the outcome
        for iv in s.scalars(select(Interview).where(Interview.case_id == case.id, Interview.status.in_(OPEN_INTERVIEW))):
            if interview_id is not None and iv.id == interview_id and interview_status:
                iv.status = interview_status
                if interview_status == "complete":
                    iv.completed_at = now
            elif iv.status == "in_progress" and code == COMPLETE:
                iv.status, iv.completed_at = "complete", now
            elif iv.status == "in_progress":
                iv.status = "breakoff" if new.is_final else "partial"
        closed = 0
        if code == COMPLETE and cap is not None and done + 1 >= cap:
            s.flush()
            closed = cq.close_for_quota(s, period_id, queue)
            record(s, actor, "quota_full", at=now, object_type="measurement_period", object_id=period_id,
                   queue=queue, cap=cap, closed=closed)
        s.flush()
        return OutcomeResult(
            case_id=case.id, attempt_id=attempt.id, outcome=code, case_final=new.is_final, final_code=new.final_code,
            next_call_at=new.next_call_at, appointment_id=appointment_row.id if appointment_row else None,
            number_finished=finished, switched_to=switched, do_not_call=dnc_number, quota_closed=closed,
            finalize_reason=final_reason,
        )

    # -- appointments -----------------------------------------------------------------------
    def my_appointments(self, actor: Actor | None) -> list[AppointmentInfo]:
        """Open appointments this interviewer made, soonest first."""
        actor = require(actor, Permission.WORK_CASES)
        with self.ctx.db.unit_of_work() as s:
            stmt = (
                select(Appointment, Client.name, Provider.name, User.display_name)
                .join(CallCase, CallCase.id == Appointment.case_id)
                .join(Client, Client.id == CallCase.client_id)
                .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
                .join(Provider, Provider.id == MeasurementPeriod.provider_id)
                .outerjoin(User, User.id == Appointment.made_by)
                .where(Appointment.made_by == actor.user_id, Appointment.status == "open",
                       CallCase.status != cq.FINAL)
                .order_by(Appointment.due_at)
            )
            return [_appointment_info(a, name or "", prov, by or "") for a, name, prov, by in s.execute(stmt)]

    # -- supervision ------------------------------------------------------------------------
    def explain(
        self, actor: Actor | None, ref: int | str, provider_id: int | None = None
    ) -> tuple[CaseExplanation, ...]:
        """Why a case is or is not callable now, and when it will be (EXPLAIN_CASES).

        ``ref`` is a case id (int) or a client number (str; every matching case, optionally of one
        provider). Raises CallError when nothing matches.
        """
        require(actor, Permission.EXPLAIN_CASES)
        settings = self.scheduler
        caps = self._caps()
        with self.ctx.db.unit_of_work() as s:
            now = self.ctx.now()
            stmt = (
                select(CallCase, Client.client_number, Provider.name)
                .join(Client, Client.id == CallCase.client_id)
                .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
                .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            )
            if isinstance(ref, int):
                stmt = stmt.where(CallCase.id == ref)
            else:
                stmt = stmt.where(Client.client_number == ref.strip())
            if provider_id is not None:
                stmt = stmt.where(Provider.id == provider_id)
            found = list(s.execute(stmt.order_by(CallCase.id)).all())
            if not found:
                raise CallError(f"Geen zaak gevonden voor {ref}")
            rows = cq.load_rows(s, [c for c, _, _ in found])
            dnc = cq.do_not_call(s, (p.e164 or "" for r in rows.values() for p in r.phones))
            result = []
            for case, number, provider in found:
                state = to_state(rows[case.id], settings.calendar, dnc)
                why = explain(state, now, settings)
                cap = caps.get(case.queue)
                if why.callable_now and cap is not None and not self._room(s, (case.period_id, case.queue), cap, now):
                    why = Explanation(
                        False, "QUOTA_NO_ROOM",
                        f"Het quotum ({cap}) is vol of alle plaatsen zijn bezet door lopende interviews",
                        "quota full or all places taken by interviews in progress", None,
                    )
                result.append(CaseExplanation(case.id, number, provider, case.queue, case.status, case.attempts,
                                              case.last_outcome, case.final_outcome, why))
            return tuple(result)

    def queue_summary(self, actor: Actor | None, provider_id: int | None = None) -> list[QueueRow]:
        """Per provider, period and queue: cases, never called, in progress, final, completes, cap."""
        require(actor, Permission.VIEW_PROGRESS)
        caps = self._caps()
        with self.ctx.db.unit_of_work() as s:
            now = self.ctx.now()
            return [
                QueueRow(pid, pname, mid, start, end, queue, int(n), int(new or 0), int(busy or 0), int(final or 0),
                         int(done or 0), caps.get(queue))
                for pid, pname, mid, start, end, queue, n, new, busy, final, done in cq.summary_rows(s, provider_id, now)
            ]

    def find_provider(self, actor: Actor | None, ref: str | int) -> int:
        """A provider's id from its id or (case-insensitive) name; CallError when unknown or ambiguous."""
        if actor is None:
            raise PermissionDenied(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            text = str(ref).strip()
            if text.isdigit() and s.get(Provider, int(text)) is not None:
                return int(text)
            found = list(s.scalars(select(Provider.id).where(Provider.name.ilike(text))))
            if not found:
                found = list(s.scalars(select(Provider.id).where(Provider.name.ilike(f"%{text}%"))))
            if len(found) != 1:
                raise CallError(f"Aanbieder {text!r} {'bestaat niet' if not found else 'is niet eenduidig'}")
            return found[0]

    # -- the case card ----------------------------------------------------------------------
    def _card(self, s: Session, rows: CaseRows, state: CaseState, why: Explanation, now: datetime) -> CaseCard:
        case = rows.case
        client, period, provider = s.execute(
            select(Client, MeasurementPeriod, Provider)
            .join(MeasurementPeriod, MeasurementPeriod.id == Client.period_id)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(Client.id == case.client_id)
        ).one()
        numbers = tuple(
            NumberInfo(p.position, p.e164 or "", format_national(p.e164) if p.e164 else "", p.kind, p.flagged,
                       n.status.value, n.attempts, n.callable)
            for p, n in zip(rows.phones, state.numbers, strict=False)
        )
        dial = numbers[state.current_number] if numbers and numbers[state.current_number].callable else None
        phone_by_id = {p.id: p for p in rows.phones}
        attempts = tuple(
            AttemptInfo(
                a.started_at, a.ended_at, a.user_id, username or "", a.outcome,
                self._label(a.outcome),
                format_national(phone_by_id[a.phone_id].e164 or "")
                if a.phone_id in phone_by_id and phone_by_id[a.phone_id].e164 else "",
                a.note,
            )
            for a, username in s.execute(
                select(CallAttempt, User.username).outerjoin(User, User.id == CallAttempt.user_id)
                .where(CallAttempt.case_id == case.id).order_by(CallAttempt.started_at, CallAttempt.id)
            )
        )
        appointment = None
        if rows.appointment is not None:
            by = s.get(User, rows.appointment.made_by) if rows.appointment.made_by else None
            appointment = _appointment_info(rows.appointment, client.name or "", provider.name,
                                            by.display_name if by else "")
        interview_id = s.scalar(
            select(Interview.id).where(Interview.case_id == case.id, Interview.status.in_(OPEN_INTERVIEW),
                                       Interview.voided_at.is_(None)).order_by(Interview.id.desc())
        )
        extra = case_extra(case)
        claimed = extra.get("claimed_at")
        dienst = DIENSTEN.get(client.service)
        return CaseCard(
            case_id=case.id, client_id=client.id, client_number=client.client_number, client_name=client.name or "",
            provider_id=provider.id, provider_name=provider.name, period_id=period.id,
            period_start=period.start_date, period_end=period.end_date, service=client.service,
            service_name=dienst.name if dienst else "", variant=client.variant, learning_profile=client.learning_profile,
            queue=case.queue, dial=dial, other_numbers=tuple(n for n in numbers if n is not dial),
            attempts=attempts, attempt_count=case.attempts, max_attempts=self.scheduler.max_attempts_per_case,
            appointment=appointment, reason=why, form_id=form_id_for_case(case.queue, client.variant),
            interview_id=interview_id,
            claimed_at=datetime.fromisoformat(claimed) if isinstance(claimed, str) else now,
            lease_expires_at=case.lease_expires_at,
        )


def _appointment_info(a: Appointment, client_name: str, provider_name: str, made_by_name: str) -> AppointmentInfo:
    return AppointmentInfo(a.id, a.case_id, a.kind, a.due_at.astimezone(UTC), a.day_part, a.made_by, made_by_name,
                           a.note, a.status, client_name, provider_name)

