from __future__ import annotations

import csv
import shutil
import sys
import threading
from collections import Counter
from pathlib import Path

import pytest

from cati.sample.io.client_columns import HEADER_ALIASES
from cati.sample.io.client_file import ClientFileError, ImportResult, import_client_file, open_client_file
from cati.sample.io.rejects_file import write_rejects_csv
from cati.sample.rules.client_rows import MeasurementPeriod

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "data"))
import make_client_files  # noqa: E402


def run(data_dir: Path, name: str, period: MeasurementPeriod, bought: bool = True, **kw: object) -> ImportResult:
    return import_client_file(data_dir / name, period, bought, **kw)  # type: ignore[arg-type]


def summary(r: ImportResult) -> dict[str, object]:
    return {"rows": r.rows_read, "accepted": len(r.accepted), "rejected": sorted(x.line for x in r.rejections),
            "duplicates": sorted(d.line for d in r.duplicates), "warnings": len(r.warnings),
            "queues": dict(Counter(rec.queue for rec in r.records))}


def test_cp1252_semicolon(data_dir: Path, period: MeasurementPeriod) -> None:
    r = run(data_dir, "klanten_cp1252_puntkomma.csv", period)
    assert (r.file.encoding, r.file.delimiter) == ("cp1252", ";")
    assert summary(r) == {"rows": 12, "accepted": 6, "rejected": [5, 6, 9, 10, 12, 13], "duplicates": [],
                          "warnings": 2, "queues": {"mail_post": 4, "purchased": 2}}
    names = {rec.client_number: rec.name for rec in r.records}
    assert names["1001"] == "René Smeets" and names["1002"] == "Zoë van den Berg"
    reasons = {x.line: x.message for x in r.rejections}
    assert reasons[5] == "regel 5: einddatum 3-2-2020 ligt buiten de meetperiode 1-1-2021 t/m 31-12-2021"
    assert "dienst 12" in reasons[6] and "ontbreekt" in reasons[10]
    assert {str(w) for w in r.warnings} == {
        "regel 7: telefoon '09001234567': betaalnummer (0900), wordt nooit gebeld, niet overgenomen",
        "regel 11: e-mailadres 'lois(at)example.nl' lijkt ongeldig"}


def test_phone_option_not_bought_gives_warnings_not_calls(data_dir: Path, period: MeasurementPeriod) -> None:
    r = run(data_dir, "klanten_cp1252_puntkomma.csv", period, bought=False)
    # line 10 (telefonisch=ja, no phone) is now a valid mail/post client instead of a rejection
    assert summary(r)["queues"] == {"mail_post": 7} and summary(r)["rejected"] == [5, 6, 9, 12, 13]
    assert sorted(w.line for w in r.warnings if "niet ingekocht" in w.message) == [3, 4, 10]


def test_utf8_bom_comma_header_variants_and_inburgering(data_dir: Path, period: MeasurementPeriod) -> None:
    r = run(data_dir, "klanten_utf8_bom.csv", period)
    assert (r.file.encoding, r.file.delimiter) == ("utf-8-sig", ",")
    assert r.file.columns["klantnummer"] == "Klantnr" and r.file.columns["telefoon2"] == "Mobiel"
    assert summary(r) == {"rows": 10, "accepted": 5, "rejected": [5, 6, 8, 9, 10], "duplicates": [],
                          "warnings": 0, "queues": {"inburgering": 2, "mail_post": 3}}
    recs = {rec.client_number: rec for rec in r.records}
    assert recs["2001"].name == "Jansen, Piet" and recs["2002"].name == "Fatma Yılmaz"
    assert [recs[k].learning_profile for k in ("2001", "2002", "2003")] == [1, 2, 3]
    assert recs["2006"].service.number == 3 and recs["2001"].variant == "low_threshold"
    assert len(next(x for x in r.rejections if x.line == 9).reasons) == 2


