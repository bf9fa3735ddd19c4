"""The table an export writes: column specs and values (:class:`ExportTable`), and the same as a pandas
DataFrame (:func:`to_frame`). The writers (:mod:`cati.exports.io.files` for CSV and XLSX,
:mod:`cati.exports.io.spss` for SPSS) take it from here; this module imports neither.

An :class:`ExportTable` is column-major: ``data[name]`` is the list of one column's values, in row
order. Kinds: ``code`` (coded answer), ``flag`` (0/1 of a multi option), ``number``, ``text``,
``date``. ``missing`` holds the codes declared user-missing ("weet niet"/"wil niet zeggen").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


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
    text_note: str = ""  # the codebook says it of every open answer (text) of the form, e.g. that it was masked

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


def check_cancel(cancel: Cancel | None) -> None:
    """Raise :class:`ExportCancelled` when the user asked to stop."""
    if cancel is not None and cancel():
        raise ExportCancelled()
