"""Generate the provider client files in tests/data/client_files/ (deterministic: same bytes every run).

Run: .venv/bin/python tests/data/make_client_files.py
Measurement period for all files: 2021-01-01 .. 2021-12-31. Expected outcomes: tests/unit/client_file/.
The 100k-row benchmark file is not committed: ``make_large_client_file(path, rows)`` makes it on the fly.
"""

from __future__ import annotations

import io
import random
import re
import struct
import sys
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent / "client_files"
HEADER = "klantnummer;naam;telefoon;telefoon2;email;dienst;einddatum;vragenlijst;leerprofiel;telefonisch"
_FIXED_ZIP_TIME = (2021, 1, 1, 0, 0, 0)


def _write_text(name: str, lines: list[str], encoding: str, sep: str = ";", bom: bool = False) -> None:
    text = "\r\n".join(line.replace(";", sep) if sep == "," else line for line in lines) + "\r\n"
    data = text.encode(encoding)
    (OUT / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def cp1252_semicolon() -> None:
    """Windows-1252, ';', as Dutch Excel saves it; names with é, ë; trailing empty Excel rows."""
    _write_text("klanten_cp1252_puntkomma.csv", [
        "Klantnummer;Naam;Telefoon;Telefoon2;Email;Dienst;Einddatum;Vragenlijst;Leerprofiel;Telefonisch",
        "1001;René Smeets;06-12345601;;rene@example.nl;1;15-03-2021;regulier;;nee",
        "1002;Zoë van den Berg;0201234502;0612345602;zoe@example.nl;Jobcoaching;1-2-2021;laagdrempelig;;ja",
        "1003;Anaïs Dupré;0612345603;;;7;31-12-2021;;;ja",
        "1004;Noël Bakker;0612345604;;noel@example.nl;5;3-2-2020;;;nee",
        "1005;Chloë Jansen;0612345605;;chloe@example.nl;12;10-06-2021;;;nee",
        "1006;Jürgen Müller;09001234567;;jurgen@example.nl;Outplacement;2021-07-01;regulier;;nee",
        "1007;Inès Öztürk;0612345607;;ines@example.nl;Verzuimbegeleiding;1-1-2021;;;nee",
        "1008;Hélène de Vries;0612345608;;helene@example.nl;6;1-1-2022;;;nee",
        "1009;Daniël Visser;;;daniel@example.nl;9;30-6-2021;;;ja",
        "1010;Loïs Meijer;0612345610;;lois(at)example.nl;10;30-6-2021;;;nee",
        ";Zonder Nummer;0612345611;;;1;1-3-2021;;;nee",
        "1012;;0612345612;;;1;1-3-2021;;;nee",
        ";;;;;;;;;",
        ";;;;;;;;;",
    ], "cp1252")


def utf8_bom_comma() -> None:
    """UTF-8 with BOM, ',' with quoted fields, header variants, dienst 11 with profiles 1, 2, 3."""
    _write_text("klanten_utf8_bom.csv", [
        "Klantnr,Volledige naam,Telefoonnummer,Mobiel,E-mailadres,Dienstverlening,Einddatum traject,Versie,"
        "Leerprofiel,Telefonische optie",
        '2001,"Jansen, Piet",0612345701,,piet@example.nl,11,2021-03-01,laagdrempelig,1,nee',
        "2002,Fatma Yılmaz,0612345702,,fatma@example.nl,Inburgeringscursussen en duale trajecten,2021-04-01,"
        "Laag-drempelig,2,nee",
        "2003,Olga Kowalska,0612345703,,olga@example.nl,11,2021-05-01,regulier,3,nee",
        "2004,Ahmad Haidari,,,ahmad@example.nl,11,2021-05-02,,1,nee",
        "2005,Tesfay Gebre,0612345705,,,11,2021-05-03,,,nee",
        '2006,Ana Souza,0612345706,,ana@example.nl,"  diagnose,  onderzoek en LOOPBAANORIËNTATIE ",2021-06-01,'
        "REGULIER,,nee",
        "2007,Mei Chen,0612345707,,mei@example.nl,Sociale activering,2021-06-02,eenvoudig?,,nee",
        "2008,Kofi Mensah,0612345708,,kofi@example.nl,14,2021-06-03,,,misschien",
        "2009,Sara El Amrani,0612345709,,sara@example.nl,2,2021-13-01,,,nee",
        "2010,Jan de Wit,0612345710,,jan@example.nl,2,15/07/2021,,,nee",
    ], "utf-8", sep=",", bom=True)


def tab_separated() -> None:
    """UTF-8 without BOM, tab-separated; Excel-damaged phones and several numbers in one cell."""
    rows = [
        ("3001", "Kim Peters", "612345678.0", ""),
        ("3002", "Bas Kok", "6.12345679E+08", ""),
        ("3003", "Eva Mol", "612345680", ""),
        ("3004", "Tom Dijk", "0612345681 / 0201234581", ""),
        ("3005", "Lisa Bos", "0612345682; 0612345683", ""),
        ("3006", "Ruud Vos", "0612345684 of 0101234584", ""),
        ("3007", "Ilse Post", "6.12346E+08", ""),
        ("3008", "Sem Wit", "0612345686", "06-12345686"),
        ("3009", "Nina Kuipers", "31612345687", ""),
        ("3010", "Mark Smit", "+31 (0)20 1234588", ""),
    ]
    lines = [HEADER.replace(";", "\t")] + ["\t".join((k, n, t, t2, "", "5", "1-9-2021", "", "", "ja"))
                                           for k, n, t, t2 in rows]
    _write_text("klanten_tab.csv", lines, "utf-8", sep="\t")


def number_kinds() -> None:
    """Premium rate, pager, toll-free, UAN, VoIP, invalid and foreign numbers; all telefonisch=ja."""
    phones = ["0900-1234567", "0906-123456", "0909-123456", "066-1234567", "0800-123456", "088-1234567",
              "084-1234567", "087-1234567", "14020", "085-1234567", "091-1234567",
              "0900-1234567 / 06-12345901", "12345", "+32 470 12 34 56"]
    lines = [HEADER] + [f"{5001 + i};Klant {i + 1};{t};;;5;1-6-2021;;;ja" for i, t in enumerate(phones)]
    _write_text("nummersoorten.csv", lines, "utf-8")


def duplicates() -> None:
    lines = [HEADER] + [
        "6001;Anna Aa;0612346001;;;1;1-3-2021;;;nee",
        "6002;Bert Bo;0612346002;;;1;1-3-2021;;;nee",
        "6001;Carla Ce;0612346003;;;1;1-3-2021;;;nee",
        "6004;Dirk Do;06-12346002;;;1;1-3-2021;;;nee",
        "6005;Eefje Ee;0612346005;;;1;1-3-2021;;;nee",
        "6006;Frits Fe;06-12346005 / 0612346006;;;1;1-3-2021;;;nee",
    ]
    _write_text("dubbel_in_bestand.csv", lines, "utf-8")
    _write_text("import_1.csv", [HEADER] + [
        f"{7000 + i};Eerste {i};061234700{i};;;7;1-4-2021;;;nee" for i in range(1, 6)], "utf-8")
    _write_text("import_2.csv", [HEADER] + [
        "7004;Eerste 4;0612347004;;;7;1-4-2021;;;nee",
        "7006;Tweede 6;0612347002;;;7;1-4-2021;;;nee",
        "7007;Tweede 7;0612347007;;;7;1-4-2021;;;nee",
        "7005;Eerste 5 nieuw nummer;0612347099;;;7;1-4-2021;;;nee",
        "7008;Tweede 8;0612347008;;;7;1-4-2021;;;nee",
    ], "utf-8")


def broken_files() -> None:
    _write_text("kolom_ontbreekt.csv", ["klantnummer;naam;telefoon;email",
                                        "8001;Piet Puk;0612348001;piet@example.nl"], "utf-8")
    (OUT / "leeg.csv").write_bytes(b"")
    _write_text("alleen_kop.csv", [HEADER], "cp1252")
    (OUT / "plaatje.csv").write_bytes(_tiny_png())
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo("klanten.txt", _FIXED_ZIP_TIME), HEADER + "\r\n")
    (OUT / "zip_als_csv.csv").write_bytes(buf.getvalue())


