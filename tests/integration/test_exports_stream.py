"""The export's answer reading: batches of interviews, answers joined per interview, the fallback for a
stored value that holds a separator, progress and cancel in the reading part."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

import cati.exports.service.export_table as export_table
from cati.container import Services
from cati.exports.io.table import ExportCancelled, ExportTable
from cati.interviews.rules import Answer as A
from cati.interviews.rules.codec import answer_to_json
from cati.platform.models import Answer
from tests.integration.report_data import Scenario, build_scenario


@pytest.fixture
def scenario(services, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    return build_scenario(services)


def _table(services: Services, scenario: Scenario, **kw: Any) -> ExportTable:
    _, table = services.exports.table(scenario.people.supervisor, providers=["Werkpad"], paradata=True, **kw)
    return table


def _put(services: Services, interview_id: int, variable: str, value: str, on_route: bool = True) -> None:
    at = datetime(2026, 3, 2, 12, tzinfo=UTC)
    with services.db.unit_of_work() as s:
        s.execute(sa.delete(Answer).where(Answer.interview_id == interview_id, Answer.variable == variable))
        s.add(Answer(interview_id=interview_id, variable=variable, value=value, on_route=on_route, answered_at=at))


def test_small_batches_give_the_same_table_and_exact_progress(services, scenario, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    whole = _table(services, scenario)
    monkeypatch.setattr(export_table, "ANSWER_BATCH", 2)
    monkeypatch.setattr(export_table, "FETCH_INTERVIEWS", 1)
    seen: list[tuple[int, int]] = []
    batched = _table(services, scenario, progress=lambda d, t: seen.append((d, t)))
    assert batched == whole
    assert seen == [(0, 10), (2, 10), (4, 10), (5, 10)]  # 5 interviews in batches of 2, reading is the first half
    seen.clear()
    services.exports.export(scenario.people.supervisor, tmp_path / "b.csv", providers=["Werkpad"],
                            progress=lambda d, t: seen.append((d, t)))
    assert seen[:4] == [(0, 10), (2, 10), (4, 10), (5, 10)] and seen[-1] == (10, 10)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_separator_inside_a_stored_value_is_read_answer_by_answer(services, scenario) -> None:  # type: ignore[no-untyped-def]
    before = _table(services, scenario)
    c1, c7 = scenario.interview["c1"], scenario.interview["c7"]
    # not a form variable (left out), but joined naively its text would pose as a grade of 1 for c1
    _put(services, c1, "notitie", 'x\x1erapportcijfer\x1f{"number": "1"}')
    # an open answer with the separators in its text: stored escaped by json, exported as typed
    _put(services, c7, "opmerking", answer_to_json(A.open("regel\x1eeen\x1ftwee")))
    # off route: left out, separators or not
    _put(services, c7, "aanleiding", 'y\x1eaanbevolen\x1f{"code": 3}', on_route=False)
    after = _table(services, scenario)
    assert after.values("rapportcijfer") == before.values("rapportcijfer")
    assert after.values("aanbevolen") == before.values("aanbevolen")
    assert after.values("rapportcijfer")[1] == 8  # row 1 is c1
    assert after.values("opmerking")[4] == "regel\x1eeen\x1ftwee"  # row 4 is c7
    assert after.values("aanleiding")[4] is None
    changed = {c.name for c in before.columns if before.values(c.name) != after.values(c.name)}
    assert changed == {"opmerking", "aanleiding"}


def test_cancel_while_reading_the_answers(services, scenario, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(export_table, "ANSWER_BATCH", 2)
    calls = 0

    def cancel() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2  # asked after the interview rows and after the first chunk of answers

    seen: list[tuple[int, int]] = []
    with pytest.raises(ExportCancelled):
        services.exports.export(scenario.people.supervisor, tmp_path / "c.csv", providers=["Werkpad"],
                                progress=lambda d, t: seen.append((d, t)), cancel=cancel)
    assert seen == [(0, 10), (2, 10)] and calls == 3
    assert not list(tmp_path.glob("c*.csv"))
