"""`cati form check` and `cati form walk`, driven through argparse with fake stdin."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from qn_helpers import FORMS_DIR

from cati.commands.form import register


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cati")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


def test_check_lists_variables(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["form", "check", str(FORMS_DIR / "client_regular.yaml")]) == 0
    out = capsys.readouterr().out
    assert "rapportcijfer" in out and "grade" in out and "core" in out and "tc_begrip" in out


def test_check_reports_errors_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: '1'\ntitle: X\nsections:\n  - id: s\n    questions:\n"
                   "      - {var: a, type: bogus, text: A}\n", encoding="utf-8")  # fmt: skip
    assert _run(["form", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:7: onbekend vraagtype 'bogus'" in err


INBURGERING_INPUT = [
    "",  # intro
    "?",  # help
    "1",  # identiteit
    "1",  # toestemming
    "",  # cijfer intro
    "11",  # invalid grade
    "8",
    "<",  # back to cijfer_cursus
    "9",  # change it
    "7", "6", "dk", "8",  # docent, lessen, materiaal, locatie
    "2",  # examen: not passed everything
    "2,6",  # onderdelen, with other
    "werkexamen",
    "1",  # examen_hulp
    "3",  # aanbevolen
    "1", "3", "formulier",  # klacht -> other
    "7,5",  # rapportcijfer (whole numbers only here)
    "7",
    "",  # opmerking skipped
    "",  # slot
]


def test_walk_inburgering_with_fake_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(INBURGERING_INPUT) + "\n"))
    code = _run(["form", "walk", str(FORMS_DIR / "inburgering.yaml"),
                 "--case", "provider=Taalhuis", "--case", "client_name=Amina"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "Spreek ik met Amina?" in out
    assert "Vul een cijfer in van 1 tot en met 10." in out
    assert "Vul een heel getal in" in out
    assert "weet niet" in out.lower()
    assert "  cijfer_cursus = 9\n" in out
    assert "  cijfer_materiaal = weet niet\n" in out
    assert "  examen_onderdelen = Luisteren en werkexamen\n" in out
    assert "  klacht_ingediend = formulier\n" in out
    assert "klacht_opgelost" not in out.split("Antwoorden:")[1]
    assert "Volledig interview: ja" in out


def test_walk_stops_cleanly_at_end_of_input(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n1\n"))
    code = _run(["form", "walk", str(FORMS_DIR / "client_regular.yaml"), "--case", "service=3"])
    out = capsys.readouterr().out
    assert code == 1
    assert "Invoer beëindigd." in out and "identiteit = Ja" in out and "Volledig interview: nee" in out


def test_walk_service_3_asks_diagnosis(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n1\n1\n7\n1\n6\nschoolonderzoek\nstop\n"))
    code = _run(["form", "walk", str(FORMS_DIR / "client_low_threshold.yaml"), "--case", "service=3"])
    out = capsys.readouterr().out
    assert code == 0
    assert "onderzoek_soort = schoolonderzoek" in out and "Interview afgebroken." in out
