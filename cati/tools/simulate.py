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
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall_time
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update

from cati.accounts.rules.passwords import hash_password
from cati.accounts.rules.roles import Actor, Permission, Role, require
from cati.accounts.service.audit import record
from cati.calls.rules.calendar import CallingCalendar
from cati.interviews.rules import Answer, AnswerRejected, Form, QType, Question
from cati.interviews.rules.paradata import Arrival, Leave, ScreenVisit, count_words, words_to_read
from cati.platform.models import CallAttempt, CallCase, Interview, MeasurementPeriod, Provider, User, UserRole


def default_start(now: datetime, calendar: CallingCalendar) -> datetime:
    """Where simulated time starts: Monday 09:00 (local time) two weeks before ``now``, so the
    simulated calls lie in the past and a statement made today includes them."""
    local = calendar.local(now)
    return calendar.at_local(local.date() - timedelta(days=local.weekday() + 14), wall_time(9, 0))

NON_CONTACT: tuple[tuple[str, int], ...] = (
    ("NO_ANSWER", 30), ("BUSY", 10), ("VOICEMAIL", 12), ("NOT_PRESENT", 8), ("APPOINTMENT", 5),
    ("CALLBACK", 5), ("REFUSAL_SOFT", 6), ("REFUSAL_HARD", 4), ("WRONG_PERSON", 3), ("DISCONNECTED", 3),
    ("LINE_PROBLEM", 2),
)


class SimulationError(RuntimeError):
    pass


@dataclass(frozen=True)
class QueueStats:
    provider: str
    queue: str
    claims: int
    attempts: int
    completes: int
    cap: int | None
    outcomes: Mapping[str, int]


@dataclass(frozen=True)
class CarelessCheck:
    """What the quality control (``QualityService.review_list``, every interview of the open periods)
    found after a run with a planted careless interviewer. An interview counts for its main interviewer
    (the one who worked most of its screens); *flagged* means a flag raised by that interviewer's own
    screens, *flagged_any* any flag (also one a colleague's screens raised in an interview they resumed)."""

    careless: str
    interviews: int  # the careless interviewer's
    flagged: int
    honest_interviews: int  # the other simulated interviewers'
    honest_flagged: int
    honest_flagged_any: int
    careless_far: tuple[str, ...]  # "client_regular: minutes, flag_rate"
    honest_far: tuple[str, ...]  # an honest interviewer far from the colleagues on length or flag rate
    found_share: float = 0.0  # flagged / interviews
    honest_share: float = 0.0  # honest_flagged / honest_interviews (the acceptance figure: <= 0.05)
    honest_share_any: float = 0.0


@dataclass(frozen=True)
class SimReport:
    workers: int
    seconds: float
    claims: int
    attempts: int
    completes: int
    quota_waits: int  # an interview could not start: places taken by interviews in progress
    lost: int  # a case lost while held (lease ran out, or closed by the quota)
    errors: tuple[str, ...]  # unexpected worker errors
    outcomes: Mapping[str, int]
    queues: tuple[QueueStats, ...]
    violations: tuple[str, ...] = field(default=())
    careless: CarelessCheck | None = None  # after ``careless``, when the actor may review interviews

    @property
    def ok(self) -> bool:
        return not self.violations and not self.errors


# ---------------------------------------------------------------- random valid answers


def random_answer(form: Form, question: Question, rng: random.Random) -> Answer | dict[str, Answer]:
    """A plausible valid answer for a question (for simulations and tests)."""
    t = question.type
    if t is QType.INFO:
        return Answer.ack()
    if t is QType.GRID:
        return {item.var: Answer.single(rng.choice(question.options).code) for item in question.items}
    if t is QType.SINGLE:
        if question.end_if is not None and rng.random() < 0.97:
            opt = question.options[0]  # screening questions: mostly "yes, go on"
        else:
            opt = rng.choice(question.options)
        return Answer.single(opt.code, "iets anders" if opt.other else None)
    if t is QType.MULTI:
        plain = [o for o in question.options if not o.exclusive]
        chosen = rng.sample(plain, k=min(len(plain), rng.randint(1, 2))) if plain else [question.options[0]]
        other = "iets anders" if any(o.other for o in chosen) else None
        return Answer.multi([o.code for o in chosen], other)
    if t in (QType.GRADE, QType.NUMBER):
        low = int(question.min) if question.min is not None else (1 if t is QType.GRADE else 0)
        high = int(question.max) if question.max is not None else (10 if t is QType.GRADE else 20)
        return Answer.num(Decimal(rng.randint(low, high)))
    if t is QType.OPEN:
        return Answer.open("prima") if question.required or rng.random() < 0.3 else Answer()
    if t is QType.DATE:
        return Answer.on(date(2026, 1, 15))
    return Answer.dont_know()


