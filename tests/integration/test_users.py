"""Accounts, logins and role checks in the service layer, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cati.accounts.rules.passwords import PRODUCTION_COST, TEST_COST_VARIABLE, ScryptCost, cost_of
from cati.accounts.rules.roles import Permission, PermissionDenied, Role
from cati.accounts.service.users import LoginFailed, UserError


def _admin(services):  # type: ignore[no-untyped-def]
    services.users.add_user(None, "admin", "admin-wachtwoord", {Role.ADMIN})
    return services.users.login("admin", "admin-wachtwoord")


def test_first_user_must_be_admin_and_later_ones_need_an_admin(services) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UserError, match="admin"):
        services.users.add_user(None, "anna", "wachtwoord-anna", {Role.INTERVIEWER})
    admin = _admin(services)
    with pytest.raises(PermissionDenied):
        services.users.add_user(None, "anna", "wachtwoord-anna", {Role.INTERVIEWER})
    services.users.add_user(admin, "anna", "wachtwoord-anna", {Role.INTERVIEWER})
    anna = services.users.login("anna", "wachtwoord-anna")
    assert anna.roles == frozenset({Role.INTERVIEWER})
    with pytest.raises(PermissionDenied):  # an interviewer cannot add users, even bypassing the GUI
        services.users.add_user(anna, "bram", "wachtwoord-bram", {Role.ADMIN})
    with pytest.raises(PermissionDenied):
        services.users.list_users(anna)
    with pytest.raises(PermissionDenied):
        services.audit.events(anna)


def test_password_never_stored_in_clear(services) -> None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    _admin(services)
    with services.db.engine.connect() as conn:
        for table in ("app_user", "audit_event"):
            for row in conn.execute(sa.text(f"SELECT * FROM {table}")):
                assert "admin-wachtwoord" not in " ".join(str(v) for v in row)


def test_failed_logins_are_counted_and_slowed_down(services, clock) -> None:  # type: ignore[no-untyped-def]
    _admin(services)
    for _ in range(3):
        with pytest.raises(LoginFailed, match="onjuist"):
            services.users.login("admin", "fout")
    with pytest.raises(LoginFailed, match="Probeer het over 1 seconden") as e:
        services.users.login("admin", "admin-wachtwoord")  # even the right password must wait
    assert e.value.wait_seconds == 1
    clock.advance(seconds=2)
    with pytest.raises(LoginFailed):
        services.users.login("admin", "fout")  # 4th failure: now 2 s
    clock.advance(seconds=1)
    with pytest.raises(LoginFailed, match="Te veel"):
        services.users.login("admin", "admin-wachtwoord")
    clock.advance(seconds=2)
    actor = services.users.login("admin", "admin-wachtwoord")
    rows = services.users.list_users(actor)
    assert rows[0].failed_logins == 0
    failed = services.audit.events(actor, action="login_failed")
    assert len(failed) == 4


def test_disabled_user_cannot_log_in(services) -> None:  # type: ignore[no-untyped-def]
    admin = _admin(services)
    services.users.add_user(admin, "bram", "wachtwoord-bram", {Role.INTERVIEWER, Role.FINANCE})
    services.users.set_disabled(admin, "bram", True)
    with pytest.raises(LoginFailed, match="uitgeschakeld"):
        services.users.login("bram", "wachtwoord-bram")
    services.users.set_disabled(admin, "bram", False)
    bram = services.users.login("bram", "wachtwoord-bram")
    assert bram.may(Permission.BILLING) and bram.may(Permission.WORK_CASES)
    with pytest.raises(UserError):
        services.users.set_disabled(admin, "admin", True)


def test_token_login_for_scheduled_jobs(services) -> None:  # type: ignore[no-untyped-def]
    admin = _admin(services)
    services.users.add_user(admin, "nachtjob", "wachtwoord-job", {Role.FINANCE})
    token = services.users.create_token(admin, "nachtjob", "billing")
    actor = services.users.login_token(token)
    assert actor.username == "nachtjob"
    with pytest.raises(LoginFailed):
        services.users.login_token(token + "x")


def _stored_cost(services, username: str) -> ScryptCost | None:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from cati.platform.models import User

    with services.db.engine.connect() as conn:
        return cost_of(conn.execute(sa.select(User.password_hash).where(User.username == username)).scalar_one())


def test_the_apps_composition_hashes_at_production_cost_and_verifies_cheap_hashes(  # type: ignore[no-untyped-def]
    services, monkeypatch
) -> None:
    """The fixtures make users with cheap scrypt; the app's own composition (the CLI here, as users run it,
    without the test suite's variable) hashes at the production cost, and either side logs in with the
    other's hashes: each names its cost."""
    import io

    from cati.cli import main
    from cati.container import build_services
    from tests.conftest import FIXTURE_PASSWORD_COST

    assert FIXTURE_PASSWORD_COST.work < PRODUCTION_COST.work
    _admin(services)
    assert _stored_cost(services, "admin") == FIXTURE_PASSWORD_COST
    monkeypatch.delenv(TEST_COST_VARIABLE)  # as cati runs outside the suite
    # the CLI logs the admin in (a cheap hash) and adds anna (a production hash)
    monkeypatch.setattr("sys.stdin", io.StringIO("admin-wachtwoord\nwachtwoord-anna\n"))
    assert main(["--db", services.db.url, "--user", "admin", "--password-stdin", "user", "add", "anna",
                 "--role", "interviewer"]) == 0
    assert _stored_cost(services, "anna") == PRODUCTION_COST
    app = build_services(services.db.url)
    try:
        assert app.users.password_cost == PRODUCTION_COST
        admin = app.users.login("admin", "admin-wachtwoord")
        app.users.set_password(admin, "admin", "nieuw-wachtwoord")
        assert _stored_cost(services, "admin") == PRODUCTION_COST
    finally:
        app.db.dispose()
    assert services.users.login("anna", "wachtwoord-anna").username == "anna"
    assert services.users.login("admin", "nieuw-wachtwoord").username == "admin"
    with pytest.raises(LoginFailed):
        services.users.login("anna", "wachtwoord-bram")


