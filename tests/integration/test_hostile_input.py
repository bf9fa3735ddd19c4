"""Hostile and broken input (issue 14), on SQLite and PostgreSQL: every file of the corpus in
tests/data/hostile/ (made by tests/data/make_hostile_files.py) either goes in with every line accounted
for, or is refused whole with a Dutch message, nothing stored. Also: two imports of one provider at once,
an import that waits too long, and the do-not-call lists."""

from __future__ import annotations

import re
import shutil
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from cati.accounts.rules.roles import Role
from cati.platform.types import Sealed
from cati.sample.io.client_file import ClientFileError
from cati.sample.service import imports as imports_module
from cati.sample.service.imports import ImportBusy

DATA = Path(__file__).resolve().parents[1] / "data"
HOSTILE = DATA / "hostile"
Y21 = (date(2021, 1, 1), date(2021, 12, 31))
TABLES = ("client", "phone_number", "call_case", "import_batch", "do_not_call")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    out = tmp_path / "hostile"
    shutil.copytree(HOSTILE, out)
    return out


@pytest.fixture
def sanne(services):  # type: ignore[no-untyped-def]
    services.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
    admin = services.users.login("admin", "admin-wachtwoord")
    services.users.add_user(admin, "sanne", "welkom-sanne", {Role.SUPERVISOR})
    sanne = services.users.login("sanne", "welkom-sanne")
    services.providers.add_provider(sanne, "Werkpad", *Y21, phone_option=True, tariff="42.50")
    return sanne


def counts(services) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with services.db.engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def clients(services) -> dict[str, tuple[str, str | None, int, str]]:  # type: ignore[no-untyped-def]
    """client number -> (name, e-mail, service, end date) as stored."""
    with services.db.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT client_number, name, email, service, end_date FROM client")
                            .columns(name=Sealed, email=Sealed))
        return {r[0]: (r[1], r[2], r[3], str(r[4])) for r in rows}


def numbers(services, client_number: str) -> list[str]:  # type: ignore[no-untyped-def]
    with services.db.engine.connect() as conn:
        return list(conn.execute(sa.text(
            "SELECT p.e164 FROM phone_number p JOIN client c ON c.id = p.client_id WHERE c.client_number = :k "
            "ORDER BY p.position").columns(e164=Sealed), {"k": client_number}).scalars())


# name -> (lines, to phone, mail/post, rejected, duplicates) or the words of the refusal
ACCOUNTED: dict[str, tuple[int, int, int, int, int]] = {
    "csv_cr_line_ends.csv": (5, 5, 0, 0, 0),
    "csv_empty_lines.csv": (3, 3, 0, 0, 0),
    "csv_line_break_in_value.csv": (4, 4, 0, 0, 0),
    "csv_long_fields.csv": (3, 2, 0, 1, 0),
    "csv_ragged_rows.csv": (6, 2, 1, 3, 0),
    "csv_sep_line.csv": (3, 3, 0, 0, 0),
    "csv_title_above_header.csv": (4, 4, 0, 0, 0),
    "csv_trailing_empty_columns.csv": (3, 3, 0, 0, 0),
    "enc_nul_and_control_characters.csv": (6, 6, 0, 0, 0),
    "enc_utf16be_bom.csv": (6, 6, 0, 0, 0),
    "enc_utf16le_bom.csv": (6, 6, 0, 0, 0),
    "enc_utf16le_no_bom.csv": (6, 6, 0, 0, 0),
    "enc_utf8_with_cp1252_lines.csv": (6, 6, 0, 0, 0),
    "val_english_headers.csv": (3, 3, 0, 0, 0),
    "val_phone_notations.csv": (10, 9, 0, 1, 0),
    "val_too_long.csv": (6, 2, 0, 4, 0),
    "xlsx_1904_date_system.xlsx": (4, 3, 0, 1, 0),
    "xlsx_formulas_in_unread_column.xlsx": (3, 3, 0, 0, 0),
    "xlsx_merged_cells.xlsx": (5, 4, 0, 1, 0),
    "xlsx_notes_sheet_then_clients.xlsx": (3, 3, 0, 0, 0),
    "xlsx_renamed_to_csv.csv": (5, 5, 0, 0, 0),
    "xlsx_title_above_header.xlsx": (3, 3, 0, 0, 0),
}
REFUSED: dict[str, tuple[str, ...]] = {
    "csv_quote_unclosed.csv": ("Regel 5, kolom 2 (naam)", "aanhalingsteken", "einde van het bestand"),
    "csv_quote_closed_later.csv": ("Regel 5, kolom 2 (naam)", "aanhalingsteken", "tot regel 9"),
    "enc_binary.csv": ("geen tekstbestand",),
    "enc_utf16_truncated.csv": ("UTF-16", "regel 7", "beschadigd"),
    "xls_excel_97_2003.xls": ("Excel 97-2003", "sla het op als Excel-werkmap (.xlsx)"),
    "xls_saved_as_xlsx_name.xlsx": ("Excel 97-2003",),
    "xlsx_password_protected.xlsx": ("met een wachtwoord beveiligd", "haal het wachtwoord weg"),
    "xlsx_truncated.xlsx": ("is beschadigd", "opnieuw te sturen"),
    "xlsx_formulas_without_values.xlsx": ("formules zonder berekende waarde", "cel J2 (kolom telefonisch)",
                                          "Open het in Excel"),
    "xlsx_two_sheets_with_clients.xlsx": ("2 werkbladen met cliënten", "'Januari', 'Februari'"),
}


