"""The numpy .sav writer (:mod:`cati.exports.io.sav_writer`): round trips through pyreadstat (ReadStat),
the same metadata as ``pyreadstat.write_sav`` writes, edge cases, and GNU PSPP as a second reader."""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import shutil
import struct
import subprocess
from collections.abc import Collection
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cati.exports.io.sav_writer import CHUNK_ROWS, write_sav
from cati.exports.io.table import ExportCancelled

# ./scripts/test installs GNU PSPP and sets CATI_REQUIRE_PSPP: there its absence is a failure, not a skip
if os.environ.get("CATI_REQUIRE_PSPP") and shutil.which("pspp-convert") is None:
    raise RuntimeError("CATI_REQUIRE_PSPP is set but GNU PSPP (pspp-convert) is not installed")
NO_PSPP = pytest.mark.skipif(shutil.which("pspp-convert") is None, reason="GNU PSPP (pspp-convert) is not installed")

LONG_300 = "é" * 150  # 300 bytes; an é straddles the end of the first 255-byte segment
LONG_700 = "ab€" * 139 + "😀x"  # 700 bytes with 3- and 4-byte characters
LONG_2000 = "😀" * 63 + "é" * 400 + "x" * 948  # 2000 bytes in 8 segments


def sample_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "q1": pd.Series([1.0, 2.0, np.nan, 98.0, 99.0]),
        "grade": pd.Series([6.5, 7.25, np.nan, 10.0, 1e6 + 0.5]),
        "count": pd.Series([1, 2, 3, 4, -5], dtype="int64"),
        "code": pd.Series([1, None, 3, 98, None], dtype="Int64"),
        "open_answer": pd.Series(["abc", None, "98", "héllo wörld, € 5", ""], dtype=object),
        "flag_txt": pd.Series(["a", "b", None, "99", "a"], dtype=object),
        "nothing": pd.Series([None] * 5, dtype=object),
        "all_nan": pd.Series([np.nan] * 5),
        "visit": pd.Series([dt.date(2024, 1, 2), None, dt.date(1999, 12, 31), dt.date(2024, 2, 29),
                            dt.date(1600, 6, 1)], dtype=object),
        "memo": pd.Series([LONG_300, LONG_700, None, LONG_2000, "kort"], dtype=object),
    })


def sample_metadata() -> dict[str, Any]:
    return {
        "file_label": "cati export — Blik op Werk",
        "column_labels": {"q1": "Vraag 1: hoe tevreden bent u?", "open_answer": "Toelichting (open)",
                          "visit": "Datum bezoek", "memo": "Notitie"},
        "variable_value_labels": {
            "q1": {1.0: "helemaal oneens", 2.0: "oneens", 98.0: "weet niet", 99.0: "wil niet zeggen"},
            "code": {1: "één", 98: "weet niet"},
            "open_answer": {"98": "weet niet", "99": "wil niet zeggen"},
            "flag_txt": {"99": "nee"},
        },
        "missing_ranges": {"q1": [98.0, 99.0], "code": [98], "open_answer": ["98"], "flag_txt": ["99"]},
        "variable_measure": {"q1": "ordinal", "grade": "scale", "count": "scale", "code": "nominal",
                             "open_answer": "nominal"},
    }


def read(path: Path, **kwargs: Any) -> tuple[pd.DataFrame, Any]:
    return pyreadstat.read_sav(str(path), **kwargs)


def kind_of(series: pd.Series) -> str:
    """``string``, ``date`` or ``number``: how the writer stores the column."""
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    if isinstance(series.dtype, pd.StringDtype) or (series.dtype == object and inferred in ("string", "empty")):
        return "string"
    return "date" if inferred == "date" else "number"


