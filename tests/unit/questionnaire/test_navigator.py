"""Navigation: generated forms walked along all paths against an oracle, and a property test."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qn_helpers import CASE, default_answer, routing_answers

from cati.interviews.rules import (
    Answer,
    AnswerRejected,
    Form,
    Interview,
    QType,
    current,
    export_values,
    is_answered,
    load_form_text,
    route,
    split_answers,
)


# -- small generated forms: chains of yes/no questions with conditions on earlier ones -----------------
@dataclass(frozen=True)
class Cond:
    kind: str  # "eq", "ne", "answered", "service"
    ref: int
    code: int


def _cond_text(c: Cond) -> str:
    if c.kind == "eq":
        return f"q{c.ref} = {c.code}"
    if c.kind == "ne":
        return f"not q{c.ref} = {c.code}"
    if c.kind == "answered":
        return f"answered(q{c.ref})"
    return f"service in [{c.code}, 5]"


def _oracle_holds(c: Cond, visible: dict[int, int], service: int) -> bool:
    if c.kind == "service":
        return service in (c.code, 5)
    if c.kind == "answered":
        return c.ref in visible
    hit = visible.get(c.ref) == c.code
    return hit if c.kind == "eq" else not hit


@st.composite
def chain_forms(draw: st.DrawFn) -> tuple[str, list[Cond | None]]:
    n = draw(st.integers(min_value=1, max_value=6))
    conds: list[Cond | None] = []
    lines = ["id: gen", 'version: "1"', "title: Gen", "sections:", "  - id: s", "    questions:"]
    for i in range(n):
        cond: Cond | None = None
        if i > 0 and draw(st.booleans()):
            kind = draw(st.sampled_from(["eq", "ne", "answered", "service"]))
            cond = Cond(kind, draw(st.integers(0, i - 1)), draw(st.integers(1, 2)))
        conds.append(cond)
        lines += [f"      - var: q{i}", "        type: single", f"        text: Vraag {i}?",
                  "        options: [{code: 1, label: Ja}, {code: 2, label: Nee}]"]  # fmt: skip
        if cond is not None:
            lines.append(f"        show_if: {_cond_text(cond)}")
    lines += ["      - var: slot", "        type: info", "        closing: true", "        text: Klaar."]
    return "\n".join(lines) + "\n", conds


@settings(max_examples=60, deadline=None)
@given(chain_forms(), st.sampled_from([1, 2, 5, 7]))
def test_generated_forms_all_paths_follow_the_oracle(spec: tuple[str, list[Cond | None]], service: int) -> None:
    text, conds = spec
    form = load_form_text(text, "gen.yaml")
    case = {"service": str(service)}
    finished = 0

    def explore(iv: Interview, visible: dict[int, int]) -> None:
        nonlocal finished
        # oracle: the next question is the first later one whose condition holds
        assert iv.question is not None
        if iv.question.var == "slot":
            expected_route = [f"q{i}" for i in sorted(visible)] + ["slot"]
            assert [q.var for q in iv.route] == expected_route
            assert iv.next().finished and iv.next().is_complete
            finished += 1
            return
        idx = int(iv.question.var[1:])
        for code in (1, 2):
            nxt = iv.answer(Answer.single(code))
            seen = {**visible, idx: code}
            following = [j for j in range(idx + 1, len(conds))
                         if conds[j] is None or _oracle_holds(conds[j], seen, service)]  # type: ignore[arg-type]
            assert nxt.position == (f"q{following[0]}" if following else "slot")
            back = nxt.back()
            assert back.position == iv.position and back.answers[iv.position].code == code
            explore(nxt, seen)

    first = Interview.start(form, case)
    explore(first, {})
    assert finished >= 1


def test_generated_form_with_three_independent_questions_has_eight_paths() -> None:
    text = "id: g\nversion: '1'\ntitle: G\nsections:\n  - id: s\n    questions:\n" + "".join(
        f"      - {{var: q{i}, type: single, text: Q, options: [{{code: 1, label: a}}, {{code: 2, label: b}}]}}\n"
        for i in range(3)
    ) + "      - {var: slot, type: info, closing: true, text: K}\n"
    form = load_form_text(text)
    leaves = []

    def dfs(iv: Interview) -> None:
        if iv.question is not None and iv.question.var == "slot":
            leaves.append(tuple(iv.answers[f"q{i}"].code for i in range(3)))
            return
        for code in (1, 2):
            dfs(iv.answer(Answer.single(code)))

    dfs(Interview.start(form, {}))
    assert sorted(leaves) == [(a, b, c) for a in (1, 2) for b in (1, 2) for c in (1, 2)]


# -- behaviour on the real client form -------------------------------------------------------------------
def _answer_until(iv: Interview, stop: str) -> Interview:
    while iv.position != stop:
        assert iv.question is not None
        iv = iv.answer(default_answer(iv.question))
    return iv


def test_resume_starts_at_first_unanswered_on_route_question(forms: dict[str, Form]) -> None:
    form = forms["client_regular"]
    iv = _answer_until(Interview.start(form, CASE), "contact_per_maand")
    resumed = Interview.start(form, CASE, dict(iv.answers))
    assert resumed.position == "contact_per_maand"
    assert current(form, CASE, iv.answers) is form.question("contact_per_maand")


def test_changed_routing_answer_flags_later_answers_off_route(forms: dict[str, Form]) -> None:
    form = forms["client_regular"]
    iv = _answer_until(Interview.start(form, CASE), "aanleiding")
    iv = iv.answer(Answer.single(3))
    assert iv.position == "fin_maatregel"
    iv = iv.answer(Answer.single(1)).answer(Answer.single(2))
    assert iv.position == "contact_per_maand"
    iv = iv.jump("aanleiding").answer(Answer.single(1))  # now no financial follow-up
    assert iv.position == "contact_per_maand"
    split = split_answers(form, CASE, iv.answers)
    assert split.off_route == ("fin_maatregel", "fin_opgelegd")
    assert "fin_maatregel" in iv.answers  # kept, not deleted
    row = export_values(form, CASE, iv.answers)
    assert row["fin_maatregel"] is None and row["aanleiding"] == 1
    # restoring the answer restores the route and the kept answers
    iv = iv.jump("aanleiding").answer(Answer.single(3))
    assert split_answers(form, CASE, iv.answers).off_route == ()
    assert iv.position == "fin_maatregel" and iv.answers["fin_maatregel"].code == 1


def test_jump_only_to_answered_on_route_questions(forms: dict[str, Form]) -> None:
    form = forms["client_regular"]
    iv = _answer_until(Interview.start(form, CASE), "zelfde_coach")
    with pytest.raises(AnswerRejected):
        iv.jump("klacht")  # not yet reached
    with pytest.raises(AnswerRejected):
        iv.jump("onderzoek_soort")  # service 1: not on the route
    assert iv.jump("identiteit").position == "identiteit"
    later = _answer_until(iv, "verwachting")
    assert later.jump("tc_begrip").position == "tev_contact"  # a grid item jumps to its grid
    assert later.jump("tc_begrip").next().position == "tev_kantoor"


def test_invalid_answer_is_rejected_with_dutch_message(forms: dict[str, Form]) -> None:
    iv = _answer_until(Interview.start(forms["client_regular"], CASE), "rapportcijfer")
    with pytest.raises(AnswerRejected) as info:
        iv.answer(Answer.num(11))
    assert info.value.messages == ("Vul een cijfer in van 1 tot en met 10.",)
    with pytest.raises(AnswerRejected):
        iv.answer(Answer.num("7.25"))
    assert iv.answer(Answer.num("7.5")).position == "aanbevolen"


def test_refusal_of_consent_ends_without_completion(forms: dict[str, Form]) -> None:
    form = forms["client_regular"]
    iv = Interview.start(form, CASE).next().answer(Answer.single(1)).answer(Answer.single(2))
    assert iv.position == "slot_geen_deelname"
    iv = iv.next()
    assert iv.finished and not iv.is_complete


def test_grid_needs_every_item(forms: dict[str, Form]) -> None:
    iv = _answer_until(Interview.start(forms["client_regular"], CASE), "tev_kantoor")
    with pytest.raises(AnswerRejected) as info:
        iv.answer({"tk_kennismaking": Answer.single(1)})
    assert any("Telefonische bereikbaarheid" in m for m in info.value.messages)
    full = {i.var: Answer.single(2) for i in iv.question.items}  # type: ignore[union-attr]
    full["tk_locatie"] = Answer.dont_know()
    assert iv.answer(full).position == "tev_begeleiding"


def test_incomplete_without_core_even_when_closing_reached(forms: dict[str, Form]) -> None:
    form = forms["client_regular"]
    iv = _answer_until(Interview.start(form, CASE), "slot").next()
    assert iv.is_complete
    answers = dict(iv.answers)
    del answers["rapportcijfer"]
    assert not Interview.start(form, CASE, answers).is_complete
    assert Interview.start(form, CASE, answers).position == "rapportcijfer"


# -- property: any sequence of steps keeps answers consistent with routing ------------------------------
def _candidates(form: Form, iv: Interview) -> list[Answer | dict[str, Answer]]:
    q = iv.question
    assert q is not None
    if q.type is QType.SINGLE:
        return [*routing_answers(form, q), Answer.refused()] if q.allow_refused else list(routing_answers(form, q))
    return [default_answer(q)]


steps = st.lists(st.tuples(st.sampled_from(["answer", "back", "next", "jump"]), st.integers(0, 40)), max_size=80)


@settings(max_examples=150, deadline=None)
@given(steps, st.sampled_from(["1", "3"]))
def test_any_sequence_keeps_answers_consistent_with_routing(forms: dict[str, Form], ops: list[tuple[str, int]],
                                                            service: str) -> None:  # fmt: skip
    form = forms["client_regular"]
    case = dict(CASE, service=service)
    iv = Interview.start(form, case)
    for op, n in ops:
        if iv.finished:
            iv = iv.back()
        try:
            if op == "answer":
                cands = _candidates(form, iv)
                iv = iv.answer(cands[n % len(cands)])
            elif op == "back":
                iv = iv.back()
            elif op == "next":
                iv = iv.next()
            else:
                answered = [q for q in iv.route if is_answered(q, iv.answers)]
                if answered:
                    iv = iv.jump(answered[n % len(answered)].var)
        except AnswerRejected:
            pass
        path = route(form, case, iv.answers)
        ids = [q.var for q in path]
        # the question on screen is on the route, and everything before it is answered
        if iv.position is not None:
            assert iv.position in ids
            assert all(is_answered(q, iv.answers) for q in path[: ids.index(iv.position)])
        split = split_answers(form, case, iv.answers)
        assert not set(split.on_route) & set(split.off_route)
        on_route_vars = [v for q in path if q.type is not QType.INFO for v in q.answer_vars
                         if v in iv.answers and iv.answers[v].has_value]  # fmt: skip
        assert list(split.on_route) == on_route_vars
        # answers off the route never influence it
        trimmed = {v: a for v, a in iv.answers.items() if v in split.on_route or form.question(v).type is QType.INFO}
        assert [q.var for q in route(form, case, trimmed)] == ids
        # completion only at a closing screen with all core questions on the route
        if iv.is_complete:
            assert path[-1].closing and {"tev_contact", "rapportcijfer"} <= set(ids)
