"""`cati user …` and `cati audit …`."""

from __future__ import annotations

import argparse
from pathlib import Path

from cati.accounts.rules.roles import parse_role
from cati.accounts.service.users import UserError
from cati.commands.common import (
    CommandError,
    add_format,
    login,
    open_services,
    print_json,
    print_table,
    read_password,
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = sub.add_parser("user", help="gebruikers beheren").add_subparsers(dest="user_command", required=True)
    p = user.add_parser("add", help="gebruiker toevoegen (wachtwoord via prompt of standaardinvoer)")
    p.add_argument("username")
    p.add_argument("--role", action="append", required=True, help="interviewer, supervisor, finance of admin")
    p.add_argument("--name", default="", help="volledige naam")
    p.set_defaults(func=run_add)
    p = user.add_parser("list", help="gebruikers tonen")
    add_format(p)
    p.set_defaults(func=run_list)
    for verb in ("disable", "enable"):
        p = user.add_parser(verb, help="account uitschakelen" if verb == "disable" else "account weer inschakelen")
        p.add_argument("username")
        p.set_defaults(func=run_disable, disabled=verb == "disable")
    p = user.add_parser("languages", help="de talen die een interviewer spreekt naast Nederlands (bijv. ar,en)")
    p.add_argument("username")
    p.add_argument("languages", help="taalcodes of -namen met komma's ertussen (ar,en of Arabisch,Engels); "
                                     "'' = alleen Nederlands")
    p.set_defaults(func=run_languages)
    p = user.add_parser("lockouts", help="namen en bronnen die na mislukte pogingen moeten wachten")
    add_format(p)
    p.set_defaults(func=run_lockouts)
    p = user.add_parser("unlock", help="een gebruikersnaam (op elke bron) of een bron weer laten inloggen")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("username", nargs="?")
    who.add_argument("--source", help="de bron (gebruiker@computer) uit 'cati user lockouts'")
    p.set_defaults(func=run_unlock)
    p = user.add_parser("token", help="token voor geplande taken (CATI_TOKEN)")
    p.add_argument("username")
    p.add_argument("--label", default="")
    p.set_defaults(func=run_token)

    audit = sub.add_parser("audit", help="audittrail bekijken of exporteren").add_subparsers(
        dest="audit_command", required=True)
    p = audit.add_parser("list")
    p.add_argument("--action")
    p.add_argument("--limit", type=int, default=50)
    add_format(p)
    p.set_defaults(func=run_audit_list)
    p = audit.add_parser("verify", help="controleer de hele audittrail: is er een regel gewijzigd, "
                                         "verwijderd of vervangen? (exitcode 1 als dat zo is)")
    add_format(p)
    p.set_defaults(func=run_audit_verify)
    p = audit.add_parser("export")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=run_audit_export)


def run_add(args: argparse.Namespace) -> int:
    services = open_services(args)
    try:
        roles = {parse_role(r) for r in args.role}
    except ValueError as e:
        raise CommandError(str(e)) from None
    actor = login(args, services) if services.users.has_users() else None
    password = read_password(args, f"Nieuw wachtwoord voor {args.username}: ")
    try:
        row = services.users.add_user(actor, args.username, password, roles, args.name)
    except UserError as e:
        raise CommandError(str(e)) from None
    print(f"Gebruiker {row.username} toegevoegd met rol(len): {', '.join(row.roles)}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    services = open_services(args)
    rows = services.users.list_users(login(args, services))
    if args.format == "json":
        print_json(rows)
    else:
        print_table(["gebruiker", "naam", "rollen", "talen", "uitgeschakeld", "mislukte pogingen"],
                    [(r.username, r.display_name, ",".join(r.roles), ",".join(("nl", *r.languages)),
                      "ja" if r.disabled else "nee", r.failed_logins) for r in rows])
    return 0


def run_lockouts(args: argparse.Namespace) -> int:
    services = open_services(args)
    rows = services.users.lockouts(login(args, services))
    if args.format == "json":
        print_json(rows)
    else:
        print_table(["soort", "naam", "bron", "mislukt", "wacht tot"],
                    [("naam" if r.kind == "name" else "bron", r.name, r.source, r.failures,
                      r.until.astimezone().strftime("%d-%m-%Y %H:%M:%S")) for r in rows])
    return 0


def run_unlock(args: argparse.Namespace) -> int:
    services = open_services(args)
    try:
        n = services.users.clear_lockout(login(args, services), name=args.username, source=args.source)
    except UserError as e:
        raise CommandError(str(e)) from None
    print(f"{n} teller(s) gewist; {args.username or args.source} kan weer inloggen.")
    return 0


def run_languages(args: argparse.Namespace) -> int:
    services = open_services(args)
    try:
        codes = services.users.set_languages(login(args, services), args.username, args.languages)
    except UserError as e:
        raise CommandError(str(e)) from None
    from cati.core.languages import name_nl

    spoken = ", ".join(name_nl(c) for c in ("nl", *codes))
    print(f"{args.username} spreekt: {spoken} ({','.join(('nl', *codes))}); geldt vanaf de volgende keer inloggen")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    services = open_services(args)
    try:
        services.users.set_disabled(login(args, services), args.username, args.disabled)
    except UserError as e:
        raise CommandError(str(e)) from None
    print(f"{args.username}: {'uitgeschakeld' if args.disabled else 'ingeschakeld'}")
    return 0


def run_token(args: argparse.Namespace) -> int:
    services = open_services(args)
    try:
        token = services.users.create_token(login(args, services), args.username, args.label)
    except UserError as e:
        raise CommandError(str(e)) from None
    print(token)
    return 0


def run_audit_list(args: argparse.Namespace) -> int:
    services = open_services(args)
    rows = services.audit.events(login(args, services), action=args.action, limit=args.limit)
    if args.format == "json":
        print_json(rows)
    else:
        print_table(["#", "tijd (UTC)", "gebruiker", "actie", "object", "details"],
                    [(r.id, r.at.strftime("%Y-%m-%d %H:%M:%S"), r.username, r.action,
                      f"{r.object_type} {r.object_id}".strip(), r.detail) for r in rows])
    return 0


def run_audit_export(args: argparse.Namespace) -> int:
    services = open_services(args)
    n = services.audit.export_csv(login(args, services), args.out)
    print(f"{n} auditregels geschreven naar {args.out}")
    return 0


def run_audit_verify(args: argparse.Namespace) -> int:
    services = open_services(args)
    actor = login(args, services)
    result = services.audit.verify(actor)
    if args.format == "json":
        print_json({"rows": result.rows, "intact": result.ok,
                    "broken_at": result.broken.row_id if result.broken else None,
                    "reason": result.broken.reason if result.broken else None})
    elif result.ok:
        print(f"Audittrail in orde: {result.rows} regels, elke schakel klopt.")
    else:
        print(f"Audittrail beschadigd: {result.broken}. Gecontroleerd tot en met regel {result.rows}.")
    return 0 if result.ok else 1