def test_the_corpus_has_a_verdict_for_every_client_file() -> None:
    made = {p.name for p in HOSTILE.iterdir() if p.is_file() and not p.name.startswith("dnc_")}
    assert made == set(ACCOUNTED) | set(REFUSED)


@pytest.mark.parametrize("name", sorted(ACCOUNTED))
def test_every_line_accounted_for(services, sanne, files, name) -> None:  # type: ignore[no-untyped-def]
    r = services.imports.import_file(sanne, "Werkpad", files / name)
    a = r.accounting
    assert (a.lines, a.phoned, a.mail_post, a.rejected, a.duplicates) == ACCOUNTED[name]
    assert a.balanced and r.rows_read == a.lines
    assert counts(services)["client"] == r.accepted
    for number, (person, email, _, _) in clients(services).items():  # nothing invisible stored, on either backend
        assert not CONTROL.search(number + person + (email or "")), (number, person, email)
    if r.rejected:
        assert r.rejects_file and Path(r.rejects_file).is_file()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_whole_with_a_dutch_reason(services, sanne, files, name) -> None:  # type: ignore[no-untyped-def]
    before = counts(services)
    with pytest.raises(ClientFileError) as exc:
        services.imports.import_file(sanne, "Werkpad", files / name)
    for words in REFUSED[name]:
        assert words in str(exc.value)
    assert "Traceback" not in str(exc.value) and "\n" not in str(exc.value)
    assert counts(services) == before
    assert services.audit.events(services.users.login("admin", "admin-wachtwoord"), action="import") == []


def test_what_was_stored_from_the_damaged_files(services, sanne, files) -> None:  # type: ignore[no-untyped-def]
    imp = services.imports
    imp.import_file(sanne, "Werkpad", files / "enc_nul_and_control_characters.csv")
    stored = clients(services)
    assert stored["1001"][0] == "Jan Jansen" and stored["1002"][0] == "Rood Rover" and stored["1003"][0] == "Eva Mol"
    assert stored["1004"][1] == "klant4 @example.nl" and "1005" in stored and stored["1006"][0] == "Bas Kok"

    r = imp.import_file(sanne, "Werkpad", files / "enc_utf8_with_cp1252_lines.csv", period=Y21)
    assert r.duplicates == 6  # the same client numbers: every line accounted for as a duplicate

    for name in ("enc_utf16le_bom.csv", "enc_utf16be_bom.csv", "enc_utf16le_no_bom.csv"):
        again = imp.import_file(sanne, "Werkpad", files / name)
        assert again.duplicates == 6 and again.accounting.balanced


