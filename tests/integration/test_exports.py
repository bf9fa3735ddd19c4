"""Exports of completes: values worked out by hand, SPSS labels and missing values, anonymity, audit."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from cati.accounts.rules.roles import PermissionDenied
from cati.cli import main
from cati.exports.io.spss import spss_label
from cati.exports.io.table import ExportCancelled
from cati.exports.service.exports import ExportError, forms
from cati.interviews.rules import Answer as A
from cati.interviews.rules import export_values
from cati.platform.models import AuditEvent
from tests.integration.report_data import build_scenario, client_answers


@pytest.fixture
def scenario(services, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    return build_scenario(services)


@pytest.fixture
def out(tmp_path):  # type: ignore[no-untyped-def]
    """The exports' own folder (the SQLite test database lives in tmp_path)."""
    folder = tmp_path / "exports"
    folder.mkdir()
    return folder


def _rows(path) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _audit(services) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with services.db.unit_of_work() as s:
        return list(s.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("export%")).order_by(AuditEvent.id)))


def test_csv_rows_columns_and_values(services, scenario, out) -> None:  # type: ignore[no-untyped-def]
    sup = scenario.people.supervisor
    result = services.exports.export(sup, out / "werkpad.csv", providers=["Werkpad"])
    assert result.rows == 5 and result.form == "client"
    assert [p.name for p in result.files] == ["werkpad.csv", "werkpad.codebook.csv"]
    rows = _rows(out / "werkpad.csv")
    # ordered by completion: c8 (yesterday), c1, c2, c3, c7; c13 (break-off) and c14 (voided) left out
    assert [r["rapportcijfer"] for r in rows] == ["98", "8", "6.5", "4", "9"]
    c8, c1, c2, c3, c7 = rows
    assert c2["form"] == "client_low_threshold" and c1["form"] == "client_regular"  # merged by variable
    assert (c1["service"], c1["provider"], c1["interview_completed"]) == ("5", "Werkpad Re-integratie", "2026-03-02")
    assert c8["interview_completed"] == "2026-03-01" and c8["aanbevolen"] == "98"
    # multi: one 0/1 column per option, the other text in its own column; unanswered multi stays empty
    assert [c1[f"uitkering_{i}"] for i in range(1, 8)] == ["0", "1", "0", "0", "0", "0", "1"]
    assert c1["uitkering_other"] == "huurtoeslag" and c2["uitkering_2"] == ""
    assert (c1["tc_informatie"], c3["tc_informatie"], c1["contact_per_maand"]) == ("2", "99", "3")
    assert c3["onderzoek_soort"] == ""  # stored, but off route: left out
    assert c1["opmerking"] == "Prima geholpen"
    assert "attempts" not in c1 and "interviewer_id" not in c1  # no paradata unless asked
    header = list(rows[0])
    assert header[:10] == ["respondent_key", "provider", "period", "service", "end_date", "form", "taal",
                           "interview_started", "interview_completed", "identiteit"]
    assert {r["taal"] for r in rows} == {"1"}  # every answer in Dutch
    assert "slot" not in header and "intro" not in header  # info screens have no column
    codebook = _rows(out / "werkpad.codebook.csv")
    assert [r["variable"] for r in codebook] == header
    cb = {r["variable"]: r for r in codebook}
    assert cb["aanbevolen"]["codes"] == ("1=Ja, aangeraden; 2=Nee, afgeraden; 3=Nee, er niet over gesproken; "
                                         "98=Weet niet; 99=Wil niet zeggen")
    assert cb["aanbevolen"]["missing"] == "98; 99" and cb["uitkering_2"]["type"] == "flag"
    assert cb["identiteit"]["missing"] == ""  # no "weet niet" allowed there
    assert cb["taal"]["codes"].startswith("1=Nederlands; 2=Engels; 3=Arabisch; 4=Turks;")


