"""Answer exports as files: CSV, XLSX (data + codebook sheet), SPSS .sav and .zsav (written by
:mod:`cati.exports.io.spss`), and the codebook beside them (``FILE.codebook.csv``). The table they are
made from is :class:`cati.exports.io.table.ExportTable`.

Names, open answers and labels come from outside: in CSV a text column's cell that a spreadsheet would
take for a formula gets a leading apostrophe, in XLSX every such text is a string cell and characters
XML cannot hold are escaped (:mod:`cati.core.cells`). Codes, numbers and dates are not touched.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from cati.core.cells import csv_cell, needs_csv_guard, xlsx_formula_like, xlsx_text
from cati.exports.io.spss import write_sav
from cati.exports.io.table import Cancel, ColumnSpec, ExportTable, Progress, check_cancel
from cati.interviews.rules.record import csv_field

CHUNK = 5000


# ------------------------------------------------------------------------ codebook


CODEBOOK_HEADER = ("variable", "label", "type", "codes", "missing")


def codebook_rows(table: ExportTable) -> list[tuple[str, str, str, str, str]]:
    """One row per column: name, label, kind, codes (``1=Ja; 2=Nee``), missing codes; as text."""
    rows = []
    answers = {c.name for c in table.tail} if table.lines is not None else set()
    for col in table.columns:
        codes = "; ".join(f"{code}={label}" for code, label in col.value_labels)
        if col.kind == "text" and col.name in answers and table.text_note:
            codes = f"{codes}; {table.text_note}" if codes else table.text_note  # how the answer went out
        missing = "; ".join(str(m) for m in col.missing)
        rows.append((col.name, col.label, col.kind, codes, missing))
    return rows


def codebook_path(path: Path) -> Path:
    """``answers.csv`` -> ``answers.codebook.csv`` (next to the data file)."""
    return path.with_name(f"{path.stem}.codebook.csv")


def write_codebook_csv(path: Path, table: ExportTable, *, excel: bool = False) -> None:
    with path.open("w", newline="", encoding="utf-8-sig" if excel else "utf-8") as fh:
        w = csv.writer(fh, delimiter=";" if excel else ",")
        w.writerow(CODEBOOK_HEADER)
        w.writerows([csv_cell(v) for v in row] for row in codebook_rows(table))


# ------------------------------------------------------------------------ writers


def write_csv(
    path: Path,
    table: ExportTable,
    *,
    excel: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """UTF-8 CSV with a header of variable names, fields as the export records write them
    (:mod:`cati.interviews.rules.record`: ``,``, ``.`` decimals, quoted only when needed), a
    line feed after each row. ``excel``: ``;``, decimal comma, CR LF and a BOM, so a Dutch Excel
    opens it as it is.

    Records go to the file as they are (one line each, after the leading columns); only the
    Excel form re-reads them to change separators and decimal marks."""
    sep, end = (";", "\r\n") if excel else (",", "\n")
    head = [_csv_ready(c, table.data[c.name], excel) for c in table.head]
    texts = [i for i, c in enumerate(table.tail) if c.kind == "text"]
    lines = table.lines if table.tail else None
    if lines is not None and texts and not excel:
        lines = _guarded_lines(lines, texts)
    decimals = [i for i, c in enumerate(table.tail) if c.kind == "number"]
    total = table.rows
    with path.open("w", newline="", encoding="utf-8-sig" if excel else "utf-8") as fh:
        csv.writer(fh, delimiter=sep, lineterminator=end).writerow([c.name for c in table.columns])
        for start in range(0, total, CHUNK * 4):
            check_cancel(cancel)
            stop = min(start + CHUNK * 4, total)
            if lines is not None and excel:
                fh.write(_excel_rows(head, lines, start, stop, decimals, texts))
            else:
                fh.write(_joined(head, lines, start, stop, sep))
            if progress:
                progress(stop, total)


def _joined(head: list[list[Any]], lines: Sequence[str] | None, start: int, stop: int, sep: str) -> str:
    """Rows ``start:stop`` as CSV text: the leading fields, then (given lines) the separator and the
    record, and a line feed. The leading fields are written by ``csv.writer`` with CR LF as its
    line end, so that it quotes a field holding either; split at CR LF, each row is one piece,
    unless a field holds a CR LF itself: then row by row."""
    tails = [""] * (stop - start) if lines is None else [f"{sep}{line}" for line in lines[start:stop]]
    if not head:
        return "".join(f"{t[len(sep):]}\n" for t in tails)
    buf = io.StringIO()
    csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerows(_rows(head, start, stop))
    metas = buf.getvalue().split("\r\n")
    if len(metas) != stop - start + 1:
        metas = []
        for row in _rows(head, start, stop):
            buf = io.StringIO()
            csv.writer(buf, delimiter=sep, lineterminator="\r\n").writerow(row)
            metas.append(buf.getvalue()[:-2])
    return "".join(f"{meta}{t}\n" for meta, t in zip(metas, tails, strict=False))


def _excel_rows(head: list[list[Any]], lines: Sequence[str], start: int, stop: int, decimals: list[int],
                texts: Sequence[int] = ()) -> str:
    """Rows ``start:stop`` for Excel: the records re-read, decimal commas, ``;`` between fields, text
    fields guarded (:func:`cati.core.cells.csv_cell`)."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    fields = csv.reader(io.StringIO("\n".join(lines[start:stop])))
    metas = _rows(head, start, stop) if head else [()] * (stop - start)
    for meta, rest in zip(metas, fields, strict=True):
        for i in decimals:
            rest[i] = rest[i].replace(".", ",")
        for i in texts:
            if needs_csv_guard(rest[i]):
                rest[i] = "'" + rest[i]
        w.writerow((*meta, *rest))
    return buf.getvalue()


