"""``cati form check FILE`` and ``cati form walk FILE``: validate a questionnaire, or try it in a terminal."""

from __future__ import annotations

import argparse
import sys
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
    walk = sub.add_parser("walk", help="een vragenlijst in de terminal doorlopen")
    walk.add_argument("file")
    walk.add_argument("--case", action="append", default=[], metavar="VELD=WAARDE",
                      help="zaakveld, bijvoorbeeld --case service=3 --case provider=Acme")  # fmt: skip
    walk.set_defaults(func=run_walk)


def _load(path: str, err: TextIO) -> Form | None:
    try:
        return load_form(path)
    except FormLoadError as exc:
        for error in exc.errors:
            print(str(error), file=err)
        print(f"{len(exc.errors)} fout(en) gevonden.", file=err)
        return None


def run_check(args: argparse.Namespace) -> int:
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
    return 0


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
    print(f"{form.title} (typ ? voor hulp)")
    return _Walk(Interview.start(form, case), sys.stdin, sys.stdout).run()
