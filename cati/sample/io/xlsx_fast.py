"""A fast reader for the cell values of .xlsx/.xlsm workbooks: zipfile + ElementTree ``iterparse``.

It gives exactly the rows openpyxl gives for ``load_workbook(path, read_only=True, data_only=True)`` and
``ws.iter_rows(min_row=1, values_only=True)`` (same sheets in the same order, same padding to the sheet's
``<dimension>``, same value types: shared/inline/formula strings, ``int`` or ``float`` as openpyxl casts
them, ``bool``, ``datetime``/``time``/``timedelta`` for date-styled numbers in the 1900 or 1904 system),
at about a third of the cost. Anything it does not understand raises ``XlsxUnsupported`` so the caller
can fall back to openpyxl; that can happen while iterating too (the caller then continues with openpyxl
after the rows it already has, see ``cati.sample.io.client_file``).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Generator, Iterator
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError, fromstring, iterparse

__all__ = ["XlsxUnsupported", "FastWorkbook", "FastSheet"]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"

_ROW, _C, _V, _IS, _T = _MAIN + "row", _MAIN + "c", _MAIN + "v", _MAIN + "is", _MAIN + "t"
_DIMENSION, _SHEET_DATA, _SI = _MAIN + "dimension", _MAIN + "sheetData", _MAIN + "si"

_WORKBOOK_TYPES = tuple(
    f"application/vnd.{kind}.main+xml" for kind in (
        "ms-excel.template.macroEnabled", "openxmlformats-officedocument.spreadsheetml.template",
        "ms-excel.sheet.macroEnabled", "openxmlformats-officedocument.spreadsheetml.sheet"))
_SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"

_WINDOWS_EPOCH = datetime(1899, 12, 30)
_MAC_EPOCH = datetime(1904, 1, 1)
_MIDNIGHT = time()
_SECS_PER_DAY = 86400

# Excel's built-in number formats that are dates or times (ids 14-22, 45-47); 46 is also a duration.
_BUILTIN_FORMATS = {14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
                    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm", 45: "mm:ss",
                    46: "[h]:mm:ss", 47: "mmss.0"}
_STRIP_RE = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')  # quoted text, [Red]/[$-413] etc.
_DATE_TOKEN_RE = re.compile(r"(?<![_\\])[dmhysDMHYS]")
_TIMEDELTA_RE = re.compile(r"\[hh?\](:mm(:ss(\.0*)?)?)?|\[mm?\](:ss(\.0*)?)?|\[ss?\](\.0*)?", re.I)
_REF_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?$")
_DIGITS = "0123456789"


class XlsxUnsupported(Exception):
    """This reader does not understand the file (or a cell in it); read it with openpyxl instead."""


def is_date_format(fmt: str | None) -> bool:
    """A number format shows dates/times: d, m, y, h or s outside quotes, brackets and ``_x``/``\\x``."""
    if fmt is None:
        return False
    return _DATE_TOKEN_RE.search(_STRIP_RE.sub("", fmt.split(";")[0])) is not None


def is_timedelta_format(fmt: str | None) -> bool:
    return fmt is not None and _TIMEDELTA_RE.search(fmt.split(";")[0]) is not None


def _column_number(letters: str) -> int | None:
    """'A' -> 1 ... 'ZZZ' -> 18278 (upper case only, as openpyxl); None if not a column."""
    if not (0 < len(letters) <= 3 and letters.isascii() and letters.isalpha() and letters.isupper()):
        return None
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _from_excel(value: float, epoch: datetime, as_timedelta: bool) -> datetime | time | timedelta:
    """Excel serial -> datetime (time for 0 <= value < 1), honouring the 1900 leap-year bug."""
    if as_timedelta:
        td = timedelta(days=value)
        if td.microseconds:
            td = timedelta(seconds=td.total_seconds() // 1, microseconds=round(td.microseconds, -3))
        return td
    day, fraction = divmod(value, 1)
    diff = timedelta(milliseconds=round(fraction * _SECS_PER_DAY * 1000))
    if 0 <= value < 1 and diff.days == 0:
        mins, seconds = divmod(diff.seconds, 60)
        hours, mins = divmod(mins, 60)
        return time(hours, mins, seconds, diff.microseconds)
    if 0 < value < 60 and epoch == _WINDOWS_EPOCH:
        day += 1  # Excel counts 29 February 1900, which did not exist
    return epoch + timedelta(days=day) + diff


def _localname(tag: str) -> str:
    return tag.rpartition("}")[2]


def _text_content(node: Element) -> str:
    """Text of an ``<si>``/``<is>``: the plain ``<t>`` then the ``<t>`` of each rich-text run ``<r>``
    (phonetic runs left out), as openpyxl's ``Text.content``."""
    plain: str | None = None
    runs: list[str] = []
    for child in node:
        name = _localname(child.tag)
        if name == "t":
            plain = child.text
        elif name == "r":
            run: str | None = None
            for sub in child:
                if _localname(sub.tag) == "t":
                    run = sub.text
            if run is not None:
                runs.append(run)
    return "".join(runs) if plain is None else plain + "".join(runs)


