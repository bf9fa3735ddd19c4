"""Billing on both backends: statements from interview rows, closing, voids, terms, check, roles."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from cati.accounts.rules.roles import PermissionDenied
from cati.billing.rules import ClosedStatement, Period
from cati.billing.service.billing import BillingError, StatementView
from cati.platform.models import AuditEvent
from cati.platform.models_billing import BillingStatement, BillingStatementLine
from tests.integration.billing_data import Y2025, add_completes, add_period, add_provider, add_users

D = Decimal


@pytest.fixture
def world(services):  # type: ignore[no-untyped-def]
    actors = add_users(services)
    return services, actors


def only(views: list[StatementView]) -> StatementView:
    assert len(views) == 1
    return views[0]


def amounts(v: StatementView) -> tuple[int, int, Decimal, Decimal, Decimal]:
    t = v.statement.totals
    return t.subsidised_count, t.full_count, t.cost, t.provider_share, t.subsidy


def test_fewer_than_20_all_subsidised(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    pid, per = add_provider(services.db, tariff_cents=4000)
    add_completes(services.db, per, 5)
    add_completes(services.db, per, 3, status="partial")  # partials are never billed
    v = only(services.billing.statements(a["fien"]))
    assert (v.provider_id, v.period_id, v.is_closed, v.number) == (pid, per, False, None)
    assert amounts(v) == (5, 0, D("200.00"), D("100.00"), D("100.00"))
    assert all(ln.subsidised and ln.subsidy == D("20.00") for ln in v.statement.lines)
    assert v.statement.lines[0].key.startswith("R") and v.statement.lines[0].key.endswith(
        f"-{v.statement.lines[0].interview_id}"
    )


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (20, (20, 0, D("845.00"), D("422.40"), D("422.60"))),
        (21, (20, 1, D("887.25"), D("464.65"), D("422.60"))),
        (27, (20, 7, D("1140.75"), D("718.15"), D("422.60"))),
    ],
)
def test_first_20_at_odd_tariff(world, n: int, expected: tuple) -> None:  # type: ignore[no-untyped-def,type-arg]
    services, a = world
    _pid, per = add_provider(services.db, tariff_cents=4225)
    ids = add_completes(services.db, per, n)
    v = only(services.billing.statements(a["fien"]))
    assert amounts(v) == expected
    lines = v.statement.lines
    assert [ln.interview_id for ln in lines] == ids  # by completion time
    assert [ln.subsidised for ln in lines] == [i < 20 for i in range(n)]
    for ln in lines[:20]:
        assert (ln.cost, ln.subsidy, ln.provider_share) == (D("42.25"), D("21.13"), D("21.12"))
    for ln in lines[20:]:
        assert (ln.cost, ln.subsidy, ln.provider_share) == (D("42.25"), D("0.00"), D("42.25"))


def test_ties_in_completion_time_go_by_interview_id(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    _pid, per = add_provider(services.db)
    later = add_completes(services.db, per, 20, start=datetime(2026, 2, 3, 9, tzinfo=UTC))
    same = add_completes(services.db, per, 2, start=datetime(2026, 2, 3, 8, tzinfo=UTC), step=timedelta(0))
    lines = only(services.billing.statements(a["fien"])).statement.lines
    assert [ln.interview_id for ln in lines[:3]] == [*same, later[0]]
    assert [ln.interview_id for ln in lines if not ln.subsidised] == [later[-2], later[-1]]


def test_void_before_closing_drops_the_interview(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    _pid, per = add_provider(services.db)
    ids = add_completes(services.db, per, 21)
    result = services.billing.void(a["sanne"], ids[4], "dubbel afgenomen")
    assert (result.interview_id, result.billed_on) == (ids[4], None)
    v = only(services.billing.statements(a["fien"]))
    assert ids[4] not in [ln.interview_id for ln in v.statement.lines]
    assert amounts(v)[:2] == (20, 0)  # the 21st moved up into the first 20
    with services.db.unit_of_work() as s:
        ev = s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "void")).one()
        assert ev.object_id == str(ids[4]) and json.loads(ev.detail)["reason"] == "dubbel afgenomen"
    with pytest.raises(BillingError, match="al ongeldig"):
        services.billing.void(a["sanne"], ids[4], "nog eens")
    with pytest.raises(BillingError, match="reden"):
        services.billing.void(a["sanne"], ids[5], "  ")


def test_void_after_closing_gives_a_correction_and_frees_the_place(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    clock = services.ctx.clock
    pid, per = add_provider(services.db)
    ids = add_completes(services.db, per, 21)
    first = services.billing.close(a["fien"], pid, per)
    assert first.number == "2026-0001" and isinstance(first.statement, ClosedStatement)
    assert amounts(first) == (20, 1, D("887.25"), D("464.65"), D("422.60"))
    stored_before = _stored_lines(services, "2026-0001")

    clock.advance(days=1)
    result = services.billing.void(a["sanne"], ids[2], "geen echte respondent")
    assert result.billed_on == "2026-0001"
    more = add_completes(services.db, per, 2, start=clock.now - timedelta(hours=3))
    draft = only(services.billing.statements(a["fien"]))
    st = draft.statement
    assert [(c.interview_id, c.cost, c.subsidy, c.provider_share, c.corrects) for c in st.corrections] == [
        (ids[2], D("-42.25"), D("-21.13"), D("-21.12"), "2026-0001")
    ]
    # the freed subsidy place goes to the next interview not yet billed (not to the 21st, billed in full)
    assert [(ln.interview_id, ln.subsidised) for ln in st.lines] == [(more[0], True), (more[1], False)]
    assert amounts(draft) == (0, 1, D("42.25"), D("42.25"), D("0.00"))

    second = services.billing.close(a["fien"], pid, per)
    assert second.number == "2026-0002"
    assert _stored_lines(services, "2026-0001") == stored_before  # closed lines never change
    assert services.billing.check(a["fien"]) == []
    assert services.billing.statements(a["fien"]) == []  # nothing new to bill
    # the subsidy claim nets the reversal: 20 places in use
    claim = services.billing.subsidy_claim(a["fien"]).claim
    assert (claim.count, claim.amount) == (20, D("422.60"))
    overview = services.billing.summary(a["fien"])
    (row,) = overview.rows
    assert (row.purchased_count, row.subsidised_count, row.statement_count) == (22, 20, 2)
    assert (row.cost, row.provider_share, row.subsidy) == (D("929.50"), D("506.90"), D("422.60"))


def test_same_moment_events_and_the_last_minute(world) -> None:  # type: ignore[no-untyped-def]
    """A void saved at the very moment of a closing, before or after it, and a complete of the last minute."""
    services, a = world
    clock = services.ctx.clock
    pid, per = add_provider(services.db)
    ids = add_completes(services.db, per, 3)
    (late,) = add_completes(services.db, per, 1, start=clock.now - timedelta(seconds=30))
    assert [ln.interview_id for ln in only(services.billing.statements(a["fien"])).statement.lines] == ids
    services.billing.void(a["sanne"], ids[0], "voor het sluiten")
    first = services.billing.close(a["fien"], pid, per)
    assert [ln.interview_id for ln in first.statement.lines] == ids[1:]
    services.billing.void(a["sanne"], ids[1], "na het sluiten, zelfde moment")
    assert services.billing.check(a["fien"]) == []
    clock.advance(minutes=2)
    draft = only(services.billing.statements(a["fien"])).statement
    assert [c.interview_id for c in draft.corrections] == [ids[1]]
    assert [(ln.interview_id, ln.subsidised) for ln in draft.lines] == [(late, True)]
    services.billing.close(a["fien"], pid, per)
    assert services.billing.check(a["fien"]) == []


def test_two_periods_each_start_with_20(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    pid, p2026 = add_provider(services.db)
    p2025 = add_period(services.db, pid, Y2025)
    add_completes(services.db, p2025, 25, start=datetime(2025, 6, 2, 9, tzinfo=UTC))
    add_completes(services.db, p2026, 22)
    views = services.billing.statements(a["fien"], pid)
    assert [(v.statement.period.start.year, amounts(v)[:2]) for v in views] == [
        (2025, (20, 5)),
        (2026, (20, 2)),
    ]
    closed = services.billing.close(a["fien"], pid, Period(*Y2025))
    assert closed.period_id == p2025 and amounts(closed)[:2] == (20, 5)
    assert [v.period_id for v in services.billing.statements(a["fien"])] == [p2026]
    assert only(services.billing.statements(a["fien"], pid, p2026)).statement.totals.subsidised_count == 20
    assert services.billing.check(a["fien"]) == []


def test_change_of_terms_midway(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    clock = services.ctx.clock
    pid, per = add_provider(services.db)
    add_completes(services.db, per, 10)
    # from 10 March: Blik op Werk pays 40% of the first 25
    services.settings.set(a["admin"], "billing.subsidy_share", "0.40", date(2026, 3, 10))
    services.settings.set(a["admin"], "billing.subsidy_threshold", 25, date(2026, 3, 10))
    first = services.billing.close(a["fien"], pid, per)  # 2 March: the old terms
    assert (first.statement.terms.threshold, first.statement.terms.subsidy_share) == (20, D("0.50"))
    assert amounts(first) == (10, 0, D("422.50"), D("211.20"), D("211.30"))

    clock.now = datetime(2026, 3, 16, 10, tzinfo=UTC)
    add_completes(services.db, per, 20, start=datetime(2026, 3, 12, 9, tzinfo=UTC))
    old_terms = only(services.billing.statements(a["fien"], pid, per, date(2026, 3, 9))).statement
    assert old_terms.is_empty and old_terms.terms.threshold == 20  # nothing new by then; old terms
    draft = only(services.billing.statements(a["fien"]))
    assert (draft.statement.terms.threshold, draft.statement.terms.subsidy_share) == (25, D("0.40"))
    assert amounts(draft)[:2] == (15, 5)  # 25 places, 10 used on the closed statement
    assert draft.statement.lines[0].subsidy == D("16.90")
    services.billing.close(a["fien"], pid, per)
    (reloaded, _second) = services.billing.closed_statements(a["fien"], pid)
    assert reloaded.statement == first.statement  # the closed statement keeps its own terms
    assert services.billing.check(a["fien"]) == []


def test_inburgering_section(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    services.settings.set(a["admin"], "billing.inburgering_tariff", "12.50", date(2026, 1, 1))
    services.settings.set(a["admin"], "queue.inburgering.cap", 2, date(2026, 1, 1))
    pid, per = add_provider(services.db, name="Taalhuis", tariff_cents=0, phone_option=False)
    add_completes(services.db, per, 3, queue="inburgering")
    v = only(services.billing.statements(a["fien"]))
    assert v.statement.lines == () and amounts(v)[2] == D("0.00")  # not billed to the provider
    ib = v.statement.inburgering
    assert (ib.count, ib.count_to_date, ib.cap, ib.tariff, ib.amount, ib.over_cap) == (
        3,
        3,
        2,
        D("12.50"),
        D("37.50"),
        True,
    )
    closed = services.billing.close(a["fien"], pid, per)
    assert closed.statement.inburgering.count_to_date == 3
    assert services.billing.summary(a["fien"]).inburgering_count == 3
    assert services.billing.check(a["fien"]) == []


def test_close_then_check_finds_nothing_and_tampering_is_found(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    pid, per = add_provider(services.db)
    add_completes(services.db, per, 27)
    add_completes(services.db, per, 2, queue="inburgering")
    services.billing.close(a["fien"], pid, per)
    assert services.billing.check(a["fien"]) == []
    with services.db.engine.begin() as conn:
        line_id, iid = conn.execute(
            sa.select(BillingStatementLine.id, BillingStatementLine.interview_id)
            .order_by(BillingStatementLine.id)
            .limit(1)
        ).one()
        conn.execute(
            sa.update(BillingStatementLine)
            .where(BillingStatementLine.id == line_id)
            .values(subsidy_cents=BillingStatementLine.subsidy_cents + 100)
        )
    found = services.billing.check(a["fien"])
    assert found and all(f.statement_number == "2026-0001" for f in found)
    assert {(f.kind, f.interview_id) for f in found} >= {
        ("not_adding_up", iid),
        ("wrong_subsidy", iid),
        ("amount_mismatch", iid),
    }
    assert any(f.field == "totals.subsidy" for f in found)  # the stored total no longer adds up either


def test_tampered_total_is_found(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    pid, per = add_provider(services.db)
    add_completes(services.db, per, 3)
    services.billing.close(a["fien"], pid, per)
    with services.db.engine.begin() as conn:
        conn.execute(sa.update(BillingStatement).values(provider_cents=1))
    (f,) = services.billing.check(a["fien"])
    assert (f.field, f.stored, f.expected) == ("totals.provider_share", "0.01", "63.36")


def test_closing_rules(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    clock = services.ctx.clock
    pid, per = add_provider(services.db)
    with pytest.raises(BillingError, match="Niets te factureren"):
        services.billing.close(a["fien"], pid, per)
    add_completes(services.db, per, 2)
    with pytest.raises(BillingError, match="vooruit"):
        services.billing.close(a["fien"], pid, per, date(2026, 3, 3))
    # a statement dated before the completes holds none of them
    with pytest.raises(BillingError, match="Niets"):
        services.billing.close(a["fien"], pid, per, date(2026, 2, 1))
    services.billing.close(a["fien"], pid, per)
    clock.advance(days=1)
    add_completes(services.db, per, 1, start=clock.now - timedelta(hours=1))
    with pytest.raises(BillingError, match="vóór de vorige"):
        services.billing.close(a["fien"], pid, per, date(2026, 3, 1))
    with services.db.unit_of_work() as s:
        ev = s.scalars(sa.select(AuditEvent).where(AuditEvent.action == "statement_close")).one()
        assert ev.object_id == "2026-0001" and json.loads(ev.detail)["lines"] == 2


def test_roles(world) -> None:  # type: ignore[no-untyped-def]
    services, a = world
    pid, per = add_provider(services.db)
    (iid,) = add_completes(services.db, per, 1)
    b = services.billing
    for who in ("anna", "sanne", "admin"):
        for call in (b.statements, b.check, b.summary, b.subsidy_claim, b.periods, b.closed_statements):
            with pytest.raises(PermissionDenied):
                call(a[who])
    for who in ("anna", "sanne", "admin", None):
        with pytest.raises(PermissionDenied):
            b.close(a[who] if who else None, pid, per)
    for who in ("anna", "fien", "admin"):
        with pytest.raises(PermissionDenied):
            b.void(a[who], iid, "reden")
    b.void(a["sanne"], iid, "reden")
    assert b.statements(a["fien"]) == []


def test_export_formats(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    services, a = world
    pid, per = add_provider(services.db)
    add_completes(services.db, per, 21)
    services.billing.close(a["fien"], pid, per)
    report = services.billing.report(a["fien"], closed=True)
    services.billing.export(a["fien"], report, tmp_path / "nota.xlsx")
    wb = load_workbook(tmp_path / "nota.xlsx")
    assert wb.sheetnames == ["Overzicht", "2026-0001 Werkpad"]
    assert wb["Overzicht"]["F2"].value == 887.25 and wb["Overzicht"]["A2"].value == "Werkpad"
    services.billing.export(a["fien"], report, tmp_path / "nota.csv")
    text = (tmp_path / "nota.csv").read_text(encoding="utf-8")
    assert "2026-0001" in text and ",887.25," in text and text.count("\ninterview,") == 21
    services.billing.export(a["fien"], report, tmp_path / "nota.json")
    data = json.loads((tmp_path / "nota.json").read_text(encoding="utf-8"))
    assert data["statements"][0]["totals"]["cost"] == "887.25"
    assert data["summary"]["totals"]["subsidy"] == "422.60"


def _stored_lines(services, number: str) -> list[tuple]:  # type: ignore[no-untyped-def,type-arg]
    with services.db.unit_of_work() as s:
        return [
            tuple(r)
            for r in s.execute(
                sa.select(
                    BillingStatementLine.interview_id,
                    BillingStatementLine.cost_cents,
                    BillingStatementLine.subsidy_cents,
                    BillingStatementLine.provider_cents,
                    BillingStatementLine.subsidised,
                    BillingStatementLine.corrects_statement,
                )
                .join(BillingStatement)
                .where(BillingStatement.number == number)
                .order_by(BillingStatementLine.id)
            )
        ]
