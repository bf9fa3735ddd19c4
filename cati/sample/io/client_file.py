"""Read the client files providers deliver (CSV or XLSX) and validate them row by row.

Line numbers are what a supervisor sees in Excel: the header is line 1, the first client line 2 (for
CSV a quoted value with a line break still counts as one line, as Excel shows it). Wholly empty lines
are skipped but keep their number. A file that cannot be read at all raises ``ClientFileError`` with a
Dutch message saying why; problems in single rows never do (they become rejections and warnings).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Collection, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal, Protocol

from cati.sample.rules.client_rows import (
    REQUIRED_COLUMNS,
    Accepted,
    ClientRecord,
    Duplicate,
    MeasurementPeriod,
    RawValue,
    Rejection,
    RowWarning,
    find_duplicates,
    validate_row,
)
from cati.sample.rules.dienst import normalize


class ClientFileError(Exception):
    """The file as a whole cannot be read; ``str(exc)`` is a Dutch message for the supervisor."""


_ALIASES: dict[str, tuple[str, ...]] = {
    "klantnummer": ("klantnummer", "klantnr", "klant nr", "klant id", "klantid", "client id", "clientid",
                    "clientnummer", "clientnr", "client nr", "client number", "klant nummer", "relatienummer"),
    "naam": ("naam", "name", "volledige naam", "naam client", "clientnaam", "klantnaam", "naam klant"),
    "telefoon": ("telefoon", "telefoonnummer", "tel", "telnr", "tel nr", "telefoon1", "telefoon 1",
                 "telefoonnummer1", "telefoonnummer 1", "tel1", "phone", "telephone"),
    "telefoon2": ("telefoon2", "telefoon 2", "telefoonnummer2", "telefoonnummer 2", "tel2", "tel 2",
                  "mobiel", "mobiel nummer", "mobielnummer", "mobiel telefoonnummer", "mobile", "gsm"),
    "email": ("email", "e mail", "emailadres", "e mailadres", "e mail adres", "mail", "mailadres"),
    "dienst": ("dienst", "dienstverlening", "dienstnummer", "dienst nr", "service"),
    "einddatum": ("einddatum", "einddatum traject", "datum einde", "datum einde traject", "einde traject",
                  "einddatum dienstverlening"),
    "vragenlijst": ("vragenlijst", "versie", "vragenlijstversie", "versie vragenlijst", "variant"),
    "leerprofiel": ("leerprofiel", "leer profiel", "profiel"),
    "telefonisch": ("telefonisch", "telefonische optie", "telefonisch enqueteren", "telefonische enquete"),
    "taal": ("taal", "language", "voertaal", "spreektaal", "thuistaal", "moedertaal"),
}
HEADER_ALIASES: dict[str, str] = {
    normalize(alias).replace(" ", ""): canon for canon, aliases in _ALIASES.items() for alias in aliases
}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "een gecomprimeerd bestand (zip of xlsx)"),
    (b"\xd0\xcf\x11\xe0", "een oud Excel-bestand (.xls)"),
    (b"\x89PNG", "een afbeelding (PNG)"),
    (b"\xff\xd8\xff", "een afbeelding (JPEG)"),
    (b"%PDF", "een PDF-bestand"),
)
_SAVE_AS = "Sla het bestand in Excel op als 'CSV (gescheiden door lijstscheidingsteken)' of als .xlsx."


def _match_header(cells: Sequence[object]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """canonical -> column index, canonical -> header text as given, unknown headers."""
    index: dict[str, int] = {}
    shown: dict[str, str] = {}
    unknown: list[str] = []
    for i, cell in enumerate(cells):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        canon = HEADER_ALIASES.get(normalize(text).replace(" ", ""))
        if canon is None:
            unknown.append(text)
        elif canon in index:
            raise ClientFileError(f"De kolom '{canon}' staat twee keer in de kopregel: '{shown[canon]}' en "
                                  f"'{text}'. Verwijder of hernoem één van beide.")
        else:
            index[canon], shown[canon] = i, text
    return index, shown, unknown


def _check_required(index: Mapping[str, int], header: Sequence[object], where: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        found = ", ".join(f"'{h}'" for h in header if h is not None and str(h).strip()) or "geen"
        raise ClientFileError(f"Verplichte kolom(men) ontbreken{where}: {', '.join(missing)}. "
                              f"Gevonden kolommen: {found}.")


def _blank(row: Sequence[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


@dataclass
class ClientFile:
    """An opened, header-checked client file; iterate ``rows()`` once."""

    path: Path
    kind: Literal["csv", "xlsx"]
    columns: dict[str, str]  # canonical column -> header as written in the file
    ignored_columns: tuple[str, ...]
    total_rows: int  # data lines (for XLSX: up to the last row that holds anything)
    encoding: str | None = None
    delimiter: str | None = None
    _index: dict[str, int] = field(default_factory=dict, repr=False)
    _records: Iterator[tuple[int, Sequence[object]]] = field(default_factory=lambda: iter(()), repr=False)

    def rows(self) -> Iterator[tuple[int, dict[str, RawValue]]]:
        """(line, canonical column -> raw value) for each non-empty data line."""
        items = tuple(self._index.items())
        for line, cells in self._records:
            if _blank(cells):
                continue
            n = len(cells)
            values: dict[str, RawValue] = {}
            for canon, i in items:
                v = cells[i] if i < n else None
                values[canon] = v.strip() if isinstance(v, str) else v  # type: ignore[assignment]
            yield line, values


def open_client_file(path: str | Path) -> ClientFile:
    """Open a .csv/.txt/.tsv or .xlsx/.xlsm file and check its header. Raises ClientFileError."""
    p = Path(path)
    if not p.is_file():
        raise ClientFileError(f"Bestand '{p.name}' bestaat niet of is geen bestand.")
    if p.suffix.lower() in (".xlsx", ".xlsm"):
        return _open_xlsx(p)
    if p.suffix.lower() == ".xls":
        raise ClientFileError(f"'{p.name}' is een oud Excel-bestand (.xls). {_SAVE_AS}")
    return _open_csv(p)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ClientFileError(f"'{name}' is geen CSV-tekstbestand maar {what}. {_SAVE_AS}")
    if b"\x00" in data[:8192]:
        raise ClientFileError(f"'{name}' is geen tekstbestand (bevat binaire gegevens). {_SAVE_AS}")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (";", "\t", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _open_csv(p: Path) -> ClientFile:
    data = p.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise ClientFileError(f"'{p.name}' is leeg.")
    text, encoding = _decode(data, p.name)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = _sniff_delimiter(first)
    records = enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
    header_line, header = next(((n, r) for n, r in records if not _blank(r)), (0, []))
    index, shown, unknown = _match_header(header)
    _check_required(index, header, "")
    total = max(0, text.count("\n") - header_line + (0 if text.endswith("\n") else 1))
    rest = list(records)
    if not any(not _blank(r) for _, r in rest):
        raise ClientFileError(f"'{p.name}' bevat alleen een kopregel en geen cliënten.")
    return ClientFile(p, "csv", shown, tuple(unknown), min(total, len(rest)), encoding, delimiter,
                      index, iter(rest))


def _open_xlsx(p: Path) -> ClientFile:
    """Read with python-calamine (:func:`xlsx_sheets`), the first worksheet with a valid header."""
    from python_calamine import CalamineError

    from cati.sample.io.xlsx_errors import UnplacedErrorCells

    sheets = xlsx_sheets(p)
    try:
        return sheet_client_file(p, sheets)
    except (CalamineError, OSError) as exc:
        raise ClientFileError(f"'{p.name}' is geen leesbaar Excel-bestand (.xlsx): {exc}. {_SAVE_AS}") from exc
    except UnplacedErrorCells as exc:
        raise ClientFileError(f"'{p.name}' bevat Excel-foutwaarden (zoals #N/B) op een werkblad dat cati niet kan "
                              f"thuisbrengen ({exc}). Vervang de foutwaarden, of sla het bestand in Excel op als "
                              "'CSV (gescheiden door lijstscheidingsteken)'.") from exc
    finally:
        sheets.close()  # the workbook's file; the chosen sheet's rows are in memory


Sheet = tuple[str, int, Iterator[Sequence[object]]]  # title, last row with data (1-based), rows from row 1


def xlsx_sheets(path: str | Path) -> Generator[Sheet, None, None]:
    """The worksheets of an .xlsx/.xlsm workbook in order (chart sheets left out), each read when asked
    for, by python-calamine: formulas give their cached value, numbers come as ``int`` when whole (as
    Excel and openpyxl write them) else ``float``, date cells as ``datetime`` (``time`` below one day,
    ``timedelta`` for a duration format) in the workbook's 1900 or 1904 date system, ``bool``, ``str``;
    an empty cell is None. Row n of the sheet is the n-th row, a cell at column k its k-th item.

    python-calamine reads an Excel error value (``#N/B``) as an empty cell; the error text is put back
    (:mod:`cati.sample.io.xlsx_errors`), so that the row checks see it, as they did with openpyxl."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    from cati.sample.io.xlsx_errors import error_cells

    p = Path(path)
    errors = error_cells(p)
    with CalamineWorkbook.from_path(str(p)) as book:
        kinds = {meta.name: meta.typ for meta in book.sheets_metadata}
        for title in book.sheet_names:
            if kinds.get(title, SheetTypeEnum.WorkSheet) is not SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(title)
            end = sheet.end
            last = 0 if end is None else end[0] + 1
            rows = iter(()) if end is None else _rows(sheet.iter_rows(), end[1] + 1, errors.get(title, {}))
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


def sheet_client_file(p: Path, sheets: Iterable[Sheet]) -> ClientFile:
    """The client file on the first worksheet with a valid header and at least one client below it;
    ``sheets`` as :func:`xlsx_sheets` gives them (the tests also hand it openpyxl's)."""
    first_error: ClientFileError | None = None
    for title, last_row, rows in sheets:
        records = enumerate(rows, start=1)
        header_line, header = next(((n, r) for n, r in records if not _blank(r)), (0, ()))
        if not header_line:
            first_error = first_error or ClientFileError(f"'{p.name}' is leeg (geen gegevens op het werkblad).")
            continue
        try:
            index, shown, unknown = _match_header(header)
            _check_required(index, header, f" op werkblad '{title}'")
        except ClientFileError as exc:
            first_error = first_error or exc
            continue
        peek = next(((n, r) for n, r in records if not _blank(r)), None)
        if peek is None:
            first_error = first_error or ClientFileError(
                f"'{p.name}' bevat alleen een kopregel en geen cliënten (werkblad '{title}').")
            continue
        total = max(0, last_row - header_line)
        return ClientFile(p, "xlsx", shown, tuple(unknown), total, None, None, index,
                          itertools.chain([peek], records))
    raise first_error or ClientFileError(f"'{p.name}' bevat geen werkbladen.")


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


def import_client_file(
    path: str | Path,
    period: MeasurementPeriod,
    provider_has_phone_option: bool,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    known_client_numbers: Collection[str] = (),
    known_phones: Mapping[str, str] | None = None,
    progress_every: int = 1000,
) -> ImportResult:
    """Read and validate a whole file. ``progress(rows_done, rows_total)`` is called every
    ``progress_every`` rows and at the end; returning False (or ``cancel.is_set()``) stops the run,
    leaving ``cancelled=True`` and the rows done so far. Raises ClientFileError for unreadable files."""
    cf = open_client_file(path)
    result = ImportResult(cf)
    total = cf.total_rows
    for line, values in cf.rows():
        outcome = validate_row(values, line, period, provider_has_phone_option)
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
    return result


def rejects_path(import_path: str | Path) -> Path:
    p = Path(import_path)
    return p.with_name(f"{p.stem}_afgewezen.csv")


def write_rejects_csv(
    import_path: str | Path,
    rejections: Sequence[Rejection],
    duplicates: Sequence[Duplicate] = (),
) -> Path:
    """Write ``<name>_afgewezen.csv`` next to the import file (UTF-8 with BOM, ';', for Dutch Excel):
    columns regel, klantnummer, redenen; rejected rows and duplicates together, in line order."""
    out = rejects_path(import_path)
    rows: list[tuple[int, str, str]] = [(r.line, r.client_number or "", "; ".join(r.reasons)) for r in rejections]
    rows += [(d.line, d.client_number, "dubbel: " + "; ".join(d.reasons)) for d in duplicates]
    rows.sort(key=lambda r: r[0])
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["regel", "klantnummer", "redenen"])
        writer.writerows(rows)
    return out
