"""The test suite's own time (issue 13: "the whole ./scripts/test from a warm .venv at most half of
today's time, with every test still there"; that day, 2026-12-05, it took 139.8 s for 847 tests).

Two figures, each a whole ``./scripts/test`` run (lint, types, contracts, PostgreSQL started, pytest)
from this checkout's warm ``.venv``:

- ``suite_whole_s``: every test of today;
- ``suite_carried_over_s``: the tests that were in the suite of that day and are still there, found by
  their names in the suite of commit ``BASELINE`` (the last before issue 13's work); the few names that
  are gone belonged to code the issue itself removed (the hand-written .sav and .xlsx code, the claim's
  fallback path, the layer checks import-linter took over).

``./scripts/bench suite`` (about four minutes; the machine should be otherwise idle)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import ROOT, Figure, bench

BASELINE = "4a4e849"  # the suite of 2026-12-05, before issue 13: 847 tests, 139.8 s
BASELINE_SECONDS = 139.8


def _baseline_names() -> set[str]:
    out = subprocess.run(["git", "grep", "-h", "-o", r"def test_[A-Za-z0-9_]*", BASELINE, "--", "tests"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return {line.split(":")[-1].removeprefix("def ").strip() for line in out.splitlines() if line.strip()}


def _run(extra: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([str(ROOT / "scripts" / "test"), "-q", *extra], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"./scripts/test failed: {last}")
    return seconds, last


@bench
def suite(args: object) -> list[Figure]:
    env = {k: v for k, v in os.environ.items() if k != "CATI_BENCH_PG_URL"}
    whole, whole_tally = _run([], env)
    print(f"# whole suite: {whole_tally}", file=sys.stderr)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as names:
        names.write("\n".join(sorted(_baseline_names())))
    try:
        env = {**env, "CATI_SUITE_NAMES": names.name,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parent), env.get("PYTHONPATH")]))}
        carried, carried_tally = _run(["-p", "suite_names"], env)
    finally:
        os.unlink(names.name)
    print(f"# tests of {BASELINE} still there: {carried_tally}", file=sys.stderr)
    return [
        Figure("suite_whole_s", whole, "s", "-"),
        Figure("suite_carried_over_s", carried, "s", f"<={BASELINE_SECONDS / 2:.1f}"),
    ]