def test_names_from_mixed_and_utf16_files_are_not_mojibake(services, sanne, files) -> None:  # type: ignore[no-untyped-def]
    r = services.imports.import_file(sanne, "Werkpad", files / "enc_utf8_with_cp1252_lines.csv")
    assert sorted(w.line for w in r.warning_rows if "Windows-1252" in w.message) == [6, 7]
    assert any("Windows-1252" in note for note in r.file_notes)
    names = {v[0] for v in clients(services).values()}
    assert names == {"René Smeets", "Zoë van den Berg", "Anaïs Dupré", "Jürgen Müller", "Chloë Jansen", "Noël Bakker"}


def test_header_search_notes_and_merged_cells(services, sanne, files) -> None:  # type: ignore[no-untyped-def]
    imp = services.imports
    r = imp.import_file(sanne, "Werkpad", files / "xlsx_merged_cells.xlsx")
    assert [w.line for w in r.warning_rows if "samengevoegde cellen F2:F4" in w.message] == [3, 4]
    stored = clients(services)
    assert [stored[k][2] for k in ("1001", "1002", "1003", "1004")] == [7, 7, 7, 5]
    (rejected,) = r.rejected_rows
    assert rejected.line == 6 and "B6:C6" in rejected.text
    r = imp.import_file(sanne, "Werkpad", files / "csv_title_above_header.csv")
    assert r.file_notes == ("kopregel op regel 5; regels 1-2 erboven (een titel of toelichting) niet gelezen",)
    assert r.duplicates == 4


def test_dates_in_the_1904_system(services, sanne, files) -> None:  # type: ignore[no-untyped-def]
    r = services.imports.import_file(sanne, "Werkpad", files / "xlsx_1904_date_system.xlsx")
    assert [x.line for x in r.rejected_rows] == [5] and "31-12-2020" in r.rejected_rows[0].text
    assert [clients(services)[k][3] for k in ("1001", "1002", "1003")] == ["2021-01-01", "2021-06-30", "2021-12-31"]


def test_phone_notations_and_lengths(services, sanne, files) -> None:  # type: ignore[no-untyped-def]
    imp = services.imports
    r = imp.import_file(sanne, "Werkpad", files / "val_phone_notations.csv")
    assert numbers(services, "1001") == ["+31612340001"] and numbers(services, "1002") == ["+31201234567"]
    assert numbers(services, "1005") == ["+31612340005"] and numbers(services, "1006") == ["+31612340006"]
    assert numbers(services, "1007") == ["+31612340007"] and numbers(services, "1003") == ["+31207654321"]
    assert any("toestel 12" in w.message for w in r.warning_rows if w.line == 3)
    r = imp.import_file(sanne, "Werkpad", files / "val_too_long.csv")
    texts = {x.line: x.text for x in r.rejected_rows}
    assert texts[3] == texts[4] == "klantnummer is 150 tekens lang; cati bewaart er hoogstens 100"
    assert "naam is 399 tekens" in texts[5] and "email is 351 tekens" in texts[6]


