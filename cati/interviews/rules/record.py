"""An interview's export record: its form columns (:func:`export_columns`) as one CSV line.

A complete interview's record is stored beside its answers when it completes (and rewritten when an
answer changes afterwards), so an export of 100,000 interviews reads 100,000 short lines instead of
3.4 million answer rows, and the CSV export writes them as they are.

* Fields in export-column order, ``,`` between them, ``.`` as decimal mark; nothing between two
  commas is a missing value. Codes and flags are integers; numbers are written with ten significant
  digits (``7.5``, ``10``); dates ISO (``2026-03-02``); text is quoted (``"…"``, an inner ``"``
  doubled) when it holds a comma, a quote or a line break, as the CSV standard (RFC 4180) says.
* :func:`layout_key` names the column layout a line was written for. A line whose key is not
  the current form's (the questionnaire changed since) is not used: the export reads that
  interview's answers instead.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal

from .export import ExportValue, export_columns
from .model import Form

RECORD_FORMAT = "csv1"  # part of every layout key: a change of the line format invalidates all lines
_QUOTE_IF = (",", '"', "\n", "\r")


def layout_key(form: Form) -> str:
    """A short fingerprint of the form's export columns (names and kinds) and the line format."""
    text = "\n".join([RECORD_FORMAT, *(f"{c.name}:{c.kind}" for c in export_columns(form))])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def csv_field(value: ExportValue | float) -> str:
    """One value as a CSV field (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (Decimal, float)):
        if value != value:  # NaN
            return ""
        return format(float(value), ".10g")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if any(ch in text for ch in _QUOTE_IF):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: Iterable[ExportValue | float]) -> str:
    return ",".join(map(csv_field, values))


def record_line(form: Form, values: Mapping[str, ExportValue]) -> str:
    """The record of one interview from its export values (:func:`export_values`)."""
    return csv_line(values.get(c.name) for c in export_columns(form))
