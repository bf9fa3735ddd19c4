"""SPSS system files, written by pyreadstat (ReadStat): ``.sav`` (uncompressed) and ``.zsav`` (zlib
compressed), with variable labels, value labels, user-missing codes, measures and display formats.

cati prepares the frame and the metadata; the file format is ReadStat's. What cati decides:

* coded answers and 0/1 flags are numbers shown without decimals (``F8.0``, wider for longer codes);
  other numbers get pyreadstat's ``F8.2``; texts are strings as wide as their longest value or label;
* dates are SPSS dates (``DATE11``): cati hands pyreadstat the number SPSS stores (seconds since
  14 October 1582), so a date column stays a date column even when it is empty or wholly missing;
* variable labels are cut to SPSS's 255 bytes at a character boundary (:func:`spss_label`; the
  codebook beside the file has the whole text); ReadStat cuts value labels (120 bytes) and the file
  label (64 bytes) at character boundaries itself;
* user-missing codes ("weet niet" 98, "wil niet zeggen" 99) are declared as discrete values; a range
  (``{"lo": .., "hi": ..}``) only where more than the three discrete values SPSS allows must be
  declared (:func:`spss_missing`);
* except in a text wider than 8 bytes with more than one missing code (the open remark with "98" and
  "99"): its codes keep their value labels but are not declared missing. Such a declaration goes into
  the long-string missing-values record (subtype 22), which ReadStat writes (and reads) with one value
  length for all values, while PSPP, which follows the files SPSS writes, writes and reads a length
  before each value; with two or more values no layout reads right in both (PSPP warns about
  ReadStat's and drops the values; ReadStat would fail on PSPP's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cati.exports.io.table import Cancel, ColumnSpec, ExportTable, Progress, check_cancel, to_frame

MEASURE = {"code": "nominal", "flag": "nominal", "number": "scale", "text": "nominal", "date": "scale"}
SPSS_EPOCH = dt.date(1582, 10, 14)  # day 0 of SPSS's calendar; a date is stored as seconds since then
MAX_DISCRETE_MISSING = 3  # SPSS: at most three discrete missing values, or one range and one value

MissingValue = float | str | dict[str, float]


def spss_label(label: str, limit: int = 255) -> str:
    """SPSS keeps at most 255 bytes (UTF-8) of a variable label; a longer one is cut at a character
    boundary with an ellipsis (the codebook beside the file has the whole text)."""
    label = label.strip()
    raw = label.encode("utf-8")
    if len(raw) <= limit:
        return label
    ellipsis = "…"
    cut = raw[: limit - len(ellipsis.encode("utf-8"))].decode("utf-8", errors="ignore").rstrip()
    return cut + ellipsis


def spss_missing(col: ColumnSpec) -> list[MissingValue]:
    """The user-missing declaration of a column for pyreadstat's ``missing_ranges``: its codes as
    discrete values when there are at most three (each a labelled code: "98, 99" says exactly which);
    with more, one range over consecutive whole codes (all of them, or all but the lowest or the
    highest) plus the one left out as a discrete value, so that no other whole number falls inside the
    range. ValueError when the codes fit neither way (or a text column has more than three: SPSS has
    no ranges for strings)."""
    codes = sorted(set(col.missing))
    if not col.numeric:
        if len(codes) > MAX_DISCRETE_MISSING:
            raise ValueError(f"kolom {col.name}: SPSS kent hoogstens {MAX_DISCRETE_MISSING} ontbrekende "
                             f"waarden voor tekst, niet {len(codes)}")
        return [str(c) for c in codes]
    if len(codes) <= MAX_DISCRETE_MISSING:
        return [float(c) for c in codes]
    for run, rest in ((codes, []), (codes[1:], codes[:1]), (codes[:-1], codes[-1:])):
        if _consecutive(run):
            return [{"lo": float(run[0]), "hi": float(run[-1])}, *(float(c) for c in rest)]
    raise ValueError(f"kolom {col.name}: de ontbrekende codes {', '.join(map(str, codes))} passen niet in SPSS "
                     f"(hoogstens {MAX_DISCRETE_MISSING} losse waarden, of één aaneengesloten reeks en één losse "
                     "waarde)")


def _consecutive(codes: Sequence[int]) -> bool:
    whole = all(float(c).is_integer() for c in codes)
    return whole and len(codes) > 1 and codes[-1] - codes[0] == len(codes) - 1


def sav_metadata(table: ExportTable, frame: Any) -> dict[str, Any]:
    """The keyword arguments of ``pyreadstat.write_sav`` for this table and its frame
    (:func:`spss_frame`): labels, missing values, measures and display formats."""
    import numpy as np

    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[MissingValue]] = {}
    formats: dict[str, str] = {}
    for col in table.columns:
        if col.numeric and col.value_labels:
            value_labels[col.name] = {float(code): label for code, label in col.value_labels}
        elif col.kind == "text" and col.value_labels:  # "98"/"99" in an open answer
            value_labels[col.name] = {str(code): label for code, label in col.value_labels}
        if col.missing and not (col.kind == "text" and len(col.missing) > 1 and _text_width(col, frame) > 8):
            missing[col.name] = spss_missing(col)
        if col.kind in ("code", "flag"):
            values = frame[col.name].to_numpy(dtype="float64")
            codes = [abs(c) for c, _ in col.value_labels]
            present = values[~np.isnan(values)]
            if not (present == np.trunc(present)).all():
                continue  # not whole numbers after all: pyreadstat's F8.2, no value shown rounded
            widest = max([*codes, float(np.abs(present).max()) if present.size else 0.0])
            digits = len(f"{widest:.0f}") + int(bool(present.size and (present < 0).any()))
            formats[col.name] = f"F{min(max(8, digits), 40)}.0"
        elif col.kind == "date":
            formats[col.name] = "DATE11"
    return {
        "column_labels": {c.name: spss_label(c.label) for c in table.columns},
        "variable_value_labels": value_labels,
        "missing_ranges": missing,
        "variable_measure": {c.name: MEASURE[c.kind] for c in table.columns},
        "variable_format": formats,
    }


def _text_width(col: ColumnSpec, frame: Any) -> int:
    """The bytes of a text column's longest value or labelled code: its width in the file."""
    values = frame[col.name].dropna()
    texts = [*values.tolist(), *(str(code) for code, _ in col.value_labels), *(str(m) for m in col.missing)]
    return max((len(t.encode("utf-8")) for t in texts), default=1)