def is_missing(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def expected_column(series: pd.Series) -> list[Any]:
    """What a reader gives back: '' for a missing string and trailing spaces dropped (SPSS pads
    strings with spaces), None for a missing date, NaN for a missing number."""
    kind = kind_of(series)
    if kind == "string":
        return ["" if is_missing(v) else v.rstrip(" ") for v in series.astype(object)]
    if kind == "date":
        return [None if is_missing(v) else v for v in series.astype(object)]
    return [math.nan if is_missing(v) else float(v) for v in series.astype(object)]


def assert_same_values(got: pd.Series, want: pd.Series) -> None:
    expected = expected_column(want)
    actual = list(got)
    assert len(actual) == len(expected), got.name
    for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
        if e is None or (isinstance(e, float) and math.isnan(e)):
            assert is_missing(a), (got.name, i, a)
        else:
            assert a == e and type(a) is type(e), (got.name, i, a, e)


def assert_same_metadata(ours: Any, theirs: Any, *, integral: Collection[str] = ()) -> None:
    """Every public field pyreadstat reads back must match, except the deliberate differences:
    creation/modification time (the clock), and the format of numeric columns whose values are all
    integers: ``F8.0`` (this writer) where ``pyreadstat.write_sav`` writes ``F8.2``."""
    fields = [f for f in dir(theirs) if not f.startswith("_")]
    assert fields == [f for f in dir(ours) if not f.startswith("_")]
    for field in fields:
        if field in ("creation_time", "modification_time"):
            continue
        a, b = getattr(ours, field), getattr(theirs, field)
        if field == "original_variable_types":
            for name in integral:
                assert b[name] == "F8.2" and a[name] == "F8.0", (field, name, a[name], b[name])
            a = {k: v for k, v in a.items() if k not in integral}
            b = {k: v for k, v in b.items() if k not in integral}
        assert a == b, f"{field}: ours {a!r} != pyreadstat {b!r}"


def dictionary(path: Path) -> dict[str, Any]:
    """Raw pieces of an uncompressed system file: the header's file label, the 8-byte names and the
    labels of the variable records (type 2), the labels of the value label records (type 3)."""
    data = path.read_bytes()
    pos, names, labels, value_labels = 176, [], [], []
    while struct.unpack_from("<i", data, pos)[0] == 2:
        width, has_label, n_missing = struct.unpack_from("<3i", data, pos + 4)
        if width != -1:
            names.append(data[pos + 24:pos + 32].decode("ascii").rstrip())
        pos += 32
        if has_label:
            size = struct.unpack_from("<i", data, pos)[0]
            labels.append(data[pos + 4:pos + 4 + size])
            pos += 4 + (size + 3) // 4 * 4
        pos += 8 * abs(n_missing)
    while struct.unpack_from("<i", data, pos)[0] == 3:
        count, pos = struct.unpack_from("<i", data, pos + 4)[0], pos + 8
        for _ in range(count):
            value_labels.append(data[pos + 9:pos + 9 + data[pos + 8]])
            pos += (data[pos + 8] + 8) // 8 * 8 + 8
        pos += 8 + 4 * struct.unpack_from("<i", data, pos + 4)[0]
    return {"file_label": data[109:173], "names": names, "labels": labels, "value_labels": value_labels}


# ------------------------------------------------------------------------ round trips


def test_round_trip_with_user_missing(tmp_path: Path) -> None:
    frame, meta = sample_frame(), sample_metadata()
    path = tmp_path / "x.sav"
    write_sav(frame, path, **meta)
    data, info = read(path, user_missing=True)
    assert list(data.columns) == list(frame.columns) == info.column_names
    for name in frame.columns:
        assert_same_values(data[name], frame[name])
    assert data["memo"].tolist()[:2] == [LONG_300, LONG_700] and data["memo"][3] == LONG_2000
    assert info.file_label == meta["file_label"]
    assert info.file_encoding == "UTF-8"
    assert info.number_rows == 5
    assert {k: v for k, v in info.column_names_to_labels.items() if v} == meta["column_labels"]
    assert info.variable_value_labels == {
        "q1": meta["variable_value_labels"]["q1"], "code": {1.0: "één", 98.0: "weet niet"},
        "open_answer": meta["variable_value_labels"]["open_answer"], "flag_txt": {"99": "nee"},
    }
    assert info.missing_ranges == {
        "q1": [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}], "code": [{"lo": 98.0, "hi": 98.0}],
        "open_answer": [{"lo": "98", "hi": "98"}], "flag_txt": [{"lo": "99", "hi": "99"}],
    }
    assert info.variable_measure == {name: meta["variable_measure"].get(name, "unknown") for name in frame.columns}
    assert info.readstat_variable_types == {
        "q1": "double", "grade": "double", "count": "double", "code": "double", "open_answer": "string",
        "flag_txt": "string", "nothing": "string", "all_nan": "double", "visit": "double", "memo": "string",
    }
    assert info.original_variable_types == {
        "q1": "F8.0", "grade": "F8.2", "count": "F8.0", "code": "F8.0", "open_answer": "A20",
        "flag_txt": "A2", "nothing": "A1", "all_nan": "F8.2", "visit": "DATE11", "memo": "A2000",
    }
    assert info.variable_alignment["q1"] == "right" and info.variable_alignment["memo"] == "left"


