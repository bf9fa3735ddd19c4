"""Retention: after purge, no purged client's name, number or e-mail is anywhere in the database."""

from __future__ import annotations

import os
import random
import string
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from cati.accounts.rules.roles import PermissionDenied, Role
from cati.platform import do_not_call, keys
from cati.platform.contact import contact_sealer
from cati.platform.models import (
    Answer,
    Appointment,
    Base,
    CallAttempt,
    CallCase,
    Client,
    Interview,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
)
from cati.sample.service.privacy import PrivacyError

P2021 = (date(2021, 1, 1), date(2021, 12, 31))
P2022 = (date(2022, 1, 1), date(2022, 12, 31))
PEOPLE_2021 = [
    ("K1", "Aleida Zwartkruis", "aleida@voorbeeld.nl", ["+31612345671", "+31201234567"]),
    ("K2", "Bartholomeus Quist", "b.quist@voorbeeld.nl", ["+31612345672"]),
]
PEOPLE_2022 = [("K9", "Cornelia Wijnberg", "cw@voorbeeld.nl", ["+31612345679"])]


def _people(services, admin, people_2021=PEOPLE_2021, people_2022=PEOPLE_2022):  # type: ignore[no-untyped-def]
    now = datetime(2022, 2, 1, 10, tzinfo=UTC)
    with services.db.unit_of_work() as s:
        prov = Provider(name="Werkpad", phone_option=True, tariff_cents=4250)
        s.add(prov)
        for (start, end), people in ((P2021, people_2021), (P2022, people_2022)):
            mp = MeasurementPeriod(provider=prov, start_date=start, end_date=end)
            s.add(mp)
            s.flush()
            sealer = contact_sealer(s, mp.id)
            sealing = keys.sealing(sealer.key_id)  # names, e-mail and notes sealed as they are written
            sealing.__enter__()
            for n, (number, name, email, phones) in enumerate(people):
                c = Client(period_id=mp.id, client_number=number, respondent_key=f"rk{start.year}{n}", name=name,
                           email=email, service=9, end_date=start + timedelta(days=40))
                c.phones = [PhoneNumber(position=i, **sealer.number(p), kind="mobile") for i, p in enumerate(phones)]
                s.add(c)
                s.flush()
                case = CallCase(client_id=c.id, period_id=mp.id, queue="purchased", status="final",
                                final_outcome="COMPLETE", attempts=1)
                s.add(case)
                s.flush()
                s.add(CallAttempt(case_id=case.id, phone_id=c.phones[0].id, user_id=admin.user_id, started_at=now,
                                  ended_at=now, outcome="APPOINTMENT", note=f"{name.split()[0]} vroeg terug te bellen"))
                s.add(Appointment(case_id=case.id, made_by=admin.user_id, kind="exact", due_at=now, status="done",
                                  note=f"bel {phones[0]} na vijven"))
                iv = Interview(case_id=case.id, form_id="client_regular", form_version="1", status="complete",
                               started_at=now, completed_at=now)
                s.add(iv)
                s.flush()
                s.add(Answer(interview_id=iv.id, variable="rapportcijfer", value='{"number": "8"}', answered_at=now))
            s.flush()
            sealing.__exit__(None, None, None)
        do_not_call.add(s, [people_2021[1][3][0]], "outcome", now)


def _everything(services) -> str:  # type: ignore[no-untyped-def]
    chunks = []
    with services.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(sa.select(table)):
                chunks.append(" ".join(str(v) for v in row))
    return "\n".join(chunks)


def _sensitive(people):  # type: ignore[no-untyped-def]
    out = []
    for _, name, email, phones in people:
        out += [name, *name.split(), email, *phones, *("0" + p[3:] for p in phones)]
    return out


@pytest.fixture
def admin(services):  # type: ignore[no-untyped-def]
    services.users.add_user(None, "beheer", "beheer-wachtwoord", {Role.ADMIN, Role.SUPERVISOR})
    return services.users.login("beheer", "beheer-wachtwoord")