@dataclass(frozen=True)
class Pace:
    """How a simulated interviewer works a screen: their reading speed (words a minute), and whether
    they are careless (read a third of the text's time, one answer on every grid row)."""

    words_per_minute: float = 150.0
    careless: bool = False

    @classmethod
    def of(cls, worker: int, careless: bool, seed: int) -> Pace:
        rng = random.Random(seed * 7919 + worker)
        return cls(rng.uniform(135.0, 170.0), careless)

    def screen(self, form: Form, question: Question, rng: random.Random) -> tuple[float, tuple[tuple[str, float], ...]]:
        """Seconds on the screen, and a grid's seconds per row."""
        speed = self.words_per_minute * rng.lognormvariate(0.0, 0.12)
        if self.careless:
            speed *= 3.0
        if question.type is QType.GRID:
            head = count_words(question.text) * 60.0 / speed
            rows = []
            for item in question.items:
                answer = rng.uniform(0.3, 0.8) if self.careless else rng.lognormvariate(0.8, 0.4)
                rows.append((item.var, round(count_words(item.text) * 60.0 / speed + answer, 3)))
            rows[0] = (rows[0][0], round(rows[0][1] + head, 3))
            return sum(sec for _, sec in rows), tuple(rows)
        reading = words_to_read(form, question) * 60.0 / speed
        if question.type is QType.INFO:
            return reading + rng.uniform(0.3, 1.0), ()
        answer = rng.uniform(0.4, 1.0) if self.careless else rng.lognormvariate(1.3, 0.5)  # median 3.7 s
        return reading + answer, ()

    def answer(self, form: Form, question: Question, rng: random.Random) -> Answer | dict[str, Answer]:
        if self.careless and question.type is QType.GRID:
            code = rng.choice(question.options).code
            return {item.var: Answer.single(code) for item in question.items}
        return random_answer(form, question, rng)


def fallback_answers(question: Question) -> list[Answer | dict[str, Answer]]:
    """Answers to try when a random one is rejected."""
    out: list[Answer | dict[str, Answer]] = []
    if question.allow_dont_know:
        out.append(Answer.dont_know())
    if question.allow_refused:
        out.append(Answer.refused())
    if question.options:
        out.append(Answer.single(question.options[0].code))
    return out


# ---------------------------------------------------------------- the shared clock


