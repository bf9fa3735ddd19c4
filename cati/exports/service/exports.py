"""Exports of completed interviews (issue 7): one row per complete, not voided interview.

* Columns: a few facts about the interview first (respondent key, provider, period, service, end
  date of the trajectory, form, the interview's main language ``taal`` as a labelled code, interview
  dates), then one column per variable in questionnaire
  order (:func:`cati.interviews.rules.export_columns`: a grid one column per item, a multi
  question one 0/1 column per option, "Anders, namelijk" text in its own column).
* Off-route answers are left out: only answers stored with ``on_route`` true are read (the
  interview service keeps that flag when routing changes an answer's fate), so the export need not
  re-run the routing of 100,000 interviews.
* Forms: the regular and the low-threshold client forms have the same variables and codes and
  export together (form family ``client``; the codebook shows the regular form's labels; the
  ``form`` column says which version a respondent had). The inburgering form exports on its own
  (``inburgering``). A selection holding both families without a chosen form is refused with a
  message that asks for one; ``client_regular`` / ``client_low_threshold`` pick one version.
* Anonymous by default: no name, phone number or e-mail. ``with_contact`` adds them; it needs
  EXPORT_CONTACT (supervisors), marks the file name ``_MET_CONTACTGEGEVENS`` and says so in the
  audit trail. Every export writes one audit event (what, rows, format, with contact or not; no
  personal data).
* ``paradata`` adds attempts, last and final outcome, interviewer id and interview length, and writes
  the screen visits of the same interviews as a long file beside the answers (``NAME.paradata.EXT``, one
  row per screen visit, with its own codebook): when each question screen was shown and left, how it
  was reached and left, its language, corrections, whether it changed an earlier answer, a grid's
  seconds per row. No answer values, names or numbers; respondents by their respondent key.
* Open answers (text) have phone numbers, e-mail addresses and the client's own name masked
  (:mod:`cati.exports.rules.masking`; the codebook says so) unless ``open_answers="raw"``: a
  choice only a supervisor may make, recorded with the export in the audit trail.

The parts: the selection (``export_selection``), the table (``export_table``; its leading columns
``export_meta``, its answers ``export_reader``, contact data ``export_contact``), the paradata long
file (``export_paradata``), the export records (``export_records``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.exports.io.files import FORMATS, contact_file_name, write_table
from cati.exports.io.table import ExportCancelled, ExportTable
from cati.exports.service.export_contact import CONTACT_MARKER
from cati.exports.service.export_meta import gc_paused
from cati.exports.service.export_paradata import paradata_path, visits_table
from cati.exports.service.export_reader import Cancel, Progress
from cati.exports.service.export_selection import (
    FAMILIES,
    FAMILY_OF_FORM,
    ExportError,
    form_family,
    forms,
    selected_periods,
)
from cati.exports.service.export_table import build_table
from cati.exports.store.records import write_records
from cati.platform.context import ServiceContext
from cati.platform.models import CallCase, Interview

OPEN_ANSWERS = ("masked", "raw")  # how open answers go out

__all__ = ["FAMILIES", "ExportCancelled", "ExportError", "ExportPreview", "ExportResult", "ExportService", "forms"]


@dataclass(frozen=True)
class ExportPreview:
    """Complete interviews in a selection, per form id."""

    per_form: dict[str, int]

    @property
    def families(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for form_id, n in self.per_form.items():
            fam = FAMILY_OF_FORM.get(form_id, form_id)
            out[fam] = out.get(fam, 0) + n
        return out


@dataclass(frozen=True)
class ExportResult:
    files: tuple[Path, ...]
    rows: int
    form: str
    fmt: str
    with_contact: bool
    paradata: bool
    paradata_files: tuple[Path, ...] = ()  # the screen visits (long file) and its codebook
    visits: int = 0

    @property
    def data_file(self) -> Path:
        return self.files[0]


class ExportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def preview(
        self,
        actor: Actor | None,
        providers: Sequence[str | int] = (),
        period: str | None = None,
        period_ids: Sequence[int] = (),
    ) -> ExportPreview:
        """How many complete interviews the selection holds, per form."""
        require(actor, Permission.EXPORT_ANSWERS)
        with self.ctx.db.unit_of_work() as s:
            ids = selected_periods(s, providers, period, period_ids)
            rows = s.execute(
                select(Interview.form_id, func.count())
                .join(CallCase, CallCase.id == Interview.case_id)
                .where(CallCase.period_id.in_(ids), Interview.status == "complete", Interview.voided_at.is_(None))
                .group_by(Interview.form_id)
            ).all() if ids else []
        return ExportPreview({f: int(n) for f, n in rows})

    # -- building the table ---------------------------------------------------------------
    def table(
        self,
        actor: Actor | None,
        *,
        providers: Sequence[str | int] = (),
        period: str | None = None,
        period_ids: Sequence[int] = (),
        form: str | None = None,
        with_contact: bool = False,
        paradata: bool = False,
        open_answers: str = "masked",
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> tuple[str, ExportTable]:
        """(form family, table) of the selection, without writing a file. ``open_answers``: ``masked``
        (the default) or ``raw`` (supervisors: EXPORT_CONTACT)."""
        require(actor, Permission.EXPORT_ANSWERS)
        if with_contact:
            require(actor, Permission.EXPORT_CONTACT)
        if open_answers not in OPEN_ANSWERS:
            raise ExportError(f"Onbekende keuze '{open_answers}' voor open antwoorden: kies masked of raw.")
        if open_answers == "raw":
            require(actor, Permission.EXPORT_CONTACT)
        with self.ctx.db.unit_of_work() as s, gc_paused():
            ids = selected_periods(s, providers, period, period_ids)
            family = form_family(s, ids, form)
            return family, build_table(self.ctx.db, s, ids, family, with_contact, paradata, progress, cancel,
                                       mask=open_answers == "masked")

    def paradata_table(
        self,
        actor: Actor | None,
        *,
        providers: Sequence[str | int] = (),
        period: str | None = None,
        period_ids: Sequence[int] = (),
        form: str | None = None,
    ) -> ExportTable:
        """The screen visits of the interviews an export of this selection holds: one row per visit, in
        the answers' order (provider, completion, interview), then as they were shown."""
        require(actor, Permission.EXPORT_ANSWERS)
        with self.ctx.db.unit_of_work() as s:
            ids = selected_periods(s, providers, period, period_ids)
            return visits_table(s, ids, FAMILIES[form_family(s, ids, form)])

    def write_records(self, s: Session, records: Iterable[tuple[int, str, str]], now: datetime) -> int:
        """Store export records (interview id, layout key, line) in the caller's transaction (the
        interview service, when an interview completes or a completed answer changes)."""
        return write_records(s, records, now)

    def refresh_records(self, actor: Actor | None, progress: Progress | None = None) -> int:
        """Write the export records that complete interviews lack (``services/export_records.py``);
        returns how many were written. Logged in the audit trail."""
        from cati.exports.service.export_records import refresh_records

        require(actor, Permission.EXPORT_ANSWERS)
        written = refresh_records(self.ctx, forms(), progress)
        with self.ctx.db.unit_of_work() as s:
            record(s, actor, "export_records_refresh", at=self.ctx.now(), object_type="export", object_id="records",
                   written=written)
        return written

    # -- writing --------------------------------------------------------------------------
    def export(
        self,
        actor: Actor | None,
        out: Path | str,
        *,
        providers: Sequence[str | int] = (),
        period: str | None = None,
        period_ids: Sequence[int] = (),
        form: str | None = None,
        fmt: str | None = None,
        with_contact: bool = False,
        paradata: bool = False,
        open_answers: str = "masked",
        excel: bool = False,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ExportResult:
        """Write the export (and its codebook) and log it in the audit trail (with how the open answers
        went out: masked, or raw by a supervisor's choice)."""
        require(actor, Permission.EXPORT_ANSWERS)
        if with_contact:
            require(actor, Permission.EXPORT_CONTACT)
        path = Path(out)
        fmt = (fmt or path.suffix.lstrip(".")).lower()
        if fmt not in FORMATS:
            raise ExportError(f"Onbekend formaat '{fmt}': kies csv, xlsx, sav of zsav.")
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(f"{path.name}.{fmt}")
        visits_path = paradata_path(path)
        if with_contact:
            path = contact_file_name(path, CONTACT_MARKER)
        if not path.parent.is_dir():
            raise ExportError(f"Map {path.parent} bestaat niet.")
        family, table = self.table(
            actor, providers=providers, period=period, period_ids=period_ids, form=form, with_contact=with_contact,
            paradata=paradata, open_answers=open_answers, progress=progress, cancel=cancel,
        )
        n = table.rows

        def write_progress(done: int, _total: int) -> None:
            if progress:
                progress(n + done, 2 * n)

        with gc_paused():
            files = write_table(path, table, fmt, excel=excel, progress=write_progress, cancel=cancel)
        visit_files: list[Path] = []
        visits = 0
        if paradata:  # the screen visits of the same interviews, beside the answers (no contact data in it)
            with self.ctx.db.unit_of_work() as s:
                long = visits_table(s, selected_periods(s, providers, period, period_ids), FAMILIES[family])
            visits = long.rows
            visit_files = write_table(visits_path, long, fmt, excel=excel, cancel=cancel)
        with self.ctx.db.unit_of_work() as s:
            ids = selected_periods(s, providers, period, period_ids)
            record(
                s, actor, "export_contact" if with_contact else "export", at=self.ctx.now(),
                object_type="export", object_id=family, format=fmt, rows=n, with_contact=with_contact,
                paradata=paradata, open_answers=open_answers, periods=ids, file=path.name, visits=visits,
            )
        if progress:
            progress(2 * n, 2 * n)
        return ExportResult(tuple(files), n, family, fmt, with_contact, paradata, tuple(visit_files), visits)