def test_the_rejects_file_neutralises_formulas(services, sanne, tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "formules.csv"
    src.write_text("klantnummer;naam;telefoon;dienst;einddatum;telefonisch\n"
                   "=HYPERLINK(\"http://x\");Anna;0612345678;5;1-6-2021;ja\n"
                   "@SUM(1);Bram;geen;5;1-6-2021;ja\n", encoding="utf-8")
    r = services.imports.import_file(sanne, "Werkpad", src)
    assert r.accepted == 1 and r.rejected == 1
    text = Path(r.rejects_file or "").read_text(encoding="utf-8-sig")
    assert "\n3;'@SUM(1);" in text.replace("\r\n", "\n")
    assert clients(services)['=HYPERLINK("http://x")'][0] == "Anna"  # stored as it came, guarded when written


@pytest.mark.parametrize(("name", "lines", "with_number", "duplicate", "rejected", "numbers"), [
    ("dnc_utf16le_bom.txt", 3, 3, 0, 0, 3),
    ("dnc_utf16le_no_bom.txt", 3, 3, 0, 0, 3),
    ("dnc_mixed.txt", 6, 2, 1, 3, 3),
])
def test_do_not_call_lists(services, sanne, files, name, lines, with_number, duplicate, rejected, numbers) -> None:  # type: ignore[no-untyped-def]
    d = services.imports.import_do_not_call(sanne, files / name)
    assert (d.lines, d.with_number, d.duplicate_lines, d.rejected_lines, d.numbers) == (
        lines, with_number, duplicate, rejected, numbers)
    assert d.with_number + d.duplicate_lines + d.rejected_lines == d.lines
    assert counts(services)["do_not_call"] == d.added == numbers


def test_a_binary_do_not_call_list_is_refused(services, sanne, files) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ClientFileError, match="geen tekstbestand.*één nummer per regel"):
        services.imports.import_do_not_call(sanne, files / "dnc_binary.txt")
    assert counts(services)["do_not_call"] == 0


# -- two imports at once ---------------------------------------------------------------------------

def _big_file(tmp_path: Path, rows: int) -> Path:
    sys.path.insert(0, str(DATA))
    from make_client_files import make_large_client_file

    return make_large_client_file(tmp_path / "groot.csv", rows)


def test_two_imports_of_one_provider_at_once(db_url, services, sanne, tmp_path, clock, make_services) -> None:  # type: ignore[no-untyped-def]
    """Two desks import the same file at the same moment (each with its own engine, as two processes
    would): the second waits for the first and finds every client a duplicate. No traceback, no
    duplicate client, both summaries add up."""
    big = _big_file(tmp_path, 3000)
    other = make_services(db_url, clock=clock)
    results: list[object] = []
    start = threading.Barrier(2)

    def run(svc) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        try:
            results.append(svc.imports.import_file(sanne, "Werkpad", big))
        except BaseException as exc:  # collected and asserted on below
            results.append(exc)

    threads = [threading.Thread(target=run, args=(svc,)) for svc in (services, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    other.db.dispose()
    assert all(not isinstance(r, BaseException) for r in results), results
    summaries = sorted(results, key=lambda r: r.accepted)  # type: ignore[attr-defined]
    assert [(s.accepted, s.duplicates) for s in summaries] == [(0, 3000), (3000, 0)]  # type: ignore[attr-defined]
    assert all(s.accounting.balanced for s in summaries)  # type: ignore[attr-defined]
    assert counts(services)["client"] == 3000


def test_an_import_that_waits_too_long_is_refused_in_one_line(db_url, services, sanne, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Another import of the same period (PostgreSQL: its advisory lock; SQLite: any writer) holds the
    lock longer than the import waits: ImportBusy, nothing stored."""
    from cati.sample.store.clients_repo import IMPORT_LOCK

    monkeypatch.setattr(imports_module, "IMPORT_WAIT_SECONDS", 1)
    src = _big_file(tmp_path, 20)
    engine = sa.create_engine(services.db.url)
    with engine.connect() as conn:
        if services.db.is_sqlite:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            period_id = conn.execute(sa.text("SELECT id FROM measurement_period")).scalar_one()
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(CAST(:k AS integer), CAST(:p AS integer))"),
                         {"k": IMPORT_LOCK, "p": period_id})
        with pytest.raises(ImportBusy, match="Er loopt al een import voor deze aanbieder") as exc:
            services.imports.import_file(sanne, "Werkpad", src)
        conn.rollback()
    engine.dispose()
    assert "Er is niets veranderd" in str(exc.value)
    assert counts(services)["client"] == 0
    assert services.imports.import_file(sanne, "Werkpad", src).accepted == 20  # the lock is gone: it goes in
