"""`cati period close` and `cati purge`: ending fieldwork and removing contact data."""

from __future__ import annotations

import argparse
from datetime import date

from cati.commands.common import CommandError, login, open_services, print_json
from cati.sample.rules.periods import PeriodError, parse_period
from cati.sample.service.privacy import PrivacyError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    period = sub.add_parser("period", help="meetperiodes").add_subparsers(dest="period_command", required=True)
    p = period.add_parser("close", help="veldwerk van een meetperiode afsluiten (alle cases moeten af zijn)")
    p.add_argument("provider")
    p.add_argument("--period", required=True, metavar="BEGIN..EIND")
    p.set_defaults(func=run_close)

    p = sub.add_parser("purge", help="namen, nummers en e-mail van een gesloten meetperiode wissen")
    p.add_argument("provider")
    p.add_argument("--period", required=True, metavar="BEGIN..EIND")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=run_purge)


def _period(args: argparse.Namespace) -> tuple[date, date]:
    try:
        return parse_period(args.period)
    except PeriodError as e:
        raise CommandError(str(e)) from None


def run_close(args: argparse.Namespace) -> int:
    start, end = _period(args)
    services = open_services(args)
    try:
        services.privacy.close_period(login(args, services), args.provider, start, end)
    except PrivacyError as e:
        raise CommandError(str(e)) from None
    print(f"Meetperiode {args.period} van {args.provider} gesloten.")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    start, end = _period(args)
    services = open_services(args)
    try:
        result = services.privacy.purge(login(args, services), args.provider, start, end)
    except PrivacyError as e:
        raise CommandError(str(e)) from None
    if args.format == "json":
        print_json(result)
    else:
        print(f"Gewist voor {result.provider} {args.period}: {result.clients} cliënten (naam, e-mail), "
              f"{result.phone_numbers} telefoonnummers, {result.notes_cleared} notities; "
              f"{result.screen_visits} schermbezoeken (paradata) gewist; "
              + ("de sleutel van de periode is vernietigd: ook oude kopieën zijn onleesbaar. "
                 if result.key_destroyed else "")
              + "Antwoorden blijven.")
    return 0
