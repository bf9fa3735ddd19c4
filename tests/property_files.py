"""Hypothesis strategies for client files (issue 14): random bytes, random CSV structure, random cell values.
Used by the reading property tests (tests/unit/client_file/test_cf_property.py) and the import property
test on both databases (tests/integration/test_import_property.py)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from hypothesis import strategies as st

HEADERS = {
    "klantnummer": ["klantnummer", "Klantnr", "Client number", "KLANT ID"],
    "naam": ["naam", "Naam", "Full name", "volledige naam"],
    "telefoon": ["telefoon", "Telefoonnummer", "Phone number"],
    "telefoon2": ["telefoon2", "Mobiel"],
    "email": ["email", "E-mail", "Email address"],
    "dienst": ["dienst", "Dienst", "Service"],
    "einddatum": ["einddatum", "End date", "Einddatum traject"],
    "vragenlijst": ["vragenlijst", "Versie"],
    "leerprofiel": ["leerprofiel", "Learning profile"],
    "telefonisch": ["telefonisch", "Telefonische optie"],
}
REQUIRED = ("klantnummer", "naam", "dienst", "einddatum")

# values a provider's file plausibly holds, and the damage they come with
_PLAUSIBLE = {
    "klantnummer": st.one_of(st.integers(0, 10**12).map(str), st.from_regex(r"[A-Z]{0,3}[0-9]{1,8}", fullmatch=True)),
    "naam": st.sampled_from(["Anna de Vries", "Zoë Öztürk", "Jansen, Piet", 'Jan "Bram" Bos', "Ĳsbrand", "李华"]),
    "telefoon": st.sampled_from(["0612345678", "06-12345679", "+31 20 1234567", "612345678.0", "6.12345678E+08",
                                 "tel: 0612345670", "020 1234567 toestel 12", "0900-1234567", "0612345678 / 0101234567",
                                 "06\u201112345671", "onbekend", ""]),
    "dienst": st.sampled_from(["1", "5", "7", "11", "12", "Jobcoaching", "dienst 3", "99", "", "11.0"]),
    "einddatum": st.sampled_from(["1-6-2021", "2021-03-01", "31-12-2021", "1-1-2020", "44300", "32-1-2021", "gisteren",
                                  ""]),
    "vragenlijst": st.sampled_from(["", "regulier", "laagdrempelig", "LD", "anders"]),
    "leerprofiel": st.sampled_from(["", "1", "2", "3", "profiel 2", "x"]),
    "telefonisch": st.sampled_from(["", "ja", "nee", "JA", "misschien"]),
    "email": st.sampled_from(["", "a@example.nl", "geen", "x" * 310 + "@example.nl"]),
}
_NASTY = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
_CONTROLS = st.text(alphabet=st.sampled_from(list('\x00\x01\x07\x1b\t\r\n";,=+-@\u202e\u200b\ufeff ') + ["a", "é"]),
                    max_size=12)


def cell(column: str | None) -> st.SearchStrategy[str]:
    """A cell of ``column`` (None: a column cati does not read): plausible, nasty text, or control characters."""
    plausible = _PLAUSIBLE.get(column or "", st.just(""))
    return st.one_of(plausible, plausible, plausible, _NASTY, _CONTROLS, st.text(max_size=3).map(lambda t: t * 400))


@dataclass
class CsvCase:
    data: bytes
    rows: list[list[str]]  # the data rows as written (not the header, the title or the sep= line)
    delimiter: str
    suffix: str

    @property
    def data_lines(self) -> int:
        """Rows with anything in them: the lines cati must account for."""
        return sum(1 for r in self.rows if any(c.strip() for c in r))

    def swallowing_cell(self, k: int) -> bool:
        """A value with a line break and at least ``k`` separators: the one legal CSV cati refuses (it cannot
        be told from a quote that was never closed)."""
        return any(("\n" in c or "\r" in c) and c.count(self.delimiter) >= k for r in self.rows for c in r)


@st.composite
def csv_files(draw: st.DrawFn, max_rows: int = 12) -> CsvCase:
    """A CSV client file as a program would write it (properly quoted), in random shape: columns in any
    order and spelling, extra columns, ragged rows, blank lines, a title above the header, a ``sep=`` line,
    any separator and line end, and one of the encodings providers use."""
    extra = draw(st.lists(st.sampled_from(["opmerking", "adres", "", "postcode"]), max_size=3))
    optional = draw(st.lists(st.sampled_from([c for c in HEADERS if c not in REQUIRED]), unique=True))
    columns: list[str | None] = [*REQUIRED, *optional, *[None] * len(extra)]
    columns = draw(st.permutations(columns))
    extras = iter(extra)
    header = [draw(st.sampled_from(HEADERS[c])) if c else next(extras) for c in columns]
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    rows = []
    for _ in range(draw(st.integers(0, max_rows))):
        shape = draw(st.sampled_from(["full", "full", "full", "blank", "short", "long"]))
        row = [draw(cell(c)) for c in columns]
        if shape == "blank":
            row = [draw(st.sampled_from(["", " ", "\t"])) for _ in columns]
        elif shape == "short":
            row = row[: draw(st.integers(1, len(row)))]
        elif shape == "long":
            row = [*row, draw(cell(None))]
        rows.append(row)
    buf = io.StringIO()
    end = draw(st.sampled_from(["\r\n", "\n", "\r"]))
    if draw(st.booleans()):
        buf.write(f"sep={delimiter}{end}")
    elif draw(st.booleans()):
        buf.write(f"Klantenbestand maart 2021{end}{end}")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=end)
    # csv.writer quotes a field with a line end of its own line terminator only (with LF ends, a lone CR
    # goes out unquoted, and every reader, Excel's too, ends the line there): quote such rows whole
    quoting = csv.writer(buf, delimiter=delimiter, lineterminator=end, quoting=csv.QUOTE_ALL)
    writer.writerow(header)
    for row in rows:
        (quoting if any("\r" in c or "\n" in c for c in row) else writer).writerow(row)
    text = buf.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-be"]))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    if encoding == "utf-16-be" and draw(st.booleans()):
        data = b"\xfe\xff" + data
    return CsvCase(data, rows, delimiter, draw(st.sampled_from([".csv", ".txt", ".tsv"])))


XLSX_VALUE = st.one_of(
    st.none(), st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(date(1950, 1, 1), date(2100, 1, 1)),
    st.datetimes(datetime(1950, 1, 1), datetime(2100, 1, 1)),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=30),
)


@st.composite
def xlsx_rows(draw: st.DrawFn) -> tuple[list[str], list[list[object]]]:
    """A header with the required columns and rows of any cell type Excel holds."""
    optional = draw(st.lists(st.sampled_from([c for c in HEADERS if c not in REQUIRED]), unique=True))
    columns = draw(st.permutations([*REQUIRED, *optional]))
    header = [draw(st.sampled_from(HEADERS[c])) for c in columns]
    rows = draw(st.lists(st.lists(XLSX_VALUE, min_size=len(columns), max_size=len(columns) + 1), max_size=10))
    return header, rows
