"""Read the client files providers deliver (CSV or XLSX) and validate them row by row.

Line numbers are what a supervisor sees in Excel: the header is on its own line (not always line 1: a
title above it is passed over), the first client on a line below it (for CSV a quoted value with a line
break still counts as one line, as Excel shows it). Wholly empty lines are skipped but keep their
number. A file that cannot be read at all raises ``ClientFileError`` with a Dutch message saying why
and what to do; problems in single rows never do (they become rejections and warnings).

Every data line (a non-empty line below the header) comes out of :func:`import_client_file` as exactly
one of: accepted, rejected (with its reasons) or, after :func:`find_duplicates`, a duplicate; the
result's accounting (:class:`Accounting`) says so and is checked before anything is stored. What the
reader itself notices about a row (more values than the header has columns, a line read as
Windows-1252, a merged cell filled in) is a reason or a warning of that row. How each format is read,
and the choices made there: :mod:`cati.sample.io.client_csv`, :mod:`cati.sample.io.client_xlsx`; the
header and the rows by column: :mod:`cati.sample.io.client_columns`; the rejects file:
:mod:`cati.sample.io.rejects_file`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cati.sample.io.client_columns import NO_NOTES, ClientFile, Notes
from cati.sample.io.client_csv import open_csv
from cati.sample.io.client_xlsx import open_xlsx
from cati.sample.io.errors import ClientFileError
from cati.sample.io.text_file import file_kind
from cati.sample.rules.accounting import Accounting
from cati.sample.rules.client_rows import (
    Accepted,
    ClientRecord,
    MeasurementPeriod,
    Rejection,
    RowWarning,
    validate_row,
)
from cati.sample.rules.duplicates import Duplicate, PhoneOwners, find_duplicates

__all__ = ["ClientFileError", "ImportResult", "import_client_file", "open_client_file"]

MAX_FILE_BYTES = 512 * 1024 * 1024  # a client file of 100,000 rows is about 10 MB


def open_client_file(path: str | Path) -> ClientFile:
    """Open a client file (CSV or XLSX, told apart by their content) and check its header. Raises
    ClientFileError, saying what is wrong and what to do."""
    p = Path(path)
    if not p.is_file():
        raise ClientFileError(f"Bestand '{p.name}' bestaat niet of is geen bestand.")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ClientFileError(f"'{p.name}' is {size // (1024 * 1024)} MB groot; cati leest klantbestanden tot "
                              f"{MAX_FILE_BYTES // (1024 * 1024)} MB. Splits het bestand in delen.")
    data = p.read_bytes()
    if file_kind(data, p.name, p.suffix.lower()) == "xlsx":
        return open_xlsx(p)
    return open_csv(p, data)


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


Progress = Callable[[int, int], bool | None]


@dataclass
class ImportResult:
    """Outcome of reading and validating one file (no database work)."""

    file: ClientFile
    accepted: list[Accepted] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    rows_read: int = 0
    cancelled: bool = False

    @property
    def records(self) -> list[ClientRecord]:
        """Accepted records that are not duplicates: what may be stored."""
        dup_lines = {d.line for d in self.duplicates}
        return [a.record for a in self.accepted if a.record.line not in dup_lines]

    @property
    def warnings(self) -> list[RowWarning]:
        return [w for a in self.accepted for w in a.warnings]

    def accounting(self) -> Accounting:
        """Where each data line went (the phoned ones counted as asked for: a case, or do-not-call)."""
        records = self.records
        mail_post = sum(1 for r in records if r.queue == "mail_post")
        return Accounting(self.file.data_lines, len(records) - mail_post, mail_post, len(self.rejections),
                          len(self.duplicates))


def import_client_file(
    path: str | Path,
    period: MeasurementPeriod,
    provider_has_phone_option: bool,
    *,
    progress: Progress | None = None,
    cancel: CancelFlag | None = None,
    known_client_numbers: Collection[str] = (),
    known_phones: PhoneOwners | None = None,
    progress_every: int = 1000,
) -> ImportResult:
    """Read and validate a whole file. ``progress(rows_done, rows_total)`` is called every
    ``progress_every`` rows and at the end; returning False (or ``cancel.is_set()``) stops the run,
    leaving ``cancelled=True`` and the rows done so far. Raises ClientFileError for unreadable files.
    A whole run ends with its accounting checked (:meth:`Accounting.check`)."""
    cf = open_client_file(path)
    result = ImportResult(cf)
    total = cf.total_rows
    for line, values, notes in cf.noted_rows():
        outcome = validate_row(values, line, period, provider_has_phone_option)
        if notes is not NO_NOTES:
            outcome = _with_notes(outcome, line, notes)
        if isinstance(outcome, Rejection):
            result.rejections.append(outcome)
        else:
            result.accepted.append(outcome)
        result.rows_read += 1
        if result.rows_read % progress_every == 0:
            total = max(total, result.rows_read)
            if (progress is not None and progress(result.rows_read, total) is False) or (
                    cancel is not None and cancel.is_set()):
                result.cancelled = True
                return result
    if progress is not None:
        progress(result.rows_read, result.rows_read)
    result.duplicates = find_duplicates((a.record for a in result.accepted),
                                        known_client_numbers=known_client_numbers, known_phones=known_phones)
    result.accounting().check()
    return result


def _with_notes(outcome: Accepted | Rejection, line: int, notes: Notes) -> Accepted | Rejection:
    """A row's outcome with what reading it found: a reason rejects it; for a rejected row the warnings
    join its reasons (a rejected row shows reasons only)."""
    reasons, warnings = notes
    if isinstance(outcome, Rejection):
        return Rejection(line, outcome.client_number, (*reasons, *outcome.reasons, *warnings))
    if reasons:
        return Rejection(line, outcome.record.client_number, (*reasons, *warnings))
    return Accepted(outcome.record, (*(RowWarning(line, w) for w in warnings), *outcome.warnings))
