"""Where a workbook holds Excel error values (``#N/B``, ``#DEEL/0!``, ``#WAARDE!`` …).

python-calamine reads an error cell as an empty cell. For a client file that is not the same: a failed
lookup (``=VERT.ZOEKEN(…)`` giving ``#N/B``) in "telefonisch" or "vragenlijst" would read as empty and
so as the default (``nee``, ``regulier``), and the row would be accepted with a value nobody gave.
openpyxl gave the error text, which the row checks reject with a message. This module finds the error
cells, so that the reader can put their text back; it reads a worksheet's XML only when its bytes
hold an error cell (``t="e"``), so an ordinary workbook costs one look for those four bytes per sheet.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_ROW, _CELL, _VALUE = _MAIN + "row", _MAIN + "c", _MAIN + "v"
_ERROR_MARKS = (b't="e"', b"t='e'")
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")

ErrorCells = dict[int, dict[int, str]]  # row -> column -> error text, both 0-based


def error_cells(path: Path) -> dict[str, ErrorCells]:
    """The error cells of each worksheet (by sheet name) that has any; {} for most workbooks. Parts it
    cannot read are left out (the cell reader reports a broken workbook itself)."""
    try:
        with zipfile.ZipFile(path) as zf:
            parts = [name for name in zf.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
            marked = {name for name in parts if _marked(zf.read(name))}
            if not marked:
                return {}
            out: dict[str, ErrorCells] = {}
            for title, part in _sheet_parts(zf).items():
                if part in marked:
                    found = _errors_in(zf, part)
                    if found:
                        out[title] = found
            return out
    except (zipfile.BadZipFile, KeyError, OSError, ParseError):
        return {}


def _marked(data: bytes) -> bool:
    return any(mark in data for mark in _ERROR_MARKS)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the package (``xl/worksheets/sheet1.xml``)."""
    workbook = fromstring(zf.read("xl/workbook.xml"))
    rels = fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.iter(_PKG_REL + "Relationship"):
        target = rel.get("Target") or ""
        targets[rel.get("Id") or ""] = target[1:] if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target))
    sheets: list[Element] = list(workbook.iter(_MAIN + "sheet"))
    return {s.get("name") or "": targets.get(s.get(_DOC_REL_ID) or "", "") for s in sheets}


def _errors_in(zf: zipfile.ZipFile, part: str) -> ErrorCells:
    """Error cells of one worksheet. Cells are placed by their reference (``B7``), or, without one, after
    the previous cell of the row, as spreadsheet programs read them."""
    found: ErrorCells = {}
    row = -1
    with zf.open(part) as src:
        for _, el in iterparse(src):
            if el.tag != _ROW:
                continue
            r = el.get("r")
            row = int(r) - 1 if r and r.isdigit() else row + 1
            col = -1
            for cell in el.iter(_CELL):
                m = _REF.match(cell.get("r") or "")
                col = _column(m.group(1)) if m else col + 1
                if cell.get("t") == "e":
                    text = cell.findtext(_VALUE)
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
