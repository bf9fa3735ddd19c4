"""The demo/test database: a few providers, clients in every queue type, one user per role."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from cati.domain.roles import Role
from cati.services.audit import record
from cati.services.container import Services
from cati.store.models import CallCase, Client, MeasurementPeriod, PhoneNumber, Provider

DEMO_USERS: tuple[tuple[str, str, Role, str], ...] = (
    ("anna", "Anna de Vries", Role.INTERVIEWER, "welkom-anna"),
    ("bram", "Bram Jansen", Role.INTERVIEWER, "welkom-bram"),
    ("sanne", "Sanne Bakker", Role.SUPERVISOR, "welkom-sanne"),
    ("femke", "Femke Visser", Role.FINANCE, "welkom-femke"),
    ("admin", "Beheerder", Role.ADMIN, "welkom-admin"),
)

# name, bought the phone option, tariff in cents, share of inburgering clients
DEMO_PROVIDERS: tuple[tuple[str, bool, int, float], ...] = (
    ("Werkpad Re-integratie", True, 4250, 0.0),
    ("Taalhuis Inburgering", False, 0, 0.9),
    ("Loopbaan & Co", True, 4225, 0.2),
    ("De Brug Jobcoaching", False, 0, 0.0),
)

FIRST = ("Anouk", "Bas", "Chantal", "Daan", "Esra", "Fatima", "Gijs", "Hanneke", "Ibrahim", "Joyce",
         "Kevin", "Lotte", "Mohamed", "Nienke", "Omar", "Petra", "Ruben", "Samira", "Tom", "Yvonne")
LAST = ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
        "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "Yilmaz")


@dataclass(frozen=True)
class DemoResult:
    providers: int
    clients: int
    cases: dict[str, int]
    logins: tuple[tuple[str, str, str], ...]  # username, role, password


class DemoError(RuntimeError):
    pass


def seed_demo(services: Services, seed: int = 1, clients_per_provider: int = 60) -> DemoResult:
    """Fill an empty database with demo data and mark it a test database."""
    db = services.db
    with db.unit_of_work() as s:
        if s.scalar(select(func.count()).select_from(Provider)):
            raise DemoError("Deze database bevat al aanbieders; demo-gegevens gaan alleen in een lege database.")
    db.set_info("test_database", "yes")
    admin = None
    # The first user must be an admin (bootstrap rule); the admin then adds the others.
    for username, display, role, password in sorted(DEMO_USERS, key=lambda u: u[2] is not Role.ADMIN):
        services.users.add_user(admin, username, password, {role}, display)
        if admin is None:
            admin = services.users.login(username, password)
    rng = random.Random(seed)
    today = services.ctx.now().date()
    period = (date(today.year, 1, 1), date(today.year, 12, 31))
    cases: dict[str, int] = {"purchased": 0, "inburgering": 0, "none": 0}
    n_clients = 0
    used_numbers: set[str] = set()
    with db.unit_of_work() as s:
        for name, phone_option, tariff, inburgering_share in DEMO_PROVIDERS:
            provider = Provider(name=name, phone_option=phone_option, tariff_cents=tariff)
            mp = MeasurementPeriod(provider=provider, start_date=period[0], end_date=period[1])
            s.add_all([provider, mp])
            s.flush()
            for i in range(clients_per_provider):
                inburgering = rng.random() < inburgering_share
                service = 11 if inburgering else rng.choice([1, 2, 3, 5, 6, 7, 8, 9, 10, 13])
                profile = rng.choice([1, 1, 2, 2, 3, 4]) if inburgering else None
                client = Client(
                    period_id=mp.id,
                    client_number=f"K{provider.id:02d}{i + 1:05d}",
                    respondent_key=secrets.token_hex(8),
                    name=f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    email=None,
                    service=service,
                    end_date=period[0] + timedelta(days=rng.randrange(0, 300)),
                    variant="low_threshold" if rng.random() < 0.25 else "regular",
                    learning_profile=profile,
                    phone_option=phone_option and not inburgering and rng.random() < 0.8,
                )
                for pos in range(1 if rng.random() < 0.8 else 2):
                    while True:
                        number = f"+316{rng.randrange(10_000_000, 99_999_999)}"
                        if number not in used_numbers:
                            used_numbers.add(number)
                            break
                    client.phones.append(PhoneNumber(position=pos, e164=number, kind="mobile"))
                s.add(client)
                s.flush()
                queue = "purchased" if client.phone_option else (
                    "inburgering" if service == 11 and profile in (1, 2) else None)
                if queue:
                    s.add(CallCase(client_id=client.id, period_id=mp.id, queue=queue))
                cases[queue or "none"] += 1
                n_clients += 1
        record(s, admin, "demo_seed", at=services.ctx.now(), seed=seed, clients=n_clients)
    logins = tuple((u, r.value, p) for u, _, r, p in DEMO_USERS)
    return DemoResult(len(DEMO_PROVIDERS), n_clients, cases, logins)
