from __future__ import annotations

import pytest

from cati.accounts.rules.passwords import (
    hash_password,
    login_delay_seconds,
    password_problem,
    verify_password,
)
from cati.accounts.rules.roles import GRANTS, Actor, Permission, PermissionDenied, Role, parse_role, require


def test_hash_is_salted_scrypt_and_verifies() -> None:
    h1, h2 = hash_password("geheim-123"), hash_password("geheim-123")
    assert h1.startswith("scrypt$") and h1 != h2
    assert "geheim-123" not in h1
    assert verify_password("geheim-123", h1)
    assert not verify_password("geheim-124", h1)
    assert not verify_password("geheim-123", "garbage")


def test_password_rules() -> None:
    assert password_problem("kort") is not None
    assert password_problem("annaanna", "AnnaAnna") is not None
    assert password_problem("een-lang-wachtwoord", "anna") is None


def test_login_delay_grows_and_is_capped() -> None:
    assert [login_delay_seconds(n) for n in range(6)] == [0, 0, 0, 1, 2, 4]
    assert login_delay_seconds(50) == 300


def test_roles_grant_what_the_issue_asks() -> None:
    interviewer = Actor(1, "i", frozenset({Role.INTERVIEWER}))
    assert interviewer.may(Permission.WORK_CASES)
    for p in (Permission.EXPORT_ANSWERS, Permission.BILLING, Permission.IMPORT_CLIENTS, Permission.MANAGE_USERS):
        assert not interviewer.may(p)
        with pytest.raises(PermissionDenied):
            require(interviewer, p)
    assert Permission.EXPORT_CONTACT in GRANTS[Role.SUPERVISOR]
    assert Permission.EXPORT_CONTACT not in GRANTS[Role.FINANCE]
    assert Permission.CLOSE_STATEMENT in GRANTS[Role.FINANCE]
    both = Actor(2, "b", frozenset({Role.INTERVIEWER, Role.FINANCE}))
    assert both.may(Permission.BILLING) and both.may(Permission.WORK_CASES)
    with pytest.raises(PermissionDenied):
        require(None, Permission.WORK_CASES)


def test_parse_role() -> None:
    assert parse_role(" Admin ") is Role.ADMIN
    with pytest.raises(ValueError, match="roles are"):
        parse_role("boss")
