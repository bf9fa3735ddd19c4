"""Fieldwork progress per provider and queue, and per interviewer (issue 7): the service. The figures
are :mod:`cati.supervision.service.progress_figures`, the queries that count them
:mod:`cati.supervision.service.progress_queries`.

Definitions (the GUI's progress page and ``cati progress`` show the same figures):

* **sample**: cases in the queue; **net sample**: minus the cases that ended unreachable (a final
  NE/4.x outcome other than quota-full, see :mod:`cati.supervision.service.reports`).
* **never called**: open cases without an attempt; **called, open**: open cases with one or more
  attempts; **held now**: cases leased to an interviewer at this moment.
* **appointments today**: open appointments due today (local calendar day (cati.core.localtime)).
* **dispositions**: final cases per AAPOR group (MAX_ATTEMPTS is UO when never contacted, else O).
  Only final dispositions enter the AAPOR rates (open cases carry a temporary disposition).
* **completes**: complete, not voided interviews; the inburgering queue shows them against the
  cap (setting ``queue.inburgering.cap``).
* **e**: an explicit value (``--e``, or the GUI's field) wins; else the setting
  ``rates.eligibility_e``; else AAPOR's default estimate from the data.
* **the line** (attempts dialled by cati's softphone, which knows when it was answered):
  **dials**, **answered** (the share of dials answered) and **talk time** (answer to hang-up).
  Attempts dialled by hand or by URI are not in these figures: cati does not know their line.

Interviewers, per local day in the chosen range:

* **hours logged in**: every ``login`` audit event opens a session that lasts until the end of the
  last call attempt started before the next login that day; calls before the day's first login
  open a session at their own start. A login without calls counts nothing (a supervisor looking
  in, a forgotten window), and a session never runs past its last call.
* **calls**: attempts started in the range; **contacts**: those whose outcome has ``contact: true``
  in the outcome table; **completes**: attempts that ended with ``COMPLETE``.
* **mean interview length**: started_at -> completed_at of the complete, not voided interviews
  that the interviewer started and that were completed in the range.
* **dials, answered, talk time**: as per queue, over the attempts started in the range.

Per language (of the open measurement periods):

* **open**: open cases that need the language (a case that needs none counts as Dutch);
  **waiting for a speaker**: those of them that need a language no interviewer who logged in today
  speaks (``cati queue --explain`` says so per case); **completes**: complete, not voided interviews
  by their main language (the language most answers were given in).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.settings import SettingsService
from cati.platform.context import ServiceContext
from cati.platform.models import Provider
from cati.supervision.service import progress_queries as queries
from cati.supervision.service.progress_figures import (
    InterviewerStats,
    LanguageProgress,
    OutcomeCount,
    ProgressSnapshot,
    QueueProgress,
)

E_SETTING = "rates.eligibility_e"


def _to_fraction(e: Fraction | Decimal | float | str | None) -> Fraction | None:
    if e is None:
        return None
    value = Fraction(Decimal(str(e)))
    if not 0 <= value <= 1:
        raise ValueError("e moet tussen 0 en 1 liggen")
    return value


class ProgressService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService) -> None:
        self.ctx = ctx
        self.settings = settings

    # -- e --------------------------------------------------------------------------------
    def eligibility(self, actor: Actor | None) -> Decimal | None:
        """The stored e (setting ``rates.eligibility_e``); None: estimated from the data."""
        require(actor, Permission.VIEW_PROGRESS)
        value = self.settings.get(E_SETTING)
        return None if value is None else Decimal(str(value))

    def set_eligibility(self, actor: Actor | None, e: Decimal | float | str | None) -> None:
        """Store e from today on (None: back to the data estimate). A setting: CHANGE_SETTINGS."""
        require(actor, Permission.CHANGE_SETTINGS)
        fraction = _to_fraction(e)
        self.settings.set(actor, E_SETTING, None if fraction is None else str(Decimal(str(e))))

    # -- lists ----------------------------------------------------------------------------
    def providers(self, actor: Actor | None) -> list[tuple[int, str]]:
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            return [(i, n) for i, n in s.execute(select(Provider.id, Provider.name).order_by(Provider.name))]

    # -- per queue ------------------------------------------------------------------------
    def queues(
        self,
        actor: Actor | None,
        provider: str | int | None = None,
        *,
        e: Fraction | Decimal | float | str | None = None,
        include_closed: bool = False,
    ) -> list[QueueProgress]:
        """One row per provider, open measurement period and queue that has cases."""
        require(actor, Permission.VIEW_PROGRESS)
        override = _to_fraction(e)
        stored = None if override is not None else _to_fraction(self.settings.get(E_SETTING))
        cap = self.settings.get("queue.inburgering.cap")
        purchased_cap = self.settings.get("queue.purchased.cap")
        caps = {"inburgering": cap, "purchased": purchased_cap}
        with self.ctx.db.unit_of_work() as s:
            return queries.queue_progress(s, self.ctx.now(), provider, override, stored, caps, include_closed)

    # -- per language ---------------------------------------------------------------------
    def languages(self, actor: Actor | None, provider: str | int | None = None) -> list[LanguageProgress]:
        """Per language: open cases, those waiting for a speaker, completes (see the module)."""
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            return queries.language_progress(s, self.ctx.now(), provider)

    # -- per interviewer ------------------------------------------------------------------
    def interviewers(self, actor: Actor | None, first: date, last: date) -> list[InterviewerStats]:
        """Per interviewer over the days ``first``..``last`` (local days), see module doc."""
        require(actor, Permission.VIEW_PROGRESS)
        if last < first:
            raise ValueError("de einddatum ligt voor de begindatum")
        with self.ctx.db.unit_of_work() as s:
            return queries.interviewer_stats(s, first, last)

    # -- charts ---------------------------------------------------------------------------
    def completes_per_day(
        self, actor: Actor | None, first: date, last: date, provider: str | int | None = None
    ) -> list[tuple[date, int]]:
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            return queries.completes_per_day(s, first, last, provider)

    def outcome_mix(
        self, actor: Actor | None, first: date, last: date, provider: str | int | None = None
    ) -> list[OutcomeCount]:
        """Outcomes of the call attempts in the range, most frequent first."""
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            return queries.outcome_mix(s, first, last, provider)

    # -- all at once (the GUI page) -------------------------------------------------------
    def snapshot(
        self,
        actor: Actor | None,
        first: date,
        last: date,
        provider: str | int | None = None,
        *,
        e: Fraction | Decimal | float | str | None = None,
    ) -> ProgressSnapshot:
        require(actor, Permission.VIEW_PROGRESS)
        return ProgressSnapshot(
            at=self.ctx.now(),
            first=first,
            last=last,
            queues=tuple(self.queues(actor, provider, e=e)),
            interviewers=tuple(self.interviewers(actor, first, last)),
            completes_per_day=tuple(self.completes_per_day(actor, first, last, provider)),
            outcome_mix=tuple(self.outcome_mix(actor, first, last, provider)),
            e_setting=self.eligibility(actor),
            languages=tuple(self.languages(actor, provider)),
        )
