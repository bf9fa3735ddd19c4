"""The report figures as text, CSV, XLSX or JSON (``cati report``).

Numbers as the reports print them: one decimal, half up; text and CSV with the Dutch decimal
comma (CSV with ``;`` and a BOM so a Dutch Excel opens it as it is); JSON with plain numbers.
The commissioners' line is printed empty: they are surveyed by e-mail, not phoned.
Texts that come from outside (the provider's name) cannot become formulas: CSV cells are guarded, XLSX
texts are string cells (:mod:`cati.core.cells`).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cati.core.cells import csv_row, xlsx_formula_like, xlsx_text
from cati.supervision.rules.report_figures import RowKind, TableRow, format_number

if TYPE_CHECKING:  # io does not depend on services at run time
    from cati.supervision.service.reports import ReportFigures

HEADERS = ("Dienst", "Netto steekproef", "Ingevuld", "Respons %", "Gem. rapportcijfer", "Gepubliceerd")


def _label(row: TableRow) -> str:
    return f"{row.service} {row.label}" if row.kind is RowKind.SERVICE else row.label


def table_rows(fig: ReportFigures, lang: str = "nl") -> list[list[str]]:
    """Table 1.1 as printed text cells (the commissioners' line empty)."""
    yes, no = ("ja", "nee") if lang.startswith("nl") else ("yes", "no")
    out = []
    for row in (*fig.table.services, fig.table.total):
        out.append([
            _label(row), str(row.net_sample), str(row.completed), format_number(row.response_pct, lang),
            format_number(row.mean_grade, lang), yes if row.published else no,
        ])
    out.append([_label(fig.table.commissioners), "", "", "", "", ""])
    return out


def _d(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def report_json(fig: ReportFigures) -> dict[str, Any]:
    def row(r: TableRow, empty: bool = False) -> dict[str, Any]:
        return {
            "kind": r.kind.value, "service": r.service, "label": r.label,
            "net_sample": None if empty else r.net_sample, "completed": None if empty else r.completed,
            "response_pct": _d(r.response_pct), "mean_grade": _d(r.mean_grade), "grades": r.grade_count,
            "published": r.published,
        }

    k = fig.keurmerk
    return {
        "provider": fig.provider,
        "period": {"id": fig.period_id, "start": fig.period_start.isoformat(), "end": fig.period_end.isoformat()},
        "clients_in_database": fig.clients,
        "unreachable_left_out": fig.unreachable,
        "table_1_1": {
            "services": [row(r) for r in fig.table.services],
            "total": row(fig.table.total),
            "commissioners": row(fig.table.commissioners, empty=True),
        },
        "keurmerk": {
            "verdict": k.verdict.value, "passed": k.passed,
            "total": {"mean": _d(k.total.plain), "corrected": _d(k.total.corrected)},
            "services": {str(s): {"mean": _d(p.plain), "corrected": _d(p.corrected)} for s, p in k.services.items()},
            "reasons": list(k.reasons),
            "norm_total": _d(fig.settings.norm_total), "norm_service": _d(fig.settings.norm_service),
        },
        "grade_distribution": {str(g): n for g, n in fig.grades.items()},
        "recommendation": {
            "recommended": fig.recommendation.recommended,
            "advised_against": fig.recommendation.advised_against,
            "neither": fig.recommendation.neither,
            "respondents": fig.recommendation.respondents,
        },
        "promoter_score": _d(fig.promoter_score),
    }


def _aligned(headers: list[str] | tuple[str, ...], rows: list[list[str]]) -> list[str]:
    cells = [list(headers), *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True)))
                     .rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def report_text(fig: ReportFigures) -> str:
    nl = "nl"
    k = fig.keurmerk
    lines = [
        f"Rapportcijfers {fig.provider}, meetperiode {fig.period_start:%d-%m-%Y} t/m {fig.period_end:%d-%m-%Y}",
        "",
        "Tabel 1.1 Netto steekproef en respons",
        *_aligned(HEADERS, table_rows(fig, nl)),
        "",
        f"Netto steekproef: de {fig.clients} cliënten van deze periode in cati, min {fig.unreachable} "
        "onbereikbaar (eind-uitkomst 4.x, behalve quotum vol). Ingevuld: de telefonische interviews; "
        "antwoorden per post of e-mail staan niet in cati. Opdrachtgevers worden niet gebeld.",
        "",
        f"Keurmerk: {k.verdict.value} (norm gemiddeld {format_number(fig.settings.norm_total, nl)} in totaal "
        f"en {format_number(fig.settings.norm_service, nl)} per dienst)",
        *(f"  - {reason}" for reason in k.reasons),
        f"  Gemiddelde in totaal {format_number(k.total.plain, nl)}, na correctie voor lage cijfers "
        f"{format_number(k.total.corrected, nl)}.",
        "",
        "Verdeling rapportcijfers",
        *_aligned(["Cijfer", "Aantal"], [[str(g), str(n)] for g, n in fig.grades.items()]),
        "",
        f"Actuele promotorscore: {format_number(fig.promoter_score, nl)} "
        f"(aangeraden {fig.recommendation.recommended}, afgeraden {fig.recommendation.advised_against}, "
        f"geen van beide {fig.recommendation.neither}; {fig.recommendation.respondents} respondenten)",
    ]
    return "\n".join(lines) + "\n"


