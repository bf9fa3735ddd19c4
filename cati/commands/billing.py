"""`cati billing …` (statements, closing, subsidy claim, reconciliation) and `cati void …`."""

from __future__ import annotations

import argparse
import io
import json
import sys
from datetime import date
from pathlib import Path

from cati.accounts.rules.roles import Actor
from cati.billing.rules import Period
from cati.billing.service.billing import (
    LINE_HEADERS,
    SUMMARY_HEADERS,
    BillingError,
    BillingReport,
    CheckFinding,
    ClaimView,
    inburgering_text,
    line_cells,
    money,
    overview_of,
    report_json,
    statement_title,
    summary_cells,
    summary_total_cells,
    terms_text,
    totals_text,
    when,
    write_csv,
)
from cati.commands.common import CommandError, login, open_services, print_json, print_table
from cati.container import Services

FORMATS = ("table", "csv", "xlsx", "json")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "billing",
        help="nota's per aanbieder (ingekochte gesprekken, 50%%-subsidie), sluiten, subsidieclaim, controle",
        description="Zonder --close: de conceptnota's (wat nu gefactureerd zou worden). Bedragen in euro's "
        "met twee decimalen. --check eindigt met code 1 als er verschillen zijn.",
    )
    p.add_argument("--provider", metavar="P", help="aanbieder: id of naam")
    p.add_argument("--period", metavar="BEGIN..EIND", help="meetperiode, bv. 2021-01-01..2021-12-31")
    p.add_argument("--date", metavar="JJJJ-MM-DD", help="notadatum (standaard vandaag)")
    p.add_argument("--format", choices=FORMATS, default=None, help="uitvoer (standaard table, of naar --out)")
    p.add_argument("--out", type=Path, metavar="FILE", help="schrijf naar dit bestand (xlsx: verplicht)")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--close", action="store_true", help="sluit de conceptnota's (rol finance)")
    action.add_argument("--closed", action="store_true", help="toon de gesloten nota's")
    action.add_argument(
        "--claim", action="store_true", help="subsidieclaim bij Blik op Werk (gesloten nota's)"
    )
    action.add_argument(
        "--check", action="store_true", help="herbereken alle gesloten nota's en meld verschillen"
    )
    p.set_defaults(func=run_billing)

    p = sub.add_parser("void", help="een afgerond interview ongeldig maken (rol supervisor)")
    p.add_argument("interview_id", type=int, metavar="INTERVIEW_ID")
    p.add_argument("--reason", required=True, help="reden (komt in de audittrail)")
    p.set_defaults(func=run_void)


def _parse_date(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"Ongeldige {what}: {text!r} (verwacht JJJJ-MM-DD).") from None


def parse_period(text: str) -> Period:
    if ".." not in text:
        raise CommandError(f"Ongeldige periode: {text!r} (verwacht BEGIN..EIND, bv. 2021-01-01..2021-12-31).")
    start, end = text.split("..", 1)
    try:
        return Period(_parse_date(start, "periode"), _parse_date(end, "periode"))
    except ValueError as e:
        raise CommandError(f"Ongeldige periode: {e}") from None


def resolve_provider(services: Services, actor: Actor, text: str) -> int:
    choices = {(b.provider_id, b.provider_name) for b in services.billing.periods(actor)}
    if text.strip().isdigit() and any(pid == int(text) for pid, _ in choices):
        return int(text)
    exact = [pid for pid, name in choices if name.lower() == text.strip().lower()]
    partial = [pid for pid, name in choices if text.strip().lower() in name.lower()]
    found = exact or partial
    if len(found) != 1:
        known = ", ".join(sorted(name for _, name in choices)) or "(geen)"
        raise CommandError(
            f"Aanbieder {text!r} {'is niet eenduidig' if found else 'bestaat niet'}; aanbieders: {known}"
        )
    return found[0]