_MAY_NEED_GUARD = re.compile(r'(?:^|,)"?[=+\-@\t\r]')  # a field of a record line that starts like a formula


def _guarded_lines(lines: Sequence[str], texts: Sequence[int]) -> Sequence[str]:
    """The record lines with their text fields guarded (:func:`cati.core.cells.csv_cell`); the same
    sequence when no line has a field that starts like a formula (the usual case: one search a line)."""
    out: list[str] | None = None
    for n, line in enumerate(lines):
        if not _MAY_NEED_GUARD.search(line):
            continue
        fields = next(csv.reader(io.StringIO(line, newline="")), [])
        if not any(i < len(fields) and needs_csv_guard(fields[i]) for i in texts):
            continue  # a negative number, not a text
        for i in texts:
            if i < len(fields) and needs_csv_guard(fields[i]):
                fields[i] = "'" + fields[i]
        if out is None:
            out = list(lines)
        out[n] = ",".join(_record_field(f) for f in fields)
    return lines if out is None else out


def _record_field(text: str) -> str:
    """A field as the export records write it: quoted only when it holds a comma, a quote or a line break."""
    if any(ch in text for ch in (",", '"', "\n", "\r")):
        return '"' + text.replace('"', '""') + '"'
    return text


def _rows(columns: list[list[Any]], start: int, stop: int) -> Any:
    return zip(*(col[start:stop] for col in columns), strict=True)


def _csv_ready(col: ColumnSpec, values: list[Any], excel: bool) -> list[Any]:
    """A leading column ready for ``csv.writer`` (which writes ints, text and None right): dates as
    ISO text (made once per distinct date), fractional numbers as the records write them, with a
    decimal comma for Excel."""
    if col.kind == "date":
        memo: dict[Any, str] = {None: ""}
        out = []
        for v in values:
            text = memo.get(v)
            if text is None:
                text = memo[v] = csv_field(v)
            out.append(text)
        return out
    if col.kind == "text":
        return _guarded_texts(values)
    if col.kind != "number" or all(v is None or type(v) is int for v in values):
        return values
    texts = [csv_field(v) for v in values]
    return [v.replace(".", ",") for v in texts] if excel else texts


def _guarded_texts(values: list[Any]) -> list[Any]:
    """A text column with :func:`cati.core.cells.csv_cell` applied; each distinct value checked once."""
    changed = {v: "'" + v for v in set(values) if isinstance(v, str) and needs_csv_guard(v)}
    return [changed.get(v, v) for v in values] if changed else values


