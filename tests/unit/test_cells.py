"""Nothing executable leaves cati (issue 14): CSV cells that a spreadsheet would run are neutralised, XLSX
texts are string cells (never formulas) and keep every character, also ones XML cannot hold."""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from cati.core.cells import csv_cell, xlsx_text
from cati.exports.io.files import codebook_path, write_table
from cati.exports.io.table import ColumnSpec, ExportTable
from cati.interviews.rules.record import csv_line

HOSTILE = ['=HYPERLINK("http://x","klik")', "+31612345678", "-2+3", "@SUM(A1:A9)", "\tTab", "\rCR",
           "\x1b[31mRood\x1b[0m", "nul\x00byte", "a_x0041_b", "=1+1\nregel twee", "Gewoon, met komma"]


@pytest.mark.parametrize(("value", "shown"), [
    ("=1+1", "'=1+1"), ("+31612345678", "'+31612345678"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"), ("gewoon", "gewoon"), ("", ""), ("-42.50", "-42.50"), ("-1.234,56", "-1.234,56"),
    ("--", "--"), ("-", "-"), (None, None), (-5, -5), (Decimal("-1.5"), Decimal("-1.5")),
])
def test_csv_cell(value: object, shown: object) -> None:
    assert csv_cell(value) == shown


@given(st.text())
@settings(max_examples=300)
def test_a_guarded_text_never_starts_like_a_formula(text: str) -> None:
    out = csv_cell(text)
    assert out in (text, "'" + text)
    if out.startswith(("=", "+", "-", "@", "\t", "\r")):  # only a plain number may, which runs nothing
        assert re.fullmatch(r"-+|-?[0-9]+(?:[.,][0-9]+)*", out)


@given(st.text())
@settings(max_examples=200)
def test_xlsx_text_has_no_character_xml_refuses(text: str) -> None:
    out = xlsx_text(text)
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in out)


def _table() -> ExportTable:
    head = (ColumnSpec("key", "Sleutel", "text"), ColumnSpec("client_name", "=Naam()", "text"),
            ColumnSpec("minutes", "Duur", "number"))
    tail = (ColumnSpec("grade", "Cijfer", "number"), ColumnSpec("q1", "-Vraag", "code", ((-1, "=Nee"), (1, "Ja"))),
            ColumnSpec("open", "Opmerking", "text"), ColumnSpec("when", "Datum", "date"))
    data: dict[str, list[Any]] = {"key": [f"r{i}" for i in range(len(HOSTILE))], "client_name": list(HOSTILE),
                                  "minutes": [-3] * len(HOSTILE)}
    lines = [csv_line([Decimal("-1.5"), -1, text, dt.date(2026, 3, 2)]) for text in HOSTILE]
    return ExportTable(head + tail, data, lines)


def _read_csv(path: Path, excel: bool) -> list[list[str]]:
    with path.open(encoding="utf-8-sig" if excel else "utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=";" if excel else ","))


@pytest.mark.parametrize("excel", [False, True])
def test_csv_export_and_codebook_carry_no_live_formula(tmp_path: Path, excel: bool) -> None:
    out = tmp_path / "a.csv"
    write_table(out, _table(), "csv", excel=excel)
    rows = _read_csv(out, excel)
    names = [r[1] for r in rows[1:]]
    opens = [r[5] for r in rows[1:]]
    expected = [csv_cell(t) for t in HOSTILE]
    assert names == expected and opens == expected
    assert [r[2] for r in rows[1:]] == ["-3"] * len(HOSTILE)  # numbers are numbers
    assert {r[3] for r in rows[1:]} == {"-1,5" if excel else "-1.5"} and {r[4] for r in rows[1:]} == {"-1"}
    book = _read_csv(codebook_path(out), excel)
    assert book[2][1] == "'=Naam()" and book[5][1] == "'-Vraag" and book[5][3] == "'-1==Nee; 1=Ja"


def test_xlsx_export_writes_texts_as_strings_and_keeps_them_exact(tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    write_table(out, _table(), "xlsx")
    with zipfile.ZipFile(out) as zf:
        xml = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<f>" not in xml and b"<f " not in xml
    book = CalamineWorkbook.from_path(str(out))
    data = book.get_sheet_by_name("data").to_python()
    assert [r[1] for r in data[1:]] == HOSTILE and [r[5] for r in data[1:]] == HOSTILE
    assert [r[2] for r in data[1:]] == [-3.0] * len(HOSTILE)
    codebook = book.get_sheet_by_name("codebook").to_python()
    assert codebook[2][1] == "=Naam()" and codebook[5][3] == "-1==Nee; 1=Ja"
