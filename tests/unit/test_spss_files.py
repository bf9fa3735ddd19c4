"""SPSS files as cati writes them (:mod:`cati.exports.io.spss`, pyreadstat/ReadStat underneath), read back by
two independent readers: pyreadstat and GNU PSPP. Labels, user-missing values (discrete and ranges),
measures, formats, long strings, dates, .zsav, and the edge cases (no rows, nothing answered, labels
longer than SPSS keeps)."""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cati.exports.io.files import write_table
from cati.exports.io.spss import spss_label, spss_missing, write_sav
from cati.exports.io.table import ColumnSpec, ExportCancelled, ExportTable
from cati.interviews.rules.record import csv_line

# ./scripts/test installs GNU PSPP and sets CATI_REQUIRE_PSPP: there its absence is a failure, not a skip
if os.environ.get("CATI_REQUIRE_PSPP") and shutil.which("pspp-convert") is None:
    raise RuntimeError("CATI_REQUIRE_PSPP is set but GNU PSPP (pspp-convert) is not installed")
NO_PSPP = pytest.mark.skipif(shutil.which("pspp-convert") is None, reason="GNU PSPP (pspp-convert) is not installed")

LONG_300 = "é" * 150  # 300 bytes; an é straddles the end of the first 255-byte segment
LONG_700 = "ab€" * 139 + "😀x"  # 700 bytes with 3- and 4-byte characters
LONG_2000 = "😀" * 63 + "é" * 400 + "x" * 948  # 2000 bytes in 8 segments
SPECIALS = ((98, "weet niet"), (99, "wil niet zeggen"))

COLUMNS: list[tuple[ColumnSpec, list[Any]]] = [
    (ColumnSpec("key", "Respondentsleutel", "text"), ["r1", "r2", "r3", "r4", "r5"]),
    (ColumnSpec("visit", "Datum bezoek", "date"),
     [dt.date(2024, 1, 2), None, dt.date(1999, 12, 31), dt.date(2024, 2, 29), dt.date(1600, 6, 1)]),
    (ColumnSpec("q1", "Vraag 1: hoe tevreden bent u?", "code", ((1, "helemaal oneens"), (2, "oneens"), *SPECIALS),
                (98, 99)), [1, 2, None, 98, 99]),
    (ColumnSpec("grade", "Rapportcijfer", "number", SPECIALS, (98, 99)),
     [Decimal("6.5"), Decimal("7.25"), None, Decimal("98"), Decimal("1000000.5")]),
    (ColumnSpec("count", "Aantal", "number"), [1, 2, 3, 4, -5]),
    (ColumnSpec("code", "Code", "code", ((1, "één"), (98, "weet niet")), (98,)), [1, None, 3, 98, None]),
    (ColumnSpec("m_1", "Optie 1", "flag"), [0, 1, None, 1, 0]),
    (ColumnSpec("open_answer", "Toelichting (open)", "text", SPECIALS, (98, 99)),
     ["abc", None, "98", "héllo wörld, € 5", "zei \"ja\",\nen hing op"]),
    (ColumnSpec("nothing", "Niets", "text"), [None] * 5),
    (ColumnSpec("memo", "Notitie", "text"), [LONG_300, LONG_700, None, LONG_2000, "kort"]),
]


def table_of(columns: list[tuple[ColumnSpec, list[Any]]], records_from: int | None = None) -> ExportTable:
    """The columns as an export table: all in ``data``, or (``records_from``) the columns from there on
    as export records, one CSV line per row, as the export service reads them."""
    specs = tuple(c for c, _ in columns)
    if records_from is None:
        return ExportTable(specs, {c.name: list(v) for c, v in columns})
    head, tail = columns[:records_from], columns[records_from:]
    rows = len(columns[0][1])
    lines = [csv_line(values[i] for _, values in tail) for i in range(rows)]
    return ExportTable(specs, {c.name: list(v) for c, v in head}, lines)


