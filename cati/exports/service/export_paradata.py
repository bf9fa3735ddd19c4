"""The paradata long file of an export (``NAME.paradata.EXT`` beside the answers): one row per screen
visit of the exported interviews, with its own codebook. When each question screen was shown and left,
how it was reached and left, its language, corrections, whether it changed an earlier answer, a grid's
seconds per row. No answer values, names or numbers; respondents by their respondent key."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.core.languages import SOURCE, is_known
from cati.core.languages import language as language_of
from cati.core.languages import value_labels as language_labels
from cati.exports.io.table import ColumnSpec, ExportTable
from cati.interviews.rules.paradata import (
    ARRIVAL_CODES,
    ARRIVAL_LABELS,
    LEAVE_CODES,
    LEAVE_LABELS,
    Arrival,
    Leave,
)
from cati.platform.models import CallCase, Client, Interview, MeasurementPeriod, Provider, ScreenVisit

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


def visits_table(s: Session, period_ids: list[int], form_ids: tuple[str, ...]) -> ExportTable:
    """The screen visits of the complete interviews of these periods and forms: one row per visit, in
    the answers' order (provider, completion, interview), then as they were shown."""
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
