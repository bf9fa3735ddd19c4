"""Client-file imports and the do-not-call list (issue 4), with the real provider-like files, on both backends."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from cati.accounts.rules.roles import PermissionDenied, Role
from cati.cli import main
from cati.platform.models import CallCase, PhoneNumber
from cati.platform.types import Sealed
from cati.sample.io.client_file import ClientFileError
from cati.sample.service.imports import ImportCancelled, ImportFailed

DATA = Path(__file__).resolve().parents[1] / "data" / "client_files"
Y21 = (date(2021, 1, 1), date(2021, 12, 31))
TABLES = ("client", "phone_number", "call_case", "import_batch", "do_not_call")


@pytest.fixture
def files(tmp_path: Path) -> Path:
    """A copy of the test files: rejects CSVs are written next to them."""
    out = tmp_path / "files"
    shutil.copytree(DATA, out)
    return out


@pytest.fixture
def users(services):  # type: ignore[no-untyped-def]
    services.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
    admin = services.users.login("admin", "admin-wachtwoord")
    for name, role in (("sanne", Role.SUPERVISOR), ("anna", Role.INTERVIEWER), ("femke", Role.FINANCE)):
        services.users.add_user(admin, name, f"welkom-{name}", {role})
    u = {n: services.users.login(n, f"welkom-{n}") for n in ("sanne", "anna", "femke")}
    u["admin"] = admin
    services.providers.add_provider(u["sanne"], "Werkpad", *Y21, phone_option=True, tariff="42.50")
    services.providers.add_provider(u["sanne"], "Taalhuis", *Y21, phone_option=False)
    return u


def counts(services) -> dict[str, int]:  # type: ignore[no-untyped-def]
    with services.db.engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def brief(r) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"accepted": r.accepted, "rejected": r.rejected, "duplicates": r.duplicates, "dnc": r.do_not_call,
            "mail_post": r.mail_post, "warnings": r.warnings, "cases": r.cases}


EXPECTED = {
    "klanten_cp1252_puntkomma.csv": {"accepted": 6, "rejected": 6, "duplicates": 0, "dnc": 0, "mail_post": 4,
                                     "warnings": 2, "cases": {"purchased": 2, "inburgering": 0}},
    "klanten_utf8_bom.csv": {"accepted": 5, "rejected": 5, "duplicates": 0, "dnc": 0, "mail_post": 3,
                             "warnings": 0, "cases": {"purchased": 0, "inburgering": 2}},
    "klanten_tab.csv": {"accepted": 9, "rejected": 1, "duplicates": 0, "dnc": 0, "mail_post": 0, "warnings": 5,
                        "cases": {"purchased": 9, "inburgering": 0}},
    "klanten_excel.xlsx": {"accepted": 5, "rejected": 1, "duplicates": 0, "dnc": 0, "mail_post": 1,
                           "warnings": 6, "cases": {"purchased": 3, "inburgering": 1}},
    "klanten_excel_1904.xlsx": {"accepted": 4, "rejected": 1, "duplicates": 0, "dnc": 0, "mail_post": 1,
                                "warnings": 2, "cases": {"purchased": 3, "inburgering": 0}},
    "nummersoorten.csv": {"accepted": 9, "rejected": 5, "duplicates": 0, "dnc": 0, "mail_post": 0,
                          "warnings": 9, "cases": {"purchased": 9, "inburgering": 0}},
    "dubbel_in_bestand.csv": {"accepted": 3, "rejected": 0, "duplicates": 3, "dnc": 0, "mail_post": 3,
                              "warnings": 0, "cases": {"purchased": 0, "inburgering": 0}},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_test_file(services, users, files, name) -> None:  # type: ignore[no-untyped-def]
    r = services.imports.import_file(users["sanne"], "Werkpad", files / name)
    assert brief(r) == EXPECTED[name]
    assert counts(services)["client"] == r.accepted
    assert counts(services)["call_case"] == sum(r.cases.values())
    if r.rejected or r.duplicates:
        assert r.rejects_file == str(files / (Path(name).stem + "_afgewezen.csv"))
        with open(r.rejects_file, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh, delimiter=";"))
        assert rows[0] == ["regel", "klantnummer", "redenen"]
        assert [int(x[0]) for x in rows[1:]] == [x.line for x in r.rejected_rows]
    else:
        assert r.rejects_file is None


def test_cp1252_details_rows_phones_and_cases(services, users, files) -> None:  # type: ignore[no-untyped-def]
    r = services.imports.import_file(users["sanne"], "Werkpad", files / "klanten_cp1252_puntkomma.csv")
    assert [x.line for x in r.rejected_rows] == [5, 6, 9, 10, 12, 13]
    assert r.rejected_rows[0].reasons == ("einddatum 3-2-2020 ligt buiten de meetperiode 1-1-2021 t/m 31-12-2021",)
    assert {(w.line, w.message) for w in r.warning_rows} == {
        (7, "telefoon '09001234567': betaalnummer (0900), wordt nooit gebeld, niet overgenomen"),
        (11, "e-mailadres 'lois(at)example.nl' lijkt ongeldig")}
    assert r.by_queue["purchased"].queued == 2 and r.by_queue["mail_post"].warnings == 2
    with services.db.engine.connect() as conn:
        clients = {row.client_number: row for row in conn.execute(sa.text("SELECT * FROM client")
                                                                  .columns(name=Sealed, email=Sealed))}
        assert clients["1001"].name == "René Smeets" and clients["1002"].name == "Zoë van den Berg"
        assert clients["1002"].variant == "low_threshold" and clients["1001"].variant == "regular"
        keys = [c.respondent_key for c in clients.values()]
        assert len(set(keys)) == len(keys) and all(re.fullmatch(r"[0-9a-f]{16}", k) for k in keys)
        phones = conn.execute(sa.text(
            "SELECT p.position, p.e164, p.kind, p.flagged, p.status FROM phone_number p JOIN client c "
            "ON c.id = p.client_id WHERE c.client_number = '1002' ORDER BY p.position").columns(e164=Sealed)).all()
        assert [tuple(p) for p in phones] == [(0, "+31201234502", "fixed", False, "active"),
                                              (1, "+31612345602", "mobile", False, "active")]
        assert conn.execute(sa.text("SELECT count(*) FROM phone_number p JOIN client c ON c.id = p.client_id "
                                    "WHERE c.client_number = '1006'")).scalar() == 0  # premium number not kept
        cases = conn.execute(sa.text(
            "SELECT c.client_number, k.queue, k.status, k.attempts, k.current_phone_position, k.next_call_at, "
            "k.period_id = c.period_id FROM call_case k JOIN client c ON c.id = k.client_id "
            "ORDER BY c.client_number")).all()
        assert [tuple(c)[:5] + tuple(c)[6:] for c in cases] == [("1002", "purchased", "new", 0, 0, True),
                                                                ("1003", "purchased", "new", 0, 0, True)]
        # a new case is due from when it came in
        assert set(conn.execute(sa.select(CallCase.next_call_at)).scalars()) == {services.ctx.now()}
        batch = conn.execute(sa.text("SELECT filename, sha256, summary FROM import_batch")).one()
    assert batch.filename == "klanten_cp1252_puntkomma.csv" and len(batch.sha256) == 64
    assert json.loads(batch.summary)["accepted"] == 6
    event = services.audit.events(users["admin"], action="import")[0]
    assert event.detail["provider_id"] == r.provider_id and event.detail["period"] == "2021-01-01..2021-12-31"
    assert event.detail["file"] == "klanten_cp1252_puntkomma.csv" and event.detail["rejected"] == 6
    text = json.dumps(event.detail)
    for personal in ("René", "Smeets", "0612345601", "+3161234", "example.nl", "1001"):
        assert personal not in text


def test_phone_option_not_bought_means_no_purchased_cases(services, users, files) -> None:  # type: ignore[no-untyped-def]
    r = services.imports.import_file(users["sanne"], "Taalhuis", files / "klanten_cp1252_puntkomma.csv")
    assert (r.accepted, r.rejected, r.mail_post, r.cases) == (7, 5, 7, {"purchased": 0, "inburgering": 0})
    assert sum("niet ingekocht" in w.message for w in r.warning_rows) == 3


def test_xlsx_numbers_dates_and_inburgering(services, users, files) -> None:  # type: ignore[no-untyped-def]
    services.imports.import_file(users["sanne"], "Werkpad", files / "klanten_excel.xlsx")
    with services.db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.client_number, c.end_date, c.learning_profile, c.service, k.queue FROM client c "
            "LEFT JOIN call_case k ON k.client_id = c.id ORDER BY c.client_number")).all()
        got = {r[0]: (str(r[1]), r[2], r[3], r[4]) for r in rows}
        assert got["4002"] == ("2021-04-14", None, 3, "purchased")  # Excel serial date
        assert got["4003"] == ("2021-12-31", 2, 11, "inburgering")
        assert got["4006"][3] is None  # mail/post: in the database, no case
        two = conn.execute(sa.text("SELECT p.e164 FROM phone_number p JOIN client c ON c.id = p.client_id "
                                   "WHERE c.client_number = '4003' ORDER BY p.position").columns(e164=Sealed))
        two = two.scalars().all()
        assert two == ["+31612345803", "+31612345804"]


def test_tab_file_two_numbers_in_one_cell_and_flags(services, users, files) -> None:  # type: ignore[no-untyped-def]
    services.imports.import_file(users["sanne"], "Werkpad", files / "klanten_tab.csv")
    services.imports.import_file(users["sanne"], "Werkpad", files / "nummersoorten.csv")
    with services.db.engine.connect() as conn:
        def numbers(k: str) -> list[tuple[object, ...]]:
            return [tuple(r) for r in conn.execute(sa.text(
                "SELECT p.position, p.e164, p.flagged FROM phone_number p JOIN client c ON c.id = p.client_id "
                "WHERE c.client_number = :k ORDER BY p.position").columns(e164=Sealed), {"k": k})]
        assert numbers("3004") == [(0, "+31612345681", False), (1, "+31201234581", False)]
        assert numbers("3001") == [(0, "+31612345678", False)]
        assert numbers("5005") == [(0, "+31800123456", True)]  # toll-free: kept, flagged for a look
        assert numbers("5012") == [(0, "+31612345901", False)]  # 0900 in the same cell dropped
        flagged = conn.execute(sa.text("SELECT count(*) FROM phone_number WHERE flagged")).scalar()
        assert flagged == 8
        stored = conn.execute(sa.select(PhoneNumber.e164)).scalars().all()
        assert stored and not [n for n in stored if n.startswith(("+31900", "+31906", "+31909", "+3166"))]


def test_duplicates_across_two_imports_and_reimport(services, users, files) -> None:  # type: ignore[no-untyped-def]
    first = services.imports.import_file(users["sanne"], "Werkpad", files / "import_1.csv")
    assert (first.accepted, first.duplicates, first.imported_before) == (5, 0, None)
    second = services.imports.import_file(users["sanne"], "Werkpad", files / "import_2.csv")
    assert (second.accepted, second.duplicates) == (2, 3)
    assert [(d.line, d.duplicate) for d in second.rejected_rows] == [(2, True), (3, True), (5, True)]
    assert "al eerder geïmporteerd" in second.rejected_rows[0].text
    before = counts(services)
    again = services.imports.import_file(users["sanne"], "Werkpad", files / "import_1.csv")
    assert (again.accepted, again.duplicates) == (0, 5) and again.imported_before is not None
    after = counts(services)
    assert after["client"] == before["client"] == 7 and after["phone_number"] == before["phone_number"]
    assert after["import_batch"] == before["import_batch"] + 1
    # another provider's period is separate: the same file goes in there
    other = services.imports.import_file(users["sanne"], "Taalhuis", files / "import_1.csv")
    assert other.accepted == 5 and other.duplicates == 0


@pytest.mark.parametrize(("name", "words"), [
    ("leeg.csv", "leeg"), ("alleen_kop.csv", "alleen een kopregel"), ("kolom_ontbreekt.csv", "Verplichte kolom"),
    ("plaatje.csv", "PNG"), ("zip_als_csv.csv", "zip"), ("bestaat_niet.csv", "bestaat niet"),
])
def test_unreadable_file_changes_nothing(services, users, files, name, words) -> None:  # type: ignore[no-untyped-def]
    before = counts(services)
    with pytest.raises(ClientFileError, match=words):
        services.imports.import_file(users["sanne"], "Werkpad", files / name)
    assert counts(services) == before
    assert services.audit.events(users["admin"], action="import") == []


def test_unknown_provider_or_period(services, users, files) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportFailed, match="bestaat niet"):
        services.imports.import_file(users["sanne"], "Onbekend", files / "import_1.csv")
    with pytest.raises(ImportFailed, match="meetperiode"):
        services.imports.import_file(users["sanne"], "Werkpad", files / "import_1.csv",
                                     period=(date(2030, 1, 1), date(2030, 12, 31)))


def test_latest_period_is_the_default(services, users, files) -> None:  # type: ignore[no-untyped-def]
    services.providers.add_provider(users["sanne"], "Werkpad", date(2020, 1, 1), date(2020, 12, 31))
    r = services.imports.import_file(users["sanne"], "Werkpad", files / "import_1.csv")
    assert (r.period_start, r.accepted) == (date(2021, 1, 1), 5)
    old = services.imports.import_file(users["sanne"], "Werkpad", files / "import_1.csv",
                                       period=(date(2020, 1, 1), date(2020, 12, 31)))
    assert old.accepted == 0 and old.rejected == 5  # end dates outside 2020


def test_roles(services, users, files) -> None:  # type: ignore[no-untyped-def]
    for who in ("anna", "femke", "admin"):
        with pytest.raises(PermissionDenied):
            services.imports.import_file(users[who], "Werkpad", files / "import_1.csv")
        with pytest.raises(PermissionDenied):
            services.imports.import_do_not_call(users[who], files / "import_1.csv")
    with pytest.raises(PermissionDenied):
        services.imports.import_file(None, "Werkpad", files / "import_1.csv")
    assert counts(services)["client"] == 0
    assert services.imports.import_file(users["sanne"], "Werkpad", files / "import_1.csv").accepted == 5


def test_cancel_while_reading_or_saving_changes_nothing(services, users, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sys

    sys.path.insert(0, str(DATA.parent))
    from make_client_files import make_large_client_file

    big = make_large_client_file(tmp_path / "groot.csv", 3000)
    before = counts(services)
    for stop_stage in ("read", "save"):
        flag = threading.Event()
        seen: list[str] = []

        def progress(stage: str, done: int, total: int, stop_stage: str = stop_stage,
                     flag: threading.Event = flag, seen: list[str] = seen) -> None:
            seen.append(stage)
            if stage == stop_stage:
                flag.set()

        with pytest.raises(ImportCancelled):
            services.imports.import_file(users["sanne"], "Werkpad", big, progress=progress, cancel=flag)
        assert stop_stage in seen
        assert counts(services) == before
    done = services.imports.import_file(users["sanne"], "Werkpad", big, cancel=threading.Event())
    assert done.accepted == 3000 and counts(services)["client"] == 3000


def test_do_not_call_at_import_and_afterwards(services, users, files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    lst = tmp_path / "onderzoekfilter.txt"
    # 1002 has two numbers (one stopped); 1003 has one (stopped): not queued
    lst.write_text("06-12345602\n+31 6 12345603\n\nonzin\n0031612345699\n", encoding="utf-8")
    d = services.imports.import_do_not_call(users["sanne"], lst)
    assert (d.lines, d.numbers, d.added, d.already, d.phones_marked, d.cases_closed) == (4, 3, 3, 0, 0, 0)
    assert [(w.line, "onzin" in w.message) for w in d.unparseable] == [(4, True)]
    again = services.imports.import_do_not_call(users["sanne"], lst)
    assert (again.added, again.already) == (0, 3)
    r = services.imports.import_file(users["sanne"], "Werkpad", files / "klanten_cp1252_puntkomma.csv")
    assert (r.accepted, r.do_not_call, r.cases["purchased"], r.by_queue["purchased"].do_not_call) == (6, 1, 1, 1)
    with services.db.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT c.client_number, p.position, p.e164, p.status FROM phone_number p JOIN client c "
            "ON c.id = p.client_id WHERE c.client_number IN ('1002', '1003') ORDER BY 1, 2").columns(e164=Sealed)).all()
        assert [tuple(x) for x in rows] == [
            ("1002", 0, "+31201234502", "active"), ("1002", 1, "+31612345602", "do_not_call"),
            ("1003", 0, "+31612345603", "do_not_call")]
        queued = conn.execute(sa.text("SELECT c.client_number FROM call_case k JOIN client c "
                                      "ON c.id = k.client_id")).scalars().all()
        assert queued == ["1002"]
    # a list loaded later marks numbers of imported clients and closes cases without a number left
    services.imports.import_file(users["sanne"], "Werkpad", files / "klanten_tab.csv")
    later = tmp_path / "later.txt"
    later.write_text("0612345681\n0612345678\n", encoding="utf-8")
    d2 = services.imports.import_do_not_call(users["sanne"], later)
    assert (d2.added, d2.phones_marked, d2.cases_closed) == (2, 2, 1)
    with services.db.engine.connect() as conn:
        cases = {r[0]: (r[1], r[2]) for r in conn.execute(sa.text(
            "SELECT c.client_number, k.status, k.final_outcome FROM call_case k JOIN client c ON c.id = k.client_id"))}
    assert cases["3001"] == ("final", "DO_NOT_CALL")  # its only number
    assert cases["3004"] == ("new", None)  # 3004 keeps its landline
    event = services.audit.events(users["admin"], action="dnc_import")[0]
    assert "0612345681" not in json.dumps(event.detail) and event.detail["cases_closed"] == 1


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_import_and_dnc_cli(  # type: ignore[no-untyped-def]
    db_url, monkeypatch, capsys, files, tmp_path, make_services
) -> None:
    s = make_services(db_url)
    s.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
    admin = s.users.login("admin", "admin-wachtwoord")
    s.users.add_user(admin, "sanne", "welkom-sanne", {Role.SUPERVISOR})
    s.users.add_user(admin, "anna", "welkom-anna", {Role.INTERVIEWER})
    s.db.dispose()
    base = ["--db", db_url, "--user", "sanne", "--password-stdin"]
    assert run([*base, "provider", "add", "Werkpad", "--period", "2021-01-01..2021-12-31", "--phone-option"],
               monkeypatch, "welkom-sanne\n") == 0
    capsys.readouterr()
    assert run([*base, "import", "Werkpad", str(files / "klanten_cp1252_puntkomma.csv")], monkeypatch,
               "welkom-sanne\n") == 0
    out = capsys.readouterr().out
    assert "geaccepteerd 6, afgewezen 6, dubbel 0, niet-bellen 0, niet gebeld (mail/post) 4, waarschuwingen 2" in out
    assert "regel 5 [1004]: einddatum 3-2-2020 ligt buiten de meetperiode" in out
    assert "klanten_cp1252_puntkomma_afgewezen.csv" in out
    rejects = tmp_path / "uit" / "afgewezen.csv"
    assert run([*base, "import", "Werkpad", str(files / "klanten_utf8_bom.csv"), "--period",
                "2021-01-01..2021-12-31", "--rejects", str(rejects), "--format", "json"], monkeypatch,
               "welkom-sanne\n") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["accepted"], data["rejected"], data["cases"]["inburgering"]) == (5, 5, 2)
    assert data["rejects_file"] == str(rejects) and rejects.is_file()
    assert [r["line"] for r in data["rejected_rows"]] == [5, 6, 8, 9, 10]
    assert run([*base, "import", "Werkpad", str(files / "plaatje.csv")], monkeypatch, "welkom-sanne\n") == 2
    assert "niets veranderd" in capsys.readouterr().err
    assert run([*base, "import", "Nergens", str(files / "import_1.csv")], monkeypatch, "welkom-sanne\n") == 2
    assert run(["--db", db_url, "--user", "anna", "import", "Werkpad", str(files / "import_1.csv")], monkeypatch,
               "welkom-anna\n") == 3
    lst = tmp_path / "dnc.txt"
    lst.write_text("0612345602\nkapot\n", encoding="utf-8")
    capsys.readouterr()
    assert run([*base, "dnc", "import", str(lst)], monkeypatch, "welkom-sanne\n") == 0
    out = capsys.readouterr().out
    assert "1 nieuw" in out and "1 nummers op niet-bellen gezet" in out and "regel 2" in out
    assert run([*base, "dnc", "import", str(lst), "--format", "json"], monkeypatch, "welkom-sanne\n") == 0
    assert json.loads(capsys.readouterr().out)["already"] == 1
