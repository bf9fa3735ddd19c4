"""Start-up: process spawn to the login screen shown, and to the login being usable."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import Figure, bench


@bench
def cold_start(args: argparse.Namespace) -> list[Figure]:
    """`cati gui --screenshot` on a demo database; the app reports its own milestones (CATI_STARTUP_T0)."""
    runs = 3 if args.quick else 7
    shown: list[float] = []
    usable: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        env = {**os.environ, "CATI_CACHE": tmp}
        subprocess.run([sys.executable, "-m", "cati", "--db", str(db), "demo", "--clients", "20"],
                       check=True, capture_output=True, env=env)
        for i in range(runs):
            env["CATI_STARTUP_T0"] = repr(time.time())
            done = subprocess.run(
                [sys.executable, "-m", "cati", "--db", str(db), "gui", "--screenshot", str(Path(tmp) / f"{i}.png")],
                check=True, capture_output=True, text=True, env=env)
            marks = dict(line.split()[1:3] for line in done.stderr.splitlines() if line.startswith("startup "))
            shown.append(float(marks["login_screen_shown"]))
            usable.append(float(marks["login_usable"]))
    return [
        Figure("cold_start_login_screen_median", statistics.median(shown), "s", "<=1.5"),
        Figure("cold_start_login_screen_max", max(shown), "s", "<=1.5"),
        Figure("cold_start_login_usable_median", statistics.median(usable), "s", "-"),
    ]