def spss_frame(table: ExportTable) -> Any:
    """The frame as pyreadstat gets it: codes, flags and numbers as float64, texts as str/None,
    dates as float64 seconds since 14 October 1582 (NaN: missing)."""
    frame = to_frame(table, for_spss=True)
    for col in table.columns:
        if col.kind == "date":
            frame[col.name] = _spss_dates(frame[col.name])
    return frame


def _spss_dates(values: Any) -> Any:
    """``datetime.date`` objects (None or NaN: missing) as SPSS date numbers, worked out once per
    distinct date."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    epoch = SPSS_EPOCH.toordinal()
    seconds = np.array([*((d.toordinal() - epoch) * 86400.0 for d in uniques), np.nan], dtype="float64")
    return seconds[codes]  # code -1 (missing) takes the NaN at the end


def write_sav(
    path: Path,
    table: ExportTable,
    *,
    compress: bool = False,
    file_label: str = "cati export",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> None:
    """The table as an SPSS system file, written by ``pyreadstat.write_sav`` (``compress``: a .zsav).
    pyreadstat writes the whole file in one call: ``cancel`` is asked before and after it, and
    ``progress`` hears of the rows once, at the end."""
    import pyreadstat

    check_cancel(cancel)
    frame = spss_frame(table)
    check_cancel(cancel)
    pyreadstat.write_sav(frame, str(path), file_label=file_label, compress=compress, **sav_metadata(table, frame))
    check_cancel(cancel)
    if progress:
        progress(table.rows, table.rows)
