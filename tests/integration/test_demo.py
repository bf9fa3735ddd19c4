"""`seed_demo`: users per role, providers, client files imported through the real import service."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from cati.tools.demo import DEMO_USERS, DemoError, seed_demo


def test_demo_fills_every_queue_through_the_import(services) -> None:  # type: ignore[no-untyped-def]
    result = seed_demo(services, seed=2, clients_per_provider=12)
    assert services.db.is_test_database()
    assert result.providers == 4 and len(result.imports) == 4
    assert result.cases["purchased"] > 0 and result.cases["inburgering"] > 0 and result.cases["none"] > 0
    assert result.clients == sum(result.cases.values())
    assert all(r.rejected >= 2 for r in result.imports)  # bad rows show in the summaries
    assert any(r.duplicates for r in result.imports) and sum(r.do_not_call for r in result.imports) == 1
    assert any(r.filename.endswith(".xlsx") for r in result.imports)
    assert {u for u, _, _ in result.logins} == {u for u, *_ in DEMO_USERS}
    sanne = services.users.login("sanne", "welkom-sanne")
    rows = {r.name: r for r in services.providers.list_providers(sanne)}
    purchased = [n for n, r in rows.items() if r.cases["purchased"]]
    inburgering = [n for n, r in rows.items() if r.cases["inburgering"]]
    assert len(purchased) == 2 and len(inburgering) == 2
    assert any(not r.phone_option for r in rows.values())
    year = services.ctx.now().year
    assert all(p.start.year == year for r in rows.values() for p in r.periods)
    with services.db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM import_batch")).scalar() == 4
        assert conn.execute(sa.text("SELECT count(*) FROM client")).scalar() == result.clients
    assert len(services.audit.events(services.users.login("admin", "welkom-admin"), action="import")) == 4
    with pytest.raises(DemoError, match="al aanbieders"):
        seed_demo(services)


def test_demo_is_deterministic_per_seed(  # type: ignore[no-untyped-def]
    db_url, clock, tmp_path, make_services
) -> None:
    other = make_services(f"sqlite:///{tmp_path / 'b.sqlite'}", clock=clock)
    first = make_services(db_url, clock=clock)
    a = seed_demo(first, seed=5, clients_per_provider=8)
    b = seed_demo(other, seed=5, clients_per_provider=8)
    assert (a.clients, a.cases) == (b.clients, b.cases)
