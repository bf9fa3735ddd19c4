"""Password hashing with scrypt (memory-hard, stdlib). Only the hash string is ever stored.

The hash string carries the cost it was made with (``scrypt$N$r$p$salt$digest``), so a password
hashed at any cost verifies, and raising :data:`PRODUCTION_COST` changes only new hashes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

MIN_LENGTH = 8
#: a stored hash that would need more memory than this to check is refused, not computed
MAX_VERIFY_MEMORY = 2 * 1024 * 1024 * 1024


@dataclass(frozen=True)
class ScryptCost:
    """scrypt's cost parameters: ``n`` (a power of two) rounds over ``128 * r * n`` bytes, ``p`` lanes."""

    n: int
    r: int = 8
    p: int = 1

    def __post_init__(self) -> None:
        if self.n < 2 or self.n & (self.n - 1) or self.r < 1 or self.p < 1:
            raise ValueError(f"scrypt: n must be a power of two > 1, r and p at least 1 (got {self})")

    @property
    def memory(self) -> int:
        """Bytes scrypt needs for one hash."""
        return 128 * self.r * (self.n + self.p + 2)

    @property
    def work(self) -> int:
        """Relative cost of one hash: lower is cheaper to guess."""
        return self.n * self.r * self.p


#: The cost of every new hash, and the only place it is chosen: n=2**17, r=8 -> 128 MiB per hash (OWASP's
#: current guidance for scrypt), about a third of a second a login. Hashes made at a lower cost are made
#: again at the next successful login (``UserService.login``). The composition root passes it to the
#: user service; only the test fixtures pass anything else (docs/design.md, "Accounts and privacy").
PRODUCTION_COST = ScryptCost(n=2**17, r=8, p=1)

#: The test suite's cheaper cost: ``CATI_TEST_SCRYPT_N=16`` in the environment gives every user service
#: that is not handed a cost (the app's, the CLI's, a simulation worker's) n=16 instead of production's.
#: ``UserService`` refuses such a cost outside pytest, so setting it anywhere else stops cati, loudly.
TEST_COST_VARIABLE = "CATI_TEST_SCRYPT_N"


def configured_cost(environ: Mapping[str, str]) -> ScryptCost:
    """:data:`PRODUCTION_COST`, or the test suite's cost from :data:`TEST_COST_VARIABLE` where it is set."""
    value = environ.get(TEST_COST_VARIABLE, "").strip()
    if not value:
        return PRODUCTION_COST
    try:
        return ScryptCost(n=int(value), r=PRODUCTION_COST.r, p=PRODUCTION_COST.p)
    except ValueError:
        raise ValueError(f"{TEST_COST_VARIABLE}={value!r}: a power of two above 1 is expected") from None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _maxmem(cost: ScryptCost) -> int:
    return max(64 * 1024 * 1024, 2 * cost.memory)


def hash_password(password: str, cost: ScryptCost = PRODUCTION_COST) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=cost.n, r=cost.r, p=cost.p,
                            maxmem=_maxmem(cost))
    return f"scrypt${cost.n}${cost.r}${cost.p}${_b64(salt)}${_b64(digest)}"


def cost_of(stored: str) -> ScryptCost | None:
    """The cost a stored hash was made with, or None if it is not a scrypt hash of ours."""
    try:
        scheme, n, r, p, _salt, _digest = stored.split("$")
        return ScryptCost(int(n), int(r), int(p)) if scheme == "scrypt" else None
    except ValueError:
        return None


def verify_password(password: str, stored: str) -> bool:
    """Check a password against a stored hash, at the cost the hash names."""
    cost = cost_of(stored)
    if cost is None or cost.memory > MAX_VERIFY_MEMORY:
        return False
    try:
        _scheme, _n, _r, _p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=cost.n,
            r=cost.r,
            p=cost.p,
            maxmem=_maxmem(cost),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is not acceptable, in Dutch, or None."""
    if len(password) < MIN_LENGTH:
        return f"Het wachtwoord moet minstens {MIN_LENGTH} tekens lang zijn."
    if username and password.lower() == username.lower():
        return "Het wachtwoord mag niet gelijk zijn aan de gebruikersnaam."
    return None

