from __future__ import annotations

import pytest

from cati.accounts.rules.passwords import (
    MAX_VERIFY_MEMORY,
    PRODUCTION_COST,
    ScryptCost,
    cost_of,
    hash_password,
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


def test_new_hashes_use_the_production_cost() -> None:
    """n=2**17, r=8, p=1 (128 MiB): the cost every hash gets unless a test fixture asks otherwise."""
    assert PRODUCTION_COST == ScryptCost(n=2**17, r=8, p=1)
    h = hash_password("geheim-123")
    assert h.startswith("scrypt$131072$8$1$") and cost_of(h) == PRODUCTION_COST


def test_the_hash_carries_its_cost_so_any_cost_verifies() -> None:
    """A hash made cheaply (as the test fixtures do) or dearer than today (a future production cost)
    verifies with the same function, which reads the cost from the stored string."""
    for cost in (ScryptCost(n=2**4, r=8, p=1), ScryptCost(n=2**15, r=8, p=1), ScryptCost(n=2**10, r=4, p=2)):
        h = hash_password("geheim-123", cost)
        assert cost_of(h) == cost and h.startswith(f"scrypt${cost.n}${cost.r}${cost.p}$")
        assert verify_password("geheim-123", h)
        assert not verify_password("geheim-124", h)
    cheap = hash_password("geheim-123", ScryptCost(n=2**4))
    _, _, r, p, salt, digest = cheap.split("$")
    assert not verify_password("geheim-123", f"scrypt$32${r}${p}${salt}${digest}")  # the cost is part of it


def test_unusable_stored_hashes_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from cati.accounts.rules import passwords

    h = hash_password("geheim-123", ScryptCost(n=2**4))
    for bad in ("", "scrypt$", h.replace("scrypt$", "bcrypt$"), h.replace("$16$", "$15$"),
                h.replace("$16$", "$-16$"), h.rsplit("$", 1)[0] + "$"):
        assert not verify_password("geheim-123", bad), bad
    assert cost_of("bcrypt$1$2$3$4$5") is None and cost_of("garbage") is None
    with pytest.raises(ValueError, match="power of two"):
        ScryptCost(n=1000)
    # a stored cost that needs more memory than the limit is refused, not computed
    assert MAX_VERIFY_MEMORY >= 8 * PRODUCTION_COST.memory
    monkeypatch.setattr(passwords, "MAX_VERIFY_MEMORY", ScryptCost(n=2**4).memory - 1)
    assert not verify_password("geheim-123", h)


def test_password_rules() -> None:
    assert password_problem("kort") is not None
    assert password_problem("annaanna", "AnnaAnna") is not None
    assert password_problem("een-lang-wachtwoord", "anna") is None


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