def read(path: Path, **kwargs: Any) -> tuple[pd.DataFrame, Any]:
    return pyreadstat.read_sav(str(path), **kwargs)


def expected(col: ColumnSpec, values: list[Any]) -> list[Any]:
    """What a reader gives back: '' for a missing text (SPSS has no missing strings), trailing spaces
    dropped (SPSS pads strings with spaces), NaN for a missing number or date."""
    if col.kind == "text":
        return ["" if v is None else v.rstrip(" ") for v in values]
    if col.kind == "date":
        return [math.nan if v is None else v for v in values]
    return [math.nan if v is None else float(v) for v in values]


def assert_same(got: list[Any], want: list[Any], name: str) -> None:
    assert len(got) == len(want), name
    for i, (a, e) in enumerate(zip(got, want, strict=True)):
        if isinstance(e, float) and math.isnan(e):
            assert a is None or a != a, (name, i, a)
        else:
            assert a == e and type(a) is type(e), (name, i, a, e)


# ------------------------------------------------------------------------ round trips


@pytest.mark.parametrize("records_from", [None, 2], ids=["columns", "records"])
def test_round_trip_with_labels_and_user_missing(tmp_path: Path, records_from: int | None) -> None:
    path = tmp_path / "x.sav"
    write_sav(path, table_of(COLUMNS, records_from), file_label="cati export — Blik op Werk")
    data, info = read(path, user_missing=True)
    assert list(data.columns) == [c.name for c, _ in COLUMNS] == info.column_names
    for col, values in COLUMNS:
        want = expected(col, values)
        if records_from is not None and col.kind == "text":  # in a record an empty text is no answer
            want = ["" if v is None else v for v in want]
        assert_same(data[col.name].tolist(), want, col.name)
    assert data["memo"].tolist()[:2] == [LONG_300, LONG_700] and data["memo"][3] == LONG_2000
    assert info.file_label == "cati export — Blik op Werk" and info.file_encoding == "UTF-8"
    assert info.number_rows == 5
    assert info.column_names_to_labels == {c.name: c.label for c, _ in COLUMNS}
    assert info.variable_value_labels == {
        "q1": {1.0: "helemaal oneens", 2.0: "oneens", 98.0: "weet niet", 99.0: "wil niet zeggen"},
        "grade": {98.0: "weet niet", 99.0: "wil niet zeggen"}, "code": {1.0: "één", 98.0: "weet niet"},
        "open_answer": {"98": "weet niet", "99": "wil niet zeggen"},
    }
    assert info.missing_ranges == {  # discrete values: each a labelled code; not in a text wider than 8 bytes
        "q1": [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}],
        "grade": [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}], "code": [{"lo": 98.0, "hi": 98.0}],
    }
    assert info.variable_measure == {"key": "nominal", "visit": "scale", "q1": "nominal", "grade": "scale",
                                     "count": "scale", "code": "nominal", "m_1": "nominal", "open_answer": "nominal",
                                     "nothing": "nominal", "memo": "nominal"}
    assert info.original_variable_types == {
        "key": "A2", "visit": "DATE11", "q1": "F8.0", "grade": "F8.2", "count": "F8.2", "code": "F8.0",
        "m_1": "F8.0", "open_answer": "A20", "nothing": "A1", "memo": "A2000",  # bytes of the longest value
    }
    assert info.readstat_variable_types["visit"] == "double" and info.readstat_variable_types["memo"] == "string"


def test_user_missing_values_read_as_missing(tmp_path: Path) -> None:
    write_sav(tmp_path / "x.sav", table_of(COLUMNS))
    data, _ = read(tmp_path / "x.sav")
    assert data["q1"].tolist()[:2] == [1.0, 2.0] and data["q1"][2:].isna().all()
    assert data["grade"].isna().tolist() == [False, False, True, True, False]
    assert data["code"].isna().tolist() == [False, True, False, True, True]
    assert data["open_answer"].tolist()[:3] == ["abc", "", "98"]  # labelled, not declared missing (A20)


