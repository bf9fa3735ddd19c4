"""The three shipped forms: they load, every routing path works, and the two client forms match."""

from __future__ import annotations

import pytest
from qn_helpers import CASE, all_paths

from cati.interviews.rules import Form, QType, export_columns, form_id_for_case, pick_form
from cati.interviews.rules import expr as ex


def test_all_forms_load(forms: dict[str, Form]) -> None:
    """The three survey forms and the back-check script (issue 17)."""
    assert set(forms) == {"client_regular", "client_low_threshold", "inburgering", "backcheck"}


def test_a_back_check_gets_the_back_check_script(forms: dict[str, Form]) -> None:
    """A back-check case asks whether the interview took place; a "no" ends it, the rest is short."""
    from cati.interviews.rules import Answer, Interview, pick_form, route

    form = pick_form(forms, "backcheck", "regular")
    assert form.id == "backcheck"
    case = {"provider": "Werkpad", "client_name": "A. Jansen", "queue": "backcheck"}
    iv = Interview.start(form, case).answer(Answer.ack()).answer(Answer.single(1)).answer(Answer.single(2))
    assert iv.position == "bc_slot" and [q.var for q in route(form, case, iv.answers)][-1] == "bc_slot"
    iv = iv.answer(Answer.ack())
    assert iv.finished and iv.is_complete  # "not spoken with us" is a complete back-check: its answer is the news
    assert len(form.questions) <= 7


def _signature(form: Form) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for q in form.questions:
        rows.append((
            q.var, q.type, q.core, q.closing, q.required, q.allow_dont_know, q.allow_refused,
            tuple((o.code, o.other, o.exclusive) for o in q.options),
            tuple(i.var for i in q.items), q.min, q.max, q.decimals, q.max_length,
            ex.to_source(q.show_if) if q.show_if else None,
            ex.to_source(q.end_if) if q.end_if else None,
        ))  # fmt: skip
    return rows


def test_low_threshold_has_same_variables_codes_and_routing(forms: dict[str, Form]) -> None:
    regular, low = forms["client_regular"], forms["client_low_threshold"]
    assert _signature(regular) == _signature(low)
    assert (regular.dont_know_code, regular.refused_code) == (low.dont_know_code, low.refused_code)
    assert [c.name for c in export_columns(regular)] == [c.name for c in export_columns(low)]


def test_low_threshold_texts_are_actually_simpler(forms: dict[str, Form]) -> None:
    regular, low = forms["client_regular"], forms["client_low_threshold"]
    differing = [q.var for q, p in zip(regular.questions, low.questions, strict=True) if q.text != p.text]
    assert len(differing) >= 20
    mean = lambda f: sum(len(q.text.split()) for q in f.questions) / len(f.questions)  # noqa: E731
    assert mean(low) < mean(regular)


@pytest.mark.parametrize(
    ("queue", "variant", "expected"),
    [
        ("inburgering", "regular", "inburgering"),
        ("INBURGERING", "laagdrempelig", "inburgering"),
        ("telefoonoptie", "laagdrempelig", "client_low_threshold"),
        ("telefoonoptie", "low_threshold", "client_low_threshold"),
        ("telefoonoptie", "regular", "client_regular"),
        (None, None, "client_regular"),
    ],
)
def test_form_for_case(forms: dict[str, Form], queue: str | None, variant: str | None, expected: str) -> None:
    assert form_id_for_case(queue, variant) == expected
    assert pick_form(forms, queue, variant).id == expected


CLIENT_FORMS = ["client_regular", "client_low_threshold"]