def test_user_missing_values_read_as_missing(tmp_path: Path) -> None:
    frame, meta = sample_frame(), sample_metadata()
    write_sav(frame, tmp_path / "x.sav", **meta)
    data, _ = read(tmp_path / "x.sav")
    assert data["q1"].tolist()[:2] == [1.0, 2.0] and data["q1"][2:].isna().all()
    assert data["code"].isna().tolist() == [False, True, False, True, True]
    assert data["open_answer"][0] == "abc" and pd.isna(data["open_answer"][2])
    assert pd.isna(data["flag_txt"][3]) and data["flag_txt"][0] == "a"


def test_file_layout_is_uncompressed_little_endian(tmp_path: Path) -> None:
    frame = sample_frame()
    path = tmp_path / "x.sav"
    write_sav(frame, path)
    data = path.read_bytes()
    assert data[:4] == b"$FL2" and data[4:23] == b"@(#) SPSS DATA FILE"
    layout, case_size, compression, weight, ncases = struct.unpack_from("<5i", data, 64)
    assert (layout, compression, weight, ncases) == (2, 0, 0, 5)
    assert struct.unpack_from("<d", data, 84)[0] == 100.0
    end = data.index(struct.pack("<2i", 999, 0), 176) + 8
    assert len(data) - end == 5 * case_size * 8  # fixed-width cases and nothing else
    first_case = data[end:end + 8 * case_size]
    assert struct.unpack_from("<d", first_case, 0)[0] == 1.0
    assert first_case[32:56] == b"abc".ljust(24)  # open_answer: A20 in 24 bytes, padded with spaces
    assert first_case[56:64] == b"a".ljust(8)
    assert struct.unpack_from("<d", data, end + 8 * case_size * 2)[0] == -np.finfo(np.float64).max  # SYSMIS


@pytest.mark.parametrize("prefix", [250, 251, 252, 253, 254, 255, 256])
@pytest.mark.parametrize("char", ["é", "€", "😀"])
def test_multibyte_characters_across_segment_boundaries(tmp_path: Path, prefix: int, char: str) -> None:
    """Readers join a very long string's segments before decoding, so a character whose bytes
    straddle the 255-byte segment end must come back whole."""
    values = ["a" * prefix + char * 40, char * 300, "b" * 509 + char + "c"]
    frame = pd.DataFrame({"txt": pd.Series([*values, None], dtype=object)})
    write_sav(frame, tmp_path / "x.sav", variable_value_labels={"txt": {values[0]: "lang"}})
    data, info = read(tmp_path / "x.sav")
    assert data["txt"].tolist() == [*values, ""]
    assert info.variable_value_labels == {"txt": {values[0]: "lang"}}