def _tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + b"\xff\x00\x00" * 2 + b"\x00" + b"\x00\x00\xff" * 2, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def excel_file() -> None:
    """XLSX: numbers stored as numbers (phones lose the 0), real date cells AND serial numbers."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Klanten"
    ws.append(["Klantnummer", "Naam", "Telefoon", "Telefoon2", "E-mail", "Dienst", "Einddatum", "Vragenlijst",
               "Leerprofiel", "Telefonisch"])
    rows: list[list[object]] = [
        [4001, "Henk Groot", 612345801, None, "henk@example.nl", 1, datetime(2021, 2, 1), "regulier", None, "ja"],
        [4002, "Els Vink", 201234802, None, "els@example.nl", 3, 44300, None, None, "ja"],
        [4003, "Piet Hein", 612345803, "0612345804", None, 11, datetime(2021, 12, 31), "laagdrempelig", 2, "nee"],
        [4004, "Gé Luyten", 612345805, None, None, 5, datetime(2020, 12, 31), None, None, "nee"],
        [4005, "Joke Ros", 612345806.0, None, None, 7, 44197.5, None, None, "ja"],
        [None, None, None, None, None, None, None, None, None, None],
        [4006, "Kees Boer", "0612345807", None, "kees@example.nl", "Outplacement", "15-5-2021", None, None, "nee"],
    ]
    for row in rows:
        ws.append(row)
    for r in range(2, ws.max_row + 1):
        cell = ws.cell(row=r, column=7)
        if isinstance(cell.value, datetime):
            cell.number_format = "d-m-yyyy"
    fixed = datetime(2021, 1, 1)
    wb.properties.created = fixed
    buf = io.BytesIO()
    wb.save(buf)
    (OUT / "klanten_excel.xlsx").write_bytes(_normalize_zip(buf.getvalue()))


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def xlsx_package(sheets: dict[str, str], shared: list[str] | None = None, styles: str | None = None,
                 workbook_pr: str = "") -> bytes:
    """A minimal .xlsx package written by hand, so that every construct is exactly as wanted (openpyxl
    writes no cached formula values and no shared strings). ``sheets`` maps title -> the XML inside
    <worksheet>; ``shared`` the bodies of the <si> items; ``styles`` the XML inside <styleSheet>."""
    ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
          '<Default Extension="xml" ContentType="application/xml"/>',
          f'<Override PartName="/xl/workbook.xml" ContentType="{_CT_MAIN}.sheet.main+xml"/>']
    rels = ['<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    entries = []
    for i, title in enumerate(sheets, start=1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT_MAIN}.worksheet+xml"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        entries.append(f'<sheet name="{title}" sheetId="{i}" r:id="rId{i}"/>')
    files = {f"xl/worksheets/sheet{i}.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
             f"{body}</worksheet>" for i, body in enumerate(sheets.values(), start=1)}
    if shared is not None:
        ct.append(f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT_MAIN}.sharedStrings+xml"/>')
        rels.append(f'<Relationship Id="rIdS" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>')
        files["xl/sharedStrings.xml"] = (f'<sst xmlns="{MAIN_NS}" count="{len(shared)}">'
                                         + "".join(f"<si>{item}</si>" for item in shared) + "</sst>")
    if styles is not None:
        ct.append(f'<Override PartName="/xl/styles.xml" ContentType="{_CT_MAIN}.styles+xml"/>')
        rels.append(f'<Relationship Id="rIdY" Type="{_REL_NS}/styles" Target="styles.xml"/>')
        files["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN_NS}">{styles}</styleSheet>'
    files["[Content_Types].xml"] = "".join(ct) + "</Types>"
    files["_rels/.rels"] = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
                            "</Relationships>")
    files["xl/_rels/workbook.xml.rels"] = "".join(rels) + "</Relationships>"
    files["xl/workbook.xml"] = (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{_REL_NS}">{workbook_pr}'
                                f'<sheets>{"".join(entries)}</sheets></workbook>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(zipfile.ZipInfo(name, _FIXED_ZIP_TIME), text, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _cells(row: int, cells: list[str]) -> str:
    """A <row> holding the given <c> elements."""
    return f'<row r="{row}">{"".join(cells)}</row>'


def _serial_1904(day: date, fraction: float = 0.0) -> str:
    return repr((day - date(1904, 1, 1)).days + fraction)


def excel_1904_file() -> None:
    """XLSX as Excel writes it, in the 1904 date system (Excel for Mac): shared strings (one in rich
    text runs), formulas with their cached values (text, number, date, an empty text, and #N/A from a
    lookup that found nothing), date and date-time cells, a boolean, empty cells and an empty row."""
    shared = ["<t>Klantnummer</t>", "<t>Naam</t>", "<t>Telefoon</t>", "<t>Dienst</t>", "<t>Einddatum</t>",
              "<t>Vragenlijst</t>", "<t>Telefonisch</t>",
              '<r><rPr><b/></rPr><t xml:space="preserve">René </t></r><r><t>de Vries</t></r>',  # 7
              "<t>ja</t>", "<t>nee</t>", "<t>0612345679</t>", "<t>Piet Hein</t>", "<t>laagdrempelig</t>",  # 8-12
              "<t>Gé Luyten</t>", "<t>Outplacement</t>", "<t>06-12345806</t>", "<t>Joke Ros</t>"]  # 13-16
    styles = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="d-m-yyyy"/></numFmts>'
              '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill>'
              '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/>'
              '</cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/>'
              '<xf numFmtId="22" applyNumberFormat="1"/></cellXfs>'
              '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>')
    header = [f'<c r="{col}1" t="s"><v>{i}</v></c>' for i, col in enumerate("ABCDEFG")]
    rows = [
        _cells(1, header),
        _cells(2, ['<c r="A2"><v>9001</v></c>', '<c r="B2" t="s"><v>7</v></c>', '<c r="C2"><v>612345678</v></c>',
                   '<c r="D2"><v>5</v></c>', f'<c r="E2" s="1"><v>{_serial_1904(date(2021, 3, 1))}</v></c>',
                   '<c r="F2" t="str"><f>"regulier"</f><v>regulier</v></c>', '<c r="G2" t="s"><v>8</v></c>']),
        _cells(3, ['<c r="A3"><v>9002</v></c>',
                   '<c r="B3" t="str"><f>CONCATENATE("Els"," ","Vink")</f><v>Els Vink</v></c>',
                   '<c r="C3" t="s"><v>10</v></c>', '<c r="D3"><f>1+2</f><v>3</v></c>',
                   f'<c r="E3" s="1"><f>DATE(2021,4,1)</f><v>{_serial_1904(date(2021, 4, 1))}</v></c>',
                   '<c r="G3" t="b"><v>1</v></c>']),
        _cells(4, ['<c r="A4"><v>9003</v></c>', '<c r="B4" t="s"><v>11</v></c>',
                   '<c r="C4" t="e"><f>VLOOKUP(A4,Nummers!A:B,2,FALSE)</f><v>#N/A</v></c>', '<c r="D4"><v>7</v></c>',
                   f'<c r="E4" s="2"><v>{_serial_1904(date(2021, 6, 30), 0.75)}</v></c>',
                   '<c r="F4" t="s"><v>12</v></c>', '<c r="G4" t="s"><v>9</v></c>']),
        # row 5 is empty
        _cells(6, ['<c r="A6"><v>9004</v></c>', '<c r="B6" t="s"><v>13</v></c>', '<c r="C6"><v>612345805</v></c>',
                   '<c r="D6"><v>9</v></c>', f'<c r="E6" s="1"><v>{_serial_1904(date(2021, 12, 31))}</v></c>',
                   '<c r="G6" t="e"><f>VLOOKUP(A6,Keuze!A:B,2,FALSE)</f><v>#N/A</v></c>']),
        _cells(7, ['<c r="A7"><v>9005</v></c>', '<c r="B7" t="s"><v>16</v></c>', '<c r="C7" t="s"><v>15</v></c>',
                   '<c r="D7" t="s"><v>14</v></c>', f'<c r="E7" s="1"><v>{_serial_1904(date(2021, 1, 1))}</v></c>',
                   '<c r="F7" t="str"><f>IF(1=2,"laagdrempelig","")</f><v></v></c>', '<c r="G7" t="s"><v>8</v></c>']),
    ]
    sheet = '<dimension ref="A1:G7"/><sheetData>' + "".join(rows) + "</sheetData>"
    notes = ('<dimension ref="A1"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Lijst van 1 maart</t></is>'
             "</c></row></sheetData>")
    (OUT / "klanten_excel_1904.xlsx").write_bytes(
        xlsx_package({"Klanten": sheet, "Toelichting": notes}, shared, styles, '<workbookPr date1904="1"/>'))


def _normalize_zip(data: bytes) -> bytes:
    """Fixed timestamps inside the xlsx so the committed file does not change on every run."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2021-01-01T00:00:00Z", content)
            dst.writestr(zipfile.ZipInfo(info.filename, _FIXED_ZIP_TIME), content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def make_large_client_file(path: str | Path, rows: int, seed: int = 1) -> Path:
    """A realistic provider file of ``rows`` clients (';' CSV, or XLSX when the name ends in .xlsx)."""
    rnd = random.Random(seed)
    p = Path(path)
    first = ["Anna", "Bram", "Chloë", "Daan", "Eva", "Fatma", "René", "Sanne", "Mohamed", "Zoë"]
    last = ["de Vries", "Jansen", "Bakker", "Öztürk", "Visser", "Smit", "Meijer", "El Amrani"]

    def row(i: int) -> list[object]:
        dienst = rnd.choice([1, 2, 3, 5, 7, 9, 10, 11, 11, 13])
        mobile = f"06{10_000_000 + i:08d}"
        second = f"010{1_000_000 + i % 8_000_000:07d}" if i % 5 == 0 else ""
        return [str(100_000 + i), f"{rnd.choice(first)} {rnd.choice(last)}", mobile, second,
                f"klant{i}@example.nl", dienst, f"{rnd.randint(1, 28)}-{rnd.randint(1, 12)}-2021",
                rnd.choice(["regulier", "laagdrempelig"]), rnd.choice([1, 2, 3]) if dienst == 11 else "",
                rnd.choice(["ja", "nee", "nee", "nee"])]

    header = HEADER.split(";")
    if p.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Klanten")
        ws.append(header)
        for i in range(rows):
            ws.append(row(i))
        wb.save(p)
        return p
    with p.open("w", encoding="cp1252", newline="") as fh:
        fh.write(";".join(header) + "\r\n")
        for i in range(rows):
            fh.write(";".join(str(v) for v in row(i)) + "\r\n")
    return p


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for make in (cp1252_semicolon, utf8_bom_comma, tab_separated, number_kinds, duplicates, broken_files,
                 excel_file, excel_1904_file):
        make()
    print(f"written to {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
