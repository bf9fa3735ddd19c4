"""`cati init`, `cati demo` and `cati keys path`."""

from __future__ import annotations

import argparse
import os

from cati.commands.common import ENV_TOKEN, ENV_USER, CommandError, login, open_services, print_json
from cati.platform.migrate import current_revision
from cati.tools.demo import DemoError, seed_demo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="database aanmaken of bijwerken naar het nieuwste schema")
    p.add_argument("--test", action="store_true", help="markeer de database als testdatabase (zonder inloggen alleen een "
                   "nieuwe, lege database; anders als beheerder)")
    p.set_defaults(func=run_init)

    p = sub.add_parser("demo", help="een testdatabase met demo-gegevens en een gebruiker per rol")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--clients", type=int, default=60, help="cliënten per aanbieder")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=run_demo)

    keys = sub.add_parser("keys", help="het sleutelbestand van de contactgegevens").add_subparsers(
        dest="keys_command", required=True)
    p = keys.add_parser("path", help="waar het sleutelbestand van deze database staat (voor de reservekopie)")
    p.set_defaults(func=run_keys_path)


def run_init(args: argparse.Namespace) -> int:
    from cati.accounts.service.settings import SettingError

    services = open_services(args)
    if args.test:
        actor = login(args, services) if (getattr(args, "user", None) or os.environ.get(ENV_TOKEN)
                                          or os.environ.get(ENV_USER)) else None
        try:
            services.settings.mark_test_database(actor)
        except SettingError as e:
            raise CommandError(str(e)) from None
    kind = "testdatabase" if services.db.is_test_database() else "database"
    print(f"{kind} klaar: {services.db.describe()} (schema {current_revision(services.db)})")
    return 0


def run_demo(args: argparse.Namespace) -> int:
    services = open_services(args)
    try:
        result = seed_demo(services, seed=args.seed, clients_per_provider=args.clients)
    except DemoError as e:
        raise CommandError(str(e)) from None
    if args.format == "json":
        print_json(result)
        return 0
    print(f"Demodatabase: {services.db.describe()}")
    print(f"{result.providers} aanbieders, {result.clients} cliënten; wachtrijen: "
          f"gekocht {result.cases['purchased']}, inburgering {result.cases['inburgering']}, "
          f"niet gebeld {result.cases['none']}")
    print("Inloggen (gebruiker / rol / wachtwoord):")
    for user, role, password in result.logins:
        print(f"  {user:8} {role:12} {password}")
    return 0


def run_keys_path(args: argparse.Namespace) -> int:
    """Where the key file belongs: back it up apart from the database (README, 'Privacy en rollen').
    The path is printed when the file is missing too (that is when it must be put back); then the
    reason goes to stderr and the exit code is 6."""
    import sys

    from cati.platform.failures import EXIT_DISK
    from cati.platform.keys import KeyFileError

    services = open_services(args)
    print(services.db.key_file_path())
    try:
        services.db.keys  # noqa: B018 - reads the key file: missing, unreadable or another database's
    except KeyFileError as e:
        print(f"cati: {e}", file=sys.stderr)
        return EXIT_DISK
    return 0
