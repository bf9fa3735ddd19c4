"""Where a workbook holds Excel error values (``#N/B``, ``#DEEL/0!``, ``#WAARDE!`` …).

python-calamine reads an error cell as an empty cell. For a client file that is not the same: a failed
lookup (``=VERT.ZOEKEN(…)`` giving ``#N/B``) in "telefonisch" or "vragenlijst" would read as empty and
so as the default (``nee``, ``regulier``), and the row would be accepted with a value nobody gave.
openpyxl gave the error text, which the row checks reject with a message. This module finds the error
cells, so that the reader can put their text back; it reads a worksheet's XML only when its bytes
hold an error cell (``t="e"``), so an ordinary workbook costs one look for those bytes per sheet.
Elements are matched by local name, so Strict Open XML (another namespace) is read the same way.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse

_ERROR_MARKS = (b't="e"', b"t='e'")
_REF = re.compile(r"([A-Z]{1,3})(\d+)$")

ErrorCells = dict[int, dict[int, str]]  # row -> column -> error text, both 0-based


class UnplacedErrorCells(Exception):
    """A worksheet holds error values, but the package does not say which sheet it is."""


def error_cells(path: Path) -> dict[str, ErrorCells]:
    """The error cells of each worksheet (by sheet name) that has any; {} for most workbooks.
    UnplacedErrorCells when a worksheet holds some but cannot be tied to a sheet name (rather than
    letting them read as empty). A package that is no zip at all gives {}: the cell reader refuses it."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return {}
    with zf:
        parts = [name for name in zf.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
        marked = {name for name in parts if _marked(zf.read(name))}
        if not marked:
            return {}
        try:
            names = _sheet_parts(zf)
            found = {title: _errors_in(zf, part) for title, part in names.items() if part in marked}
        except (KeyError, ParseError, ValueError) as exc:
            raise UnplacedErrorCells(str(exc)) from exc
        if not marked <= set(names.values()):
            raise UnplacedErrorCells(", ".join(sorted(marked - set(names.values()))))
        return {title: cells for title, cells in found.items() if cells}


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