@pytest.mark.parametrize(("answers", "declared"), [
    (["ja", "98", None], [{"lo": "98", "hi": "98"}, {"lo": "99", "hi": "99"}]),  # A2: in the variable record
    (["een langer antwoord", "98", None], None),  # A19, two codes: not declared (see cati.exports.io.spss)
])
def test_missing_codes_of_a_text_column(tmp_path: Path, answers: list[Any], declared: Any) -> None:
    col = ColumnSpec("t", "Opmerking", "text", SPECIALS, (98, 99))
    write_sav(tmp_path / "x.sav", table_of([(col, answers)]))
    data, info = read(tmp_path / "x.sav", user_missing=True)
    assert info.missing_ranges.get("t") == declared
    assert info.variable_value_labels["t"] == {"98": "weet niet", "99": "wil niet zeggen"}
    assert data["t"].tolist() == ["" if a is None else a for a in answers]
    one = ColumnSpec("t", "Opmerking", "text", SPECIALS[:1], (98,))  # one code: fine at any width
    write_sav(tmp_path / "y.sav", table_of([(one, answers)]))
    assert read(tmp_path / "y.sav", user_missing=True)[1].missing_ranges["t"] == [{"lo": "98", "hi": "98"}]


def test_zsav_is_compressed_and_holds_the_same(tmp_path: Path) -> None:
    big = [(c, values * 400) for c, values in COLUMNS]  # 2,000 rows: compression shows
    table = table_of(big, 2)
    written = {fmt: write_table(tmp_path / f"x.{fmt}", table, fmt) for fmt in ("sav", "zsav")}
    assert [p.name for p in written["zsav"]] == ["x.zsav", "x.codebook.csv"]
    assert (tmp_path / "x.sav").read_bytes()[:4] == b"$FL2" and (tmp_path / "x.zsav").read_bytes()[:4] == b"$FL3"
    assert (tmp_path / "x.zsav").stat().st_size < (tmp_path / "x.sav").stat().st_size / 5
    assert (tmp_path / "x.codebook.csv").exists()
    for kwargs in ({}, {"user_missing": True}):
        plain, plain_meta = read(tmp_path / "x.sav", **kwargs)
        packed, packed_meta = read(tmp_path / "x.zsav", **kwargs)
        pd.testing.assert_frame_equal(plain, packed)
        for field in ("column_names_to_labels", "variable_value_labels", "missing_ranges", "variable_measure",
                      "original_variable_types", "number_rows"):
            assert getattr(plain_meta, field) == getattr(packed_meta, field), field


@pytest.mark.parametrize("prefix", [250, 252, 253, 254, 255])
@pytest.mark.parametrize("char", ["é", "€", "😀"])
def test_multibyte_characters_across_segment_boundaries(tmp_path: Path, prefix: int, char: str) -> None:
    """Readers join a very long string's segments before decoding, so a character whose bytes
    straddle a 255-byte segment end must come back whole."""
    values = ["a" * prefix + char * 40, char * 300, "b" * 509 + char + "c", None]
    write_sav(tmp_path / "x.sav", table_of([(ColumnSpec("txt", "Tekst", "text"), values)]))
    data, _ = read(tmp_path / "x.sav")
    assert data["txt"].tolist() == [*values[:3], ""]


def test_long_labels_are_cut_at_a_character_boundary(tmp_path: Path) -> None:
    label = "Wat vond u van " + "é" * 200  # 415 bytes
    col = ColumnSpec("x", label, "code", ((1, "a" + "€" * 60),))  # a value label of 181 bytes
    write_sav(tmp_path / "x.sav", table_of([(col, [1])]), file_label="a" + "ü" * 40)  # 81 bytes
    _, info = read(tmp_path / "x.sav")
    cut = info.column_names_to_labels["x"]
    assert cut == spss_label(label) and cut.endswith("é…") and label.startswith(cut[:-1])
    assert len(cut.encode()) <= 255 < len((cut + "é").encode())
    assert info.variable_value_labels["x"][1.0] == "a" + "€" * 39  # SPSS keeps 120 bytes of a value label
    assert info.file_label == "a" + "ü" * 31  # and 64 of the file label


