"""XLSX client files are read with python-calamine (:func:`cati.sample.io.client_xlsx.xlsx_sheets`). On every
xlsx test file it gives exactly the rows openpyxl gives (``load_workbook(read_only=True, data_only=True)``,
``iter_rows(values_only=True)``), value and type, and the import comes out the same whichever of the two
read the file. Where the two differ, it is on XML that Excel does not write; each such difference is named
below, with what it means for an import."""

from __future__ import annotations

import io
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference

from cati.sample.io.client_columns import ClientFile
from cati.sample.io.client_file import ClientFileError, import_client_file, open_client_file
from cati.sample.io.client_xlsx import Sheet, sheet_client_file, xlsx_sheets
from cati.sample.rules.client_rows import Accepted, MeasurementPeriod, Rejection, validate_row

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "data"))
import make_client_files  # noqa: E402
from make_client_files import xlsx_package  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "data" / "client_files"

Rows = list[tuple[tuple[str, object], ...]]


def typed(rows: list[tuple[object, ...]]) -> Rows:
    """Rows with each value's type next to it (1 == 1.0 == True, but the readers must agree on the type),
    without the empty cells at the end of a row and the empty rows at the end of a sheet: openpyxl pads
    rows to the sheet's <dimension>, python-calamine to the cells that hold something; neither is data."""
    out = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] is None:
            cells.pop()
        out.append(tuple((type(v).__name__, v) for v in cells))
    while out and not out[-1]:
        out.pop()
    return out


def with_cati(path: Path) -> list[tuple[str, Rows]]:
    return [(title, typed(list(rows))) for title, _, rows in xlsx_sheets(path)]


def openpyxl_sheets(path: Path) -> list[Sheet]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [(ws.title, ws.max_row or 0, iter([tuple(r) for r in ws.iter_rows(min_row=1, values_only=True)]))
                for ws in wb.worksheets]
    finally:
        wb.close()


def with_openpyxl(path: Path) -> list[tuple[str, Rows]]:
    return [(title, typed(list(rows))) for title, _, rows in openpyxl_sheets(path)]


def assert_same_rows(path: Path) -> list[tuple[str, Rows]]:
    ours = with_cati(path)
    assert ours == with_openpyxl(path)
    return ours


def outcome(cf: ClientFile, period: MeasurementPeriod) -> list[tuple[int, Accepted | Rejection]]:
    """What the import makes of each row (lines, records, reasons, warnings)."""
    return [(line, validate_row(values, line, period, True)) for line, values in cf.rows()]


def assert_same_import(path: Path, period: MeasurementPeriod) -> ClientFile:
    ours, theirs = open_client_file(path), sheet_client_file(path, openpyxl_sheets(path))
    assert (ours.columns, ours.ignored_columns) == (theirs.columns, theirs.ignored_columns)
    assert outcome(ours, period) == outcome(open_client_file(path), period)  # (rows() can be read once)
    assert outcome(open_client_file(path), period) == outcome(theirs, period)
    return ours


# --- every test file: the same rows as openpyxl ---------------------------------------------------------------

def test_every_committed_xlsx_reads_as_openpyxl_reads_it() -> None:
    files = sorted(DATA.glob("*.xlsx"))
    assert [p.name for p in files] == ["klanten_excel.xlsx", "klanten_excel_1904.xlsx"]
    for path in files:
        assert_same_rows(path)


def test_a_generated_large_file_reads_as_openpyxl_reads_it(tmp_path: Path) -> None:
    path = make_client_files.make_large_client_file(tmp_path / "groot.xlsx", 500)  # write-only: no <dimension>
    sheets = assert_same_rows(path)
    assert len(sheets[0][1]) == 501 and sheets[0][1][1][0] == ("str", "100000")


