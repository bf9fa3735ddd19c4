"""Providers (aanbieders) and their measurement periods (issue 4).

A provider has a name, whether it bought the telephone option, and a tariff per purchased interview
(exact euros, stored as integer cents). It may have several measurement periods; adding a provider that
exists with a new period adds the period. Without an explicit ``phone_option``/``tariff`` an existing
provider keeps what it had; given explicitly, they are changed (and audited).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.core.money import MoneyError, from_cents, parse_amount, to_cents
from cati.platform.context import ServiceContext
from cati.platform.models import MeasurementPeriod, Provider
from cati.sample.store import clients_repo as repo

QUEUES: tuple[str, ...] = ("purchased", "inburgering")


class ProviderError(ValueError):
    """A problem the user can fix; the message is Dutch."""


_PERIOD_RE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(?:\.\.|/|\s+t/m\s+)\s*(\d{4}-\d{1,2}-\d{1,2})\s*$")


def parse_period(text: str) -> tuple[date, date]:
    """'2021-01-01..2021-12-31' -> (start, end). Raises ProviderError (Dutch)."""
    m = _PERIOD_RE.match(text or "")
    if not m:
        raise ProviderError(f"Meetperiode '{text}' niet begrepen; schrijf bijvoorbeeld 2021-01-01..2021-12-31.")
    try:
        start, end = (date(*map(int, g.split("-"))) for g in m.groups())
    except ValueError:
        raise ProviderError(f"Meetperiode '{text}' bevat een datum die niet bestaat.") from None
    check_period(start, end)
    return start, end


def check_period(start: date, end: date) -> None:
    if end < start:
        raise ProviderError(f"De meetperiode eindigt ({end}) voor het begin ({start}).")


def parse_tariff(text: str | Decimal | int | float) -> Decimal:
    """'42.50', '42,50', '€ 42,50' -> Decimal('42.50'); whole cents, not negative."""
    try:
        return parse_amount(text, "Tarief")
    except MoneyError as e:
        raise ProviderError(str(e)) from None


@dataclass(frozen=True)
class PeriodRow:
    id: int
    start: date
    end: date
    clients: int
    cases: dict[str, int] = field(default_factory=dict)  # queue -> cases

    @property
    def label(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


@dataclass(frozen=True)
class ProviderRow:
    id: int
    name: str
    phone_option: bool
    tariff: Decimal
    periods: tuple[PeriodRow, ...]
    clients: int
    cases: dict[str, int]  # queue -> cases over all periods

    @property
    def latest_period(self) -> PeriodRow | None:
        return max(self.periods, key=lambda p: (p.start, p.id), default=None)


@dataclass(frozen=True)
class ProviderAdded:
    provider: ProviderRow
    created: bool  # a new provider (else a period was added to an existing one)
    period_added: bool


class ProviderService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def add_provider(
        self,
        actor: Actor | None,
        name: str,
        start: date,
        end: date,
        *,
        phone_option: bool | None = None,
        tariff: Decimal | str | None = None,
    ) -> ProviderAdded:
        """Add a provider with a measurement period, or a new period to an existing provider."""
        require(actor, Permission.MANAGE_PROVIDERS)
        name = " ".join((name or "").split())
        if not name or len(name) > 200:
            raise ProviderError("Geef de aanbieder een naam (1 tot 200 tekens).")
        check_period(start, end)
        tariff_value = parse_tariff(tariff) if tariff is not None else None
        now = self.ctx.now()
        with self.ctx.db.unit_of_work() as s:
            provider = repo.provider_by_name(s, name)
            created = provider is None
            changes: dict[str, object] = {}
            if provider is None:
                provider = Provider(name=name, phone_option=bool(phone_option),
                                    tariff_cents=to_cents(tariff_value) if tariff_value is not None else 0,
                                    created_at=now)
                s.add(provider)
                s.flush()
            else:
                if phone_option is not None and provider.phone_option != phone_option:
                    changes["phone_option"] = phone_option
                    provider.phone_option = phone_option
                if tariff_value is not None and provider.tariff_cents != to_cents(tariff_value):
                    changes["tariff_cents"] = to_cents(tariff_value)
                    provider.tariff_cents = to_cents(tariff_value)
            period_added = repo.period_of(s, provider.id, start, end) is None
            if period_added:
                s.add(MeasurementPeriod(provider_id=provider.id, start_date=start, end_date=end))
                s.flush()
            elif not created and not changes:
                raise ProviderError(f"Aanbieder {provider.name} heeft de meetperiode {start}..{end} al.")
            record(s, actor, "provider_add" if created else "provider_change", at=now, object_type="provider",
                   object_id=provider.id, period=f"{start}..{end}", period_added=period_added,
                   phone_option=provider.phone_option, tariff_cents=provider.tariff_cents, changed=sorted(changes))
            row = self._rows(s, provider.id)[0]
        return ProviderAdded(row, created, period_added)

    def list_providers(self, actor: Actor | None) -> list[ProviderRow]:
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            return self._rows(s)

    def get(self, actor: Actor | None, name: str) -> ProviderRow:
        require(actor, Permission.VIEW_PROGRESS)
        with self.ctx.db.unit_of_work() as s:
            provider = repo.provider_by_name(s, name)
            if provider is None:
                raise ProviderError(f"Aanbieder '{name}' bestaat niet.")
            return self._rows(s, provider.id)[0]

    def _rows(self, s: Session, only: int | None = None) -> list[ProviderRow]:
        clients = repo.clients_per_period(s)
        cases = repo.cases_per_period(s)
        rows: list[ProviderRow] = []
        for provider, periods in repo.provider_period_pairs(s):
            if only is not None and provider.id != only:
                continue
            prow = tuple(
                PeriodRow(mp.id, mp.start_date, mp.end_date, clients.get(mp.id, 0),
                          {q: cases.get((mp.id, q), 0) for q in QUEUES})
                for mp in periods
            )
            rows.append(ProviderRow(
                provider.id, provider.name, provider.phone_option, from_cents(provider.tariff_cents), prow,
                sum(p.clients for p in prow), {q: sum(p.cases[q] for p in prow) for q in QUEUES},
            ))
        return rows
