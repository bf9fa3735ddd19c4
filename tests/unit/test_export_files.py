"""Export records as CSV lines and the export files made from them: rendering, reading back, CSV output."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cati.exports.io.files import write_csv
from cati.exports.io.table import ColumnSpec, ExportTable, parse_lines, to_frame
from cati.interviews.rules.record import csv_field, csv_line

HEAD = (ColumnSpec("key", "Sleutel", "text"), ColumnSpec("minutes", "Duur", "number"),
        ColumnSpec("day", "Dag", "date"))
TAIL = (ColumnSpec("grade", "Cijfer", "number"), ColumnSpec("q1", "Vraag 1", "code", ((1, "Ja"), (98, "Weet niet"))),
        ColumnSpec("m_1", "Optie 1", "flag"), ColumnSpec("open", "Opmerking", "text"),
        ColumnSpec("when", "Datum", "date"))


def test_fields_as_the_csv_standard_writes_them() -> None:
    assert [csv_field(v) for v in (None, 0, 7, 98, Decimal("7.5"), Decimal("10"), Decimal("6.50"), 1 / 3)] == [
        "", "0", "7", "98", "7.5", "10", "6.5", "0.3333333333"]
    assert csv_field(dt.date(2026, 3, 2)) == "2026-03-02"
    assert csv_field("gewoon") == "gewoon" and csv_field("98") == "98"
    assert csv_field("a,b") == '"a,b"' and csv_field('zei "ja"') == '"zei ""ja"""'
    assert csv_field("twee\nregels") == '"twee\nregels"' and csv_field("x\ry") == '"x\ry"'
    assert csv_line([1, None, "a,b", Decimal("8")]) == '1,,"a,b",8'


def _table(rows: list[tuple[Any, ...]]) -> ExportTable:
    head = {c.name: [r[i] for r in rows] for i, c in enumerate(HEAD)}
    lines = [csv_line(r[len(HEAD):]) for r in rows]
    return ExportTable(HEAD + TAIL, head, lines)


ROWS = [
    ("r1", Decimal(605) / 60, dt.date(2026, 3, 2), Decimal("7.5"), 1, 0, "Prima, dank je", dt.date(2025, 1, 31)),
    ("r2", None, None, None, 98, 1, 'Zei "nee"\nen hing op', None),
    ("r3", 12, dt.date(2026, 3, 3), Decimal("10"), None, None, None, dt.date(2026, 12, 1)),
]


def test_a_table_of_records_gives_its_values_and_frame() -> None:
    table = _table(ROWS)
    assert table.rows == 3 and table.head == HEAD and table.tail == TAIL
    assert table.values("grade") == [7.5, None, 10.0] and table.values("q1") == [1, 98, None]
    assert table.values("open") == ["Prima, dank je", 'Zei "nee"\nen hing op', None]
    assert table.values("when") == [dt.date(2025, 1, 31), None, dt.date(2026, 12, 1)]
    frame = to_frame(table)
    assert str(frame["q1"].dtype) == "Int64" and frame["q1"].tolist()[:2] == [1, 98]
    assert frame["open"].tolist()[2] is None and frame["grade"].dtype == "float64"
    spss = to_frame(table, for_spss=True)
    assert spss["q1"].dtype == "float64"


def _read(path: Path, excel: bool = False) -> list[list[str]]:
    with path.open(encoding="utf-8-sig" if excel else "utf-8", newline="") as fh:
        return list(csv.reader(fh, delimiter=";" if excel else ","))


