"""Interface language: Dutch by default, compiled from resources/translations/*.ts at run time."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from cati.core.paths import cache_dir, resources_dir


def lrelease_command() -> list[str] | None:
    import PySide6

    here = Path(PySide6.__file__).parent
    for candidate in (here / "lrelease", here / "Qt" / "libexec" / "lrelease"):
        if candidate.exists():
            return [str(candidate)]
    found = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    return [found] if Path(found).exists() else None


def compiled_translation(lang: str) -> Path | None:
    """The .qm for ``lang``, compiled from its .ts when missing or older (idempotent, quick)."""
    ts = resources_dir() / "translations" / f"cati_{lang}.ts"
    if not ts.exists():
        return None
    qm = cache_dir() / f"cati_{lang}.qm"
    if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
        return qm
    cmd = lrelease_command()
    if cmd is None:
        return None
    subprocess.run([*cmd, "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install cati's and Qt's own translators for ``lang``; English needs none."""
    QLocale.setDefault(QLocale(QLocale.Language.Dutch if lang == "nl" else QLocale.Language.English,
                               QLocale.Country.Netherlands))
    if lang == "en":
        return []
    installed: list[QTranslator] = []
    qt = QTranslator(app)
    if qt.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    qm = compiled_translation(lang)
    ours = QTranslator(app)
    if qm is not None and ours.load(str(qm)):
        app.installTranslator(ours)
        installed.append(ours)
    return installed
