"""Generate the hostile and broken input corpus in tests/data/hostile/ (issue 14): client files, do-not-call
lists and questionnaires as providers' systems and staff damage them. Every file is made here, byte for
byte (same bytes every run; a test checks the committed files against this generator).

Run: .venv/bin/python tests/data/make_hostile_files.py
Measurement period for the client files: 2021-01-01 .. 2021-12-31; the provider bought the phone option.
What cati must make of each file (its accounting, or its refusal) is in tests/integration/test_hostile_input.py
(client files, do-not-call lists) and tests/unit/questionnaire/test_hostile_forms.py (questionnaires).
"""

from __future__ import annotations

import io
import struct
import sys
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_client_files import HEADER, _cells, _normalize_zip, _serial_1904, xlsx_package  # noqa: E402

OUT = Path(__file__).resolve().parent / "hostile"
FORMS = OUT / "forms"
COLUMNS = HEADER.split(";")


def _client(n: int, name: str | None = None, phone: str | None = None, dienst: str = "5",
            end: str = "1-6-2021", phoned: str = "ja") -> list[str]:
    """A valid client row (purchased queue) unless told otherwise."""
    return [str(1000 + n), name or f"Klant {n}", phone or f"06{12340000 + n}", "", f"klant{n}@example.nl", dienst,
            end, "", "", phoned]


def _csv(rows: list[list[str]], sep: str = ";", end: str = "\r\n") -> str:
    return "".join(sep.join(r) + end for r in rows)


def _write(name: str, data: bytes) -> None:
    (OUT / name).write_bytes(data)


# -- CSV structure ---------------------------------------------------------------------------------

def csv_structure() -> None:
    rows = [_client(n) for n in range(1, 21)]
    text = _csv([COLUMNS, *rows])
    lines = text.split("\r\n")
    # line 5 (the 4th client): a quote opened in the name and never closed
    lines[4] = lines[4].replace(";Klant 4;", ';"Klant 4;')
    _write("csv_quote_unclosed.csv", "\r\n".join(lines).encode())
    # ... and closed by the quote that opens a value on line 9: lines 5-9 would be one value
    lines[8] = lines[8].replace(";Klant 8;", ';"Klant" 8;')
    _write("csv_quote_closed_later.csv", "\r\n".join(lines).encode())

    ragged = [
        COLUMNS,
        _client(1),
        _client(2, name="Jansen; Piet"),  # an unquoted separator: every value after it shifts
        [*_client(3), "opmerking zonder kop"],  # a value beyond the header
        _client(4)[:7],  # vragenlijst, leerprofiel, telefonisch missing: read as empty (mail/post)
        _client(5)[:3],  # broken off: dienst and einddatum missing
        [*_client(6), "", "", ""],  # empty values beyond the header: nothing wrong
    ]
    _write("csv_ragged_rows.csv", _csv(ragged).encode())

    header = [*COLUMNS, "opmerking"]
    long_rows = [header, [*_client(1), "x" * 2000], [*_client(2, name="N" * 131_100), ""], [*_client(3), ""]]
    _write("csv_long_fields.csv", _csv(long_rows).encode())

    _write("csv_sep_line.csv", ("sep=,\r\n" + _csv([COLUMNS, *rows[:3]], sep=",")).encode())
    _write("csv_title_above_header.csv", ("Klantenbestand Werkpad;;;\r\nAangemaakt op 1-3-2021;;;\r\n;;;\r\n\r\n"
                                          + _csv([COLUMNS, *rows[:4]])).encode("cp1252"))
    _write("csv_cr_line_ends.csv", _csv([COLUMNS, *rows[:5]], end="\r").encode())
    trailing = [[*r, "", "", "", ""] for r in [COLUMNS, *rows[:3]]]
    _write("csv_trailing_empty_columns.csv", _csv(trailing).encode())
    multi = (_csv([COLUMNS, rows[0]])
             + '1002;"Anna\nde Vries";"0612340002\n010 1234567";;;5;1-6-2021;;;ja\r\n' + _csv(rows[2:4]))
    _write("csv_line_break_in_value.csv", multi.encode())
    gaps = _csv([COLUMNS, rows[0]]) + "\r\n;;;;;;;;;\r\n   \r\n" + _csv(rows[1:3]) + "\r\n\r\n"
    _write("csv_empty_lines.csv", gaps.encode())


# -- encodings -------------------------------------------------------------------------------------