def test_a_workbook_with_every_kind_of_cell_reads_as_openpyxl_reads_it(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Klanten"
    ws.append(["Klantnummer", "Naam", "Telefoon", "Dienst", "Einddatum", "Vragenlijst", "Telefonisch", "Actief"])
    ws.append([1, "Anna", 612345678, 11, datetime(2021, 3, 1), None, "ja", True])
    ws.append([2, "Bram", "0612345679", 3.0, 44300, "regulier", "nee", False])
    ws.append([3, "Chloë\nZoë", 6.12345680e8, "Jobcoaching", datetime(2021, 5, 1, 12, 30), None, None, None])
    ws.append([4, " spaties ", 612345681.5, -7, 2.5e20, "", 0, 1e-7])
    ws["B8"] = "alleen B8"  # skipped rows 6-7
    ws["J9"] = 12.5  # beyond the header's width
    ws["E9"] = time(8, 30)
    ws["E9"].number_format = "h:mm"
    ws["F9"] = timedelta(hours=30)
    ws["F9"].number_format = "[h]:mm"
    ws.cell(row=2, column=5).number_format = "d-m-yyyy"
    ws["E3"].number_format = '"nr" 0'  # custom format with quoted text: not a date
    wb.create_sheet("Leeg")
    wb.create_sheet("Later")["C3"] = "begint bij C3"
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=4, min_row=2, max_row=4))
    wb.create_chartsheet("Grafiek").add_chart(chart)
    path = tmp_path / "openpyxl.xlsx"
    wb.save(path)
    sheets = assert_same_rows(path)
    assert [title for title, _ in sheets] == ["Klanten", "Leeg", "Later"]  # no chart sheet
    first = sheets[0][1]
    assert first[1][4] == ("datetime", datetime(2021, 3, 1)) and first[1][7] == ("bool", True)
    assert first[2][2] == ("str", "0612345679") and first[2][3] == ("int", 3)  # openpyxl writes 3.0 as "3"
    assert first[1][2] == ("int", 612345678) and first[3][2] == ("int", 612345680)
    assert first[4][1:5] == (("str", " spaties "), ("float", 612345681.5), ("int", -7), ("float", 2.5e20))
    assert first[8][4:6] == (("time", time(8, 30)), ("timedelta", timedelta(hours=30)))
    assert sheets[2][1] == [(), (), (("NoneType", None), ("NoneType", None), ("str", "begint bij C3"))]


# --- what the issue asks for by name: formulas, shared strings, both date systems, empty cells ---------------

def test_formulas_give_their_cached_values_and_shared_strings_their_text() -> None:
    rows = dict(with_cati(DATA / "klanten_excel_1904.xlsx"))["Klanten"]
    assert rows[1][1] == ("str", "René de Vries")  # shared string in two rich-text runs
    assert rows[1][5] == ("str", "regulier")  # ="regulier"
    assert rows[2][1] == ("str", "Els Vink") and rows[2][3] == ("int", 3)  # CONCATENATE(...), 1+2
    assert rows[2][4] == ("datetime", datetime(2021, 4, 1))  # DATE(2021,4,1), a date-styled formula
    assert rows[2][5] == ("NoneType", None) and rows[6][5] == ("NoneType", None)  # empty cell, formula giving ""
    assert rows[3][2] == ("str", "#N/A") and rows[5][6] == ("str", "#N/A")  # a lookup that found nothing
    assert rows[4] == (), "the empty row 5 keeps its place"


def test_dates_in_the_1900_and_the_1904_date_system() -> None:
    mac = dict(with_cati(DATA / "klanten_excel_1904.xlsx"))["Klanten"]
    assert [r[4] for r in mac[1:4]] == [("datetime", datetime(2021, 3, 1)), ("datetime", datetime(2021, 4, 1)),
                                        ("datetime", datetime(2021, 6, 30, 18, 0))]
    windows = dict(with_cati(DATA / "klanten_excel.xlsx"))["Klanten"]
    assert windows[1][6] == ("datetime", datetime(2021, 2, 1)) and windows[2][6] == ("int", 44300)  # unstyled


@pytest.mark.parametrize(("flag", "day"), [("1", datetime(2025, 4, 15)), ("true", datetime(2025, 4, 15)),
                                           ("0", datetime(2021, 4, 14)), ("false", datetime(2021, 4, 14))])