# ------------------------------------------------------------------------ missing values


@pytest.mark.parametrize(("codes", "declared"), [
    ((98, 99), [98.0, 99.0]),
    ((7, 98, 99), [7.0, 98.0, 99.0]),
    ((96, 97, 98, 99), [{"lo": 96.0, "hi": 99.0}]),
    ((7, 97, 98, 99), [{"lo": 97.0, "hi": 99.0}, 7.0]),
    ((96, 97, 98, 120), [{"lo": 96.0, "hi": 98.0}, 120.0]),
])
def test_more_than_three_missing_codes_become_a_range(codes: tuple[int, ...], declared: list[Any]) -> None:
    assert spss_missing(ColumnSpec("q", "Q", "code", missing=codes)) == declared


def test_missing_codes_that_fit_no_declaration_are_refused() -> None:
    with pytest.raises(ValueError, match="passen niet in SPSS"):
        spss_missing(ColumnSpec("q", "Q", "code", missing=(1, 50, 98, 99)))  # a range 50-99 would hide 51..97
    with pytest.raises(ValueError, match="tekst"):
        spss_missing(ColumnSpec("t", "T", "text", missing=(96, 97, 98, 99)))
    assert spss_missing(ColumnSpec("t", "T", "text", missing=(98, 99))) == ["98", "99"]


def test_a_missing_range_reads_back_as_a_range(tmp_path: Path) -> None:
    col = ColumnSpec("q", "Vraag", "code", ((1, "ja"), (96, "nvt"), (97, "geen"), *SPECIALS), (96, 97, 98, 99))
    write_sav(tmp_path / "x.sav", table_of([(col, [1, 96, 97, 98, 99, None])]))
    data, info = read(tmp_path / "x.sav", user_missing=True)
    assert info.missing_ranges == {"q": [{"lo": 96.0, "hi": 99.0}]}
    assert data["q"].tolist()[:5] == [1.0, 96.0, 97.0, 98.0, 99.0]
    plain, _ = read(tmp_path / "x.sav")
    assert plain["q"].isna().tolist() == [False, True, True, True, True, True]


# ------------------------------------------------------------------------ edge cases


@pytest.mark.parametrize("records_from", [None, 2], ids=["columns", "records"])
def test_zero_rows(tmp_path: Path, records_from: int | None) -> None:
    write_sav(tmp_path / "x.sav", table_of([(c, []) for c, _ in COLUMNS], records_from))
    data, info = read(tmp_path / "x.sav", user_missing=True)
    assert len(data) == 0 and info.column_names == [c.name for c, _ in COLUMNS]
    assert info.variable_value_labels["open_answer"] == {"98": "weet niet", "99": "wil niet zeggen"}
    assert info.original_variable_types["visit"] == "DATE11" and info.original_variable_types["q1"] == "F8.0"


def test_columns_nobody_answered_keep_their_type(tmp_path: Path) -> None:
    cols = [(ColumnSpec("n", "Getal", "number"), [None, None]), (ColumnSpec("d", "Datum", "date"), [None, None]),
            (ColumnSpec("c", "Code", "code", SPECIALS, (98, 99)), [None, None]),
            (ColumnSpec("t", "Tekst", "text", SPECIALS, (98, 99)), [None, None])]
    write_sav(tmp_path / "x.sav", table_of(cols))
    data, info = read(tmp_path / "x.sav", user_missing=True)
    assert data["n"].isna().all() and data["d"].isna().all() and data["t"].tolist() == ["", ""]
    # the text is as wide as its labelled codes, so "98" and "99" still fit
    assert info.original_variable_types == {"n": "F8.2", "d": "DATE11", "c": "F8.0", "t": "A2"}
    assert info.missing_ranges["t"] == [{"lo": "98", "hi": "98"}, {"lo": "99", "hi": "99"}]


