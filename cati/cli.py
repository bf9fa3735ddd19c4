"""The headless face of cati: the same services the GUI uses, for supervisors, finance and admins.

``cati [--db URL] [gui]`` opens the app; every other command is a sub-command (``cati --help``).
Every error a user can meet ends in one line on standard error and an exit code
(:mod:`cati.platform.failures`, README "Exit codes"); only a fault in cati itself shows a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from cati.accounts.rules.roles import PermissionDenied
from cati.commands.common import CommandError

# Command groups: every module in cati/commands with a register(subparsers) function, in this
# order first, then the others alphabetically.
FIRST = ("gui", "database", "users")


def command_modules() -> list[str]:
    import pkgutil

    import cati.commands

    found = sorted(m.name for m in pkgutil.iter_modules(cati.commands.__path__) if m.name != "common")
    return [n for n in FIRST if n in found] + [n for n in found if n not in FIRST]


GLOBAL_WITH_VALUE = ("--db", "--user")


def wants_gui(argv: Sequence[str]) -> bool:
    """Whether the command line opens the app: no command word, or ``gui``. Then only the gui
    command is registered, so the window appears without importing every service first."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in GLOBAL_WITH_VALUE:
            skip = True
            continue
        if arg in ("-h", "--help"):
            return False
        if arg.startswith("-"):
            continue
        return arg == "gui"
    return True


def build_parser(only: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cati",
        description="cati: telefonische enquêtes voor het tevredenheidsonderzoek Blik op Werk",
    )
    parser.add_argument("--db", metavar="URL", help="database-URL of pad naar een SQLite-bestand "
                        "(standaard: CATI_DATABASE_URL, anders het ingebouwde SQLite-bestand)")
    parser.add_argument("--user", metavar="NAAM", help="inloggen als deze gebruiker (of CATI_USER / CATI_TOKEN)")
    parser.add_argument("--password-stdin", action="store_true", help="lees het wachtwoord van standaardinvoer")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in only or command_modules():
        module = importlib.import_module(f"cati.commands.{name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(("gui",) if wants_gui(argv) else None)
    args, rest = parser.parse_known_args(argv)
    if args.command is None:  # `cati [--db URL]` opens the app; Qt options pass through
        args = parser.parse_args([*argv[: len(argv) - len(rest)], "gui", *rest])
    elif rest:
        parser.error(f"onbekende argumenten: {' '.join(rest)}")
    try:
        return int(args.func(args) or 0)
    except CommandError as e:
        print(f"cati: {e}", file=sys.stderr)
        return e.code
    except PermissionDenied as e:
        print(f"cati: geweigerd: {e}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `cati … | head`: the reader left; not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as e:  # named in one line when a user can meet it; a fault shows its traceback
        return failure_exit(e)


def failure_exit(exc: Exception) -> int:
    """Print a failure a user can meet (the database busy or gone, a full disk) as one line and return
    its exit code; anything else is a fault in cati: say so, print the traceback, exit code 70."""
    import traceback

    from cati.platform.failures import EXIT_INTERNAL, classify

    failure = classify(exc)
    if failure is not None:
        print(f"cati: {failure.message}", file=sys.stderr)
        return failure.code
    print("cati: interne fout (een fout in cati zelf, niet in uw invoer). Meld dit aan de beheerder, met de tekst "
          "hieronder.", file=sys.stderr)
    traceback.print_exception(exc, file=sys.stderr)
    return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
