"""Billing test data: providers, periods and completes inserted straight into the models.

The call and interview services are built elsewhere; billing only needs the rows they leave behind:
Provider -> MeasurementPeriod -> Client (+ PhoneNumber) -> CallCase (queue) -> Interview (complete).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from cati.accounts.rules.roles import Actor, Role
from cati.container import Services
from cati.platform.contact import contact_sealer
from cati.platform.database import Database
from cati.platform.models import CallCase, Client, Interview, MeasurementPeriod, PhoneNumber, Provider

T0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)  # before the FakeClock's 2026-03-02 10:00 UTC
Y2026 = (date(2026, 1, 1), date(2026, 12, 31))
Y2025 = (date(2025, 1, 1), date(2025, 12, 31))
_serial = itertools.count(1)

USERS = {
    "admin": (Role.ADMIN, "admin-wachtwoord"),
    "fien": (Role.FINANCE, "fien-wachtwoord"),
    "sanne": (Role.SUPERVISOR, "sanne-wachtwoord"),
    "anna": (Role.INTERVIEWER, "anna-wachtwoord"),
}


def add_users(services: Services) -> dict[str, Actor]:
    """One user per role (admin first: the bootstrap rule); returns their logged-in actors."""
    admin = None
    actors: dict[str, Actor] = {}
    for name, (role, password) in USERS.items():
        services.users.add_user(admin, name, password, {role})
        actors[name] = services.users.login(name, password)
        admin = admin or actors[name]
    return actors


def add_provider(
    db: Database,
    name: str = "Werkpad",
    tariff_cents: int = 4225,
    period: tuple[date, date] = Y2026,
    phone_option: bool = True,
) -> tuple[int, int]:
    """A provider with one measurement period; returns (provider id, period id)."""
    with db.unit_of_work() as s:
        p = Provider(name=name, phone_option=phone_option, tariff_cents=tariff_cents)
        mp = MeasurementPeriod(provider=p, start_date=period[0], end_date=period[1])
        s.add_all([p, mp])
        s.flush()
        return p.id, mp.id


def add_period(db: Database, provider_id: int, period: tuple[date, date]) -> int:
    with db.unit_of_work() as s:
        mp = MeasurementPeriod(provider_id=provider_id, start_date=period[0], end_date=period[1])
        s.add(mp)
        s.flush()
        return mp.id


def add_completes(
    db: Database,
    period_id: int,
    n: int,
    *,
    queue: str = "purchased",
    start: datetime = T0,
    step: timedelta = timedelta(minutes=30),
    status: str = "complete",
) -> list[int]:
    """``n`` interviews (complete by default) of new clients in ``queue``, ``step`` apart; their ids."""
    ids = []
    with db.unit_of_work() as s:
        for i in range(n):
            k = next(_serial)
            client = Client(
                period_id=period_id,
                client_number=f"K{k:06d}",
                respondent_key=f"R{k:06d}{period_id:04d}",
                service=11 if queue == "inburgering" else 1,
                end_date=date(2026, 1, 15),
                learning_profile=1 if queue == "inburgering" else None,
                phone_option=queue == "purchased",
            )
            client.phones.append(PhoneNumber(position=0, **contact_sealer(s, period_id).number(f"+3161{k:07d}"),
                                             kind="mobile"))
            s.add(client)
            s.flush()
            case = CallCase(
                client_id=client.id,
                period_id=period_id,
                queue=queue,
                status="final",
                final_outcome="complete" if status == "complete" else None,
            )
            s.add(case)
            s.flush()
            at = start + step * i
            iv = Interview(
                case_id=case.id,
                form_id="blik",
                form_version="1",
                status=status,
                started_at=at - timedelta(minutes=20),
                completed_at=at if status == "complete" else None,
            )
            s.add(iv)
            s.flush()
            ids.append(iv.id)
    return ids
