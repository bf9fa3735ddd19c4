"""The demo/test database: one user per role, four providers, and their client files imported the way a
supervisor does it (``ProviderService`` + ``ImportService``), so the demo runs the real import code.

The client files are generated in a temporary directory: ';'-separated Windows-1252 CSV like Dutch Excel
saves it, and one XLSX. Each holds ``clients_per_provider`` good rows plus a few bad ones (a missing
name, an end date outside the period, a premium-rate number for a client to be phoned, a repeated
client number), so the import summaries show rejections, duplicates and warnings. The period is the
current calendar year, so demo cases are callable today. One number is put on the do-not-call list
before the imports, so one client is counted as do-not-call.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select

from cati.accounts.rules.roles import Role
from cati.accounts.service.audit import record
from cati.accounts.service.settings import SettingError
from cati.container import Services
from cati.platform.models import Provider
from cati.sample.service.imports import ImportSummary
from cati.tools.simulate import default_start

DEMO_USERS: tuple[tuple[str, str, Role, str], ...] = (
    ("anna", "Anna de Vries", Role.INTERVIEWER, "welkom-anna"),
    ("bram", "Bram Jansen", Role.INTERVIEWER, "welkom-bram"),
    ("sanne", "Sanne Bakker", Role.SUPERVISOR, "welkom-sanne"),
    ("femke", "Femke Visser", Role.FINANCE, "welkom-femke"),
    ("admin", "Beheerder", Role.ADMIN, "welkom-admin"),
)


@dataclass(frozen=True)
class DemoProvider:
    name: str
    phone_option: bool
    tariff: Decimal
    inburgering_share: float  # share of clients in service 11 (inburgering)
    phone_share: float  # share of the others with telefonisch=ja
    file_kind: str  # csv | xlsx


DEMO_PROVIDERS: tuple[DemoProvider, ...] = (
    DemoProvider("Werkpad Re-integratie", True, Decimal("42.50"), 0.0, 0.8, "csv"),
    DemoProvider("Taalhuis Inburgering", False, Decimal("0.00"), 0.9, 0.0, "xlsx"),
    DemoProvider("Loopbaan & Co", True, Decimal("42.25"), 0.3, 0.7, "csv"),
    DemoProvider("De Brug Jobcoaching", False, Decimal("0.00"), 0.0, 0.3, "csv"),
)

FIRST = ("Anouk", "Bas", "Chantal", "Daan", "Esra", "Fatima", "Gijs", "Hanneke", "Ibrahim", "Joyce",
         "Kevin", "Lotte", "Mohamed", "Nienke", "Omar", "Petra", "Ruben", "Samira", "Tom", "Yvonne",
         "Zoë", "René", "Noël", "Inès")
LAST = ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
        "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "Yılmaz",
        "Öztürk", "El Amrani")
SERVICES = (1, 2, 3, 5, 6, 7, 8, 9, 10, 13)
HEADER = ["klantnummer", "naam", "telefoon", "telefoon2", "email", "dienst", "einddatum", "vragenlijst",
          "leerprofiel", "telefonisch"]


@dataclass(frozen=True)
class DemoResult:
    providers: int
    clients: int
    cases: dict[str, int]
    logins: tuple[tuple[str, str, str], ...]  # username, role, password
    imports: tuple[ImportSummary, ...] = ()


class DemoError(RuntimeError):
    pass


def _rows(rng: random.Random, spec: DemoProvider, index: int, n: int, start: date, end: date,
          numbers: set[str]) -> list[list[object]]:
    """``n`` good rows, then the bad ones."""
    days = (end - start).days

    def mobile() -> str:
        while True:
            number = f"06{rng.choice('12345')}{rng.randrange(1_000_000, 9_999_999)}"  # valid mobile ranges
            if number not in numbers:
                numbers.add(number)
                return number

    rows: list[list[object]] = []
    for i in range(n):
        # the first rows make sure every queue this provider can fill gets cases, also for tiny demos
        inburgering = (i == 0 and spec.inburgering_share > 0) or rng.random() < spec.inburgering_share
        service = 11 if inburgering else rng.choice(SERVICES)
        profile: object = (1 if i == 0 else rng.choice([1, 1, 2, 2, 3, 4])) if inburgering else ""
        phone = (i in (0, 1) and spec.phone_share > 0 and not inburgering) or rng.random() < spec.phone_share
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        first = mobile()
        tel: object = first if rng.random() < 0.7 else f"{first[:2]}-{first[2:]}"
        second = f"010{rng.randrange(1_000_000, 9_999_999)}" if rng.random() < 0.2 else ""
        email = f"{name.split()[0].lower()}.{index}{i}@example.nl" if rng.random() < 0.8 else ""
        end_date = start + timedelta(days=rng.randrange(0, days + 1))
        rows.append([f"{index}{i + 1:05d}", name, tel, second, email, service, end_date,
                     "laagdrempelig" if rng.random() < 0.25 else "regulier", profile,
                     "ja" if phone else "nee"])
    k = f"{index}9"
    rows += [
        [f"{k}0001", "", mobile(), "", "", 1, start, "", "", "nee"],  # name missing
        [f"{k}0002", "Piet Buiten", mobile(), "", "", 3, start - timedelta(days=3), "", "", "nee"],  # outside period
        [f"{k}0003", "Kees Betaal", "0900-1234567", "", "", 5, start + timedelta(days=30), "", "",
         "ja" if spec.phone_option else "nee"],  # premium rate: rejected when phoned, a warning otherwise
    ]
    if rows[:n]:
        dup = list(rows[0])
        dup[1], dup[2] = "Dubbele Regel", mobile()
        rows.append(dup)  # the same client number again: a duplicate, the first one stays
    return rows


def _write(path: Path, rows: list[list[object]]) -> Path:
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "Klanten"
        ws.append(HEADER)
        for row in rows:
            out = list(row)
            tel = str(out[2]).replace("-", "")
            if tel.startswith("06"):
                out[2] = int(tel)  # as Excel stores it: a number, the leading 0 lost
            ws.append(out)
        wb.save(path)
        return path
    lines = [";".join(HEADER)] + [
        ";".join(f"{v.day}-{v.month}-{v.year}" if isinstance(v, date) else str(v) for v in row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    try:
        data = text.encode("cp1252")  # as Dutch Excel saves it
    except UnicodeEncodeError:
        data = text.encode("utf-8-sig")  # a name Windows-1252 cannot hold (Yılmaz): UTF-8 with BOM
    path.write_bytes(data)
    return path


def seed_demo(services: Services, seed: int = 1, clients_per_provider: int = 60) -> DemoResult:
    """Fill an empty database with demo data and mark it a test database. The client files come in
    a day before a simulated field period would start (``simulate.default_start``): their cases are
    due from then on."""
    real_clock = services.ctx.clock
    year = real_clock().date().year
    came_in = default_start(real_clock(), services.calls.scheduler.calendar) - timedelta(days=1)
    began = real_clock()
    services.ctx.clock = lambda: came_in + (real_clock() - began)
    try:
        return _seed(services, seed, clients_per_provider, year)
    finally:
        services.ctx.clock = real_clock


def _seed(services: Services, seed: int, clients_per_provider: int, year: int) -> DemoResult:
    db = services.db
    with db.unit_of_work() as s:
        if s.scalar(select(func.count()).select_from(Provider)):
            raise DemoError("Deze database bevat al aanbieders; demo-gegevens gaan alleen in een lege database.")
    try:
        services.settings.mark_test_database(None)  # only a new, empty database
    except SettingError as e:
        raise DemoError(str(e)) from None
    admin = None
    # The first user must be an admin (bootstrap rule); the admin then adds the others.
    for username, display, role, password in sorted(DEMO_USERS, key=lambda u: u[2] is not Role.ADMIN):
        if admin is None and services.users.has_users():
            raise DemoError("Deze database heeft al gebruikers; demo-gegevens gaan alleen in een lege database.")
        services.users.add_user(admin, username, password, {role}, display)
        if admin is None:
            admin = services.users.login(username, password)
    supervisor = next(services.users.login(u, p) for u, _, r, p in DEMO_USERS if r is Role.SUPERVISOR)
    rng = random.Random(seed)
    start, end = date(year, 1, 1), date(year, 12, 31)
    numbers: set[str] = set()
    summaries: list[ImportSummary] = []
    with tempfile.TemporaryDirectory(prefix="cati-demo-") as tmp:
        files: list[tuple[str, Path]] = []
        stop: list[str] = []
        for index, spec in enumerate(DEMO_PROVIDERS, start=1):
            services.providers.add_provider(supervisor, spec.name, start, end, phone_option=spec.phone_option,
                                            tariff=spec.tariff)
            rows = _rows(rng, spec, index, clients_per_provider, start, end, numbers)
            name = f"klanten_{index}_{spec.name.split()[0].lower()}.{spec.file_kind}"
            files.append((spec.name, _write(Path(tmp) / name, rows)))
            if spec.phone_option and not stop:  # one purchased client with a single number opted out
                stop = [str(r[2]).replace("-", "") for r in rows[:clients_per_provider]
                        if r[9] == "ja" and r[3] == "" and r[5] != 11][:1]
        # the research sector's opt-out list (Onderzoekfilter), and a line it cannot read
        dnc = Path(tmp) / "onderzoekfilter.txt"
        dnc.write_text("".join(f"{n[:2]} {n[2:]}\n" for n in stop) + "geen nummer\n", encoding="utf-8")
        services.imports.import_do_not_call(supervisor, dnc, source="Onderzoekfilter (demo)")
        for provider, path in files:
            summaries.append(services.imports.import_file(supervisor, provider, path))
    cases = {
        "purchased": sum(r.cases["purchased"] for r in summaries),
        "inburgering": sum(r.cases["inburgering"] for r in summaries),
        "none": sum(r.mail_post + r.do_not_call for r in summaries),
    }
    n_clients = sum(r.accepted for r in summaries)
    with db.unit_of_work() as s:
        record(s, admin, "demo_seed", at=services.ctx.now(), seed=seed, clients=n_clients)
    logins = tuple((u, r.value, p) for u, _, r, p in DEMO_USERS)
    return DemoResult(len(DEMO_PROVIDERS), n_clients, cases, logins, tuple(summaries))