def _parse_xml(data: bytes) -> Element:
    try:
        return fromstring(data)
    except ParseError as exc:
        raise XlsxUnsupported(f"XML: {exc}") from exc


class FastSheet:
    """One worksheet; iterate ``iter_rows()`` (a fresh pass each call)."""

    def __init__(self, book: FastWorkbook, title: str, part: str) -> None:
        self._book = book
        self.title = title
        self._part = part
        self._dims: tuple[int, int, int, int] | None = None
        self._row_before_dimension = False
        self._read_dimension()

    @property
    def max_row(self) -> int | None:
        return None if self._dims is None else self._dims[3]

    @property
    def max_column(self) -> int | None:
        return None if self._dims is None else self._dims[2]

    def _events(self) -> Generator[tuple[str, Element], None, None]:
        src = self._book.open_part(self._part)
        try:
            yield from iterparse(src)
        except ParseError as exc:
            raise XlsxUnsupported(f"{self._part}: {exc}") from exc
        finally:
            src.close()

    def _read_dimension(self) -> None:
        """The first <dimension> before the rows, as openpyxl takes it (it pads and cuts rows to it)."""
        events = self._events()
        try:
            for _, el in events:
                tag = el.tag
                if tag == _DIMENSION:
                    self._dims = _parse_ref(el.get("ref"))
                    return
                if tag == _ROW:
                    self._row_before_dimension = True
                    return
                if tag == _SHEET_DATA:
                    return
        finally:
            events.close()

    def iter_rows(self) -> Iterator[tuple[object, ...]]:
        """Rows from row 1 on, like openpyxl's ``iter_rows(min_row=1, values_only=True)``: missing rows
        come as empty rows so that row n is the n-th item; cells are placed by their reference."""
        book = self._book
        strings = book.shared_strings
        date_styles = book.date_styles
        timedelta_styles = book.timedelta_styles
        epoch = book.epoch
        cols = _COLS
        dims = self._dims
        max_col = None if dims is None else dims[2]
        max_row = None if dims is None else dims[3]
        empty_row: tuple[object, ...] = () if max_col is None else (None,) * max_col
        watch_dimension = self._row_before_dimension
        row_tag, c_tag, v_tag, is_tag, t_tag = _ROW, _C, _V, _IS, _T
        counter = 1
        idx = 1
        row_counter = 0
        events = self._events()
        try:
            for _, el in events:
                if el.tag != row_tag:
                    if watch_dimension:
                        if el.tag == _DIMENSION:
                            raise XlsxUnsupported("dimension after the first row")
                        if el.tag == _SHEET_DATA:
                            watch_dimension = False
                    continue
                r = el.get("r")
                if r is None:
                    row_counter += 1
                else:
                    try:
                        row_counter = int(r)
                    except ValueError:
                        raise XlsxUnsupported(f"row number {r!r}") from None
                idx = row_counter
                if max_row is not None and idx > max_row:
                    break
                while counter < idx:
                    counter += 1
                    yield empty_row
                if counter > idx:  # a row out of order or twice: openpyxl skips it
                    el.clear()
                    continue
                counter += 1
                values: list[object] = []
                col = 0
                for c in el:
                    if c.tag != c_tag:
                        raise XlsxUnsupported(f"<{c.tag}> in a row")
                    ref = c.get("r")
                    if ref is None:
                        col += 1
                    else:
                        letters = ref.rstrip(_DIGITS)
                        n = cols.get(letters)
                        if n is None:
                            n = _column_number(letters)
                            if n is None:
                                raise XlsxUnsupported(f"cell reference {ref!r}")
                            cols[letters] = n
                        if len(letters) == len(ref):
                            raise XlsxUnsupported(f"cell reference {ref!r}")
                        col = n
                    t = c.get("t")
                    value: object
                    if t == "inlineStr":
                        node = c.find(is_tag)
                        if node is None:
                            value = None
                        elif len(node) == 1 and node[0].tag == t_tag:  # the usual <is><t>..</t></is>
                            value = node[0].text or ""
                        else:
                            value = _text_content(node)
                    else:
                        value = c.findtext(v_tag) or None
                        if value is not None:
                            try:
                                if t is None or t == "n":
                                    if "." in value or "E" in value or "e" in value:
                                        value = float(value)
                                    else:
                                        value = int(value)
                                    if date_styles:
                                        s = c.get("s")
                                        if s and int(s) in date_styles:
                                            value = _from_excel(value, epoch, int(s) in timedelta_styles)
                                elif t == "s":
                                    value = strings[int(value)]
                                elif t == "b":
                                    value = bool(int(value))
                                elif t == "d":
                                    raise XlsxUnsupported("ISO 8601 date cell")
                            except (ValueError, IndexError, OverflowError) as exc:
                                raise XlsxUnsupported(f"cell {ref}: {exc}") from None
                    n_values = len(values)
                    if col == n_values + 1:
                        values.append(value)
                    elif col > n_values:
                        values.extend([None] * (col - n_values - 1))
                        values.append(value)
                    else:
                        values[col - 1] = value
                el.clear()
                width = max_col or col
                if len(values) < width:
                    values.extend([None] * (width - len(values)))
                elif len(values) > width:
                    del values[width:]
                yield tuple(values)
        finally:
            events.close()
        if max_row is not None and max_row < idx:
            for _ in range(counter, max_row + 1):
                yield empty_row


