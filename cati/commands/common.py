"""What the CLI commands share: opening the database, logging in, printing tables or JSON."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cati.accounts.rules.roles import Actor
from cati.core.terminal import TerminalError
from cati.core.terminal import read_password as _read_password

if TYPE_CHECKING:  # imported where used: `cati gui` must not load the services before the window
    from cati.container import Services

ENV_TOKEN = "CATI_TOKEN"
ENV_USER = "CATI_USER"


class CommandError(Exception):
    """A problem the user can fix; printed without a traceback, exit code 2 (or the code given: 4 when
    the database stayed busy, 70 for a fault cati found in itself, see ``cati.platform.failures``)."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


def read_password(args: argparse.Namespace, prompt: str) -> str:
    """The password: the first line of standard input (``--password-stdin`` or not a terminal), else
    asked for without echo."""
    try:
        return _read_password(bool(getattr(args, "password_stdin", False)), prompt)
    except TerminalError as e:
        raise CommandError(str(e)) from None


def open_services(args: argparse.Namespace) -> Services:
    from cati.container import build_services

    return build_services(getattr(args, "db", None))


def login(args: argparse.Namespace, services: Services) -> Actor:
    """Log in like the GUI does: a token from CATI_TOKEN, or a user name and password."""
    from cati.accounts.service.users import LoginFailed

    token = os.environ.get(ENV_TOKEN)
    if token:
        try:
            return services.users.login_token(token)
        except LoginFailed as e:
            raise CommandError(str(e)) from None
    username = getattr(args, "user", None) or os.environ.get(ENV_USER)
    if not username:
        if not sys.stdin.isatty():
            raise CommandError("Inloggen nodig: geef --user NAAM (wachtwoord via --password-stdin) of zet CATI_TOKEN.")
        username = input("Gebruiker: ").strip()
    password = read_password(args, "Wachtwoord: ")
    try:
        return services.users.login(username, password)
    except LoginFailed as e:
        raise CommandError(str(e)) from None


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def print_json(value: Any) -> None:
    json.dump(_plain(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text for the terminal: a control character (an escape sequence in a name from a client file, a
    line break in a cell) is shown as its code (``\\x1b``), never sent to the terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(h) for h in headers]] + [["" if c is None else printable(str(c)) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def add_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["table", "json"], default="table", help="uitvoer voor mensen of scripts")
