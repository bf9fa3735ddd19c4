"""Accounts, logins and role checks in the service layer, on both backends."""

from __future__ import annotations

import pytest

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