def test_the_date_system_flag(tmp_path: Path, flag: str, day: datetime) -> None:
    body = ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>einddatum</t></is></c></row>'
            '<row r="2"><c r="A2" s="1"><v>44300</v></c><c r="B2" s="1"><v>59</v></c><c r="C2" s="1"><v>61</v></c>'
            '<c r="D2" s="2"><v>0.25</v></c><c r="E2" s="1"><v>44300.999999</v></c></row></sheetData>')
    path = tmp_path / f"datum{flag}.xlsx"
    path.write_bytes(xlsx_package({"Blad": body}, styles=STYLES, workbook_pr=f'<workbookPr date1904="{flag}"/>'))
    rows = assert_same_rows(path)[0][1]
    assert rows[1][0] == ("datetime", day) and rows[1][3] == ("time", time(6, 0))
    if day.year == 2021:  # Excel's 1900 system counts a 29 February 1900 that never was
        assert rows[1][1:3] == (("datetime", datetime(1900, 2, 28)), ("datetime", datetime(1900, 3, 1)))


STYLES = ('<numFmts count="1"><numFmt numFmtId="164" formatCode="d-m-yyyy"/></numFmts>'
          '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
          '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
          '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="21"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>')


# --- XML that Excel does not write: the differences, named ---------------------------------------------------

def test_where_the_readers_differ_on_hand_written_xml(tmp_path: Path) -> None:
    """Each difference, and why it does not change an import:

    * a number written as ``5003.0`` or ``6.1E+8``: openpyxl a float, cati an int (Excel writes "5003");
      the rules read 5003 and 5003.0 alike;
    * text with spaces at either end but no ``xml:space="preserve"`` (Excel always adds it): openpyxl
      keeps the spaces, calamine drops them as XML allows; the import strips them anyway;
    * an empty text (``<t/>``): openpyxl '', cati None: both are an empty cell to the import;
    * an ISO date cell (``t="d"``, a setting Excel does not use by default): openpyxl a date, cati a
      datetime at midnight; the import takes the day of either."""
    cells = ('<c r="A2"><v>5003.0</v></c><c r="B2" t="inlineStr"><is><t>  Zo&amp;ë  </t></is></c>'
             '<c r="C2"><v>6.1E+8</v></c><c r="D2" t="inlineStr"><is><t/></is></c>'
             '<c r="E2" t="d"><v>2021-04-02</v></c>')
    body = ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>klantnummer</t></is></c></row>'
            f'<row r="2">{cells}</row></sheetData>')
    path = tmp_path / "hand.xlsx"
    path.write_bytes(xlsx_package({"Blad": body}))
    ours, theirs = with_cati(path)[0][1][1], with_openpyxl(path)[0][1][1]
    assert ours == (("int", 5003), ("str", "Zo&ë"), ("int", 610000000), ("NoneType", None),
                    ("datetime", datetime(2021, 4, 2)))
    assert theirs[0] == ("float", 5003.0) and theirs[1] == ("str", "  Zo&ë  ") and theirs[2] == ("float", 6.1e8)
    assert theirs[3] == ("str", "") and theirs[4][0] == "date"


