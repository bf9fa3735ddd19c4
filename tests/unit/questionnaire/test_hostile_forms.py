"""Hostile questionnaire files (issue 14): each is refused with its line and a Dutch reason, quickly and in
little memory, never with a traceback. The files are made by tests/data/make_hostile_files.py."""

from __future__ import annotations

import io
import time
import tracemalloc
from pathlib import Path

import pytest

from cati.cli import main
from cati.interviews.rules.errors import FormLoadError
from cati.interviews.rules.loader import MAX_DEPTH, MAX_FORM_BYTES, MAX_NODES, load_form, load_form_text

FORMS = Path(__file__).resolve().parents[2] / "data" / "hostile" / "forms"

EXPECTED: dict[str, list[tuple[int, str]]] = {
    "form_alias_bomb.yaml": [(6, f"groter dan {MAX_NODES} waarden")],
    "form_self_reference.yaml": [(4, "verwijst naar een waarde waar hij zelf in staat")],
    "form_deep_nesting.yaml": [(4, f"dieper genest dan {MAX_DEPTH} niveaus")],
    "form_deep_block_nesting.yaml": [(5, f"dieper genest dan {MAX_DEPTH} niveaus")],
    "form_nan_inf.yaml": [(10, "'min' moet een eindig getal zijn, niet 'nan'"),
                          (11, "'max' moet een eindig getal zijn, niet 'inf'"),
                          (15, "'min' moet een eindig getal zijn, niet '-inf'")],
    "form_unclosed_quote.yaml": [(3, "het aanhalingsteken dat hier opent, wordt niet gesloten")],
    "form_impossible_values.yaml": [(2, "ongeldige waarde '2021-13-45' (month must be in 1..12)")],
}


def test_every_hostile_form_has_a_verdict() -> None:
    assert {p.name for p in FORMS.iterdir()} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_refused_at_its_line(name: str) -> None:
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(FormLoadError) as exc:
        load_form(FORMS / name)
    seconds = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    found = [(e.line, e.problem) for e in exc.value.errors]
    for line, words in EXPECTED[name]:
        assert any(ln == line and words in problem for ln, problem in found), found
    # a 2-KB form never takes gigabytes or minutes: the limits stop it at once (generous bounds, no timing test)
    assert peak < 50_000_000 and seconds < 30


def test_a_form_larger_than_the_limit_is_not_read(tmp_path: Path) -> None:
    big = tmp_path / "groot.yaml"
    big.write_text("id: x\n# " + "x" * MAX_FORM_BYTES + "\n", encoding="utf-8")
    with pytest.raises(FormLoadError, match="groter dan"):
        load_form(big)
    with pytest.raises(FormLoadError, match="groter dan"):
        load_form_text(big.read_text(encoding="utf-8"))


def test_aliases_within_the_limits_still_work() -> None:
    text = """id: proef
version: 1
title: Proef
sections:
  - id: s
    questions:
      - var: a
        type: single
        text: Eén?
        options: &janee
          - {code: 1, label: Ja}
          - {code: 2, label: Nee}
      - var: b
        type: single
        text: Twee?
        options: *janee
      - var: einde
        type: info
        closing: true
        text: Dank u wel.
"""
    form = load_form_text(text)
    assert [o.label for o in form.question("b").options] == ["Ja", "Nee"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_form_check_says_so_in_lines_not_a_traceback(name: str, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["form", "check", str(FORMS / name)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "fout(en) gevonden" in err
