"""`cati gui` (the default command): open the desktop app."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("gui", help="de app openen (standaard)")
    p.add_argument("--lang", choices=["nl", "en"], default="nl", help="taal van de schermen (standaard nl)")
    p.add_argument("--screenshot", type=Path, metavar="FILE", help="schrijf een PNG van het hoofdvenster en stop")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cati.gui.app import run_app  # PySide6 is imported only when the GUI is wanted

    return run_app(args)
