"""Cells of the files cati writes for spreadsheets (exports, codebooks, the rejects file, billing and
report files): text stays text, and nothing in them runs.

Names, notes and open answers come from outside. A spreadsheet that opens a CSV file takes a cell that
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return for a formula (OWASP, "CSV
Injection"): :func:`csv_cell` puts an apostrophe before such a text, which Excel, LibreOffice and
Google Sheets show as text. Numbers are not touched: not the ones cati writes as numbers, and not a
text that is a plain number (``-42.50``, a correction on a statement; ``--``, no figure), which a
spreadsheet reads as that number and which cannot run anything. A phone number in E.164 (``+316…``)
does get the apostrophe: it stays text instead of turning into 3.16E+10.

In XLSX every text is written as a string cell (the writers set its type, so a leading ``=`` is no
formula and needs no apostrophe: the value stays exactly as it was). XML cannot hold most control
characters (an ANSI escape code in a name, a NUL; a carriage return it turns into a line feed):
:func:`xlsx_text` writes them as the escape the format has for them, ``_x001B_``, which Excel reads
back as the character; an ``_x…_`` that was
already in the text is escaped itself (``_x005F_``), so it reads back unchanged.
"""

from __future__ import annotations

import re
from typing import TypeVar

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-+|-?[0-9]+(?:[.,][0-9]+)*")
_XLSX_ESCAPE = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")

T = TypeVar("T")


def csv_cell(value: T) -> T | str:
    """A value for a CSV cell: a text a spreadsheet would take for a formula gets a leading apostrophe;
    anything else (numbers, None, ordinary text) is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values: list[T] | tuple[T, ...]) -> list[T | str]:
    """:func:`csv_cell` of every value of a row."""
    return [csv_cell(v) for v in values]


def needs_csv_guard(text: str) -> bool:
    """Whether a text would be changed by :func:`csv_cell`."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def xlsx_formula_like(text: str) -> bool:
    """Whether a writer that types cells by their value (openpyxl) would make this text a formula, or
    cannot write it as it is: such a text must be written as an explicit string cell."""
    return text.startswith("=") or _XLSX_ESCAPE.search(text) is not None


def xlsx_text(text: str) -> str:
    """A text as an XLSX string cell can hold it (see the module docstring)."""
    return _XLSX_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
