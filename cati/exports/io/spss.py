"""SPSS .sav: variable labels, value labels, user-missing codes, measures (written by :mod:`cati.exports.io.sav_writer`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from cati.exports.io.table import ExportTable, to_frame

MEASURE = {"code": "nominal", "flag": "nominal", "number": "scale", "text": "nominal", "date": "scale"}


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


def sav_metadata(table: ExportTable) -> dict[str, Any]:
    """The keyword arguments of ``pyreadstat.write_sav`` for this table (labels and missing values)."""
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[int | float | str]] = {}
    for col in table.columns:
        if col.numeric and col.value_labels:
            value_labels[col.name] = {float(code): label for code, label in col.value_labels}
        elif col.kind == "text" and col.value_labels:  # "98"/"99" in an open answer
            value_labels[col.name] = {str(code): label for code, label in col.value_labels}
        if col.missing:
            missing[col.name] = [float(m) for m in col.missing] if col.numeric else [str(m) for m in col.missing]
    return {
        "column_labels": {c.name: spss_label(c.label) for c in table.columns},
        "variable_value_labels": value_labels,
        "missing_ranges": missing,
        "variable_measure": {c.name: MEASURE[c.kind] for c in table.columns},
    }


def write_sav(
    path: Path,
    table: ExportTable,
    *,
    file_label: str = "cati export",
    progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> None:
    """The table as an SPSS system file, written by cati's own numpy writer (:mod:`cati.exports.io.sav_writer`,
    several times faster than pyreadstat's; the tests read every file back with pyreadstat and PSPP)."""
    from cati.exports.io.sav_writer import write_sav as write

    frame = to_frame(table, for_spss=True)
    write(frame, path, file_label=file_label, progress=progress, cancel=cancel, **sav_metadata(table))