def encodings() -> None:
    names = ["René Smeets", "Zoë van den Berg", "Anaïs Dupré", "Jürgen Müller", "Chloë Jansen", "Noël Bakker"]
    rows = [_client(n, name=name) for n, name in enumerate(names, start=1)]
    head = _csv([COLUMNS, *rows[:4]]).encode("utf-8")
    pasted = _csv(rows[4:]).encode("cp1252")  # two lines typed on another computer, pasted in
    _write("enc_utf8_with_cp1252_lines.csv", head + pasted)
    tab = _csv([COLUMNS, *rows], sep="\t")  # Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated
    _write("enc_utf16le_bom.csv", b"\xff\xfe" + tab.encode("utf-16-le"))
    _write("enc_utf16le_no_bom.csv", _csv([COLUMNS, *rows]).encode("utf-16-le"))
    _write("enc_utf16be_bom.csv", b"\xfe\xff" + _csv([COLUMNS, *rows]).encode("utf-16-be"))
    _write("enc_utf16_truncated.csv", (b"\xff\xfe" + _csv([COLUMNS, *rows]).encode("utf-16-le"))[:-1])
    controls = [
        COLUMNS,
        _client(1, name="Jan\x00 Jansen"),  # NUL: PostgreSQL refuses it in text
        _client(2, name="\x1b[31mRood\x1b[0m Rover"),  # an ANSI colour code
        _client(3, name="Eva \u202eMol"),  # a direction override
        [*_client(4)[:4], "klant4\t@example.nl", *_client(4)[5:]],  # a tab in the e-mail address
        ["1005\u200b", *_client(5)[1:]],  # a zero-width space in the client number
        _client(6, name="Bas\x07 Kok"),  # a bell
    ]
    _write("enc_nul_and_control_characters.csv", _csv(controls).encode())
    garbage = bytes((i * 37 + 11) % 256 for i in range(4096))
    _write("enc_binary.csv", garbage)


# -- Excel -----------------------------------------------------------------------------------------

