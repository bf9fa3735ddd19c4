"""SPSS system files (.sav, uncompressed) written with numpy: a fast drop-in for the part of
``pyreadstat.write_sav`` that cati uses (same keyword names).

File layout (little-endian; PSPP manual, appendix "System File Format"; ReadStat's
``readstat_sav_write.c``):

* header, 176 bytes: ``$FL2``, product name, layout code 2, nominal case size (8-byte units per
  case), compression 0, weight index 0, number of cases, bias 100.0, creation date and time, label;
* variable records (type 2), one per 8 bytes of a case: a variable's first record holds its type
  (0 numeric, 1..255 string width), print/write format, an 8-byte upper-case short name, its label
  and its discrete missing values; a string adds a continuation record (type -1) for every further
  8 bytes. A string wider than 255 bytes ("very long string") is written as n = ceil(w / 252)
  segment variables of width 255 (the last one w - 252 (n - 1)) with short names of their own; its
  bytes are packed 255 to each 256-byte segment, readers join the segments before decoding;
* value labels (record types 3 + 4) of numeric variables and strings of at most 8 bytes;
* extension records (type 7) by subtype: 3 machine integers (character code 65001 = UTF-8),
  4 machine floats, 20 encoding ``UTF-8``, 11 measure / display width / alignment per segment,
  13 long variable names, 14 very long string widths, 21 value labels of strings wider than 8
  bytes, 22 missing values of those strings, 16 the 64-bit number of cases;
* dictionary termination (type 999), then the cases: fixed-width records, a float64 per numeric
  variable (system missing = -DBL_MAX), space-padded UTF-8 bytes per string.

Cases are written in blocks of about 2 MB through one reused numpy structured array (a field per
variable at its byte offset), filled column by column: floats at once, strings by indexing a table
of space-padded rows with the column's codes (a row per distinct value, encoded once, or a row per
row for a column of mostly different texts). No Python loop runs over rows x columns.

Differences from ``pyreadstat.write_sav``: numeric columns holding only whole numbers get ``F<w>.0``
(not ``F8.2``); a string variable is widened to fit its value-label values and missing values;
labels are cut at a UTF-8 character boundary; no missing ranges, no compression.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cati.exports.io.table import ExportCancelled

Progress = Callable[[int, int], None]  # (rows written, all rows)

SYSMIS = -sys.float_info.max
HIGHEST = sys.float_info.max
LOWEST = float(np.nextafter(-sys.float_info.max, 0.0))
CHUNK_ROWS = 20_000  # rows between progress calls
SAMPLE_ROWS = 1000  # rows looked at to tell repeated from distinct texts
BLOCK_BYTES = 1 << 21  # rows filled at once: about 2 MB, what a CPU cache holds
MEASURES = {"nominal": 1, "ordinal": 2, "scale": 3}
RESERVED = frozenset("ALL AND BY EQ GE GT LE LT NE NOT OR TO WITH".split())
NAME = re.compile(r"[A-Za-z@][A-Za-z0-9_.@#$]{0,63}")
EPOCH_ORDINAL = dt.date(1582, 10, 14).toordinal()
UNIX_OFFSET = (dt.date(1970, 1, 1).toordinal() - EPOCH_ORDINAL) * 86400.0  # seconds, 1582 -> 1970
VAR_LABEL_BYTES = 255
VALUE_LABEL_BYTES = 120  # what SPSS (and ReadStat) keep of a value label
FMT_A, FMT_F, FMT_DATE, FMT_DATETIME = 1, 5, 20, 22
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()  # not locale-dependent %b


def _fmt(kind: int, width: int, decimals: int = 0) -> int:
    return (kind << 16) | (min(width, 255) << 8) | decimals


@dataclass
class _Var:
    """One column as it goes into the file: width 0 = numeric, else string bytes."""

    name: str
    width: int
    fmt: int
    numbers: np.ndarray | None = None  # float64, SYSMIS for missing
    codes: np.ndarray | None = None  # index into ``table`` (-1 = None = the blank last row)
    uniques: list[bytes] | None = None  # UTF-8 strings that the codes index
    table: np.ndarray | None = None  # uint8 rows in segment layout
    label: bytes = b""
    missing: tuple[bytes, ...] = ()  # 8 bytes each
    value_labels: tuple[tuple[bytes, bytes], ...] = ()  # (value: 8 bytes or width bytes, label)
    measure: int = 0
    short: str = ""
    ghosts: tuple[str, ...] = ()  # short names of the further segments of a very long string

    @property
    def segments(self) -> list[int]:
        if self.width <= 255:
            return [self.width]
        n = (self.width + 251) // 252
        return [255] * (n - 1) + [self.width - 252 * (n - 1)]

    @property
    def nbytes(self) -> int:
        return sum(_slot(w) for w in self.segments)


def _slot(segment_width: int) -> int:
    return 8 if segment_width == 0 else (segment_width + 7) // 8 * 8


def _cut(text: str, limit: int) -> bytes:
    """UTF-8 of ``text``, at most ``limit`` bytes, cut at a character boundary."""
    raw = text.encode("utf-8")
    return raw if len(raw) <= limit else raw[:limit].decode("utf-8", "ignore").encode("utf-8")


# ------------------------------------------------------------------------ columns


def _kind(name: str, series: pd.Series) -> str:
    """``number``, ``string``, ``date`` or ``datetime``; TypeError for anything else."""
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        raise TypeError(f"column {name!r}: time-zone aware datetimes are not supported, make them naive")
    if pd.api.types.is_datetime64_dtype(dtype):
        return "datetime"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "number"
    if isinstance(dtype, pd.StringDtype):
        return "string"
    if pd.api.types.is_object_dtype(dtype):
        inferred = pd.api.types.infer_dtype(series, skipna=True)
        kinds = {"string": "string", "empty": "string", "date": "date", "datetime": "datetime",
                 "integer": "number", "floating": "number", "mixed-integer-float": "number",
                 "decimal": "number"}
        if inferred in kinds:
            return kinds[inferred]
        raise TypeError(f"column {name!r}: cannot write {inferred!r} values to SPSS")
    raise TypeError(f"column {name!r}: unsupported dtype {dtype}")


def _numeric_var(name: str, series: pd.Series) -> _Var:
    values = np.array(series.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)
    finite = values[np.isfinite(values)]
    fmt = _fmt(FMT_F, 8, 2)
    if finite.size and bool(np.all(finite == np.trunc(finite))):
        digits = len(f"{np.max(np.abs(finite)):.0f}") + int(bool((finite < 0).any()))
        fmt = _fmt(FMT_F, min(max(8, digits), 40), 0)
    values[np.isnan(values)] = SYSMIS
    return _Var(name, 0, fmt, numbers=values)


def _date_var(name: str, series: pd.Series) -> _Var:
    codes, uniques = pd.factorize(series)
    seconds = [(d.toordinal() - EPOCH_ORDINAL) * 86400.0 for d in uniques]
    table = np.array([*seconds, SYSMIS], dtype=np.float64)
    return _Var(name, 0, _fmt(FMT_DATE, 11), numbers=table[codes])


def _datetime_var(name: str, series: pd.Series) -> _Var:
    stamps = pd.to_datetime(series).to_numpy().astype("datetime64[us]")
    values = stamps.astype(np.int64) / 1e6 + UNIX_OFFSET
    values[np.isnat(stamps)] = SYSMIS
    return _Var(name, 0, _fmt(FMT_DATETIME, 20), numbers=values)


def _string_var(name: str, series: pd.Series) -> _Var:
    """Codes into the distinct values (hashing pays off when values repeat), or, for a column of
    mostly different texts, one code per present row."""
    values = np.asarray(series, dtype=object)
    sample = values[:SAMPLE_ROWS]
    if len(pd.unique(sample)) > len(sample) // 2:
        present = ~pd.isna(values)
        uniques = values[present].tolist()
        codes = np.full(len(values), -1, dtype=np.intp)
        codes[present] = np.arange(len(uniques))
    else:
        factorized, distinct = pd.factorize(values)
        codes, uniques = np.asarray(factorized, dtype=np.intp), distinct.tolist()
    encoded = list(map(str.encode, uniques))  # UTF-8, once per distinct value
    width = max(map(len, encoded), default=0)
    return _Var(name, max(width, 1), 0, codes=codes, uniques=encoded)


def _string_table(uniques: list[bytes], var: _Var) -> np.ndarray:
    """One row per entry of ``uniques``, plus a blank last row for None: the bytes padded with
    spaces and, for a very long string, laid out in segments (255 bytes, then a byte of padding)."""
    size = var.width if var.width > 255 else var.nbytes
    rows = np.array([*(u.ljust(size) for u in uniques), b" " * size], dtype=f"S{size}")
    flat = rows.view(np.uint8).reshape(-1, size)
    if size == var.nbytes:
        return flat
    table = np.full((flat.shape[0], var.nbytes), 32, dtype=np.uint8)
    pos = np.arange(size)
    table[:, pos + pos // 255] = flat
    return table


def _column(name: str, series: pd.Series) -> _Var:
    if not isinstance(name, str) or not NAME.fullmatch(name) or name.upper() in RESERVED:
        raise ValueError(f"{name!r} is not a valid SPSS variable name")
    kind = _kind(name, series)
    if kind == "number":
        return _numeric_var(name, series)
    if kind == "date":
        return _date_var(name, series)
    if kind == "datetime":
        return _datetime_var(name, series)
    return _string_var(name, series)


# ------------------------------------------------------------------------ metadata


def _string_key(var: _Var, value: Any, what: str) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{what} of string column {var.name!r} must be str, got {value!r}")
    return value.encode("utf-8")


def _number_key(var: _Var, value: Any, what: str) -> bytes:
    if isinstance(value, bool | str) or not isinstance(value, int | float | np.number):
        raise ValueError(f"{what} of numeric column {var.name!r} must be a number, got {value!r}")
    return struct.pack("<d", float(value))


def _discrete(var: _Var, values: list[Any]) -> list[Any]:
    out = []
    for value in values:
        if isinstance(value, dict):  # pyreadstat's {"lo": x, "hi": x}
            if value.get("lo") != value.get("hi"):
                raise ValueError(f"column {var.name!r}: missing ranges are not supported, only values")
            value = value["lo"]
        out.append(value)
    if len(out) > 3:
        raise ValueError(f"column {var.name!r}: SPSS allows at most 3 missing values, got {len(out)}")
    return out


def _apply_metadata(variables: list[_Var], column_labels: dict[str, str] | list[str] | None,
                    value_labels: dict[str, dict[Any, str]] | None, missing: dict[str, list[Any]] | None,
                    measure: dict[str, str] | None) -> None:
    by_name = {v.name: v for v in variables}
    if isinstance(column_labels, list):
        column_labels = dict(zip(by_name, column_labels, strict=True))
    for what, mapping in (("column_labels", column_labels), ("variable_value_labels", value_labels),
                          ("missing_ranges", missing), ("variable_measure", measure)):
        unknown = set(mapping or ()) - set(by_name)
        if unknown:
            raise ValueError(f"{what} names columns that are not in the frame: {sorted(unknown)}")
    for name, label in (column_labels or {}).items():
        by_name[name].label = _cut(label or "", VAR_LABEL_BYTES)
    for name, level in (measure or {}).items():
        if level not in MEASURES and level not in ("unknown", None):
            raise ValueError(f"column {name!r}: measure must be nominal, ordinal or scale, got {level!r}")
        by_name[name].measure = MEASURES.get(level or "", 0)
    string_keys: dict[str, list[bytes]] = {}
    for name, labels in (value_labels or {}).items():
        var = by_name[name]
        key = _number_key if var.width == 0 else _string_key
        pairs = [(key(var, k, "value label"), _cut(str(t), VALUE_LABEL_BYTES)) for k, t in labels.items()]
        var.value_labels = tuple(pairs)
        string_keys.setdefault(name, []).extend(k for k, _ in pairs if var.width)
    for name, values in (missing or {}).items():
        var = by_name[name]
        keys = [(_number_key if var.width == 0 else _string_key)(var, m, "missing value")
                for m in _discrete(var, values)]
        if var.width and any(len(k) > 8 for k in keys):
            raise ValueError(f"column {name!r}: a string missing value has at most 8 bytes")
        var.missing = tuple(keys)
        string_keys.setdefault(name, []).extend(keys if var.width else [])
    for name, keys in string_keys.items():  # a label or missing value must fit the variable
        by_name[name].width = max([by_name[name].width, *map(len, keys)])


def _short_names(variables: list[_Var]) -> None:
    """Unique upper-case 8-byte names: the long name's first 8 characters, else a numbered stem;
    then names for the further segments of very long strings."""
    taken: set[str] = set(RESERVED)
    counters: dict[str, int] = {}

    def unique(base: str) -> str:
        base = base[:8].upper()
        n = counters.get(base, 0)
        candidate = base
        while candidate in taken:
            n += 1
            candidate = base[: 8 - len(str(n))] + str(n)
        counters[base] = n
        taken.add(candidate)
        return candidate

    for var in variables:
        var.short = unique(var.name)
    for var in variables:
        var.ghosts = tuple(unique(var.short[:5]) for _ in var.segments[1:])


# ------------------------------------------------------------------------ dictionary


def _header(n_cases: int, case_size: int, file_label: str) -> bytes:
    now = dt.datetime.now()
    product = b"@(#) SPSS DATA FILE - cati (numpy writer)"
    return struct.pack(
        "<4s60s5id9s8s64s3x",
        b"$FL2", product.ljust(60), 2, case_size, 0, 0, n_cases if n_cases < 2**31 else -1, 100.0,
        f"{now.day:02d} {MONTHS[now.month - 1]} {now.year % 100:02d}".encode(),
        now.strftime("%H:%M:%S").encode(), _cut(file_label, 64).ljust(64),
    )


def _variable_records(var: _Var) -> bytes:
    out = bytearray()
    type_and_fmt = [(0, var.fmt)] if var.width == 0 else [(w, _fmt(FMT_A, w)) for w in var.segments]
    for i, ((width, fmt), short) in enumerate(zip(type_and_fmt, (var.short, *var.ghosts), strict=True)):
        first = i == 0
        missing = var.missing if first and var.width <= 8 else ()
        label = var.label if first else b""
        out += struct.pack("<6i8s", 2, width, int(bool(label)), len(missing), fmt, fmt, short.encode().ljust(8))
        if label:
            out += struct.pack("<i", len(label)) + label.ljust((len(label) + 3) // 4 * 4)
        out += b"".join(m.ljust(8) for m in missing)
        out += struct.pack("<6i8s", 2, -1, 0, 0, 0, 0, b" " * 8) * (_slot(width) // 8 - 1)
    return bytes(out)


def _value_label_records(var: _Var, index: int) -> bytes:
    out = bytearray(struct.pack("<2i", 3, len(var.value_labels)))
    for value, label in var.value_labels:
        out += value.ljust(8) + bytes([len(label)]) + label.ljust((len(label) + 8) // 8 * 8 - 1)
    return bytes(out + struct.pack("<3i", 4, 1, index))


def _extension(subtype: int, size: int, data: bytes) -> bytes:
    return struct.pack("<4i", 7, subtype, size, len(data) // size) + data


def _long_string_labels(var: _Var) -> bytes:
    name = var.name.encode()
    out = bytearray(struct.pack("<i", len(name)) + name + struct.pack("<2i", var.width, len(var.value_labels)))
    for value, label in var.value_labels:
        out += struct.pack("<i", var.width) + value.ljust(var.width) + struct.pack("<i", len(label)) + label
    return bytes(out)


def _dictionary(variables: list[_Var], n_cases: int, file_label: str) -> bytes:
    out = bytearray(_header(n_cases, sum(v.nbytes for v in variables) // 8, file_label))
    index = 1
    indexes = []
    for var in variables:
        out += _variable_records(var)
        indexes.append(index)
        index += var.nbytes // 8
    for var, at in zip(variables, indexes, strict=True):
        if var.value_labels and var.width <= 8:
            out += _value_label_records(var, at)
    out += _extension(3, 4, struct.pack("<8i", 20, 0, 0, -1, 1, 1, 2, 65001))
    out += _extension(4, 8, struct.pack("<3d", SYSMIS, HIGHEST, LOWEST))
    out += _extension(20, 1, b"UTF-8")
    display = [(v.measure, 8, 0 if v.width else 1) for v in variables for _ in v.segments]
    out += _extension(11, 4, struct.pack(f"<{3 * len(display)}i", *(x for d in display for x in d)))
    out += _extension(13, 1, "\t".join(f"{v.short}={v.name}" for v in variables).encode())
    very_long = b"".join(f"{v.short}={v.width:05d}".encode() + b"\0\t" for v in variables if v.width > 255)
    if very_long:
        out += _extension(14, 1, very_long)
    for var in variables:
        if var.value_labels and var.width > 8:
            out += _extension(21, 1, _long_string_labels(var))
    long_missing = b"".join(
        struct.pack("<i", len(v.name)) + v.name.encode() + struct.pack("<Bi", len(v.missing), 8)
        + b"".join(m.ljust(8) for m in v.missing)
        for v in variables if v.missing and v.width > 8
    )
    if long_missing:
        out += _extension(22, 1, long_missing)
    out += _extension(16, 8, struct.pack("<2q", 1, n_cases))
    return bytes(out + struct.pack("<2i", 999, 0))


# ------------------------------------------------------------------------ cases


def _case_dtype(variables: list[_Var]) -> np.dtype[Any]:
    offsets = np.cumsum([0] + [v.nbytes for v in variables])
    return np.dtype({
        "names": [f"v{i}" for i in range(len(variables))],
        "formats": ["<f8" if v.width == 0 else ("u1", (v.nbytes,)) for v in variables],
        "offsets": [int(o) for o in offsets[:-1]],
        "itemsize": int(offsets[-1]),
    })


def _write_cases(fh: Any, variables: list[_Var], n_cases: int, progress: Progress | None,
                 cancel: Callable[[], bool] | None) -> None:
    """The cases in chunks of CHUNK_ROWS (cancel check, progress call), each filled and written in
    blocks of about BLOCK_BYTES through one reused buffer: a block stays in the CPU cache while
    every column is copied into it."""
    dtype = _case_dtype(variables)
    block = max(16, BLOCK_BYTES // dtype.itemsize)
    buffer = np.empty(min(block, n_cases), dtype=dtype)
    fields = [(f"v{i}", var) for i, var in enumerate(variables)]
    for chunk in range(0, n_cases, CHUNK_ROWS):
        if cancel is not None and cancel():
            raise ExportCancelled()
        chunk_stop = min(chunk + CHUNK_ROWS, n_cases)
        for start in range(chunk, chunk_stop, block):
            stop = min(start + block, chunk_stop)
            cases = buffer[: stop - start]
            for field, var in fields:
                if var.numbers is not None:
                    cases[field] = var.numbers[start:stop]
                else:
                    assert var.table is not None and var.codes is not None
                    cases[field] = var.table[var.codes[start:stop]]
            fh.write(cases.view(np.uint8).data)
        if progress is not None:
            progress(chunk_stop, n_cases)


def write_sav(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    file_label: str = "",
    column_labels: dict[str, str] | list[str] | None = None,
    variable_value_labels: dict[str, dict[Any, str]] | None = None,
    missing_ranges: dict[str, list[Any]] | None = None,
    variable_measure: dict[str, str] | None = None,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> None:
    """Write ``frame`` as an uncompressed SPSS system file (UTF-8). Columns: float/int/Int64
    (numeric, NA = system missing), str/None (string, None = ""), ``datetime.date`` (DATE11) and
    datetime64 (DATETIME20). ``missing_ranges`` takes discrete values only (at most 3). A partial
    file is removed when writing fails or is cancelled (:class:`ExportCancelled`)."""
    if frame.shape[1] == 0:
        raise ValueError("an SPSS file needs at least one column")
    names = [str(c) for c in frame.columns]
    if len({n.upper() for n in names}) != len(names):
        raise ValueError("column names must be unique (SPSS ignores case)")
    variables = [_column(name, frame.iloc[:, i]) for i, name in enumerate(frame.columns)]
    _apply_metadata(variables, column_labels, variable_value_labels, missing_ranges, variable_measure)
    _short_names(variables)
    for var in variables:
        if var.uniques is not None:
            var.fmt = _fmt(FMT_A, var.width)
            var.table = _string_table(var.uniques, var)
    target = Path(path)
    try:
        with target.open("wb") as fh:
            fh.write(_dictionary(variables, len(frame), file_label))
            _write_cases(fh, variables, len(frame), progress, cancel)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