def test_wide_codes_get_a_wide_format(tmp_path: Path) -> None:
    cols = [(ColumnSpec("big", "Groot", "code", ((123456789012, "veel"),)), [1, None]),
            (ColumnSpec("neg", "Negatief", "code"), [-12345678, 1]),
            (ColumnSpec("half", "Half", "code"), [Decimal("1.5"), 2])]  # not a code after all: shown as it is
    write_sav(tmp_path / "x.sav", table_of(cols))
    data, info = read(tmp_path / "x.sav")
    assert info.original_variable_types == {"big": "F12.0", "neg": "F9.0", "half": "F8.2"}
    assert data["neg"].tolist() == [-12345678.0, 1.0] and data["half"].tolist() == [1.5, 2.0]


def test_progress_and_cancel(tmp_path: Path) -> None:
    table = table_of(COLUMNS, 2)
    calls: list[tuple[int, int]] = []
    write_table(tmp_path / "x.sav", table, "sav", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(5, 5)]
    for answers in ([True], [False, True], [False, False, True]):  # before the frame, before and after writing
        with pytest.raises(ExportCancelled):
            write_table(tmp_path / "y.zsav", table, "zsav", cancel=iter([*answers, True]).__next__)
        assert not list(tmp_path.glob("y*")) and not list(tmp_path.glob(".y*"))  # nothing left behind


# ------------------------------------------------------------------------ hypothesis

TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=300)
VALUES: dict[str, st.SearchStrategy[Any]] = {
    "code": st.one_of(st.none(), st.integers(-(2**31), 2**31)),
    "flag": st.one_of(st.none(), st.integers(0, 1)),
    "number": st.one_of(st.none(), st.decimals(-10**9, 10**9, places=2, allow_nan=False)),
    "text": st.one_of(st.none(), TEXT.map(lambda t: t.strip() or None), st.sampled_from(["98", "99", "ja", "nee"])),
    "date": st.one_of(st.none(), st.dates(dt.date(1583, 1, 1), dt.date(2200, 12, 31))),
}


@st.composite
def tables(draw: st.DrawFn) -> list[tuple[ColumnSpec, list[Any]]]:
    rows = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=6))
    return [(ColumnSpec(f"c{i}_{kind}", f"Kolom {i}", kind), draw(st.lists(VALUES[kind], min_size=rows, max_size=rows)))
            for i, kind in enumerate(kinds)]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(columns=tables(), records=st.booleans())
def test_random_tables_round_trip(tmp_path: Path, columns: list[tuple[ColumnSpec, list[Any]]], records: bool) -> None:
    path = tmp_path / "h.sav"
    records = records and len(columns) > 1  # (a record of one empty field would be an empty line)
    write_sav(path, table_of(columns, 0 if records else None))
    data, info = read(path)
    assert info.column_names == [c.name for c, _ in columns] and len(data) == len(columns[0][1])
    for col, values in columns:
        want = expected(col, values)
        if records and col.kind == "number":  # a record keeps ten significant digits
            want = [w if w != w else float(format(w, ".10g")) for w in want]
        assert_same(data[col.name].tolist(), want, col.name)


# ------------------------------------------------------------------------ GNU PSPP


def pspp_csv(path: Path, tmp_path: Path, *options: str) -> list[list[str]]:
    out = tmp_path / "out.csv"
    subprocess.run(["pspp-convert", *options, str(path), str(out)], check=True, capture_output=True, timeout=120)
    with out.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def pspp_value(cell: str, kind: str) -> Any:
    if kind == "text":
        return cell
    if cell.strip() == "":
        return math.nan
    return dt.datetime.strptime(cell, "%m/%d/%Y").date() if kind == "date" else float(cell)