_FREE, _END, _FAT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A Microsoft compound file (version 3, 512-byte sectors) holding ``streams`` in its root storage,
    each padded to 4096 bytes (so none lives in the mini stream): the container of Excel 97-2003 files
    and of password-protected workbooks."""
    names = list(streams)
    data = [streams[n].ljust(4096, b"\x00") for n in names]
    dir_entries = 1 + len(names)
    dir_sectors = (dir_entries * 128 + 511) // 512
    stream_sectors = [len(d) // 512 for d in data]
    total = 1 + dir_sectors + sum(stream_sectors)  # FAT sector first
    if total > 128:
        raise ValueError("one FAT sector only")
    fat = [_FAT]
    fat += [i + 2 for i in range(dir_sectors - 1)] + [_END]
    starts = []
    nxt = 1 + dir_sectors
    for count in stream_sectors:
        starts.append(nxt)
        fat += [nxt + i + 1 for i in range(count - 1)] + [_END]
        nxt += count
    fat += [_FREE] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), kind, 1)
                + struct.pack("<III", _FREE, right, child) + b"\x00" * 16 + b"\x00" * 4 + b"\x00" * 16
                + struct.pack("<IQ", start, size))

    entries = [entry("Root Entry", 5, 1 if names else _FREE, _FREE, _END, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _FREE
        entries.append(entry(name, 2, _FREE, right, starts[i], len(streams[name])))
    directory = b"".join(entries).ljust(dir_sectors * 512, b"\x00")
    difat = [0] + [_FREE] * 108
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<109I", *difat))
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + directory + b"".join(data)


def _workbook(rows: list[list[object]], title: str = "Klanten") -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.properties.created = datetime(2021, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return _normalize_zip(buf.getvalue())


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header_cells(row: int = 1) -> list[str]:
    return [_inline(f"{chr(65 + i)}{row}", c) for i, c in enumerate(COLUMNS)]


def _row_cells(row: int, values: list[str]) -> list[str]:
    return [_inline(f"{chr(65 + i)}{row}", v) for i, v in enumerate(values) if v]


def excel() -> None:
    agile = (b"\x04\x00\x04\x00\x40\x00\x00\x00"
             b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><encryption '
             b'xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" blockSize="16" '
             b'keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" '
             b'hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    package = struct.pack("<Q", 8192) + bytes((i * 131 + 7) % 256 for i in range(8192))
    _write("xlsx_password_protected.xlsx", compound_file({"EncryptionInfo": agile, "EncryptedPackage": package}))
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0)
    old = compound_file({"Workbook": bof + struct.pack("<HH", 0x000A, 0)})
    _write("xls_excel_97_2003.xls", old)
    _write("xls_saved_as_xlsx_name.xlsx", old)

    clients: list[list[object]] = [COLUMNS, *[_client(n) for n in range(1, 6)]]
    good = _workbook(clients)
    _write("xlsx_truncated.xlsx", good[: len(good) // 2])
    _write("xlsx_renamed_to_csv.csv", good)

    # formulas written by a program that does not calculate (openpyxl): no cached values
    formulas: list[list[object]] = [COLUMNS]
    for n in range(1, 5):
        row: list[object] = list(_client(n))
        row[9] = f'=IF(F{n + 1}=5,"ja","nee")'
        formulas.append(row)
    _write("xlsx_formulas_without_values.xlsx", _workbook(formulas))
    unused: list[list[object]] = [[*COLUMNS, "controle"]] + [[*_client(n), f"=LEN(B{n + 1})"] for n in range(1, 4)]
    _write("xlsx_formulas_in_unread_column.xlsx", _workbook(unused))

    # merged cells: dienst 7 merged over three rows (D…), naam merged across naam and telefoon on one row
    merged_rows = [_cells(1, _header_cells())]
    for r, n in zip(range(2, 7), range(1, 6), strict=True):
        values = _client(n)
        if r in (3, 4):
            values[5] = ""  # covered by F2:F4
        if r == 6:
            values[2] = ""  # covered by B6:C6
        merged_rows.append(_cells(r, _row_cells(r, values)))
    merged_rows[1] = merged_rows[1].replace('<c r="F2" t="inlineStr"><is><t>5</t></is></c>',
                                            '<c r="F2" t="inlineStr"><is><t>7</t></is></c>')
    sheet = ("<sheetData>" + "".join(merged_rows) + "</sheetData>"
             '<mergeCells count="2"><mergeCell ref="F2:F4"/><mergeCell ref="B6:C6"/></mergeCells>')
    _write("xlsx_merged_cells.xlsx", xlsx_package({"Klanten": sheet}))

    styles = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="d-m-yyyy"/></numFmts>'
              '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill>'
              '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/>'
              '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/>'
              '</cellXfs>')
    rows_1904 = [_cells(1, _header_cells())]
    for r, (n, day) in enumerate([(1, date(2021, 1, 1)), (2, date(2021, 6, 30)), (3, date(2021, 12, 31)),
                                  (4, date(2020, 12, 31))], start=2):
        values = _client(n)
        cells = _row_cells(r, values[:6]) + [f'<c r="G{r}" s="1"><v>{_serial_1904(day)}</v></c>',
                                             _inline(f"J{r}", "ja")]
        rows_1904.append(_cells(r, cells))
    _write("xlsx_1904_date_system.xlsx", xlsx_package({"Klanten": "<sheetData>" + "".join(rows_1904) + "</sheetData>"},
                                                      styles=styles, workbook_pr='<workbookPr date1904="1"/>'))

    def sheet_of(first: int) -> str:
        rows = [_cells(1, _header_cells())] + [_cells(r, _row_cells(r, _client(first + r))) for r in range(2, 5)]
        return "<sheetData>" + "".join(rows) + "</sheetData>"

    _write("xlsx_two_sheets_with_clients.xlsx", xlsx_package({"Januari": sheet_of(0), "Februari": sheet_of(10)}))
    notes = ("<sheetData>" + _cells(1, [_inline("A1", "Toelichting bij de levering")])
             + _cells(2, [_inline("A2", "Klantnummer is het nummer uit ons CRM.")]) + "</sheetData>")
    _write("xlsx_notes_sheet_then_clients.xlsx", xlsx_package({"Toelichting": notes, "Klanten": sheet_of(0)}))
    titled = ("<sheetData>" + _cells(1, [_inline("A1", "Levering maart 2021")])
              + _cells(3, _header_cells(3)) + "".join(_cells(r, _row_cells(r, _client(r))) for r in range(4, 7))
              + "</sheetData>")
    _write("xlsx_title_above_header.xlsx", xlsx_package({"Klanten": titled}))


# -- values ----------------------------------------------------------------------------------------

def values() -> None:
    long_id = "7" * 100
    rows = [
        COLUMNS,
        _client(1),
        [long_id + "A" * 50, *_client(2)[1:]],  # 150 characters
        [long_id + "B" * 50, *_client(3)[1:]],  # the same first 100 characters
        _client(4, name="Naam " * 80),  # 400 characters
        [*_client(5)[:4], "a" * 340 + "@example.nl", *_client(5)[5:]],  # 351 characters
        _client(6),
    ]
    _write("val_too_long.csv", _csv(rows).encode())
    english = ["Client number", "Full name", "Phone number", "Mobile", "Email address", "Service", "End date",
               "Questionnaire", "Learning profile", "Phone option"]
    _write("val_english_headers.csv", _csv([english, *[_client(n) for n in range(1, 4)]], sep=",").encode())
    phones = ["tel: 06-12340001", "Tel.: 020 1234567 toestel 12", "020 7654321, ext. 5", "0101234567x12",
              "06\u201112340005", '="0612340006"', "06\u202f1234\u202f0007", "mobiel: 06 1234 0008",
              "0612340009 (toestel 3)", "toestel 4"]
    rows = [COLUMNS] + [_client(n, phone=p) for n, p in enumerate(phones, start=1)]
    _write("val_phone_notations.csv", _csv(rows).encode())


# -- do-not-call lists -----------------------------------------------------------------------------

def do_not_call() -> None:
    numbers = "0612340001\r\n06-12340002\r\n+31 6 12340003\r\n"
    _write("dnc_utf16le_bom.txt", b"\xff\xfe" + numbers.encode("utf-16-le"))
    _write("dnc_utf16le_no_bom.txt", numbers.encode("utf-16-le"))
    mixed = (b"# Onderzoekfilter, maart 2021\r\n0612340001\r\n\r\n06-12340002 / 010 1234567\r\nonbekend\r\n"
             b"0612340001\r\n0900 1234567\r\n") + "Zoë: 0612340004\r\n".encode("cp1252")
    _write("dnc_mixed.txt", mixed)
    _write("dnc_binary.txt", bytes((i * 53 + 3) % 256 for i in range(2048)))


# -- questionnaires --------------------------------------------------------------------------------

_FORM_HEAD = "id: proef\nversion: 1\ntitle: Proef\n"


def forms() -> None:
    # 2 KB that cati's checks would walk as 150 sections x 150 questions x 150 answer options (3.4 million)
    bomb = (_FORM_HEAD + "o: &o {code: 1, label: Ja}\n"
            + "q: &q {var: v, type: single, text: Vraag, options: [" + ", ".join(["*o"] * 150) + "]}\n"
            + "s: &s {id: s, questions: [" + ", ".join(["*q"] * 150) + "]}\n"
            + "sections: [" + ", ".join(["*s"] * 150) + "]\n")
    (FORMS / "form_alias_bomb.yaml").write_text(bomb, encoding="utf-8")
    (FORMS / "form_self_reference.yaml").write_text(_FORM_HEAD + "sections: &s [id: a, questions: *s]\n",
                                                    encoding="utf-8")
    deep = _FORM_HEAD + "sections: " + "[" * 1000 + "]" * 1000 + "\n"  # Python's recursion ends at about 1000
    (FORMS / "form_deep_nesting.yaml").write_text(deep, encoding="utf-8")
    block = _FORM_HEAD + "sections:\n  " + "- " * 1000 + "a\n"
    (FORMS / "form_deep_block_nesting.yaml").write_text(block, encoding="utf-8")
    numbers = _FORM_HEAD + """sections:
  - id: s
    questions:
      - var: cijfer
        type: grade
        text: Welk cijfer?
        min: .nan
        max: .inf
      - var: aantal
        type: number
        text: Hoeveel?
        min: -.inf
      - var: einde
        type: info
        closing: true
        text: Dank u wel.
"""
    (FORMS / "form_nan_inf.yaml").write_text(numbers, encoding="utf-8")
    quote = _FORM_HEAD.replace("title: Proef", 'title: "Proef met een open aanhalingsteken') + """sections:
  - id: s
    questions:
      - var: einde
        type: info
        closing: true
        text: Dank u wel.
"""
    (FORMS / "form_unclosed_quote.yaml").write_text(quote, encoding="utf-8")
    values_text = "id: proef\nversion: 2021-13-45\ntitle: Proef\nsections:\n  - id: " + "9" * 5000 + "\n"
    (FORMS / "form_impossible_values.yaml").write_text(values_text, encoding="utf-8")


def main() -> None:
    FORMS.mkdir(parents=True, exist_ok=True)
    for make in (csv_structure, encodings, excel, values, do_not_call, forms):
        make()
    print(f"written to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
