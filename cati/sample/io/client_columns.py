"""A client file's columns and its rows by column: the header names cati knows (``HEADER_ALIASES``, Dutch
and English), finding and checking the header row, and :class:`ClientFile`, an opened file whose rows
come out as canonical column -> raw value, with what reading each row found (:data:`Notes`).

The CSV and XLSX readers (:mod:`cati.sample.io.client_csv`, :mod:`cati.sample.io.client_xlsx`) open a
``ClientFile``; :func:`cati.sample.io.client_file.open_client_file` chooses between them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cati.sample.io.csv_table import HEADER_SEARCH
from cati.sample.io.errors import ClientFileError
from cati.sample.rules.client_rows import REQUIRED_COLUMNS
from cati.sample.rules.client_values import RawValue
from cati.sample.rules.dienst import normalize

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


def match_header(cells: Sequence[object]) -> tuple[dict[str, int], dict[str, str], list[str]]:
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


def score_header(cells: Sequence[object]) -> tuple[bool, int]:
    """Whether a row is a header with all required columns, and how many known columns it names."""
    known = {HEADER_ALIASES.get(_key(c)) for c in cells if c is not None and len(str(c)) < 100} - {None}
    return all(c in known for c in REQUIRED_COLUMNS), len(known)


def check_required(index: Mapping[str, int], header: Sequence[object], where: str) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        found = ", ".join(f"'{str(h).strip()[:60]}'" for h in header if h is not None and str(h).strip()) or "geen"
        raise ClientFileError(f"Verplichte kolom(men) ontbreken{where}: {', '.join(missing)}. "
                              f"Gevonden kolommen: {found}. Zet een kopregel met (ten minste) klantnummer, naam, "
                              f"dienst en einddatum boven de cliënten (cati zoekt hem in de eerste {HEADER_SEARCH} "
                              "regels).")


def is_blank(row: Sequence[object]) -> bool:
    """Whether a row holds nothing but empty cells and spaces."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def lines_text(lines: Sequence[int]) -> str:
    """Line numbers as a summary says them: ``regel 2``, ``regels 1-3``, ``regels 1, 3``."""
    if len(lines) == 1:
        return f"regel {lines[0]}"
    if list(lines) == list(range(lines[0], lines[-1] + 1)):
        return f"regels {lines[0]}-{lines[-1]}"
    return "regels " + ", ".join(map(str, lines))


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
            if is_blank(cells):
                self.empty_lines += 1
                continue
            self.data_lines += 1
            n = len(cells)
            values: dict[str, RawValue] = {}
            for canon, i in items:
                v = cells[i] if i < n else None
                values[canon] = v.strip() if isinstance(v, str) else v  # type: ignore[assignment]
            yield line, values, notes
