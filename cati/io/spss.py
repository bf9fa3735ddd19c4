"""SPSS .sav through pyreadstat: variable labels, value labels, user-missing codes, measures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cati.io.exports import ExportTable, to_frame

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


def write_sav(path: Path, table: ExportTable, *, file_label: str = "cati export") -> None:
    import pyreadstat

    frame = to_frame(table, for_spss=True)
    pyreadstat.write_sav(frame, str(path), file_label=file_label, **sav_metadata(table))
