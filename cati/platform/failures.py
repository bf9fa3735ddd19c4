"""The failures a user can meet that are not cati's own checks: the database busy, unreachable or gone
away, a full disk, a file that cannot be written. Each becomes one Dutch line and an exit code
(``README.md``, "Exit codes"); the command line prints it instead of a traceback, the app shows it.

Nothing here swallows an error: :func:`classify` only names the ones it knows; anything else is a
fault in cati and is shown as one (exit code 70, with the traceback for the report).
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass

from cati.platform.keys import KeyFileError

EXIT_OK = 0
EXIT_DIFFERENCES = 1  # a check found differences (billing --check, simulate)
EXIT_USER = 2  # a problem you can fix: a refused file, a wrong argument, an unknown provider
EXIT_REFUSED = 3  # your role may not do this
EXIT_BUSY = 4  # the database stayed locked longer than cati waits (another process writes)
EXIT_DATABASE = 5  # the database cannot be reached, went away in the middle of work, or is damaged
EXIT_DISK = 6  # the disk is full, or a file or folder cannot be written or read
EXIT_INTERNAL = 70  # a fault in cati (a bug): reported with its traceback
EXIT_INTERRUPTED = 130  # Ctrl+C

_UNDONE = "De laatste handeling is niet opgeslagen (teruggedraaid)."


@dataclass(frozen=True)
class Failure:
    code: int
    message: str  # one line, Dutch


def _first_line(exc: BaseException, limit: int = 160) -> str:
    text = str(exc).strip().splitlines()
    line = text[0].strip() if text else type(exc).__name__
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _orig(exc: BaseException) -> BaseException:
    """The driver's own error under SQLAlchemy's wrapper."""
    return getattr(exc, "orig", None) or exc


def _sqlstate(exc: BaseException) -> str:
    return str(getattr(exc, "sqlstate", "") or getattr(exc, "pgcode", "") or "")


def lock_timeout(exc: BaseException) -> bool:
    """Waited for a lock and gave up: SQLite's "database is locked", PostgreSQL's lock_not_available."""
    orig = _orig(exc)
    if isinstance(orig, sqlite3.OperationalError):
        name = getattr(orig, "sqlite_errorname", "")
        return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(orig)
    return _sqlstate(orig) == "55P03"


#: PostgreSQL's SQLSTATEs of a transaction that may simply be run again
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected


def transient(exc: BaseException) -> bool:
    """Did the database end the transaction for a reason that running it again resolves (a deadlock, a
    serialization failure, SQLite's lock still held after the busy timeout)?"""
    return _sqlstate(_orig(exc)) in TRANSIENT_SQLSTATES or lock_timeout(exc)


def classify(exc: BaseException) -> Failure | None:
    """One line and an exit code for a failure a user can meet; None for anything else (a fault)."""
    if isinstance(exc, KeyFileError):  # the key file is missing, unreadable or another database's
        return Failure(EXIT_DISK, str(exc))
    orig = _orig(exc)
    if lock_timeout(exc):
        return Failure(EXIT_BUSY, "De database is bezet: een ander programma schrijft er al langer in dan cati wacht "
                                  f"(bijvoorbeeld een grote import). Probeer het over een paar minuten opnieuw. {_UNDONE}")
    if isinstance(orig, sqlite3.Error):
        return _sqlite(orig)
    if _is_postgres(orig) or getattr(exc, "connection_invalidated", False):
        return _postgres(exc, orig)
    if isinstance(orig, OSError):
        return _os(orig)
    return None


def _sqlite(orig: sqlite3.Error) -> Failure | None:
    name = str(getattr(orig, "sqlite_errorname", ""))
    if name == "SQLITE_FULL" or "disk is full" in str(orig):
        return Failure(EXIT_DISK, "De schijf met de database is vol. Maak ruimte vrij en probeer het opnieuw. "
                                  + _UNDONE)
    if name.startswith("SQLITE_READONLY"):
        return Failure(EXIT_DISK, "De database kan niet beschreven worden (alleen-lezen bestand of map, of geen "
                                  f"schrijfrechten). Vraag de beheerder. {_UNDONE}")
    if name.startswith("SQLITE_CANTOPEN"):
        return Failure(EXIT_DATABASE, "Het databasebestand kan niet geopend worden: bestaat de map en mag u erin "
                                      "schrijven? Geef het juiste bestand met --db of CATI_DATABASE_URL.")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return Failure(EXIT_DATABASE, "Het databasebestand is beschadigd of geen cati-database. Zet de laatste "
                                      "reservekopie terug of vraag de beheerder.")
    if name.startswith("SQLITE_IOERR"):
        return Failure(EXIT_DISK, f"De database kan niet lezen of schrijven ({_first_line(orig)}): de schijf is vol, "
                                  "het bestand mag niet groter worden, of de schijf geeft een fout. Maak ruimte vrij "
                                  f"of controleer de schijf, en probeer het opnieuw. {_UNDONE}")
    return None


def _is_postgres(orig: BaseException) -> bool:
    return type(orig).__module__.split(".")[0] == "psycopg"


def _postgres(exc: BaseException, orig: BaseException) -> Failure | None:
    state = _sqlstate(orig)
    detail = _first_line(orig)
    if state == "53100":
        return Failure(EXIT_DISK, f"De schijf van de PostgreSQL-server is vol. Vraag de beheerder ruimte te maken. "
                                  f"{_UNDONE}")
    if state.startswith("28"):
        return Failure(EXIT_DATABASE, f"Aanmelden bij de PostgreSQL-server is mislukt ({detail}). Controleer de "
                                      "gebruiker en het wachtwoord in de database-URL.")
    if state == "3D000":
        return Failure(EXIT_DATABASE, f"De database bestaat niet op de PostgreSQL-server ({detail}). Controleer de "
                                      "database-URL.")
    if state == "53300":
        return Failure(EXIT_DATABASE, "De PostgreSQL-server neemt geen verbindingen meer aan (te veel tegelijk). "
                                      "Probeer het over een paar minuten opnieuw.")
    gone = (state.startswith(("08", "57P")) or getattr(exc, "connection_invalidated", False)
            or type(orig).__name__ in ("OperationalError", "InterfaceError") and not state)
    if gone:
        return Failure(EXIT_DATABASE, f"De PostgreSQL-server is niet bereikbaar of de verbinding is verbroken "
                                      f"({detail}). Controleer of de server draait en het netwerk werkt, en probeer "
                                      f"het opnieuw. {_UNDONE}")
    return None


def _os(orig: OSError) -> Failure | None:
    where = f" ({orig.filename})" if orig.filename else ""
    if orig.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return Failure(EXIT_DISK, f"De schijf is vol, of het bestand mag niet groter worden{where}. Maak ruimte vrij "
                                  "en probeer het opnieuw.")
    if orig.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return Failure(EXIT_DISK, f"Geen toegang{where}: de map of het bestand mag niet beschreven worden. Kies een "
                                  "andere plaats of vraag de beheerder.")
    if orig.errno in (errno.ENOENT, errno.ENOTDIR):
        return Failure(EXIT_DISK, f"Bestand of map bestaat niet{where}.")
    if orig.errno == errno.EISDIR:
        return Failure(EXIT_DISK, f"Dat is een map, geen bestand{where}.")
    if orig.errno == errno.EIO:
        return Failure(EXIT_DISK, f"Lees- of schrijffout op de schijf{where}. Controleer de schijf.")
    return None
