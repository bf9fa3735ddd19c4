"""A CSV client file's text as a table: its separator, its header row, and every record below it with
the lines it spans.

- Line ends: CR LF, LF or a lone CR (old Mac files), as the csv module reads them; other characters
  that ``str.splitlines`` would take for a line end (form feed, U+2028, …) stay inside their value.
- A first line ``sep=;`` (Excel's hint) sets the separator and is no data. Otherwise the separator is
  the one of ``;``, tab and ``,`` with which a header row is found.
- The header row is the first of the first ``HEADER_SEARCH`` non-empty rows that holds all required
  columns: a title, a date or empty rows above it are passed over (and listed, so the summary can say
  so).
- A quoted value may hold a line break (Excel writes a cell with Alt+Enter so). A quote that is opened
  and never closed makes the csv module read on to the next quote, or to the end of the file, as one
  value: the rows in between would vanish. Such a value is recognised (it runs to the end of the file,
  or it holds at least half a row's worth of separators) and the file is refused, naming the line and
  column where the quote opens.
- No field is too long to read (the csv module's default limit of 128 KB is lifted to the file's
  size): a long value is the row checks' business, which say so.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from cati.sample.io.errors import ClientFileError

HEADER_SEARCH = 30  # non-empty rows looked at for the header
DELIMITERS = (";", "\t", ",")
_SEP_LINE = re.compile(r'^"?sep=(.)"?[,;\t]*\r?\n?$', re.IGNORECASE)
_DELIMITER_NAMES = {";": "puntkomma", ",": "komma", "\t": "tab", "|": "verticale streep"}


def delimiter_name(d: str) -> str:
    return _DELIMITER_NAMES.get(d, f"'{d}'")


@dataclass(frozen=True, slots=True)
class CsvRecord:
    line: int  # the physical line it starts on: the line number a supervisor is told
    cells: list[str]
    end_line: int  # the last physical line it spans (a quoted value with a line break spans several)


@dataclass
class CsvTable:
    delimiter: str
    header_line: int  # 0: no header found (``header`` is then the best guess, for the error message)
    header: list[str]
    above: tuple[int, ...]  # non-empty lines above the header (a title, a note): no data
    sep_line: bool  # the file starts with Excel's ``sep=`` line
    records: list[CsvRecord] = field(default_factory=list)  # every record below the header, empty ones too
    physical_lines: int = 0


HeaderScore = Callable[[Sequence[str]], tuple[bool, int]]  # (all required columns, columns recognised)


def _blank(cells: Sequence[str]) -> bool:
    return all(not c.strip() for c in cells)


def read_table(text: str, score: HeaderScore) -> CsvTable:
    """The table in ``text`` (see the module docstring). Raises :class:`ClientFileError` for a quote
    that is never closed."""
    if len(text) >= csv.field_size_limit():
        csv.field_size_limit(len(text) + 1)
    lines = list(io.StringIO(text, newline=""))
    start = 0
    sep_line = False
    forced: str | None = None
    if lines and (m := _SEP_LINE.match(lines[0].lstrip("\ufeff"))):
        forced, start, sep_line = m.group(1), 1, True
    found = _find_header(lines, start, forced, score)
    d, header_index, header, above = found
    table = CsvTable(d, header_index + 1 if header_index >= 0 else 0, header, above, sep_line,
                     physical_lines=len(lines))
    if header_index < 0:
        return table
    header_end = _record_end(lines, header_index, d)
    _check_quotes(lines, header_index, header_end, lines[header_index:header_end + 1], d, header, 2)
    named = max((i + 1 for i, c in enumerate(header) if c.strip()), default=0)
    k = max(2, (named - 1) // 2)
    reader = csv.reader(iter(lines[header_end + 1:]), delimiter=d)
    prev = header_end + 1  # 1-based number of the last line read
    records = table.records
    for cells in reader:
        end = header_end + 1 + reader.line_num
        if end > prev + 1:
            _check_quotes(lines, prev, end - 1, cells, d, header, k)
        records.append(CsvRecord(prev + 1, cells, end))
        prev = end
    if prev != len(lines):  # every physical line is in the header, above it, or in a record
        raise AssertionError(f"CSV: {prev} of {len(lines)} lines read")
    return table


def _find_header(lines: list[str], start: int, forced: str | None, score: HeaderScore,
                 ) -> tuple[str, int, list[str], tuple[int, ...]]:
    """(separator, 0-based line index of the header or -1, its cells, the non-empty lines above it)."""
    best: tuple[int, str, int, list[str], tuple[int, ...]] | None = None
    for d in (forced,) if forced else DELIMITERS:
        reader = csv.reader(iter(lines[start:]), delimiter=d)
        above: list[int] = []
        prev = start
        seen = 0
        for cells in reader:
            index = prev
            prev = start + reader.line_num
            if _blank(cells):
                continue
            complete, known = score(cells)
            if complete:
                return d, index, cells, tuple(above)
            if best is None or known > best[0]:
                best = (known, d, index, cells, tuple(above))
            above.append(index + 1)
            seen += 1
            if seen >= HEADER_SEARCH:
                break
    if best is None:
        return forced or ";", -1, [], ()
    _, d, index, cells, _ = best
    if best[0] == 0:  # nothing recognised: show the first non-empty line split as its separators suggest
        index = next((i for i in range(start, len(lines)) if lines[i].strip()), start)
        counts = {c: lines[index].count(c) for c in DELIMITERS}
        d = forced or (max(counts, key=lambda c: counts[c]) if any(counts.values()) else ";")
        cells = next(csv.reader([lines[index]], delimiter=d), [])
    return d, -1, cells, ()


def _record_end(lines: list[str], index: int, d: str) -> int:
    """The 0-based index of the last line of the record that starts at ``index``."""
    reader = csv.reader(iter(lines[index:]), delimiter=d)
    next(reader, None)
    return index + max(reader.line_num, 1) - 1


def _check_quotes(lines: list[str], first: int, last: int, cells: Sequence[str], d: str, header: Sequence[str],
                  k: int) -> None:
    """A record spanning lines ``first..last`` (0-based): refuse the file when its quoted value with a
    line break is a quote never closed (see the module docstring)."""
    col, opened, closed = _quoted_break(lines[first:last + 1], d)
    if col < 0:
        return
    value = cells[col] if col < len(cells) else ""
    if closed and value.count(d) < k:
        return  # a value with a line break in it, as Excel writes a cell with Alt+Enter
    line = first + opened + 1
    where = f"kolom {col + 1}" + (f" ({header[col].strip()})" if col < len(header) and header[col].strip() else "")
    until = "het einde van het bestand" if not closed else f"regel {last + 1}"
    raise ClientFileError(
        f"Regel {line}, {where}: hier begint een waarde met een aanhalingsteken (\") dat niet wordt gesloten, "
        f"zodat alles tot {until} als één waarde gelezen zou worden. Zet het sluitende aanhalingsteken op zijn "
        "plaats of haal het openende weg, sla het bestand op en lees het opnieuw in. Er is niets ingelezen.")


def _quoted_break(raw: Sequence[str], d: str) -> tuple[int, int, bool]:
    """In the lines of one record: (field index, line offset where its quote opens, whether it is
    closed) of the first quoted value that holds a line break; (-1, 0, True) when there is none."""
    text = "".join(raw)
    n = len(text)
    i = 0
    col = 0
    line = 0
    at_start = True
    while i < n:
        ch = text[i]
        if at_start and ch == '"':
            opened = line
            i += 1
            while i < n:
                ch = text[i]
                if ch == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        i += 2
                        continue
                    break
                if ch == "\n" or (ch == "\r" and (i + 1 >= n or text[i + 1] != "\n")):
                    line += 1
                i += 1
            if line > opened:
                return col, opened, i < n
            at_start = False
            i += 1
            continue
        if ch == d:
            col += 1
            at_start = True
        elif ch in "\r\n":
            if ch == "\n" or i + 1 >= n or text[i + 1] != "\n":
                line += 1
            col, at_start = 0, True
        else:
            at_start = False
        i += 1
    return -1, 0, True