def report_csv(fig: ReportFigures) -> str:
    rows: list[list[Any]] = [list(HEADERS), *table_rows(fig, "nl"), [], ["Keurmerk", fig.keurmerk.verdict.value]]
    rows += [["", reason] for reason in fig.keurmerk.reasons]
    rows += [[], ["Cijfer", "Aantal"], *([g, n] for g, n in fig.grades.items()), []]
    rows.append(["Actuele promotorscore", format_number(fig.promoter_score, "nl")])
    buf = io.StringIO()
    csv.writer(buf, delimiter=";", lineterminator="\n").writerows(csv_row(r) for r in rows)
    return buf.getvalue()


def write_report(fig: ReportFigures, fmt: str, path: Path | None) -> str | None:
    """Write to ``path`` (or return the text for standard output when ``path`` is None)."""
    if fmt == "xlsx":
        if path is None:
            raise ValueError("xlsx heeft --out BESTAND nodig")
        write_report_xlsx(fig, path)
        return None
    if fmt == "json":
        text = json.dumps(report_json(fig), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        text = report_csv(fig)
    else:
        text = report_text(fig)
    if path is None:
        return text
    path.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
    return None


def write_report_xlsx(fig: ReportFigures, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "tabel 1.1"
    _append(ws, [f"{fig.provider} {fig.period_start:%d-%m-%Y} t/m {fig.period_end:%d-%m-%Y}"])
    _append(ws, list(HEADERS))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in (*fig.table.services, fig.table.total):
        _append(ws, [_label(row), row.net_sample, row.completed, _d(row.response_pct), _d(row.mean_grade),
                     "ja" if row.published else "nee"])
        for cell in ws[ws.max_row][3:5]:
            cell.number_format = "0.0"
    _append(ws, [_label(fig.table.commissioners)])
    _append(ws, [])
    _append(ws, ["Keurmerk", fig.keurmerk.verdict.value])
    for reason in fig.keurmerk.reasons:
        _append(ws, ["", reason])
    _append(ws, ["Actuele promotorscore", _d(fig.promoter_score)])
    ws.column_dimensions["A"].width = 50
    grades = wb.create_sheet("rapportcijfers")
    _append(grades, ["Cijfer", "Aantal"])
    for g, n in fig.grades.items():
        _append(grades, [g, n])
    wb.save(path)


def _append(ws: Any, values: list[Any]) -> None:
    """A row whose texts are string cells: never a formula, characters XML cannot hold escaped."""
    ws.append([xlsx_text(v) if isinstance(v, str) else v for v in values])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and xlsx_formula_like(cell.value):
            cell.data_type = "s"