class SharedClock:
    """Simulated time shared by all workers (a ``multiprocessing.Value`` of epoch seconds)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __call__(self) -> datetime:
        return datetime.fromtimestamp(self.value.value, UTC)

    def advance(self, seconds: float, calendar: Any) -> None:
        with self.value.get_lock():
            now = datetime.fromtimestamp(self.value.value, UTC) + timedelta(seconds=seconds)
            local = calendar.local(now)
            # never run into the end of a calling day: move on to the next window
            if not calendar.is_callable(now) or not calendar.is_callable(now + timedelta(minutes=20)) or local.hour >= 20:
                now = calendar.next_window_start(now + timedelta(hours=1))
            self.value.value = now.timestamp()

    def at_least(self, moment: datetime) -> None:
        with self.value.get_lock():
            if moment.timestamp() > self.value.value:
                self.value.value = moment.timestamp()


# ---------------------------------------------------------------- the run


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
    ctx = _process_context()
    if start is None:
        start = default_start(services.ctx.now(), services.calls.scheduler.calendar)
    clock = ctx.Value("d", start.timestamp())
    done = ctx.Value("i", 0)
    results = ctx.Queue()
    go = ctx.Event()  # the run starts when every worker is ready: start-up is not simulated time
    ready = ctx.Value("i", 0)
    deadline = ctx.Value("d", 0.0)
    procs = [
        ctx.Process(target=_worker, args=(db.url, who, provider_id, seed * 1000 + i, respond_rate, (ready, go, deadline),
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
    report = _report(services, first_attempt, stats, len(procs), seconds, errors)
    if careless is not None and actor.may(Permission.REVIEW_INTERVIEWS):
        report = replace(report, careless=careless_check(services, actor, names, names[careless - 1]))
    with db.unit_of_work() as s:
        record(s, actor, "simulate", at=services.ctx.now(), workers=workers, seed=seed, claims=report.claims,
               attempts=report.attempts, completes=report.completes, violations=len(report.violations),
               careless=names[careless - 1] if careless else None)
    return report


def careless_check(services: Any, actor: Actor, names: list[str], careless: str) -> CarelessCheck:
    """Ask the quality control about the simulated interviewers ``names``, ``careless`` among them."""
    listed = services.quality.review_list(actor, decided=True)
    ids = {st.interviewer: st.interviewer_id for st in listed.standing}
    done: Counter[str] = Counter()  # interviews per main interviewer
    for st in listed.standing:
        done[st.interviewer] += st.figures.interviews
    own: Counter[str] = Counter()
    any_flag: Counter[str] = Counter()
    for it in listed.items:
        if not it.flags or it.interviewer not in names:
            continue
        any_flag[it.interviewer] += 1
        if ids.get(it.interviewer) in {u for f in it.flags for u in f.by}:
            own[it.interviewer] += 1
    honest = [n for n in names if n != careless]
    watched = {"minutes", "flag_rate"}
    careless_far = tuple(f"{st.form_id}: {', '.join(s.measure for s in st.far)}" for st in listed.standing
                         if st.interviewer == careless and st.far)
    honest_far = tuple(f"{st.interviewer} {st.form_id}: {', '.join(s.measure for s in st.far)}"
                       for st in listed.standing
                       if st.interviewer in honest and watched & {s.measure for s in st.far})
    n_honest = sum(done[n] for n in honest)
    flagged_honest, any_honest = sum(own[n] for n in honest), sum(any_flag[n] for n in honest)
    return CarelessCheck(
        careless, done[careless], own[careless], n_honest, flagged_honest, any_honest, careless_far, honest_far,
        own[careless] / done[careless] if done[careless] else 0.0,
        flagged_honest / n_honest if n_honest else 0.0, any_honest / n_honest if n_honest else 0.0,
    )


#: what every worker imports; a fork server imports it once, and each worker starts in milliseconds
_WORKER_MODULES = ["cati.tools.simulate", "cati.container", "cati.calls.service.calls",
                   "cati.interviews.service.interviews"]


def _process_context() -> Any:
    """Fork server where the platform has one (a fresh single-threaded process, so forking from it is
    safe, unlike forking this one), else spawn: a new interpreter per worker, importing everything."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(_WORKER_MODULES)
    return ctx


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


def _worker(url: str, actor: Actor, provider_id: int | None, seed: int, respond_rate: float, start: Any,
            target: int | None, until_empty: bool, clock_value: Any, done: Any, results: Any, pace: Pace) -> None:
    stats: dict[str, Any] = {"claims": [], "quota_waits": 0, "lost": 0, "errors": []}
    try:
        _work(url, actor, provider_id, seed, respond_rate, start, target, until_empty, clock_value, done, stats, pace)
    except Exception as e:  # reported, never silent: the database gone in one line, anything else in full
        from cati.platform.failures import classify

        failure = classify(e)
        shown = failure.message if failure is not None else f"{type(e).__name__}: {e}"
        stats["errors"].append(f"{actor.username}: {shown}")
    results.put(stats)


