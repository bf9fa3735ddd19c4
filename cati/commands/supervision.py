"""``cati progress``, ``cati export`` and ``cati report``: the supervisor's figures from the shell."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from cati.commands.common import CommandError, login, open_services, print_json, print_table
from cati.core.localtime import format_local, local_day
from cati.exports.io.files import FORMATS
from cati.exports.io.table import ExportCancelled
from cati.exports.service.exports import FAMILIES, ExportError
from cati.supervision.io.report_files import write_report
from cati.supervision.rules.report_figures import format_number
from cati.supervision.service.progress_figures import RATE_NAMES, snapshot_json
from cati.supervision.service.reports import ReportError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("progress", help="voortgang per aanbieder en wachtrij, en per interviewer")
    p.add_argument("--provider", metavar="AANBIEDER", help="alleen deze aanbieder (naam of id)")
    p.add_argument("--from", dest="first", metavar="JJJJ-MM-DD", help="interviewers vanaf deze dag (standaard vandaag)")
    p.add_argument("--to", dest="last", metavar="JJJJ-MM-DD", help="interviewers tot en met deze dag (standaard vandaag)")
    p.add_argument("--e", type=float, metavar="E", help="geschatte fractie in aanmerking komenden onder de onbekenden "
                   "(0..1), alleen voor deze keer; standaard de instelling rates.eligibility_e of de schatting uit de data")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=run_progress)

    p = sub.add_parser("export", help="afgeronde interviews exporteren (csv, xlsx of SPSS sav/zsav) met codeboek")
    p.add_argument("providers", nargs="*", metavar="AANBIEDER", help="naam of id; of --all")
    p.add_argument("--all", action="store_true", help="alle aanbieders")
    p.add_argument("--period", help="latest (standaard), all, een jaar, #id of JJJJ-MM-DD..JJJJ-MM-DD")
    p.add_argument("--form", choices=list(FAMILIES), help="vragenlijst: client (regulier + laagdrempelig samen), "
                   "client_regular, client_low_threshold of inburgering; nodig als de selectie beide soorten heeft")
    p.add_argument("--format", choices=list(FORMATS), help="standaard: de extensie van --out; zsav is SPSS "
                   "gecomprimeerd (kleiner, leest in SPSS 21 en later)")
    p.add_argument("--out", metavar="BESTAND", help="het exportbestand (nodig, behalve met alleen --refresh-records)")
    p.add_argument("--with-contact", action="store_true", help="met naam, telefoon en e-mail (alleen supervisor; "
                   "komt in het auditlog en in de bestandsnaam)")
    p.add_argument("--paradata", action="store_true", help="met belpogingen, uitkomsten, interviewer en duur, en "
                   "de schermbezoeken als lang bestand ernaast (NAAM.paradata.EXT, één rij per scherm, met codeboek)")
    p.add_argument("--open-answers", choices=["masked", "raw"], default="masked",
                   help="open antwoorden: masked (standaard: telefoonnummers, e-mailadressen en de naam van de "
                   "cliënt vervangen) of raw (onbewerkt; alleen supervisor, komt in het auditlog)")
    p.add_argument("--excel", action="store_true", help="csv voor Nederlandse Excel: ; als scheidingsteken, BOM")
    p.add_argument("--refresh-records", action="store_true", help="eerst de exportregels schrijven van volledige "
                   "interviews die er nog geen hebben (van voor versie 0004, of na een gewijzigde vragenlijst)")
    p.set_defaults(func=run_export)

    p = sub.add_parser("report", help="rapportcijfers (tabel 1.1, keurmerk, cijfers, promotorscore)")
    p.add_argument("provider", metavar="AANBIEDER")
    p.add_argument("--period", help="latest (standaard), een jaar, #id of JJJJ-MM-DD..JJJJ-MM-DD")
    p.add_argument("--format", choices=["txt", "csv", "xlsx", "json"], default="txt")
    p.add_argument("--out", metavar="BESTAND")
    p.set_defaults(func=run_report)


def _day(text: str | None, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is geen datum (JJJJ-MM-DD).") from None


def _pct(value: Any) -> str:
    return format_number(value, "nl")


def run_progress(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    today = local_day(services.ctx.now())
    first, last = _day(args.first, today), _day(args.last, today)
    if args.e is not None and not 0 <= args.e <= 1:
        raise CommandError("--e ligt tussen 0 en 1.")
    try:
        snap = services.progress.snapshot(actor, first, last, args.provider, e=args.e)
    except (ReportError, ValueError) as e:
        raise CommandError(str(e)) from None
    if args.format == "json":
        print_json(snapshot_json(snap))
        return 0
    print(f"Voortgang op {format_local(snap.at)}")
    print_table(
        ["Aanbieder", "Wachtrij", "Steekproef", "Netto", "Nooit gebeld", "Bezig", "Nu in behandeling",
         "Afspraken vandaag", "Afgerond", "Compleet", "I/P/R/NC/O/UH/UO/NE", "Gekozen", "Opgenomen %",
         "Gesprekstijd"],
        [[q.provider, q.queue, q.sample, q.net_sample, q.never_called, q.called_open, q.held_now,
          q.appointments_today, q.final, f"{q.queue} {q.cap_text}" if q.cap is not None else q.cap_text,
          "/".join(str(q.groups[g]) for g in ("I", "P", "R", "NC", "O", "UH", "UO", "NE")),
          q.line.dials, format_number(q.line.answered_pct, "nl"), q.line.talk_text]
         for q in snap.queues],
    )
    print()
    names = [n.upper() for n in RATE_NAMES]
    print_table(
        ["Aanbieder", "Wachtrij", "e", *names],
        [[q.provider, q.queue, f"{format_number(q.e_value, 'nl', 3)} ({_source(q.e_source)})",
          *(_pct(v) for v in q.percentages().values())] for q in snap.queues],
    )
    print()
    print("Per taal")
    print_table(["Taal", "Open zaken", "Wacht op een interviewer die de taal spreekt", "Compleet"],
                [[f"{x.name} ({x.language})", x.open, x.waiting, x.completes] for x in snap.languages])
    print()
    span = f"{first:%d-%m-%Y}" if first == last else f"{first:%d-%m-%Y} t/m {last:%d-%m-%Y}"
    print(f"Interviewers {span}")
    print_table(
        ["Interviewer", "Uren ingelogd", "Gesprekken", "Contacten", "Compleet", "Compleet/uur", "Gem. duur (min)",
         "Gekozen", "Opgenomen %", "Gesprekstijd"],
        [[i.username, format_number(i.hours, "nl", 2), i.calls, i.contacts, i.completes,
          format_number(i.completes_per_hour, "nl", 2), format_number(i.mean_interview_minutes, "nl"),
          i.line.dials, format_number(i.line.answered_pct, "nl"), i.line.talk_text]
         for i in snap.interviewers],
    )
    return 0


def _source(source: str) -> str:
    return {"override": "--e", "setting": "instelling", "data": "uit de data"}[source]


def run_export(args: argparse.Namespace) -> int:
    only_refresh = args.refresh_records and not args.providers and not args.all and not args.out
    if not only_refresh:
        if not args.providers and not args.all:
            raise CommandError("Geef een of meer aanbieders, of --all.")
        if args.providers and args.all:
            raise CommandError("Geef aanbieders of --all, niet allebei.")
        if not args.out:
            raise CommandError("Geef het exportbestand met --out BESTAND.")
    services = open_services(args)
    actor = login(args, services)
    if args.refresh_records:
        written = services.exports.refresh_records(actor)
        print(f"{written} exportregels geschreven.")
        if only_refresh:
            return 0
    try:
        result = services.exports.export(
            actor, Path(args.out), providers=args.providers, period=args.period, form=args.form, fmt=args.format,
            with_contact=args.with_contact, paradata=args.paradata, open_answers=args.open_answers, excel=args.excel,
        )
    except (ExportError, ReportError) as e:
        raise CommandError(str(e)) from None
    except ExportCancelled:
        raise CommandError("Export afgebroken.") from None
    files = ", ".join(str(f) for f in result.files)
    extra = " MET CONTACTGEGEVENS" if result.with_contact else ""
    print(f"{result.rows} interviews ({result.form}) geëxporteerd{extra}: {files}")
    if result.paradata_files:
        print(f"{result.visits} schermbezoeken (paradata): {', '.join(str(f) for f in result.paradata_files)}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    try:
        fig = services.reports.figures(actor, args.provider, args.period)
        text = write_report(fig, args.format, Path(args.out) if args.out else None)
    except ReportError as e:
        raise CommandError(str(e)) from None
    except ValueError as e:
        raise CommandError(str(e)) from None
    if text is not None:
        sys.stdout.write(text)
    else:
        print(f"Rapportcijfers geschreven naar {args.out}")
    return 0
