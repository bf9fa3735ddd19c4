"""The fast XLSX reader (cati.sample.io.xlsx_fast) gives exactly the rows openpyxl (read_only, data_only) gives,
and a client-file import comes out the same whichever reader read the file."""

from __future__ import annotations

import sys
import zipfile
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from cati.sample.io import xlsx_fast
from cati.sample.io.client_file import ImportResult, import_client_file, open_client_file
from cati.sample.io.xlsx_fast import FastWorkbook, XlsxUnsupported, is_date_format
from cati.sample.rules.client_rows import MeasurementPeriod

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "data"))
import make_client_files  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data" / "client_files"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
HEADER = make_client_files.HEADER.split(";")


def typed(rows: list[tuple[object, ...]]) -> list[tuple[tuple[str, object], ...]]:
    """Rows with each value's type next to it: 1 == 1.0 == True, but the readers must agree on the type."""
    return [tuple((type(v).__name__, v) for v in row) for row in rows]


def with_fast(path: Path) -> list[tuple[str, int | None, list[Any]]]:
    book = FastWorkbook(path)
    try:
        return [(ws.title, ws.max_row, typed(list(ws.iter_rows()))) for ws in book.worksheets]
    finally:
        book.close()


def with_openpyxl(path: Path) -> list[tuple[str, int | None, list[Any]]]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [(ws.title, ws.max_row, typed([tuple(r) for r in ws.iter_rows(min_row=1, values_only=True)]))
                for ws in wb.worksheets]
    finally:
        wb.close()


def assert_same_rows(path: Path) -> list[tuple[str, int | None, list[Any]]]:
    fast = with_fast(path)
    assert fast == with_openpyxl(path)
    return fast


# --- hand-written packages: every construct in the XML exactly as we want it ------------------------------

