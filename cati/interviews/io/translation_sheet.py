"""The translator's spreadsheet (``cati form translations``): one row per text of a form.

Columns: ``id`` · ``nl`` (the Dutch) · the language's code (the translation so far, to fill in) ·
``staat`` (vertaald, ontbreekt, verouderd) · ``waar`` (where the text is in the form). The header of
the third column names the language, so the sheet says itself what it translates into. Reading it
back gives (line, id, Dutch, translation) per row; :func:`cati.interviews.rules.translations.merge_rows`
decides which rows are taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cati.core.languages import is_known, name_nl
from cati.interviews.rules.translations import SheetRow


class SheetError(ValueError):
    """The file is not a translator's sheet of cati; Dutch message."""


@dataclass(frozen=True)
class Sheet:
    form_id: str
    language: str
    rows: tuple[tuple[int, str, str, str], ...]  # (line, id, Dutch, translation)


def write_sheet(path: str | Path, form_id: str, language: str, rows: list[SheetRow]) -> None:
    """Write the sheet (``.xlsx``): a header row, then one row per text; wide, wrapped columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = f"{form_id}.{language}"[:31]
    ws.append(["id", "nl", language, "staat", "waar"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    todo = PatternFill("solid", fgColor="FFF2CC")
    for r in rows:
        ws.append([r.id, r.dutch, r.translation, r.state, r.where])
        if r.state != "vertaald":
            ws.cell(ws.max_row, 3).fill = todo
    for column, width in zip("ABCDE", (28, 60, 60, 12, 40), strict=True):
        ws.column_dimensions[column].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    ws.freeze_panes = "A2"
    wb.properties.title = f"{form_id}: vertaling naar het {name_nl(language)}"
    wb.save(str(path))


def read_sheet(path: str | Path) -> Sheet:
    """The rows of a translator's sheet; SheetError when it is not one."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(str(path), read_only=True, data_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise SheetError(f"{path} is geen leesbaar .xlsx-bestand: {exc}") from None
    try:
        ws = wb.worksheets[0]
        cells = list(ws.iter_rows(values_only=True))
        title = ws.title
    finally:
        wb.close()
    if not cells:
        raise SheetError(f"{path} is leeg")
    head = [str(c).strip() if c is not None else "" for c in cells[0]]
    language = head[2] if len(head) > 2 else ""
    if head[:2] != ["id", "nl"] or not is_known(language):
        raise SheetError(f"{path} is geen vertaalblad van cati (kopregel: id, nl, taalcode, staat, waar)")
    form_id = title.rsplit(".", 1)[0] if title.endswith(f".{language}") else ""
    rows = []
    for line, row in enumerate(cells[1:], start=2):
        values = ["" if v is None else str(v) for v in (*row, None, None, None)[:3]]
        if not any(v.strip() for v in values):
            continue
        rows.append((line, values[0], values[1], values[2]))
    return Sheet(form_id, language, tuple(rows))