def _work(url: str, actor: Actor, provider_id: int | None, seed: int, respond_rate: float, start: Any,
          target: int | None, until_empty: bool, clock_value: Any, done: Any, stats: dict[str, Any],
          pace: Pace) -> None:
    from cati.calls.service.calls import AppointmentRequest, CallError, CaseNotHeld, QuotaFull
    from cati.container import build_services

    clock = SharedClock(clock_value)
    services = build_services(url, clock=clock, upgrade=False)
    calls = services.calls
    interviews = services.interviews
    cal = calls.scheduler.calendar
    rng = random.Random(seed)
    idle = 0
    ready, go, shared_deadline = start
    with ready.get_lock():
        ready.value += 1
    go.wait()
    deadline = shared_deadline.value
    try:
        while time.time() < deadline and (target is None or done.value < target):
            nxt = calls.claim_next(actor, provider_id)
            card = nxt.card
            if card is None:
                code = nxt.reason.code
                if until_empty and code == "QUEUE_EMPTY":
                    break
                if nxt.reason.next_callable_at is not None:
                    clock.at_least(nxt.reason.next_callable_at)
                else:
                    clock.advance(300, cal)
                idle += 1
                if idle > 400:
                    break
                time.sleep(0.01)
                continue
            idle = 0
            claimed_at = card.claimed_at
            clock.advance(rng.uniform(10, 40), cal)
            try:
                resume = card.interview_id is not None and rng.random() < 0.9
                if resume or rng.random() < respond_rate:
                    try:
                        state = interviews.start_or_resume(actor, card.case_id)
                    except QuotaFull:
                        end = clock()
                        calls.release(actor, card.case_id)
                        stats["quota_waits"] += 1
                        stats["claims"].append((card.case_id, claimed_at.timestamp(), end.timestamp(), None))
                        continue
                    stop_at = rng.randint(3, 12) if rng.random() < 0.1 else None
                    steps = 0
                    own = clock()  # the interviewer's own clock through the interview (screen times)
                    arrived = Arrival.RESUME if state.on_route else Arrival.START
                    visit: ScreenVisit | None = None
                    while state.current_variable is not None:
                        q = state.form.question(state.current_variable)
                        seconds, rows = pace.screen(state.form, q, rng)
                        visit = ScreenVisit(q.var, own, own + timedelta(seconds=seconds), arrived, Leave.NEXT,
                                            row_seconds=rows)
                        own = visit.left_at
                        if stop_at is not None and steps >= stop_at:
                            break
                        for answer in [pace.answer(state.form, q, rng), *fallback_answers(q)]:
                            try:
                                state = interviews.save_answer(actor, state.interview_id, q.var, answer,
                                                               visits=[visit])
                                break
                            except AnswerRejected:
                                continue
                        else:
                            raise SimulationError(f"geen geldig antwoord gevonden voor {q.var}")
                        visit, arrived = None, Arrival.NEXT
                        steps += 1
                    clock.at_least(own + timedelta(seconds=2))  # the interview ends after its last screen
                    end = clock()
                    if state.current_variable is not None:
                        stopped = [ScreenVisit(visit.variable, visit.shown_at, visit.left_at, visit.arrived,
                                               Leave.STOP, row_seconds=visit.row_seconds)] if visit else []
                        result = interviews.stop(actor, state.interview_id, started_at=claimed_at, visits=stopped)
                    elif state.complete:
                        result = interviews.complete(actor, state.interview_id, started_at=claimed_at)
                        if result.outcome == "COMPLETE":
                            with done.get_lock():
                                done.value += 1
                    else:
                        result = interviews.breakoff(actor, state.interview_id, started_at=claimed_at)
                else:
                    codes, weights = zip(*NON_CONTACT, strict=True)
                    outcome = rng.choices(codes, weights)[0]
                    now = clock()
                    appointment = None
                    if outcome == "APPOINTMENT":
                        at = cal.snap(now + timedelta(hours=rng.choice([1, 2, 4, 24])))
                        appointment = AppointmentRequest.exact(at.replace(second=0, microsecond=0) + timedelta(minutes=1))
                        if not cal.is_callable(appointment.at or at):
                            outcome, appointment = "NO_ANSWER", None
                    elif outcome == "CALLBACK":
                        part = rng.choice(cal.day_part_names())
                        begin = cal.next_day_part_start(part, now + timedelta(hours=1))
                        appointment = AppointmentRequest.daypart(cal.local(begin).date(), part)
                    end = clock()
                    result = calls.record_outcome(actor, card.case_id, outcome, claimed_at, end,
                                                  appointment=appointment)
                stats["claims"].append((card.case_id, claimed_at.timestamp(), end.timestamp(), result.outcome))
            except (CaseNotHeld, CallError) as e:
                # the lease ran out (a day went by) or the quota closed the case: the claim ended at
                # the latest when its lease did
                stats["lost"] += 1
                stats["claims"].append((card.case_id, claimed_at.timestamp(), clock().timestamp(), f"lost:{e}"))
    finally:
        services.db.dispose()


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