def test_string_dtypes(tmp_path: Path) -> None:
    frame = pd.DataFrame({"a": pd.Series(["x", None, "é"], dtype="string"),
                          "b": pd.Series(["y", None, "zz"], dtype="str")})
    write_sav(frame, tmp_path / "x.sav")
    data, info = read(tmp_path / "x.sav")
    assert data["a"].tolist() == ["x", "", "é"] and data["b"].tolist() == ["y", "", "zz"]
    assert info.original_variable_types == {"a": "A2", "b": "A2"}


def test_datetime64_column(tmp_path: Path) -> None:
    stamps = pd.Series(pd.to_datetime(pd.Series(["2024-01-02 10:11:12", None, "1999-12-31 23:59:59.5"]), format="ISO8601"))
    write_sav(pd.DataFrame({"ts": stamps}), tmp_path / "x.sav")
    data, info = read(tmp_path / "x.sav")
    assert info.original_variable_types == {"ts": "DATETIME20"}
    assert data["ts"][0] == stamps[0] and pd.isna(data["ts"][1]) and data["ts"][2] == stamps[2]


def test_label_key_wider_than_the_data_widens_the_variable(tmp_path: Path) -> None:
    """Deliberate difference: pyreadstat cuts the label value "98" of an all-empty text column to
    the data width ("9"); this writer widens the variable so the label still matches."""
    frame = pd.DataFrame({"t": pd.Series([None, None], dtype=object)})
    write_sav(frame, tmp_path / "x.sav", variable_value_labels={"t": {"98": "weet niet"}},
              missing_ranges={"t": ["98"]})
    _, info = read(tmp_path / "x.sav", user_missing=True)
    assert info.variable_value_labels == {"t": {"98": "weet niet"}}
    assert info.missing_ranges == {"t": [{"lo": "98", "hi": "98"}]}
    assert info.original_variable_types == {"t": "A2"}


# ------------------------------------------------------------------------ pyreadstat as reference


def test_same_as_pyreadstat(tmp_path: Path) -> None:
    frame, meta = sample_frame(), sample_metadata()
    write_sav(frame, tmp_path / "ours.sav", **meta)
    pyreadstat.write_sav(frame, str(tmp_path / "theirs.sav"), **meta)
    integral = {"q1", "count", "code"}
    for kwargs in ({}, {"user_missing": True}):
        ours, ours_meta = read(tmp_path / "ours.sav", **kwargs)
        theirs, theirs_meta = read(tmp_path / "theirs.sav", **kwargs)
        pd.testing.assert_frame_equal(ours, theirs)
        assert_same_metadata(ours_meta, theirs_meta, integral=integral)


def test_same_as_pyreadstat_without_metadata(tmp_path: Path) -> None:
    frame = sample_frame().drop(columns=["q1", "count", "code"])
    write_sav(frame, tmp_path / "ours.sav")
    pyreadstat.write_sav(frame, str(tmp_path / "theirs.sav"))
    ours, ours_meta = read(tmp_path / "ours.sav")
    theirs, theirs_meta = read(tmp_path / "theirs.sav")
    pd.testing.assert_frame_equal(ours, theirs)
    assert_same_metadata(ours_meta, theirs_meta)


def test_metadata_comparison_can_fail(tmp_path: Path) -> None:
    frame = sample_frame()
    write_sav(frame, tmp_path / "a.sav", file_label="a")
    write_sav(frame, tmp_path / "b.sav", file_label="b")
    with pytest.raises(AssertionError, match="file_label"):
        assert_same_metadata(read(tmp_path / "a.sav")[1], read(tmp_path / "b.sav")[1])


# ------------------------------------------------------------------------ edge cases


def test_zero_rows(tmp_path: Path) -> None:
    frame = sample_frame().iloc[:0]
    write_sav(frame, tmp_path / "x.sav", **sample_metadata())
    data, info = read(tmp_path / "x.sav", user_missing=True)
    assert len(data) == 0 and info.column_names == list(frame.columns)
    assert info.variable_value_labels["open_answer"] == {"98": "weet niet", "99": "wil niet zeggen"}


