"""Property tests of reading client files (issue 14), without a database: whatever the bytes, the structure
or the cells, no exception escapes but cati's own refusal (ClientFileError), and every data line of the file
is accounted for exactly once. The same on both databases: tests/integration/test_import_property.py."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cati.sample.io.client_file import ClientFileError, import_client_file
from cati.sample.io.dnc_file import read_do_not_call
from cati.sample.rules.client_rows import MeasurementPeriod
from tests.property_files import CsvCase, csv_files, xlsx_rows

PERIOD = MeasurementPeriod(date(2021, 1, 1), date(2021, 12, 31))
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _import(data: bytes, suffix: str) -> object:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"klanten{suffix}"
        path.write_bytes(data)
        try:
            return import_client_file(path, PERIOD, True)
        except ClientFileError as exc:
            return exc


def _accounted(result: object) -> None:
    from cati.sample.io.client_file import ImportResult

    assert isinstance(result, ImportResult)
    a = result.accounting()
    assert a.balanced and a.lines == result.rows_read == len(result.accepted) + len(result.rejections)
    assert len(result.records) + len(result.duplicates) == len(result.accepted)


@given(st.binary(max_size=4096), st.sampled_from([".csv", ".txt", ".xlsx", ".xls", ""]))
@SETTINGS
def test_random_bytes(data: bytes, suffix: str) -> None:
    result = _import(data, suffix)
    if isinstance(result, ClientFileError):
        assert str(result) and "\n" not in str(result)
    else:
        _accounted(result)


@given(st.binary(max_size=2048).map(lambda b: b"klantnummer;naam;dienst;einddatum\r\n" + b))
@SETTINGS
def test_random_bytes_below_a_valid_header(data: bytes) -> None:
    result = _import(data, ".csv")
    if not isinstance(result, ClientFileError):
        _accounted(result)


@given(csv_files())
@SETTINGS
def test_random_csv_structure_and_cells(case: CsvCase) -> None:
    """A CSV written by a program (properly quoted) is read line for line: the data lines cati counts are
    the rows that were written with anything in them. The one refusal allowed: a value holding a line break
    and at least half a row of separators, which cannot be told from a quote never closed."""
    result = _import(case.data, case.suffix)
    if isinstance(result, ClientFileError) and case.data_lines == 0:
        assert "alleen een kopregel" in str(result)
        return
    if isinstance(result, ClientFileError):
        assert "aanhalingsteken" in str(result) and case.swallowing_cell(2), (str(result), case.rows)
        return
    _accounted(result)
    assert result.rows_read == case.data_lines  # type: ignore[attr-defined]


@given(xlsx_rows())
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_cells_in_a_workbook(sheet: tuple[list[str], list[list[object]]]) -> None:
    from openpyxl import Workbook

    header, rows = sheet
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(header)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    result = _import(buf.getvalue(), ".xlsx")
    if any(isinstance(v, str) and v.startswith("=") for r in rows for v in r[:len(header)]):
        # openpyxl writes such a text as a formula, which it does not calculate: refused, not read as empty
        assert isinstance(result, ClientFileError) and "formules zonder berekende waarde" in str(result)
        return

    def filled_cell(v: object) -> bool:  # (a formula beyond the header reads as an empty cell)
        return v is not None and not (isinstance(v, str) and (not v.strip() or v.startswith("=")))

    filled = sum(1 for r in rows if any(filled_cell(v) for v in r))
    if not filled:
        assert isinstance(result, ClientFileError) and "alleen een kopregel" in str(result)
        return
    assert not isinstance(result, ClientFileError), str(result)
    _accounted(result)
    assert result.rows_read == filled  # type: ignore[attr-defined]


_WORKBOOK: list[bytes] = []


def _workbook() -> bytes:
    """A small valid workbook with clients (made once)."""
    if not _WORKBOOK:
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(["klantnummer", "naam", "telefoon", "dienst", "einddatum", "telefonisch"])
        for n in range(1, 6):
            ws.append([1000 + n, f"Klant {n}", f"06123400{n:02d}", 5, "1-6-2021", "ja"])
        buf = io.BytesIO()
        wb.save(buf)
        _WORKBOOK.append(buf.getvalue())
    return _WORKBOOK[0]


@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8), st.integers(0, 10**6))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_damaged_workbook(flips: list[tuple[int, int]], cut: int) -> None:
    """A valid workbook with bytes changed and perhaps cut off: refused as damaged, or read in full."""
    data = bytearray(_workbook())
    for at, value in flips:
        data[at % len(data)] = value
    if cut % 3 == 0:
        data = data[: cut % len(data)]
    result = _import(bytes(data), ".xlsx")
    if not isinstance(result, ClientFileError):
        _accounted(result)


@given(st.binary(max_size=2048))
@SETTINGS
def test_random_do_not_call_lists(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lijst.txt"
        path.write_bytes(data)
        try:
            listed = read_do_not_call(path)
        except ClientFileError as exc:
            assert str(exc)
            return
    assert listed.with_number + listed.duplicate_lines + listed.rejected_lines == len(listed.lines)
    assert all(n.startswith("+") and n[1:].isdigit() for n in listed.numbers)
