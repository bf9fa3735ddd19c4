"""Providers and measurement periods: service rules, roles, the CLI (issue 4), on both backends."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal

import pytest

from cati.accounts.rules.roles import PermissionDenied, Role
from cati.cli import main
from cati.sample.service.providers import ProviderError, parse_period, parse_tariff

Y21 = (date(2021, 1, 1), date(2021, 12, 31))
Y22 = (date(2022, 1, 1), date(2022, 12, 31))


def _users(services):  # type: ignore[no-untyped-def]
    services.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
    admin = services.users.login("admin", "admin-wachtwoord")
    for name, role in (("sanne", Role.SUPERVISOR), ("anna", Role.INTERVIEWER), ("femke", Role.FINANCE)):
        services.users.add_user(admin, name, f"welkom-{name}", {role})
    return {n: services.users.login(n, f"welkom-{n}" if n != "admin" else "admin-wachtwoord")
            for n in ("admin", "sanne", "anna", "femke")}


def test_parse_period_and_tariff() -> None:
    assert parse_period("2021-01-01..2021-12-31") == Y21
    for bad in ("2021-01-01", "2021-12-31..2021-01-01", "2021-02-30..2021-03-01"):
        with pytest.raises(ProviderError):
            parse_period(bad)
    assert parse_tariff("42.50") == Decimal("42.50") == parse_tariff("42,50") == parse_tariff("€ 42,5")
    assert parse_tariff("1.042,50") == Decimal("1042.50")
    for bad in ("abc", "-1", "1.005"):
        with pytest.raises(ProviderError):
            parse_tariff(bad)


def test_add_provider_periods_and_list(services) -> None:  # type: ignore[no-untyped-def]
    u = _users(services)
    added = services.providers.add_provider(u["sanne"], "Werkpad", *Y21, phone_option=True, tariff="42.50")
    assert added.created and added.period_added
    row = added.provider
    assert (row.name, row.phone_option, row.tariff, len(row.periods)) == ("Werkpad", True, Decimal("42.50"), 1)
    # the same provider with a new period adds the period and keeps the contract
    again = services.providers.add_provider(u["sanne"], "werkpad", *Y22)
    assert not again.created and again.period_added
    assert [p.start.year for p in again.provider.periods] == [2021, 2022]
    assert again.provider.phone_option and again.provider.tariff == Decimal("42.50")
    assert again.provider.latest_period is not None and again.provider.latest_period.start.year == 2022
    with pytest.raises(ProviderError, match="al"):
        services.providers.add_provider(u["sanne"], "Werkpad", *Y22)
    changed = services.providers.add_provider(u["admin"], "Werkpad", *Y22, tariff=Decimal("40"))
    assert changed.provider.tariff == Decimal("40.00")
    with pytest.raises(ProviderError):
        services.providers.add_provider(u["sanne"], "  ", *Y21)
    services.providers.add_provider(u["sanne"], "Taalhuis", *Y21)
    rows = services.providers.list_providers(u["femke"])
    assert [r.name for r in rows] == ["Taalhuis", "Werkpad"]
    assert rows[0].cases == {"purchased": 0, "inburgering": 0} and rows[0].clients == 0
    with services.db.engine.connect() as conn:
        import sqlalchemy as sa

        assert conn.execute(sa.text("SELECT tariff_cents FROM provider WHERE name='Werkpad'")).scalar() == 4000
    actions = [e.action for e in services.audit.events(u["admin"])]
    assert actions.count("provider_add") == 2 and actions.count("provider_change") == 2


def test_roles_in_the_service_layer(services) -> None:  # type: ignore[no-untyped-def]
    u = _users(services)
    for who in ("anna", "femke"):
        with pytest.raises(PermissionDenied):
            services.providers.add_provider(u[who], "Werkpad", *Y21)
    with pytest.raises(PermissionDenied):
        services.providers.list_providers(u["anna"])
    with pytest.raises(PermissionDenied):
        services.providers.add_provider(None, "Werkpad", *Y21)
    assert services.providers.add_provider(u["admin"], "Werkpad", *Y21).created  # admin may manage providers


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(argv)


def test_provider_cli(db_url, monkeypatch, capsys, make_services) -> None:  # type: ignore[no-untyped-def]
    s = make_services(db_url)
    _users(s)
    s.db.dispose()
    base = ["--db", db_url, "--user", "sanne", "--password-stdin"]
    assert run([*base, "provider", "add", "Werkpad", "--period", "2021-01-01..2021-12-31", "--phone-option",
                "--tariff", "42.50"], monkeypatch, "welkom-sanne\n") == 0
    assert "Werkpad toegevoegd" in capsys.readouterr().out
    assert run([*base, "provider", "add", "Werkpad", "--period", "2022-01-01..2022-12-31"], monkeypatch,
               "welkom-sanne\n") == 0
    assert "meetperiode toegevoegd" in capsys.readouterr().out
    assert run([*base, "provider", "add", "X", "--period", "2022-13-01..2022-12-31"], monkeypatch,
               "welkom-sanne\n") == 2
    assert "Meetperiode" in capsys.readouterr().err
    assert run([*base, "provider", "list", "--format", "json"], monkeypatch, "welkom-sanne\n") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["name"] == "Werkpad" and rows[0]["tariff"] == "42.50" and rows[0]["phone_option"] is True
    assert [p["start"] for p in rows[0]["periods"]] == ["2021-01-01", "2022-01-01"]
    assert run([*base, "provider", "list"], monkeypatch, "welkom-sanne\n") == 0
    assert "€ 42,50" in capsys.readouterr().out
    assert run(["--db", db_url, "--user", "anna", "provider", "add", "Y", "--period", "2021-01-01..2021-12-31"],
               monkeypatch, "welkom-anna\n") == 3
