"""The simulated interviewer of `cati simulate`: a plausible valid answer to any question, answers to
fall back on when one is rejected, and the pace of work on a screen (reading it aloud at the
interviewer's own speed, 135-170 words a minute, varying per screen; the respondent's answer; per grid
row). A careless interviewer reads far too fast (a third of the reading time) and gives one answer on
every row of a grid."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cati.interviews.rules import Answer, Form, QType, Question
from cati.interviews.rules.paradata import count_words, words_to_read


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