def _report(services: Any, first_attempt: int, stats: list[dict[str, Any]], workers: int, seconds: float,
            errors: list[str]) -> SimReport:
    violations: list[str] = []
    with services.db.unit_of_work() as s:
        rows = s.execute(
            select(CallAttempt.id, CallAttempt.case_id, CallAttempt.user_id, CallAttempt.started_at,
                   CallAttempt.ended_at, CallAttempt.outcome, CallCase.queue, Provider.name)
            .join(CallCase, CallCase.id == CallAttempt.case_id)
            .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(CallAttempt.id > first_attempt).order_by(CallAttempt.case_id, CallAttempt.started_at)
        ).all()
        # 1. every attempt has an outcome and an end
        for r in rows:
            if r.outcome is None or r.ended_at is None:
                violations.append(f"poging {r.id} (zaak {r.case_id}) heeft geen uitkomst")
        # 2. no overlapping attempts on one case by different workers
        prev: Any = None
        for r in rows:
            if prev is not None and prev.case_id == r.case_id and prev.user_id != r.user_id \
                    and prev.ended_at is not None and r.started_at < prev.ended_at:
                violations.append(f"zaak {r.case_id}: pogingen van gebruikers {prev.user_id} en {r.user_id} overlappen")
            prev = r
        # 3. no cap exceeded: completes per provider, period and capped queue
        caps = services.calls._caps()
        done = s.execute(
            select(CallCase.period_id, CallCase.queue, Provider.name, func.count())
            .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(CallCase.final_outcome == "COMPLETE")
            .group_by(CallCase.period_id, CallCase.queue, Provider.name)
        ).all()
        completes_by: dict[tuple[str, str], int] = {}
        for period_id, queue, provider, n in done:
            completes_by[(provider, queue)] = completes_by.get((provider, queue), 0) + int(n)
            cap = caps.get(queue)
            if cap is not None and n > cap:
                violations.append(f"{provider} {queue}: {n} volledige interviews, quotum {cap}")
            ivs = s.scalar(
                select(func.count()).select_from(Interview).join(CallCase, CallCase.id == Interview.case_id)
                .where(CallCase.period_id == period_id, CallCase.queue == queue, Interview.status == "complete",
                       Interview.voided_at.is_(None))
            )
            if cap is not None and int(ivs or 0) > cap:
                violations.append(f"{provider} {queue}: {ivs} volledige interviews (tabel interview), quotum {cap}")
    # 4. the workers' own claim log: no case held by two workers at once
    spans: dict[int, list[tuple[float, float, int]]] = {}
    lease = services.calls.scheduler.lease_minutes * 60
    for w, st in enumerate(stats):
        for case_id, begin, end, _ in st["claims"]:
            spans.setdefault(case_id, []).append((begin, min(end, begin + lease), w))
    for case_id, items in spans.items():
        items.sort()
        for (_b1, e1, w1), (b2, _e2, w2) in zip(items, items[1:], strict=False):
            if w1 != w2 and b2 < e1:
                violations.append(f"zaak {case_id}: tegelijk geclaimd door werker {w1} en {w2}")
    outcomes = Counter(r.outcome for r in rows if r.outcome)
    per_queue: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        entry = per_queue.setdefault((r.name, r.queue), {"attempts": 0, "outcomes": Counter(), "cases": set()})
        entry["attempts"] += 1
        entry["outcomes"][r.outcome] += 1
    claims_by_case: Counter[int] = Counter(c for st in stats for c, *_ in st["claims"])
    case_queue = {r.case_id: (r.name, r.queue) for r in rows}
    queue_claims: Counter[tuple[str, str]] = Counter()
    for case_id, n in claims_by_case.items():
        if case_id in case_queue:
            queue_claims[case_queue[case_id]] += n
    caps = services.calls._caps()
    queues = tuple(
        QueueStats(provider, queue, queue_claims[(provider, queue)], e["attempts"],
                   completes_by.get((provider, queue), 0), caps.get(queue), dict(e["outcomes"]))
        for (provider, queue), e in sorted(per_queue.items())
    )
    return SimReport(
        workers=workers, seconds=seconds, claims=sum(len(st["claims"]) for st in stats), attempts=len(rows),
        completes=outcomes.get("COMPLETE", 0), quota_waits=sum(st["quota_waits"] for st in stats),
        lost=sum(st["lost"] for st in stats), errors=tuple(errors), outcomes=dict(outcomes), queues=queues,
        violations=tuple(violations),
    )