@pytest.mark.parametrize("dimension", ["A1:C4", "A1:B2"])
def test_a_wrong_dimension_loses_no_client(tmp_path: Path, dimension: str) -> None:
    """openpyxl (read-only) trusts the sheet's <dimension> and leaves out whatever lies outside it;
    calamine reads every cell. A client in row 6 of a file whose dimension says A1:C4 is read."""
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="E{n}"><v>{n * 10}</v></c></row>' for n in range(1, 7))
    path = tmp_path / "dim.xlsx"
    path.write_bytes(xlsx_package({"Blad": f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData>'}))
    ours = with_cati(path)[0][1]
    assert ours == [(("int", n), ("NoneType", None), ("NoneType", None), ("NoneType", None), ("int", n * 10))
                    for n in range(1, 7)]
    assert with_openpyxl(path)[0][1] != ours


def test_error_values_come_back_where_they_were(tmp_path: Path) -> None:
    """python-calamine reads an error cell as empty; cati puts the text back, also in a cell without a
    reference, in a row without a number, and beyond the last cell calamine saw."""
    body = ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>klantnummer</t></is></c></row>'
            '<row r="3"><c r="A3"><v>1</v></c><c t="e"><v>#DIV/0!</v></c></row>'
            '<row><c r="A4"><v>2</v></c><c r="AA4" t="e"><f>1/0</f><v>#VALUE!</v></c></row></sheetData>')
    path = tmp_path / "fout.xlsx"
    path.write_bytes(xlsx_package({"Blad": body}))
    rows = assert_same_rows(path)[0][1]
    assert rows[2] == (("int", 1), ("str", "#DIV/0!")) and rows[3][0] == ("int", 2)
    assert rows[3][26] == ("str", "#VALUE!") and len(rows[3]) == 27


def _rewritten(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The package with each part changed (None: left out)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            part = change(name, src.read(name))
            if part is not None:
                dst.writestr(name, part)
    return out.getvalue()


ERROR_SHEET = ('<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>klantnummer</t></is></c></row>'
               '<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="e"><v>#N/A</v></c></row></sheetData>')


def test_error_values_in_strict_open_xml(tmp_path: Path) -> None:
    strict = _rewritten(xlsx_package({"Blad": ERROR_SHEET}), lambda _, part: part.replace(
        make_client_files.MAIN_NS.encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main"))
    (tmp_path / "strict.xlsx").write_bytes(strict)
    assert with_cati(tmp_path / "strict.xlsx")[0][1][1] == (("int", 1), ("str", "#N/A"))


def test_error_values_that_cannot_be_placed_refuse_the_file(tmp_path: Path) -> None:
    """A worksheet part with error values that no sheet of the workbook points to (the sheet "Blad" is
    another part): refused with a reason, not read as if the cells were empty."""
    def relinked(name: str, part: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return part.replace(b'Target="worksheets/sheet1.xml"', b'Target="worksheets/blad1.xml"')
        return part

    package = io.BytesIO(_rewritten(xlsx_package({"Blad": ERROR_SHEET}), relinked))
    with zipfile.ZipFile(package, "a") as zf:
        zf.writestr("xl/worksheets/blad1.xml", zf.read("xl/worksheets/sheet1.xml").replace(
            b'<c r="B2" t="e"><v>#N/A</v></c>', b'<c r="B2"><v>7</v></c>'))
    (tmp_path / "los.xlsx").write_bytes(package.getvalue())
    assert [title for title, _ in with_openpyxl(tmp_path / "los.xlsx")] == ["Blad"]  # a readable workbook
    with pytest.raises(ClientFileError, match="Excel-foutwaarden .* niet kan thuisbrengen"):
        open_client_file(tmp_path / "los.xlsx")


# --- the whole import ------------------------------------------------------------------------------------------

def test_the_import_comes_out_the_same_with_either_reader(tmp_path: Path, period: MeasurementPeriod) -> None:
    assert_same_import(DATA / "klanten_excel.xlsx", period)
    assert_same_import(DATA / "klanten_excel_1904.xlsx", period)
    assert_same_import(make_client_files.make_large_client_file(tmp_path / "groot.xlsx", 300), period)


def test_the_1904_file_imports_as_its_cells_say(period: MeasurementPeriod) -> None:
    r = import_client_file(DATA / "klanten_excel_1904.xlsx", period, True)
    assert r.file.kind == "xlsx" and r.file.total_rows == 6 and r.rows_read == 5
    assert [(x.line, x.reasons) for x in r.rejections] == [(6, ("telefonisch '#N/A' onbekend (ja of nee)",))]
    recs = {rec.client_number: rec for rec in r.records}
    assert sorted(recs) == ["9001", "9002", "9003", "9005"]
    assert recs["9001"].end_date.isoformat() == "2021-03-01" and recs["9001"].queue == "purchased"
    assert recs["9002"].name == "Els Vink" and recs["9002"].service.number == 3 and recs["9002"].phone_option
    assert recs["9003"].queue == "mail_post" and recs["9003"].phones == ()
    assert [str(w) for w in r.warnings if w.line == 4][0].startswith("regel 4: telefoon '#N")  # (the rules split on /)
    assert recs["9003"].variant == "low_threshold" and recs["9005"].variant == "regular"


def test_an_unreadable_workbook_is_refused_in_dutch(tmp_path: Path) -> None:
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"dit is geen excel")
    with pytest.raises(ClientFileError, match="'kapot.xlsx' is beschadigd"):
        open_client_file(broken)
    empty = tmp_path / "leeg.xlsx"
    empty.write_bytes(xlsx_package({"Blad": "<sheetData/>"}))
    with pytest.raises(ClientFileError, match="is leeg"):
        open_client_file(empty)