def run_billing(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    fmt = args.format or (args.out.suffix.lstrip(".").lower() if args.out else "table")
    if fmt not in FORMATS:
        raise CommandError(f"Onbekend formaat {fmt!r}: kies {', '.join(FORMATS)}.")
    if fmt == "xlsx" and not args.out:
        raise CommandError("xlsx gaat naar een bestand: geef --out FILE.xlsx.")
    provider_id = resolve_provider(services, actor, args.provider) if args.provider else None
    period = parse_period(args.period) if args.period else None
    on = _parse_date(args.date, "datum") if args.date else None
    billing = services.billing
    try:
        if args.check:
            return _print_check(billing.check(actor), fmt, args.out)
        if args.claim:
            _print_claim(billing.subsidy_claim(actor, provider_id, period), fmt, args.out)
            return 0
        if args.close:
            drafts = billing.statements(actor, provider_id, period, on)
            closed = [
                billing.close(actor, v.provider_id, v.period_id, on)
                for v in drafts
                if not v.statement.is_empty
            ]
            if not closed:
                raise CommandError("Niets te sluiten: geen nieuwe gesprekken of correcties.")
            report = BillingReport(tuple(closed), overview_of(closed))
            print(f"Gesloten: {', '.join(v.number or '' for v in closed)}", file=sys.stderr)
        else:
            report = billing.report(actor, provider_id, period, on, closed=args.closed)
    except BillingError as e:
        raise CommandError(str(e)) from None
    if args.out and fmt in ("csv", "xlsx", "json"):
        billing.export(actor, report, args.out, fmt)
        print(f"{len(report.statements)} nota('s) geschreven naar {args.out}", file=sys.stderr)
    elif fmt == "json":
        print_json(report_json(report))
    elif fmt == "csv":
        buf = io.StringIO()
        write_csv(report, buf)
        sys.stdout.write(buf.getvalue())
    else:
        print_report(report)
    return 0


def print_report(report: BillingReport) -> None:
    if not report.statements:
        print("Geen nota's: niets te factureren.")
    for v in report.statements:
        st = v.statement
        print(statement_title(v))
        print(terms_text(st.terms, st.tariff))
        print()
        if st.lines:
            print_table(LINE_HEADERS, [line_cells(ln) for ln in st.lines])
        else:
            print("(geen ingekochte gesprekken)")
        if st.corrections:
            print()
            print("Correcties")
            print_table(LINE_HEADERS, [line_cells(ln) for ln in st.corrections])
        print()
        print(f"Totaal: {totals_text(st.totals)}")
        print(f"Inburgering: {inburgering_text(st.inburgering)}")
        print()
    print("Overzicht")
    o = report.overview
    print_table(SUMMARY_HEADERS, [*(summary_cells(r) for r in o.rows), summary_total_cells(o)])


def _print_claim(view: ClaimView, fmt: str, out: Path | None) -> None:
    claim = view.claim
    headers = ["aanbieder", "nota", "interview", "afgerond", "subsidie", "correctie"]
    rows = [
        [
            view.name(p.provider_id),
            it.statement_number,
            it.key,
            when(it.completed_at),
            money(it.subsidy),
            "ja" if it.is_correction else "",
        ]
        for p in claim.providers
        for it in p.items
    ]
    if fmt == "json":
        data = {
            "providers": [
                {
                    "provider_id": p.provider_id,
                    "provider": view.name(p.provider_id),
                    "count": p.count,
                    "amount": money(p.amount),
                    "items": [
                        {
                            "statement": it.statement_number,
                            "interview_id": it.interview_id,
                            "interview": it.key,
                            "completed_at": it.completed_at.isoformat(),
                            "subsidy": money(it.subsidy),
                            "correction": it.is_correction,
                        }
                        for it in p.items
                    ],
                }
                for p in claim.providers
            ],
            "count": claim.count,
            "amount": money(claim.amount),
        }
        _emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", out)
    elif fmt == "csv":
        _emit(_csv([headers, *rows, ["totaal", "", str(claim.count), "", money(claim.amount), ""]]), out)
    elif fmt == "xlsx":
        raise CommandError("De subsidieclaim gaat als table, csv of json.")
    else:
        print("Subsidieclaim bij Blik op Werk (gesloten nota's)")
        print_table(headers, rows)
        for p in claim.providers:
            print(f"{view.name(p.provider_id)}: {p.count} gesprekken, subsidie {money(p.amount)}")
        print(f"Totaal: {claim.count} gesprekken, subsidie {money(claim.amount)}")


def _print_check(findings: list[CheckFinding], fmt: str, out: Path | None) -> int:
    headers = ["nota", "aanbieder", "soort", "interview", "veld", "opgeslagen", "verwacht"]
    rows = [
        [
            f.statement_number,
            f.provider_name,
            f.kind,
            "" if f.interview_id is None else str(f.interview_id),
            f.field,
            f.stored,
            f.expected,
        ]
        for f in findings
    ]
    if fmt == "json":
        _emit(
            json.dumps(
                {
                    "differences": [
                        dict(
                            zip(
                                (
                                    "statement",
                                    "provider",
                                    "kind",
                                    "interview_id",
                                    "field",
                                    "stored",
                                    "expected",
                                ),
                                (
                                    f.statement_number,
                                    f.provider_name,
                                    f.kind,
                                    f.interview_id,
                                    f.field,
                                    f.stored,
                                    f.expected,
                                ),
                                strict=True,
                            )
                        )
                        for f in findings
                    ]
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n",
            out,
        )
    elif fmt == "csv":
        _emit(_csv([headers, *rows]), out)
    elif findings:
        print(f"{len(findings)} verschil(len) gevonden in de gesloten nota's:")
        print_table(headers, rows)
    else:
        print("Geen verschillen: de gesloten nota's kloppen met de interviewgegevens.")
    return 1 if findings else 0


def _csv(rows: list[list[str]]) -> str:
    import csv

    from cati.core.cells import csv_row

    buf = io.StringIO()
    csv.writer(buf).writerows(csv_row(r) for r in rows)
    return buf.getvalue()


def _emit(text: str, out: Path | None) -> None:
    if out:
        out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def run_void(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    try:
        result = services.billing.void(actor, args.interview_id, args.reason)
    except BillingError as e:
        raise CommandError(str(e)) from None
    print(f"Interview {result.interview_id} is ongeldig gemaakt en wordt niet gefactureerd.")
    if result.billed_on:
        print(f"Het staat op gesloten nota {result.billed_on}; de volgende nota krijgt een correctieregel.")
    return 0