@NO_PSPP
@pytest.mark.parametrize("fmt", ["sav", "zsav"])
def test_pspp_reads_the_same_data(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"x.{fmt}"
    write_sav(path, table_of(COLUMNS, 2), compress=fmt == "zsav")
    rows = pspp_csv(path, tmp_path)
    assert rows[0] == [c.name for c, _ in COLUMNS] and len(rows) == 6
    for i, (col, values) in enumerate(COLUMNS):
        want = ["" if v is None else v for v in expected(col, values)] if col.kind == "text" else expected(col, values)
        assert_same([pspp_value(row[i], col.kind) for row in rows[1:]], want, col.name)
    recoded = pspp_csv(path, tmp_path, "--recode")  # user-missing -> system-missing
    assert [r[2].strip() for r in recoded[1:]] == ["1", "2", "", "", ""]
    assert [r[7] for r in recoded[1:]] == ["abc", "", "98", "héllo wörld, € 5", 'zei "ja",\nen hing op']
    labelled = pspp_csv(path, tmp_path, "--labels")
    assert [r[7] for r in labelled[1:]][:3] == ["abc", "", "weet niet"]
    assert [r[2].strip() for r in labelled[1:]] == ["helemaal oneens", "oneens", "", "weet niet", "wil niet zeggen"]


@NO_PSPP
def test_pspp_reads_a_missing_range(tmp_path: Path) -> None:
    col = ColumnSpec("q", "Vraag", "code", ((1, "ja"), (96, "nvt"), (97, "geen"), *SPECIALS), (96, 97, 98, 99))
    write_sav(tmp_path / "x.sav", table_of([(col, [1, 96, 97, 98, 99, 2])]))
    assert [r[0].strip() for r in pspp_csv(tmp_path / "x.sav", tmp_path, "--recode")[1:]] == ["1", "", "", "", "", "2"]


@NO_PSPP
@pytest.mark.parametrize("wide", [False, True])
def test_pspp_display_dictionary_is_clean(tmp_path: Path, wide: bool) -> None:
    """No warning from PSPP, also for 2,000 variables whose first eight characters are the same (SPSS's
    short names must still be unique) and a very long string."""
    if wide:
        cols = [(ColumnSpec(f"vraag_ab{i:04d}", f"Vraag {i}", "code"), [1, 2]) for i in range(2000)]
        cols.append((ColumnSpec("memo", "Notitie", "text"), [LONG_700, None]))
    else:
        cols = COLUMNS
    write_sav(tmp_path / "x.sav", table_of(cols))
    syntax = tmp_path / "x.sps"
    syntax.write_text(f"GET FILE='{tmp_path / 'x.sav'}'.\nDISPLAY DICTIONARY.\n", encoding="utf-8")
    result = subprocess.run(["pspp", str(syntax)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower() and "error" not in output.lower(), output
    if wide:
        assert "vraag_ab1999" in output and "A700" in output
        data, info = read(tmp_path / "x.sav")
        assert info.column_names == [c.name for c, _ in cols] and data["memo"].tolist() == [LONG_700, ""]
    else:
        for text in ("open_answer", "wil niet zeggen", "A2000", "DATE11", "Scale", "weet niet"):
            assert text in output, text


@NO_PSPP
@pytest.mark.parametrize("answers", [["ja", "98", "99", None], ["een langer antwoord", "98", "99", None]])
def test_pspp_reads_the_missing_codes_of_a_text_column_as_declared(tmp_path: Path, answers: list[Any]) -> None:
    col = ColumnSpec("t", "Opmerking", "text", SPECIALS, (98, 99))
    write_sav(tmp_path / "x.sav", table_of([(col, answers)]))
    syntax = tmp_path / "x.sps"
    syntax.write_text(f"GET FILE='{tmp_path / 'x.sav'}'.\nDISPLAY DICTIONARY.\n", encoding="utf-8")
    result = subprocess.run(["pspp", str(syntax)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0 and "warning" not in (result.stdout + result.stderr).lower(), result.stdout
    recoded = [r[0] if r else "" for r in pspp_csv(tmp_path / "x.sav", tmp_path, "--recode")[1:]]
    short = len(answers[0]) <= 8
    assert recoded == (["ja", "", "", ""] if short else ["een langer antwoord", "98", "99", ""])