def test_the_fast_path_matches_the_domain_export_values(services, scenario, out) -> None:  # type: ignore[no-untyped-def]
    _, table = services.exports.table(scenario.people.supervisor, providers=["Werkpad"])
    form = forms()["client_regular"]
    answers = client_answers(A.num(8), A.single(1), uitkering=A.multi([2, 7], "huurtoeslag"),
                             tc_informatie=A.single(2), opmerking=A.open("Prima geholpen"),
                             contact_per_maand=A.num(3))
    expected = export_values(form, {"service": 5, "provider": "Werkpad Re-integratie"}, answers)
    got = {name: table.values(name)[1] for name in expected}  # row 1 is c1
    assert got == expected


def test_anonymous_by_default_in_every_format(services, scenario, out) -> None:  # type: ignore[no-untyped-def]
    sup = scenario.people.supervisor
    personal = [*scenario.names, *scenario.phones, *scenario.emails]
    for fmt in ("csv", "xlsx", "sav"):
        result = services.exports.export(sup, out / f"a.{fmt}", providers=["Werkpad"], fmt=fmt, paradata=True)
        for path in result.files:
            blob = path.read_bytes()
            if fmt == "xlsx":  # zipped XML: look inside
                import zipfile

                with zipfile.ZipFile(path) as z:
                    blob = b"".join(z.read(n) for n in z.namelist())
            for text in personal:
                for variant in (text, text.lstrip("+"), text[3:]):
                    assert variant.encode() not in blob, (fmt, path.name, variant)
    events = _audit(services)
    assert [(e.action, json.loads(e.detail)["rows"], json.loads(e.detail)["with_contact"]) for e in events] == [
        ("export", 5, False)] * 3
    assert all(e.username == "sanne" for e in events)


def test_with_contact_is_for_supervisors_and_audited(services, scenario, out) -> None:  # type: ignore[no-untyped-def]
    p = scenario.people
    for actor in (p.finance, p.anna, p.admin):
        with pytest.raises(PermissionDenied):
            services.exports.export(actor, out / "x.csv", providers=["Werkpad"], with_contact=True)
        with pytest.raises(PermissionDenied):
            services.exports.export(actor, out / "x.csv", providers=["Werkpad"])
    assert not list(out.iterdir()) and _audit(services) == []
    result = services.exports.export(p.supervisor, out / "x.csv", providers=["Werkpad"], with_contact=True)
    assert result.data_file.name == "x_MET_CONTACTGEGEVENS.csv"
    rows = _rows(result.data_file)
    c1 = rows[1]
    assert c1["client_name"] == "Persoon C1 Achternaam" and c1["email"] == "c1.mail@voorbeeld.nl"
    assert c1["phone"].startswith("'+3161234")  # a leading '+' would make it a formula (or 3.16E+10) in a spreadsheet
    (event,) = _audit(services)
    detail = json.loads(event.detail)
    assert event.action == "export_contact" and detail["with_contact"] is True and detail["rows"] == 5
    assert not any(n in event.detail for n in [*scenario.names, *scenario.phones, *scenario.emails])


def test_forms_do_not_mix(services, scenario, out) -> None:  # type: ignore[no-untyped-def]
    sup = scenario.people.supervisor
    assert services.exports.preview(sup).families == {"client": 5, "inburgering": 3}
    with pytest.raises(ExportError, match="--form"):
        services.exports.export(sup, out / "all.csv")
    result = services.exports.export(sup, out / "inb.csv", form="inburgering")
    rows = _rows(result.data_file)
    assert result.rows == 3 and {r["form"] for r in rows} == {"inburgering"}
    assert sorted(r["rapportcijfer"] for r in rows) == ["1", "9", "9"]
    assert sorted(r["aanbevolen"] for r in rows) == ["1", "2", "99"]
    assert "cijfer_cursus" in rows[0] and "tc_informatie" not in rows[0]
    only_low = services.exports.export(sup, out / "low.csv", form="client_low_threshold")
    assert only_low.rows == 1