def test_one_column(tmp_path: Path) -> None:
    write_sav(pd.DataFrame({"x": [1.5]}), tmp_path / "x.sav", column_labels={"x": "één"})
    data, info = read(tmp_path / "x.sav")
    assert data["x"].tolist() == [1.5] and info.column_names_to_labels == {"x": "één"}


def test_many_columns_with_colliding_short_names(tmp_path: Path) -> None:
    names = [f"vraag_ab{i:04d}" for i in range(2000)]
    frame = pd.DataFrame(np.arange(6000, dtype=np.float64).reshape(3, 2000), columns=names)
    frame["vraag_ab_tekst"] = ["x" * 300, None, "y"]  # a very long string needs segment names too
    path = tmp_path / "x.sav"
    write_sav(frame, path)
    shorts = dictionary(path)["names"]
    assert len(shorts) == 2002  # 2000 numbers, a string of two segments
    assert len(set(shorts)) == len(shorts)
    assert all(1 <= len(s) <= 8 and s == s.upper() and s[0].isalpha() for s in shorts)
    data, info = read(path)
    assert info.column_names == list(frame.columns)
    assert data.iloc[:, :2000].to_numpy().tolist() == frame.iloc[:, :2000].to_numpy().tolist()
    assert data["vraag_ab_tekst"].tolist() == ["x" * 300, "", "y"]


def test_long_labels_are_cut_at_a_character_boundary(tmp_path: Path) -> None:
    path = tmp_path / "x.sav"
    write_sav(pd.DataFrame({"x": [1.0]}), path, column_labels={"x": "é" * 200},  # 400 bytes
              variable_value_labels={"x": {1.0: "a" + "€" * 60}}, file_label="a" + "ü" * 40)
    _, info = read(path)
    assert info.column_names_to_labels["x"] == "é" * 127  # 254 bytes: 255 would split an é
    assert info.variable_value_labels["x"][1.0] == "a" + "€" * 39  # value labels: 120 bytes
    assert info.file_label == "a" + "ü" * 31  # 64 bytes
    raw = dictionary(path)  # no half characters in the file itself
    assert raw["labels"] == ["é".encode() * 127]
    assert raw["value_labels"] == [("a" + "€" * 39).encode()]
    assert raw["file_label"] == ("a" + "ü" * 31).encode() + b" "


def test_all_missing_columns(tmp_path: Path) -> None:
    frame = pd.DataFrame({"n": [np.nan, np.nan], "s": pd.Series([None, None], dtype=object)})
    write_sav(frame, tmp_path / "x.sav")
    data, info = read(tmp_path / "x.sav")
    assert data["n"].isna().all() and data["s"].tolist() == ["", ""]
    assert info.original_variable_types == {"n": "F8.2", "s": "A1"}


def test_too_many_missing_values(tmp_path: Path) -> None:
    path = tmp_path / "x.sav"
    with pytest.raises(ValueError, match="at most 3 missing values"):
        write_sav(pd.DataFrame({"x": [1.0]}), path, missing_ranges={"x": [7, 8, 9, 10]})
    with pytest.raises(ValueError, match="ranges are not supported"):
        write_sav(pd.DataFrame({"x": [1.0]}), path, missing_ranges={"x": [{"lo": 1, "hi": 5}]})
    with pytest.raises(ValueError, match="at most 8 bytes"):
        write_sav(pd.DataFrame({"x": ["a"]}), path, missing_ranges={"x": ["negenennegentig"]})
    assert not path.exists()