def test_purge_leaves_no_trace_of_the_purged_clients(services, admin) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    before = _everything(services)
    for _, name, email, phones in PEOPLE_2021:
        for token in (name, email, *phones):
            assert token in before  # the search finds them before: the test can fail
    with pytest.raises(PrivacyError, match="sluit eerst"):
        services.privacy.purge(admin, "Werkpad", *P2021)
    services.privacy.close_period(admin, "Werkpad", *P2021)
    result = services.privacy.purge(admin, "Werkpad", *P2021)
    assert (result.clients, result.phone_numbers, result.notes_cleared, result.key_destroyed) == (2, 3, 4, True)

    after = _everything(services)
    leaks = [t for t in _sensitive(PEOPLE_2021) if t in after]
    assert leaks == []
    for _, name, email, phones in PEOPLE_2022:  # the other period is untouched
        for token in (name, email, *phones):
            assert token in after
    with services.db.unit_of_work() as s:
        # answers stay, keyed by the respondent key
        assert s.scalar(sa.select(sa.func.count()).select_from(Answer)) == 3
        assert set(s.scalars(sa.select(Client.respondent_key))) == {"rk20210", "rk20211", "rk20220"}
        # the opt-out still works though the number is no longer readable
        assert do_not_call.listed(s, ["+31612345672", "+31612345679"]) == {"+31612345672"}
    events = services.audit.events(admin, action="purge")
    assert len(events) == 1 and events[0].detail["clients"] == 2


def test_purge_refuses_while_cases_are_open(services, admin) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    with services.db.unit_of_work() as s:
        case = s.scalars(sa.select(CallCase).order_by(CallCase.id)).first()
        case.status, case.attempts = "active", max(case.attempts, 1)
        case.last_attempt_at = case.next_call_at = services.ctx.now()
    with pytest.raises(PrivacyError, match="1 open cases"):
        services.privacy.close_period(admin, "Werkpad", *P2021)
    with pytest.raises(PrivacyError, match="open cases"):
        services.privacy.purge(admin, "Werkpad", *P2021)
    with services.db.unit_of_work() as s:
        assert s.scalar(sa.select(Client.name).where(Client.client_number == "K1")) == "Aleida Zwartkruis"


def test_only_admins_purge(services, admin) -> None:  # type: ignore[no-untyped-def]
    _people(services, admin)
    services.users.add_user(admin, "sanne", "sanne-wachtwoord", {Role.SUPERVISOR})
    services.users.add_user(admin, "femke", "femke-wachtwoord", {Role.FINANCE})
    sanne = services.users.login("sanne", "sanne-wachtwoord")
    femke = services.users.login("femke", "femke-wachtwoord")
    services.privacy.close_period(sanne, "Werkpad", *P2021)  # supervisors end fieldwork
    for actor in (sanne, femke, None):
        with pytest.raises(PermissionDenied):
            services.privacy.purge(actor, "Werkpad", *P2021)
    with pytest.raises(PermissionDenied):
        services.privacy.close_period(femke, "Werkpad", *P2022)


def test_purge_cli(services, admin, db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    import io

    from cati.cli import main

    _people(services, admin)
    monkeypatch.setattr("sys.stdin", io.StringIO("beheer-wachtwoord\n"))
    assert main(["--db", db_url, "--user", "beheer", "purge", "Werkpad", "--period", "2021-01-01..2021-12-31"]) == 2
    assert "sluit eerst" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("beheer-wachtwoord\n"))
    assert main(["--db", db_url, "--user", "beheer", "period", "close", "Werkpad", "--period",
                 "2021-01-01..2021-12-31"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("beheer-wachtwoord\n"))
    assert main(["--db", db_url, "--user", "beheer", "purge", "Werkpad", "--period", "2021-01-01..2021-12-31"]) == 0
    assert "2 cliënten" in capsys.readouterr().out


# -- what is on the disk: the database files themselves, read byte by byte -------------------------
Extent = tuple[Path, int, int | None]  # a file, from this byte, up to that one (None: to its end)


@pytest.fixture
def wal_from(services, db_url) -> Iterator[int | None]:  # type: ignore[no-untyped-def]
    """Where PostgreSQL's write-ahead log is as the test begins (an LSN, as a number; None on SQLite),
    and the WAL from there kept until the test ends: a checkpoint removes the segments before it, and
    the scan makes one. A replication slot keeps them (the server's, so dropped afterwards)."""
    if db_url.startswith("sqlite"):
        yield None
        return
    slot = f"cati_privacy_{uuid.uuid4().hex[:12]}"
    with services.db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        lsn = conn.exec_driver_sql(
            f"SELECT lsn - '0/0'::pg_lsn FROM pg_create_physical_replication_slot('{slot}', true)").scalar()
    try:
        yield int(lsn)
    finally:
        with services.db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                f"SELECT pg_drop_replication_slot('{slot}')")


