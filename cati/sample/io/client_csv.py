"""Read a CSV client file (any encoding :mod:`cati.sample.io.text_file` reads, any structure
:mod:`cati.sample.io.csv_table` reads) into a :class:`~cati.sample.io.client_columns.ClientFile`.

Choices:

- a row with values beyond the header's last column is *rejected* (a separator inside an unquoted
  value shifts every value after it, so none of the row's values can be trusted); in XLSX such a value
  is a note next to the table and only a warning (cells cannot shift).
- a row with fewer values than the header reads the missing ones as empty, with a warning naming
  the columns (a row broken in two by a line break is rejected for what it lacks, with that warning
  among its reasons).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

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
from cati.sample.io.csv_table import CsvRecord, CsvTable, read_table
from cati.sample.io.errors import ClientFileError
from cati.sample.io.text_file import DecodedText, binary_message, decode_text


def open_csv(p: Path, data: bytes) -> ClientFile:
    """The client file in ``data``, the bytes of a file that is no workbook."""
    if not data.strip(b" \t\r\n\xef\xbb\xbf\x00\xff\xfe"):
        raise ClientFileError(f"'{p.name}' is leeg.")
    decoded = decode_text(data, p.name, refuse_binary=False)
    table = read_table(decoded.text, score_header)
    sample = data[:65536]
    if (not table.header_line and b"\x00" in sample) or (
            not decoded.encoding.startswith("utf-16") and _utf16_zeros(sample)):
        decoded, table = _utf16_after_all(data, decoded, table)
    if not table.header_line:
        if decoded.binary:
            raise ClientFileError(binary_message(p.name))
        check_required({}, table.header, "")
    index, shown, unknown = match_header(table.header)
    named = max((i + 1 for i, c in enumerate(table.header) if c.strip()), default=0)
    if all(is_blank(r.cells) for r in table.records):
        raise ClientFileError(f"'{p.name}' bevat alleen een kopregel en geen cliënten.")
    notes = []
    if table.sep_line:
        notes.append("regel 1 ('sep=') geeft het scheidingsteken aan en is geen gegevensregel")
    if table.above:
        notes.append(f"kopregel op regel {table.header_line}; {lines_text(table.above)} erboven (een titel of "
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
            found = read_table(text, score_header)
        except (UnicodeDecodeError, ClientFileError):
            continue
        if found.header_line:
            return DecodedText(text, codec), found
    return decoded, table


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
        elif n < named and not is_blank(cells):
            missing = sorted((canon for i, canon in by_position.items() if i >= n), key=lambda c: index[c])
            if missing:
                warnings.append(f"de regel heeft {n} velden, de kopregel {named} kolommen: {', '.join(missing)} "
                                "als leeg gelezen")
        if cp1252 and any(line in cp1252 for line in range(rec.line, rec.end_line + 1)):
            warnings.append("gelezen als Windows-1252 terwijl de rest van het bestand UTF-8 is: controleer de "
                            "letters met accenten op deze regel")
        yield rec.line, cells, (tuple(reasons), tuple(warnings)) if reasons or warnings else NO_NOTES