def _xlsx_texts(ws: Any, values: list[Any]) -> list[Any]:
    """A text column for an XLSX sheet: a text openpyxl would take for a formula, or that holds
    characters XML cannot, as an explicit string cell (escaped: :func:`cati.core.cells.xlsx_text`)."""
    from openpyxl.cell import WriteOnlyCell

    odd = {v for v in set(values) if isinstance(v, str) and xlsx_formula_like(v)}
    if not odd:
        return values
    out = []
    for v in values:
        if v in odd:
            cell = WriteOnlyCell(ws, value=xlsx_text(v))
            cell.data_type = "s"
            v = cell
        out.append(v)
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def write_xlsx(
    path: Path,
    table: ExportTable,
    *,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """A workbook with the sheets ``data`` (header = variable names) and ``codebook``."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("data")
    bold = Font(bold=True)
    header = []
    for col in table.columns:
        cell = WriteOnlyCell(ws, value=col.name)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    columns = [_xlsx_texts(ws, table.values(c.name)) if c.kind == "text" else table.values(c.name)
               for c in table.columns]
    dates = [i for i, c in enumerate(table.columns) if c.kind == "date"]
    decimals = [i for i, c in enumerate(table.columns) if c.kind == "number"]
    total = table.rows
    for n, row in enumerate(zip(*columns, strict=True)):
        if n % CHUNK == 0:
            check_cancel(cancel)
            if progress and n:
                progress(n, total)
        if decimals or dates:
            values = list(row)
            for i in decimals:
                values[i] = _cell(values[i])
            for i in dates:
                v = values[i]
                if isinstance(v, dt.date):
                    c = WriteOnlyCell(ws, value=v)
                    c.number_format = "yyyy-mm-dd"
                    values[i] = c
            ws.append(values)
        else:
            ws.append(row)
    cb = wb.create_sheet("codebook")
    cb.append([WriteOnlyCell(cb, value=h) for h in CODEBOOK_HEADER])
    for r in codebook_rows(table):
        cb.append(_xlsx_texts(cb, list(r)))
    check_cancel(cancel)
    wb.save(path)
    if progress:
        progress(total, total)


FORMATS = ("csv", "xlsx", "sav", "zsav")


def write_table(
    path: Path,
    table: ExportTable,
    fmt: str,
    *,
    excel: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> list[Path]:
    """Write data and codebook; returns the files written. ``fmt``: csv, xlsx, sav or zsav (SPSS,
    compressed). The files are written under a temporary name and renamed at the end, so a cancelled
    or failed export leaves nothing behind (and an older file of the same name untouched)."""
    if fmt not in FORMATS:
        raise ValueError(f"onbekend formaat {fmt!r} ({', '.join(FORMATS)})")
    targets = [path] if fmt == "xlsx" else [path, codebook_path(path)]
    temps = [t.with_name(f".{t.name}.part") for t in targets]
    try:
        if fmt == "csv":
            write_csv(temps[0], table, excel=excel, progress=progress, cancel=cancel)
        elif fmt == "xlsx":
            write_xlsx(temps[0], table, progress=progress, cancel=cancel)
        else:
            write_sav(temps[0], table, compress=fmt == "zsav", progress=progress, cancel=cancel)
        if fmt != "xlsx":
            write_codebook_csv(temps[1], table, excel=excel)
        check_cancel(cancel)
    except BaseException:
        for t in temps:
            t.unlink(missing_ok=True)
        raise
    for tmp, target in zip(temps, targets, strict=True):
        tmp.replace(target)
    return targets


def contact_file_name(path: Path, marker: str = "_MET_CONTACTGEGEVENS") -> Path:
    """The file name of an export with contact data carries a loud marker."""
    if marker.lower() in path.stem.lower():
        return path
    return path.with_name(f"{path.stem}{marker}{path.suffix}")


def columns_named(table: ExportTable, names: Sequence[str]) -> list[ColumnSpec]:
    return [c for c in table.columns if c.name in set(names)]