def test_sav_labels_and_user_missing_survive_a_reread(services, scenario, out) -> None:  # type: ignore[no-untyped-def]
    import pyreadstat

    result = services.exports.export(scenario.people.supervisor, out / "w.sav", providers=["Werkpad"],
                                     paradata=True)
    frame, meta = pyreadstat.read_sav(str(result.data_file), user_missing=True)
    assert len(frame) == 5
    assert list(frame["rapportcijfer"]) == [98.0, 8.0, 6.5, 4.0, 9.0]
    assert frame["respondent_key"].iloc[1] == _rows_csv(services, scenario, out)[1]["respondent_key"]
    assert meta.column_names_to_labels["rapportcijfer"].startswith("Als u {provider} een rapportcijfer")
    assert meta.variable_value_labels["aanbevolen"] == {
        1.0: "Ja, aangeraden", 2.0: "Nee, afgeraden", 3.0: "Nee, er niet over gesproken",
        98.0: "Weet niet", 99.0: "Wil niet zeggen"}
    assert meta.variable_value_labels["service"][5.0] == "Jobcoaching"
    assert meta.missing_ranges["aanbevolen"] == [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}]
    assert meta.missing_ranges["uitkering_7"] == [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}]
    assert "identiteit" not in meta.missing_ranges
    assert meta.variable_measure["rapportcijfer"] == "scale" and meta.variable_measure["aanbevolen"] == "nominal"
    # read without user-missing: 98/99 become missing (NaN), as SPSS treats them
    plain, _ = pyreadstat.read_sav(str(result.data_file))
    assert plain["rapportcijfer"].isna().tolist() == [True, False, False, False, False]
    assert frame["interview_completed"].iloc[0] == date(2026, 3, 1)
    # the codebook beside it describes exactly these variables, labels and codes
    codebook = _rows(out / "w.codebook.csv")
    assert [r["variable"] for r in codebook] == meta.column_names
    for r in codebook:
        assert spss_label(r["label"]) == (meta.column_names_to_labels[r["variable"]] or "")  # 255 max
        labels = meta.variable_value_labels.get(r["variable"], {})
        codes = "; ".join(f"{int(k)}={v}" for k, v in labels.items())
        if r["type"] == "text" and "gemaskeerd" in r["codes"]:  # an open answer says how it went out
            assert r["codes"].startswith(codes)
            continue
        assert r["codes"] == codes


def test_zsav_holds_what_the_sav_holds(services, scenario, db_url, monkeypatch, capsys, out) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd
    import pyreadstat

    sup = scenario.people.supervisor
    services.exports.export(sup, out / "w.sav", providers=["Werkpad"], paradata=True)
    zsav = services.exports.export(sup, out / "z", providers=["Werkpad"], paradata=True, fmt="zsav")
    assert [p.name for p in zsav.files] == ["z.zsav", "z.codebook.csv"] and zsav.fmt == "zsav"
    assert (out / "z.zsav").read_bytes()[:4] == b"$FL3"  # zlib-compressed system file
    assert (out / "z.codebook.csv").read_bytes() == (out / "w.codebook.csv").read_bytes()
    plain, plain_meta = pyreadstat.read_sav(str(out / "w.sav"), user_missing=True)
    packed, packed_meta = pyreadstat.read_sav(str(out / "z.zsav"), user_missing=True)
    assert len(packed) == 5
    pd.testing.assert_frame_equal(plain, packed)
    for field in ("column_names_to_labels", "variable_value_labels", "missing_ranges", "variable_measure",
                  "original_variable_types"):
        assert getattr(plain_meta, field) == getattr(packed_meta, field), field
    assert json.loads(_audit(services)[-1].detail)["format"] == "zsav"
    # and from the command line
    monkeypatch.setattr("cati.container.build_services", lambda url: services)
    argv = ["--db", db_url, "--user", "sanne", "--password-stdin", "export", "Werkpad", "--format", "zsav",
            "--out", str(out / "cli")]
    assert _cli(argv, monkeypatch, "welkom-sanne\n") == 0
    assert "5 interviews" in capsys.readouterr().out and (out / "cli.zsav").exists()


