"""`cati init` and `cati demo`."""

from __future__ import annotations

import argparse

from cati.commands.common import CommandError, open_services, print_json
from cati.platform.migrate import current_revision
from cati.tools.demo import DemoError, seed_demo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("init", help="database aanmaken of bijwerken naar het nieuwste schema")
    p.add_argument("--test", action="store_true", help="markeer de database als testdatabase")
    p.set_defaults(func=run_init)

    p = sub.add_parser("demo", help="een testdatabase met demo-gegevens en een gebruiker per rol")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--clients", type=int, default=60, help="cliënten per aanbieder")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.set_defaults(func=run_demo)


def run_init(args: argparse.Namespace) -> int:
    services = open_services(args)
    if args.test:
        services.db.set_info("test_database", "yes")
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
