"""Next-case latency with 100,000 cases: 1 and 8 worker processes, SQLite and PostgreSQL, next to
the bare single-row claim query on the same data (the floor).

Per backend and worker count: p50 and p95 of ``CallService.next_case`` (each claim followed, untimed,
by ``record_outcome``, as an interviewer works), p50 and p95 of the floor (one ``UPDATE … WHERE id =
(SELECT … LIMIT 1 [FOR UPDATE SKIP LOCKED]) RETURNING id`` in its own transaction, followed, untimed,
by a write that finishes the case), and the ratio next_case / floor (p95, and p50). The machine may
be shared, so service and floor are measured in alternating rounds (service, floor, service, floor)
and pooled, and every worker first does a few untimed claims (imports, statement compilation and
preparation: a long-running desk pays these once). Targets (the issue): p95 <= 5 ms on SQLite with 1
worker, <= 15 ms on PostgreSQL with 8 workers, and on PostgreSQL a ratio to the floor <= 2.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

N_CASES = 100_000
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 10:00 in Amsterdam
CAME_IN = NOW - timedelta(days=20)  # when the client file was imported: never-called cases are due since
PASSWORD = "bench-wachtwoord-1"
WARMUP = 3  # untimed claims per worker before the timed ones
ROUNDS = 2  # alternating service/floor rounds per configuration


def _fixed_clock() -> datetime:
    return NOW


def _fill(url: str, n: int) -> tuple[int, list[tuple[int, str]]]:
    """One provider with ``n`` cases in its purchased queue: 70% new, 20% due retries, 10% final."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from cati.accounts.rules.roles import Role
    from cati.container import build_services
    from cati.platform.contact import contact_sealer
    from cati.platform.models import CallCase, Client, MeasurementPeriod, PhoneNumber, Provider

    services = build_services(url, clock=_fixed_clock)
    services.users.add_user(None, "admin", PASSWORD, {Role.ADMIN})
    admin = services.users.login("admin", PASSWORD)
    for i in range(8):
        services.users.add_user(admin, f"iv{i}", PASSWORD, {Role.INTERVIEWER})
    actors = [services.users.login(f"iv{i}", PASSWORD) for i in range(8)]
    rng = random.Random(1)
    with services.db.engine.begin() as conn:
        pid = conn.execute(sa.insert(Provider).values(name="Bench BV", phone_option=True).returning(Provider.id)).scalar_one()
        mid = conn.execute(sa.insert(MeasurementPeriod).values(provider_id=pid, start_date=date(2026, 1, 1),
                                                               end_date=date(2026, 12, 31)).returning(MeasurementPeriod.id)).scalar_one()
        with Session(bind=conn, info={"db": services.db}) as s:  # contact data is written sealed
            sealer = contact_sealer(s, mid)
        step = 20_000
        for lo in range(0, n, step):
            hi = min(n, lo + step)
            conn.execute(sa.insert(Client), [
                {"period_id": mid, "client_number": f"B{i:07d}", "respondent_key": secrets.token_hex(8),
                 "name": sealer.text(f"Cliënt {i}"), "service": 9, "end_date": date(2026, 1, 1), "variant": "regular",
                 "phone_option": True} for i in range(lo, hi)
            ])
        ids = list(conn.execute(sa.select(Client.id).where(Client.period_id == mid).order_by(Client.id)).scalars())
        for lo in range(0, n, step):
            chunk = ids[lo:lo + step]
            conn.execute(sa.insert(PhoneNumber), [
                {"client_id": cid, "position": 0, **sealer.number(f"+316{10_000_000 + cid}"), "kind": "mobile"} for cid in chunk
            ])
            rows = []
            for cid in chunk:
                r = rng.random()
                row = {"client_id": cid, "period_id": mid, "queue": "purchased", "status": "new", "attempts": 0,
                       "last_outcome": None, "final_outcome": None, "next_call_at": CAME_IN, "last_attempt_at": None,
                       "state": "{}"}
                if 0.7 <= r < 0.9:
                    due = NOW - timedelta(minutes=rng.randint(1, 5000))
                    row.update(status="active", attempts=rng.randint(1, 5), last_outcome="NO_ANSWER",
                               next_call_at=due, last_attempt_at=due - timedelta(hours=3))
                elif r >= 0.9:
                    row.update(status="final", attempts=3, final_outcome="REFUSAL_HARD", next_call_at=None,
                               last_attempt_at=CAME_IN)
                rows.append(row)
            conn.execute(sa.insert(CallCase), rows)
    if services.db.is_sqlite:
        with services.db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with services.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    services.db.dispose()
    return pid, [(a.user_id, a.username) for a in actors]


# ---------------------------------------------------------------- worker (a separate process)