def test_tab_separated_excel_damage_and_multiple_numbers(data_dir: Path, period: MeasurementPeriod) -> None:
    r = run(data_dir, "klanten_tab.csv", period)
    assert r.file.delimiter == "\t"
    assert summary(r) == {"rows": 10, "accepted": 9, "rejected": [8], "duplicates": [], "warnings": 5,
                          "queues": {"purchased": 9}}
    phones = {rec.client_number: rec.phone_numbers for rec in r.records}
    assert phones["3001"] == ("+31612345678",) and phones["3002"] == ("+31612345679",)
    assert phones["3003"] == ("+31612345680",)
    assert phones["3004"] == ("+31612345681", "+31201234581")
    assert phones["3005"] == ("+31612345682", "+31612345683")
    assert phones["3006"] == ("+31612345684", "+31101234584")
    assert phones["3008"] == ("+31612345686",) and phones["3009"] == ("+31612345687",)
    assert {w.line for w in r.warnings} == {2, 3, 4, 9, 10}


def test_xlsx_numbers_and_dates(data_dir: Path, period: MeasurementPeriod) -> None:
    r = run(data_dir, "klanten_excel.xlsx", period)
    assert summary(r) == {"rows": 6, "accepted": 5, "rejected": [5], "duplicates": [], "warnings": 6,
                          "queues": {"purchased": 3, "inburgering": 1, "mail_post": 1}}
    recs = {rec.client_number: rec for rec in r.records}
    assert recs["4001"].phone_numbers == ("+31612345801",) and recs["4002"].phone_numbers == ("+31201234802",)
    assert str(recs["4002"].end_date) == "2021-04-14" and str(recs["4005"].end_date) == "2021-01-01"
    assert recs["4006"].line == 8  # the empty Excel row 7 keeps its number
    assert recs["4003"].learning_profile == 2 and recs["4003"].phone_numbers == ("+31612345803", "+31612345804")
    assert "31-12-2020" in r.rejections[0].message


def test_number_kinds(data_dir: Path, period: MeasurementPeriod) -> None:
    r = run(data_dir, "nummersoorten.csv", period)
    assert summary(r) == {"rows": 14, "accepted": 9, "rejected": [2, 3, 4, 5, 14], "duplicates": [],
                          "warnings": 9, "queues": {"purchased": 9}}
    flagged = [rec for rec in r.records if any(p.doubtful for p in rec.phones)]
    assert len(flagged) == 8  # 0800, 088, 084, 087, 14020, 085, 091, foreign
    assert next(rec for rec in r.records if rec.line == 13).phone_numbers == ("+31612345901",)


def test_duplicates_within_file(data_dir: Path, period: MeasurementPeriod) -> None:
    r = run(data_dir, "dubbel_in_bestand.csv", period)
    assert summary(r) == {"rows": 6, "accepted": 6, "rejected": [], "duplicates": [4, 5, 7], "warnings": 0,
                          "queues": {"mail_post": 3}}
    assert [rec.client_number for rec in r.records] == ["6001", "6002", "6005"]
    assert [d.first_line for d in r.duplicates] == [2, 3, 6]


def test_duplicates_across_two_imports(data_dir: Path, period: MeasurementPeriod) -> None:
    first = run(data_dir, "import_1.csv", period)
    assert summary(first)["duplicates"] == [] and len(first.records) == 5
    known_ids = [rec.client_number for rec in first.records]
    known_tel = {tel: rec.client_number for rec in first.records for tel in rec.phone_numbers}
    second = run(data_dir, "import_2.csv", period, known_client_numbers=known_ids, known_phones=known_tel)
    assert summary(second)["duplicates"] == [2, 3, 5]
    assert [rec.client_number for rec in second.records] == ["7007", "7008"]
    alone = run(data_dir, "import_2.csv", period)
    assert alone.duplicates == []


@pytest.mark.parametrize(("name", "words"), [
    ("leeg.csv", ["leeg"]),
    ("alleen_kop.csv", ["alleen een kopregel"]),
    ("kolom_ontbreekt.csv", ["Verplichte kolom", "dienst", "einddatum"]),
    ("plaatje.csv", ["geen CSV", "PNG"]),
    ("zip_als_csv.csv", ["geen CSV", "zip"]),
    ("bestaat_niet.csv", ["bestaat niet"]),
])
def test_unreadable_files_say_why(data_dir: Path, name: str, words: list[str]) -> None:
    with pytest.raises(ClientFileError) as exc:
        open_client_file(data_dir / name)
    for word in words:
        assert word in str(exc.value)


