"""Translated forms: loading, checking, the Dutch fallback, fills in a language, and the translator's
spreadsheet round trip (through ``cati form translations``)."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest
from qn_helpers import FORMS_DIR

from cati.commands.form import register
from cati.core.languages import is_rtl, parse_language, parse_languages
from cati.interviews.io.translation_sheet import read_sheet, write_sheet
from cati.interviews.rules import Answer, Form, FormLoadError, Interview, load_form
from cati.interviews.rules import translations as tr

TRANSLATIONS = FORMS_DIR / tr.DIRECTORY
CASE = {"provider": "Acme", "client_name": "A. Haddad", "period": "01-01-2026 tot en met 31-12-2026",
        "service": 11, "variant": "regular", "queue": "inburgering"}


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="cati")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


@pytest.fixture()
def inburgering(forms: dict[str, Form]) -> Form:
    return forms["inburgering"]


def test_languages_are_read_from_names_and_codes() -> None:
    assert [parse_language(x) for x in ("Arabisch", "ar", "ARABIC", " العربية ", "Engels", "oekraiens", "Farsi")] == \
        ["ar", "ar", "ar", "ar", "en", "uk", "fa"]
    assert parse_language("Klingon") is None and parse_language("") is None
    assert parse_languages("ar, Engels;tr") == ("ar", "en", "tr")
    with pytest.raises(ValueError, match="Klingon"):
        parse_languages("ar,Klingon")
    assert is_rtl("ar") and not is_rtl("en") and not is_rtl(None)


def test_the_shipped_translations_are_complete_and_marked_to_be_checked(forms: dict[str, Form]) -> None:
    found = tr.load_all(TRANSLATIONS, forms)
    assert set(found["inburgering"]) == {"en", "ar"} and set(found["client_low_threshold"]) == {"en"}
    for form_id, by_language in found.items():
        for translation in by_language.values():
            report = tr.check_translation(forms[form_id], translation)
            assert report.complete and not report.unknown and not report.lost_fills, report.lines()
            assert translation.status == tr.TO_CHECK


def test_a_form_in_arabic_has_the_same_questions_and_codes_in_other_words(inburgering: Form) -> None:
    arabic = tr.localize(inburgering, tr.load_translations(TRANSLATIONS, inburgering)["ar"])
    assert arabic.language == "ar" and arabic.translation_status == tr.TO_CHECK
    assert [q.var for q in arabic.questions] == [q.var for q in inburgering.questions]
    for dutch, translated in zip(inburgering.questions, arabic.questions, strict=True):
        assert [o.code for o in translated.options] == [o.code for o in dutch.options]
        assert translated.show_if_source == dutch.show_if_source and translated.core == dutch.core
        assert translated.text != dutch.text
    assert arabic.question("identiteit").options[0].label == "نعم"  # the shared scale, translated once
    assert arabic.dont_know_label == "لا أعرف"
    iv = Interview.start(arabic, CASE)
    assert iv.text() == "مرحباً. أتصل بك من مكتب أبحاث. نحن نتصل نيابةً عن Blik op Werk. الموضوع هو دورة " \
                        "الاندماج التي تابعتها عند Acme."
    assert inburgering.language == "nl" and inburgering.question("identiteit").options[0].label == "Ja"


def test_missing_and_outdated_texts_fall_back_to_dutch_and_are_reported(inburgering: Form) -> None:
    english = tr.load_translations(TRANSLATIONS, inburgering)["en"]
    entries = dict(english.entries)
    del entries["examen.text"]  # missing
    old = entries["klacht.text"]
    entries["klacht.text"] = tr.Entry(old.id, "Was u boos?", old.text)  # made from an older Dutch text
    entries["verdwenen.text"] = tr.Entry("verdwenen.text", "Weg", "Gone")
    partial = tr.Translation("inburgering", "en", tr.TO_CHECK, entries)
    form = tr.localize(inburgering, partial)
    assert form.question("examen").text == "Heeft u examen gedaan?"  # Dutch: nothing translated
    assert form.question("klacht").text == inburgering.question("klacht").text  # Dutch: outdated
    assert form.question("klacht_ingediend").text == "Did you tell {provider} about it?"
    report = tr.check_translation(inburgering, partial)
    assert [s.id for s in report.missing] == ["examen.text"] and [s.id for s in report.outdated] == ["klacht.text"]
    assert report.unknown == ("verdwenen.text",) and not report.complete
    lines = "\n".join(report.lines())
    assert "ontbreekt: examen.text (vraag examen: tekst)" in lines and "verouderd" in lines


def test_the_words_fills_add_are_the_forms(inburgering: Form) -> None:
    english = tr.localize(inburgering, tr.load_translations(TRANSLATIONS, inburgering)["en"])
    iv = Interview.start(english, CASE, {"examen_onderdelen": Answer.multi([1, 3, 4])})
    assert iv.render("{examen_onderdelen}") == "Reading, Writing and Speaking"
    assert iv.render("{period}") == "01-01-2026 to 31-12-2026"
    dutch = Interview.start(inburgering, CASE, {"examen_onderdelen": Answer.multi([1, 3, 4])})
    assert dutch.render("{examen_onderdelen} {period}") == "Lezen, Schrijven en Spreken 01-01-2026 tot en met 31-12-2026"


def test_a_fill_the_dutch_does_not_have_is_a_load_error_with_its_line(tmp_path: Path, inburgering: Form) -> None:
    (tmp_path / "inburgering.en.yaml").write_text(
        "form: inburgering\nlanguage: en\ntexts:\n  klacht.text:\n    nl: Was u ergens boos of niet blij over bij "
        "{provider}?\n    en: Were you angry at {client_name}?\n", encoding="utf-8")
    with pytest.raises(FormLoadError) as exc:
        tr.load_translations(tmp_path, inburgering)
    assert [(e.line, "{client_name}" in e.problem) for e in exc.value.errors] == [(4, True)]


def test_a_file_must_say_what_its_name_says(tmp_path: Path, inburgering: Form) -> None:
    (tmp_path / "inburgering.ar.yaml").write_text("form: inburgering\nlanguage: en\ntexts: {}\n", encoding="utf-8")
    (tmp_path / "inburgering.xx.yaml").write_text("form: inburgering\nlanguage: xx\ntexts: {}\n", encoding="utf-8")
    with pytest.raises(FormLoadError) as exc:
        tr.load_translations(tmp_path, inburgering)
    problems = " ".join(e.problem for e in exc.value.errors)
    assert "de naam zegt 'inburgering.ar'" in problems and "'xx' is geen taal" in problems


def test_the_spreadsheet_round_trip(tmp_path: Path, inburgering: Form) -> None:
    """Export the Arabic sheet, a translator fills two empty texts, changes one and leaves one row on
    an old Dutch text: that row is refused, the rest is taken and written back."""
    from openpyxl import load_workbook

    current = tr.load_translations(TRANSLATIONS, inburgering)["ar"]
    entries = dict(current.entries)
    del entries["examen.text"], entries["klacht.text"]
    start = tr.Translation("inburgering", "ar", tr.TO_CHECK, entries)
    rows = tr.sheet_rows(inburgering, start)
    states = {r.id: r.state for r in rows}
    assert (states["title"], states["examen.text"], states["klacht.text"]) == ("vertaald", "ontbreekt", "ontbreekt")
    sheet = tmp_path / "ar.xlsx"
    write_sheet(sheet, "inburgering", "ar", rows)

    wb = load_workbook(sheet)
    ws = wb.active
    assert ws is not None
    assert [c.value for c in ws[1]] == ["id", "nl", "ar", "staat", "waar"]
    line = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(line["examen.text"], 3).value = "هل قدّمت الامتحان؟"
    ws.cell(line["klacht.text"], 3).value = "هل كنت غير راضٍ عن {provider}؟"
    ws.cell(line["examen_hulp.text"], 3).value = "هل ساعدتك الدورة؟"  # a changed translation
    ws.cell(line["slot.text"], 2).value = "Dit waren mijn vragen."  # the Dutch of an older sheet
    ws.cell(line["slot.text"], 3).value = "انتهت أسئلتي."
    ws.cell(line["opmerking.text"], 3).value = "{provider}?"  # a fill its Dutch does not have
    wb.save(sheet)

    read = read_sheet(sheet)
    assert (read.form_id, read.language) == ("inburgering", "ar")
    result = tr.merge_rows(inburgering, "ar", start, read.rows)
    assert (result.changed, result.empty) == (3, 0)
    assert sorted((r.id, r.line) for r in result.refused) == [("opmerking.text", line["opmerking.text"]),
                                                              ("slot.text", line["slot.text"])]
    assert "veranderd sinds het blad" in next(r.reason for r in result.refused if r.id == "slot.text")
    back = tr.parse_translation(tr.dump_translation(inburgering, result.translation), "ar.yaml")
    assert {k: (e.source, e.text) for k, e in back.entries.items()} == \
        {k: (e.source, e.text) for k, e in result.translation.entries.items()}
    arabic = tr.localize(inburgering, back)
    assert arabic.question("examen").text == "هل قدّمت الامتحان؟"
    assert arabic.question("examen_hulp").text == "هل ساعدتك الدورة؟"
    assert arabic.question("slot").text == tr.localize(inburgering, current).question("slot").text  # kept
    assert tr.check_translation(inburgering, back).complete


def test_the_command_line_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``cati form translations FORM --lang en --out``, then ``--import``: written beside the form."""
    from openpyxl import load_workbook

    forms = tmp_path / "forms"
    forms.mkdir()
    shutil.copy(FORMS_DIR / "inburgering.yaml", forms / "inburgering.yaml")
    form_file = forms / "inburgering.yaml"
    assert _run(["form", "check", str(form_file)]) == 0
    assert "Vertalingen: geen (alleen Nederlands)" in capsys.readouterr().out

    sheet = tmp_path / "tr.xlsx"
    assert _run(["form", "translations", str(form_file), "--lang", "Turks", "--out", str(sheet)]) == 0
    wb = load_workbook(sheet)
    ws = wb.active
    assert ws is not None and ws.cell(1, 3).value == "tr"
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value == "identiteit.text":
            ws.cell(r, 3).value = "{client_name} ile mi görüşüyorum?"
    wb.save(sheet)
    assert _run(["form", "translations", str(form_file), "--import", str(sheet)]) == 0
    written = forms / "translations" / "inburgering.tr.yaml"
    translation = tr.load_translation(written)
    assert translation.status == tr.TO_CHECK and translation.entries["identiteit.text"].text.startswith("{client")
    capsys.readouterr()
    assert _run(["form", "check", str(form_file)]) == 0
    out = capsys.readouterr().out
    assert "tr (Turks): 1 van 63 teksten vertaald" in out and "ontbreekt: intro.text" in out
    # the Dutch changes after the sheet was made: importing the same sheet again refuses that row
    form_file.write_text(form_file.read_text(encoding="utf-8").replace(
        "text: Spreek ik met {client_name}?", "text: Spreek ik met {client_name} zelf?"), encoding="utf-8")
    assert load_form(form_file).question("identiteit").text.endswith("zelf?")
    assert _run(["form", "translations", str(form_file), "--import", str(sheet), "--checked"]) == 1
    captured = capsys.readouterr()
    assert "identiteit.text: de Nederlandse tekst is veranderd" in captured.err
    assert tr.load_translation(written).status == tr.CHECKED
    assert "verouderd, de Nederlandse tekst is veranderd: identiteit.text" in captured.out


def test_numbers_typed_on_an_arabic_keyboard() -> None:
    from decimal import Decimal

    from cati.interviews.rules.textinput import parse_number

    assert parse_number("٧٫٥") == Decimal("7.5") and parse_number("۸") == Decimal(8) and parse_number("٦,٥") == Decimal("6.5")


def test_walk_a_form_in_a_language(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("\n1\n"))
    form = str(FORMS_DIR / "inburgering.yaml")
    assert _run(["form", "walk", form, "--lang", "en", "--case", "client_name=A. Haddad"]) == 1  # input ended
    out = capsys.readouterr().out
    assert "[identiteit] Am I speaking with A. Haddad?" in out and "  1. Yes" in out
    assert _run(["form", "walk", form, "--lang", "tr"]) == 1
    assert "niet vertaald in 'tr' (wel in: ar, en)" in capsys.readouterr().err
