"""Leases on claimed cases (behind :class:`cati.calls.service.calls.CallService`, which checks the
permissions): the case an interviewer holds, renewing and giving back a lease, holding a case for its
interview (with room under the queue's cap), taking a case back after a lapsed lease, and the sweep
that closes the attempts of desks whose lease ran out (``cati.calls.rules.leases.lost_attempt``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor
from cati.accounts.service.audit import record
from cati.calls.rules.quota import can_start_interview
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.service.errors import CallError, CaseClosed, CaseNotHeld, QuotaFull
from cati.calls.store import case_queries as cq
from cati.platform.context import ServiceContext
from cati.platform.models import CallCase, Interview

__all__ = ["SWEEP_EVERY", "Leases"]

#: how often (service clock) a claim first closes the attempts of desks whose lease ran out
SWEEP_EVERY = timedelta(seconds=30)


class Leases:
    """The leases of one call service: who holds a case, for how long, and the sweep of lost desks."""

    def __init__(self, ctx: ServiceContext, settings: SchedulerSettings) -> None:
        self.ctx = ctx
        self.settings = settings
        self._swept: datetime | None = None

    def release_lost(self, *, force: bool = False) -> int:
        """Close the attempts of desks whose lease ran out and release their cases (at most every
        ``SWEEP_EVERY`` of the service clock, unless ``force``); how many. See ``leases.lost_attempt``."""
        now = self.ctx.now()
        if not force and self._swept is not None and self._swept <= now < self._swept + SWEEP_EVERY:
            return 0
        self._swept = now

        def sweep(s: Session) -> int:
            released = cq.release_lost(s, now, self.settings.lease_minutes)
            for case_id, user_id, attempt_id in released:
                record(s, None, "lease_lost", at=now, object_type="call_case", object_id=case_id, user=user_id,
                       attempt=attempt_id)
            return len(released)

        return self.ctx.db.retrying(sweep, immediate=True)

    def held(self, s: Session, actor: Actor, case_id: int) -> CallCase:
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

    def renew(self, actor: Actor, case_id: int) -> datetime:
        """Extend the lease on a case this interviewer holds; returns the new expiry."""
        with self.ctx.db.unit_of_work(immediate=True) as s:
            case = self.held(s, actor, case_id)
            until = self.ctx.now() + timedelta(minutes=self.settings.lease_minutes)
            case.lease_expires_at = until
            return until

    def release(self, actor: Actor, case_id: int) -> None:
        """Give a held case back without an attempt; an interview in progress on it becomes partial."""
        with self.ctx.db.unit_of_work(immediate=True) as s:
            case = self.held(s, actor, case_id)
            case.held_by = None
            case.lease_expires_at = None
            case.claimed_at = None
            case.released_at = self.ctx.now()  # a next claim starts no earlier
            for iv in s.scalars(select(Interview).where(Interview.case_id == case.id,
                                                        Interview.status == "in_progress")):
                iv.status = "partial"

    def hold_for_interview(
        self, s: Session, actor: Actor, case_id: int, interview_id: int | None, caps: Mapping[str, int | None]
    ) -> CallCase:
        """Inside the caller's unit of work: the open case this interviewer holds, and in a capped queue
        room for its interview (``interview_id``: the one resumed, which holds its place already). The
        queue's period is locked first, then the case: one lock order. Raises CaseClosed, CaseNotHeld,
        QuotaFull or CallError."""
        head = s.execute(select(CallCase.period_id, CallCase.queue).where(CallCase.id == case_id)).first()
        if head is None:
            raise CallError(f"Zaak {case_id} bestaat niet")
        period_id, queue = head
        cap = caps.get(queue)
        if cap is not None:
            cq.lock_period(s, period_id)
        case = self.held(s, actor, case_id)
        if cap is not None:
            now = self.ctx.now()
            done = cq.completes(s, period_id, queue)
            live = cq.live_in_progress(s, period_id, queue, now, interview_id)
            if not can_start_interview(done, live, cap):
                raise QuotaFull(f"Het quotum is vol: {done} van {cap} interviews volledig, {live} bezig. "
                                "Er kan nu geen interview starten.")
        return case

    def take_back_in(self, s: Session, actor: Actor, case: CallCase) -> bool:
        """A desk whose lease ran out comes back to end its interview: when the sweep released the
        case for this interviewer (its last attempt is this interviewer's DESK_LOST) and nobody has
        claimed it since, the case is held by this interviewer again, with a fresh lease. True when
        taken back."""
        if case.held_by is not None or case.status == cq.FINAL:
            return False
        claimed = cq.lost_by(s, case.id, actor.user_id)
        if claimed is None:
            return False
        now = self.ctx.now()
        case.held_by, case.claimed_at = actor.user_id, claimed
        case.lease_expires_at = now + timedelta(minutes=self.settings.lease_minutes)
        s.flush()
        record(s, actor, "lease_taken_back", at=now, object_type="call_case", object_id=case.id)
        return True
