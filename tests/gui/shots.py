"""Screenshots from GUI tests: saved to docs/screenshots/ when CATI_SCREENSHOTS is set.

``./scripts/screenshots`` runs the GUI tests with it set; a normal test run writes nothing.
The window is resized to 1366x768 (the smallest screen the call center uses) before grabbing.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget


def save_screenshot(widget: QWidget, name: str, size: tuple[int, int] | None = (1366, 768)) -> Path | None:
    target = os.environ.get("CATI_SCREENSHOTS")
    if not target:
        return None
    window = widget.window()
    if size:
        window.resize(*size)
    for _ in range(5):
        QApplication.processEvents()
    path = Path(target) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))
    return path
