"""Building an export's table (one row per complete, not voided interview of a form family): the
leading columns (respondent key, provider, period, service, dates, the interview's language; contact
data and paradata when asked), then one column per form variable in questionnaire order. Each row's
answers come from its stored export record when that is current for its form's column layout, else
from its on-route answers (:mod:`cati.exports.service.export_reader`); open answers are masked unless
asked raw (:mod:`cati.exports.rules.masking`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.core.languages import value_labels as language_labels
from cati.exports.io.table import ColumnSpec, ExportCancelled, ExportTable
from cati.exports.rules.masking import NOTE as MASK_NOTE
from cati.exports.rules.masking import LineMasker, name_parts
from cati.exports.service.export_contact import CONTACT_SPECS, phones, require_key, unseal_fields
from cati.exports.service.export_meta import columns_of, meta_data
from cati.exports.service.export_reader import Cancel, Progress, answer_lines, raw_cursor
from cati.exports.service.export_selection import FAMILIES, ExportError, forms
from cati.interviews.rules import ExportColumn, Form, export_columns
from cati.interviews.rules import record as rec
from cati.platform.database import Database
from cati.platform.models import CallCase, Client, Interview, InterviewRecord, MeasurementPeriod, Provider
from cati.sample.rules.dienst import DIENSTEN

ANSWER_BATCH = 5_000  # interviews per answer query
FETCH_INTERVIEWS = 1_000  # rows per fetchmany; cancel is checked between them


def meta_columns(with_contact: bool, paradata: bool) -> list[ColumnSpec]:
    """The leading columns, before the form's variables."""
    services = tuple((n, d.name) for n, d in DIENSTEN.items())
    cols = [ColumnSpec("respondent_key", "Respondentsleutel", "text")]
    if with_contact:
        cols += CONTACT_SPECS
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


def form_spec(form: Form, col: ExportColumn) -> ColumnSpec:
    """A form variable's column, with its missing-value codes (don't know, refused)."""
    specials = (form.dont_know_code, form.refused_code)
    missing = tuple(code for code, _ in col.value_labels if code in specials)
    if col.kind == "text" and col.other_of is None:
        q = form.question(col.question_var)
        missing = tuple(c for c, ok in ((form.dont_know_code, q.allow_dont_know),
                                        (form.refused_code, q.allow_refused)) if ok)  # fmt: skip
    kind = "number" if col.kind == "number" else col.kind
    return ColumnSpec(col.name, col.label, kind, col.value_labels, missing)


def build_table(
    db: Database,
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
    """The table of the complete interviews of ``family`` in these periods (``db``: the database whose
    key file unseals contact data)."""
    all_forms = forms()
    form_ids = FAMILIES[family]
    main = all_forms[form_ids[0]]
    form_cols = export_columns(main)
    for other in form_ids[1:]:
        if [c.name for c in export_columns(all_forms[other])] != [c.name for c in form_cols]:
            raise ExportError(f"Vragenlijsten {main.id} en {other} hebben niet dezelfde variabelen.")
    meta = meta_columns(with_contact, paradata)
    specs = meta + [form_spec(main, c) for c in form_cols]
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
        require_key(db)
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
    unseal_fields(by_column)
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
        phones(s, period_ids, client_ids, data["phone"])
    if progress:
        progress(n - len(stale), 2 * n)
    if stale:
        _from_answers(s, [(rows[i][0], rows[i][1]) for i in stale], stale, lines, form_cols, form_ids,
                      progress, cancel)
    note = ""
    if mask and text_fields:
        masker = LineMasker(text_fields)
        lines = [masker.mask(line, name_parts(name)) for line, name in zip(lines, by_column["name_to_mask"],
                                                                             strict=True)]
        note = MASK_NOTE
    return ExportTable(tuple(specs), data, lines, note)


def _from_answers(
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
