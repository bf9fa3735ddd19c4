"""What an export selects: the measurement periods (by provider and period, or exactly by id), the form
family (the regular and the low-threshold client forms export together, the inburgering form on its
own; a selection holding both families needs a chosen form), and the questionnaires an export reads
(loaded once per forms directory)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from cati.core.paths import forms_dir
from cati.interviews.rules import Form, load_forms
from cati.platform.models import CallCase, Interview, MeasurementPeriod, Provider
from cati.supervision.service.reports import ReportError, find_periods, find_provider

FAMILIES: dict[str, tuple[str, ...]] = {
    "client": ("client_regular", "client_low_threshold"),
    "client_regular": ("client_regular",),
    "client_low_threshold": ("client_low_threshold",),
    "inburgering": ("inburgering",),
}
FAMILY_OF_FORM = {"client_regular": "client", "client_low_threshold": "client", "inburgering": "inburgering"}


class ExportError(ValueError):
    """A selection or request that cannot be exported as asked; Dutch message."""


@cache
def _forms(directory: str) -> dict[str, Form]:
    return load_forms(Path(directory))


def forms() -> dict[str, Form]:
    return _forms(str(forms_dir()))


def selected_periods(
    s: Session, providers: Sequence[str | int], period: str | None, period_ids: Sequence[int] = ()
) -> list[int]:
    """The measurement periods of a selection: exactly ``period_ids`` (the GUI's selection), else
    ``period`` of each of ``providers`` (all providers when none are named)."""
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


def completes(period_ids: list[int]) -> Select[Any]:
    """The complete, not voided interviews of these periods (their ids)."""
    return (
        select(Interview.id)
        .join(CallCase, CallCase.id == Interview.case_id)
        .where(CallCase.period_id.in_(period_ids), Interview.status == "complete", Interview.voided_at.is_(None))
    )


def form_family(s: Session, period_ids: list[int], form: str | None) -> str:
    """The form family to export: ``form`` when chosen, else the one family the selection holds."""
    if form is not None:
        if form not in FAMILIES:
            raise ExportError(f"Onbekende vragenlijst '{form}': kies {', '.join(FAMILIES)}.")
        return form
    present = {
        FAMILY_OF_FORM.get(f, f)
        for f in s.scalars(completes(period_ids).with_only_columns(Interview.form_id).distinct())
    } if period_ids else set()
    if len(present) > 1:
        raise ExportError(
            "De selectie bevat interviews van de cliëntvragenlijst én van de inburgeringsvragenlijst; "
            "die hebben andere variabelen. Kies de vragenlijst (--form client of --form inburgering)."
        )
    return present.pop() if present else "client"
