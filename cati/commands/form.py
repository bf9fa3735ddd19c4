"""``cati form check FILE``, ``cati form walk FILE`` and ``cati form translations FORM``: validate a
questionnaire and its translations, try it in a terminal, or hand a translator a spreadsheet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from cati.interviews.rules import (
    Answer,
    AnswerRejected,
    Form,
    FormLoadError,
    InputError,
    Interview,
    QType,
    Question,
    answer_label,
    load_form,
    parse_answer,
)
from cati.interviews.rules import translations as tr

HELP = """Invoer:
  nummer(s)  antwoordcode; bij meerkeuze meer codes met komma's (1,3)
  dk         weet niet          ref   wil niet zeggen
  <          terug naar de vorige vraag (antwoorden blijven bewaard)
  ?          deze hulp          stop  het interview afbreken
  Enter      verder bij een info-scherm of een niet-verplichte vraag"""


def register(subparsers: Any) -> None:
    """Add the ``form`` command (with ``check`` and ``walk``) to an argparse subparsers object."""
    parser = subparsers.add_parser("form", help="vragenlijsten controleren en uitproberen")
    sub = parser.add_subparsers(dest="form_command", required=True)
    check = sub.add_parser("check", help="een vragenlijst (YAML) controleren")
    check.add_argument("file")
    check.set_defaults(func=run_check)
    sheet = sub.add_parser("translations", help="vertaalblad (xlsx) voor een vertaler maken of inlezen")
    sheet.add_argument("form", help="de vragenlijst: een id (inburgering) of een bestand")
    sheet.add_argument("--lang", help="de taal van de vertaling (ISO 639-1, bijvoorbeeld ar)")
    what = sheet.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", metavar="BLAD.xlsx", help="schrijf het vertaalblad")
    what.add_argument("--import", dest="import_file", metavar="BLAD.xlsx", help="lees een ingevuld vertaalblad in")
    sheet.add_argument("--checked", action="store_true",
                       help="bij --import: de vertaling is door een vertaler nagekeken")
    sheet.set_defaults(func=run_translations)
    walk = sub.add_parser("walk", help="een vragenlijst in de terminal doorlopen")
    walk.add_argument("file")
    walk.add_argument("--case", action="append", default=[], metavar="VELD=WAARDE",
                      help="zaakveld, bijvoorbeeld --case service=3 --case provider=Acme")  # fmt: skip
    walk.add_argument("--lang", help="de vragenlijst in deze taal (een vertaling naast het formulier)")
    walk.set_defaults(func=run_walk)


def _load(path: str, err: TextIO) -> Form | None:
    try:
        return load_form(path)
    except FormLoadError as exc:
        for error in exc.errors:
            print(str(error), file=err)
        print(f"{len(exc.errors)} fout(en) gevonden.", file=err)
        return None


def translations_dir(form_file: str | Path) -> Path:
    """Where a form's translations are: ``translations/`` beside the form file."""
    return Path(form_file).parent / tr.DIRECTORY


def run_check(args: argparse.Namespace) -> int:
    """The form, then per language what its translation lacks; 1 when the form or a translation does
    not load (a missing or outdated text is reported, not an error: the Dutch shows)."""
    form = _load(args.file, sys.stderr)
    if form is None:
        return 1
    print(f"{form.id} (versie {form.version}): {form.title} - in orde")
    for q in form.questions:
        flags = " core" if q.core else ""
        flags += " closing" if q.closing else ""
        cond = f"  show_if: {q.show_if_source}" if q.show_if_source else ""
        print(f"  {q.var:<24} {q.type.value:<7}{flags}{cond}")
        for item in q.items:
            print(f"    {item.var:<22} (onderdeel)")
    try:
        found = tr.load_translations(translations_dir(args.file), form)
    except FormLoadError as exc:
        for error in exc.errors:
            print(str(error), file=sys.stderr)
        print(f"{len(exc.errors)} fout(en) in de vertalingen.", file=sys.stderr)
        return 1
    print("Vertalingen:" if found else "Vertalingen: geen (alleen Nederlands)")
    for language in sorted(found):
        for line in tr.check_translation(form, found[language]).lines():
            print(f"  {line}")
    return 0