_COLS: dict[str, int] = {}


def _parse_ref(ref: str | None) -> tuple[int, int, int, int]:
    m = _REF_RE.match(ref or "")
    if not m:
        raise XlsxUnsupported(f"dimension {ref!r}")
    c1, r1, c2, r2 = m.groups()
    col1 = _column_number(c1.upper())
    col2 = col1 if c2 is None else _column_number(c2.upper())
    if col1 is None or col2 is None:
        raise XlsxUnsupported(f"dimension {ref!r}")
    return col1, int(r1), col2, int(r1 if r2 is None else r2)


class FastWorkbook:
    """The workbook's package: worksheets in order, shared strings, date styles and date system."""

    def __init__(self, path: str | Path) -> None:
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise XlsxUnsupported(str(exc)) from exc
        try:
            self._names = set(self._zip.namelist())
            self._load()
        except XlsxUnsupported:
            self._zip.close()
            raise
        except (KeyError, ValueError, OSError, zipfile.BadZipFile, RuntimeError) as exc:
            self._zip.close()
            raise XlsxUnsupported(f"{type(exc).__name__}: {exc}") from exc

    def open_part(self, name: str) -> IO[bytes]:
        return self._zip.open(name)

    def close(self) -> None:
        self._zip.close()

    def _load(self) -> None:
        types = _parse_xml(self._zip.read("[Content_Types].xml"))
        if types.tag != _CT + "Types":
            raise XlsxUnsupported("[Content_Types].xml")
        overrides = [(o.get("ContentType"), o.get("PartName") or "") for o in types.iter(_CT + "Override")]
        workbook = next((name for kind in _WORKBOOK_TYPES for ct, name in overrides if ct == kind), None)
        if workbook is None:
            raise XlsxUnsupported("no workbook part in [Content_Types].xml")
        workbook = workbook[1:]
        strings = next((name for ct, name in overrides if ct == _SHARED_STRINGS_TYPE), None)
        self.shared_strings: list[str] = [] if strings is None else self._read_strings(strings[1:])

        root = _parse_xml(self._zip.read(workbook))
        if root.tag != _MAIN + "workbook":
            raise XlsxUnsupported("workbook namespace")
        pr = root.find(_MAIN + "workbookPr")
        flag = None if pr is None else pr.get("date1904")
        self.epoch = _MAC_EPOCH if flag not in (None, "", "false", "f", "0") else _WINDOWS_EPOCH
        rels = self._read_rels(workbook)
        self.worksheets: list[FastSheet] = []
        self.date_styles, self.timedelta_styles = self._read_styles()
        sheets = root.find(_MAIN + "sheets")
        for sheet in [] if sheets is None else sheets:
            rid = sheet.get(_DOC_REL + "id")
            if not rid:
                continue
            kind, target = rels[rid]
            if target not in self._names or "chartsheet" in kind:
                continue
            self.worksheets.append(FastSheet(self, sheet.get("name") or "", target))

    def _read_rels(self, part: str) -> dict[str, tuple[str, str]]:
        folder, name = posixpath.split(part)
        rels_path = posixpath.join(folder, "_rels", f"{name}.rels")
        root = _parse_xml(self._zip.read(rels_path))
        parent = posixpath.split(posixpath.dirname(rels_path))[0]
        out: dict[str, tuple[str, str]] = {}
        for rel in root.iter(_PKG_REL + "Relationship"):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") != "External":
                target = target[1:] if target.startswith("/") else posixpath.normpath(
                    posixpath.join(parent, target))
            out[rel.get("Id") or ""] = (rel.get("Type") or "", target)
        return out

    def _read_strings(self, part: str) -> list[str]:
        out: list[str] = []
        with self._zip.open(part) as src:
            try:
                for _, el in iterparse(src):
                    if el.tag == _SI:
                        out.append(_text_content(el).replace("x005F_", ""))
                        el.clear()
            except ParseError as exc:
                raise XlsxUnsupported(f"{part}: {exc}") from exc
        return out

    def _read_styles(self) -> tuple[set[int], set[int]]:
        """Indexes of the cell formats (cellXfs) that show dates, and those that show durations."""
        if "xl/styles.xml" not in self._names:
            return set(), set()
        root = _parse_xml(self._zip.read("xl/styles.xml"))
        custom: dict[int, str] = {}
        xfs: list[Element] = []
        for child in root:
            name = _localname(child.tag)
            if name == "numFmts":
                for num_fmt in child:
                    if _localname(num_fmt.tag) == "numFmt":
                        code = num_fmt.get("formatCode")
                        if code is None:
                            raise XlsxUnsupported("numFmt without formatCode")
                        custom[int(num_fmt.get("numFmtId") or "")] = code
            elif name == "cellXfs":
                xfs = [xf for xf in child if _localname(xf.tag) == "xf"]
        dates: set[int] = set()
        durations: set[int] = set()
        for i, xf in enumerate(xfs):
            fmt_id = int(xf.get("numFmtId") or 0)
            fmt = custom[fmt_id] if fmt_id in custom else _BUILTIN_FORMATS.get(fmt_id)
            if is_date_format(fmt):
                dates.add(i)
            if is_timedelta_format(fmt):
                durations.add(i)
        return dates, durations
