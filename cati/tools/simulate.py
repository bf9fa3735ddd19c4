"""`cati simulate`: worker processes acting as interviewers through the real services.

Only on a test database (``cati init --test`` / ``cati demo``). Each worker is a separate process
(multiprocessing: forked from a clean fork server that has imported the services once, or spawned
where there is none) with its own services on the same database; all share one simulated clock
(a weekday in the calling window, advanced per call), so a run works at any real time. At the end
the run checks its own invariants from the database: no overlapping attempts on one case by two
workers, no quota exceeded, every attempt has an outcome.

Paradata: a simulated interviewer spends realistic time per screen (reading the screen aloud at their
own pace, 135-170 words a minute, varying per screen; the respondent's answer; per grid row), keeps
its own clock through the interview (the screen visits go with each save) and moves the shared clock
to the interview's end before recording it. ``careless``: that interviewer (1 = sim01) reads far too
fast (a third of the reading time) and gives one answer on every row of a grid, to test the quality
control (``cati review``) on a field period with one planted careless interviewer. After such a run the
report says what the quality control found (:class:`CarelessCheck`): the share of the careless
interviewer's interviews flagged for their own work, the same share for the honest ones (the issue's
acceptance figure, at most 5 %), and who stands far from the colleagues.

The parts: the worker processes and the shared clock (``sim_worker``), the simulated interviewer
(``sim_interviewer``), the report and its checks (``sim_report``), the quality summary (``sim_quality``).
"""

from __future__ import annotations

import queue
import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from datetime import time as wall_time
from typing import Any

from sqlalchemy import func, select, update

from cati.accounts.rules.passwords import hash_password
from cati.accounts.rules.roles import Actor, Permission, Role, require
from cati.accounts.service.audit import record
from cati.calls.rules.calendar import CallingCalendar
from cati.platform.models import CallAttempt, User, UserRole
from cati.tools.sim_interviewer import Pace, fallback_answers, random_answer
from cati.tools.sim_quality import CarelessCheck, careless_check
from cati.tools.sim_report import QueueStats, SimReport, SimulationError, run_report
from cati.tools.sim_worker import process_context, worker

__all__ = ["CarelessCheck", "Pace", "QueueStats", "SimReport", "SimulationError", "default_start", "fallback_answers",
           "random_answer", "simulate"]


def default_start(now: datetime, calendar: CallingCalendar) -> datetime:
    """Where simulated time starts: Monday 09:00 (local time) two weeks before ``now``, so the
    simulated calls lie in the past and a statement made today includes them."""
    local = calendar.local(now)
    return calendar.at_local(local.date() - timedelta(days=local.weekday() + 14), wall_time(9, 0))


def simulate(
    services: Any,
    actor: Actor | None,
    *,
    provider_id: int | None = None,
    workers: int = 4,
    seed: int = 1,
    completes: int | None = None,
    until_empty: bool = False,
    respond_rate: float = 0.3,
    duration: float = 20.0,
    start: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    careless: int | None = None,
) -> SimReport:
    """Run ``workers`` interviewer processes on this (test) database; see the module docstring.
    ``careless``: the number of the worker (1 = sim01) who reads too fast and straight-lines grids."""
    actor = require(actor, Permission.SIMULATE)
    db = services.db
    if not db.is_test_database():
        raise SimulationError("Simuleren kan alleen op een testdatabase (cati init --test of cati demo).")
    if workers < 1:
        raise SimulationError("Geef minstens één werker.")
    if careless is not None and not 1 <= careless <= workers:
        raise SimulationError(f"--careless is het nummer van een werker: 1 tot en met {workers}.")
    password = secrets.token_urlsafe(24)  # this run's, never shown: the accounts are disabled after it
    names = _sim_users(services, actor, workers, password)
    try:
        # log the interviewers in here (through the real login), so the workers start working at once
        actors = [_login(services, name, password) for name in names]
        return _run(services, actor, actors, provider_id=provider_id, seed=seed, completes=completes,
                    until_empty=until_empty, respond_rate=respond_rate, duration=duration, start=start,
                    workers=workers, careless=careless)
    finally:
        _disable_sim_users(services, actor, names)