def _find_form(ref: str) -> tuple[Form, Path]:
    """A form by file or by id (in the forms folder)."""
    from cati.commands.common import CommandError
    from cati.core.paths import forms_dir

    path = Path(ref)
    if not path.is_file():
        candidates = sorted([*forms_dir().glob("*.yaml"), *forms_dir().glob("*.yml")])
        path = next((p for p in candidates if p.stem == ref), Path(ref))
        if not path.is_file():
            for p in candidates:
                try:
                    if load_form(p).id == ref:
                        path = p
                        break
                except FormLoadError:
                    continue
    if not path.is_file():
        raise CommandError(f"Vragenlijst {ref!r} niet gevonden (geef een id of een bestand)")
    try:
        return load_form(path), path
    except FormLoadError as exc:
        raise CommandError("\n".join(str(e) for e in exc.errors)) from None


def run_translations(args: argparse.Namespace) -> int:
    """Write the translator's sheet (``--out``), or take a filled-in sheet back (``--import``): rows
    whose Dutch changed since the sheet was made are refused (exit 1), the rest is written."""
    from cati.commands.common import CommandError
    from cati.core.languages import SOURCE, is_known, name_nl, parse_language
    from cati.interviews.io.translation_sheet import SheetError, read_sheet, write_sheet

    form, path = _find_form(args.form)
    folder = translations_dir(path)
    language = parse_language(args.lang) if args.lang else None
    if args.lang and (language is None or language == SOURCE):
        raise CommandError(f"{args.lang!r} is geen taal om naar te vertalen (bijvoorbeeld ar, en, tr)")
    try:
        existing = tr.load_translations(folder, form)
    except FormLoadError as exc:
        raise CommandError("\n".join(str(e) for e in exc.errors)) from None
    if args.out:
        if language is None:
            raise CommandError("Geef de taal met --lang (bijvoorbeeld --lang ar)")
        rows = tr.sheet_rows(form, existing.get(language))
        write_sheet(args.out, form.id, language, rows)
        todo = sum(r.state != "vertaald" for r in rows)
        print(f"{len(rows)} teksten van {form.id} naar {args.out} ({name_nl(language)}); {todo} te vertalen")
        return 0
    try:
        sheet = read_sheet(args.import_file)
    except SheetError as e:
        raise CommandError(str(e)) from None
    if language is not None and language != sheet.language:
        raise CommandError(f"Het blad is een vertaling naar {sheet.language}, niet naar {language}")
    if sheet.form_id and sheet.form_id != form.id:
        raise CommandError(f"Het blad hoort bij vragenlijst {sheet.form_id}, niet bij {form.id}")
    assert is_known(sheet.language)
    result = tr.merge_rows(form, sheet.language, existing.get(sheet.language), sheet.rows,
                           status=tr.CHECKED if args.checked else None)
    target = folder / f"{form.id}.{sheet.language}.yaml"
    if result.changed or not target.exists() or args.checked:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(tr.dump_translation(form, result.translation), encoding="utf-8")
    print(f"{target}: {result.changed} teksten nieuw of gewijzigd, {result.unchanged} ongewijzigd, "
          f"{result.empty} leeg, {len(result.refused)} geweigerd")
    for refused in result.refused:
        print(f"  geweigerd: {refused}", file=sys.stderr)
    report = tr.check_translation(form, result.translation)
    for line in report.lines():
        print(line)
    return 1 if result.refused else 0


def _parse_case(pairs: list[str]) -> dict[str, str]:
    case: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--case verwacht VELD=WAARDE, niet '{pair}'")
        case[key.strip()] = value.strip()
    return case


