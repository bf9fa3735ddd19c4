"""`cati simulate` then `cati billing`: the statements count what the simulator says it completed."""

from __future__ import annotations

import io
import json

import pytest

from cati.cli import main


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0, out
    return out


@pytest.mark.slow(seconds=4)  # a demo, then two workers until 50 completes
def test_billing_matches_the_simulators_tally(db_url, monkeypatch, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run(["--db", db_url, "demo", "--clients", "40"], monkeypatch, capsys, "")
    sim = json.loads(run(["--db", db_url, "--user", "sanne", "simulate", "--workers", "2", "--completes", "50",
                          "--duration", "60", "--seed", "11", "--respond-rate", "0.6", "--format", "json"], monkeypatch, capsys,
                         "welkom-sanne\n"))
    assert sim["violations"] == [] and sim["completes"] >= 50
    tally: dict[tuple[str, str], int] = {}
    for q in sim["queues"]:
        tally[(q["provider"], q["queue"])] = tally.get((q["provider"], q["queue"]), 0) + q["completes"]

    bill = json.loads(run(["--db", db_url, "--user", "femke", "billing", "--format", "json"], monkeypatch, capsys,
                          "welkom-femke\n"))
    billed = {}
    for row in bill["summary"]["providers"]:
        billed[(row["provider"], "purchased")] = row["purchased_count"]
        billed[(row["provider"], "inburgering")] = row["inburgering_count"]
    assert {k: v for k, v in billed.items() if v} == {k: v for k, v in tally.items() if v}
    totals = bill["summary"]["totals"]
    assert totals["purchased_count"] == sum(v for (_, q), v in tally.items() if q == "purchased")
    assert totals["subsidised_count"] == sum(min(20, v) for (_, q), v in tally.items() if q == "purchased")

    # the simulated demo data exports to SPSS with its labels and missing values intact
    import csv

    import pyreadstat

    out = tmp_path / "demo.sav"
    text = run(["--db", db_url, "--user", "sanne", "export", "--all", "--form", "client", "--format", "sav",
                "--out", str(out)], monkeypatch, capsys, "welkom-sanne\n")
    assert out.exists(), text
    frame, meta = pyreadstat.read_sav(str(out), user_missing=True)
    purchased = sum(v for (_, q), v in tally.items() if q == "purchased")
    assert len(frame) == purchased  # the client form: every purchased complete, no inburgering ones
    assert meta.column_names_to_labels["rapportcijfer"].startswith("Als u {provider} een rapportcijfer")
    assert meta.variable_value_labels["aanbevolen"][1.0].startswith("Ja")
    assert meta.missing_ranges["aanbevolen"] == [{"lo": 98.0, "hi": 98.0}, {"lo": 99.0, "hi": 99.0}]
    assert not {"client_name", "phone", "email"} & set(frame.columns)  # anonymous by default
    codebook = list(csv.DictReader(out.with_name("demo.codebook.csv").open(encoding="utf-8-sig"), delimiter=","))
    assert {r["variable"] for r in codebook} >= {"rapportcijfer", "aanbevolen", "tc_informatie"}
