"""Exports of completed interviews (issue 7): one row per complete, not voided interview.

* Columns: a few facts about the interview first (respondent key, provider, period, service, end
  date of the trajectory, form, interview dates), then one column per variable in questionnaire
  order (:func:`cati.domain.questionnaire.export_columns`: a grid one column per item, a multi
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
* ``paradata`` adds attempts, last and final outcome, interviewer id and interview length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cati.domain.dienst import DIENSTEN
from cati.domain.questionnaire import ExportColumn, Form, export_columns, load_forms
from cati.domain.roles import Actor, Permission, require
from cati.io.exports import ColumnSpec, ExportCancelled, ExportTable, contact_file_name, write_table
from cati.paths import forms_dir
from cati.services.audit import record
from cati.services.context import ServiceContext
from cati.services.export_reader import Cancel, Progress, read_answers
from cati.services.progress import local_day
from cati.services.reports import ReportError, find_periods, find_provider
from cati.store.models import (
    CallCase,
    Client,
    Interview,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
)

ANSWER_BATCH = 5_000  # interviews per answer query
FETCH_INTERVIEWS = 1_000  # rows per fetchmany; cancel is checked between them

FAMILIES: dict[str, tuple[str, ...]] = {
    "client": ("client_regular", "client_low_threshold"),
    "client_regular": ("client_regular",),
    "client_low_threshold": ("client_low_threshold",),
    "inburgering": ("inburgering",),
}
FAMILY_OF_FORM = {"client_regular": "client", "client_low_threshold": "client", "inburgering": "inburgering"}
FORMATS = ("csv", "xlsx", "sav")
CONTACT_MARKER = "_MET_CONTACTGEGEVENS"
CONTACT_COLUMNS = ("client_name", "phone", "email")


class ExportError(ValueError):
    """A selection or request that cannot be exported as asked; Dutch message."""


__all__ = ["ExportCancelled", "ExportError", "ExportPreview", "ExportResult", "ExportService"]


@cache
def _forms(directory: str) -> dict[str, Form]:
    return load_forms(Path(directory))


def forms() -> dict[str, Form]:
    return _forms(str(forms_dir()))


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

    @property
    def data_file(self) -> Path:
        return self.files[0]


def _meta_columns(with_contact: bool, paradata: bool) -> list[ColumnSpec]:
    services = tuple((n, d.name) for n, d in DIENSTEN.items())
    cols = [ColumnSpec("respondent_key", "Respondentsleutel", "text")]
    if with_contact:
        cols += [
            ColumnSpec("client_name", "Naam cliënt", "text"),
            ColumnSpec("phone", "Telefoonnummer(s)", "text"),
            ColumnSpec("email", "E-mailadres", "text"),
        ]
    cols += [
        ColumnSpec("provider", "Dienstverlener", "text"),
        ColumnSpec("period", "Meetperiode", "text"),
        ColumnSpec("service", "Dienst", "code", services),
        ColumnSpec("end_date", "Einddatum traject", "date"),
        ColumnSpec("form", "Vragenlijst", "text"),
        ColumnSpec("interview_started", "Datum begin interview", "date"),
        ColumnSpec("interview_completed", "Datum interview afgerond", "date"),
    ]
    if paradata:
        cols += [
            ColumnSpec("attempts", "Aantal belpogingen", "number"),
            ColumnSpec("last_outcome", "Laatste uitkomst", "text"),
            ColumnSpec("final_outcome", "Einduitkomst", "text"),
            ColumnSpec("interviewer_id", "Interviewer (gebruikers-id)", "number"),
            ColumnSpec("interview_minutes", "Duur interview (minuten)", "number"),
        ]
    return cols


def _form_spec(form: Form, col: ExportColumn) -> ColumnSpec:
    specials = (form.dont_know_code, form.refused_code)
    missing = tuple(code for code, _ in col.value_labels if code in specials)
    if col.kind == "text" and col.other_of is None:
        q = form.question(col.question_var)
        missing = tuple(c for c, ok in ((form.dont_know_code, q.allow_dont_know),
                                        (form.refused_code, q.allow_refused)) if ok)  # fmt: skip
    kind = "number" if col.kind == "number" else col.kind
    return ColumnSpec(col.name, col.label, kind, col.value_labels, missing)


class ExportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # -- selection ------------------------------------------------------------------------
    def _period_ids(
        self, s: Session, providers: Sequence[str | int], period: str | None, period_ids: Sequence[int] = ()
    ) -> list[int]:
        if period_ids:  # exactly these measurement periods (the GUI's selection)
            found = set(s.scalars(select(MeasurementPeriod.id).where(MeasurementPeriod.id.in_(list(period_ids)))))
            missing = set(period_ids) - found
            if missing:
                raise ExportError(f"Meetperiode(n) {', '.join(map(str, sorted(missing)))} bestaan niet.")
            return sorted(found)
        if providers:
            provs = [find_provider(s, p) for p in providers]
        else:
            provs = list(s.scalars(select(Provider).order_by(Provider.name)))
        ids: list[int] = []
        for prov in provs:
            try:
                ids += [mp.id for mp in find_periods(s, prov, period)]
            except ReportError:
                if providers:
                    raise
        return ids

    def _completes(self, period_ids: list[int]) -> Select[Any]:
        return (
            select(Interview.id)
            .join(CallCase, CallCase.id == Interview.case_id)
            .where(CallCase.period_id.in_(period_ids), Interview.status == "complete", Interview.voided_at.is_(None))
        )

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
            ids = self._period_ids(s, providers, period, period_ids)
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
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> tuple[str, ExportTable]:
        """(form family, table) of the selection, without writing a file."""
        require(actor, Permission.EXPORT_ANSWERS)
        if with_contact:
            require(actor, Permission.EXPORT_CONTACT)
        with self.ctx.db.unit_of_work() as s:
            ids = self._period_ids(s, providers, period, period_ids)
            family = self._family(s, ids, form)
            return family, self._build(s, ids, family, with_contact, paradata, progress, cancel)

    def _family(self, s: Session, period_ids: list[int], form: str | None) -> str:
        if form is not None:
            if form not in FAMILIES:
                raise ExportError(f"Onbekende vragenlijst '{form}': kies {', '.join(FAMILIES)}.")
            return form
        present = {
            FAMILY_OF_FORM.get(f, f)
            for f in s.scalars(self._completes(period_ids).with_only_columns(Interview.form_id).distinct())
        } if period_ids else set()
        if len(present) > 1:
            raise ExportError(
                "De selectie bevat interviews van de cliëntvragenlijst én van de inburgeringsvragenlijst; "
                "die hebben andere variabelen. Kies de vragenlijst (--form client of --form inburgering)."
            )
        return present.pop() if present else "client"

    def _build(
        self,
        s: Session,
        period_ids: list[int],
        family: str,
        with_contact: bool,
        paradata: bool,
        progress: Progress | None,
        cancel: Cancel | None,
    ) -> ExportTable:
        all_forms = forms()
        form_ids = FAMILIES[family]
        main = all_forms[form_ids[0]]
        form_cols = export_columns(main)
        for other in form_ids[1:]:
            if [c.name for c in export_columns(all_forms[other])] != [c.name for c in form_cols]:
                raise ExportError(f"Vragenlijsten {main.id} en {other} hebben niet dezelfde variabelen.")
        meta = _meta_columns(with_contact, paradata)
        specs = meta + [_form_spec(main, c) for c in form_cols]
        clash = {c.name for c in meta} & {c.name for c in form_cols}
        if clash:
            raise ExportError(f"Variabele(n) {', '.join(sorted(clash))} botsen met de vaste exportkolommen.")

        where = (
            CallCase.period_id.in_(period_ids),
            Interview.status == "complete",
            Interview.voided_at.is_(None),
            Interview.form_id.in_(form_ids),
        )
        cols: list[Any] = [
            Interview.id, Interview.form_id, Interview.started_at, Interview.completed_at, Interview.started_by,
            Client.respondent_key, Client.service, Client.end_date, Provider.name,
            MeasurementPeriod.start_date, MeasurementPeriod.end_date,
            CallCase.attempts, CallCase.last_outcome, CallCase.final_outcome, Client.id,
        ]
        if with_contact:
            cols += [Client.name, Client.email]
        stmt = (
            select(*cols)
            .join(CallCase, CallCase.id == Interview.case_id)
            .join(Client, Client.id == CallCase.client_id)
            .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(*where)
            .order_by(Provider.name, Interview.completed_at, Interview.id)
        ) if period_ids else None
        rows = s.connection().execute(stmt).all() if stmt is not None else []
        n = len(rows)
        data: dict[str, list[Any]] = {c.name: [None] * n for c in specs}
        ids: list[int] = []
        form_of: list[str] = []
        client_ids: list[int] = []
        for i, r in enumerate(rows):
            ids.append(r[0])
            form_of.append(r[1])
            client_ids.append(r[14])
            data["respondent_key"][i] = r[5]
            data["provider"][i] = r[8]
            data["period"][i] = f"{r[9].isoformat()}..{r[10].isoformat()}"
            data["service"][i] = r[6]
            data["end_date"][i] = r[7]
            data["form"][i] = r[1]
            data["interview_started"][i] = _local_date(r[2])
            data["interview_completed"][i] = _local_date(r[3])
            if paradata:
                data["attempts"][i] = r[11]
                data["last_outcome"][i] = r[12]
                data["final_outcome"][i] = r[13]
                data["interviewer_id"][i] = r[4]
                data["interview_minutes"][i] = (
                    None if r[3] is None else Decimal(int((r[3] - r[2]).total_seconds())) / 60
                )
            if with_contact:
                data["client_name"][i] = r[15]
                data["email"][i] = r[16]
        if with_contact and n:
            self._phones(s, period_ids, client_ids, data["phone"])
        if progress:
            progress(0, 2 * n)
        if n:
            self._answers(s, ids, form_of, data, form_ids, progress, cancel)
        return ExportTable(tuple(specs), data)

    def _phones(self, s: Session, period_ids: list[int], client_ids: list[int], out: list[Any]) -> None:
        numbers: dict[int, list[str]] = {}
        for client_id, e164 in s.execute(
            select(PhoneNumber.client_id, PhoneNumber.e164)
            .join(Client, Client.id == PhoneNumber.client_id)
            .where(Client.period_id.in_(period_ids), PhoneNumber.e164.is_not(None))
            .order_by(PhoneNumber.client_id, PhoneNumber.position)
        ):
            if e164:
                numbers.setdefault(client_id, []).append(e164)
        for i, client_id in enumerate(client_ids):
            out[i] = " ".join(numbers.get(client_id, ())) or None

    def _answers(
        self,
        s: Session,
        ids: list[int],
        form_of: list[str],
        data: dict[str, list[Any]],
        form_ids: tuple[str, ...],
        progress: Progress | None,
        cancel: Cancel | None,
    ) -> None:
        """Fill the form columns with the on-route answers of the interviews ``ids`` (row i is ``ids[i]``);
        how they are read: ``services/export_reader.py``."""
        read_answers(s.connection(), ids, form_of, data, form_ids, forms(), progress, cancel,
                     batch_size=ANSWER_BATCH, fetch_size=FETCH_INTERVIEWS)

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
        excel: bool = False,
        progress: Progress | None = None,
        cancel: Cancel | None = None,
    ) -> ExportResult:
        """Write the export (and its codebook) and log it in the audit trail."""
        require(actor, Permission.EXPORT_ANSWERS)
        if with_contact:
            require(actor, Permission.EXPORT_CONTACT)
        path = Path(out)
        fmt = (fmt or path.suffix.lstrip(".")).lower()
        if fmt not in FORMATS:
            raise ExportError(f"Onbekend formaat '{fmt}': kies csv, xlsx of sav.")
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(f"{path.name}.{fmt}")
        if with_contact:
            path = contact_file_name(path, CONTACT_MARKER)
        if not path.parent.is_dir():
            raise ExportError(f"Map {path.parent} bestaat niet.")
        family, table = self.table(
            actor, providers=providers, period=period, period_ids=period_ids, form=form, with_contact=with_contact,
            paradata=paradata, progress=progress, cancel=cancel,
        )
        n = table.rows

        def write_progress(done: int, _total: int) -> None:
            if progress:
                progress(n + done, 2 * n)

        files = write_table(path, table, fmt, excel=excel, progress=write_progress, cancel=cancel)
        with self.ctx.db.unit_of_work() as s:
            ids = self._period_ids(s, providers, period, period_ids)
            record(
                s, actor, "export_contact" if with_contact else "export", at=self.ctx.now(),
                object_type="export", object_id=family, format=fmt, rows=n, with_contact=with_contact,
                paradata=paradata, periods=ids, file=path.name,
            )
        if progress:
            progress(2 * n, 2 * n)
        return ExportResult(tuple(files), n, family, fmt, with_contact, paradata)


def _local_date(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else local_day(moment)
