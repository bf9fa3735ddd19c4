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
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor, Permission, require
from cati.accounts.service.audit import record
from cati.core.languages import SOURCE, is_known
from cati.core.languages import language as language_of
from cati.core.languages import value_labels as language_labels
from cati.core.paths import forms_dir
from cati.exports.io.files import FORMATS, contact_file_name, write_table
from cati.exports.io.table import ColumnSpec, ExportCancelled, ExportTable
from cati.exports.rules.masking import NOTE as MASK_NOTE
from cati.exports.rules.masking import LineMasker, name_parts
from cati.exports.service.export_meta import columns_of, gc_paused, meta_data
from cati.exports.service.export_reader import Cancel, Progress, answer_lines, raw_cursor
from cati.exports.store.records import write_records
from cati.interviews.rules import ExportColumn, Form, export_columns, load_forms
from cati.interviews.rules import record as rec
from cati.interviews.rules.paradata import (
    ARRIVAL_CODES,
    ARRIVAL_LABELS,
    LEAVE_CODES,
    LEAVE_LABELS,
    Arrival,
    Leave,
)
from cati.platform.context import ServiceContext
from cati.platform.keys import unseal
from cati.platform.models import (
    CallCase,
    Client,
    Interview,
    InterviewRecord,
    MeasurementPeriod,
    PhoneNumber,
    Provider,
    ScreenVisit,
)
from cati.sample.rules.dienst import DIENSTEN
from cati.supervision.service.reports import ReportError, find_periods, find_provider

ANSWER_BATCH = 5_000  # interviews per answer query
OPEN_ANSWERS = ("masked", "raw")  # how open answers go out
FETCH_INTERVIEWS = 1_000  # rows per fetchmany; cancel is checked between them

FAMILIES: dict[str, tuple[str, ...]] = {
    "client": ("client_regular", "client_low_threshold"),
    "client_regular": ("client_regular",),
    "client_low_threshold": ("client_low_threshold",),
    "inburgering": ("inburgering",),
}
FAMILY_OF_FORM = {"client_regular": "client", "client_low_threshold": "client", "inburgering": "inburgering"}
CONTACT_MARKER = "_MET_CONTACTGEGEVENS"
CONTACT_COLUMNS = ("client_name", "phone", "email")
SEALED_FIELDS = frozenset({"client_name", "email", "name_to_mask"})  # stored sealed (cati.platform.keys)


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
    paradata_files: tuple[Path, ...] = ()  # the screen visits (long file) and its codebook
    visits: int = 0

    @property
    def data_file(self) -> Path:
        return self.files[0]


PARADATA_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("respondent_key", "Respondentsleutel", "text"),
    ColumnSpec("visit", "Schermbezoek (volgnummer binnen het interview)", "number"),
    ColumnSpec("variable", "Vraag (variabele; bij een raster de rastervraag)", "text"),
    ColumnSpec("shown_at", "Getoond (UTC, ISO 8601)", "text"),
    ColumnSpec("left_at", "Verlaten (UTC, ISO 8601)", "text"),
    ColumnSpec("seconds", "Seconden op het scherm", "number"),
    ColumnSpec("arrived", "Hoe het scherm bereikt werd", "code",
               tuple((ARRIVAL_CODES[a], label) for a, label in ARRIVAL_LABELS)),
    ColumnSpec("left_by", "Hoe het scherm verlaten werd", "code",
               tuple((LEAVE_CODES[v], label) for v, label in LEAVE_LABELS)),
    ColumnSpec("language", "Taal van het scherm", "code", language_labels()),
    ColumnSpec("corrections", "Keren dat een gekozen antwoord op het scherm werd vervangen", "number"),
    ColumnSpec("changed", "Wijzigde een eerder gegeven antwoord (1 = ja)", "flag", ((0, "Nee"), (1, "Ja"))),
    ColumnSpec("interviewer_id", "Interviewer (gebruikers-id)", "number"),
    ColumnSpec("row_seconds", "Raster: seconden per rij (variabele=seconden; gescheiden door spaties)", "text"),
)


