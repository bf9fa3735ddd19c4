"""The rejects file written next to an imported client file: ``<name>_afgewezen.csv``, the rejected rows
and the duplicates with their reasons, for Dutch Excel."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from cati.core.cells import csv_cell
from cati.sample.rules.client_rows import Rejection
from cati.sample.rules.duplicates import Duplicate


def rejects_path(import_path: str | Path) -> Path:
    p = Path(import_path)
    return p.with_name(f"{p.stem}_afgewezen.csv")


REJECTS_HEADER = ("regel", "klantnummer", "redenen")


def write_rejects(out: Path, rows: Iterable[tuple[int, str, str]]) -> Path:
    """The rejects file (UTF-8 with BOM, ';', for Dutch Excel): columns regel, klantnummer, redenen.
    Client numbers and reasons come from outside: a cell that a spreadsheet would take for a formula is
    neutralised (:func:`cati.core.cells.csv_cell`)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(REJECTS_HEADER)
        writer.writerows((line, csv_cell(number), csv_cell(reasons)) for line, number, reasons in rows)
    return out


def write_rejects_csv(
    import_path: str | Path,
    rejections: Sequence[Rejection],
    duplicates: Sequence[Duplicate] = (),
) -> Path:
    """Write ``<name>_afgewezen.csv`` next to the import file (:func:`write_rejects`): rejected rows and
    duplicates together, in line order."""
    rows: list[tuple[int, str, str]] = [(r.line, r.client_number or "", "; ".join(r.reasons)) for r in rejections]
    rows += [(d.line, d.client_number, "dubbel: " + "; ".join(d.reasons)) for d in duplicates]
    rows.sort(key=lambda r: r[0])
    return write_rejects(rejects_path(import_path), rows)
