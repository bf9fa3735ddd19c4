"""Next case, claims and leases, call outcomes, appointments, quota caps.

A claim takes the case the call order (:mod:`cati.calls.rules.order`) ranks first for this
interviewer: one path per backend (``service/claiming.py``), both on the SQL generated from the one
description (``store/order_sql.py``, ``store/claim_select.py``):

- SQLite: in ``BEGIN IMMEDIATE`` (one writer at a time), the best case's id, its rows, one conditional
  ``UPDATE``; the card is read after the commit.
- PostgreSQL: one statement in autocommit (``store/claim_pg.py``): the candidates locked ``FOR UPDATE
  SKIP LOCKED`` (two interviewers never see the same candidate, nobody waits), ranked, the winner
  leased and its card read, in one round trip.

When no case is claimed, a read-only look says why (outside calling hours, quota, nothing due until
…). CallService is the one face of the feature; its parts live beside it: the claim path
(``service/claiming.py``), the leases and the sweep of lost desks (``service/leases.py``), the
queues' caps (``service/quota_caps.py``), the body of recording an outcome
(``service/outcome_recording.py``), the card (``service/case_card.py``) and the read-only views of
the queues (``service/queue_views.py`` over ``service/queue_summary.py``). Their results are
re-exported here.

Every public method takes the actor first and checks its permission before anything else.
Results are frozen dataclasses; times are aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.settings import SettingsService
from cati.calls.rules.dialling import dial_refusal
from cati.calls.rules.explain import Explanation, explain
from cati.calls.rules.line import Line, LineOutcomes, load_line_outcomes
from cati.calls.rules.order import Asker
from cati.calls.rules.outcomes import Outcome, OutcomeTable, load_outcome_table
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import Appointment as AppointmentRequest
from cati.calls.rules.scheduling_state import CaseState
from cati.calls.service.case_card import AppointmentInfo, AttemptInfo, CaseCard, NumberInfo, case_fields
from cati.calls.service.claiming import Claims, NextCase, why_nothing
from cati.calls.service.errors import CallError, CaseClosed, CaseNotHeld, DialRefused, QuotaFull
from cati.calls.service.leases import Leases
from cati.calls.service.outcome_recording import LanguageFacts, OutcomeResult, check_code, record_in
from cati.calls.service.queue_summary import CaseExplanation, MyQueue, QueueOrderRow, QueueRow
from cati.calls.service.queue_views import QueueViews
from cati.calls.service.quota_caps import QuotaCaps
from cati.calls.store import case_queries as cq
from cati.calls.store.case_mapping import to_state
from cati.calls.store.outcome_writes import OutcomeWrites
from cati.core.paths import resources_dir
from cati.platform.context import ServiceContext
from cati.platform.models import CallCase

__all__ = ["AppointmentInfo", "AppointmentRequest", "AttemptInfo", "CallError", "CallService", "CaseClosed",
           "CaseCard", "CaseExplanation", "CaseNotHeld", "DialPermit", "DialRefused", "MyQueue", "NextCase",
           "NumberInfo", "OutcomeResult", "QueueOrderRow", "QueueRow", "QuotaFull", "case_fields"]

# ---------------------------------------------------------------- results


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
        self._writes = OutcomeWrites(postgres=not ctx.db.is_sqlite)
        self._quota = QuotaCaps(ctx, settings)
        # validate the data files at start: a broken table must fail loudly, not on the first call
        _ = self.outcome_table, self.scheduler, self.line_outcome_table
        # SQLite: the best case, chosen inside BEGIN IMMEDIATE; PostgreSQL: the one-statement claim
        self._claims = Claims(ctx, self._queries, self.scheduler, self._label)
        self._leases = Leases(ctx, self.scheduler)
        self._views = QueueViews(ctx, self._quota, self.scheduler)

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
        return self._quota.cap(queue, on)

    def caps(self) -> dict[str, int | None]:
        """Every queue's cap in force today (None: no cap); read at most every ``CAPS_TTL`` seconds."""
        return self._quota.caps()

    def _caps(self, s: Session | None = None) -> dict[str, int | None]:
        """Every queue's cap in force today (inside the caller's transaction if given), reused for
        ``CAPS_TTL`` seconds (``quota_caps.QuotaCaps``)."""
        return self._quota.caps(s)

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
        claimed = self._claims.claim(self._asker(actor), provider_id, queues, caps)
        if claimed is None:
            return NextCase(None, self._why_nothing(actor, provider_id, queues, caps))
        return NextCase(self._claims.card(claimed.rows, claimed.state, claimed.why, claimed.at,
                                          card_rows=claimed.card), claimed.why)

    def _why_nothing(
        self, actor: Actor, provider_id: int | None, queues: tuple[str, ...], caps: Mapping[str, int | None]
    ) -> Explanation:
        with self.ctx.db.unit_of_work(immediate=False) as s:
            why, full = why_nothing(s, provider_id, queues, caps, self.ctx.now(), self.scheduler,
                                    self._asker(actor))
        for period_id, queue in full:  # e.g. the desk that filled it stopped before it could close them
            self.close_full_queue(actor, period_id, queue)
        return why

    def release_lost(self, *, force: bool = False) -> int:
        """Close the attempts of desks whose lease ran out and release their cases (at most every
        ``SWEEP_EVERY`` of the service clock, unless ``force``); how many. See ``leases.lost_attempt``."""
        return self._leases.release_lost(force=force)

    def held_case(self, actor: Actor | None) -> CaseCard | None:
        """The case this interviewer holds now (e.g. after restarting the app), or None."""
        actor = require(actor, Permission.WORK_CASES)
        settings = self.scheduler
        self.ctx.db.keys  # noqa: B018 - as in Claims.claim
        with self.ctx.db.unit_of_work(immediate=False) as s:
            now = self.ctx.now()
            conn = s.connection()
            case_id = self._queries.held_by(conn, actor.user_id, now)
            if case_id is None:
                return None
            loaded, dnc = self._queries.load(conn, [case_id])
            rows = loaded[case_id]
            state = to_state(rows, settings.calendar, dnc)
            why = explain(replace(state, held_by=None), now, settings, self._asker(actor))
            return self._claims.card(rows, state, why, now, s)

    def renew_lease(self, actor: Actor | None, case_id: int) -> datetime:
        """Extend the lease on a case this interviewer holds; returns the new expiry."""
        actor = require(actor, Permission.WORK_CASES)
        return self._leases.renew(actor, case_id)

    def release(self, actor: Actor | None, case_id: int) -> None:
        """Give a claimed case back without an attempt (e.g. logging out); its history stays.

        An interview in progress on it becomes partial (answers kept), to be resumed by anyone.
        """
        actor = require(actor, Permission.WORK_CASES)
        self._leases.release(actor, case_id)

    def hold_for_interview(
        self, s: Session, actor: Actor, case_id: int, interview_id: int | None, caps: Mapping[str, int | None]
    ) -> CallCase:
        """Inside the caller's unit of work (the interview service's): the open case this interviewer
        holds, and in a capped queue room for its interview (``interview_id``: the one resumed, which
        holds its place already). The queue's period is locked first, then the case: one lock order.
        Raises CaseClosed, CaseNotHeld, QuotaFull or CallError."""
        return self._leases.hold_for_interview(s, actor, case_id, interview_id, caps)

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

    def take_back_in(self, s: Session, actor: Actor, case: CallCase) -> bool:
        """A desk whose lease ran out comes back to end its interview: when the sweep released the
        case for this interviewer (its last attempt is this interviewer's DESK_LOST) and nobody has
        claimed it since, the case is held by this interviewer again, with a fresh lease. True when
        taken back; the interview service uses it for a complete that came late, so a fully answered
        interview never loses its COMPLETE to a lapsed lease."""
        return self._leases.take_back_in(s, actor, case)

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
        return self._quota.close_full_queue(actor, period_id, queue)

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
        self.ctx.db.keys  # noqa: B018 - as in Claims.claim: never decide on numbers that cannot be read
        return record_in(s, actor, case_id, code, started_at, ended_at, note, appointment, phone_position, caps,
                         ctx=self.ctx, queries=self._queries, writes=self._writes, settings=self.scheduler,
                         table=self.outcome_table, interview_id=interview_id, interview_status=interview_status,
                         line=line, heard=heard, languages=languages)

    # -- the queues as interviewers and supervisors see them (``queue_views.QueueViews``) --------
    def my_queues(self, actor: Actor | None) -> list[MyQueue]:
        """The queues an interviewer may work, with open cases, completes and own counts today."""
        return self._views.my_queues(actor)

    def my_appointments(self, actor: Actor | None) -> list[AppointmentInfo]:
        """Open appointments this interviewer made, soonest first."""
        return self._views.my_appointments(actor)

    def explain(
        self, actor: Actor | None, ref: int | str, provider_id: int | None = None
    ) -> tuple[CaseExplanation, ...]:
        """Why a case (an id, or a client number) is or is not callable now, and when it will be."""
        return self._views.explain(actor, ref, provider_id)

    def queue_summary(self, actor: Actor | None, provider_id: int | None = None) -> list[QueueRow]:
        """Per provider, period and queue: cases, never called, in progress, final, completes, cap."""
        return self._views.queue_summary(actor, provider_id)

    def queue_order(
        self, actor: Actor | None, provider_id: int | None = None, queue: str | None = None, *,
        for_user: str | None = None, limit: int = 50,
    ) -> list[QueueOrderRow]:
        """The due cases in the order the claims take them now (for one interviewer, or for any)."""
        return self._views.queue_order(actor, provider_id, queue, for_user=for_user, limit=limit)

    def interviewer_names(self, actor: Actor | None) -> list[str]:
        """The user names of the interviewers who may work (to see the call order for one of them)."""
        return self._views.interviewer_names(actor)

    def find_provider(self, actor: Actor | None, ref: str | int) -> int:
        """A provider's id from its id or (case-insensitive) name; CallError when unknown or ambiguous."""
        return self._views.find_provider(actor, ref)
