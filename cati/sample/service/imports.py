"""Client-file imports and the do-not-call list (issue 4).

An import is one transaction. The file is read and validated first (``cati.sample.io.client_file``), outside
any write lock; then one unit of work re-checks duplicates against what the period holds *now*, stores
the batch, the clients, their phone numbers and their call cases, and the audit event. A file that
cannot be read (``ClientFileError``), a cancel (``ImportCancelled``) or any error leaves the database
as it was.

Choices where the issue was silent:

- Accepted = new clients stored. Every stored client is in exactly one of: a purchased case, an
  inburgering case, "do-not-call" (would be phoned, but every usable number is on the do-not-call list:
  stored, no case) or mail/post (stored, no case).
- Numbers on the do-not-call list are stored for an honest history, with ``status="do_not_call"`` and
  ``final_outcome="DO_NOT_CALL"``, *after* the client's dialable numbers; so ``current_phone_position=0``
  of a new case is always a dialable number.
- Loading a do-not-call list marks matching active numbers of already-imported clients ``do_not_call``;
  an open case (status new/active) of a client with no active number left becomes final with outcome
  ``DO_NOT_CALL``. Final cases are left as they are.
- Re-importing the same file adds nothing (every row is a duplicate of the earlier import); a batch row
  is still stored, and the summary says when the same file (sha256) went in before.
- Rows rejected and duplicates go to ``<name>_afgewezen.csv`` next to the file (or the path given);
  if it cannot be written the import still stands and the summary says why.
- Every data line is accounted for (``Accounting``: to be phoned, mail/post, rejected, duplicate) and
  the sum is checked inside the unit of work, after the inserts and against the rows the database now
  holds for the batch, before the commit: a difference stores nothing.
- Two imports into the same period at once: the second waits for the first (PostgreSQL: a
  transaction-scoped advisory lock per period; SQLite: its write lock, taken at BEGIN) and then finds
  the first one's clients as duplicates. Waiting longer than ``IMPORT_WAIT_SECONDS`` ends in
  ``ImportBusy`` ("er loopt al een import …"), nothing stored.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.core.languages import needed
from cati.platform import do_not_call as dnc_list
from cati.platform.contact import contact_sealer
from cati.platform.context import ServiceContext
from cati.platform.models import CallCase, Client, ImportBatch, MeasurementPeriod, PhoneNumber, Provider
from cati.sample.io.client_file import ClientFileError, ImportResult, import_client_file
from cati.sample.io.dnc_file import read_do_not_call
from cati.sample.io.rejects_file import rejects_path
from cati.sample.io.rejects_file import write_rejects as write_rejects_file
from cati.sample.rules.accounting import Accounting, AccountingError
from cati.sample.rules.client_rows import MeasurementPeriod as PeriodRange
from cati.sample.rules.duplicates import find_duplicates
from cati.sample.rules.phones import NUMBER_DO_NOT_CALL
from cati.sample.store import clients_repo as repo

__all__ = ["AccountingError", "ClientFileError", "DncSummary", "ImportBusy", "ImportCancelled", "ImportFailed",
           "ImportService", "ImportSummary"]

#: how long an import waits for another import into the same period (and, on SQLite, for any other
#: write) before it gives up, nothing stored
IMPORT_WAIT_SECONDS = 120

QUEUE_KEYS: tuple[str, ...] = ("purchased", "inburgering", "mail_post")


class ImportFailed(ValueError):
    """The import cannot start (unknown provider or period); the message is Dutch."""


class ImportBusy(Exception):
    """Another import into the same period (or, on SQLite, another write) held the lock longer than
    the import waits; nothing was stored. The message is Dutch."""


class ImportCancelled(Exception):
    """The user cancelled; nothing was stored."""

    def __init__(self) -> None:
        super().__init__("Import geannuleerd; er is niets veranderd.")


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


# progress(stage, done, total): stage "read" (rows validated) or "save" (clients stored)
ImportProgress = Callable[[str, int, int], object]


@dataclass(frozen=True)
class QueueCounts:
    accepted: int = 0  # new clients stored
    queued: int = 0  # of those, with a call case
    do_not_call: int = 0  # would be phoned, but every number is on the do-not-call list
    duplicates: int = 0
    warnings: int = 0


@dataclass(frozen=True)
class RejectedRow:
    line: int
    client_number: str
    reasons: tuple[str, ...]
    duplicate: bool = False

    @property
    def text(self) -> str:
        return ("dubbel: " if self.duplicate else "") + "; ".join(self.reasons)


@dataclass(frozen=True)
class WarningRow:
    line: int
    message: str


@dataclass(frozen=True)
class ImportSummary:
    batch_id: int
    provider_id: int
    provider: str
    period_id: int
    period_start: date
    period_end: date
    filename: str
    sha256: str
    rows_read: int
    accepted: int
    rejected: int
    duplicates: int
    do_not_call: int
    mail_post: int
    warnings: int
    cases: dict[str, int]  # purchased / inburgering -> cases created
    by_queue: dict[str, QueueCounts]  # purchased / inburgering / mail_post (the queue the row asked for)
    rejected_rows: tuple[RejectedRow, ...] = ()  # rejections and duplicates, in line order
    warning_rows: tuple[WarningRow, ...] = ()
    rejects_file: str | None = None
    rejects_error: str | None = None
    imported_before: datetime | None = None  # the same file went into this period before
    lines: int = 0  # data lines (non-empty lines below the header): see ``accounting``
    empty_lines: int = 0
    file_notes: tuple[str, ...] = ()  # about the file as a whole (a title above the header, …), Dutch

    @property
    def accounting(self) -> Accounting:
        """Where each data line went; checked before the import was committed."""
        return Accounting(self.lines, self.accepted - self.mail_post, self.mail_post, self.rejected, self.duplicates,
                          self.do_not_call)

    def counts(self) -> dict[str, Any]:
        """The counts only (for the batch row, the audit trail and JSON output): no names or numbers."""
        return {
            "rows_read": self.rows_read, "accepted": self.accepted, "rejected": self.rejected,
            "duplicates": self.duplicates, "do_not_call": self.do_not_call, "mail_post": self.mail_post,
            "warnings": self.warnings, "cases": dict(self.cases),
            "by_queue": {q: asdict(c) for q, c in self.by_queue.items()},
            "lines": self.lines, "empty_lines": self.empty_lines,
        }


@dataclass(frozen=True)
class DncSummary:
    lines: int  # data lines read (not empty, no comment) = with_number + duplicate_lines + rejected_lines
    numbers: int  # distinct numbers understood
    added: int  # new on the list
    already: int  # were on the list already
    unparseable: tuple[WarningRow, ...] = field(default_factory=tuple)
    phones_marked: int = 0  # numbers of imported clients now marked do_not_call
    cases_closed: int = 0  # open cases closed with DO_NOT_CALL
    with_number: int = 0  # lines with at least one number not on an earlier line
    duplicate_lines: int = 0  # lines whose numbers were all on earlier lines
    rejected_lines: int = 0  # lines without any number
    encoding: str = ""


@dataclass
class _Target:
    provider_id: int
    provider: str
    phone_option: bool
    period_id: int
    start: date
    end: date


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class CaseCloser(Protocol):
    """Ends, in the caller's transaction, the open cases of these clients that have no callable number
    left (``CallService.close_without_number``, handed over by the composition root); how many."""

    def __call__(self, s: Session, client_ids: Collection[int], now: datetime) -> int: ...


class ImportService:
    def __init__(self, ctx: ServiceContext, close_without_number: CaseCloser) -> None:
        self.ctx = ctx
        self.close_without_number = close_without_number

    # -- client files -----------------------------------------------------------------------------
    def import_file(
        self,
        actor: Actor | None,
        provider: str | int,
        path: str | Path,
        *,
        period: tuple[date, date] | None = None,
        rejects: str | Path | None = None,
        write_rejects: bool = True,
        progress: ImportProgress | None = None,
        cancel: CancelFlag | None = None,
    ) -> ImportSummary:
        """Import one client file for a provider into a period (default: its latest period).

        Raises ``ClientFileError`` (file unreadable), ``ImportFailed`` (unknown provider/period),
        ``ImportCancelled``; in each case nothing is stored."""
        require(actor, Permission.IMPORT_CLIENTS)
        p = Path(path)
        with self.ctx.db.unit_of_work() as s:
            target = self._target(s, provider, period)
            known_ids, known_tel = repo.known_clients(s, target.period_id)
        if not p.is_file():
            raise ClientFileError(f"Bestand '{p.name}' bestaat niet of is geen bestand.")
        sha = _sha256(p)

        def read_progress(done: int, total: int) -> bool:
            if progress is not None:
                progress("read", done, total)
            return not (cancel is not None and cancel.is_set())

        result = import_client_file(p, PeriodRange(target.start, target.end), target.phone_option,
                                    progress=read_progress, cancel=cancel,
                                    known_client_numbers=known_ids, known_phones=known_tel)
        if result.cancelled or (cancel is not None and cancel.is_set()):
            raise ImportCancelled()

        def check() -> None:
            if cancel is not None and cancel.is_set():
                raise ImportCancelled()

        now = self.ctx.now()
        try:
            with self.ctx.db.unit_of_work(immediate=True, wait_seconds=IMPORT_WAIT_SECONDS) as s:
                repo.lock_period_for_import(s, target.period_id, IMPORT_WAIT_SECONDS)
                summary = self._store(s, actor, target, p, sha, result, now, progress, check)
                check()  # the last moment a cancel still undoes everything
        except OperationalError as exc:
            if not self.ctx.db.is_lock_timeout(exc):
                raise
            raise ImportBusy(f"Er loopt al een import voor deze aanbieder ({target.provider}, meetperiode "
                             f"{target.start}..{target.end}), of een ander programma schrijft in de database; cati "
                             f"heeft {IMPORT_WAIT_SECONDS} seconden gewacht. Probeer het over een paar minuten "
                             "opnieuw. Er is niets veranderd.") from None
        if write_rejects and summary.rejected_rows:
            out = Path(rejects) if rejects else rejects_path(p)
            try:
                write_rejects_file(out, ((r.line, r.client_number, r.text) for r in summary.rejected_rows))
                summary = replace(summary, rejects_file=str(out))
            except OSError as exc:
                summary = replace(summary, rejects_error=f"Afgewezen regels niet opgeslagen in {out}: "
                                                         f"{exc.strerror or exc}")
        return summary

    def _target(self, s: Session, provider: str | int, period: tuple[date, date] | None) -> _Target:
        prov = s.get(Provider, provider) if isinstance(provider, int) else repo.provider_by_name(s, provider)
        if prov is None:
            raise ImportFailed(f"Aanbieder '{provider}' bestaat niet. Voeg de aanbieder eerst toe.")
        mp: MeasurementPeriod | None
        if period is None:
            mp = repo.latest_period(s, prov.id)
            if mp is None:
                raise ImportFailed(f"Aanbieder {prov.name} heeft nog geen meetperiode.")
        else:
            mp = repo.period_of(s, prov.id, period[0], period[1])
            if mp is None:
                raise ImportFailed(f"Aanbieder {prov.name} heeft geen meetperiode {period[0]}..{period[1]}.")
        return _Target(prov.id, prov.name, prov.phone_option, mp.id, mp.start_date, mp.end_date)

    def _store(
        self,
        s: Session,
        actor: Actor | None,
        t: _Target,
        path: Path,
        sha: str,
        result: ImportResult,
        now: datetime,
        progress: ImportProgress | None,
        check: Callable[[], None],
    ) -> ImportSummary:
        # Duplicates again, against what the period holds now (another import may have committed since).
        known_ids, known_tel = repo.known_clients(s, t.period_id)
        result.duplicates = find_duplicates((a.record for a in result.accepted),
                                            known_client_numbers=known_ids, known_phones=known_tel)
        before = repo.previous_import(s, t.period_id, sha)
        records = result.records
        blocked = dnc_list.listed(s, (n for rec in records for n in rec.phone_numbers))
        # contact data goes in sealed with the period's key (the bulk insert writes the values as given)
        sealer = contact_sealer(s, t.period_id)

        batch = ImportBatch(period_id=t.period_id, filename=path.name[:500], sha256=sha, imported_at=now,
                            user_id=actor.user_id if actor else None, summary="{}")
        s.add(batch)
        s.flush()

        used_keys: set[str] = set()
        clients: list[dict[str, Any]] = []
        for rec in records:
            respondent = secrets.token_hex(8)
            while respondent in used_keys:  # pragma: no cover - 64 random bits
                respondent = secrets.token_hex(8)
            used_keys.add(respondent)
            clients.append({
                "period_id": t.period_id, "import_id": batch.id, "client_number": rec.client_number,
                "respondent_key": respondent, "name": sealer.text(rec.name), "email": sealer.text(rec.email or None),
                "service": rec.service.number, "end_date": rec.end_date, "variant": rec.variant,
                "learning_profile": rec.learning_profile, "phone_option": rec.phone_option, "created_at": now,
                "language": rec.language,
            })
        total = len(clients)
        ids = repo.allocate_ids(s, Client, total)
        for client_id, row in zip(ids, clients, strict=True):
            row["id"] = client_id
        done = 0
        for part in repo.chunks(clients):
            check()
            repo.insert_rows(s, Client, part)
            done += len(part)
            if progress is not None:
                progress("save", done, total)

        phones: list[dict[str, Any]] = []
        cases: list[dict[str, Any]] = []
        counts = {q: {"accepted": 0, "queued": 0, "do_not_call": 0, "duplicates": 0, "warnings": 0}
                  for q in QUEUE_KEYS}
        case_counts = {"purchased": 0, "inburgering": 0}
        do_not_call = mail_post = 0
        for client_id, rec in zip(ids, records, strict=True):
            dialable = [ph for ph in rec.phones if ph.e164 not in blocked]
            stopped = [ph for ph in rec.phones if ph.e164 in blocked]
            for pos, ph in enumerate(dialable):
                phones.append({"client_id": client_id, "position": pos, **sealer.number(ph.e164), "kind": ph.kind,
                               "flagged": ph.doubtful, "status": "active", "final_outcome": None, "attempts": 0})
            for pos, ph in enumerate(stopped, start=len(dialable)):
                phones.append({"client_id": client_id, "position": pos, **sealer.number(ph.e164), "kind": ph.kind,
                               "flagged": ph.doubtful, "status": "do_not_call", "final_outcome": NUMBER_DO_NOT_CALL,
                               "attempts": 0})
            c = counts[rec.queue]
            c["accepted"] += 1
            if rec.queue == "mail_post":
                mail_post += 1
            elif not dialable:
                c["do_not_call"] += 1
                do_not_call += 1
            else:
                c["queued"] += 1
                case_counts[rec.queue] += 1
                cases.append({
                    "client_id": client_id, "period_id": t.period_id, "queue": rec.queue, "status": "new",
                    "attempts": 0, "contacted": False, "current_phone_position": 0,
                    "next_call_at": now,  # due from now on: a new case's "due since" is when it came in
                    "day_parts_tried": "", "state": "{}", "created_at": now, "updated_at": now,
                    "language": needed(rec.language),  # Dutch needs no speaker: everyone speaks it
                })
        repo.insert_rows(s, PhoneNumber, phones, check)
        repo.insert_rows(s, CallCase, cases, check)

        dup_lines = {d.line for d in result.duplicates}
        for a in result.accepted:
            q = counts[a.record.queue]
            q["warnings"] += len(a.warnings)
            if a.record.line in dup_lines:
                q["duplicates"] += 1
        rejected_rows = sorted(
            [RejectedRow(r.line, r.client_number or "", r.reasons) for r in result.rejections]
            + [RejectedRow(d.line, d.client_number, d.reasons, True) for d in result.duplicates],
            key=lambda r: (r.line, r.duplicate))
        warnings = tuple(WarningRow(w.line, w.message) for w in sorted(result.warnings, key=lambda w: w.line))
        summary = ImportSummary(
            batch_id=batch.id, provider_id=t.provider_id, provider=t.provider, period_id=t.period_id,
            period_start=t.start, period_end=t.end, filename=path.name, sha256=sha, rows_read=result.rows_read,
            accepted=len(records), rejected=len(result.rejections), duplicates=len(result.duplicates),
            do_not_call=do_not_call, mail_post=mail_post, warnings=len(warnings), cases=case_counts,
            by_queue={q: QueueCounts(**v) for q, v in counts.items()}, rejected_rows=tuple(rejected_rows),
            warning_rows=warnings, imported_before=before.imported_at if before else None,
            lines=result.file.data_lines, empty_lines=result.file.empty_lines, file_notes=result.file.notes,
        )
        # Every line accounted for, and the database holds what the summary says: checked before the commit.
        summary.accounting.check()
        stored = repo.batch_counts(s, batch.id)
        if stored != (summary.accepted, sum(case_counts.values())):
            raise AccountingError(f"De import zou {summary.accepted} cliënten en {sum(case_counts.values())} zaken "
                                  f"opslaan, de database kreeg er {stored[0]} en {stored[1]}; er is niets opgeslagen. "
                                  "Dit is een fout in cati: meld het, met het bestand.")
        s.execute(update(ImportBatch).where(ImportBatch.id == batch.id)
                  .values(summary=json.dumps(summary.counts(), sort_keys=True)),
                  execution_options={"synchronize_session": False})
        record(s, actor, "import", at=now, object_type="import_batch", object_id=batch.id,
               provider_id=t.provider_id, period=f"{t.start}..{t.end}", file=path.name,
               same_file_before=before is not None, **summary.counts())
        return summary

    # -- the do-not-call list ---------------------------------------------------------------------
    def import_do_not_call(self, actor: Actor | None, path: str | Path, *, source: str | None = None) -> DncSummary:
        """Load a do-not-call list: one number per line, any format (:mod:`cati.sample.io.dnc_file`).
        Applies it to imported clients."""
        require(actor, Permission.IMPORT_CLIENTS)
        p = Path(path)
        listed = read_do_not_call(p)
        bad = tuple(WarningRow(ln.line, problem) for ln in listed.lines for problem in ln.problems)
        distinct = sorted(set(listed.numbers))
        label = source or p.name
        if len(label) > 100:
            label = label[:99] + "…"  # only the list's label, shown as its source
        now = self.ctx.now()
        with self.ctx.db.unit_of_work(immediate=True, wait_seconds=IMPORT_WAIT_SECONDS) as s:
            added = dnc_list.add(s, distinct, label, now)
            marked, clients = repo.apply_do_not_call(s, distinct)
            closed = self.close_without_number(s, clients, now)
            record(s, actor, "dnc_import", at=now, object_type="do_not_call", file=p.name, lines=len(listed.lines),
                   numbers=len(distinct), added=added, unparseable=len(bad), phones_marked=marked,
                   cases_closed=closed, duplicate_lines=listed.duplicate_lines, rejected_lines=listed.rejected_lines)
        return DncSummary(len(listed.lines), len(distinct), added, len(distinct) - added, bad, marked, closed,
                          listed.with_number, listed.duplicate_lines, listed.rejected_lines, listed.encoding)
