"""Read an XLSX client file with python-calamine into a
:class:`~cati.sample.io.client_columns.ClientFile`: the worksheet with the clients.

Choices:

- a value beyond the header's last column is a note next to the table and only a warning (cells cannot
  shift; in a CSV file such a row is rejected, see :mod:`cati.sample.io.client_csv`).
- formulas without a computed value in a column cati reads refuse the file (they would read as
  empty); a cell merged over several rows of one column gives its value to every row it covers, with a
  warning (that is what the supervisor sees in Excel); a merge across columns leaves the covered cells
  empty, with a warning. A workbook with more than one worksheet with clients is refused: cati reads
  one list per import, and leaving a sheet out would lose its clients without a word.
"""

from __future__ import annotations

import itertools
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cati.sample.io.client_columns import (
    NO_NOTES,
    ClientFile,
    Record,
    check_required,
    is_blank,
    lines_text,
    match_header,
    score_header,
)
from cati.sample.io.csv_table import HEADER_SEARCH
from cati.sample.io.errors import ClientFileError
from cati.sample.io.text_file import damaged_message
from cati.sample.rules.client_values import RawValue

if TYPE_CHECKING:
    from cati.sample.io.xlsx_errors import SheetNotes

MAX_XLSX_UNPACKED = 2 * 1024 * 1024 * 1024  # what the parts of a workbook may hold together, unpacked


def open_xlsx(p: Path) -> ClientFile:
    """Read with python-calamine (:func:`xlsx_sheets`): the worksheet with the clients."""
    import zipfile

    from python_calamine import CalamineError

    from cati.sample.io.xlsx_errors import ZIP_ERRORS, UnplacedErrorCells, workbook_notes

    try:
        with zipfile.ZipFile(p) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except ZIP_ERRORS:
        raise ClientFileError(damaged_message(p.name)) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise ClientFileError(f"'{p.name}' pakt uit tot {unpacked // (1024 * 1024)} MB; dat is geen gewoon "
                              "klantbestand. Sla het in Excel op als 'CSV (gescheiden door lijstscheidingsteken)'.")
    try:
        notes = workbook_notes(p)
        sheets = xlsx_sheets(p, notes)
        try:
            return sheet_client_file(p, sheets, notes)
        finally:
            sheets.close()  # the workbook's file; the chosen sheet's rows are in memory
    except (CalamineError, OSError) as exc:
        raise ClientFileError(damaged_message(p.name)) from exc
    except UnplacedErrorCells as exc:
        raise ClientFileError(f"'{p.name}' bevat Excel-foutwaarden (zoals #N/B), formules of samengevoegde cellen "
                              f"op een werkblad dat cati niet kan thuisbrengen ({exc}). Vervang de foutwaarden, of "
                              "sla het bestand in Excel op als 'CSV (gescheiden door lijstscheidingsteken)'.") from exc


Sheet = tuple[str, int, Iterator[Sequence[object]]]  # title, last row with data (1-based), rows from row 1


