"""Answer exports as files: CSV, XLSX (data + codebook sheet), SPSS .sav (see :mod:`cati.exports.io.spss`),
and the codebook beside them (``FILE.codebook.csv``).

An :class:`ExportTable` is column-major: ``data[name]`` is the list of one column's values, in row
order. Kinds: ``code`` (coded answer), ``flag`` (0/1 of a multi option), ``number``, ``text``,
``date``. ``missing`` holds the codes declared user-missing ("weet niet"/"wil niet zeggen").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

from cati.interviews.rules.record import csv_field

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]
CHUNK = 5000


class ExportCancelled(Exception):
    """The user cancelled the export; partial files are removed."""


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    label: str
    kind: str  # code | flag | number | text | date
    value_labels: tuple[tuple[int, str], ...] = ()
    missing: tuple[int, ...] = ()

    @property
    def numeric(self) -> bool:
        return self.kind in ("code", "flag", "number")


@dataclass(frozen=True)
class ExportTable:
    """Column specs and values. ``data`` holds the leading columns (column-major); ``lines``, when
    given, holds the remaining columns as one CSV line per row, as an interview's export record
    stores them (:mod:`cati.interviews.rules.record`). ``values(name)`` gives any column."""

    columns: tuple[ColumnSpec, ...]
    data: dict[str, list[Any]]
    lines: Sequence[str] | None = None

    @property
    def rows(self) -> int:
        if self.lines is not None:
            return len(self.lines)
        return len(self.data[self.columns[0].name]) if self.columns else 0

    @property
    def head(self) -> tuple[ColumnSpec, ...]:
        """The columns held in ``data``."""
        return self.columns[: len(self.columns) - len(self.tail)]

    @property
    def tail(self) -> tuple[ColumnSpec, ...]:
        """The columns held in ``lines``."""
        return self.columns[len(self.data):] if self.lines is not None else ()

    def values(self, name: str) -> list[Any]:
        """One column's values in row order (codes as int, numbers as float, text as str, missing None)."""
        if name in self.data:
            return self.data[name]
        return self._tail_values[name]

    @cached_property
    def _tail_values(self) -> dict[str, list[Any]]:
        frame = parse_lines(self.tail, self.lines or ())
        out: dict[str, list[Any]] = {}
        for col in self.tail:
            whole = col.kind in ("code", "flag")
            out[col.name] = [None if v != v else int(v) if whole else v for v in frame[col.name].tolist()]
        return out


# ------------------------------------------------------------------------ codebook


CODEBOOK_HEADER = ("variable", "label", "type", "codes", "missing")


def codebook_rows(table: ExportTable) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for col in table.columns:
        codes = "; ".join(f"{code}={label}" for code, label in col.value_labels)
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
        w.writerows(codebook_rows(table))


# ------------------------------------------------------------------------ data frame


def to_frame(table: ExportTable, *, for_spss: bool = False) -> Any:
    """The table as a pandas DataFrame: coded columns as nullable integers (float for SPSS),
    numbers as float, text and dates as objects (missing: None)."""
    import pandas as pd

    series = {}
    for col in table.head:
        values = table.data[col.name]
        if col.kind in ("code", "flag"):
            s = pd.Series(_floats(values) if for_spss else _nullable_ints(values), copy=False)
        elif col.kind == "number":
            s = pd.Series([None if v is None else float(v) for v in values], dtype="float64")
        else:
            s = pd.Series(values, dtype="object")
        series[col.name] = s
    if table.tail:
        parsed = parse_lines(table.tail, table.lines or ())
        for col in table.tail:
            s = parsed[col.name]
            if col.kind in ("code", "flag") and not for_spss:
                s = pd.Series(_ints_from_floats(s.to_numpy()), copy=False)
            elif col.kind in ("text", "date"):
                s = s.astype(object).where(s.notna(), None)
            series[col.name] = s.reset_index(drop=True)
    return pd.DataFrame(series, copy=False)


def parse_lines(columns: Sequence[ColumnSpec], lines: Sequence[str]) -> Any:
    """CSV lines (an export record each) as a DataFrame: numeric columns float64 (NaN missing),
    text as str objects, dates as ``datetime.date`` (missing: NaN). pandas' C reader, one pass."""
    import io

    import pandas as pd

    names = [c.name for c in columns]
    if not lines:
        return pd.DataFrame({c.name: pd.Series([], dtype="float64" if c.numeric else "object") for c in columns})
    dtypes = {c.name: ("float64" if c.numeric else object) for c in columns}
    frame = pd.read_csv(
        io.StringIO("\n".join(lines)), header=None, names=names, dtype=dtypes, keep_default_na=False,
        na_values=[""], skip_blank_lines=False, engine="c",
    )
    if len(frame) != len(lines):
        raise ValueError(f"{len(lines)} exportregels gaven {len(frame)} rijen")
    for col in columns:
        if col.kind == "date":
            frame[col.name] = [v if v != v else dt.date.fromisoformat(v) for v in frame[col.name]]
    return frame