def _disk_files(services, db_url, wal_from: int | None) -> list[Extent]:  # type: ignore[no-untyped-def]
    """Every file the database keeps its rows in: SQLite's file, WAL and journal; on PostgreSQL (after a
    checkpoint, so the pages are written) the files of this test's schema (tables, indexes, their TOAST),
    of the system catalogs (statistics keep sample values), and the write-ahead log. The server is
    shared by all tests: other tests' schemas are left out, and of the WAL the part written since
    ``wal_from`` (the fixture: where it was when the test began; other tests' records in it are read too)."""
    if db_url.startswith("sqlite"):
        path = Path(services.db.engine.url.database)
        return [(p, 0, None) for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists()]
    assert wal_from is not None
    with services.db.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("CHECKPOINT")
        data = Path(conn.exec_driver_sql("SHOW data_directory").scalar())
        relations = conn.exec_driver_sql(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname IN (current_schema(), 'pg_catalog') AND pg_relation_filepath(c.oid) IS NOT NULL "
            "UNION SELECT pg_relation_filepath(t.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_class t ON t.oid = c.reltoastrelid OR t.oid IN (SELECT indexrelid FROM pg_index "
            "WHERE indrelid = c.reltoastrelid) WHERE n.nspname = current_schema()").scalars().all()
        wal_to = int(conn.exec_driver_sql("SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn").scalar())
        timeline = str(conn.exec_driver_sql("SELECT pg_walfile_name(pg_current_wal_lsn())").scalar())[:8]
        segment = int(conn.exec_driver_sql(
            "SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size'").scalar())
    if not os.access(data, os.R_OK | os.X_OK):
        pytest.skip(f"PostgreSQL's data directory {data} is not readable by this user")
    assert len(relations) > 50, relations  # the schema's tables and indexes, and the catalogs
    wanted = {Path(rel).name for rel in relations}  # a relation's files: N, N.1, N.2 …, N_fsm, N_vm
    folders = {(data / rel).parent for rel in relations}
    files: list[Extent] = [(folder / name, 0, None) for folder in folders for name in os.listdir(folder)
                           if name.split(".")[0].split("_")[0] in wanted and (folder / name).is_file()]
    per_id = 0x100000000 // segment  # WAL file names: timeline, then the segment number in two parts
    for number in range(wal_from // segment, wal_to // segment + 1):
        start = max(wal_from, number * segment) - number * segment
        end = min(wal_to, (number + 1) * segment) - number * segment
        files.append((data / "pg_wal" / f"{timeline}{number // per_id:08X}{number % per_id:08X}", start, end))
    return files


def _on_disk(files: list[Extent], tokens: list[str]) -> set[str]:
    found: set[str] = set()
    wanted = {t: t.encode("utf-8") for t in tokens}
    for path, start, end in files:
        try:
            with path.open("rb") as f:
                f.seek(start)
                blob = f.read() if end is None else f.read(end - start)
        except FileNotFoundError:  # PostgreSQL removed it meanwhile (a cache file)
            continue
        found |= {t for t, b in wanted.items() if b in blob}
    return found


def _all_forms(people):  # type: ignore[no-untyped-def]
    """Names, e-mail addresses and every way a number is written: E.164, 06…, spaced, dashed."""
    out = []
    for _, name, email, phones in people:
        out += [name, *name.split(), email]
        for p in phones:
            national = "0" + p[3:]
            out += [p, national, f"{national[:2]} {national[2:]}", f"{national[:2]}-{national[2:]}", p[1:]]
    return out


def _sealed_values(services, period):  # type: ignore[no-untyped-def]
    with services.db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.name, c.email, p.e164 FROM client c JOIN measurement_period m ON m.id = c.period_id "
            "LEFT JOIN phone_number p ON p.client_id = c.id WHERE m.start_date = :start"), {"start": period[0]})
        return sorted({v for row in rows for v in row if v})