@pytest.mark.parametrize("series", [
    pd.Series([1 + 2j]), pd.Series([pd.Timedelta(1, "D")]), pd.Series([b"bytes"], dtype=object),
    pd.Series(["a", 1], dtype=object), pd.Series(pd.to_datetime(["2024-01-01"]).tz_localize("UTC")),
    pd.Series(["a"], dtype="category"),
])
def test_unknown_dtype(tmp_path: Path, series: pd.Series) -> None:
    with pytest.raises(TypeError, match="column 'x'"):
        write_sav(pd.DataFrame({"x": series}), tmp_path / "x.sav")
    assert not (tmp_path / "x.sav").exists()


@pytest.mark.parametrize(("frame", "kwargs", "message"), [
    (pd.DataFrame({"1x": [1.0]}), {}, "not a valid SPSS variable name"),
    (pd.DataFrame({"with": [1.0]}), {}, "not a valid SPSS variable name"),
    (pd.DataFrame({"a": [1.0], "A": [2.0]}), {}, "unique"),
    (pd.DataFrame(), {}, "at least one column"),
    (pd.DataFrame({"a": [1.0]}), {"column_labels": {"b": "x"}}, "not in the frame"),
    (pd.DataFrame({"a": [1.0]}), {"variable_measure": {"a": "interval"}}, "nominal, ordinal or scale"),
    (pd.DataFrame({"a": [1.0]}), {"variable_value_labels": {"a": {"1": "x"}}}, "must be a number"),
    (pd.DataFrame({"a": ["1"]}), {"variable_value_labels": {"a": {1: "x"}}}, "must be str"),
])
def test_invalid_input(tmp_path: Path, frame: pd.DataFrame, kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write_sav(frame, tmp_path / "x.sav", **kwargs)


def test_large_text_columns(tmp_path: Path) -> None:
    """Both ways of coding strings: mostly distinct texts (a code per row) and repeated ones
    (factorized), over more rows than the writer samples to choose."""
    rows = 3000
    distinct = pd.Series([None if i % 7 == 0 else f"antwoord {i} é" for i in range(rows)], dtype=object)
    repeated = pd.Series((["ja", "nee", None, "weet niet"] * rows)[:rows], dtype=object)
    frame = pd.DataFrame({"distinct": distinct, "repeated": repeated, "n": np.arange(rows) / 4})
    write_sav(frame, tmp_path / "x.sav")
    data, _ = read(tmp_path / "x.sav")
    for name in frame.columns:
        assert_same_values(data[name], frame[name])


def test_progress_and_cancel(tmp_path: Path) -> None:
    rows = CHUNK_ROWS * 2 + 5
    frame = pd.DataFrame({"x": np.arange(rows, dtype=np.float64), "s": ["abc"] * rows})
    calls: list[tuple[int, int]] = []
    write_sav(frame, tmp_path / "x.sav", progress=lambda done, total: calls.append((done, total)))
    assert calls == [(CHUNK_ROWS, rows), (CHUNK_ROWS * 2, rows), (rows, rows)]
    data, _ = read(tmp_path / "x.sav")
    assert data["x"].tolist() == frame["x"].tolist() and (data["s"] == "abc").all()

    answers = iter([False, True])
    with pytest.raises(ExportCancelled):
        write_sav(frame, tmp_path / "y.sav", cancel=lambda: next(answers))
    assert not (tmp_path / "y.sav").exists()  # the partial file is removed


# ------------------------------------------------------------------------ hypothesis

TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=300)
COLUMNS: dict[str, st.SearchStrategy[list[Any]]] = {
    "float": st.lists(st.one_of(st.none(), st.floats(-1e12, 1e12), st.integers(-1000, 1000).map(float))),
    "int": st.lists(st.integers(-(2**40), 2**40)),
    "Int64": st.lists(st.one_of(st.none(), st.integers(-(2**31), 2**31))),
    "text": st.lists(st.one_of(st.none(), TEXT, st.sampled_from(["98", "99", "ja", "nee"]))),
    "date": st.lists(st.one_of(st.none(), st.dates(dt.date(1583, 1, 1), dt.date(2200, 12, 31)))),
}