def xlsx_sheets(path: str | Path, notes: Mapping[str, SheetNotes] | None = None) -> Generator[Sheet, None, None]:
    """The worksheets of an .xlsx/.xlsm workbook in order (chart sheets left out), each read when asked
    for, by python-calamine: formulas give their cached value, numbers come as ``int`` when whole (as
    Excel and openpyxl write them) else ``float``, date cells as ``datetime`` (``time`` below one day,
    ``timedelta`` for a duration format) in the workbook's 1900 or 1904 date system, ``bool``, ``str``;
    an empty cell is None. Row n of the sheet is the n-th row, a cell at column k its k-th item.

    python-calamine reads an Excel error value (``#N/B``) as an empty cell; the error text is put back
    (:mod:`cati.sample.io.xlsx_errors`), so that the row checks see it, as they did with openpyxl."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    from cati.sample.io.xlsx_errors import workbook_notes

    p = Path(path)
    found = workbook_notes(p) if notes is None else notes
    with CalamineWorkbook.from_path(str(p)) as book:
        kinds = {meta.name: meta.typ for meta in book.sheets_metadata}
        for title in book.sheet_names:
            if kinds.get(title, SheetTypeEnum.WorkSheet) is not SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(title)
            end = sheet.end
            last = 0 if end is None else end[0] + 1
            sheet_notes = found.get(title)
            errors = sheet_notes.errors if sheet_notes is not None else {}
            rows = iter(()) if end is None else _rows(sheet.iter_rows(), end[1] + 1, errors)
            yield title, last, rows


def _rows(rows: Iterator[Sequence[RawValue]], width: int, errors: dict[int, dict[int, str]],
          ) -> Iterator[tuple[RawValue, ...]]:
    """python-calamine's rows (from row 1) as cati reads cells: from column A (calamine's rows start at
    the first column that holds anything: ``width`` is up to the last one), values through
    :func:`_cell`, error texts put back."""
    for n, row in enumerate(rows):
        values = (None,) * (width - len(row)) + tuple(map(_cell, row))
        found = errors.get(n)
        if found:
            cells: list[RawValue] = list(values)
            for col, text in found.items():
                cells.extend([None] * (col + 1 - len(cells)))
                cells[col] = text
            values = tuple(cells)
        yield values


_WHOLE = 2.0**53  # beyond this a float is not an exact whole number anyway


def _cell(value: RawValue) -> RawValue:
    """One cell from python-calamine: '' (its empty cell) is None; a whole float below 2**53 is an int (a
    number Excel stores as "5001" is 5001, as openpyxl reads it); a date cell without a time of day is a
    ``datetime`` at midnight (as openpyxl reads date cells)."""
    if type(value) is str:
        return value or None
    if type(value) is float:
        return int(value) if value.is_integer() and -_WHOLE < value < _WHOLE else value
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return value


@dataclass
class _Candidate:
    """A worksheet with a client header and at least one row below it."""

    title: str
    header_line: int
    header: Sequence[object]
    last_row: int
    records: Iterator[tuple[int, Sequence[object]]]
    first: tuple[int, Sequence[object]]
    above: tuple[int, ...]


def _sheet_header(p: Path, title: str, last_row: int, rows: Iterator[Sequence[object]], notes: SheetNotes | None,
                  ) -> _Candidate | ClientFileError | None:
    """The header and first client of one worksheet, why it has none, or None when it is empty. Refuses
    the file when a column cati reads holds formulas without a computed value."""
    records = enumerate(rows, start=1)
    above: list[int] = []
    best: tuple[int, Sequence[object]] | None = None
    for n, row in records:
        if is_blank(row):
            continue
        complete, known = score_header(row)
        if complete:
            index = match_header(row)[0]  # (a column named twice is an error of the header)
            if notes is not None:
                _refuse_uncomputed(p, n, index, notes)
            peek = next(((m, r) for m, r in records if not is_blank(r)), None)
            if peek is None:
                return ClientFileError(f"werkblad '{title}' bevat alleen een kopregel en geen cliënten")
            return _Candidate(title, n, row, last_row, records, peek, tuple(above))
        if best is None or known > score_header(best[1])[1]:
            best = (n, row)
        above.append(n)
        if len(above) >= HEADER_SEARCH:
            break
    if best is None:
        return None
    index = match_header(best[1])[0]
    try:
        check_required(index, best[1], f" op werkblad '{title}'")
    except ClientFileError as exc:
        return exc
    return None  # pragma: no cover - a complete header was returned above


def sheet_client_file(p: Path, sheets: Iterable[Sheet], notes: Mapping[str, SheetNotes] | None = None) -> ClientFile:
    """The client file on the worksheet with a valid header and at least one client below it; ``sheets``
    as :func:`xlsx_sheets` gives them (the tests also hand it openpyxl's), ``notes`` as
    :func:`cati.sample.io.xlsx_errors.workbook_notes` gives them. Refused when more than one sheet holds
    clients, or when a column cati reads holds formulas without a computed value."""
    chosen: _Candidate | None = None
    others: list[str] = []
    skipped: list[str] = []
    first_error: ClientFileError | None = None
    for title, last_row, rows in sheets:
        found = _sheet_header(p, title, last_row, rows, (notes or {}).get(title))
        if isinstance(found, _Candidate):
            if chosen is None:
                chosen = found
            else:
                others.append(title)
        else:
            skipped.append(title)
            if isinstance(found, ClientFileError):
                first_error = first_error or found
    if chosen is None:
        if first_error is not None:
            raise ClientFileError(f"'{p.name}': {first_error}")
        raise ClientFileError(f"'{p.name}' is leeg (geen gegevens op de werkbladen).")
    if others:
        names = ", ".join(f"'{t}'" for t in (chosen.title, *others))
        raise ClientFileError(f"'{p.name}' heeft {len(others) + 1} werkbladen met cliënten ({names}). cati leest één "
                              "lijst per keer: zet alle cliënten op één werkblad, of sla elk werkblad als eigen "
                              "bestand op en lees ze na elkaar in.")
    index, shown, unknown = match_header(chosen.header)
    sheet_notes = (notes or {}).get(chosen.title)
    file_notes = []
    if chosen.above:
        file_notes.append(f"kopregel op regel {chosen.header_line}; {lines_text(chosen.above)} erboven niet gelezen")
    if skipped:
        file_notes.append(f"cliënten gelezen van werkblad '{chosen.title}'; werkblad(en) "
                          + ", ".join(f"'{t}'" for t in skipped) + " zonder cliëntenlijst niet gelezen")
    named = max((i + 1 for i, c in enumerate(chosen.header) if c is not None and str(c).strip()), default=0)
    merged = sheet_notes.merged if sheet_notes is not None else ()
    records = _xlsx_records(itertools.chain([chosen.first], chosen.records), named, index, chosen.header_line, merged)
    total = max(0, chosen.last_row - chosen.header_line)
    return ClientFile(p, "xlsx", shown, tuple(unknown), total, None, None, chosen.header_line, tuple(file_notes),
                      index, records)


def _refuse_uncomputed(p: Path, header_line: int, index: Mapping[str, int], notes: SheetNotes) -> None:
    from cati.sample.io.xlsx_errors import cell_name

    used = {i: canon for canon, i in index.items()}
    cells = sorted((r, c, f) for (r, c), f in notes.uncomputed.items()
                   if (r, c) == (-1, -1) or (r >= header_line and c in used))
    if not cells:
        return
    r, c, formula = cells[0]
    where = f"cel {cell_name(r, c)} (kolom {used[c]})" if c >= 0 else "een cel zonder celverwijzing"
    more = f", en nog {len(cells) - 1} cel(len)" if len(cells) > 1 else ""
    raise ClientFileError(
        f"'{p.name}' bevat formules zonder berekende waarde, bijvoorbeeld {where}: ={formula[:80]}{more}. Het "
        "bestand is gemaakt door een programma dat formules niet uitrekent; cati zou die cellen als leeg lezen. "
        "Open het in Excel (dat rekent ze uit), sla het op en lees het opnieuw in.")


def _filled(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _xlsx_records(rows: Iterator[tuple[int, Sequence[object]]], named: int, index: Mapping[str, int],
                  header_line: int, merged: Sequence[tuple[int, int, int, int]]) -> Iterator[Record]:
    """Rows with what reading them found: merged cells (see the module docstring) and values beyond the
    header's last column."""
    from cati.sample.io.xlsx_errors import cell_name

    used = {i: canon for canon, i in index.items()}
    fills: dict[int, list[tuple[int, int, str]]] = {}  # line -> (column, line of the value, range)
    covered: dict[int, list[str]] = {}  # line -> merges across columns that leave a read column empty
    for r0, c0, r1, c1 in merged:
        name = f"{cell_name(r0, c0)}:{cell_name(r1, c1)}"
        for line in range(max(r0 + 1, header_line + 1), r1 + 2):
            for col in range(c0, c1 + 1):
                if col not in used or (line == r0 + 1 and col == c0):
                    continue
                if c0 == c1:
                    fills.setdefault(line, []).append((col, r0 + 1, name))
                else:
                    covered.setdefault(line, []).append(
                        f"cel {cell_name(line - 1, col)} ({used[col]}) valt in de samengevoegde cellen {name} en "
                        "is als leeg gelezen")
    wanted = {(src, col) for items in fills.values() for col, src, _ in items}
    tops: dict[tuple[int, int], object] = {}
    for line, cells in rows:
        if wanted:
            for src, col in wanted:
                if src == line and col < len(cells):
                    tops[(src, col)] = cells[col]
        warnings: list[str] = list(covered.get(line, ()))
        if line in fills:
            values = list(cells)
            for col, src, name in fills[line]:
                value = tops.get((src, col))
                if value is None or col >= len(values) or values[col] is not None:
                    continue
                values[col] = value
                warnings.append(f"{used[col]}: cel {cell_name(line - 1, col)} valt in de samengevoegde cellen "
                                f"{name}; de waarde van regel {src} is overgenomen")
            cells = values
        if len(cells) > named:
            beyond = [cell_name(line - 1, i) for i in range(named, len(cells)) if _filled(cells[i])]
            if beyond:
                warnings.append(f"cel {', '.join(beyond[:3])}{' …' if len(beyond) > 3 else ''} staat buiten de "
                                "kolommen van de kopregel en is niet gelezen")
        yield line, cells, ((), tuple(warnings)) if warnings else NO_NOTES
