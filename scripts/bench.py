#!/usr/bin/env python3
"""cati's benchmarks. Run through scripts/bench (it starts PostgreSQL). Figures are printed as
``name value unit target`` lines, or all at once as JSON with --json. Add a benchmark with @bench."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str

    def line(self) -> str:
        return f"{self.name} {self.value:.3f} {self.unit} {self.target}"


BENCHES: dict[str, Callable[[argparse.Namespace], list[Figure]]] = {}


def bench(fn: Callable[[argparse.Namespace], list[Figure]]) -> Callable[[argparse.Namespace], list[Figure]]:
    """Register a benchmark. Benchmarks live in scripts/benches/*.py, one module per area."""
    BENCHES[fn.__name__] = fn
    return fn


def load_benches() -> None:
    import importlib.util

    sys.modules.setdefault("bench", sys.modules[__name__])  # benches import this module as `bench`
    for path in sorted((ROOT / "scripts" / "benches").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"benches.{path.stem}", path)
        assert spec and spec.loader
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


def machine() -> dict[str, str]:
    pg = "not running"
    url = os.environ.get("CATI_BENCH_PG_URL")
    if url:
        import sqlalchemy as sa

        eng = sa.create_engine(url)
        with eng.connect() as conn:
            pg = str(conn.exec_driver_sql("SHOW server_version").scalar())
        eng.dispose()
    return {
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg,
        "platform": platform.platform(),
    }


def main() -> int:
    load_benches()
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default all): {', '.join(BENCHES)}")
    args = parser.parse_args()
    unknown = [n for n in args.names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    names = args.names or list(BENCHES)
    info = machine()
    figures: list[Figure] = []
    if not args.json:
        print("machine " + " ".join(f"{k}={v!r}" for k, v in info.items()))
    for name in names:
        for fig in BENCHES[name](args):
            figures.append(fig)
            if not args.json:
                print(fig.line(), flush=True)
    if args.json:
        print(json.dumps({"machine": info, "figures": [asdict(f) for f in figures]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
