#!/usr/bin/env python3
"""Maintain the Dutch translation (resources/translations/cati_nl.ts).

  scripts/i18n.py update      re-extract tr() strings from cati/gui (keeps existing translations)
  scripts/i18n.py check       list strings without a Dutch translation (exit 1 if any)
  scripts/i18n.py fill [TSV...]  set translations from "source<TAB>translation" lines (\\n for
                              newlines), from the files given or from standard input
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "cati_nl.ts"


def unfinished(ts: Path = TS) -> list[tuple[str, str]]:
    tree = ET.parse(ts)
    out = []
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name", "")
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") or not (tr.text or "").strip():
                if tr is not None and tr.get("type") in ("vanished", "obsolete"):
                    continue
                out.append((name, msg.findtext("source", "")))
    return out


def update() -> None:
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    sources = sorted(str(p) for p in (ROOT / "cati" / "gui").rglob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(TS), "-target-language", "nl_NL", "-no-obsolete",
                    "-locations", "none"], check=True)


def fill(lines: list[str]) -> int:
    table = {}
    for line in lines:
        if "\t" in line:
            src, dst = line.rstrip("\n").split("\t", 1)
            table[src.replace("\\n", "\n")] = dst.replace("\\n", "\n")
    tree = ET.parse(TS)
    n = 0
    for msg in tree.getroot().iter("message"):
        src = msg.findtext("source", "")
        tr = msg.find("translation")
        if src in table and tr is not None:
            tr.text = table[src]
            tr.attrib.pop("type", None)
            n += 1
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    return n


def main() -> int:
    cmd = sys.argv[1] if len(sys.argv) > 1 else "check"
    if cmd == "update":
        update()
    elif cmd == "fill":
        lines: list[str] = []
        for name in sys.argv[2:]:
            lines += Path(name).read_text(encoding="utf-8").splitlines()
        print(f"{fill(lines if sys.argv[2:] else sys.stdin.readlines())} translations set")
    missing = unfinished()
    for ctx, src in missing:
        print(f"untranslated [{ctx}]: {src!r}")
    return 1 if missing and cmd == "check" else 0


if __name__ == "__main__":
    sys.exit(main())
