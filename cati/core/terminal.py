"""Reading a password at the terminal or from standard input (the CLI, and the app's ``--user``)."""

from __future__ import annotations

import getpass
import sys


class TerminalError(Exception):
    """Nothing to read (the message is Dutch, for the user)."""


def read_password(from_stdin: bool, prompt: str) -> str:
    """The first line of standard input when ``from_stdin`` or stdin is not a terminal; else asked for
    without echo."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise TerminalError("Geen wachtwoord ontvangen op standaardinvoer.")
        return line.rstrip("\r\n")
    return getpass.getpass(prompt)