def test_xlsx_renamed_or_broken(tmp_path: Path, data_dir: Path) -> None:
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"dit is geen excel")
    with pytest.raises(ClientFileError, match="is beschadigd: het is geen volledig Excel-bestand"):
        open_client_file(broken)
    old = tmp_path / "oud.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0rest")
    with pytest.raises(ClientFileError, match=r"\.xls"):
        open_client_file(old)


def test_same_column_twice_is_an_error(tmp_path: Path) -> None:
    f = tmp_path / "twee.csv"
    f.write_text("klantnummer;naam;telefoon;tel;dienst;einddatum\n1;A;0612345678;;1;1-1-2021\n", encoding="utf-8")
    with pytest.raises(ClientFileError, match="twee keer"):
        open_client_file(f)


@pytest.mark.parametrize(("header", "canon"), [
    ("Klantnummer", "klantnummer"), ("klantnr", "klantnummer"), ("Client ID", "klantnummer"),
    ("Cliëntnummer", "klantnummer"), ("Volledige naam", "naam"), ("Name", "naam"), ("Telefoonnummer", "telefoon"),
    ("TEL", "telefoon"), ("Telefoon1", "telefoon"), ("tel2", "telefoon2"), ("Mobiel", "telefoon2"),
    ("E-mail", "email"), ("Emailadres", "email"), ("Dienstverlening", "dienst"),
    ("Einddatum traject", "einddatum"), ("Datum einde", "einddatum"), ("Versie", "vragenlijst"),
    ("Leerprofiel", "leerprofiel"), ("Telefonische optie", "telefonisch"),
])
def test_header_variants(tmp_path: Path, header: str, canon: str) -> None:
    from cati.sample.rules.dienst import normalize

    assert HEADER_ALIASES[normalize(header).replace(" ", "")] == canon


def test_rejects_csv_next_to_import(tmp_path: Path, data_dir: Path, period: MeasurementPeriod) -> None:
    src = tmp_path / "aanlevering.csv"
    shutil.copy(data_dir / "dubbel_in_bestand.csv", src)
    r = import_client_file(src, period, True)
    shutil.copy(data_dir / "klanten_cp1252_puntkomma.csv", src)
    r2 = import_client_file(src, period, True)
    out = write_rejects_csv(src, r2.rejections, r.duplicates)
    assert out == tmp_path / "aanlevering_afgewezen.csv"
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    assert rows[0] == ["regel", "klantnummer", "redenen"]
    assert [int(x[0]) for x in rows[1:]] == [4, 5, 5, 6, 7, 9, 10, 12, 13]
    assert ["5", "1004", "einddatum 3-2-2020 ligt buiten de meetperiode 1-1-2021 t/m 31-12-2021"] in rows
    assert any(x[2].startswith("dubbel: ") for x in rows)


def test_progress_and_cancel(tmp_path: Path, period: MeasurementPeriod) -> None:
    big = make_client_files.make_large_client_file(tmp_path / "groot.csv", 2500)
    calls: list[tuple[int, int]] = []
    r = import_client_file(big, period, True, progress=lambda d, t: calls.append((d, t)) is None,
                           progress_every=500)
    assert [d for d, _ in calls] == [500, 1000, 1500, 2000, 2500, 2500] and calls[-1] == (2500, 2500)
    assert all(t == 2500 for _, t in calls) and not r.cancelled and len(r.accepted) == 2500

    stop = import_client_file(big, period, True, progress=lambda d, t: d < 1000, progress_every=500)
    assert stop.cancelled and stop.rows_read == 1000

    flag = threading.Event()
    flag.set()
    cancelled = import_client_file(big, period, True, cancel=flag, progress_every=500)
    assert cancelled.cancelled and cancelled.rows_read == 500


def test_large_xlsx_reads_back(tmp_path: Path, period: MeasurementPeriod) -> None:
    big = make_client_files.make_large_client_file(tmp_path / "groot.xlsx", 300)
    r = import_client_file(big, period, True)
    assert r.rows_read == 300 and len(r.accepted) == 300 and r.records[0].line == 2


def test_committed_files_match_the_generator(tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(make_client_files, "OUT", tmp_path)
    make_client_files.main()
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in data_dir.iterdir())
    for name in made:
        assert (tmp_path / name).read_bytes() == (data_dir / name).read_bytes(), name
