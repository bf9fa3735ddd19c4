"""Export records (one CSV line per complete interview): written at completion and after a changed
answer, refreshed for interviews that lack one, and always giving the same export as the answers."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pyreadstat
import pytest
import sqlalchemy as sa
from case_data import add_queue, users, walk

from cati.accounts.rules.roles import PermissionDenied
from cati.cli import main
from cati.container import Services
from cati.exports.io.table import ExportTable
from cati.exports.service.exports import forms
from cati.interviews.rules import Answer, export_columns
from cati.platform.models import AuditEvent, InterviewRecord
from tests.integration.report_data import build_scenario


def _table(services: Services, actor, **kw) -> ExportTable:  # type: ignore[no-untyped-def]
    _, table = services.exports.table(actor, **kw)
    return table


def _columns(table: ExportTable) -> dict[str, list[object]]:
    return {c.name: table.values(c.name) for c in table.columns}


def _records(services: Services) -> dict[int, InterviewRecord]:
    with services.db.unit_of_work() as s:
        rows = list(s.scalars(sa.select(InterviewRecord)))
        s.expunge_all()
    return {r.interview_id: r for r in rows}


def _drop_records(services: Services) -> None:
    with services.db.unit_of_work() as s:
        s.execute(sa.delete(InterviewRecord))


def _exports_equal(services: Services, actor, folder: Path, **kw) -> None:  # type: ignore[no-untyped-def]
    """The export from the stored records equals the export made from the answers, in every format."""
    with_records = {fmt: services.exports.export(actor, folder / f"rec.{fmt}", fmt=fmt, paradata=True, **kw)
                    for fmt in ("csv", "sav")}
    table = _table(services, actor, paradata=True, **kw)
    _drop_records(services)
    from_answers = {fmt: services.exports.export(actor, folder / f"ans.{fmt}", fmt=fmt, paradata=True, **kw)
                    for fmt in ("csv", "sav")}
    assert _columns(table) == _columns(_table(services, actor, paradata=True, **kw))
    assert with_records["csv"].data_file.read_bytes() == from_answers["csv"].data_file.read_bytes()
    a, meta_a = pyreadstat.read_sav(str(with_records["sav"].data_file), user_missing=True)
    b, meta_b = pyreadstat.read_sav(str(from_answers["sav"].data_file), user_missing=True)
    assert a.equals(b) and meta_a.variable_value_labels == meta_b.variable_value_labels


def test_completed_interviews_carry_their_record_and_export_as_their_answers(services, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    u = users(services)
    anna = u["anna"]
    q = add_queue(services.db, 6, "purchased", provider="Recordpad")
    done: list[int] = []
    for seed in range(6):
        card = services.calls.next_case(anna, q.provider_id)
        assert card is not None
        state = walk(services, anna, services.interviews.start_or_resume(anna, card.case_id), seed)
        if seed == 5:  # stopped halfway and never completed: no record
            services.interviews.stop(anna, state.interview_id)
            continue
        services.interviews.complete(anna, state.interview_id)
        done.append(state.interview_id)
        clock.advance(minutes=20)
    records = _records(services)
    assert sorted(records) == done
    width = len(export_columns(forms()["client_regular"]))
    assert all(len(next(csv.reader([r.line]))) == width for r in records.values())  # a field per column
    supervisor = u["sanne"]
    _exports_equal(services, supervisor, tmp_path, providers=["Recordpad"])

    # an answer corrected after the end rewrites the record in the same transaction
    assert services.exports.refresh_records(supervisor) == len(done)  # (the comparison above dropped them)
    before = _records(services)[done[0]].line
    services.interviews.save_answer(anna, done[0], "rapportcijfer", Answer.num("3.5"))
    after = _records(services)[done[0]].line
    assert after != before and ",3.5," in after
    table = _table(services, supervisor, providers=["Recordpad"])
    row = table.values("rapportcijfer")
    assert row[0] == 3.5
    _exports_equal(services, supervisor, tmp_path, providers=["Recordpad"])


@pytest.fixture
def scenario(services, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    return build_scenario(services)


def test_refresh_writes_the_missing_records_once_and_outdated_ones_are_not_used(services, scenario, tmp_path) -> None:  # type: ignore[no-untyped-def]
    sup = scenario.people.supervisor
    from_answers = _columns(_table(services, sup, providers=["Werkpad"], paradata=True))
    with pytest.raises(PermissionDenied):
        services.exports.refresh_records(scenario.people.anna)
    seen: list[tuple[int, int]] = []
    # 8 complete interviews (5 Werkpad, 3 Taalhuis); the voided one and the break-off get none
    assert services.exports.refresh_records(sup, progress=lambda d, t: seen.append((d, t))) == 8
    assert seen == [(8, 8)]
    assert scenario.interview["c14"] not in _records(services)
    assert services.exports.refresh_records(sup) == 0
    assert _columns(_table(services, sup, providers=["Werkpad"], paradata=True)) == from_answers
    with services.db.unit_of_work() as s:
        events = list(s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export_records_refresh")))
    assert [json.loads(e.detail)["written"] for e in events] == [8, 0]

    # a record written for another column layout (the questionnaire changed since) is not used
    c1 = scenario.interview["c1"]
    with services.db.unit_of_work() as s:
        s.execute(sa.update(InterviewRecord).where(InterviewRecord.interview_id == c1)
                  .values(layout="oud", line="1,2,3"))
    assert _columns(_table(services, sup, providers=["Werkpad"], paradata=True)) == from_answers
    assert services.exports.refresh_records(sup) == 1
    assert _records(services)[c1].line != "1,2,3"
    _exports_equal(services, sup, tmp_path, providers=["Werkpad"])
    _exports_equal(services, sup, tmp_path, providers=["Taalhuis"])


def test_cli_refresh_records(services, scenario, db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("cati.container.build_services", lambda url: services)
    monkeypatch.setattr("sys.stdin", io.StringIO("welkom-sanne\n"))
    argv = ["--db", db_url, "--user", "sanne", "--password-stdin", "export", "--refresh-records"]
    assert main(argv) == 0
    assert "8 exportregels geschreven" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("welkom-sanne\n"))
    assert main(argv[:-1]) == 2  # without --refresh-records an export needs its selection and file
