"""Accounts: adding users, logging in (password or token), disabling, roles."""

from __future__ import annotations

import functools
import getpass
import hashlib
import os
import secrets
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, func, select, text
from sqlalchemy.orm import Session

from cati.accounts.rules.passwords import (
    PRODUCTION_COST,
    TEST_COST_VARIABLE,
    ScryptCost,
    configured_cost,
    cost_of,
    hash_password,
    password_problem,
    verify_password,
)
from cati.accounts.rules.roles import Actor, Permission, Role, require
from cati.accounts.rules.throttle import (
    FORGET_AFTER,
    MESSAGE_WAIT,
    Counter,
    name_key,
    source_key,
    wait_seconds,
)
from cati.accounts.service.audit import record
from cati.core.languages import SOURCE, parse_languages
from cati.platform.context import ServiceContext
from cati.platform.models import ApiToken, LoginThrottle, User, UserLanguage, UserRole
from cati.platform.types import UTCDateTime

#: How long a login waits for another process's write (SQLite: a long import holds the database's write
#: lock while it saves): the login's audit row is written in a transaction that waits, so a read-only
#: command is never refused because logging in writes. Longer than this ends in "database bezet".
LOGIN_WAIT_SECONDS = 120

_PYTEST = "PYTEST_CURRENT_TEST"  # set by pytest while a test runs


class LoginFailed(Exception):
    """Wrong name or password, a disabled account, or too many tries: one message for all."""

    def __init__(self, message: str, wait_seconds: int = 0) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds


class UserError(ValueError):
    pass


GENERIC_FAILURE = "Onbekende gebruikersnaam of onjuist wachtwoord."


@dataclass(frozen=True)
class Lockout:
    """A name (at a source) or a source that must wait before its next login."""

    kind: str  # "name" | "source"
    name: str  # the name typed ("" for a source)
    source: str
    failures: int
    until: datetime

    @classmethod
    def of(cls, key: str, failures: int, until: datetime) -> Lockout:
        kind, _, rest = key.partition(":")
        if kind == "name":
            name, _, source = rest.partition("@")
            return cls("name", name, source, failures, until)
        return cls("source", "", rest, failures, until)


