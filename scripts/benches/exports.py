"""Exports: 100,000 complete interviews to CSV, XLSX and SPSS .sav/.zsav, against the bare pandas/pyreadstat
write of the same frame (the floor), target ratio <= 1.3. cati writes SPSS files with pyreadstat itself, so
the SPSS floor is pyreadstat writing the very frame and metadata cati hands it (``spss_frame``,
``sav_metadata``): what cati adds on top is the database read, the frame and the codebook.

The floor leaves out reading the database by definition, so each format reports the whole export
(``export_FMT_N``, database to file + codebook), the floor, their ratio, and the two parts apart:
``export_read_N`` (``ExportService.table``: the interviews' rows and export records read, the same for
every format) and ``export_FMT_write_N`` (``write_table`` of that table: frame, file,
codebook) with ``export_FMT_write_only_ratio`` = write / floor. Timings are the best of two runs
(one with --quick, and for XLSX, which takes minutes); the machine is shared, so expect +-20 %.

The interviews go into a temporary SQLite database with bulk core inserts (about 35 answers each,
drawn from a few hundred realistic answer sets of the regular client form), and then get their
export records (one CSV line of the form columns per interview) the way an upgraded database does
(``refresh_records``, reported as ``export_records_refresh_N``); the interview service writes that
record when an interview completes (``export_record_per_complete``: the time it takes to make one).
With CATI_BENCH_PG_URL the same is done in a fresh PostgreSQL schema (answers by COPY) for the read
part and CSV.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bench import Figure, bench

N = 100_000
N_QUICK = 10_000


def _answer_sets(rng: random.Random, count: int) -> list[list[tuple[str, str]]]:
    from cati.core.paths import forms_dir
    from cati.interviews.rules import Answer, QType, load_forms
    from cati.interviews.rules.codec import answer_to_json

    form = load_forms(forms_dir())["client_regular"]
    sets = []
    for _ in range(count):
        out: list[tuple[str, str]] = []
        for q in form.questions:
            if q.type is QType.INFO or (q.show_if is not None and rng.random() < 0.5):
                continue
            for var in q.answer_vars:
                r = rng.random()
                if r < 0.04 and q.allow_dont_know:
                    a = Answer.dont_know()
                elif q.type in (QType.SINGLE, QType.GRID):
                    a = Answer.single(rng.choice(q.options).code)
                elif q.type is QType.MULTI:
                    a = Answer.multi(rng.sample([o.code for o in q.options if not o.exclusive], 2))
                elif q.type is QType.GRADE:
                    a = Answer.num(rng.choice(["4", "6", "6.5", "7", "7.5", "8", "9", "10"]))
                elif q.type is QType.NUMBER:
                    a = Answer.num(rng.randrange(0, 12))
                elif q.type is QType.OPEN:
                    a = Answer.open(rng.choice(["Prima", "Goed geholpen, dank", "Kon beter"]))
                else:
                    continue
                if q.other_option is not None and r > 0.9:
                    a = Answer(code=a.code, codes=a.codes, other_text="iets anders")
                out.append((var, answer_to_json(a)))
        sets.append(out)
    return sets


def _fill(url: str, n: int) -> tuple[Any, Any, float]:
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from cati.accounts.rules.roles import Role
    from cati.container import build_services
    from cati.platform.contact import contact_sealer
    from cati.platform.models import Answer, CallCase, Client, Interview, MeasurementPeriod, Provider

    services = build_services(url)
    services.users.add_user(None, "admin", "welkom-admin", {Role.ADMIN})
    admin = services.users.login("admin", "welkom-admin")
    services.users.add_user(admin, "sanne", "welkom-sanne", {Role.SUPERVISOR})
    actor = services.users.login("sanne", "welkom-sanne")
    rng = random.Random(7)
    sets = _answer_sets(rng, 300)
    start = datetime(2026, 3, 2, 9, tzinfo=UTC)
    pg = services.db.engine.dialect.name == "postgresql"
    with services.db.engine.begin() as conn:
        pid = conn.execute(sa.insert(Provider).values(name="Bench", phone_option=True).returning(Provider.id)).scalar()
        mp = conn.execute(sa.insert(MeasurementPeriod).values(
            provider_id=pid, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)).returning(MeasurementPeriod.id)
        ).scalar()
        with Session(bind=conn, info={"db": services.db}) as s:  # contact data is written sealed
            sealer = contact_sealer(s, mp)
        batch = 10_000
        for lo in range(0, n, batch):
            ids = range(lo + 1, min(n, lo + batch) + 1)
            conn.execute(sa.insert(Client), [
                {"id": i, "period_id": mp, "client_number": f"K{i}", "respondent_key": secrets.token_hex(8),
                 "name": sealer.text(f"Naam {i}"), "email": sealer.text(f"c{i}@example.org"), "service": rng.choice([1, 3, 5, 7, 9]),
                 "end_date": date(2025, 6, 1) + timedelta(days=i % 300), "variant": "regular",
                 "phone_option": True} for i in ids])
            conn.execute(sa.insert(CallCase), [
                {"id": i, "client_id": i, "period_id": mp, "queue": "purchased", "status": "final",
                 "final_outcome": "COMPLETE", "last_outcome": "COMPLETE", "attempts": 1 + i % 4, "contacted": True}
                for i in ids])
            conn.execute(sa.insert(Interview), [
                {"id": i, "case_id": i, "form_id": "client_regular", "form_version": "1", "status": "complete",
                 "started_at": start + timedelta(seconds=30 * i), "started_by": actor.user_id,
                 "completed_at": start + timedelta(seconds=30 * i + 600)} for i in ids])
            if pg:  # COPY: minutes faster than inserts for 3.4 million answers
                cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                copy_sql = "COPY answer (interview_id, variable, value, on_route, answered_at, user_id) FROM STDIN"
                with cursor.copy(copy_sql) as copy:
                    for i in ids:
                        for var, value in sets[i % len(sets)]:
                            copy.write_row((i, var, value, True, start, actor.user_id))
                continue
            conn.execute(sa.insert(Answer), [
                {"interview_id": i, "variable": var, "value": value, "on_route": True,
                 "answered_at": start, "user_id": actor.user_id}
                for i in ids for var, value in sets[i % len(sets)]])
        if pg:
            conn.exec_driver_sql("ANALYZE")
    # the interviews were inserted in bulk, not completed through the interview service: write their
    # export records the way an upgraded database gets them (`cati export --refresh-records`)
    t0 = time.perf_counter()
    assert services.exports.refresh_records(actor) == n
    return services, actor, time.perf_counter() - t0


def _record_cost(rng: random.Random) -> float:
    """Milliseconds the interview service spends making one export record when an interview completes
    (the line from the answers; the insert is one row in the completion's transaction)."""
    from cati.core.paths import forms_dir
    from cati.interviews.rules import load_forms
    from cati.interviews.rules.codec import answer_from_json
    from cati.interviews.rules.export import export_values
    from cati.interviews.rules.record import record_line

    form = load_forms(forms_dir())["client_regular"]
    sets = [{var: answer_from_json(v) for var, v in answers} for answers in _answer_sets(rng, 200)]
    fields = {"service": 5, "provider": "Bench", "client_name": "X"}
    t0 = time.perf_counter()
    for answers in sets:
        record_line(form, export_values(form, fields, answers))
    return (time.perf_counter() - t0) / len(sets) * 1000


def _best(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    """Best wall time of ``runs`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


@contextmanager
def _pg_schema() -> Iterator[str | None]:
    """A fresh schema on the benchmark's PostgreSQL server (dropped afterwards), or None without one."""
    base = os.environ.get("CATI_BENCH_PG_URL")
    if not base:
        yield None
        return
    import sqlalchemy as sa

    from cati.platform.database import normalise_url

    base = normalise_url(base)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@bench
def export_100k(args: argparse.Namespace) -> list[Figure]:
    """100k completes: cati's export (database to file + codebook) vs pandas/pyreadstat writing the frame;
    the database read and the file write also apart."""
    import pyreadstat

    from cati.exports.io.files import write_table
    from cati.exports.io.spss import sav_metadata, spss_frame
    from cati.exports.io.table import to_frame

    n = N_QUICK if args.quick else N
    runs = 1 if args.quick else 2
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        services, actor, refresh = _fill(f"sqlite:///{folder / 'bench.sqlite'}", n)
        figures.append(Figure(f"export_fill_{n}_interviews", time.perf_counter() - t0, "s", "info"))
        figures.append(Figure(f"export_records_refresh_{n}", refresh, "s", "info"))
        figures.append(Figure("export_record_per_complete", _record_cost(random.Random(3)), "ms", "info"))
        read, (_, table) = _best(lambda: services.exports.table(actor, providers=["Bench"]), runs)
        assert table.rows == n
        figures.append(Figure(f"export_read_{n}", read, "s", "info"))
        frame = to_frame(table)
        sav_frame = spss_frame(table)
        meta = sav_metadata(table, sav_frame)
        floors: dict[str, Callable[[Path], Any]] = {
            "csv": lambda p: frame.to_csv(p, index=False),
            "xlsx": lambda p: frame.to_excel(p, index=False),
            "sav": lambda p: pyreadstat.write_sav(sav_frame, str(p), **meta),
            "zsav": lambda p: pyreadstat.write_sav(sav_frame, str(p), compress=True, **meta),
        }
        for fmt in ("csv", "xlsx", "sav", "zsav"):
            reps = 1 if fmt == "xlsx" else runs
            floor, _ = _best(partial(floors[fmt], folder / f"floor.{fmt}"), reps)
            ours, result = _best(partial(services.exports.export, actor, folder / f"cati.{fmt}", providers=["Bench"]), reps)
            assert result.rows == n
            write, _ = _best(partial(write_table, folder / f"write.{fmt}", table, fmt), reps)
            figures += [
                Figure(f"export_{fmt}_{n}", ours, "s", "info"),
                Figure(f"export_{fmt}_floor_{n}", floor, "s", "info"),
                Figure(f"export_{fmt}_ratio", ours / floor, "x", "<=1.3"),
                # the file writing alone (frame + file + codebook), without reading the database
                Figure(f"export_{fmt}_write_{n}", write, "s", "info"),
                Figure(f"export_{fmt}_write_only_ratio", write / floor, "x", "<=1.3"),
            ]
        services.db.dispose()
        with _pg_schema() as url:
            if url is not None:
                t0 = time.perf_counter()
                services, actor, refresh = _fill(url, n)
                figures.append(Figure(f"export_pg_fill_{n}_interviews", time.perf_counter() - t0, "s", "info"))
                figures.append(Figure(f"export_pg_records_refresh_{n}", refresh, "s", "info"))
                read, (_, table) = _best(lambda: services.exports.table(actor, providers=["Bench"]), runs)
                assert table.rows == n
                frame = to_frame(table)
                floor, _ = _best(lambda: frame.to_csv(folder / "floor_pg.csv", index=False), runs)
                ours, _ = _best(
                    lambda: services.exports.export(actor, folder / "cati_pg.csv", providers=["Bench"]), runs
                )
                write, _ = _best(lambda: write_table(folder / "write_pg.csv", table, "csv"), runs)
                figures += [
                    Figure(f"export_pg_read_{n}", read, "s", "info"),
                    Figure(f"export_pg_csv_{n}", ours, "s", "info"),
                    Figure(f"export_pg_csv_floor_{n}", floor, "s", "info"),
                    Figure("export_pg_csv_ratio", ours / floor, "x", "<=1.3"),
                    Figure(f"export_pg_csv_write_{n}", write, "s", "info"),
                    Figure("export_pg_csv_write_only_ratio", write / floor, "x", "<=1.3"),
                ]
                services.db.dispose()
    return figures
