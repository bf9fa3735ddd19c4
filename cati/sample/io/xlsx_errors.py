"""What python-calamine does not tell about a workbook: where it holds Excel error values (``#N/B``,
``#DEEL/0!``, ``#WAARDE!`` …), formulas without a computed value, and merged cells.

python-calamine reads an error cell as an empty cell. For a client file that is not the same: a failed
lookup (``=VERT.ZOEKEN(…)`` giving ``#N/B``) in "telefonisch" or "vragenlijst" would read as empty and
so as the default (``nee``, ``regulier``), and the row would be accepted with a value nobody gave.
openpyxl gave the error text, which the row checks reject with a message. This module finds the error
cells, so that the reader can put their text back; it reads a worksheet's XML only when its bytes
hold an error cell (``t="e"``), so an ordinary workbook costs one look for those bytes per sheet.
Elements are matched by local name, so Strict Open XML (another namespace) is read the same way.

A formula without a computed value (a workbook written by a program that does not calculate, such as
openpyxl or pandas, and never opened in Excel) reads as an empty cell too: :func:`workbook_notes`
finds them (a ``<f>`` with no ``<v>``, or an empty ``<v>`` where the result is no text), so the reader
can refuse the file instead of reading "nothing". It also lists the merged cells (``<mergeCell>``),
whose covered cells python-calamine reads as empty. Both are found with one regular expression over
the worksheet's bytes, and only in a worksheet whose bytes hold a formula or a merge.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse

_ERROR_MARKS = (b't="e"', b"t='e'")
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")

#: what reading a damaged zip package can raise (zipfile's own errors, a cut-off stream, a compression
#: method or zip version it does not know, an encrypted member): the file is damaged, not cati
ZIP_ERRORS: tuple[type[BaseException], ...] = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
                                                zlib.error, NotImplementedError, RuntimeError)

_DAMAGED_PART: tuple[type[BaseException], ...] = (*ZIP_ERRORS, ParseError)

ErrorCells = dict[int, dict[int, str]]  # row -> column -> error text, both 0-based
Range = tuple[int, int, int, int]  # first row, first column, last row, last column; 0-based

_FORMULA_END = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?"
                          rb"\s*</(?:\w+:)?c>")
_FORMULA_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*)>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)\s*"
                           rb"(<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>", re.S)
_ATTR_R = re.compile(rb"""\br=["']([A-Z]{1,3})(\d+)["']""")
_ATTR_T = re.compile(rb"""\bt=["'](\w+)["']""")
_MERGE = re.compile(rb"""<(?:\w+:)?mergeCell\b[^>]*?\bref=["']([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?["']""")


@dataclass
class SheetNotes:
    """What one worksheet holds that python-calamine reads as empty cells."""

    errors: ErrorCells = field(default_factory=dict)
    uncomputed: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> formula
    merged: tuple[Range, ...] = ()


class UnplacedErrorCells(Exception):
    """A worksheet holds error values, formulas without a value or merged cells, but the package does not
    say which sheet it is."""


def workbook_notes(path: Path) -> dict[str, SheetNotes]:
    """Error cells, formulas without a computed value and merged cells of each worksheet (by sheet name)
    that has any; {} for most workbooks. UnplacedErrorCells when a worksheet holds some but cannot be
    tied to a sheet name (rather than letting them read as empty). A package that is no zip at all, or
    a damaged one, gives {}: the cell reader refuses it."""
    try:
        zf = zipfile.ZipFile(path)
    except ZIP_ERRORS:
        return {}
    with zf:
        found: dict[str, SheetNotes] = {}
        try:
            for part in (n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")):
                data = zf.read(part)
                notes = _notes(data)
                if _marked(data):
                    notes = notes or SheetNotes()
                    notes.errors = _errors_in(zf, part)
                if notes is not None:
                    found[part] = notes
        except _DAMAGED_PART:
            return {}  # a damaged part: the cell reader says the file is damaged
        if not found:
            return {}
        try:
            names = {part: title for title, part in _sheet_parts(zf).items()}
        except (KeyError, ParseError, ValueError) as exc:
            raise UnplacedErrorCells(str(exc)) from exc
        if not set(found) <= set(names):
            raise UnplacedErrorCells(", ".join(sorted(set(found) - set(names))))
        return {names[part]: notes for part, notes in found.items()}


def _notes(data: bytes) -> SheetNotes | None:
    notes = SheetNotes()
    if _FORMULA_END.search(data):
        for m in _FORMULA_CELL.finditer(data):
            attrs, formula, empty_value = m.group(1), m.group(2), m.group(3)
            kind = _ATTR_T.search(attrs)
            if empty_value is not None and kind is not None and kind.group(1) == b"str":
                continue  # a formula whose computed value is the empty text
            ref = _ATTR_R.search(attrs)
            where = (int(ref.group(2)) - 1, _column(ref.group(1).decode())) if ref else (-1, -1)
            notes.uncomputed[where] = unescape((formula or b"").decode("utf-8", errors="replace"))
    if b"mergeCell" in data:
        ranges = []
        for m in _MERGE.finditer(data):
            first_col, first_row = _column(m.group(1).decode()), int(m.group(2)) - 1
            last_col = _column(m.group(3).decode()) if m.group(3) else first_col
            last_row = int(m.group(4)) - 1 if m.group(4) else first_row
            ranges.append((first_row, first_col, last_row, last_col))
        notes.merged = tuple(ranges)
    return notes if notes.uncomputed or notes.merged else None


def cell_name(row: int, col: int) -> str:
    """0-based (row, column) -> ``G5``."""
    letters = ""
    n = col + 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _marked(data: bytes) -> bool:
    return any(mark in data for mark in _ERROR_MARKS)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the package (``xl/worksheets/sheet1.xml``)."""
    workbook = fromstring(zf.read("xl/workbook.xml"))
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.iter():
        if _local(rel.tag) == "Relationship":
            target = rel.get("Target") or ""
            targets[rel.get("Id") or ""] = target[1:] if target.startswith("/") else posixpath.normpath(
                posixpath.join("xl", target))
    sheets: list[Element] = [el for el in workbook.iter() if _local(el.tag) == "sheet"]
    out = {}
    for sheet in sheets:
        rid = next((v for k, v in sheet.attrib.items() if _local(k) == "id"), "")
        out[sheet.get("name") or ""] = targets.get(rid, "")
    return out


def _errors_in(zf: zipfile.ZipFile, part: str) -> ErrorCells:
    """Error cells of one worksheet. Cells are placed by their reference (``B7``), or, without one, after
    the previous cell of the row, as spreadsheet programs read them."""
    found: ErrorCells = {}
    row = -1
    with zf.open(part) as src:
        for _, el in iterparse(src):
            if _local(el.tag) != "row":
                continue
            r = el.get("r")
            row = int(r) - 1 if r and r.isdigit() else row + 1
            col = -1
            for cell in el:
                if _local(cell.tag) != "c":
                    continue
                m = _REF.match(cell.get("r") or "")
                col = _column(m.group(1)) if m else col + 1
                if cell.get("t") == "e":
                    text = next((v.text for v in cell if _local(v.tag) == "v"), None)
                    if text:
                        found.setdefault(row, {})[col] = text
            el.clear()
    return found


def _column(letters: str) -> int:
    """``A`` -> 0, ``Z`` -> 25, ``AA`` -> 26."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
