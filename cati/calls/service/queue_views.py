"""The call queues as interviewers and supervisors see them, read-only (behind the methods of the same
names on :class:`cati.calls.service.calls.CallService`): an interviewer's queues and appointments, why a
case is (not) callable, the per-queue summary, the call order as the claims take it, providers by name.
Each method checks its permission first; the queries are :mod:`cati.calls.service.queue_summary`'s.
"""

from __future__ import annotations

from cati.accounts.rules.roles import Actor, Permission, PermissionDenied, require
from cati.calls.rules.order import Asker
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.service.case_card import AppointmentInfo
from cati.calls.service.claiming import room
from cati.calls.service.errors import CallError
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
from cati.calls.service.quota_caps import QuotaCaps
from cati.calls.store import case_queries as cq
from cati.calls.store.claim_select import QueueOrder
from cati.platform.context import ServiceContext

__all__ = ["QueueViews"]


class QueueViews:
    """The read-only views of one call service's queues (its caps cache and scheduler settings)."""

    def __init__(self, ctx: ServiceContext, quota: QuotaCaps, settings: SchedulerSettings) -> None:
        self.ctx = ctx
        self._quota = quota
        self.settings = settings
        self._order = QueueOrder(postgres=not ctx.db.is_sqlite)

    # -- an interviewer's queues ---------------------------------------------------------------
    def my_queues(self, actor: Actor | None) -> list[MyQueue]:
        """The queues an interviewer may work, with open cases, completes today and own counts today
        (today = the Amsterdam calendar day of the service clock)."""
        actor = require(actor, Permission.WORK_CASES)
        caps = self._quota.caps()
        start, end = self.settings.calendar.day_bounds(self.ctx.now())
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
        caps = self._quota.caps()
        with self.ctx.db.unit_of_work(immediate=False) as s:
            now = self.ctx.now()
            spoken = cq.spoken(s, self.settings.calendar.day_bounds(now)[0])
            found = explain_cases(s, ref, provider_id, now, self.settings, caps,
                                  lambda pair, cap: room(s, pair, cap, now), spoken)
        if not found:
            raise CallError(f"Geen zaak gevonden voor {ref}")
        return found

    def queue_summary(self, actor: Actor | None, provider_id: int | None = None) -> list[QueueRow]:
        """Per provider, period and queue: cases, never called, in progress, final, completes, cap."""
        require(actor, Permission.VIEW_PROGRESS)
        caps = self._quota.caps()
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
        settings = self.settings
        now = self.ctx.now()
        if not settings.calendar.is_callable(now):
            return []
        caps = self._quota.caps()
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