def write_xlsx(path: Path, sheets: dict[str, str], shared: list[str] | None = None, styles: str | None = None,
               workbook_pr: str = "") -> Path:
    """A minimal package; ``sheets`` maps title -> the XML inside <worksheet>, ``shared`` the <si> bodies."""
    ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
          '<Default Extension="xml" ContentType="application/xml"/>',
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.sheet.main+xml"/>']
    rels = ['<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    entries = []
    for i, title in enumerate(sheets, start=1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                  'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>')
        entries.append(f'<sheet name="{title}" sheetId="{i}" r:id="rId{i}"/>')
    files = {f"xl/worksheets/sheet{i}.xml": f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}">'
             f"{body}</worksheet>" for i, body in enumerate(sheets.values(), start=1)}
    if shared is not None:
        ct.append('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.sharedStrings+xml"/>')
        rels.append('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/sharedStrings" Target="sharedStrings.xml"/>')
        files["xl/sharedStrings.xml"] = (f'<sst xmlns="{MAIN_NS}" count="{len(shared)}">'
                                         + "".join(f"<si>{s}</si>" for s in shared) + "</sst>")
    if styles is not None:
        ct.append('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.styles+xml"/>')
        rels.append('<Relationship Id="rIdY" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    'relationships/styles" Target="styles.xml"/>')
        files["xl/styles.xml"] = f'<styleSheet xmlns="{MAIN_NS}">{styles}</styleSheet>'
    files["[Content_Types].xml"] = "".join(ct) + "</Types>"
    files["_rels/.rels"] = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    files["xl/_rels/workbook.xml.rels"] = "".join(rels) + "</Relationships>"
    files["xl/workbook.xml"] = (f'<workbook xmlns="{MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/'
                                f'officeDocument/2006/relationships">{workbook_pr}<sheets>{"".join(entries)}'
                                "</sheets></workbook>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


STYLES = ('<numFmts count="4"><numFmt numFmtId="164" formatCode="d-m-yyyy"/>'
          '<numFmt numFmtId="165" formatCode="&quot;dag&quot;\\ 0"/><numFmt numFmtId="166" formatCode="[h]:mm"/>'
          '<numFmt numFmtId="167" formatCode="[$-413]0.00;[Red]0.00"/></numFmts>'
          '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="8"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="14"/>'
          '<xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="167"/><xf numFmtId="49"/><xf numFmtId="21"/>'
          '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>')

SHARED = ["<t>Klantnummer</t>", "<t>Naam</t>", "<t>Telefoon</t>", "<t>Dienst</t>", "<t>Einddatum</t>",
          "<t>Telefonisch</t>",
          '<r><rPr><b/></rPr><t>René </t></r><r><t xml:space="preserve">de Vries</t></r>',  # 6: rich text
          "<t>ja</t>", "<t>nee</t>",
          '<t>Zo&amp;ë</t><rPh sb="0" eb="1"><t>phonetic, not shown</t></rPh>',  # 10
          "<t>A_x005F_x000D_B</t>", "<t/>", "<t>  </t>"]


def row(n: int | None, cells: str, extra: str = "") -> str:
    return f'<row{"" if n is None else f" r={chr(34)}{n}{chr(34)}"}{extra}>{cells}</row>'


def header_row() -> str:
    return row(1, "".join(f'<c r="{col}1" t="s"><v>{i}</v></c>' for i, col in enumerate("ABCDEF")))


def client_sheet(dimension: str | None = "A1:F12") -> str:
    dim = "" if dimension is None else f'<dimension ref="{dimension}"/>'
    return dim + "<sheetData>" + "".join([
        header_row(),
        row(2, '<c r="A2"><v>5001</v></c><c r="B2" t="s"><v>6</v></c><c r="C2"><v>612345678</v></c>'
               '<c r="D2"><v>11</v></c><c r="E2" s="1"><v>44300</v></c><c r="F2" t="s"><v>7</v></c>'),
        # row 3 missing; row 4 with gaps (no B, D), inline string, a rich inline string, formula result
        row(4, '<c r="A4" t="inlineStr"><is><t>5002</t></is></c><c r="C4" t="str"><f>A1</f><v>0612345679</v></c>'
               '<c r="E4" s="2"><v>44377.75</v></c><c r="F4" t="inlineStr"><is><r><t>j</t></r><r><t>a</t></r></is></c>',
            ' spans="1:6" ht="20" customHeight="1"'),
        row(5, '<c r="A5" s="6"><v>5003.0</v></c><c r="B5" t="s"><v>9</v></c><c r="C5"><v>6.12345680E+8</v></c>'
               '<c r="D5" t="s"><v>3</v></c><c r="E5" s="3"><v>44300</v></c><c r="F5" t="b"><v>1</v></c>'),
        row(6, '<c r="A6"><v>5004</v></c><c r="B6" t="s"><v>10</v></c><c r="C6" t="e"><v>#N/A</v></c>'
               '<c r="D6"><v>7</v></c><c r="E6" s="4"><v>1.5</v></c><c r="F6" t="b"><v>0</v></c>'),
        # cells without a reference continue after the previous one
        row(7, '<c><v>5005</v></c><c t="s"><v>11</v></c><c r="D7"><v>-3</v></c><c><v>44197</v></c>'
               '<c t="inlineStr"/>'),
        row(None, '<c r="A8"><v>5006</v></c><c r="E8" s="7"><v>0.25</v></c><c r="F8" s="5"><v>44197</v></c>'),
        row(9, '<c r="A9" t="s"><v>12</v></c><c r="B9" t="s"><v>11</v></c><c r="C9" t="str"><v></v></c>'),
        row(11, '<c r="A11"><v>5007</v></c><c r="B11" s="1"><v>59</v></c><c r="C11" s="1"><v>61</v></c>'
                '<c r="D11" s="2"><v>0</v></c><c r="E11" s="1"><v>44300.999999</v></c>'),
    ]) + "</sheetData>"


def test_every_committed_xlsx_reads_the_same() -> None:
    files = sorted(DATA.glob("*.xlsx"))
    assert files
    for path in files:
        assert_same_rows(path)


def test_generated_client_files_read_the_same(tmp_path: Path) -> None:
    make_client_files.make_large_client_file(tmp_path / "groot.xlsx", 500)  # write-only: no <dimension>
    sheets = assert_same_rows(tmp_path / "groot.xlsx")
    assert sheets[0][1] is None and len(sheets[0][2]) == 501

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Klanten"
    ws.append(["Klantnummer", "Naam", "Telefoon", "Dienst", "Einddatum", "Vragenlijst", "Telefonisch", "Actief"])
    ws.append([1, "Anna", 612345678, 11, datetime(2021, 3, 1), None, "ja", True])
    ws.append([2, "Bram", "0612345679", 3.0, 44300, "regulier", "nee", False])
    ws.append([3, "Chloë\nZoë", 6.12345680e8, "Jobcoaching", datetime(2021, 5, 1, 12, 30), None, None, None])
    ws["B7"] = "alleen B7"  # skipped rows 5-6
    ws["J9"] = 12.5  # beyond the header's width: the dimension grows
    ws["E9"] = time(8, 30)
    ws["E9"].number_format = "h:mm"
    ws.cell(row=2, column=5).number_format = "d-m-yyyy"
    ws["F3"].number_format = '"nr" 0'  # custom format with quoted text: not a date
    second = wb.create_sheet("Leeg")
    second["A1"] = None
    third = wb.create_sheet("Datums")
    third.append(["=TODAY()", "formule"])
    path = tmp_path / "openpyxl.xlsx"
    wb.save(path)
    sheets = assert_same_rows(path)
    assert [title for title, _, _ in sheets] == ["Klanten", "Leeg", "Datums"]
    first = sheets[0][2]
    assert first[1][4] == ("datetime", datetime(2021, 3, 1)) and first[1][7] == ("bool", True)
    assert first[2][2] == ("str", "0612345679") and first[2][3] == ("int", 3)  # openpyxl writes 3.0 as "3"
    assert first[1][2] == ("int", 612345678) and first[6][1] == ("str", "alleen B7")


def test_hand_written_package_with_every_construct(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "alles.xlsx", {"Klanten": client_sheet(), "Tweede": client_sheet(None)},
                      SHARED, STYLES)
    sheets = assert_same_rows(path)
    rows = sheets[0][2]
    assert sheets[0][1] == 12 and len(rows) == 11  # openpyxl does not pad up to the dimension's last row
    assert rows[2] == (("NoneType", None),) * 6  # the missing row 3 keeps its place
    assert rows[1][1] == ("str", "René de Vries") and rows[1][4] == ("datetime", datetime(2021, 4, 14))
    assert rows[3][1] == ("NoneType", None) and rows[3][2] == ("str", "0612345679")
    assert rows[3][4] == ("datetime", datetime(2021, 6, 30, 18, 0)) and rows[3][5] == ("str", "ja")
    assert rows[4][0] == ("float", 5003.0) and rows[4][1] == ("str", "Zo&ë") and rows[4][5] == ("bool", True)
    assert rows[4][4] == ("int", 44300)  # '"dag" 0' shows no date
    assert rows[5][2] == ("str", "#N/A") and rows[5][4][0] == "timedelta"
    assert rows[6][:4] == (("int", 5005), ("str", ""), ("NoneType", None), ("int", -3))
    assert rows[7][4] == ("time", time(6, 0)) and rows[7][5] == ("int", 44197)  # [$-413]0.00 is no date
    assert rows[10][1:4] == (("datetime", datetime(1900, 2, 28)), ("datetime", datetime(1900, 3, 1)),
                             ("time", time(0, 0)))
    assert sheets[1][1] is None and len(sheets[1][2]) == 11  # no dimension: up to the last row


@pytest.mark.parametrize("dimension", ["A1", "A1:C4", "$A$1:$F$20", "B2:D3"])
def test_dimension_pads_and_cuts_like_openpyxl(tmp_path: Path, dimension: str) -> None:
    path = write_xlsx(tmp_path / "dim.xlsx", {"Blad": client_sheet(dimension)}, SHARED, STYLES)
    assert_same_rows(path)


def test_1904_date_system(tmp_path: Path) -> None:
    for flag in ("1", "true", "0", "false"):
        path = write_xlsx(tmp_path / f"mac{flag}.xlsx", {"Klanten": client_sheet()}, SHARED, STYLES,
                          workbook_pr=f'<workbookPr date1904="{flag}"/>')
        sheets = assert_same_rows(path)
        assert sheets[0][2][1][4][1] == (datetime(2025, 4, 15) if flag in ("1", "true") else datetime(2021, 4, 14))


def test_rows_out_of_order_and_odd_cells(tmp_path: Path) -> None:
    body = "<sheetData>" + header_row() + "".join([
        row(3, '<c r="A3"><v>1</v></c>'), row(2, '<c r="A2"><v>2</v></c>'), row(3, '<c r="A3"><v>3</v></c>'),
        row(4, '<c r="C4"><v>1</v></c><c r="A4"><v>2</v></c>'),  # cells out of order: width from the last
        row(5, '<c r="B5"><v>1</v></c><c r="B5"><v>2</v></c>'),  # the same cell twice: the last one counts
        row(6, ""), row(7, '<c r="A7" t="s"/><c r="B7" t="n"><v/></c><c r="C7" t="inlineStr"><v>x</v></c>'),
    ]) + "</sheetData>"
    path = write_xlsx(tmp_path / "raar.xlsx", {"Blad": body}, SHARED, STYLES)
    assert_same_rows(path)


@pytest.mark.filterwarnings("ignore:Workbook contains no")
def test_without_styles_or_shared_strings(tmp_path: Path) -> None:
    body = ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>klantnummer</t></is></c></row>'
            '<row r="2"><c r="A2"><v>44300</v></c><c r="B2" s="3"><v>1</v></c></row></sheetData>')
    assert_same_rows(write_xlsx(tmp_path / "kaal.xlsx", {"Blad": body}))


def test_date_format_detection() -> None:
    from openpyxl.styles.numbers import is_date_format as openpyxl_is_date_format

    dates = ["d-m-yyyy", "dd/mm/yy", "yyyy-mm-dd h:mm", "[$-413]d mmmm yyyy", "mm:ss", "[h]:mm", "h:mm AM/PM",
             "[Red]dd-mm-yyyy"]
    others = ["0", "0.00", "General", '"dag" 0', "#,##0_);[Red](#,##0)", "@", "0.00E+00", "_-* #,##0_-",
              "[$€-413] #,##0.00", None]
    assert [is_date_format(f) for f in dates + others] == [True] * len(dates) + [False] * len(others)
    assert [openpyxl_is_date_format(f) for f in dates + others] == [is_date_format(f) for f in dates + others]


@pytest.mark.parametrize("cell", [
    '<c r="A2" t="d"><v>2021-04-14T00:00:00</v></c>',  # ISO date cell: openpyxl knows those
    '<c r="A2" t="s"><v>999</v></c>',  # no such shared string: openpyxl raises IndexError
    '<c r="a2"><v>1</v></c>',  # lower-case reference
    '<c r="A2"><v>abc</v></c>',  # not a number
])
def test_what_it_does_not_understand_is_unsupported(tmp_path: Path, cell: str) -> None:
    body = "<sheetData>" + header_row() + row(2, cell) + "</sheetData>"
    book = FastWorkbook(write_xlsx(tmp_path / "x.xlsx", {"Blad": body}, SHARED, STYLES))
    with pytest.raises(XlsxUnsupported):
        list(book.worksheets[0].iter_rows())
    book.close()


def test_unsupported_packages_fail_at_open(tmp_path: Path) -> None:
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"dit is geen excel")
    with pytest.raises(XlsxUnsupported):
        FastWorkbook(broken)
    strict = write_xlsx(tmp_path / "strict.xlsx", {"Blad": client_sheet()}, SHARED, STYLES)
    with zipfile.ZipFile(strict) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        MAIN_NS.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main")
    with zipfile.ZipFile(strict, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    with pytest.raises(XlsxUnsupported):
        FastWorkbook(strict)


# --- the whole import: same outcome with either reader --------------------------------------------------------

def outcome(r: ImportResult) -> tuple[object, ...]:
    return (r.file.columns, r.file.ignored_columns, r.file.total_rows, r.rows_read,
            [(a.record, tuple(str(w) for w in a.warnings)) for a in r.accepted],
            [(x.line, x.message) for x in r.rejections], [(d.line, d.reasons) for d in r.duplicates])


def import_both(path: Path, period: MeasurementPeriod, monkeypatch: pytest.MonkeyPatch) -> ImportResult:
    fast = import_client_file(path, period, True)
    with monkeypatch.context() as m:
        def refuse(*_: object) -> None:
            raise XlsxUnsupported("test: openpyxl only")
        m.setattr(xlsx_fast, "FastWorkbook", refuse)
        slow = import_client_file(path, period, True)
    assert outcome(fast) == outcome(slow)
    return fast


def test_import_outcome_is_the_same_with_either_reader(tmp_path: Path, period: MeasurementPeriod,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    r = import_both(DATA / "klanten_excel.xlsx", period, monkeypatch)
    assert r.rows_read == 6 and [x.line for x in r.rejections] == [5]
    big = make_client_files.make_large_client_file(tmp_path / "groot.xlsx", 300)
    assert len(import_both(big, period, monkeypatch).accepted) == 300
    # (without the [h]:mm duration cell: validate_row cannot take a timedelta, with either reader)
    hand = write_xlsx(tmp_path / "alles.xlsx", {"Klanten": client_sheet().replace(' s="4"', "")}, SHARED, STYLES)
    r = import_both(hand, period, monkeypatch)
    assert r.rows_read == 7 and r.file.total_rows == 11  # row 9 holds only blanks


def test_falls_back_to_openpyxl_midway(tmp_path: Path, period: MeasurementPeriod) -> None:
    """A cell the fast reader does not understand, after it already gave rows: openpyxl goes on from there."""
    rows = [row(n, f'<c r="A{n}"><v>{7000 + n}</v></c><c r="B{n}" t="inlineStr"><is><t>K {n}</t></is></c>'
                   f'<c r="C{n}" t="inlineStr"><is><t>06123470{n:02d}</t></is></c><c r="D{n}"><v>7</v></c>'
                   f'<c r="E{n}" t="inlineStr"><is><t>1-4-2021</t></is></c>'
                   f'<c r="F{n}" t="inlineStr"><is><t>nee</t></is></c>') for n in range(2, 40)]
    rows[20] = rows[20].replace('<c r="E22" t="inlineStr"><is><t>1-4-2021</t></is></c>',
                                '<c r="E22" t="d"><v>2021-04-02</v></c>')
    path = write_xlsx(tmp_path / "iso.xlsx", {"Blad": "<sheetData>" + header_row() + "".join(rows) + "</sheetData>"},
                      SHARED, STYLES)
    r = import_client_file(path, period, True)
    assert r.rows_read == 38 and not r.rejections
    assert [rec.line for rec in r.records] == list(range(2, 40))
    assert next(rec for rec in r.records if rec.line == 22).end_date.isoformat() == "2021-04-02"
    assert open_client_file(path).kind == "xlsx"
