"""Helpers shared by the questionnaire tests: default answers and exhaustive path enumeration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path

from cati.interviews.rules import Answer, Form, Interview, QType, Question
from cati.interviews.rules import expr as ex

FORMS_DIR = Path(__file__).resolve().parents[3] / "forms"
CASE = {"provider": "Acme Re-integratie", "client_name": "J. Jansen", "period": "2021", "service": "1"}


def default_answer(q: Question) -> Answer | dict[str, Answer]:
    """A valid, non-routing answer for ``q``."""
    if q.type is QType.INFO:
        return Answer.ack()
    if q.type is QType.GRID:
        return {item.var: Answer.single(q.options[0].code) for item in q.items}
    if q.type is QType.SINGLE:
        return Answer.single(q.options[0].code)
    if q.type is QType.MULTI:
        return Answer.multi([q.options[-1].code], other_text="iets") if q.options[-1].other else Answer.multi(
            [q.options[-1].code]
        )
    if q.type in (QType.GRADE, QType.NUMBER):
        return Answer.num(q.min if q.min is not None else 1)
    if q.type is QType.DATE:
        return Answer.on(dt.date(2021, 3, 15))
    return Answer.open("tekst")


def _atoms(form: Form) -> dict[str, list[ex.Compare | ex.InList | ex.Answered]]:
    found: dict[str, list[ex.Compare | ex.InList | ex.Answered]] = {}
    for q in form.questions:
        for cond in (q.show_if, q.end_if):
            if cond is None:
                continue
            for node in ex.walk(cond):
                if isinstance(node, ex.Compare | ex.InList | ex.Answered):
                    found.setdefault(node.name, []).append(node)
    return found


def routing_answers(form: Form, q: Question) -> list[Answer]:
    """One answer per class of answers that conditions can tell apart (exact for routing)."""
    atoms = _atoms(form).get(q.var, [])
    candidates = [Answer.single(o.code, "iets" if o.other else None) for o in q.options]
    if q.allow_dont_know:
        candidates.append(Answer.dont_know())
    if q.allow_refused:
        candidates.append(Answer.refused())
    seen: dict[tuple[bool, ...], Answer] = {}
    for cand in candidates:
        value: ex.Value = Decimal(form.special_code(cand.special)) if cand.special else Decimal(cand.code or 0)
        signature = tuple(ex.evaluate(a, lambda _n, v=value: v) for a in atoms)
        seen.setdefault(signature, cand)
    return list(seen.values())


def all_paths(form: Form, case: Mapping[str, object]) -> Iterator[Interview]:
    """Every distinct route through ``form`` for ``case``: yields the finished interviews."""
    routing_vars = set(_atoms(form))

    def dfs(iv: Interview) -> Iterator[Interview]:
        while not iv.finished:
            q = iv.question
            assert q is not None
            if q.var in routing_vars and q.type is QType.SINGLE:
                for ans in routing_answers(form, q):
                    yield from dfs(iv.answer(ans))
                return
            iv = iv.answer(default_answer(q))
        yield iv

    yield from dfs(Interview.start(form, case))
