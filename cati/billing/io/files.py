"""Billing statements as files: csv, xlsx and json, and the cells and texts the CLI and the
finance screen show.

Amounts: two decimals, never float; in JSON as strings. Headers in Dutch (finance's language).
Provider names come from outside: a CSV cell that a spreadsheet would take for a formula gets an
apostrophe, in XLSX every text is a string cell (:mod:`cati.core.cells`); amounts stay numbers.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from cati.billing.rules import (
    NO_CAP,
    InburgeringLine,
    InburgeringSection,
    StatementLine,
    Terms,
    Totals,
    terms_to_json,
)
from cati.core.cells import csv_row, xlsx_formula_like, xlsx_text
from cati.core.localtime import format_local
from cati.core.money import plain

if TYPE_CHECKING:
    from cati.billing.service.views import BillingOverview, BillingReport, ProviderSummary, StatementView


def money(amount: Decimal) -> str:
    return plain(amount)


def yes_no(flag: bool) -> str:
    return "ja" if flag else "nee"


def when(moment: datetime) -> str:
    return format_local(moment, "%Y-%m-%d %H:%M")


def statement_title(v: StatementView) -> str:
    st = v.statement
    status = f"nota {v.number}" if v.number else "concept"
    return (
        f"{v.provider_name} — {status}, periode {st.period.start.isoformat()}..{st.period.end.isoformat()}, "
        f"notadatum {st.statement_date.isoformat()}"
    )


def terms_text(t: Terms, tariff: Decimal) -> str:
    since = "standaard" if t.valid_from == date.min else f"vanaf {t.valid_from.isoformat()}"
    share = (t.subsidy_share * 100).normalize()
    return (
        f"tarief {money(tariff)}; voorwaarden {since}: eerste {t.threshold} gesprekken "
        f"{share:f}% subsidie; inburgering {money(t.inburgering_tariff)} per gesprek, maximum {t.inburgering_cap}"
    )


LINE_HEADERS = [
    "interview",
    "afgerond",
    "gesubsidieerd",
    "kosten",
    "aandeel aanbieder",
    "subsidie",
    "correctie van",
]


def line_cells(ln: StatementLine) -> list[str]:
    return [
        ln.key,
        when(ln.completed_at),
        yes_no(ln.subsidised),
        money(ln.cost),
        money(ln.provider_share),
        money(ln.subsidy),
        ln.corrects or "",
    ]


def totals_text(t: Totals) -> str:
    return (
        f"{t.subsidised_count + t.full_count} gesprekken ({t.subsidised_count} gesubsidieerd), "
        f"kosten {money(t.cost)}, aanbieder {money(t.provider_share)}, subsidie {money(t.subsidy)}"
    )


def inburgering_text(ib: InburgeringSection) -> str:
    cap = "geen maximum" if ib.cap >= NO_CAP else f"maximum {ib.cap}"
    over = " — BOVEN HET MAXIMUM" if ib.over_cap else ""
    return (
        f"{ib.count} gesprekken op deze nota, {ib.count_to_date} in de periode ({cap}), "
        f"tarief {money(ib.tariff)}, bedrag {money(ib.amount)}{over}"
    )


SUMMARY_HEADERS = [
    "aanbieder",
    "periode",
    "nota's",
    "ingekocht",
    "gesubsidieerd",
    "kosten",
    "aanbieder totaal",
    "subsidie totaal",
    "inburgering",
    "inburgering bedrag",
]


def summary_cells(r: ProviderSummary) -> list[Any]:
    return [
        r.provider_name,
        f"{r.period.start.isoformat()}..{r.period.end.isoformat()}",
        r.statement_count,
        r.purchased_count,
        r.subsidised_count,
        money(r.cost),
        money(r.provider_share),
        money(r.subsidy),
        r.inburgering_count,
        money(r.inburgering_amount),
    ]


def summary_total_cells(o: BillingOverview) -> list[Any]:
    t = o.totals
    return [
        "totaal",
        "",
        sum(r.statement_count for r in o.rows),
        t.subsidised_count + t.full_count,
        t.subsidised_count,
        money(t.cost),
        money(t.provider_share),
        money(t.subsidy),
        o.inburgering_count,
        money(o.inburgering_amount),
    ]


def statement_json(v: StatementView) -> dict[str, Any]:
    st = v.statement

    def line(ln: StatementLine) -> dict[str, Any]:
        return {
            "interview_id": ln.interview_id,
            "interview": ln.key,
            "completed_at": ln.completed_at.isoformat(),
            "subsidised": ln.subsidised,
            "cost": money(ln.cost),
            "provider_share": money(ln.provider_share),
            "subsidy": money(ln.subsidy),
            "corrects": ln.corrects,
        }

    def ib_line(ln: InburgeringLine) -> dict[str, Any]:
        return {
            "interview_id": ln.interview_id,
            "interview": ln.key,
            "completed_at": ln.completed_at.isoformat(),
            "amount": money(ln.amount),
            "corrects": ln.corrects,
        }

    t = st.totals
    ib = st.inburgering
    return {
        "provider_id": v.provider_id,
        "provider": v.provider_name,
        "period_id": v.period_id,
        "period": {"start": st.period.start.isoformat(), "end": st.period.end.isoformat()},
        "number": v.number,
        "closed": v.is_closed,
        "closed_at": v.closed_at.isoformat() if v.closed_at else None,
        "closed_by": v.closed_by,
        "statement_date": st.statement_date.isoformat(),
        "tariff": money(st.tariff),
        "terms": json.loads(terms_to_json(st.terms)),
        "lines": [line(ln) for ln in st.lines],
        "corrections": [line(ln) for ln in st.corrections],
        "totals": {
            "count": t.subsidised_count + t.full_count,
            "subsidised_count": t.subsidised_count,
            "full_count": t.full_count,
            "cost": money(t.cost),
            "provider_share": money(t.provider_share),
            "subsidy": money(t.subsidy),
        },
        "inburgering": {
            "lines": [ib_line(ln) for ln in ib.lines],
            "corrections": [ib_line(ln) for ln in ib.corrections],
            "count": ib.count,
            "count_to_date": ib.count_to_date,
            "cap": ib.cap,
            "tariff": money(ib.tariff),
            "amount": money(ib.amount),
            "over_cap": ib.over_cap,
        },
    }


def overview_json(o: BillingOverview) -> dict[str, Any]:
    t = o.totals
    return {
        "providers": [
            {
                "provider_id": r.provider_id,
                "provider": r.provider_name,
                "period": {"start": r.period.start.isoformat(), "end": r.period.end.isoformat()},
                "statements": r.statement_count,
                "purchased_count": r.purchased_count,
                "subsidised_count": r.subsidised_count,
                "cost": money(r.cost),
                "provider_share": money(r.provider_share),
                "subsidy": money(r.subsidy),
                "inburgering_count": r.inburgering_count,
                "inburgering_amount": money(r.inburgering_amount),
            }
            for r in o.rows
        ],
        "totals": {
            "purchased_count": t.subsidised_count + t.full_count,
            "subsidised_count": t.subsidised_count,
            "cost": money(t.cost),
            "provider_share": money(t.provider_share),
            "subsidy": money(t.subsidy),
            "inburgering_count": o.inburgering_count,
            "inburgering_amount": money(o.inburgering_amount),
        },
    }


def report_json(report: BillingReport) -> dict[str, Any]:
    return {
        "statements": [statement_json(v) for v in report.statements],
        "summary": overview_json(report.overview),
    }


CSV_HEADERS = ["regel", "aanbieder", "periode", "nota", "notadatum", *LINE_HEADERS]


def write_csv(report: BillingReport, fh: IO[str]) -> None:
    """One flat UTF-8 table: per statement its lines, corrections, inburgering and totals; then
    the overview (``regel`` says what a row is)."""
    w = _GuardedWriter(csv.writer(fh))
    w.writerow(CSV_HEADERS)
    for v in report.statements:
        st = v.statement
        head = [
            v.provider_name,
            f"{st.period.start.isoformat()}..{st.period.end.isoformat()}",
            v.number or "concept",
            st.statement_date.isoformat(),
        ]
        for ln in st.lines:
            w.writerow(["interview", *head, *line_cells(ln)])
        for ln in st.corrections:
            w.writerow(["correctie", *head, *line_cells(ln)])
        for ib in st.inburgering.lines + st.inburgering.corrections:
            w.writerow(
                [
                    "inburgering-correctie" if ib.is_correction else "inburgering",
                    *head,
                    ib.key,
                    when(ib.completed_at),
                    "",
                    money(ib.amount),
                    "",
                    "",
                    ib.corrects or "",
                ]
            )
        t = st.totals
        w.writerow(
            [
                "totaal",
                *head,
                f"{t.subsidised_count + t.full_count} gesprekken",
                "",
                str(t.subsidised_count),
                money(t.cost),
                money(t.provider_share),
                money(t.subsidy),
                "",
            ]
        )
    w.writerow([])
    w.writerow(["overzicht", *SUMMARY_HEADERS])
    for r in report.overview.rows:
        w.writerow(["overzicht", *summary_cells(r)])
    w.writerow(["overzicht", *summary_total_cells(report.overview)])


class _GuardedWriter:
    """A ``csv.writer`` whose rows pass :func:`cati.core.cells.csv_row` first."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Sequence[Any]) -> None:
        self._writer.writerow(csv_row(list(row)))