def _ints_from_floats(floats: Any) -> Any:
    """pandas ``Int64`` array from a float64 array of whole numbers (NaN: missing)."""
    import numpy as np
    import pandas as pd

    mask = np.isnan(floats)
    filled = np.where(mask, 0.0, floats)
    if (np.abs(filled) > 2.0**53).any() or (filled != np.trunc(filled)).any():
        return pd.array([None if m else v for v, m in zip(floats.tolist(), mask.tolist(), strict=True)], dtype="Float64")
    return pd.arrays.IntegerArray(filled.astype("int64"), mask)


def _floats(values: list[Any]) -> Any:
    """float64 array of ints and None (NaN), straight through numpy; pandas' own path if that fails."""
    import numpy as np
    import pandas as pd

    try:
        return np.array(values, dtype="float64")
    except (TypeError, ValueError):
        return pd.array(values, dtype="float64")


def _nullable_ints(values: list[Any]) -> Any:
    """pandas ``Int64`` array of codes and None, built from one float64 pass (exact for integers up to
    2**53); anything else (fractions, huge numbers, odd types) goes the ordinary, checking way."""
    import numpy as np
    import pandas as pd

    try:
        floats = np.array(values, dtype="float64")
    except (TypeError, ValueError):
        return pd.array(values, dtype="Int64")
    mask = np.isnan(floats)
    filled = np.where(mask, 0.0, floats)
    if floats.ndim != 1 or (np.abs(filled) > 2.0**53).any() or (filled != np.trunc(filled)).any():
        return pd.array(values, dtype="Int64")
    return pd.arrays.IntegerArray(filled.astype("int64"), mask)


def _check(cancel: Cancel | None) -> None:
    if cancel is not None and cancel():
        raise ExportCancelled()


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
    lines = table.lines if table.tail else None
    decimals = [i for i, c in enumerate(table.tail) if c.kind == "number"]
    total = table.rows
    with path.open("w", newline="", encoding="utf-8-sig" if excel else "utf-8") as fh:
        csv.writer(fh, delimiter=sep, lineterminator=end).writerow([c.name for c in table.columns])
        for start in range(0, total, CHUNK * 4):
            _check(cancel)
            stop = min(start + CHUNK * 4, total)
            if lines is not None and excel:
                fh.write(_excel_rows(head, lines, start, stop, decimals))
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


def _excel_rows(head: list[list[Any]], lines: Sequence[str], start: int, stop: int, decimals: list[int]) -> str:
    """Rows ``start:stop`` for Excel: the records re-read, decimal commas, ``;`` between fields."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    fields = csv.reader(io.StringIO("\n".join(lines[start:stop])))
    metas = _rows(head, start, stop) if head else [()] * (stop - start)
    for meta, rest in zip(metas, fields, strict=True):
        for i in decimals:
            rest[i] = rest[i].replace(".", ",")
        w.writerow((*meta, *rest))
    return buf.getvalue()


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
    if col.kind != "number" or all(v is None or type(v) is int for v in values):
        return values
    texts = [csv_field(v) for v in values]
    return [v.replace(".", ",") for v in texts] if excel else texts


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
    columns = [table.values(c.name) for c in table.columns]
    dates = [i for i, c in enumerate(table.columns) if c.kind == "date"]
    decimals = [i for i, c in enumerate(table.columns) if c.kind == "number"]
    total = table.rows
    for n, row in enumerate(zip(*columns, strict=True)):
        if n % CHUNK == 0:
            _check(cancel)
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
        cb.append(list(r))
    _check(cancel)
    wb.save(path)
    if progress:
        progress(total, total)


def write_table(
    path: Path,
    table: ExportTable,
    fmt: str,
    *,
    excel: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> list[Path]:
    """Write data and codebook; returns the files written. The files are written under a
    temporary name and renamed at the end, so a cancelled or failed export leaves nothing behind
    (and an older file of the same name untouched)."""
    targets = [path] if fmt == "xlsx" else [path, codebook_path(path)]
    temps = [t.with_name(f".{t.name}.part") for t in targets]
    try:
        if fmt == "csv":
            write_csv(temps[0], table, excel=excel, progress=progress, cancel=cancel)
        elif fmt == "xlsx":
            write_xlsx(temps[0], table, progress=progress, cancel=cancel)
        elif fmt == "sav":
            from cati.exports.io.spss import write_sav

            _check(cancel)
            write_sav(temps[0], table, progress=progress, cancel=cancel)
        else:
            raise ValueError(f"onbekend formaat {fmt!r} (csv, xlsx of sav)")
        if fmt != "xlsx":
            write_codebook_csv(temps[1], table, excel=excel)
        _check(cancel)
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
