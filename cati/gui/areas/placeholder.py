"""An area whose screens arrive with a later issue: says plainly what it will hold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from cati.gui.widgets import named


class PendingArea(QWidget):
    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        heading = named(QLabel(title), "pageTitle")
        body = named(QLabel(text), "pageText")
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        lay.addWidget(heading)
        lay.addWidget(body)
        lay.addStretch(1)
