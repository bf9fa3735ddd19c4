"""Interviews done through the real services with their paradata, at a chosen pace (issue 17 tests)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from cati.interviews.rules import Answer, AnswerRejected, QType
from cati.interviews.rules.paradata import Arrival, Leave, ScreenVisit, words_to_read
from cati.tools.simulate import fallback_answers, random_answer


@dataclass(frozen=True)
class Done:
    interview_id: int
    case_id: int
    outcome: str


def interview(services, clock, actor, provider_id: int | None = None, *, pace: float = 1.0,  # type: ignore[no-untyped-def]
              straight: bool = False, seed: int = 1, back_once: bool = False) -> Done | None:
    """Claim the next case as ``actor`` and do its interview through the services, a screen visit per
    question: reading at 150 words a minute times ``pace`` (0.3: far too fast) plus 2 s to answer;
    ``straight``: one answer on every row of every grid; ``back_once``: go back once on the third screen
    (a visit left by "back", saved with the next answer). None when no case was claimed."""
    card = services.calls.next_case(actor, provider_id)
    if card is None:
        return None
    rng = random.Random(seed)
    state = services.interviews.start_or_resume(actor, card.case_id)
    arrived = Arrival.START
    pending: list[ScreenVisit] = []
    went_back = False
    while state.current_variable is not None:
        q = state.form.question(state.current_variable)
        shown = clock.now
        seconds = pace * words_to_read(state.form, q) / 2.5 + (0.4 if pace < 0.5 else 2.0)
        clock.advance(seconds=seconds)
        if back_once and not went_back and len(state.on_route) == 2 and q.type is not QType.INFO:
            went_back = True  # back to the question before, confirmed again as it was, then on
            prev = state.form.question(state.on_route[-1])
            again = clock.now
            clock.advance(seconds=3)
            visits = [ScreenVisit(q.var, shown, again, arrived, Leave.BACK),
                      ScreenVisit(prev.var, again, clock.now, Arrival.BACK, Leave.NEXT)]
            same = state.answers[prev.var]
            state = services.interviews.save_answer(actor, state.interview_id, prev.var, same, visits=visits)
            arrived = Arrival.NEXT
            continue
        rows: tuple[tuple[str, float], ...] = ()
        if q.type is QType.GRID:
            rows = tuple((item.var, seconds / len(q.items)) for item in q.items)
            code = rng.choice(q.options).code
            first: Answer | dict[str, Answer] = (
                {item.var: Answer.single(code) for item in q.items} if straight else random_answer(state.form, q, rng))
        elif q.type is QType.SINGLE and q.end_if is not None:
            first = Answer.single(q.options[0].code)  # screening: go on
        else:
            first = random_answer(state.form, q, rng)
        visit = ScreenVisit(q.var, shown, clock.now, arrived, Leave.NEXT, row_seconds=rows)
        for answer in [first, *fallback_answers(q)]:
            try:
                state = services.interviews.save_answer(actor, state.interview_id, q.var, answer,
                                                        visits=[*pending, visit])
                break
            except AnswerRejected:
                continue
        else:
            raise AssertionError(f"no valid answer for {q.var}")
        pending = []
        arrived = Arrival.NEXT
    clock.advance(seconds=5)
    if state.complete:
        result = services.interviews.complete(actor, state.interview_id, started_at=card.claimed_at)
    else:
        result = services.interviews.breakoff(actor, state.interview_id, started_at=card.claimed_at)
    clock.advance(seconds=20)
    return Done(state.interview_id, card.case_id, result.outcome)