def _series(kind: str, values: list[Any], rows: int) -> pd.Series:
    values = (values * (rows // max(len(values), 1) + 1))[:rows] if values else [None] * rows
    if kind == "float":
        return pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    if kind == "int":
        return pd.Series([v or 0 for v in values], dtype="int64")
    if kind == "Int64":
        return pd.Series(values, dtype="Int64")
    return pd.Series(values, dtype=object)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 12))
    kinds = draw(st.lists(st.sampled_from(sorted(COLUMNS)), min_size=1, max_size=6))
    return pd.DataFrame({f"c{i}_{kind.lower()}": _series(kind, draw(COLUMNS[kind]), rows)
                         for i, kind in enumerate(kinds)})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(frame=frames())
def test_random_frames_round_trip(tmp_path: Path, frame: pd.DataFrame) -> None:
    path = tmp_path / "h.sav"
    write_sav(frame, path)
    data, info = read(path)
    assert info.column_names == list(frame.columns) and len(data) == len(frame)
    for name in frame.columns:
        assert_same_values(data[name], frame[name])


# ------------------------------------------------------------------------ GNU PSPP


def pspp_csv(path: Path, tmp_path: Path, *options: str) -> list[list[str]]:
    out = tmp_path / "out.csv"
    subprocess.run(["pspp-convert", *options, str(path), str(out)], check=True, capture_output=True, timeout=120)
    with out.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def pspp_value(cell: str, kind: str) -> Any:
    if kind == "string":
        return cell
    if cell.strip() == "":
        return None if kind == "date" else math.nan
    return dt.datetime.strptime(cell, "%m/%d/%Y").date() if kind == "date" else float(cell)


@NO_PSPP
def test_pspp_reads_the_same_data(tmp_path: Path) -> None:
    frame, meta = sample_frame(), sample_metadata()
    path = tmp_path / "x.sav"
    write_sav(frame, path, **meta)
    rows = pspp_csv(path, tmp_path)
    assert rows[0] == list(frame.columns)
    assert len(rows) == len(frame) + 1
    for name_index, name in enumerate(frame.columns):
        got = pd.Series([pspp_value(row[name_index], kind_of(frame[name])) for row in rows[1:]], dtype=object)
        assert_same_values(got, frame[name])
    recoded = pspp_csv(path, tmp_path, "--recode")  # user-missing -> system-missing
    assert [r[0].strip() for r in recoded[1:]] == ["1", "2", "", "", ""]
    assert [r[4] for r in recoded[1:]] == ["abc", "", "", "héllo wörld, € 5", ""]  # "98" (subtype 22)
    assert [r[5] for r in recoded[1:]] == ["a", "b", "", "", "a"]  # "99" (in the variable record)
    labelled = pspp_csv(path, tmp_path, "--labels")
    assert [r[4] for r in labelled[1:]][:3] == ["abc", "", "weet niet"]


@NO_PSPP
@pytest.mark.parametrize("wide", [False, True])
def test_pspp_display_dictionary_is_clean(tmp_path: Path, wide: bool) -> None:
    if wide:
        frame = pd.DataFrame(np.ones((2, 2000)), columns=[f"vraag_ab{i:04d}" for i in range(2000)])
        frame["memo"] = [LONG_700, None]
        meta: dict[str, Any] = {}
    else:
        frame, meta = sample_frame(), sample_metadata()
    (tmp_path / "x.sav").unlink(missing_ok=True)
    write_sav(frame, tmp_path / "x.sav", **meta)
    syntax = tmp_path / "x.sps"
    syntax.write_text(f"GET FILE='{tmp_path / 'x.sav'}'.\nDISPLAY DICTIONARY.\n", encoding="utf-8")
    result = subprocess.run(["pspp", str(syntax)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower() and "error" not in output.lower(), output
    if wide:
        assert "vraag_ab1999" in output and "A700" in output
    else:
        for text in ("open_answer", "wil niet zeggen", "A2000", "DATE11", "Ordinal", "weet niet"):
            assert text in output, text
