"""Retention: closing a measurement period and purging its clients' contact data.

After a period is closed, ``purge`` removes names, phone numbers and e-mail addresses of its clients
and every free text that could hold them (call notes, appointment notes), then destroys the period's
key (:mod:`cati.platform.keys`): every copy of that data still on disk (old pages, the WAL, backups)
was sealed with it and is unreadable from then on. SQLite then VACUUMs (``secure_delete`` already
zeroes what is deleted), PostgreSQL VACUUMs the tables. Answers stay, keyed by the random respondent
key. The do-not-call list holds numbers only as keyed hashes, so purged clients' opt-outs keep working.
The period's paradata (screen visits: how interviewers worked each screen) goes too, in the same
transaction (the interview service's ``purge_paradata_in``, handed by the composition root): the review
it served is over.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import CursorResult, Update, func, select, update
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.platform.context import ServiceContext
from cati.platform.models import (
    Appointment,
    CallAttempt,
    CallCase,
    Client,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
)


class PrivacyError(ValueError):
    pass


@dataclass(frozen=True)
class PurgeResult:
    provider: str
    start: date
    end: date
    clients: int
    phone_numbers: int
    notes_cleared: int
    key_destroyed: bool  # False: the period had no key (no contact data was ever stored) or it was gone
    screen_visits: int = 0  # paradata rows deleted


def _period(s: Session, provider: str, start: date, end: date) -> MeasurementPeriod:
    mp = s.scalar(
        select(MeasurementPeriod)
        .join(Provider)
        .where(
            Provider.name == provider,
            MeasurementPeriod.start_date == start,
            MeasurementPeriod.end_date == end,
        )
    )
    if mp is None:
        raise PrivacyError(f"Aanbieder {provider} heeft geen meetperiode {start}..{end}.")
    return mp


def _open_cases(s: Session, period_id: int) -> int:
    return int(
        s.scalar(
            select(func.count())
            .select_from(CallCase)
            .where(CallCase.period_id == period_id, CallCase.status != "final")
        )
        or 0
    )


def _rowcount(s: Session, stmt: Update) -> int:
    result = s.execute(stmt)
    assert isinstance(result, CursorResult)
    return int(result.rowcount)


class PrivacyService:
    def __init__(self, ctx: ServiceContext, purge_paradata: Callable[[Session, int], int] | None = None) -> None:
        """``purge_paradata``: deletes a period's paradata in the purge's transaction (session, period id)
        and says how many rows (the composition root hands the interview service's)."""
        self.ctx = ctx
        self._purge_paradata = purge_paradata

    def close_period(self, actor: Actor | None, provider: str, start: date, end: date) -> None:
        """End fieldwork for a period. Refused while any of its cases is still open."""
        require(actor, Permission.MANAGE_PROVIDERS)
        with self.ctx.db.unit_of_work() as s:
            mp = _period(s, provider, start, end)
            if mp.closed_at is not None:
                raise PrivacyError(f"De meetperiode {start}..{end} van {provider} is al gesloten.")
            n = _open_cases(s, mp.id)
            if n:
                raise PrivacyError(f"De meetperiode kan niet dicht: nog {n} open cases in de belwachtrijen.")
            mp.closed_at = self.ctx.now()
            record(s, actor, "period_close", at=self.ctx.now(), object_type="period", object_id=mp.id)

    def purge(self, actor: Actor | None, provider: str, start: date, end: date) -> PurgeResult:
        """Remove contact data of a closed period's clients. Refused while the period is open."""
        require(actor, Permission.PURGE)
        now = self.ctx.now()
        with self.ctx.db.unit_of_work() as s:
            mp = _period(s, provider, start, end)
            open_cases = _open_cases(s, mp.id)
            if open_cases:
                raise PrivacyError(f"Niet gewist: nog {open_cases} open cases in deze meetperiode.")
            if mp.closed_at is None:
                raise PrivacyError("Niet gewist: sluit eerst de meetperiode (cati period close).")
            client_ids = select(Client.id).where(Client.period_id == mp.id).scalar_subquery()
            case_ids = select(CallCase.id).where(CallCase.period_id == mp.id).scalar_subquery()
            n_clients = _rowcount(
                s, update(Client).where(Client.period_id == mp.id).values(name=None, email=None)
            )
            n_phones = _rowcount(
                s, update(PhoneNumber).where(PhoneNumber.client_id.in_(client_ids)).values(e164=None, e164_hash=None)
            )
            notes = _rowcount(
                s,
                update(CallAttempt)
                .where(CallAttempt.case_id.in_(case_ids), CallAttempt.note != "")
                .values(note=""),
            )
            notes += _rowcount(
                s,
                update(Appointment)
                .where(Appointment.case_id.in_(case_ids), Appointment.note != "")
                .values(note=""),
            )
            visits = self._purge_paradata(s, mp.id) if self._purge_paradata is not None else 0
            key_id = mp.key_id
            mp.purged_at = now
            record(
                s,
                actor,
                "purge",
                at=now,
                object_type="period",
                object_id=mp.id,
                clients=n_clients,
                phone_numbers=n_phones,
                notes_cleared=notes,
                key_id=key_id,
                screen_visits=visits,
            )
        # After the commit: the rows no longer need the key. Should this fail, the purge stands and
        # running it again destroys the key.
        destroyed = self.ctx.db.keys.destroy(key_id) if key_id is not None else False
        self.ctx.db.compact()
        return PurgeResult(provider, start, end, n_clients, n_phones, notes, destroyed, visits)
