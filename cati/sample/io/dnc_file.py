"""Read a do-not-call list (the research opt-out list): one number per line, any format.

The bytes are read as client files are (:mod:`cati.sample.io.text_file`: UTF-8, Windows-1252 line by
line, UTF-16 with or without a byte-order mark; a binary file is refused). Empty lines and lines
starting with ``#`` are no data. Every other line is exactly one of: a line with a number (its numbers,
and any part that is no number as a problem), a line that repeats numbers of earlier lines (a
duplicate), or a line without any number (rejected, with the reason). :class:`DncFile` counts them,
and :meth:`DncFile.check` says they add up to the data lines.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from cati.sample.io.errors import ClientFileError
from cati.sample.io.text_file import decode_text, file_kind
from cati.sample.rules.accounting import AccountingError
from cati.sample.rules.phones import parse_phone_cell

MAX_FILE_BYTES = 64 * 1024 * 1024
_INVISIBLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff]")


@dataclass(frozen=True)
class DncLine:
    line: int
    numbers: tuple[str, ...]  # E.164, in line order
    problems: tuple[str, ...]  # parts of the line that are no number, with the reason (Dutch)


@dataclass
class DncFile:
    name: str
    encoding: str
    lines: list[DncLine] = field(default_factory=list)  # the data lines (not empty, no comment)
    with_number: int = 0
    duplicate_lines: int = 0
    rejected_lines: int = 0

    @property
    def numbers(self) -> list[str]:
        """Every distinct number, in the order of the file."""
        return list(dict.fromkeys(n for ln in self.lines for n in ln.numbers))

    def check(self) -> None:
        if self.with_number + self.duplicate_lines + self.rejected_lines != len(self.lines):
            raise AccountingError(
                f"De telling van de niet-bellen-lijst klopt niet ({len(self.lines)} regels, {self.with_number} "
                f"met een nummer, {self.duplicate_lines} dubbel, {self.rejected_lines} zonder nummer); er is niets "
                "opgeslagen. Dit is een fout in cati: meld het, met het bestand.")


def read_do_not_call(path: str | Path) -> DncFile:
    """The list in ``path``; ClientFileError when it is no readable text file."""
    p = Path(path)
    if not p.is_file():
        raise ClientFileError(f"Bestand '{p.name}' bestaat niet of is geen bestand.")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ClientFileError(f"'{p.name}' is groter dan {MAX_FILE_BYTES // (1024 * 1024)} MB; dat is geen "
                              "niet-bellen-lijst van één nummer per regel.")
    data = p.read_bytes()
    if file_kind(data, p.name, p.suffix.lower()) != "text":
        raise ClientFileError(f"'{p.name}' is een Excel-werkmap; een niet-bellen-lijst is een tekstbestand met één "
                              "nummer per regel. Sla de kolom met nummers op als tekst (.txt of .csv).")
    decoded = decode_text(data, p.name, "Een niet-bellen-lijst is een tekstbestand (.txt of .csv) met één nummer per "
                                        "regel.")
    out = DncFile(p.name, decoded.encoding)
    seen: set[str] = set()
    for n, raw in enumerate(io.StringIO(decoded.text, newline=""), start=1):
        text = _INVISIBLE.sub("", raw).strip().strip('"').strip()
        if not text or text.startswith("#"):
            continue
        cell = parse_phone_cell(text)
        numbers = tuple(dict.fromkeys(ph.e164 for ph in cell.phones))
        problems = tuple(f"'{prob.raw}': {prob.reason}" for prob in cell.problems)
        out.lines.append(DncLine(n, numbers, problems))
        if not numbers:
            out.rejected_lines += 1
        elif seen.issuperset(numbers):
            out.duplicate_lines += 1
        else:
            out.with_number += 1
        seen.update(numbers)
    out.check()
    return out