def test_contact_data_never_reaches_the_disk_readable_and_a_purge_leaves_nothing_to_read(  # type: ignore[no-untyped-def]
        services, admin, db_url, wal_from) -> None:
    """Forensic check on the database's own files (SQLite file and WAL; PostgreSQL's data files and
    WAL): no name, e-mail address or number in any written form, before or after the purge; after
    it, what is still on the disk of the purged period was sealed with a key that no longer exists."""
    # names, addresses and numbers of this run only: the PostgreSQL server's WAL is shared by all tests
    rng = random.Random()
    mark = "".join(rng.choice(string.ascii_lowercase) for _ in range(8))
    people_2021 = [(k, f"{name.split()[0]} {name.split()[1]}{mark}", f"{mark}.{email}",
                    [f"+316{rng.randrange(10**7, 10**8)}" for _ in phones]) for k, name, email, phones in PEOPLE_2021]
    people_2022 = [(k, f"{name.split()[0]} {name.split()[1]}{mark}", f"{mark}.{email}",
                    [f"+316{rng.randrange(10**7, 10**8)}" for _ in phones]) for k, name, email, phones in PEOPLE_2022]
    _people(services, admin, people_2021, people_2022)
    files = _disk_files(services, db_url, wal_from)
    assert {"rk20210", "rk20220"} <= _on_disk(files, ["rk20210", "rk20220"])  # the scan sees the rows
    wal = [f for f in files if f[0].parent.name == "pg_wal"]
    assert db_url.startswith("sqlite") or _on_disk(wal, ["rk20210"])  # the WAL read is where the rows went
    everyone = [(k, name.split()[1], email, phones) for k, name, email, phones in people_2021 + people_2022]
    assert _on_disk(files, _all_forms(everyone)) == set()
    sealed = _sealed_values(services, P2021)
    assert sealed and all(keys.is_sealed(v) for v in sealed)
    assert _on_disk(files, sealed)  # the sealed values are on disk: the scan below can fail
    with services.db.unit_of_work() as s:
        key_id = s.scalar(sa.select(MeasurementPeriod.key_id).where(MeasurementPeriod.start_date == P2021[0]))
    assert key_id and key_id in services.db.keys.path.read_text()

    services.privacy.close_period(admin, "Werkpad", *P2021)
    assert services.privacy.purge(admin, "Werkpad", *P2021).key_destroyed
    files = _disk_files(services, db_url, wal_from)
    assert _on_disk(files, _all_forms(everyone)) == set()
    left = _on_disk(files, sealed)
    if db_url.startswith("sqlite"):
        assert left == set()  # secure_delete, VACUUM and an emptied WAL: not even the sealed bytes
    assert all(keys.unseal(v) is None for v in left)  # PostgreSQL's old pages and WAL: unreadable
    assert key_id not in services.db.keys.path.read_text()
    assert _sealed_values(services, P2022)  # the other period keeps its contact data


def test_a_lost_key_file_stops_calling_with_one_clear_message_and_answers_stay(services, db_url, clock) -> None:  # type: ignore[no-untyped-def]
    """Without its key file a database's contact data cannot be read: claims refuse with a message
    that says what to do (exit code 6, like a full disk), the answers' exports and reports go on."""
    import io

    from case_data import add_queue, users

    from cati.cli import main
    from cati.container import build_services
    from cati.platform.failures import EXIT_DISK, classify

    u = users(services)
    q = add_queue(services.db, 2)
    assert services.calls.next_case(u["anna"], q.provider_id) is not None
    path = services.db.keys.path
    path.rename(path.with_suffix(".weg"))
    try:
        fresh = build_services(db_url, clock=clock)
        try:
            with pytest.raises(keys.KeyFileError, match="ontbreekt") as e:
                fresh.calls.next_case(u["bram"], q.provider_id)
            failure = classify(e.value)
            assert failure is not None and failure.code == EXIT_DISK and "reservekopie" in failure.message
            assert sum(r.cases for r in fresh.calls.queue_summary(u["sanne"], q.provider_id)) == 2  # supervision goes on
        finally:
            fresh.db.dispose()
        out = io.StringIO()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("sys.stdin", io.StringIO("\n"))
            mp.setattr("sys.stdout", out)
            assert main(["--db", db_url, "keys", "path"]) == EXIT_DISK
    finally:
        path.with_suffix(".weg").rename(path)
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdout", out)
        assert main(["--db", db_url, "keys", "path"]) == 0
    assert out.getvalue().strip() == str(path)