def _run(services: Any, actor: Actor, actors: list[Actor], *, provider_id: int | None, seed: int,
         completes: int | None, until_empty: bool, respond_rate: float, duration: float, start: datetime | None,
         workers: int, careless: int | None) -> SimReport:
    db = services.db
    names = [a.username for a in actors]
    with db.unit_of_work() as s:
        first_attempt = int(s.scalar(select(func.max(CallAttempt.id))) or 0)
    ctx = process_context()
    if start is None:
        start = default_start(services.ctx.now(), services.calls.scheduler.calendar)
    clock = ctx.Value("d", start.timestamp())
    done = ctx.Value("i", 0)
    results = ctx.Queue()
    go = ctx.Event()  # the run starts when every worker is ready: start-up is not simulated time
    ready = ctx.Value("i", 0)
    deadline = ctx.Value("d", 0.0)
    procs = [
        ctx.Process(target=worker, args=(db.url, who, provider_id, seed * 1000 + i, respond_rate, (ready, go, deadline),
                                          completes, until_empty, clock, done, results,
                                          Pace.of(i + 1, careless == i + 1, seed)), daemon=True)
        for i, who in enumerate(actors)
    ]
    for p in procs:
        p.start()
    limit = time.time() + 300
    while ready.value + sum(not p.is_alive() for p in procs) < len(procs) and time.time() < limit:
        time.sleep(0.05)
    t0 = time.perf_counter()
    deadline.value = time.time() + duration
    go.set()
    stats: list[dict[str, Any]] = []
    while len(stats) < len(procs):
        try:
            stats.append(results.get(timeout=duration + 120))
        except queue.Empty:  # a worker died without reporting
            break
    for p in procs:
        p.join(timeout=30)
    seconds = time.perf_counter() - t0
    errors = [e for st in stats for e in st["errors"]]
    if len(stats) < len(procs):
        errors.append(f"{len(procs) - len(stats)} werker(s) gaven geen resultaat")
    report = run_report(services, first_attempt, stats, len(procs), seconds, errors)
    if careless is not None and actor.may(Permission.REVIEW_INTERVIEWS):
        report = replace(report, careless=careless_check(services, actor, names, names[careless - 1]))
    with db.unit_of_work() as s:
        record(s, actor, "simulate", at=services.ctx.now(), workers=workers, seed=seed, claims=report.claims,
               attempts=report.attempts, completes=report.completes, violations=len(report.violations),
               careless=names[careless - 1] if careless else None)
    return report


def _sim_users(services: Any, actor: Actor | None, n: int, password: str) -> list[str]:
    """Interviewer accounts sim01..simNN on the test database (made here, not through user admin), with
    this run's random password and enabled for the run only (:func:`_disable_sim_users`)."""
    names = [f"sim{i + 1:02d}" for i in range(n)]
    hashed = hash_password(password, services.users.password_cost)
    with services.db.unit_of_work() as s:
        existing = {u.username: u for u in s.scalars(select(User).where(User.username.in_(names)))}
        missing = [n for n in names if n not in existing]
        for name in missing:
            user = User(username=name, display_name=f"Simulatie {name[3:]}", password_hash=hashed)
            user.roles = [UserRole(role=Role.INTERVIEWER.value)]
            s.add(user)
        for user in existing.values():
            user.password_hash, user.disabled = hashed, False
        record(s, actor, "simulate_users", at=services.ctx.now(), users=names, new=missing)
    return names


def _disable_sim_users(services: Any, actor: Actor | None, names: list[str]) -> None:
    """After the run, whatever its end: the simulated accounts can no longer log in."""
    with services.db.unit_of_work() as s:
        s.execute(update(User).where(User.username.in_(names)).values(disabled=True))
        record(s, actor, "simulate_users_disabled", at=services.ctx.now(), users=names)


def _login(services: Any, username: str, password: str) -> Actor:
    """Log in; on SQLite a login (a read, then a write) may meet another writer: try again."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(20):
        try:
            actor: Actor = services.users.login(username, password)
            return actor
        except OperationalError:
            if attempt == 19:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")