def write_xlsx(report: BillingReport, path: Path) -> None:
    """A sheet per statement and an overview sheet; amounts as numbers with two decimals."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    overview = wb.active
    assert overview is not None
    overview.title = "Overzicht"
    bold = Font(bold=True)
    used = {"Overzicht"}

    def amount(text: str) -> Decimal:
        return Decimal(text)

    def put(ws: Any, values: Sequence[Any], money_cols: Iterable[int] = (), header: bool = False) -> None:
        ws.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
        row = ws.max_row
        for cell in ws[row]:
            if isinstance(cell.value, str) and xlsx_formula_like(cell.value):
                cell.data_type = "s"  # a text, never a formula
        for c in money_cols:
            cell = ws.cell(row=row, column=c + 1)
            if isinstance(cell.value, str) and cell.value:
                cell.value = amount(cell.value)
            cell.number_format = "#,##0.00"
        if header:
            for cell in ws[row]:
                cell.font = bold

    put(overview, SUMMARY_HEADERS, header=True)
    for r in report.overview.rows:
        put(overview, summary_cells(r), (5, 6, 7, 9))
    put(overview, summary_total_cells(report.overview), (5, 6, 7, 9), header=True)

    for v in report.statements:
        base = (v.number or "concept") + " " + v.provider_name
        title = "".join(c for c in base if c not in "[]:*?/\\" and c.isprintable())[:31]
        n = 2
        while title in used:
            suffix = f" ({n})"
            title = title[: 31 - len(suffix)] + suffix
            n += 1
        used.add(title)
        ws = wb.create_sheet(title)
        st = v.statement
        put(ws, [statement_title(v)], header=True)
        put(ws, [terms_text(st.terms, st.tariff)])
        put(ws, [])
        put(ws, LINE_HEADERS, header=True)
        for ln in st.lines:
            put(ws, line_cells(ln), (3, 4, 5))
        if st.corrections:
            put(ws, ["Correcties"], header=True)
            for ln in st.corrections:
                put(ws, line_cells(ln), (3, 4, 5))
        t = st.totals
        put(
            ws,
            [
                "totaal",
                f"{t.subsidised_count + t.full_count} gesprekken",
                str(t.subsidised_count),
                money(t.cost),
                money(t.provider_share),
                money(t.subsidy),
            ],
            (3, 4, 5),
            header=True,
        )
        put(ws, [])
        put(ws, ["Inburgering", inburgering_text(st.inburgering)], header=True)
        for ib in st.inburgering.lines + st.inburgering.corrections:
            put(ws, [ib.key, when(ib.completed_at), "", money(ib.amount), "", "", ib.corrects or ""], (3,))
        for col, width in zip("ABCDEFG", (28, 18, 14, 12, 18, 12, 14), strict=True):
            ws.column_dimensions[col].width = width
    wb.save(path)