def test_csv_writes_leading_fields_then_the_record(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    write_csv(path, _table(ROWS))
    assert _read(path) == [
        ["key", "minutes", "day", "grade", "q1", "m_1", "open", "when"],
        ["r1", "10.08333333", "2026-03-02", "7.5", "1", "0", "Prima, dank je", "2025-01-31"],
        ["r2", "", "", "", "98", "1", 'Zei "nee"\nen hing op', ""],
        ["r3", "12", "2026-03-03", "10", "", "", "", "2026-12-01"],
    ]
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    excel = tmp_path / "e.csv"
    write_csv(excel, _table(ROWS), excel=True)
    assert excel.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _read(excel, excel=True)
    assert rows[1] == ["r1", "10,08333333", "2026-03-02", "7,5", "1", "0", "Prima, dank je", "2025-01-31"]
    assert rows[2][6] == 'Zei "nee"\nen hing op' and len(rows) == 4
    assert excel.read_bytes().count(b"\r\n") == 4  # Excel's line ends (the line feed inside the text stays)


def test_a_line_break_in_a_leading_field_keeps_rows_whole(tmp_path: Path) -> None:
    rows = [("a\nb", 1, None, 8, 1, 0, "x", None), ("c\r\nd", 2, None, 9, 2, 1, "y", None), *ROWS,
            ("e\rf", 3, None, 1, 1, 1, "z\rz", None)]
    path = tmp_path / "n.csv"
    progress: list[tuple[int, int]] = []
    write_csv(path, _table(rows), progress=lambda d, t: progress.append((d, t)))
    got = _read(path)
    assert [r[0] for r in got[1:]] == ["a\nb", "c\r\nd", "r1", "r2", "r3", "e\rf"]
    assert [r[3] for r in got[1:]] == ["8", "9", "7.5", "", "10", "1"] and progress == [(6, 6)]
    assert got[6][6] == "z\rz"
    for excel in (False, True):  # a lone CR in a field is quoted too (a reader would end the row there)
        write_csv(path, _table(rows[2:]), excel=excel)
        assert [r[0] for r in _read(path, excel)[1:]] == ["r1", "r2", "r3", "e\rf"]


def test_a_table_without_records_writes_its_columns(tmp_path: Path) -> None:
    table = ExportTable(HEAD, {"key": ["a", "b"], "minutes": [1, Decimal("2.5")], "day": [None, dt.date(2026, 1, 2)]})
    path = tmp_path / "h.csv"
    write_csv(path, table)
    assert _read(path) == [["key", "minutes", "day"], ["a", "1", ""], ["b", "2.5", "2026-01-02"]]
    empty = ExportTable(HEAD + TAIL, {c.name: [] for c in HEAD}, [])
    write_csv(path, empty)
    assert _read(path) == [[c.name for c in HEAD + TAIL]] and to_frame(empty).shape == (0, 8)


texts = st.one_of(st.none(), st.text(min_size=1, max_size=40).filter(lambda t: "\x00" not in t))
codes = st.one_of(st.none(), st.integers(0, 99))
numbers = st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False))
dates = st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(numbers, codes, codes, texts, dates), min_size=1, max_size=20))
def test_records_read_back_as_written(rows: list[tuple[Any, ...]]) -> None:
    lines = [csv_line(r) for r in rows]
    frame = parse_lines(TAIL, lines)
    assert len(frame) == len(rows)
    table = ExportTable(TAIL, {}, lines)
    for i, col in enumerate(TAIL):
        want = [r[i] for r in rows]
        if col.kind == "text":  # an empty text is no answer
            want = [v if v else None for v in want]
        if col.kind == "number":
            want = [None if v is None else float(format(float(v), ".10g")) for v in want]
        assert table.values(col.name) == want, col.name


def test_a_record_with_the_wrong_number_of_lines_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_lines(TAIL, ['1,2,3,"open', "rest"])  # an unclosed quote swallows the next record


def test_the_export_file_modules_import_each_other_without_a_cycle() -> None:
    """``table`` (the table and its frame) imports no writer; the writers import it, never each other
    in a circle. Imports inside functions count too."""
    import ast
    from pathlib import Path

    import cati.exports.io as package

    folder = Path(package.__file__).parent
    prefix = "cati.exports.io."
    deps: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(prefix):
                found.add(node.module.removeprefix(prefix))
            elif isinstance(node, ast.Import):
                found |= {a.name.removeprefix(prefix) for a in node.names if a.name.startswith(prefix)}
        deps[path.stem] = found
    assert deps["table"] == set()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(d == goal or (d not in seen and reaches(d, goal, seen | {d})) for d in deps.get(start, ()))

    assert [m for m in deps if reaches(m, m, set())] == []
