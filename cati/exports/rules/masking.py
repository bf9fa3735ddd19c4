"""Open answers in an anonymous export: what a respondent said may hold a phone number, an e-mail
address or their own name. Masking replaces them with ``[telefoonnummer]``, ``[e-mail]``, ``[naam]``.

Pure text rules, tuned to over-mask rather than to miss: any run of at least nine digits with the
separators people type between them (spaces, dashes, dots, slashes, brackets, a leading ``+`` or
``00``) is a phone number; anything shaped like ``name@domain.tld`` is an e-mail address; the
client's full name and each of its parts of three letters or more (not the Dutch particles *van*,
*de*, *der*, …) are the name, as whole words, in any case.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cati.interviews.rules.record import csv_line

PHONE = "[telefoonnummer]"
EMAIL = "[e-mail]"
NAME = "[naam]"

_EMAIL = re.compile(r"[\w.+'-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*\.\s*[\w-]+)+", re.IGNORECASE)
_PHONE = re.compile(r"(?<![\w])(?:\+|00)?\(?\d(?:[\s\-./()]{0,3}\d){8,}(?![\w])")
_PARTICLES = frozenset({"van", "der", "den", "de", "het", "ter", "ten", "te", "op", "in", "la", "le", "du", "da",
                        "di", "del", "dos", "el", "al", "bin", "ben", "von", "zu", "vd", "v.d."})
_LETTERS = re.compile(r"[^\W\d_]")  # a letter: a record line without one holds no open answer

#: what the codebook says about masked open answers
NOTE = ("Open antwoorden (tekst) zijn gemaskeerd: telefoonnummers -> [telefoonnummer], e-mailadressen -> "
        "[e-mail], de naam van de cliënt -> [naam]. Een supervisor kan onbewerkte open antwoorden "
        "exporteren (--open-answers raw); dat komt in de audittrail.")


def name_parts(name: str | None) -> tuple[str, ...]:
    """The full name and its parts worth masking, longest first."""
    if not name or not name.strip():
        return ()
    full = " ".join(name.split())
    parts = {p for p in re.split(r"[\s,.'-]+", full) if len(p) >= 3 and p.lower() not in _PARTICLES}
    return tuple(sorted({full, *parts}, key=len, reverse=True))


def mask_text(text: str, names: Sequence[str] = ()) -> str:
    """``text`` with e-mail addresses, phone numbers and the given names masked."""
    text = _EMAIL.sub(EMAIL, text)
    text = _PHONE.sub(PHONE, text)
    for name in names:
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", NAME, text, flags=re.IGNORECASE)
    return text


@dataclass(frozen=True)
class LineMasker:
    """Masks the text fields of export record lines (``record.csv_line`` format) at ``text_fields``."""

    text_fields: tuple[int, ...]

    def mask(self, line: str, names: Sequence[str]) -> str:
        if not self.text_fields or not line or not _LETTERS.search(line):
            return line  # codes and numbers only: nothing anyone said
        [fields] = list(csv.reader([line]))
        changed = False
        for i in self.text_fields:
            if i < len(fields) and fields[i]:
                masked = mask_text(fields[i], names)
                changed |= masked != fields[i]
                fields[i] = masked
        return csv_line(_typed(fields)) if changed else line


def _typed(fields: Iterable[str]) -> Iterable[str | None]:
    """Fields as ``csv_line`` writes them back (an empty field stays empty)."""
    return (f if f != "" else None for f in fields)
