"""Password hashing with scrypt (memory-hard, stdlib). Only the hash string is ever stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

# n=2**14, r=8 -> 16 MiB per hash: slow enough to hurt guessing, quick enough for a login.
N, R, P = 2**14, 8, 1
MIN_LENGTH = 8


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, maxmem=64 * 1024 * 1024)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=64 * 1024 * 1024,
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


def login_delay_seconds(failed_logins: int) -> int:
    """How long a user must wait before the next try, after this many failures in a row."""
    if failed_logins < 3:
        return 0
    return int(min(2 ** (failed_logins - 3), 300))
