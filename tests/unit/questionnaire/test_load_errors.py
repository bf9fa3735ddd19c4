"""Every kind of load error names the file, the line and the problem; all errors are collected."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from cati.interviews.rules import FormLoadError, load_form, load_forms

HEAD = """\
id: t
version: "1"
title: Test
sections:
  - id: s
    questions:
"""
CLOSING = """\
      - var: slot
        type: info
        closing: true
        text: Dank u.
"""


def _errors(tmp_path: Path, body: str, head: str = HEAD, closing: str = CLOSING) -> list[tuple[int, str]]:
    path = tmp_path / "form.yaml"
    path.write_text(head + body + closing if body else head, encoding="utf-8")
    with pytest.raises(FormLoadError) as info:
        load_form(path)
    for err in info.value.errors:
        assert err.file == str(path)
        assert str(err).startswith(f"{path}:{err.line}: ")
    return [(e.line, e.problem) for e in info.value.errors]


def _q(text: str) -> str:
    return "\n".join("      " + line if line else line for line in dedent(text).splitlines()) + "\n"


CASES = [
    # (questions yaml, expected line, expected words in problem)
    ("- var: a\n  type: slider\n  text: A?\n", 8, "onbekend vraagtype 'slider'"),
    ("- var: a\n  type: single\n  text: A?\n  options: [{code: 1, label: Ja}]\n"
     "- var: a\n  type: single\n  text: B?\n  options: [{code: 1, label: Ja}]\n", 11, "dubbele variabele 'a'"),
    ("- var: a\n  type: single\n  text: A?\n  show_if: zz = 1\n  options: [{code: 1, label: Ja}]\n", 10,
     "onbekende variabele 'zz'"),
    ("- var: a\n  type: single\n  text: A?\n  show_if: b = 1\n  options: [{code: 1, label: Ja}]\n"
     "- var: b\n  type: single\n  text: B?\n  options: [{code: 1, label: Ja}]\n", 10, "pas later"),
    ("- var: a\n  type: single\n  text: A?\n  options: [{code: 1, label: Ja}, {code: 2, label: Nee}]\n"
     "- var: b\n  type: open\n  text: B?\n  show_if: a = 3\n", 14, "code 3 bestaat niet bij 'a'"),
    ("- var: a\n  type: single\n  text: A?\n  options:\n    - {label: Ja}\n", 11, "zonder code"),
    ("- var: a\n  type: single\n  text: A?\n  options:\n    - {code: 1, label: Ja}\n    - {code: 1, label: Nee}\n",
     12, "dubbele code 1"),
    ("- var: a\n  type: open\n  text: A?\n  show_if: a = (1\n", 10, "show_if bij 'a'"),
    ("- var: a\n  type: open\n  text: A?\n  colour: red\n", 10, "onbekende sleutel 'colour'"),
    ("- var: a\n  type: open\n  text: Hallo {onbekend}\n", 9, "onbekende invulling {onbekend}"),
    ("- var: a\n  type: grid\n  text: A?\n  options: [{code: 1, label: Ja}]\n", 7, "geen lijst 'items'"),
    ("- var: a\n  type: single\n  text: A?\n  scale: nope\n", 10, "onbekende schaal 'nope'"),
    ("- var: a\n  type: grade\n  text: A?\n  max: 12\n", 10, "binnen 1 tot en met 10"),
    ("- var: a\n  type: single\n  text: A?\n  options: [{code: 98, label: Soms}]\n", 10, "gereserveerd"),
    ("- var: 1abc\n  type: open\n  text: A?\n", 7, "ongeldige variabelenaam"),
    ("- var: service\n  type: open\n  text: A?\n", 7, "zaakveld"),
    ("- var: a\n  type: open\n  text: A?\n  max_length: 0\n", 10, "max_length"),
    ("- var: a\n  type: multi\n  text: A?\n  options: [{code: 1, label: x}]\n"
     "- var: a_1\n  type: open\n  text: B?\n", 11, "exportkolom 'a_1'"),
    ("- var: a\n  type: multi\n  text: A?\n  options: [{code: 1, label: x}]\n"
     "- var: b\n  type: open\n  text: B?\n  show_if: a > 1\n", 14, "alleen =, != of in"),
    ("- var: a\n  type: open\n  text: A?\n  text: B?\n", 10, "dubbele sleutel 'text'"),
]


@pytest.mark.parametrize(("body", "line", "words"), CASES)
def test_each_load_error_names_line_and_problem(tmp_path: Path, body: str, line: int, words: str) -> None:
    errors = _errors(tmp_path, _q(body))
    assert any(ln == line and words in problem for ln, problem in errors), errors


def test_bad_yaml_names_line(tmp_path: Path) -> None:
    errors = _errors(tmp_path, _q("- var: a\n  type: open\n  text: [unclosed\n"))
    assert len(errors) == 1 and "ongeldige YAML" in errors[0][1] and errors[0][0] >= 9


def test_missing_closing_and_top_level_keys(tmp_path: Path) -> None:
    errors = _errors(tmp_path, _q("- var: a\n  type: open\n  text: A?\n"), head=HEAD.replace('version: "1"\n', ""),
                     closing="")  # fmt: skip
    problems = " | ".join(p for _, p in errors)
    assert "'version'" in problems and "closing: true" in problems


def test_all_errors_are_collected_not_just_the_first(tmp_path: Path) -> None:
    body = _q(
        "- var: a\n  type: slider\n  text: A?\n"
        "- var: b\n  type: single\n  text: B?\n  show_if: nope = 1\n  options: [{code: 1, label: Ja}]\n"
        "- var: b\n  type: open\n  text: C?\n"
    )
    errors = _errors(tmp_path, body)
    assert [ln for ln, _ in errors] == sorted(ln for ln, _ in errors)
    assert len(errors) >= 3
    assert {8, 13, 15} <= {ln for ln, _ in errors}


def test_end_if_may_use_own_answer_but_show_if_may_not(tmp_path: Path) -> None:
    body = _q("- var: a\n  type: single\n  text: A?\n  show_if: a = 1\n  options: [{code: 1, label: Ja}]\n")
    assert any("zelf" in p for _, p in _errors(tmp_path, body))


def test_load_forms_reports_every_file(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text("id: [\n", encoding="utf-8")
    (tmp_path / "two.yaml").write_text(HEAD + _q("- var: a\n  type: nope\n  text: A\n") + CLOSING, encoding="utf-8")
    with pytest.raises(FormLoadError) as info:
        load_forms(tmp_path)
    files = {Path(e.file).name for e in info.value.errors}
    assert files == {"one.yaml", "two.yaml"}


def test_unsafe_yaml_tags_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("id: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(FormLoadError) as info:
        load_form(path)
    assert info.value.errors[0].line == 1