def paradata_path(path: Path) -> Path:
    """``answers.csv`` -> ``answers.paradata.csv`` (beside the answers)."""
    return path.with_name(f"{path.stem}.paradata{path.suffix}")


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
        ColumnSpec("taal", "Taal van het interview (de taal van de meeste antwoorden)", "code", language_labels()),
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
            ids = self._period_ids(s, providers, period, period_ids)
            family = self._family(s, ids, form)
            return family, self._build(s, ids, family, with_contact, paradata, progress, cancel,
                                       mask=open_answers == "masked")

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
        *,
        mask: bool = True,
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

        fields: list[tuple[str, Any]] = [
            ("interview_id", Interview.id), ("form_id", Interview.form_id), ("started_at", Interview.started_at),
            ("completed_at", Interview.completed_at), ("respondent_key", Client.respondent_key),
            ("service", Client.service), ("end_date", Client.end_date), ("period_id", CallCase.period_id),
            ("client_id", Client.id), ("record_layout", InterviewRecord.layout), ("record_line", InterviewRecord.line),
            ("language", Interview.language),
        ]
        if paradata:
            fields += [("started_by", Interview.started_by), ("attempts", CallCase.attempts),
                       ("last_outcome", CallCase.last_outcome), ("final_outcome", CallCase.final_outcome)]
        if with_contact:
            self.ctx.db.keys  # noqa: B018 - contact data asked for: the key file must be there (KeyFileError)
            fields += [("client_name", Client.name), ("email", Client.email)]
        text_fields = tuple(i for i, c in enumerate(form_cols) if c.kind == "text")
        if mask and text_fields:
            fields += [("name_to_mask", Client.name)]  # read to mask it in open answers, never exported
        periods = {pid: (name, start, end) for pid, name, start, end in s.execute(
            select(MeasurementPeriod.id, Provider.name, MeasurementPeriod.start_date, MeasurementPeriod.end_date)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(MeasurementPeriod.id.in_(period_ids))
        )} if period_ids else {}
        rows: list[Any] = []
        if period_ids:
            # provider and period are looked up per period, not joined per row; the order (provider,
            # completion, id) is completion and id from the database, then a stable sort by provider
            stmt = (
                select(*(column for _, column in fields))
                .join(CallCase, CallCase.id == Interview.case_id)
                .join(Client, Client.id == CallCase.client_id)
                .outerjoin(InterviewRecord, InterviewRecord.interview_id == Interview.id)
                .where(CallCase.period_id.in_(period_ids), Interview.status == "complete",
                       Interview.voided_at.is_(None), Interview.form_id.in_(form_ids))
                .order_by(Interview.completed_at, Interview.id)
            )
            with raw_cursor(s.connection(), stmt) as cursor:
                while chunk := cursor.fetchmany(FETCH_INTERVIEWS * 10):
                    if cancel is not None and cancel():
                        raise ExportCancelled()
                    rows += chunk
            if len({name for name, _, _ in periods.values()}) > 1:
                at = [name for name, _ in fields].index("period_id")
                rows.sort(key=lambda r: periods[r[at]][0])
        n = len(rows)
        by_column = columns_of(rows, [name for name, _ in fields])
        for sealed in SEALED_FIELDS & by_column.keys():  # the raw cursor does not read through the column type
            by_column[sealed] = tuple(map(unseal, by_column[sealed]))
        data = meta_data(by_column, [c.name for c in meta], periods)
        if with_contact:
            data["phone"] = [None] * n
        layouts = {f: rec.layout_key(all_forms[f]) for f in form_ids}
        current = [layout is not None and layout == layouts[form_id]
                   for form_id, layout in zip(by_column["form_id"], by_column["record_layout"], strict=True)]
        lines = [line if ok else "" for ok, line in zip(current, by_column["record_line"], strict=True)]
        stale = [i for i, ok in enumerate(current) if not ok]  # no current record: made from the answers
        client_ids = list(by_column["client_id"])
        if with_contact and n:
            self._phones(s, period_ids, client_ids, data["phone"])
        if progress:
            progress(n - len(stale), 2 * n)
        if stale:
            self._from_answers(s, [(rows[i][0], rows[i][1]) for i in stale], stale, lines, form_cols, form_ids,
                               progress, cancel)
        note = ""
        if mask and text_fields:
            masker = LineMasker(text_fields)
            lines = [masker.mask(line, name_parts(name)) for line, name in zip(lines, by_column["name_to_mask"],
                                                                                 strict=True)]
            note = MASK_NOTE
        return ExportTable(tuple(specs), data, lines, note)

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

    def _from_answers(
        self,
        s: Session,
        interviews: list[tuple[int, str]],
        row_numbers: list[int],
        lines: list[str],
        form_cols: tuple[ExportColumn, ...],
        form_ids: tuple[str, ...],
        progress: Progress | None,
        cancel: Cancel | None,
    ) -> None:
        """``lines[row_numbers[j]]``: the record of ``interviews[j]`` ((id, form id); no current record
        stored) made from its on-route answers."""
        n, done = len(lines), len(lines) - len(interviews)

        def sub_progress(k: int, _total: int) -> None:
            if progress:
                progress(done + k, 2 * n)

        made = answer_lines(s.connection(), interviews, form_cols, form_ids, forms(), sub_progress, cancel,
                            batch_size=ANSWER_BATCH, fetch_size=FETCH_INTERVIEWS)
        for row, line in zip(row_numbers, made, strict=True):
            lines[row] = line

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
            ids = self._period_ids(s, providers, period, period_ids)
            return self._paradata(s, ids, FAMILIES[self._family(s, ids, form)])

    def _paradata(self, s: Session, period_ids: list[int], form_ids: tuple[str, ...]) -> ExportTable:
        data: dict[str, list[Any]] = {c.name: [] for c in PARADATA_COLUMNS}
        if not period_ids:
            return ExportTable(PARADATA_COLUMNS, data)
        rows = list(s.execute(
            select(Client.respondent_key, Provider.name, ScreenVisit.interview_id, ScreenVisit.variable,
                   ScreenVisit.shown_at, ScreenVisit.left_at, ScreenVisit.arrived, ScreenVisit.left_by,
                   ScreenVisit.language, ScreenVisit.corrections, ScreenVisit.changed, ScreenVisit.user_id,
                   ScreenVisit.row_seconds)
            .join(Interview, Interview.id == ScreenVisit.interview_id)
            .join(CallCase, CallCase.id == Interview.case_id)
            .join(Client, Client.id == CallCase.client_id)
            .join(MeasurementPeriod, MeasurementPeriod.id == CallCase.period_id)
            .join(Provider, Provider.id == MeasurementPeriod.provider_id)
            .where(CallCase.period_id.in_(period_ids), Interview.status == "complete", Interview.voided_at.is_(None),
                   Interview.form_id.in_(form_ids))
            .order_by(Interview.completed_at, Interview.id, ScreenVisit.shown_at, ScreenVisit.id)
        ))
        rows.sort(key=lambda r: r[1])  # by provider, as the answers (a stable sort keeps the rest)
        number: dict[int, int] = {}
        for (key, _provider, iid, var, shown, left, arrived, left_by, language, corrections, changed, user,
             row_seconds) in rows:
            number[iid] = number.get(iid, 0) + 1
            data["respondent_key"].append(key)
            data["visit"].append(number[iid])
            data["variable"].append(var)
            data["shown_at"].append(shown.isoformat(timespec="milliseconds"))
            data["left_at"].append(left.isoformat(timespec="milliseconds"))
            data["seconds"].append(round((left - shown).total_seconds(), 3))
            data["arrived"].append(ARRIVAL_CODES.get(Arrival(arrived)))
            data["left_by"].append(LEAVE_CODES.get(Leave(left_by)))
            data["language"].append(language_of(language or SOURCE).number if is_known(language or SOURCE) else None)
            data["corrections"].append(corrections)
            data["changed"].append(1 if changed else 0)
            data["interviewer_id"].append(user)
            data["row_seconds"].append(" ".join(f"{k}={v:g}" for k, v in json.loads(row_seconds).items())
                                       if row_seconds else None)
        return ExportTable(PARADATA_COLUMNS, data)

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
                long = self._paradata(s, self._period_ids(s, providers, period, period_ids), FAMILIES[family])
            visits = long.rows
            visit_files = write_table(visits_path, long, fmt, excel=excel, cancel=cancel)
        with self.ctx.db.unit_of_work() as s:
            ids = self._period_ids(s, providers, period, period_ids)
            record(
                s, actor, "export_contact" if with_contact else "export", at=self.ctx.now(),
                object_type="export", object_id=family, format=fmt, rows=n, with_contact=with_contact,
                paradata=paradata, open_answers=open_answers, periods=ids, file=path.name, visits=visits,
            )
        if progress:
            progress(2 * n, 2 * n)
        return ExportResult(tuple(files), n, family, fmt, with_contact, paradata, tuple(visit_files), visits)

