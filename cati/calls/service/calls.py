"""Next case, claims and leases, call outcomes, appointments, quota caps.

A claim takes the case the call order (:mod:`cati.calls.rules.order`) ranks first for this
interviewer: one path per backend (``services/claiming.py``), both on the SQL generated from the one
description (``store/order_sql.py``, ``store/claim_select.py``):

- SQLite: in ``BEGIN IMMEDIATE`` (one writer at a time), the best case's id, its rows, one conditional
  ``UPDATE``; the card is read after the commit.
- PostgreSQL: one statement in autocommit (``store/claim_pg.py``): the candidates locked ``FOR UPDATE
  SKIP LOCKED`` (two interviewers never see the same candidate, nobody waits), ranked, the winner
  leased and its card read, in one round trip.

When no case is claimed, a read-only look says why (outside calling hours, quota, nothing due until
…). Quota caps and the body of recording an outcome live in ``services/outcome_recording.py``.

Every public method takes the actor first and checks its permission before anything else.
Results are frozen dataclasses; times are aware UTC. The card and supervision parts live in
``services/case_card.py`` and ``services/queue_summary.py`` and are re-exported here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, PermissionDenied, require
from cati.accounts.service.audit import record
from cati.accounts.service.settings import SettingsService
from cati.calls.rules.dialling import dial_refusal
from cati.calls.rules.explain import Explanation, explain
from cati.calls.rules.line import Line, LineOutcomes, load_line_outcomes
from cati.calls.rules.order import Asker
from cati.calls.rules.outcomes import Outcome, OutcomeTable, load_outcome_table
from cati.calls.rules.quota import can_start_interview
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import Appointment as AppointmentRequest
from cati.calls.rules.scheduling_state import CaseState
from cati.calls.service.case_card import (
    AppointmentInfo,
    AttemptInfo,
    CaseCard,
    NumberInfo,
    build_card,
    case_fields,
)
from cati.calls.service.claiming import Claimed, claim_in, room, settle, why_nothing
from cati.calls.service.errors import CallError, CaseClosed, CaseNotHeld, DialRefused, QuotaFull
from cati.calls.service.outcome_recording import (
    LanguageFacts,
    OutcomeResult,
    check_code,
    read_caps,
    record_in,
)
from cati.calls.service.queue_summary import (
    CaseExplanation,
    MyQueue,
    QueueOrderRow,
    QueueRow,
    appointments_of,
    explain_cases,
    my_queues,
    order_rows,
    provider_ids,
    summary,
)
from cati.calls.store import case_queries as cq
from cati.calls.store.case_mapping import (
    CaseRows,
    to_state,
)
from cati.calls.store.claim_pg import ClaimUnavailable, PgClaim
from cati.calls.store.claim_select import BestCase, QueueOrder
from cati.calls.store.outcome_writes import OutcomeWrites
from cati.core.paths import resources_dir
from cati.platform.context import ServiceContext
from cati.platform.models import CallCase, Interview

__all__ = [
    "AppointmentInfo",
    "AppointmentRequest",
    "AttemptInfo",
    "CallError",
    "CallService",
    "CaseClosed",
    "CaseCard",
    "CaseExplanation",
    "CaseNotHeld",
    "DialPermit",
    "DialRefused",
    "MyQueue",
    "NextCase",
    "NumberInfo",
    "OutcomeResult",
    "QueueOrderRow",
    "QueueRow",
    "QuotaFull",
    "case_fields",
]

#: candidates per tier and queue: each window holds only due cases in its tier's order, so its first
#: row is the tier's best (PostgreSQL skips rows another claimer has locked and takes the next)
BATCH = 1
CAPS_TTL = 5.0  # seconds a service reuses the queue caps it read (a changed cap counts within this)
#: how often (service clock) a claim first closes the attempts of desks whose lease ran out
SWEEP_EVERY = timedelta(seconds=30)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class NextCase:
    """The result of asking for the next case: a card, or why there is none (``reason``)."""

    card: CaseCard | None
    reason: Explanation


@dataclass(frozen=True)
class DialPermit:
    """The number may be dialled now (:meth:`CallService.dial_permit`): what a softphone dials."""

    case_id: int
    e164: str
    at: datetime


# ---------------------------------------------------------------- the service


class CallService:
    """Call queues for interviewers (claim, outcome, appointments) and supervisors (explain, summary)."""

    def __init__(
        self, ctx: ServiceContext, settings: SettingsService,
        form_languages: Callable[[str], frozenset[str]] | None = None,
    ) -> None:
        """``form_languages``: the languages a form (by id) is translated into, for the route of a
        language problem (the composition root hands the interview feature's catalog)."""
        self.ctx = ctx
        self._form_languages = form_languages or (lambda _form_id: frozenset())
        self._outcomes: OutcomeTable | None = None
        self._line_outcomes: LineOutcomes | None = None
        self._scheduler: SchedulerSettings | None = None
        self._settings = settings
        self._queries = cq.ClaimQueries(postgres=not ctx.db.is_sqlite)
        # SQLite: the best case, chosen inside BEGIN IMMEDIATE; PostgreSQL: the one-statement claim
        self._best = BestCase(BATCH) if ctx.db.is_sqlite else None
        self._pg = None if ctx.db.is_sqlite else PgClaim(BATCH, ctx.db.engine)
        self._order = QueueOrder(postgres=not ctx.db.is_sqlite)
        self._autocommit = ctx.db.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._writes = OutcomeWrites(postgres=not ctx.db.is_sqlite)
        self._swept: datetime | None = None
        self._caps_read: tuple[date, float, dict[str, int | None]] | None = None
        # validate the data files at start: a broken table must fail loudly, not on the first call
        _ = self.outcome_table, self.scheduler, self.line_outcome_table

    # -- configuration ----------------------------------------------------------------------
    @property
    def outcome_table(self) -> OutcomeTable:
        """The outcome table (resources/outcomes.yaml), loaded and validated once per service."""
        if self._outcomes is None:
            self._outcomes = load_outcome_table(resources_dir() / "outcomes.yaml")
        return self._outcomes

    @property
    def line_outcome_table(self) -> LineOutcomes:
        """The outcomes a softphone's line suggests (resources/line_outcomes.yaml), checked against
        the outcome table once per service."""
        if self._line_outcomes is None:
            selectable = [o.code for o in self.outcome_table.selectable()]
            self._line_outcomes = load_line_outcomes(resources_dir() / "line_outcomes.yaml", selectable)
        return self._line_outcomes

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

    def caps(self) -> dict[str, int | None]:
        """Every queue's cap in force today (None: no cap); read at most every ``CAPS_TTL`` seconds."""
        return self._caps()

    def _caps(self, s: Session | None = None) -> dict[str, int | None]:
        """Every queue's cap in force today, in one query (inside the caller's transaction if given),
        reused for ``CAPS_TTL`` seconds."""
        today = self.ctx.now().date()
        read = self._caps_read
        if read is not None and read[0] == today and time.monotonic() - read[1] < CAPS_TTL:
            return dict(read[2])
        if s is None:
            with self.ctx.db.unit_of_work(immediate=False) as own:
                caps = read_caps(own, today)
        else:
            caps = read_caps(s, today)
        self._caps_read = (today, time.monotonic(), caps)
        return dict(caps)

    @staticmethod
    def _asker(actor: Actor) -> Asker:
        """Who asks for a case: the interviewer and the languages they speak (read at their login)."""
        return Asker(actor.user_id, actor.languages)

    def _label(self, code: str | None) -> str:
        if code is None:
            return ""
        return self.outcome_table.get(code).label_nl if code in self.outcome_table else code

    def outcomes(self, actor: Actor | None) -> tuple[Outcome, ...]:
        """The outcomes an interviewer may choose, in shortcut order."""
        require(actor, Permission.WORK_CASES)
        return self.outcome_table.selectable()

    def line_outcomes(self, actor: Actor | None) -> LineOutcomes:
        """The outcomes a softphone's line suggests when a call ends unanswered (busy, no answer, …)."""
        require(actor, Permission.WORK_CASES)
        return self.line_outcome_table

    def dial_permit(self, actor: Actor | None, case_id: int, e164: str) -> DialPermit:
        """May a dialer place a call to ``e164`` for this case now? Checked on the case as it is in
        the database at this moment (:func:`cati.calls.rules.dialling.dial_refusal`: the case held by
        this interviewer and open, calling hours, the number the one on screen and still callable,
        never premium-rate or pager). Raises DialRefused (Dutch reason) or CallError."""
        actor = require(actor, Permission.WORK_CASES)
        settings = self.scheduler
        self.ctx.db.keys  # noqa: B018 - numbers are read: the key file must be there (KeyFileError)
        with self.ctx.db.unit_of_work(immediate=False) as s:
            now = self.ctx.now()
            loaded, dnc = self._queries.load(s.connection(), [case_id])
            rows = loaded.get(case_id)
            if rows is None:
                raise CallError(f"Zaak {case_id} bestaat niet")
            state = to_state(rows, settings.calendar, dnc)
        refusal = dial_refusal(state, e164, now, settings.calendar, actor.user_id)
        if refusal is not None:
            raise DialRefused(refusal)
        return DialPermit(case_id, e164, now)

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
        caps = self._caps()
        queues = (queue,) if queue else cq.QUEUES
        self.release_lost()
        claimed = self._claim(actor, provider_id, queues, caps)
        if claimed is None:
            return NextCase(None, self._why_nothing(actor, provider_id, queues, caps))
        return NextCase(self._card(claimed.rows, claimed.state, claimed.why, claimed.at, card_rows=claimed.card),
                        claimed.why)

    def _claim(
        self, actor: Actor, provider_id: int | None, queues: tuple[str, ...], caps: Mapping[str, int | None]
    ) -> Claimed | None:
        # Without the key file numbers read as purged and cases would close for want of one: refuse
        # instead (KeyFileError says what to do).
        self.ctx.db.keys  # noqa: B018
        if self._pg is not None:
            asker = self._asker(actor)
            try:
                got = self._pg.claim(queues, caps, provider_id, self.ctx.now(), asker, self.scheduler)
            except ClaimUnavailable:  # e.g. a dropped connection: one more try on a new one
                got = self._pg.claim(queues, caps, provider_id, self.ctx.now(), asker, self.scheduler)
            if got is None:
                return None
            return settle(self._autocommit.connect, self._queries, got, asker, self.ctx.now(), self.scheduler)
        assert self._best is not None
        with self.ctx.db.unit_of_work(immediate=True) as s:
            return claim_in(s, self._asker(actor), provider_id, queues, caps, best=self._best,
                            queries=self._queries, settings=self.scheduler, clock=self.ctx.now)

    def _why_nothing(
        self, actor: Actor, provider_id: int | None, queues: tuple[str, ...], caps: Mapping[str, int | None]
    ) -> Explanation:
        with self.ctx.db.unit_of_work(immediate=False) as s:
            why, full = why_nothing(s, provider_id, queues, caps, self.ctx.now(), self.scheduler,
                                    self._asker(actor))
        for period_id, queue in full:  # e.g. the desk that filled it stopped before it could close them
            self.close_full_queue(actor, period_id, queue)
        return why

    def _card(
        self, rows: CaseRows, state: CaseState, why: Explanation, now: datetime, s: Session | None = None,
        *, card_rows: cq.CardRows | None = None,
    ) -> CaseCard:
        """The case card; its rows read in their own read-only unit of work (or the caller's session)
        unless given."""
        card = card_rows
        if card is None:
            if s is None:
                with self.ctx.db.unit_of_work(immediate=False) as own:
                    return self._card(rows, state, why, now, own)
            made_by = rows.appointment.made_by if rows.appointment is not None else None
            card = self._queries.card(s.connection(), rows.case.id, made_by)
        return build_card(rows, state, card, why, now, label=self._label,
                          max_attempts=self.scheduler.max_attempts_per_case)

    def release_lost(self, *, force: bool = False) -> int:
        """Close the attempts of desks whose lease ran out and release their cases (at most every
        ``SWEEP_EVERY`` of the service clock, unless ``force``); how many. See ``leases.lost_attempt``."""
        now = self.ctx.now()
        if not force and self._swept is not None and self._swept <= now < self._swept + SWEEP_EVERY:
            return 0
        self._swept = now

        def sweep(s: Session) -> int:
            released = cq.release_lost(s, now, self.scheduler.lease_minutes)
            for case_id, user_id, attempt_id in released:
                record(s, None, "lease_lost", at=now, object_type="call_case", object_id=case_id, user=user_id,
                       attempt=attempt_id)
            return len(released)

        return self.ctx.db.retrying(sweep, immediate=True)

    def held_case(self, actor: Actor | None) -> CaseCard | None:
        """The case this interviewer holds now (e.g. after restarting the app), or None."""
        actor = require(actor, Permission.WORK_CASES)
        settings = self.scheduler
        self.ctx.db.keys  # noqa: B018 - as in _claim
        with self.ctx.db.unit_of_work(immediate=False) as s:
            now = self.ctx.now()
            conn = s.connection()
            case_id = self._queries.held_by(conn, actor.user_id, now)
            if case_id is None:
                return None
            loaded, dnc = self._queries.load(conn, [case_id])
            rows = loaded[case_id]
            state = to_state(rows, settings.calendar, dnc)
            return self._card(rows, state, explain(replace(state, held_by=None), now, settings, self._asker(actor)), now, s)

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
        case.claimed_at = None
        case.released_at = self.ctx.now()  # a next claim starts no earlier
        for iv in s.scalars(select(Interview).where(Interview.case_id == case.id, Interview.status == "in_progress")):
            iv.status = "partial"

    def hold_for_interview(
        self, s: Session, actor: Actor, case_id: int, interview_id: int | None, caps: Mapping[str, int | None]
    ) -> CallCase:
        """Inside the caller's unit of work (the interview service's): the open case this interviewer
        holds, and in a capped queue room for its interview (``interview_id``: the one resumed, which
        holds its place already). The queue's period is locked first, then the case: one lock order.
        Raises CaseClosed, CaseNotHeld, QuotaFull or CallError."""
        head = s.execute(select(CallCase.period_id, CallCase.queue).where(CallCase.id == case_id)).first()
        if head is None:
            raise CallError(f"Zaak {case_id} bestaat niet")
        period_id, queue = head
        cap = caps.get(queue)
        if cap is not None:
            cq.lock_period(s, period_id)
        case = self._held(s, actor, case_id)
        if cap is not None:
            now = self.ctx.now()
            done = cq.completes(s, period_id, queue)
            live = cq.live_in_progress(s, period_id, queue, now, interview_id)
            if not can_start_interview(done, live, cap):
                raise QuotaFull(f"Het quotum is vol: {done} van {cap} interviews volledig, {live} bezig. "
                                "Er kan nu geen interview starten.")
        return case

    def add_backcheck_in(self, s: Session, actor: Actor | None, case_id: int, interviewer_id: int) -> int:
        """Inside the caller's unit of work (a supervisor's review): a back-check case for the client of
        ``case_id``, in the queue ``backcheck``, due now, in the case's language, never offered to
        ``interviewer_id`` (the interviewer whose interview it verifies: the call order's
        ``NOT_CHECKED_INTERVIEWER``); its id. CallError (Dutch) when the period is closed, the client
        had a back-check already, or none of its numbers may be dialled."""
        require(actor, Permission.REVIEW_INTERVIEWS)
        try:
            return cq.add_backcheck(s, case_id, interviewer_id, self.ctx.now())
        except ValueError as e:
            raise CallError(str(e)) from None

    def close_without_number(self, s: Session, client_ids: Collection[int], now: datetime) -> int:
        """In the caller's unit of work (a do-not-call list coming in): end the open cases of these
        clients that have no callable number left, as DO_NOT_CALL; how many."""
        return cq.close_without_number(s, client_ids, now)

    def record_in(
        self, s: Session, actor: Actor, case_id: int, code: str, started_at: datetime, ended_at: datetime, note: str,
        appointment: AppointmentRequest | None, caps: Mapping[str, int | None], *, interview_id: int,
        interview_status: str, line: Line | None = None,
    ) -> OutcomeResult:
        """Record an outcome inside the caller's unit of work (the interview service ending an
        interview: the attempt, the case and the interview's status in one transaction); ``line``:
        the softphone's line of the attempt, stored with it."""
        return self._record(s, actor, case_id, code, started_at, ended_at, note, appointment, None, caps,
                            interview_id=interview_id, interview_status=interview_status, line=line)

    def _held(self, s: Session, actor: Actor, case_id: int) -> CallCase:
        """The case row (locked), if this actor holds it; a lease that ran out still counts while
        nobody else has claimed the case."""
        case = cq.lock_case(s, case_id)
        if case is None:
            raise CallError(f"Zaak {case_id} bestaat niet")
        if case.status == cq.FINAL:
            raise CaseClosed(f"Zaak {case_id} is al afgesloten ({case.final_outcome})")
        if case.held_by != actor.user_id:
            raise CaseNotHeld(actor, case_id)
        return case

    def take_back_in(self, s: Session, actor: Actor, case: CallCase) -> bool:
        """A desk whose lease ran out comes back to end its interview: when the sweep released the
        case for this interviewer (its last attempt is this interviewer's DESK_LOST) and nobody has
        claimed it since, the case is held by this interviewer again, with a fresh lease. True when
        taken back; the interview service uses it for a complete that came late, so a fully answered
        interview never loses its COMPLETE to a lapsed lease."""
        if case.held_by is not None or case.status == cq.FINAL:
            return False
        claimed = cq.lost_by(s, case.id, actor.user_id)
        if claimed is None:
            return False
        now = self.ctx.now()
        case.held_by, case.claimed_at = actor.user_id, claimed
        case.lease_expires_at = now + timedelta(minutes=self.scheduler.lease_minutes)
        s.flush()
        record(s, actor, "lease_taken_back", at=now, object_type="call_case", object_id=case.id)
        return True

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
        line: Line | None = None,
        heard: str | None = None,
    ) -> OutcomeResult:
        """End the current call attempt on a held case with an outcome, in one transaction.

        Writes the CallAttempt, applies the scheduling rules (next call, appointment, number
        fallback, do-not-call, MAX_ATTEMPTS) and releases the lease. ``appointment`` is
        ``AppointmentRequest.exact(at)`` (APPOINTMENT, PARTIAL) or ``.daypart(day, part)``
        (CALLBACK, PARTIAL); ``phone_position`` is the number dialled (default the current one);
        ``line`` the softphone's line (dial, answer and end times, how it ended, talk seconds).
        ``heard``: with a language problem (LANGUAGE), the language the interviewer heard: the case
        goes back to the queue for its speakers unless no route is left (``language_route``).
        Raises CaseNotHeld, CallError (Dutch message) or QuotaFull.
        """
        actor = require(actor, Permission.WORK_CASES)
        outcome = self._check_code(outcome_code)
        caps = self._caps()
        facts = None
        if outcome.route == "language":
            needs = bool(self._settings.get("language.route_needs_translation"))
            facts = LanguageFacts(self._form_languages, needs)
        result = self.ctx.db.retrying(
            lambda s: self._record(s, actor, case_id, outcome_code, started_at, ended_at, note, appointment,
                                   phone_position, caps, line=line, heard=heard, languages=facts), immediate=True)
        return self.after_outcome(actor, result)

    def after_outcome(self, actor: Actor, result: OutcomeResult) -> OutcomeResult:
        """After an outcome committed: when its complete took a queue's last place, close the rest of
        the queue (its own transaction; the complete is safe whatever happens here)."""
        if result.quota_filled is None:
            return result
        period_id, queue = result.quota_filled
        return replace(result, quota_closed=self.close_full_queue(actor, period_id, queue))

    def close_full_queue(self, actor: Actor | None, period_id: int, queue: str) -> int:
        """End the open cases of a queue whose cap is reached as QUOTA_FULL (nothing when it is not
        full); how many. Runs again after a deadlock or serialization failure."""
        cap = self._caps().get(queue)
        if cap is None:
            return 0

        def close(s: Session) -> int:
            if cq.completes(s, period_id, queue) < cap:
                return 0
            closed = cq.close_for_quota(s, period_id, queue)
            if closed:
                record(s, actor, "quota_full", at=self.ctx.now(), object_type="measurement_period",
                       object_id=period_id, queue=queue, cap=cap, closed=closed)
            return closed

        return self.ctx.db.retrying(close, immediate=True)

    def _check_code(self, code: str) -> Outcome:
        return check_code(self.outcome_table, code)

    def _record(
        self, s: Session, actor: Actor, case_id: int, code: str, started_at: datetime, ended_at: datetime, note: str,
        appointment: AppointmentRequest | None, phone_position: int | None, caps: Mapping[str, int | None],
        *, interview_id: int | None = None, interview_status: str | None = None, line: Line | None = None,
        heard: str | None = None, languages: LanguageFacts | None = None,
    ) -> OutcomeResult:
        """The shared body of recording an outcome, inside the caller's unit of work
        (``outcome_recording.record_in``)."""
        self.ctx.db.keys  # noqa: B018 - as in _claim: never decide on numbers that cannot be read
        return record_in(s, actor, case_id, code, started_at, ended_at, note, appointment, phone_position, caps,
                         ctx=self.ctx, queries=self._queries, writes=self._writes, settings=self.scheduler,
                         table=self.outcome_table, interview_id=interview_id, interview_status=interview_status,
                         line=line, heard=heard, languages=languages)

    # -- appointments -----------------------------------------------------------------------
    def my_queues(self, actor: Actor | None) -> list[MyQueue]:
        """The queues an interviewer may work, with open cases, completes today and own counts today
        (today = the Amsterdam calendar day of the service clock)."""
        actor = require(actor, Permission.WORK_CASES)
        caps = self._caps()
        start, end = self.scheduler.calendar.day_bounds(self.ctx.now())
        with self.ctx.db.unit_of_work(immediate=False) as s:
            return my_queues(s, actor.user_id, start, end, caps)

    def my_appointments(self, actor: Actor | None) -> list[AppointmentInfo]:
        """Open appointments this interviewer made, soonest first."""
        actor = require(actor, Permission.WORK_CASES)
        with self.ctx.db.unit_of_work(immediate=False) as s:
            return appointments_of(s, actor.user_id)

    # -- supervision ------------------------------------------------------------------------
    def explain(
        self, actor: Actor | None, ref: int | str, provider_id: int | None = None
    ) -> tuple[CaseExplanation, ...]:
        """Why a case is or is not callable now, and when it will be (EXPLAIN_CASES); a case that
        needs a language nobody who logged in today speaks waits for a speaker.

        ``ref`` is a case id (int) or a client number (str; every matching case, optionally of one
        provider). Raises CallError when nothing matches.
        """
        require(actor, Permission.EXPLAIN_CASES)
        caps = self._caps()
        with self.ctx.db.unit_of_work(immediate=False) as s:
            now = self.ctx.now()
            spoken = cq.spoken(s, self.scheduler.calendar.day_bounds(now)[0])
            found = explain_cases(s, ref, provider_id, now, self.scheduler, caps,
                                  lambda pair, cap: room(s, pair, cap, now), spoken)
        if not found:
            raise CallError(f"Geen zaak gevonden voor {ref}")
        return found

    def queue_summary(self, actor: Actor | None, provider_id: int | None = None) -> list[QueueRow]:
        """Per provider, period and queue: cases, never called, in progress, final, completes, cap."""
        require(actor, Permission.VIEW_PROGRESS)
        caps = self._caps()
        with self.ctx.db.unit_of_work(immediate=False) as s:
            return summary(s, provider_id, self.ctx.now(), caps)

    def queue_order(
        self, actor: Actor | None, provider_id: int | None = None, queue: str | None = None, *,
        for_user: str | None = None, limit: int = 50,
    ) -> list[QueueOrderRow]:
        """The due cases in the order the claims take them now (EXPLAIN_CASES): for the interviewer
        ``for_user`` (a user name) exactly what their next claims take; without, for any interviewer,
        with appointments kept for their own interviewer among them (``reserved_for``). Empty outside
        the calling hours. CallError for an unknown user name."""
        require(actor, Permission.EXPLAIN_CASES)
        if limit < 1:
            raise CallError("Het aantal regels moet minstens 1 zijn")
        settings = self.scheduler
        now = self.ctx.now()
        if not settings.calendar.is_callable(now):
            return []
        caps = self._caps()
        with self.ctx.db.unit_of_work(immediate=False) as s:
            asker = None
            if for_user is not None:
                user_id = cq.user_id(s, for_user)
                if user_id is None:
                    raise CallError(f"Gebruiker {for_user!r} bestaat niet")
                asker = Asker(user_id, cq.user_languages(s, user_id))
            rows = self._order.rows(s.connection(), (queue,) if queue else cq.QUEUES, caps, provider_id, now,
                                    asker, settings, limit)
            return order_rows(s, rows)

    def interviewer_names(self, actor: Actor | None) -> list[str]:
        """The user names of the interviewers who may work (to see the call order for one of them)."""
        require(actor, Permission.EXPLAIN_CASES)
        with self.ctx.db.unit_of_work(immediate=False) as s:
            return cq.interviewer_names(s)

    def find_provider(self, actor: Actor | None, ref: str | int) -> int:
        """A provider's id from its id or (case-insensitive) name; CallError when unknown or ambiguous."""
        if actor is None:
            raise PermissionDenied(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work(immediate=False) as s:
            found = provider_ids(s, ref)
        if len(found) != 1:
            text = str(ref).strip()
            raise CallError(f"Aanbieder {text!r} {'bestaat niet' if not found else 'is niet eenduidig'}")
        return found[0]