@pytest.mark.parametrize("form_id", CLIENT_FORMS)
@pytest.mark.parametrize("service", ["1", "3", "9"])
def test_every_client_path(forms: dict[str, Form], form_id: str, service: str) -> None:
    form = forms[form_id]
    paths = list(all_paths(form, dict(CASE, service=service)))
    routes = {tuple(q.var for q in iv.route) for iv in paths}
    # 2 stop paths + 3 (financial) x 3 (work) x 3 (complaint) full paths
    assert len(routes) == len(paths) == 29
    seen = {var for r in routes for var in r}
    assert ("onderzoek_soort" in seen) is (service == "3")
    assert seen | {"onderzoek_soort"} == {q.var for q in form.questions}
    for iv in paths:
        route = [q.var for q in iv.route]
        assert iv.route[-1].closing and iv.finished
        answers = iv.answers
        consented = answers["identiteit"].code == 1 and answers.get("toestemming") is not None and answers[
            "toestemming"
        ].code == 1
        assert iv.is_complete is consented
        assert route[-1] == ("slot" if consented else "slot_geen_deelname")
        if not consented:
            assert "tev_contact" not in route
            continue
        aanleiding = answers["aanleiding"].code
        assert ("fin_maatregel" in route) is (aanleiding in (2, 3, 4, 5))
        fin = answers.get("fin_maatregel")
        assert ("fin_opgelegd" in route) is (fin is not None and fin.code == 1)
        assert ("werk_door_traject" in route) is (answers["werk_nu"].code in (1, 2))
        door = answers.get("werk_door_traject")
        assert ("werk_hulp" in route) is (door is not None and door.code == 1 and "werk_door_traject" in route)
        assert ("klacht_ingediend" in route) is (answers["klacht"].code == 1)
        ingediend = answers.get("klacht_ingediend")
        assert ("klacht_opgelost" in route) is (ingediend is not None and ingediend.code == 1)


@pytest.mark.parametrize("service", ["11", "1"])
def test_every_inburgering_path(forms: dict[str, Form], service: str) -> None:
    form = forms["inburgering"]
    paths = list(all_paths(form, dict(CASE, service=service, queue="inburgering")))
    routes = {tuple(q.var for q in iv.route) for iv in paths}
    # 2 stop paths + 3 (exam) x 3 (complaint)
    assert len(routes) == 11
    assert {v for r in routes for v in r} == {q.var for q in form.questions}
    for iv in paths:
        route = [q.var for q in iv.route]
        exam = iv.answers.get("examen")
        if exam is None:
            assert not iv.is_complete
            continue
        assert iv.is_complete
        assert ("examen_onderdelen" in route) is (exam.code == 2)
        assert ("examen_hulp" in route) is (exam.code in (1, 2))


def test_core_questions_are_the_satisfaction_grids_and_grades(forms: dict[str, Form]) -> None:
    core = [q.var for q in forms["client_regular"].questions if q.core]
    assert core == ["rapportcijfer", "tev_contact", "tev_kantoor", "tev_begeleiding"]  # the reports' order
    inb = [q for q in forms["inburgering"].questions if q.core]
    assert [q.type for q in inb] == [QType.GRADE] * 6


def test_recommendation_codes_allow_promoter_score(forms: dict[str, Form]) -> None:
    for form in (f for f in forms.values() if f.id != "backcheck"):
        q = form.question("aanbevolen")
        assert [o.code for o in q.options] == [1, 2, 3]
        assert "{provider}" in q.text


def test_satisfaction_scale_is_the_reports_scale(forms: dict[str, Form]) -> None:
    q = forms["client_regular"].question("tev_contact")
    assert [o.label for o in q.options] == ["Zeer tevreden", "Tevreden", "Ontevreden", "Zeer ontevreden", "Geen mening"]
    assert q.option(1) is not None and forms["client_regular"].question("tc_begrip") is q


def test_export_columns_of_regular_form(forms: dict[str, Form]) -> None:
    cols = {c.name: c for c in export_columns(forms["client_regular"])}
    assert "intro" not in cols and "slot" not in cols
    assert cols["tc_informatie"].kind == "code" and cols["tc_informatie"].question_var == "tev_contact"
    assert (99, "Wil niet zeggen") in cols["tc_informatie"].value_labels
    assert [n for n in cols if n.startswith("uitkering_")] == [f"uitkering_{i}" for i in range(1, 8)] + ["uitkering_other"]
    assert cols["uitkering_3"].kind == "flag" and cols["uitkering_3"].option_code == 3
    assert cols["aanleiding_other"].other_of == "aanleiding"
    assert cols["rapportcijfer"].kind == "number"