def _rows_csv(services, scenario, out) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    result = services.exports.export(scenario.people.supervisor, out / "ref.csv", providers=["Werkpad"])
    return _rows(result.data_file)


def test_xlsx_has_data_and_codebook_sheets(services, scenario, out) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    result = services.exports.export(scenario.people.supervisor, out / "w.xlsx", providers=["Werkpad"])
    assert [p.name for p in result.files] == ["w.xlsx"]
    wb = load_workbook(result.data_file)
    assert wb.sheetnames == ["data", "codebook"]
    data = list(wb["data"].iter_rows(values_only=True))
    header = list(data[0])
    grade = header.index("rapportcijfer")
    assert [r[grade] for r in data[1:]] == [98, 8, 6.5, 4, 9]
    assert data[1][header.index("interview_completed")].date() == date(2026, 3, 1)
    codebook = list(wb["codebook"].iter_rows(values_only=True))
    assert codebook[0] == ("variable", "label", "type", "codes", "missing")
    assert [r[0] for r in codebook[1:]] == header


def test_excel_csv_uses_semicolons_bom_and_decimal_comma(services, scenario, out) -> None:  # type: ignore[no-untyped-def]
    result = services.exports.export(scenario.people.supervisor, out / "e.csv", providers=["Werkpad"],
                                     excel=True)
    raw = result.data_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("respondent_key;provider;period;")
    assert ";6,5;" in text


def test_progress_and_cancel(services, scenario, out) -> None:  # type: ignore[no-untyped-def]
    seen: list[tuple[int, int]] = []
    services.exports.export(scenario.people.supervisor, out / "p.sav", providers=["Werkpad"],
                            progress=lambda d, t: seen.append((d, t)))
    assert seen[0] == (0, 10) and seen[-1] == (10, 10)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    (out / "c.csv").write_text("an older export\n")
    with pytest.raises(ExportCancelled):
        services.exports.export(scenario.people.supervisor, out / "c.csv", providers=["Werkpad"],
                                progress=lambda d, t: None, cancel=lambda: True)
    assert (out / "c.csv").read_text() == "an older export\n"  # left as it was
    assert sorted(p.name for p in out.iterdir()) == ["c.csv", "p.codebook.csv", "p.sav"]
    assert [json.loads(e.detail)["file"] for e in _audit(services)] == ["p.sav"]


def _cli(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_cli_export(services, scenario, db_url, monkeypatch, capsys, out) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("cati.container.build_services", lambda url: services)
    sanne = ["--db", db_url, "--user", "sanne", "--password-stdin", "export"]
    target = out / "w.sav"
    assert _cli([*sanne, "Werkpad", "--period", "2026", "--out", str(target), "--with-contact", "--paradata"],
                monkeypatch, "welkom-sanne\n") == 0
    assert "5 interviews (client) geëxporteerd MET CONTACTGEGEVENS" in capsys.readouterr().out
    assert (out / "w_MET_CONTACTGEGEVENS.sav").exists()
    assert (out / "w_MET_CONTACTGEGEVENS.codebook.csv").exists()
    assert _cli([*sanne, "--all", "--format", "csv", "--out", str(out / "all.csv")], monkeypatch,
                "welkom-sanne\n") == 2
    assert "--form" in capsys.readouterr().err
    assert _cli([*sanne, "--all", "--form", "inburgering", "--format", "xlsx", "--out", str(out / "i.xlsx")],
                monkeypatch, "welkom-sanne\n") == 0
    assert _cli([*sanne, "--out", str(out / "n.csv")], monkeypatch, "welkom-sanne\n") == 2
    femke = ["--db", db_url, "--user", "femke", "--password-stdin", "export", "--all", "--form", "client"]
    assert _cli([*femke, "--out", str(out / "f.csv")], monkeypatch, "welkom-femke\n") == 3
    assert not (out / "f.csv").exists()
