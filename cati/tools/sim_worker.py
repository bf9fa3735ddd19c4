"""The worker processes of `cati simulate`: each acts as one interviewer through the real services on
the same database (its own services, built in the process), claiming cases, running interviews at the
simulated interviewer's pace (:mod:`cati.tools.sim_interviewer`) or recording a non-contact, until the
deadline or the target of completes. All share one simulated clock (:class:`SharedClock`). Workers are
forked from a clean fork server that has imported :data:`WORKER_MODULES` once, or spawned where there
is none."""

from __future__ import annotations

import multiprocessing as mp
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from cati.accounts.rules.roles import Actor
from cati.interviews.rules import AnswerRejected
from cati.interviews.rules.paradata import Arrival, Leave, ScreenVisit
from cati.tools.sim_interviewer import Pace, fallback_answers
from cati.tools.sim_report import SimulationError

NON_CONTACT: tuple[tuple[str, int], ...] = (
    ("NO_ANSWER", 30), ("BUSY", 10), ("VOICEMAIL", 12), ("NOT_PRESENT", 8), ("APPOINTMENT", 5),
    ("CALLBACK", 5), ("REFUSAL_SOFT", 6), ("REFUSAL_HARD", 4), ("WRONG_PERSON", 3), ("DISCONNECTED", 3),
    ("LINE_PROBLEM", 2),
)


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


#: what every worker imports; a fork server imports it once, and each worker starts in milliseconds
WORKER_MODULES = ["cati.tools.sim_worker", "cati.container", "cati.calls.service.calls",
                  "cati.interviews.service.interviews"]


def process_context() -> Any:
    """Fork server where the platform has one (a fresh single-threaded process, so forking from it is
    safe, unlike forking this one), else spawn: a new interpreter per worker, importing everything."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(WORKER_MODULES)
    return ctx


def worker(url: str, actor: Actor, provider_id: int | None, seed: int, respond_rate: float, start: Any,
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
                # an open interview is resumed, mostly; one with every answer in always (the desk opens
                # it at its closing screen), so a simulated call never leaves a finished interview behind
                # a non-contact (a desk whose lease ran out may have answered it all, too late to close it)
                resume = card.interview_id is not None and (
                    rng.random() < 0.9 or interviews.state(actor, card.interview_id).current_variable is None)
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
