"""`cati provider …`, `cati import …` and `cati dnc import …` (issue 4)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cati.commands.common import (
    CommandError,
    add_format,
    login,
    open_services,
    print_json,
    print_table,
    printable,
)
from cati.core.money import format_euro
from cati.platform.failures import EXIT_BUSY, EXIT_INTERNAL
from cati.sample.io.client_file import ClientFileError
from cati.sample.service.imports import (
    AccountingError,
    DncSummary,
    ImportBusy,
    ImportCancelled,
    ImportFailed,
    ImportSummary,
)
from cati.sample.service.providers import ProviderError, ProviderRow, parse_period

QUEUE_LABELS = {"purchased": "ingekocht", "inburgering": "inburgering", "mail_post": "mail/post"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    provider = sub.add_parser("provider", help="aanbieders en meetperiodes").add_subparsers(
        dest="provider_command", required=True)
    p = provider.add_parser("add", help="aanbieder toevoegen, of een meetperiode aan een bestaande aanbieder")
    p.add_argument("name", metavar="NAAM")
    p.add_argument("--period", required=True, metavar="BEGIN..EINDE", help="bijvoorbeeld 2021-01-01..2021-12-31")
    p.add_argument("--phone-option", action=argparse.BooleanOptionalAction, default=None,
                   help="de aanbieder heeft de telefonische optie ingekocht")
    p.add_argument("--tariff", metavar="EURO", help="tarief per ingekocht gesprek, bijvoorbeeld 42.50")
    p.set_defaults(func=run_provider_add)
    p = provider.add_parser("list", help="aanbieders tonen")
    add_format(p)
    p.set_defaults(func=run_provider_list)

    p = sub.add_parser("import", help="klantbestand (CSV of XLSX) van een aanbieder inlezen")
    p.add_argument("provider", metavar="AANBIEDER")
    p.add_argument("file", type=Path, metavar="BESTAND")
    p.add_argument("--period", metavar="BEGIN..EINDE", help="meetperiode (standaard: de laatste van de aanbieder)")
    p.add_argument("--rejects", type=Path, metavar="UIT.csv",
                   help="afgewezen regels hierheen (standaard: <bestand>_afgewezen.csv ernaast)")
    p.add_argument("--show", type=int, default=20, metavar="N", help="toon de eerste N afgewezen regels en waarschuwingen")
    add_format(p)
    p.set_defaults(func=run_import)

    dnc = sub.add_parser("dnc", help="niet-bellen-lijst (Onderzoekfilter)").add_subparsers(
        dest="dnc_command", required=True)
    p = dnc.add_parser("import", help="nummers inlezen, één per regel, elk formaat")
    p.add_argument("file", type=Path, metavar="BESTAND")
    p.add_argument("--source", help="herkomst (standaard: de bestandsnaam)")
    add_format(p)
    p.set_defaults(func=run_dnc_import)


def _yes(value: bool) -> str:
    return "ja" if value else "nee"


def run_provider_add(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    try:
        start, end = parse_period(args.period)
        result = services.providers.add_provider(actor, args.name, start, end, phone_option=args.phone_option,
                                                 tariff=args.tariff)
    except ProviderError as e:
        raise CommandError(str(e)) from None
    row = result.provider
    what = "toegevoegd" if result.created else ("meetperiode toegevoegd" if result.period_added else "bijgewerkt")
    print(f"Aanbieder {row.name} {what}: meetperiode {start}..{end}, telefonische optie {_yes(row.phone_option)}, "
          f"tarief {format_euro(row.tariff)}")
    return 0


def run_provider_list(args: argparse.Namespace) -> int:
    services = open_services(args)
    rows: list[ProviderRow] = services.providers.list_providers(login(args, services))
    if args.format == "json":
        print_json(rows)
        return 0
    print_table(["aanbieder", "telefonisch", "tarief", "meetperiodes", "cliënten", "ingekocht", "inburgering"],
                [(r.name, _yes(r.phone_option), format_euro(r.tariff), ", ".join(p.label for p in r.periods),
                  r.clients, r.cases["purchased"], r.cases["inburgering"]) for r in rows])
    return 0


def print_summary(r: ImportSummary, show: int = 20) -> None:
    print(printable(f"Import {r.filename} voor {r.provider}, meetperiode {r.period_start}..{r.period_end}: "
                    f"{r.rows_read} regels gelezen"))
    if r.imported_before is not None:
        print(f"Let op: dit bestand is al eerder ingelezen ({r.imported_before:%Y-%m-%d %H:%M} UTC); "
              "dubbele cliënten zijn niet opnieuw toegevoegd.")
    rows = []
    for q, label in QUEUE_LABELS.items():
        c = r.by_queue[q]
        rows.append((label, c.accepted, c.queued if q != "mail_post" else "-", c.do_not_call, c.duplicates,
                     c.warnings))
    rows.append(("totaal", r.accepted, sum(r.cases.values()), r.do_not_call, r.duplicates, r.warnings))
    print_table(["wachtrij", "geaccepteerd", "gebeld", "niet-bellen", "dubbel", "waarschuwingen"], rows)
    print(f"geaccepteerd {r.accepted}, afgewezen {r.rejected}, dubbel {r.duplicates}, niet-bellen {r.do_not_call}, "
          f"niet gebeld (mail/post) {r.mail_post}, waarschuwingen {r.warnings}")
    print(f"Telling: {r.accounting.text()}" + (f"; {r.empty_lines} lege regel(s) overgeslagen" if r.empty_lines else ""))
    for note in r.file_notes:
        print(f"Let op: {note}")
    _print_some("Afgewezen en dubbele regels",
                [f"regel {x.line} [{x.client_number or '-'}]: {x.text}" for x in r.rejected_rows], show)
    _print_some("Waarschuwingen", [f"regel {w.line}: {w.message}" for w in r.warning_rows], show)
    if r.rejects_file:
        print(f"\nAfgewezen regels opgeslagen in {r.rejects_file}")
    if r.rejects_error:
        print(f"\n{r.rejects_error}", file=sys.stderr)


def run_import(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    try:
        period = parse_period(args.period) if args.period else None
        summary = services.imports.import_file(actor, args.provider, args.file, period=period, rejects=args.rejects)
    except (ProviderError, ImportFailed) as e:
        raise CommandError(str(e)) from None
    except ClientFileError as e:
        raise CommandError(f"Bestand niet ingelezen, er is niets veranderd: {e}") from None
    except ImportBusy as e:
        raise CommandError(str(e), EXIT_BUSY) from None
    except AccountingError as e:
        raise CommandError(str(e), EXIT_INTERNAL) from None
    except ImportCancelled as e:  # pragma: no cover - only the GUI cancels
        raise CommandError(str(e)) from None
    if args.format == "json":
        print_json({"batch_id": summary.batch_id, "provider": summary.provider, "file": summary.filename,
                    "period": [summary.period_start, summary.period_end],
                    "imported_before": summary.imported_before, **summary.counts(),
                    "rejected_rows": summary.rejected_rows, "warning_rows": summary.warning_rows,
                    "rejects_file": summary.rejects_file, "file_notes": summary.file_notes,
                    "accounting": summary.accounting.text()})
    else:
        print_summary(summary, args.show)
    return 0


def run_dnc_import(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    try:
        r: DncSummary = services.imports.import_do_not_call(actor, args.file, source=args.source)
    except ClientFileError as e:
        raise CommandError(f"Lijst niet ingelezen, er is niets veranderd: {e}") from None
    except AccountingError as e:
        raise CommandError(str(e), EXIT_INTERNAL) from None
    if args.format == "json":
        print_json(r)
        return 0
    print(f"Niet-bellen-lijst {args.file.name}: {r.lines} regels, {r.numbers} nummers; {r.added} nieuw, "
          f"{r.already} stonden er al op.")
    print(f"Telling: {r.lines} regels = {r.with_number} met een nummer + {r.duplicate_lines} dubbel + "
          f"{r.rejected_lines} zonder nummer")
    print(f"Bij ingelezen cliënten: {r.phones_marked} nummers op niet-bellen gezet, "
          f"{r.cases_closed} open zaken afgesloten (DO_NOT_CALL).")
    if r.unparseable:
        print(f"Niet begrepen ({len(r.unparseable)}):")
        for w in r.unparseable:
            print(f"  regel {w.line}: {printable(w.message)}")
    return 0


def _print_some(title: str, lines: list[str], show: int) -> None:
    """A titled list of at most ``show`` lines, saying how many more there are."""
    if not lines:
        return
    print(f"\n{title} ({len(lines)}):")
    for line in lines[:show]:
        print(f"  {printable(line)}")
    if len(lines) > show:
        print(f"  … en nog {len(lines) - show}")
