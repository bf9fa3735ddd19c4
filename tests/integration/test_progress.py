"""Progress per queue and per interviewer, from the hand-built set in report_data (worked out there)."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from cati.accounts.rules.roles import PermissionDenied
from cati.cli import main
from tests.integration.report_data import TODAY, build_scenario


@pytest.fixture
def scenario(services, clock):  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)  # 17:00 in Amsterdam
    return build_scenario(services)


def test_queue_figures_and_aapor_rates(services, scenario) -> None:  # type: ignore[no-untyped-def]
    rows = {q.queue: q for q in services.progress.queues(scenario.people.supervisor)}
    wp = rows["purchased"]
    assert wp.provider == "Werkpad Re-integratie"
    # 13 cases (c12 has none); c5 unreachable; c6 never called; c11 and c14 open with attempts
    assert (wp.sample, wp.net_sample, wp.never_called, wp.called_open, wp.held_now) == (13, 12, 1, 2, 1)
    assert (wp.appointments_today, wp.final, wp.completes, wp.cap, wp.cap_text) == (1, 10, 5, None, "5")
    # I: c1 c2 c3 c7 c8 | R: c4 refusal, c13 break-off | O: c10 | UO: c9 | NE: c5
    assert wp.groups == {"I": 5, "P": 0, "R": 2, "NC": 0, "O": 1, "UH": 0, "UR": 0, "UO": 1, "NE": 1}
    pct = wp.percentages()
    # known eligible 8, unknown 1, e = 8/9
    assert wp.e_source == "data" and wp.e_value == Decimal("0.889")
    assert pct["rr1"] == pct["rr2"] == Decimal("55.6")  # 5/9
    assert pct["rr3"] == Decimal("56.3")  # 5 / (8 + 8/9) = 45/80 = 56.25 -> 56.3
    assert pct["rr5"] == Decimal("62.5")  # 5/8
    assert pct["coop1"] == Decimal("62.5") and pct["coop3"] == Decimal("71.4")  # 5/8, 5/7
    assert pct["ref1"] == Decimal("22.2") and pct["ref3"] == Decimal("25.0")  # 2/9, 2/8
    assert pct["con1"] == Decimal("88.9") and pct["con3"] == Decimal("100.0")  # 8/9, 8/8
    tl = rows["inburgering"]
    # QUOTA_FULL stays in the net sample, WRONG_PERSON does not
    assert (tl.sample, tl.net_sample, tl.completes, tl.cap_text) == (5, 4, 3, "3/25")
    assert tl.groups["I"] == 3 and tl.groups["NE"] == 2


def test_e_from_the_setting_and_from_an_override(services, scenario) -> None:  # type: ignore[no-untyped-def]
    sup, admin = scenario.people.supervisor, scenario.people.admin
    with pytest.raises(PermissionDenied):
        services.progress.set_eligibility(sup, Decimal("0.5"))  # a setting: admins only
    services.progress.set_eligibility(admin, Decimal("0.5"))
    assert services.progress.eligibility(sup) == Decimal("0.5")
    wp = next(q for q in services.progress.queues(sup, "Werkpad") if q.queue == "purchased")
    assert wp.e_source == "setting"
    assert wp.percentages()["rr3"] == Decimal("58.8")  # 5 / (8 + 0.5)
    wp = services.progress.queues(sup, "Werkpad", e="1")[0]
    assert wp.e_source == "override" and wp.percentages()["rr3"] == Decimal("55.6")  # e=1: RR3 = RR1
    services.progress.set_eligibility(admin, None)
    assert services.progress.queues(sup, "Werkpad")[0].e_source == "data"


def test_interviewers_today_and_over_a_range(services, scenario) -> None:  # type: ignore[no-untyped-def]
    sup = scenario.people.supervisor
    today = {i.username: i for i in services.progress.interviewers(sup, TODAY, TODAY)}
    anna, bram = today["anna"], today["bram"]
    # anna: login 08:00, calls to 09:25 (85 min); login 12:00, calls to 12:50 (50 min) -> 2.25 h
    assert anna.logged_in_seconds == 135 * 60 and anna.hours == Decimal("2.25")
    assert (anna.calls, anna.contacts, anna.completes) == (5, 3, 3)  # NO_ANSWER and BUSY are no contact
    assert anna.completes_per_hour == Decimal("1.33")
    assert anna.mean_interview_minutes == Decimal("21.7")  # (20 + 25 + 20) / 3
    # bram never logged in today: his session runs from his first call (13:00) to the last end (13:45)
    assert bram.logged_in_seconds == 45 * 60
    assert (bram.calls, bram.contacts, bram.completes, bram.mean_interview_minutes) == (3, 3, 1, Decimal("20.0"))
    week = {i.username: i for i in services.progress.interviewers(sup, date(2026, 3, 1), TODAY)}
    assert week["anna"].logged_in_seconds == (135 + 20) * 60  # + yesterday 08:55 -> 09:15
    assert (week["anna"].completes, week["anna"].mean_interview_minutes) == (4, Decimal("20.0"))


def test_charts_data(services, scenario) -> None:  # type: ignore[no-untyped-def]
    sup = scenario.people.supervisor
    assert services.progress.completes_per_day(sup, date(2026, 2, 28), TODAY) == [
        (date(2026, 2, 28), 0), (date(2026, 3, 1), 1), (date(2026, 3, 2), 4)]
    assert services.progress.completes_per_day(sup, TODAY, TODAY, "Taalhuis") == [(TODAY, 0)]
    mix = {o.code: o.count for o in services.progress.outcome_mix(sup, TODAY, TODAY)}
    assert mix == {"COMPLETE": 4, "NO_ANSWER": 1, "BUSY": 1, "REFUSAL_HARD": 1, "BREAKOFF": 1}


def test_who_may_see_progress(services, scenario) -> None:  # type: ignore[no-untyped-def]
    p = scenario.people
    for actor in (p.supervisor, p.finance, p.admin):
        assert services.progress.queues(actor)
    for call in (lambda: services.progress.queues(p.anna),
                 lambda: services.progress.interviewers(p.anna, TODAY, TODAY),
                 lambda: services.progress.snapshot(p.anna, TODAY, TODAY)):
        with pytest.raises(PermissionDenied):
            call()


def _cli(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_cli_progress_table_and_json(services, scenario, db_url, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("cati.container.build_services", lambda url: services)
    base = ["--db", db_url, "--user", "sanne", "--password-stdin", "progress"]
    assert _cli([*base, "--e", "0.5", "--format", "json"], monkeypatch, "welkom-sanne\n") == 0
    data = json.loads(capsys.readouterr().out)
    wp = next(q for q in data["queues"] if q["queue"] == "purchased")
    assert wp["e"] == 0.5 and wp["e_source"] == "override" and wp["rates_pct"]["rr3"] == 58.8
    assert data["completes_per_day"] == {"2026-03-02": 4}
    assert {i["user"]: i["hours"] for i in data["interviewers"]} == {"anna": 2.25, "bram": 0.75}
    assert _cli([*base, "--provider", "Taalhuis"], monkeypatch, "welkom-sanne\n") == 0
    out = capsys.readouterr().out
    assert "inburgering 3/25" in out and "Werkpad" not in out
    assert _cli([*base, "--from", "2026-03-01", "--to", "2026-03-02"], monkeypatch, "welkom-sanne\n") == 0
    out = capsys.readouterr().out
    assert "2,58" in out  # anna: 155 min over the two days, Dutch decimal comma
    assert _cli(["--db", db_url, "--user", "anna", "progress"], monkeypatch, "welkom-anna\n") == 3