@functools.cache
def this_source() -> str:
    """Where logins of this process come from: the operating-system user and the machine."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError, ImportError):  # no user name in the environment or the password database
        who = "?"
    return f"{who}@{socket.gethostname()}"


def _counters(s: Session, keys: list[str]) -> list[Counter]:
    rows = s.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)).execution_options(
        populate_existing=True))
    return [Counter(r.key, r.failures, r.last_failed_at) for r in rows]


_COUNT_FAILURE = text(
    "INSERT INTO login_throttle (key, failures, last_failed_at) VALUES (:key, 1, :now) "
    "ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN login_throttle.last_failed_at IS NULL "
    "OR login_throttle.last_failed_at <= :forget THEN 1 ELSE login_throttle.failures + 1 END, "
    "last_failed_at = :now"
).bindparams(bindparam("now", type_=UTCDateTime()), bindparam("forget", type_=UTCDateTime()))


def _count_failure(s: Session, key: str, now: datetime) -> None:
    """One more failure on a counter (one statement: two desks failing at once both count)."""
    s.execute(_COUNT_FAILURE, {"key": key, "now": now, "forget": now - FORGET_AFTER})


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    display_name: str
    roles: tuple[Role, ...]
    disabled: bool
    failed_logins: int
    last_login_at: datetime | None
    languages: tuple[str, ...] = ()  # spoken besides Dutch (ISO 639-1)


def _actor(user: User) -> Actor:
    return Actor(user.id, user.username, frozenset(Role(r.role) for r in user.roles),
                 frozenset(lang.language for lang in user.languages))


def _row(u: User) -> UserRow:
    roles = tuple(sorted((Role(r.role) for r in u.roles), key=list(Role).index))
    return UserRow(u.id, u.username, u.display_name, roles, u.disabled, u.failed_logins, u.last_login_at,
                   tuple(sorted(lang.language for lang in u.languages)))


class UserService:
    def __init__(self, ctx: ServiceContext, password_cost: ScryptCost | None = None) -> None:
        """``password_cost``: the scrypt cost of new hashes; by default production's, or the test suite's
        (``CATI_TEST_SCRYPT_N``, :func:`configured_cost`). A cost below production's is refused outside
        pytest, so no code path and no stray environment variable can weaken production hashes."""
        if password_cost is None:
            password_cost = configured_cost(os.environ)
        if password_cost.work < PRODUCTION_COST.work and _PYTEST not in os.environ:
            raise ValueError(f"scrypt {password_cost} is weaker than production: for the test suite only"
                             + (f" (remove {TEST_COST_VARIABLE} from the environment)"
                                if TEST_COST_VARIABLE in os.environ else ""))
        self.ctx = ctx
        self.password_cost = password_cost

    def _hash(self, password: str) -> str:
        return hash_password(password, self.password_cost)

    # -- accounts --------------------------------------------------------------------------
    def has_users(self) -> bool:
        with self.ctx.db.unit_of_work() as s:
            return bool(s.scalar(select(func.count()).select_from(User)))

    def add_user(
        self,
        actor: Actor | None,
        username: str,
        password: str,
        roles: set[Role] | frozenset[Role],
        display_name: str = "",
    ) -> UserRow:
        """Add a user. Without any user yet, the first one may be added without a login (bootstrap)."""
        username = username.strip()
        if not username or len(username) > 64 or any(c.isspace() for c in username):
            raise UserError("Een gebruikersnaam is 1 tot 64 tekens zonder spaties.")
        if not roles:
            raise UserError("Geef de gebruiker minstens één rol.")
        problem = password_problem(password, username)
        if problem:
            raise UserError(problem)
        with self.ctx.db.unit_of_work() as s:
            bootstrap = not s.scalar(select(func.count()).select_from(User))
            if not bootstrap:
                require(actor, Permission.MANAGE_USERS)
            elif Role.ADMIN not in roles:
                raise UserError("De eerste gebruiker moet de rol admin hebben.")
            if s.scalar(select(User).where(User.username == username)):
                raise UserError(f"Gebruiker {username} bestaat al.")
            user = User(username=username, display_name=display_name or username,
                        password_hash=self._hash(password))
            user.roles = [UserRole(role=r.value) for r in sorted(roles)]
            s.add(user)
            s.flush()
            record(
                s, actor, "user_add", at=self.ctx.now(), object_type="user", object_id=user.id,
                username=username, roles=sorted(r.value for r in roles), bootstrap=bootstrap,
            )
            return _row(user)

    def list_users(self, actor: Actor | None) -> list[UserRow]:
        require(actor, Permission.MANAGE_USERS)
        with self.ctx.db.unit_of_work() as s:
            return [_row(u) for u in s.scalars(select(User).order_by(User.username))]

    def _get(self, s: Session, username: str) -> User:
        user = s.scalar(select(User).where(User.username == username))
        if user is None:
            raise UserError(f"Gebruiker {username} bestaat niet.")
        return user

    def set_disabled(self, actor: Actor | None, username: str, disabled: bool) -> None:
        require(actor, Permission.MANAGE_USERS)
        with self.ctx.db.unit_of_work() as s:
            user = self._get(s, username)
            if actor is not None and user.id == actor.user_id and disabled:
                raise UserError("U kunt uw eigen account niet uitschakelen.")
            user.disabled = disabled
            record(s, actor, "user_disable" if disabled else "user_enable", at=self.ctx.now(),
                   object_type="user", object_id=user.id)

    def set_roles(self, actor: Actor | None, username: str, roles: set[Role]) -> None:
        require(actor, Permission.MANAGE_USERS)
        if not roles:
            raise UserError("Geef de gebruiker minstens één rol.")
        with self.ctx.db.unit_of_work() as s:
            user = self._get(s, username)
            user.roles = [UserRole(role=r.value) for r in sorted(roles)]
            record(s, actor, "user_roles", at=self.ctx.now(), object_type="user", object_id=user.id,
                   roles=sorted(r.value for r in roles))

    def set_languages(self, actor: Actor | None, username: str, languages: str | Iterable[str]) -> tuple[str, ...]:
        """The languages ``username`` speaks besides Dutch (codes or names: ``"ar,en"``, ``["Arabisch"]``;
        empty: Dutch only). Cases that need a language are offered to its speakers; a change counts
        from the interviewer's next login. Returns the codes stored."""
        require(actor, Permission.MANAGE_USERS)
        try:
            codes = tuple(c for c in parse_languages(languages) if c != SOURCE)
        except ValueError as e:
            raise UserError(str(e)[:1].upper() + str(e)[1:] + ".") from None
        with self.ctx.db.unit_of_work() as s:
            user = self._get(s, username)
            kept = [lang for lang in user.languages if lang.language in codes]
            user.languages = kept + [UserLanguage(language=c) for c in codes if c not in {k.language for k in kept}]
            record(s, actor, "user_languages", at=self.ctx.now(), object_type="user", object_id=user.id,
                   languages=list(codes))
        return codes

    def set_password(self, actor: Actor | None, username: str, password: str) -> None:
        """Admins may set anyone's password; every user may set their own."""
        if actor is None or actor.username != username:
            require(actor, Permission.MANAGE_USERS)
        problem = password_problem(password, username)
        if problem:
            raise UserError(problem)
        with self.ctx.db.unit_of_work() as s:
            user = self._get(s, username)
            user.password_hash = self._hash(password)
            user.failed_logins = 0
            record(s, actor, "user_password", at=self.ctx.now(), object_type="user", object_id=user.id)

    # -- logging in -----------------------------------------------------------------------
    def login(self, username: str, password: str, source: str | None = None) -> Actor:
        """Log in with a password. ``source``: where the login comes from (default: this machine and
        operating-system user); failures are throttled by the name typed at it and by it alike
        (``accounts.rules.throttle``)."""
        result = self._check_login(username, password, source)
        if isinstance(result, LoginFailed):
            raise result  # raised after the commit, so the failure count and audit event persist
        return result

    def _check_login(self, username: str, password: str, source: str | None = None) -> Actor | LoginFailed:
        now = self.ctx.now()
        source = source or this_source()
        keys = [name_key(username, source), source_key(source)]
        # immediate: read-then-write; on SQLite another desk's write in between would fail the upgrade
        with self.ctx.db.unit_of_work(immediate=True, wait_seconds=LOGIN_WAIT_SECONDS) as s:
            user = s.scalar(select(User).where(User.username == username.strip()))
            wait = wait_seconds(_counters(s, keys), now)
            if wait:  # the same for every name, real or not
                record(s, None, "login_throttled", at=now, object_type="user", object_id=user.id if user else "",
                       source=source)
                return LoginFailed(MESSAGE_WAIT.format(seconds=wait), wait)
            if user is None or not verify_password(password, user.password_hash):
                if user is None:
                    verify_password(password, _dummy_hash(self.password_cost))  # same cost as a real check
                    record(s, None, "login_failed", at=now, object_type="user", reason="unknown_user", source=source)
                else:
                    user.failed_logins += 1
                    user.last_failed_at = now
                    record(s, None, "login_failed", at=now, object_type="user", object_id=user.id,
                           failed_logins=user.failed_logins, source=source)
                for key in keys:
                    _count_failure(s, key, now)
                return LoginFailed(GENERIC_FAILURE, wait_seconds(_counters(s, keys), now))
            if user.disabled:
                record(s, None, "login_disabled", at=now, object_type="user", object_id=user.id)
                return LoginFailed("Dit account is uitgeschakeld. Vraag de beheerder.")
            s.execute(delete(LoginThrottle).where(LoginThrottle.key == keys[0]))  # not the source's count
            user.failed_logins = 0
            user.last_login_at = now
            stored = cost_of(user.password_hash)
            rehashed = stored is None or stored.work < self.password_cost.work
            if rehashed:  # a hash from before the cost went up: made again now that the password is known
                user.password_hash = self._hash(password)
            actor = _actor(user)
            record(s, actor, "login", at=now, object_type="user", object_id=user.id,
                   **({"rehashed": True} if rehashed else {}))
            return actor

    # -- lock-outs ------------------------------------------------------------------------
    def lockouts(self, actor: Actor | None) -> list[Lockout]:
        """Names and sources that must wait now before their next login (admin)."""
        require(actor, Permission.MANAGE_USERS)
        now = self.ctx.now()
        with self.ctx.db.unit_of_work() as s:
            rows = s.scalars(select(LoginThrottle).order_by(LoginThrottle.key)).all()
            out = []
            for row in rows:
                counter = Counter(row.key, row.failures, row.last_failed_at)
                until = counter.blocked_until(now)
                if until is not None:
                    out.append(Lockout.of(row.key, counter.current(now), until))
            return out

    def clear_lockout(self, actor: Actor | None, *, name: str | None = None, source: str | None = None) -> int:
        """Let a name log in again at every source (``name``), or a source again (``source``); audited.
        How many counters were cleared."""
        require(actor, Permission.MANAGE_USERS)
        if (name is None) == (source is None):
            raise UserError("Geef een gebruikersnaam of een bron.")
        with self.ctx.db.unit_of_work() as s:
            if name is not None:
                prefix = name_key(name, "")
                stmt = delete(LoginThrottle).where(LoginThrottle.key.startswith(prefix, autoescape=True))
            else:
                stmt = delete(LoginThrottle).where(LoginThrottle.key == source_key(source or ""))
            cleared = int(getattr(s.execute(stmt), "rowcount", 0) or 0)
            record(s, actor, "lockout_cleared", at=self.ctx.now(), object_type="login",
                   object_id=name if name is not None else f"source:{source}", counters=cleared)
            return cleared

    def create_token(self, actor: Actor | None, username: str, label: str = "") -> str:
        """A token for a scheduled job acting as ``username``. Shown once; only its hash is kept."""
        require(actor, Permission.MANAGE_USERS)
        token = secrets.token_urlsafe(32)
        with self.ctx.db.unit_of_work() as s:
            user = self._get(s, username)
            s.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), label=label))
            record(s, actor, "token_create", at=self.ctx.now(), object_type="user", object_id=user.id, label=label)
        return token

    def login_token(self, token: str) -> Actor:
        now = self.ctx.now()
        with self.ctx.db.unit_of_work(immediate=True, wait_seconds=LOGIN_WAIT_SECONDS) as s:
            row = s.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token.strip())))
            user = s.get(User, row.user_id) if row and row.revoked_at is None else None
            if user is None or user.disabled:
                record(s, None, "login_failed", at=now, object_type="token")
                failed = True
            else:
                actor = _actor(user)
                record(s, actor, "login", at=now, object_type="user", object_id=user.id, via="token")
                failed = False
        if failed:
            raise LoginFailed("Ongeldig of ingetrokken token.")
        return actor


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@functools.cache
def _dummy_hash(cost: ScryptCost) -> str:
    return hash_password(secrets.token_hex(8), cost)
