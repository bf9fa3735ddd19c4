"""Every interface string has a Dutch translation, and the .ts file is current with the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from cati.core.paths import resources_dir

TS = resources_dir() / "translations" / "cati_nl.ts"
ROOT = Path(__file__).resolve().parents[2]


def _messages(ts: Path) -> dict[tuple[str, str], ET.Element]:
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            assert tr is not None
            if tr.get("type") in ("vanished", "obsolete"):
                continue
            out[(ctx.findtext("name", ""), msg.findtext("source", ""))] = tr
    return out


def test_every_string_is_translated() -> None:
    missing = [k for k, tr in _messages(TS).items() if tr.get("type") == "unfinished" or not (tr.text or "").strip()]
    assert missing == [], f"untranslated, run scripts/i18n.py: {missing}"


def test_ts_file_is_current_with_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.ts"
    shutil.copy(TS, fresh)
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    sources = sorted(str(p) for p in (ROOT / "cati" / "gui").rglob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(fresh), "-no-obsolete", "-locations", "none"],
                   check=True, capture_output=True)
    assert set(_messages(fresh)) == set(_messages(TS)), "run scripts/i18n.py update and translate"


def test_every_context_is_a_gui_class() -> None:
    """``self.tr`` looks strings up under the class name; an alias like ``tr = self.tr`` or a helper
    function loses that context in lupdate, and the string silently stays English at run time."""
    import ast

    classes = {
        node.name
        for p in (ROOT / "cati" / "gui").rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
    }
    contexts = {ctx for ctx, _ in _messages(TS)}
    assert contexts <= classes, f"strings outside a class context: {sorted(contexts - classes)}"


def test_the_compiled_translation_belongs_to_this_ts_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The compiled .qm is named by its .ts's content: another checkout or version sharing the cache
    folder, even with a newer file, is never read for this one."""
    from cati.gui import i18n

    monkeypatch.setenv("CATI_CACHE", str(tmp_path))
    qm = i18n.compiled_translation("nl")
    assert qm is not None and qm.parent == tmp_path and qm.stat().st_size > 1000
    stale = tmp_path / "cati_nl.qm"  # how an older version named it
    stale.write_bytes(b"not ours")
    other = tmp_path / "cati_nl_0000000000000000.qm"  # another version's, newer
    other.write_bytes(b"not ours either")
    assert i18n.compiled_translation("nl") == qm and qm.read_bytes()[:4] != b"not "
    assert not list(tmp_path.glob("*.partial.qm"))
