"""Interface language: Dutch by default, compiled from resources/translations/*.ts at run time."""

from __future__ import annotations

import hashlib
import os
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
    """The .qm for ``lang``, compiled from its .ts when there is none for this very .ts yet.

    The compiled file is named by a hash of the .ts's content, so two versions or checkouts of cati
    that share the user's cache folder never read each other's (an mtime comparison would: an
    upgrade may bring an older-dated .ts); it is compiled beside and moved into place, so two desks
    starting at once never read half a file."""
    ts = resources_dir() / "translations" / f"cati_{lang}.ts"
    if not ts.exists():
        return None
    digest = hashlib.sha256(ts.read_bytes()).hexdigest()[:16]
    qm = cache_dir() / f"cati_{lang}_{digest}.qm"
    if qm.exists():
        return qm
    cmd = lrelease_command()
    if cmd is None:
        return None
    partial = qm.with_name(f"{qm.stem}.{os.getpid()}.partial.qm")
    subprocess.run([*cmd, "-silent", str(ts), "-qm", str(partial)], check=True)
    os.replace(partial, qm)
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