def _worker(url: str, user_id: int, username: str, provider_id: int, n: int, start_at: float, mode: str) -> list[float]:
    import sqlalchemy as sa

    from cati.accounts.rules.roles import Actor, Role
    from cati.container import build_services

    services = build_services(url, clock=_fixed_clock, upgrade=False)
    actor = Actor(user_id, username, frozenset({Role.INTERVIEWER}))
    db = services.db
    with db.unit_of_work() as s:
        mid = s.execute(sa.text("SELECT id FROM measurement_period WHERE provider_id = :p"), {"p": provider_id}).scalar()
    lock = "" if db.is_sqlite else " FOR UPDATE SKIP LOCKED"
    bare = sa.text(
        "UPDATE call_case SET held_by = :u, lease_expires_at = :until WHERE id = ("
        "SELECT id FROM call_case WHERE period_id = :m AND queue = 'purchased' AND status = 'new' "
        f"AND held_by IS NULL LIMIT 1{lock}) RETURNING id"
    )
    finish = sa.text("UPDATE call_case SET held_by = NULL, lease_expires_at = NULL, status = 'active', attempts = 1, "
                     "last_attempt_at = :now, next_call_at = :later WHERE id = :id")
    times: list[float] = []
    for i in range(WARMUP + n):
        if i == WARMUP:
            times.clear()
            while time.time() < start_at:
                time.sleep(0.005)
        if mode == "service":
            t0 = time.perf_counter()
            card = services.calls.next_case(actor, provider_id)
            times.append(time.perf_counter() - t0)
            if card is not None:
                services.calls.record_outcome(actor, card.case_id, "NO_ANSWER", NOW, NOW)
        else:
            t0 = time.perf_counter()
            with db.unit_of_work(immediate=True) as s:
                cid = s.execute(bare, {"u": user_id, "until": NOW + timedelta(minutes=30), "m": mid}).scalar()
            times.append(time.perf_counter() - t0)
            if cid is not None:
                with db.unit_of_work(immediate=True) as s:
                    s.execute(finish, {"id": cid, "now": NOW, "later": NOW + timedelta(hours=3)})
    db.dispose()
    return times


def _run(url: str, provider_id: int, actors: list[tuple[int, str]], workers: int, n: int, mode: str) -> list[float]:
    start_at = time.time() + 3.0 + 0.8 * workers  # after every worker's start-up and warm-up
    procs = [
        subprocess.Popen([sys.executable, __file__, "--worker", url, str(uid), name, str(provider_id), str(n),
                          str(start_at), mode], stdout=subprocess.PIPE, text=True)
        for uid, name in actors[:workers]
    ]
    times: list[float] = []
    for p in procs:
        out, _ = p.communicate(timeout=600)
        if p.returncode != 0:
            raise RuntimeError(f"bench worker failed ({p.returncode})")
        times.extend(json.loads(out.strip().splitlines()[-1]))
    return times


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _backend(label: str, url: str, quick: bool) -> list[object]:
    from bench import Figure

    provider_id, actors = _fill(url, N_CASES)
    n1, n8 = (150, 40) if quick else (400, 100)
    figures = []
    for workers, n in ((1, n1), (8, n8)):
        times: dict[str, list[float]] = {"service": [], "floor": []}
        for _ in range(ROUNDS):
            for mode in ("service", "floor"):
                times[mode] += _run(url, provider_id, actors, workers, max(1, n // ROUNDS), mode)
        service, floor = times["service"], times["floor"]
        p95_target = {("sqlite", 1): "<=5", ("pg", 8): "<=15"}.get((label, workers), "-")
        ratio_target = "<=2" if label == "pg" else "-"
        tag = f"{label}_{workers}w"
        figures += [
            Figure(f"next_case_{tag}_p50", _pct(service, 0.5), "ms", "-"),
            Figure(f"next_case_{tag}_p95", _pct(service, 0.95), "ms", p95_target),
            Figure(f"bare_claim_{tag}_p50", _pct(floor, 0.5), "ms", "-"),
            Figure(f"bare_claim_{tag}_p95", _pct(floor, 0.95), "ms", "-"),
            Figure(f"next_case_{tag}_ratio_to_floor", _pct(service, 0.95) / max(_pct(floor, 0.95), 1e-6), "x",
                   ratio_target),
            Figure(f"next_case_{tag}_ratio_to_floor_p50", _pct(service, 0.5) / max(_pct(floor, 0.5), 1e-6), "x",
                   "-"),
        ]
    return figures


def calls(args: argparse.Namespace) -> list[object]:
    """p50/p95 of CallService.next_case with 100,000 cases (1 and 8 workers), SQLite and PostgreSQL."""
    figures: list[object] = []
    with tempfile.TemporaryDirectory() as tmp:
        figures += _backend("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}", args.quick)
    base = os.environ.get("CATI_BENCH_PG_URL")
    if base:
        import sqlalchemy as sa

        from cati.platform.database import normalise_url

        base = normalise_url(base)
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(base)
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in base else "?"
        try:
            figures += _backend("pg", f"{base}{sep}options=-csearch_path%3D{schema}", args.quick)
        finally:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
    return figures


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--worker":
    _, _, w_url, w_uid, w_name, w_provider, w_n, w_start, w_mode = sys.argv
    print(json.dumps(_worker(w_url, int(w_uid), w_name, int(w_provider), int(w_n), float(w_start), w_mode)))
else:
    from bench import bench

    calls = bench(calls)  # type: ignore[assignment]
