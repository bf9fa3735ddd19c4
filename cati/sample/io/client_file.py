"""Read the client files providers deliver (CSV or XLSX) and validate them row by row.

Line numbers are what a supervisor sees in Excel: the header is on its own line (not always line 1: a
title above it is passed over), the first client on a line below it (for CSV a quoted value with a line
break still counts as one line, as Excel shows it). Wholly empty lines are skipped but keep their
number. A file that cannot be read at all raises ``ClientFileError`` with a Dutch message saying why
and what to do; problems in single rows never do (they become rejections and warnings).

Every data line (a non-empty line below the header) comes out of :func:`import_client_file` as exactly
one of: accepted, rejected (with its reasons) or, after :func:`find_duplicates`, a duplicate; the
result's accounting (:class:`Accounting`) says so and is checked before anything is stored. What the
reader itself notices about a row (more values than the header has columns, a line read as
Windows-1252, a merged cell filled in) is a reason or a warning of that row. Choices:

- CSV: a row with values beyond the header's last column is *rejected* (a separator inside an unquoted
  value shifts every value after it, so none of the row's values can be trusted); in XLSX such a value
  is a note next to the table and only a warning (cells cannot shift).
- CSV: a row with fewer values than the header reads the missing ones as empty, with a warning naming
  the columns (a row broken in two by a line break is rejected for what it lacks, with that warning
  among its reasons).
- XLSX: formulas without a computed value in a column cati reads refuse the file (they would read as
  empty); a cell merged over several rows of one column gives its value to every row it covers, with a
  warning (that is what the supervisor sees in Excel); a merge across columns leaves the covered cells
  empty, with a warning. A workbook with more than one worksheet with clients is refused: cati reads
  one list per import, and leaving a sheet out would lose its clients without a word.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

from cati.core.cells import csv_cell
from cati.sample.io.csv_table import HEADER_SEARCH, CsvRecord, CsvTable, read_table
from cati.sample.io.errors import ClientFileError
from cati.sample.io.text_file import DecodedText, binary_message, damaged_message, decode_text, file_kind
from cati.sample.rules.accounting import Accounting
from cati.sample.rules.client_rows import (
    REQUIRED_COLUMNS,
    Accepted,
    ClientRecord,
    MeasurementPeriod,
    Rejection,
    RowWarning,
    validate_row,
)
from cati.sample.rules.client_values import RawValue
from cati.sample.rules.dienst import normalize
from cati.sample.rules.duplicates import Duplicate, PhoneOwners, find_duplicates

if TYPE_CHECKING:
    from cati.sample.io.xlsx_errors import SheetNotes

__all__ = ["HEADER_ALIASES", "ClientFile", "ClientFileError", "ImportResult", "import_client_file",
           "open_client_file", "rejects_path", "write_rejects_csv"]

MAX_FILE_BYTES = 512 * 1024 * 1024  # a client file of 100,000 rows is about 10 MB
MAX_XLSX_UNPACKED = 2 * 1024 * 1024 * 1024  # what the parts of a workbook may hold together, unpacked

_ALIASES: dict[str, tuple[str, ...]] = {
    "klantnummer": ("klantnummer", "klantnr", "klant nr", "klant id", "klantid", "client id", "clientid",
                    "clientnummer", "clientnr", "client nr", "client number", "klant nummer", "relatienummer",
                    "client no", "customer number", "customer id", "customer no"),
    "naam": ("naam", "name", "volledige naam", "naam client", "clientnaam", "klantnaam", "naam klant",
             "full name", "client name", "customer name"),
    "telefoon": ("telefoon", "telefoonnummer", "tel", "telnr", "tel nr", "telefoon1", "telefoon 1",
                 "telefoonnummer1", "telefoonnummer 1", "tel1", "phone", "telephone", "phone number",
                 "telephone number", "phone 1", "phone1"),
    "telefoon2": ("telefoon2", "telefoon 2", "telefoonnummer2", "telefoonnummer 2", "tel2", "tel 2",
                  "mobiel", "mobiel nummer", "mobielnummer", "mobiel telefoonnummer", "mobile", "gsm",
                  "phone 2", "phone2", "mobile number", "mobile phone", "cell phone"),
    "email": ("email", "e mail", "emailadres", "e mailadres", "e mail adres", "mail", "mailadres",
              "email address", "e mail address"),
    "dienst": ("dienst", "dienstverlening", "dienstnummer", "dienst nr", "service", "service number"),
    "einddatum": ("einddatum", "einddatum traject", "datum einde", "datum einde traject", "einde traject",
                  "einddatum dienstverlening", "end date", "enddate", "end date trajectory", "date end",
                  "trajectory end date", "end of trajectory"),
    "vragenlijst": ("vragenlijst", "versie", "vragenlijstversie", "versie vragenlijst", "variant",
                    "questionnaire", "questionnaire version", "version"),
    "leerprofiel": ("leerprofiel", "leer profiel", "profiel", "learning profile", "learner profile"),
    "telefonisch": ("telefonisch", "telefonische optie", "telefonisch enqueteren", "telefonische enquete",
                    "telephone option", "phone option", "by phone", "phone interview"),
    "taal": ("taal", "language", "voertaal", "spreektaal", "thuistaal", "moedertaal"),
}
HEADER_ALIASES: dict[str, str] = {
    normalize(alias).replace(" ", ""): canon for canon, aliases in _ALIASES.items() for alias in aliases
}


def _key(cell: object) -> str:
    return normalize("" if cell is None else str(cell).strip()).replace(" ", "")


def _match_header(cells: Sequence[object]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """canonical -> column index, canonical -> header text as given, unknown headers."""
    index: dict[str, int] = {}
    shown: dict[str, str] = {}
    unknown: list[str] = []
    for i, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        canon = HEADER_ALIASES.get(_key(text))
        if canon is None:
            unknown.append(text)
        elif canon in index:
            raise ClientFileError(f"De kolom '{canon}' staat twee keer in de kopregel: '{shown[canon]}' en "
                                  f"'{text}'. Verwijder of hernoem één van beide.")
        else:
            index[canon], shown[canon] = i, text
    return index, shown, unknown


def _score(cells: Sequence[object]) -> tuple[bool, int]:
    """Whether a row is a header with all required columns, and how many known columns it names."""
    known = {HEADER_ALIASES.get(_key(c)) for c in cells if c is not None and len(str(c)) < 100} - {None}
    return all(c in known for c in REQUIRED_COLUMNS), len(known)


def _check_required(index: Mapping[str, int], header: Sequence[object], where: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        found = ", ".join(f"'{str(h).strip()[:60]}'" for h in header if h is not None and str(h).strip()) or "geen"
        raise ClientFileError(f"Verplichte kolom(men) ontbreken{where}: {', '.join(missing)}. "
                              f"Gevonden kolommen: {found}. Zet een kopregel met (ten minste) klantnummer, naam, "
                              f"dienst en einddatum boven de cliënten (cati zoekt hem in de eerste {HEADER_SEARCH} "
                              "regels).")


def _blank(row: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


Notes = tuple[tuple[str, ...], tuple[str, ...]]  # what reading a row found: (reasons, warnings)
NO_NOTES: Notes = ((), ())
Record = tuple[int, Sequence[object], Notes]  # line, cells from column A (or field 1), notes


@dataclass
class ClientFile:
    """An opened, header-checked client file; iterate ``rows()`` (or ``noted_rows()``) once."""

    path: Path
    kind: Literal["csv", "xlsx"]
    columns: dict[str, str]  # canonical column -> header as written in the file
    ignored_columns: tuple[str, ...]
    total_rows: int  # lines below the header (for XLSX: up to the last row that holds anything): progress
    encoding: str | None = None
    delimiter: str | None = None
    header_line: int = 1
    notes: tuple[str, ...] = ()  # about the file as a whole (a title above the header, sheets left out)
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    _records: Iterator[Record] = field(default_factory=lambda: iter(()), repr=False)
    data_lines: int = 0  # non-empty lines below the header, counted as they are read
    empty_lines: int = 0  # empty lines below the header, counted as they are read

    def rows(self) -> Iterator[tuple[int, dict[str, RawValue]]]:
        """(line, canonical column -> raw value) for each non-empty data line."""
        for line, values, _ in self.noted_rows():
            yield line, values

    def noted_rows(self) -> Iterator[tuple[int, dict[str, RawValue], Notes]]:
        """(line, canonical column -> raw value, what reading the row found) for each non-empty line."""
        items = tuple(self._index.items())
        for line, cells, notes in self._records:
            if _blank(cells):
                self.empty_lines += 1
                continue
            self.data_lines += 1
            n = len(cells)
            values: dict[str, RawValue] = {}
            for canon, i in items:
                v = cells[i] if i < n else None
                values[canon] = v.strip() if isinstance(v, str) else v  # type: ignore[assignment]
            yield line, values, notes


def open_client_file(path: str | Path) -> ClientFile:
    """Open a client file (CSV or XLSX, told apart by their content) and check its header. Raises
    ClientFileError, saying what is wrong and what to do."""
    p = Path(path)
    if not p.is_file():
        raise ClientFileError(f"Bestand '{p.name}' bestaat niet of is geen bestand.")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ClientFileError(f"'{p.name}' is {size // (1024 * 1024)} MB groot; cati leest klantbestanden tot "
                              f"{MAX_FILE_BYTES // (1024 * 1024)} MB. Splits het bestand in delen.")
    data = p.read_bytes()
    if file_kind(data, p.name, p.suffix.lower()) == "xlsx":
        return _open_xlsx(p)
    return _open_csv(p, data)


# -- CSV -------------------------------------------------------------------------------------------


def _open_csv(p: Path, data: bytes) -> ClientFile:
    if not data.strip(b" \t\r\n\xef\xbb\xbf\x00\xff\xfe"):
        raise ClientFileError(f"'{p.name}' is leeg.")
    decoded = decode_text(data, p.name, refuse_binary=False)
    table = read_table(decoded.text, _score)
    sample = data[:65536]
    if (not table.header_line and b"\x00" in sample) or (
            not decoded.encoding.startswith("utf-16") and _utf16_zeros(sample)):
        decoded, table = _utf16_after_all(data, decoded, table)
    if not table.header_line:
        if decoded.binary:
            raise ClientFileError(binary_message(p.name))
        _check_required({}, table.header, "")
    index, shown, unknown = _match_header(table.header)
    named = max((i + 1 for i, c in enumerate(table.header) if c.strip()), default=0)
    if all(_blank(r.cells) for r in table.records):
        raise ClientFileError(f"'{p.name}' bevat alleen een kopregel en geen cliënten.")
    notes = []
    if table.sep_line:
        notes.append("regel 1 ('sep=') geeft het scheidingsteken aan en is geen gegevensregel")
    if table.above:
        notes.append(f"kopregel op regel {table.header_line}; {_lines_text(table.above)} erboven (een titel of "
                     "toelichting) niet gelezen")
    if decoded.cp1252_lines:
        notes.append(f"{len(decoded.cp1252_lines)} regel(s) gelezen als Windows-1252, de rest van het bestand "
                     "is UTF-8 (zie de waarschuwingen)")
    records = _csv_records(table.records, named, index, frozenset(decoded.cp1252_lines))
    return ClientFile(p, "csv", shown, tuple(unknown), len(table.records), decoded.encoding, table.delimiter,
                      table.header_line, tuple(notes), index, records)


def _utf16_zeros(sample: bytes) -> bool:
    """Whether the zero bytes of a file read byte by byte (and found to have a header) say it may be UTF-16
    after all: at least eight, nearly all on even or nearly all on odd positions (the high bytes of ASCII
    characters; stray NUL bytes fall anywhere)."""
    zeros = sample.count(0)
    if zeros < 8:
        return False
    even = sample[0::2].count(0)
    return even >= 0.9 * zeros or zeros - even >= 0.9 * zeros


def _utf16_after_all(data: bytes, decoded: DecodedText, table: CsvTable) -> tuple[DecodedText, CsvTable]:
    """UTF-16 without a byte-order mark that the zero bytes did not give away (text mostly outside Latin-1),
    or that was also readable byte by byte (its zeros read as NUL characters): the byte order with which
    a header is found, if one is."""
    for codec in ("utf-16-le", "utf-16-be"):
        if codec == decoded.encoding:
            continue
        try:
            text = data.decode(codec)
            found = read_table(text, _score)
        except (UnicodeDecodeError, ClientFileError):
            continue
        if found.header_line:
            return DecodedText(text, codec), found
    return decoded, table


def _lines_text(lines: Sequence[int]) -> str:
    if len(lines) == 1:
        return f"regel {lines[0]}"
    if list(lines) == list(range(lines[0], lines[-1] + 1)):
        return f"regels {lines[0]}-{lines[-1]}"
    return "regels " + ", ".join(map(str, lines))


def _csv_records(records: Sequence[CsvRecord], named: int, index: Mapping[str, int],
                 cp1252: frozenset[int]) -> Iterator[Record]:
    by_position = {i: canon for canon, i in index.items()}
    for rec in records:
        cells = rec.cells
        n = len(cells)
        if n == named and not cp1252:
            yield rec.line, cells, NO_NOTES
            continue
        reasons: list[str] = []
        warnings: list[str] = []
        if n > named and any(c.strip() for c in cells[named:]):
            extra = [c.strip() for c in cells[named:] if c.strip()]
            shown = ", ".join(f"'{v[:40]}'" for v in extra[:3]) + (" …" if len(extra) > 3 else "")
            reasons.append(f"de regel heeft {n} velden, de kopregel {named} kolommen: {shown} valt buiten de "
                           "kolommen (staat er een scheidingsteken in een waarde zonder aanhalingstekens?)")
        elif n < named and not _blank(cells):
            missing = sorted((canon for i, canon in by_position.items() if i >= n), key=lambda c: index[c])
            if missing:
                warnings.append(f"de regel heeft {n} velden, de kopregel {named} kolommen: {', '.join(missing)} "
                                "als leeg gelezen")
        if cp1252 and any(line in cp1252 for line in range(rec.line, rec.end_line + 1)):
            warnings.append("gelezen als Windows-1252 terwijl de rest van het bestand UTF-8 is: controleer de "
                            "letters met accenten op deze regel")
        yield rec.line, cells, (tuple(reasons), tuple(warnings)) if reasons or warnings else NO_NOTES


# -- XLSX ------------------------------------------------------------------------------------------


def _open_xlsx(p: Path) -> ClientFile:
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
        if _blank(row):
            continue
        complete, known = _score(row)
        if complete:
            index = _match_header(row)[0]  # (a column named twice is an error of the header)
            if notes is not None:
                _refuse_uncomputed(p, n, index, notes)
            peek = next(((m, r) for m, r in records if not _blank(r)), None)
            if peek is None:
                return ClientFileError(f"werkblad '{title}' bevat alleen een kopregel en geen cliënten")
            return _Candidate(title, n, row, last_row, records, peek, tuple(above))
        if best is None or known > _score(best[1])[1]:
            best = (n, row)
        above.append(n)
        if len(above) >= HEADER_SEARCH:
            break
    if best is None:
        return None
    index = _match_header(best[1])[0]
    try:
        _check_required(index, best[1], f" op werkblad '{title}'")
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
    index, shown, unknown = _match_header(chosen.header)
    sheet_notes = (notes or {}).get(chosen.title)
    file_notes = []
    if chosen.above:
        file_notes.append(f"kopregel op regel {chosen.header_line}; {_lines_text(chosen.above)} erboven niet gelezen")
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


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


Progress = Callable[[int, int], bool | None]


@dataclass
class ImportResult:
    """Outcome of reading and validating one file (no database work)."""

    file: ClientFile
    accepted: list[Accepted] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    rows_read: int = 0
    cancelled: bool = False

    @property
    def records(self) -> list[ClientRecord]:
        """Accepted records that are not duplicates: what may be stored."""
        dup_lines = {d.line for d in self.duplicates}
        return [a.record for a in self.accepted if a.record.line not in dup_lines]

    @property
    def warnings(self) -> list[RowWarning]:
        return [w for a in self.accepted for w in a.warnings]

    def accounting(self) -> Accounting:
        """Where each data line went (the phoned ones counted as asked for: a case, or do-not-call)."""
        records = self.records
        mail_post = sum(1 for r in records if r.queue == "mail_post")
        return Accounting(self.file.data_lines, len(records) - mail_post, mail_post, len(self.rejections),
                          len(self.duplicates))


def import_client_file(
    path: str | Path,
    period: MeasurementPeriod,
    provider_has_phone_option: bool,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    known_client_numbers: Collection[str] = (),
    known_phones: PhoneOwners | None = None,
    progress_every: int = 1000,
) -> ImportResult:
    """Read and validate a whole file. ``progress(rows_done, rows_total)`` is called every
    ``progress_every`` rows and at the end; returning False (or ``cancel.is_set()``) stops the run,
    leaving ``cancelled=True`` and the rows done so far. Raises ClientFileError for unreadable files.
    A whole run ends with its accounting checked (:meth:`Accounting.check`)."""
    cf = open_client_file(path)
    result = ImportResult(cf)
    total = cf.total_rows
    for line, values, notes in cf.noted_rows():
        outcome = validate_row(values, line, period, provider_has_phone_option)
        if notes is not NO_NOTES:
            outcome = _with_notes(outcome, line, notes)
        if isinstance(outcome, Rejection):
            result.rejections.append(outcome)
        else:
            result.accepted.append(outcome)
        result.rows_read += 1
        if result.rows_read % progress_every == 0:
            total = max(total, result.rows_read)
            if (progress is not None and progress(result.rows_read, total) is False) or (
                    cancel is not None and cancel.is_set()):
                result.cancelled = True
                return result
    if progress is not None:
        progress(result.rows_read, result.rows_read)
    result.duplicates = find_duplicates((a.record for a in result.accepted),
                                        known_client_numbers=known_client_numbers, known_phones=known_phones)
    result.accounting().check()
    return result


def _with_notes(outcome: Accepted | Rejection, line: int, notes: Notes) -> Accepted | Rejection:
    """A row's outcome with what reading it found: a reason rejects it; for a rejected row the warnings
    join its reasons (a rejected row shows reasons only)."""
    reasons, warnings = notes
    if isinstance(outcome, Rejection):
        return Rejection(line, outcome.client_number, (*reasons, *outcome.reasons, *warnings))
    if reasons:
        return Rejection(line, outcome.record.client_number, (*reasons, *warnings))
    return Accepted(outcome.record, (*(RowWarning(line, w) for w in warnings), *outcome.warnings))


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