def test_a_cost_below_production_is_refused_outside_the_test_suite(  # type: ignore[no-untyped-def]
    services, monkeypatch
) -> None:
    from cati.accounts.service.users import UserService
    from tests.conftest import FIXTURE_PASSWORD_COST

    assert UserService(services.ctx).password_cost == FIXTURE_PASSWORD_COST  # the suite's, from the environment
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    with pytest.raises(ValueError, match="weaker than production"):
        UserService(services.ctx, FIXTURE_PASSWORD_COST)
    # the suite's variable left in an environment outside pytest stops cati, and says which it is
    with pytest.raises(ValueError, match=f"weaker than production.*remove {TEST_COST_VARIABLE}"):
        UserService(services.ctx)
    monkeypatch.setenv(TEST_COST_VARIABLE, "twelve")
    with pytest.raises(ValueError, match="a power of two"):
        UserService(services.ctx)
    monkeypatch.delenv(TEST_COST_VARIABLE)
    assert UserService(services.ctx).password_cost == PRODUCTION_COST
    assert UserService(services.ctx, ScryptCost(n=2**18)).password_cost.n == 2**18  # dearer is fine


def test_unknown_names_are_throttled_like_real_ones_with_the_same_words(services, clock) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: the throttle does not tell which names exist."""
    _admin(services)
    seen = {}
    for name in ("admin", "niemand"):
        messages = []
        for _ in range(4):
            with pytest.raises(LoginFailed) as e:
                services.users.login(name, "fout", source="bureau-3")
            messages.append((str(e.value), e.value.wait_seconds))
        seen[name] = messages
        clock.advance(hours=25)  # forgotten: the next name starts from nothing
    assert seen["admin"] == seen["niemand"]
    assert [m for m, _ in seen["admin"][:3]] == ["Onbekende gebruikersnaam of onjuist wachtwoord."] * 3
    assert seen["admin"][3][0].startswith("Te veel mislukte pogingen") and seen["admin"][3][1] == 1


def test_a_name_is_throttled_where_it_is_tried_and_a_source_for_every_name(services, clock) -> None:  # type: ignore[no-untyped-def]
    """Someone at another desk cannot lock anna out by typing her name; one desk guessing many names
    is slowed down for every name it tries."""
    admin = _admin(services)
    services.users.add_user(admin, "anna", "anna-wachtwoord", {Role.INTERVIEWER})
    for _ in range(3):
        with pytest.raises(LoginFailed, match="onjuist"):
            services.users.login("anna", "fout", source="gang")
    with pytest.raises(LoginFailed, match="Te veel"):
        services.users.login("anna", "anna-wachtwoord", source="gang")
    assert services.users.login("anna", "anna-wachtwoord", source="bureau-1").username == "anna"
    for i in range(10):  # ten names from one source
        with pytest.raises(LoginFailed, match="onjuist"):
            services.users.login(f"gok{i}", "fout", source="kelder")
    with pytest.raises(LoginFailed, match="Te veel"):
        services.users.login("anna", "anna-wachtwoord", source="kelder")
    assert services.users.login("anna", "anna-wachtwoord", source="bureau-1").username == "anna"


def test_an_admin_sees_and_clears_lockouts(services, clock) -> None:  # type: ignore[no-untyped-def]
    import io

    from cati.cli import main

    clock.now = datetime.now(UTC)  # the command line below runs on the real clock
    admin = _admin(services)
    services.users.add_user(admin, "anna", "anna-wachtwoord", {Role.INTERVIEWER})
    anna = services.users.login("anna", "anna-wachtwoord", source="bureau-1")
    with pytest.raises(PermissionDenied):
        services.users.lockouts(anna)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            services.users.login("anna", "fout", source="bureau-1")
    [lock] = services.users.lockouts(admin)
    assert (lock.kind, lock.name, lock.source, lock.failures) == ("name", "anna", "bureau-1", 3)  # the 4th waited
    assert lock.until == clock.now + timedelta(seconds=1)
    with pytest.raises(PermissionDenied):
        services.users.clear_lockout(anna, name="anna")
    assert services.users.clear_lockout(admin, name="Anna") == 1
    assert services.users.lockouts(admin) == []
    assert services.users.login("anna", "anna-wachtwoord", source="bureau-1").username == "anna"
    assert [e.object_id for e in services.audit.events(admin, action="lockout_cleared")] == ["Anna"]
    for i in range(11):
        with pytest.raises(LoginFailed):
            services.users.login(f"gok{i}", "fout", source="kelder")
    assert [(x.kind, x.source) for x in services.users.lockouts(admin)] == [("source", "kelder")]
    # the command line runs on the real clock, some seconds later: a lock-out that lasts five minutes
    from cati.accounts.rules.throttle import source_key
    from cati.platform.models import LoginThrottle

    with services.db.unit_of_work() as s:
        s.get(LoginThrottle, source_key("kelder")).failures = 30
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO("admin-wachtwoord\n"))
        mp.setattr("sys.stdout", out)
        assert main(["--db", services.db.url, "--user", "admin", "--password-stdin", "user", "lockouts"]) == 0
    assert "kelder" in out.getvalue()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("sys.stdin", io.StringIO("admin-wachtwoord\n"))
        assert main(["--db", services.db.url, "--user", "admin", "--password-stdin", "user", "unlock",
                     "--source", "kelder"]) == 0
    assert services.users.lockouts(admin) == []


def test_a_hash_of_a_lower_cost_is_made_again_at_the_next_login(services) -> None:  # type: ignore[no-untyped-def]
    from cati.accounts.service.users import UserService
    from tests.conftest import FIXTURE_PASSWORD_COST

    _admin(services)
    assert _stored_cost(services, "admin") == FIXTURE_PASSWORD_COST
    dearer = ScryptCost(n=FIXTURE_PASSWORD_COST.n * 4, r=FIXTURE_PASSWORD_COST.r, p=FIXTURE_PASSWORD_COST.p)
    users = UserService(services.ctx, dearer)
    with pytest.raises(LoginFailed):
        users.login("admin", "fout")
    assert _stored_cost(services, "admin") == FIXTURE_PASSWORD_COST  # a wrong password changes nothing
    actor = users.login("admin", "admin-wachtwoord")
    assert _stored_cost(services, "admin") == dearer
    assert any(e.detail.get("rehashed") for e in services.audit.events(actor, action="login"))
    users.login("admin", "admin-wachtwoord")
    assert _stored_cost(services, "admin") == dearer
