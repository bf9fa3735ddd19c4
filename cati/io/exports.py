"""Answer exports as files: CSV, XLSX (data + codebook sheet), SPSS .sav (see :mod:`cati.io.spss`),
and the codebook beside them (``FILE.codebook.csv``).

An :class:`ExportTable` is column-major: ``data[name]`` is the list of one column's values, in row
order. Kinds: ``code`` (coded answer), ``flag`` (0/1 of a multi option), ``number``, ``text``,
``date``. ``missing`` holds the codes declared user-missing ("weet niet"/"wil niet zeggen").
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

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
    columns: tuple[ColumnSpec, ...]
    data: dict[str, list[Any]]

    @property
    def rows(self) -> int:
        return len(self.data[self.columns[0].name]) if self.columns else 0


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
    numbers as float, text and dates as objects."""
    import pandas as pd

    series = {}
    for col in table.columns:
        values = table.data[col.name]
        if col.kind in ("code", "flag"):
            s = pd.Series(_floats(values) if for_spss else _nullable_ints(values), copy=False)
        elif col.kind == "number":
            s = pd.Series([None if v is None else float(v) for v in values], dtype="float64")
        else:
            s = pd.Series(values, dtype="object")
        series[col.name] = s
    return pd.DataFrame(series, copy=False)


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
    """UTF-8 CSV with a header of variable names. ``excel``: ``;``, decimal comma and a BOM, so a
    Dutch Excel opens it as it is."""
    frame = to_frame(table)
    total = len(frame)
    kwargs: dict[str, Any] = {"index": False, "float_format": "%.10g", "lineterminator": "\n"}
    if excel:
        kwargs.update(sep=";", decimal=",")
    with path.open("w", newline="", encoding="utf-8-sig" if excel else "utf-8") as fh:
        if total == 0:
            frame.to_csv(fh, **kwargs)
        for start in range(0, total, CHUNK * 4):
            _check(cancel)
            frame.iloc[start:start + CHUNK * 4].to_csv(fh, header=start == 0, **kwargs)
            if progress:
                progress(min(start + CHUNK * 4, total), total)


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
    columns = [table.data[c.name] for c in table.columns]
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
            from cati.io.spss import write_sav

            _check(cancel)
            write_sav(temps[0], table)
            if progress:
                progress(table.rows, table.rows)
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
