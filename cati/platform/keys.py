"""The keys that make contact data erasable: outside the database, one per measurement period.

Names, phone numbers and e-mail addresses are stored sealed (AES-256-GCM, ``cryptography``) with the
key of their client's measurement period. Purging a period destroys its key: every copy of the
ciphertext (old table pages, free pages, the WAL, backups) then holds nothing anyone can read.
Numbers are looked up (the do-not-call list, duplicates) by a keyed hash, with a key of the database
that is kept in the same file.

Where the keys live: one JSON file per database, readable by its user only (0600):

- ``CATI_KEY_FILE``: this file (a call center's desks all point at the same one, e.g. on a share
  only they can read);
- else ``CATI_KEY_DIR`` (default: the user's data directory ``…/cati/keys``) + the database's id
  (``database_info.database_id``) + ``.json``.

A key file that is lost makes the contact data of every period in it unreadable, for good: cases
can no longer be dialled (their numbers read as purged), names and e-mail read as empty; answers,
outcomes and figures are not affected. Keep a copy of the key file where the database's backups are
not (``README.md``, "Privacy and roles").

Sealed text is ``s1:<key id>:<base64(nonce + ciphertext + tag)>``; the key id is random and names the
key in the file. :data:`RING` holds every key loaded in this process (several databases in one
process each add theirs), so a value can be unsealed wherever it is read.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from filelock import FileLock, Timeout
from sqlalchemy import Connection, text

ENV_FILE = "CATI_KEY_FILE"
ENV_DIR = "CATI_KEY_DIR"
PREFIX = "s1:"
HASH_PREFIX = "h:"  # a number's keyed hash: "h:" + 18 hex digits (72 bits; fits the do-not-call column)


class KeyFileError(RuntimeError):
    """A key file that is missing, cannot be read or written, or belongs to another database (the
    message is Dutch, for the user)."""


class KeyRing:
    """The period keys known in this process, by key id (with their cipher objects, made once)."""

    #: after a key was looked for in the key files and not found, how long before they are read again
    MISS_SECONDS = 5.0

    def __init__(self) -> None:
        self._ciphers: dict[str, AESGCM] = {}
        self._lock = threading.Lock()
        self._stores: list[KeyStore] = []
        self._missed: dict[str, float] = {}

    def add(self, key_id: str, key: bytes) -> None:
        with self._lock:
            self._ciphers[key_id] = AESGCM(key)
            self._missed.pop(key_id, None)

    def drop(self, key_id: str) -> None:
        with self._lock:
            self._ciphers.pop(key_id, None)

    def watch(self, store: KeyStore) -> None:
        with self._lock:
            self._stores.append(store)

    def cipher(self, key_id: str) -> AESGCM | None:
        """The cipher of a key; a key this process does not know yet (another desk's import made it)
        is looked for in the key files again, at most every ``MISS_SECONDS`` per key."""
        box = self._ciphers.get(key_id)
        if box is not None:
            return box
        now = time.monotonic()
        if now - self._missed.get(key_id, -self.MISS_SECONDS) < self.MISS_SECONDS:
            return None
        for store in list(self._stores):
            try:
                store.reload()
            except KeyFileError:
                pass
        box = self._ciphers.get(key_id)
        if box is None:
            self._missed[key_id] = now
        return box


RING = KeyRing()
#: the period key that plain contact data written now is sealed with (``sealing``)
_SEALING: ContextVar[str | None] = ContextVar("_SEALING", default=None)


class SealedText(str):
    """A value sealed by :func:`seal` (the ``Sealed`` column type stores it as it is)."""


def seal(text: str | None, key_id: str) -> str | None:
    """``text`` sealed with the period key ``key_id``. None and "" stay as they are (nothing to hide)."""
    if not text:
        return text
    box = RING.cipher(key_id)
    if box is None:
        raise KeyFileError(f"De sleutel {key_id} van deze meetperiode ontbreekt; contactgegevens kunnen niet "
                           "worden opgeslagen.")
    nonce = secrets.token_bytes(12)
    data = box.encrypt(nonce, text.encode("utf-8"), key_id.encode("ascii"))
    return SealedText(f"{PREFIX}{key_id}:{base64.b64encode(nonce + data).decode('ascii')}")


def unseal(value: str | None) -> str | None:
    """The text of a sealed value; None when its key is gone (purged or lost) or the value is damaged.
    A value that was never sealed ("" or None) comes back as it is."""
    if value is None or not value.startswith(PREFIX):
        return value
    try:
        key_id, data = value[len(PREFIX):].split(":", 1)
        raw = base64.b64decode(data, validate=True)
    except ValueError:
        return None
    box = RING.cipher(key_id)
    if box is None or len(raw) < 28:
        return None
    try:
        return box.decrypt(raw[:12], raw[12:], key_id.encode("ascii")).decode("utf-8")
    except (InvalidTag, UnicodeDecodeError):  # a damaged value, or another key under this id
        return None


def is_sealed(value: str | None) -> bool:
    """Whether a value read raw from the database (not through the ``Sealed`` type) is sealed."""
    return value is not None and value.startswith(PREFIX)


@contextmanager
def sealing(key_id: str) -> Iterator[None]:
    """Within: plain contact data written through the ORM or Core is sealed with ``key_id``."""
    token = _SEALING.set(key_id)
    try:
        yield
    finally:
        _SEALING.reset(token)


def sealing_key() -> str | None:
    return _SEALING.get()


def key_check(hash_key: bytes) -> str:
    """What the database keeps to know its key file (a hash of the hash key: reveals nothing)."""
    return hmac.new(hash_key, b"cati key file check", hashlib.sha256).hexdigest()[:32]


class KeyStore:
    """One database's key file: the number-hash key and the period keys.

    Every change re-reads the file under a lock (``<file>.lock``) and replaces it atomically, so desks
    and processes sharing one file never drop each other's keys."""

    def __init__(self, path: Path, *, create: bool, hash_key: bytes | None = None) -> None:
        """Read the key file at ``path``. ``create``: make it when it does not exist (a new database, or
        one that never had contact data), with ``hash_key`` as its number-hash key (else a random one)."""
        self.path = path
        self._lock = threading.Lock()
        if not path.exists():
            if not create:
                raise KeyFileError(
                    f"Het sleutelbestand {path} ontbreekt. Zonder dit bestand zijn de namen, telefoonnummers en "
                    "e-mailadressen in deze database niet meer te lezen en herkent de niet-bellen-lijst geen "
                    "nummer meer. Zet het terug uit de reservekopie (README, 'Privacy en rollen'). Antwoorden, "
                    "exports zonder contactgegevens en rapporten werken gewoon.")
            with self._file_lock():
                if not path.exists():
                    self._write(base64.b64encode(hash_key or secrets.token_bytes(32)).decode("ascii"), {})
        hash_b64, periods = self._read()
        self._hash_key = base64.b64decode(hash_b64)
        self._periods: dict[str, str] = {}
        self._take(periods)
        RING.watch(self)

    def _take(self, periods: dict[str, str]) -> None:
        """The period keys the file holds now: new ones into the ring, destroyed ones out of it."""
        for key_id in self._periods.keys() - periods.keys():
            RING.drop(key_id)
        for key_id in periods.keys() - self._periods.keys():
            RING.add(key_id, base64.b64decode(periods[key_id]))
        self._periods = periods

    def reload(self) -> None:
        """Read the file again (another process may have added or destroyed a period key)."""
        with self._lock:
            hash_b64, periods = self._read()
            if base64.b64decode(hash_b64) == self._hash_key:
                self._take(periods)

    @staticmethod
    def path_for(database_id: str) -> Path:
        explicit = os.environ.get(ENV_FILE)
        if explicit:
            return Path(explicit).expanduser()
        folder = os.environ.get(ENV_DIR)
        if not folder:
            import platformdirs

            folder = str(Path(platformdirs.user_data_dir("cati", "cati")) / "keys")
        return Path(folder).expanduser() / f"{database_id}.json"

    @property
    def check(self) -> str:
        return key_check(self._hash_key)

    @property
    def hash_key_hex(self) -> str:
        """The number-hash key (for a downgrade, which gives it back to the database)."""
        return self._hash_key.hex()

    def _file_lock(self) -> FileLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise KeyFileError(f"De map van het sleutelbestand {self.path} kan niet worden gemaakt ({exc}).") from None
        return FileLock(str(self.path) + ".lock", timeout=30)

    def _read(self) -> tuple[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            hash_b64, periods = data["hash_key"], data["periods"]
            if not isinstance(hash_b64, str) or not isinstance(periods, dict):
                raise ValueError("hash_key or periods missing")
            if len(base64.b64decode(hash_b64, validate=True)) != 32:
                raise ValueError("hash_key is not 32 bytes")
            return hash_b64, {str(k): str(v) for k, v in periods.items()}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise KeyFileError(f"Het sleutelbestand {self.path} is niet te lezen ({exc}).") from None

    def _write(self, hash_b64: str, periods: dict[str, str]) -> None:
        """Atomically: a new file beside the old one, flushed, then moved over it (0600)."""
        data = {"version": 1, "hash_key": hash_b64, "periods": periods}
        try:
            fd, tmp = tempfile.mkstemp(prefix=".keys-", dir=self.path.parent)
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(data, fh, indent=1, sort_keys=True)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            raise KeyFileError(f"Het sleutelbestand {self.path} kan niet worden geschreven ({exc}).") from None

    def _change(self, change: Callable[[dict[str, str]], dict[str, str]]) -> None:
        """Re-read the file under its lock, change its period keys, write it back."""
        with self._lock:
            try:
                with self._file_lock():
                    hash_b64, periods = self._read()
                    if base64.b64decode(hash_b64) != self._hash_key:
                        raise KeyFileError(f"Het sleutelbestand {self.path} is vervangen door dat van een andere "
                                           "database; er is niets veranderd.")
                    periods = change(periods)
                    self._write(hash_b64, periods)
                    self._take(periods)
            except Timeout:
                raise KeyFileError(f"Het sleutelbestand {self.path} is al 30 seconden bezet.") from None

    # -- numbers ------------------------------------------------------------------------------------
    def number_hash(self, e164: str) -> str:
        """The keyed hash a number is looked up by (``h:`` + 18 hex digits)."""
        return HASH_PREFIX + hmac.new(self._hash_key, e164.encode("ascii"), hashlib.sha256).hexdigest()[:18]

    # -- period keys --------------------------------------------------------------------------------
    def new_period_key(self) -> str:
        """A new period key, written to the file before it is used; its id."""
        key_id = secrets.token_hex(8)
        key = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        self._change(lambda periods: {**periods, key_id: key})
        return key_id

    def has(self, key_id: str) -> bool:
        """Whether the file holds this period key (read again when this process does not know it)."""
        if key_id not in self._periods:
            self.reload()
        return key_id in self._periods

    def destroy(self, key_id: str) -> bool:
        """Remove a period key from the file (and this process): what it sealed is unreadable for good."""
        found = self.has(key_id)
        self._change(lambda periods: {k: v for k, v in periods.items() if k != key_id})
        RING.drop(key_id)
        return found


# -- the database's side: its id (naming the key file) and a check that the file is its own ------------
INFO_ID = "database_id"
INFO_CHECK = "key_check"
LEGACY_SECRET = "dnc_secret"  # before revision 0011 the do-not-call hashes' key lived in the database


def _info(conn: Connection) -> dict[str, str]:
    rows = conn.execute(text("SELECT key, value FROM database_info WHERE key IN (:a, :b, :c)"),
                        {"a": INFO_ID, "b": INFO_CHECK, "c": LEGACY_SECRET})
    return {str(k): str(v) for k, v in rows}


def _put_info(conn: Connection, key: str, value: str) -> None:
    conn.execute(text("INSERT INTO database_info (key, value) VALUES (:k, :v) ON CONFLICT (key) DO NOTHING"),
                 {"k": key, "v": value})


def key_file_path(conn: Connection) -> Path:
    """Where the key file of the database ``conn`` is connected to belongs (its id made if it has none)."""
    info = _info(conn)
    if INFO_ID not in info:
        _put_info(conn, INFO_ID, secrets.token_hex(16))
        info = _info(conn)
    return KeyStore.path_for(info[INFO_ID])


def store_for(conn: Connection) -> KeyStore:
    """The key file of the database ``conn`` is connected to, made when the database has none yet.

    A database that had a key file and has lost it gets an error, never a new file: a new number-hash
    key would silently empty the do-not-call list. The database keeps a check of its key file
    (``database_info.key_check``), so another database's file is refused too. The do-not-call hashes
    of older versions (key ``database_info.dnc_secret``) keep working: that key becomes the file's
    number-hash key and leaves the database."""
    path = key_file_path(conn)
    info = _info(conn)
    legacy = bytes.fromhex(info[LEGACY_SECRET]) if LEGACY_SECRET in info else None
    store = KeyStore(path, create=INFO_CHECK not in info, hash_key=legacy)
    if INFO_CHECK not in info:
        if legacy is not None and store.check != key_check(legacy):
            raise KeyFileError(f"Het sleutelbestand {store.path} hoort niet bij deze database (het bestond al, "
                               "met een andere sleutel voor de niet-bellen-lijst).")
        _put_info(conn, INFO_CHECK, store.check)
        conn.execute(text("DELETE FROM database_info WHERE key = :k"), {"k": LEGACY_SECRET})
    elif info[INFO_CHECK] != store.check:
        raise KeyFileError(f"Het sleutelbestand {store.path} hoort bij een andere database; de contactgegevens "
                           "van deze database zijn er niet mee te lezen. Zet het goede bestand terug (README, "
                           "'Privacy en rollen').")
    return store