class _Walk:
    def __init__(self, interview: Interview, inp: TextIO, out: TextIO) -> None:
        self.iv = interview
        self.inp = inp
        self.out = out

    def say(self, text: str = "") -> None:
        print(text, file=self.out)

    def ask(self, prompt: str) -> str | None:
        self.out.write(prompt)
        self.out.flush()
        line = self.inp.readline()
        return None if line == "" else line.rstrip("\n").strip()

    def show(self, q: Question) -> None:
        self.say()
        self.say(f"[{q.var}] {self.iv.text(q)}")
        if q.instruction:
            self.say(f"  ({self.iv.render(q.instruction)})")
        if q.type is QType.MULTI:
            self.say("  (meer antwoorden mogelijk)")
        for opt in q.options:
            self.say(f"  {opt.code}. {self.iv.render(opt.label)}")
        if q.type in (QType.GRADE, QType.NUMBER) and q.min is not None and q.max is not None:
            self.say(f"  ({q.min} t/m {q.max})")

    def other_text(self, q: Question, answer: Answer) -> Answer | None:
        other = q.other_option
        chosen = answer.codes if q.type is QType.MULTI else (answer.code,)
        if other is None or other.code not in chosen or answer.other_text:
            return answer
        text = self.ask("  namelijk: ")
        if text is None:
            return None
        return Answer(code=answer.code, codes=answer.codes, other_text=text)

    def grid(self, q: Question) -> bool | None:
        """Ask each item; True when stored, False when the interviewer went back, None at end of input."""
        values: dict[str, Answer] = {}
        i = 0
        while i < len(q.items):
            item = q.items[i]
            line = self.ask(f"  {item.text}: ")
            if line is None:
                return None
            if line == "<":
                if i == 0:
                    self.iv = self.iv.back()
                    return False
                i -= 1
                continue
            if line == "?":
                self.say(HELP)
                continue
            try:
                values[item.var] = parse_answer(q, line)
            except InputError as exc:
                self.say(f"  ! {exc}")
                continue
            i += 1
        try:
            self.iv = self.iv.answer(values)
        except AnswerRejected as exc:
            for msg in exc.messages:
                self.say(f"  ! {msg}")
        return True

    def run(self) -> int:
        while not self.iv.finished:
            q = self.iv.question
            assert q is not None
            self.show(q)
            if q.type is QType.GRID:
                result = self.grid(q)
                if result is None:
                    return self.stop("Invoer beëindigd.", 1)
                continue
            line = self.ask("> ")
            if line is None:
                return self.stop("Invoer beëindigd.", 1)
            if line == "<":
                self.iv = self.iv.back()
                continue
            if line == "?":
                self.say(HELP)
                continue
            if line.lower() == "stop":
                return self.stop("Interview afgebroken.", 0)
            try:
                if not line and (q.type is QType.INFO or not q.required):
                    self.iv = self.iv.next()
                    continue
                answer = self.other_text(q, parse_answer(q, line))
                if answer is None:
                    return self.stop("Invoer beëindigd.", 1)
                self.iv = self.iv.answer(answer)
            except InputError as exc:
                self.say(f"  ! {exc}")
            except AnswerRejected as exc:
                for msg in exc.messages:
                    self.say(f"  ! {msg}")
        return self.stop("Einde van de vragenlijst.", 0)

    def stop(self, message: str, code: int) -> int:
        self.say()
        self.say(message)
        self.say("Antwoorden:")
        split = self.iv.split()
        for var in split.on_route:
            self.say(f"  {var} = {answer_label(self.iv.form, var, self.iv.answers[var])}")
        if split.off_route:
            self.say("Buiten de route (niet in de export): " + ", ".join(split.off_route))
        self.say("Volledig interview: " + ("ja" if self.iv.is_complete else "nee"))
        return code


def run_walk(args: argparse.Namespace) -> int:
    form = _load(args.file, sys.stderr)
    if form is None:
        return 1
    try:
        case = _parse_case(args.case)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if getattr(args, "lang", None):
        from cati.core.languages import parse_language

        language = parse_language(args.lang)
        try:
            found = tr.load_translations(translations_dir(args.file), form)
        except FormLoadError as exc:
            for error in exc.errors:
                print(str(error), file=sys.stderr)
            return 1
        if language not in found:
            print(f"{form.id} is niet vertaald in '{args.lang}' (wel in: {', '.join(sorted(found)) or 'geen taal'})",
                  file=sys.stderr)
            return 1
        form = tr.localize(form, found[language])
    print(f"{form.title} (typ ? voor hulp)")
    return _Walk(Interview.start(form, case), sys.stdin, sys.stdout).run()
