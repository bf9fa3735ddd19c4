"""Export."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from cati.domain.roles import Actor
from cati.gui.areas.placeholder import PendingArea
from cati.gui.tasks import TaskRunner
from cati.services.container import Services


class ExportPage(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        lay = QVBoxLayout(self)
        lay.addWidget(PendingArea(self.tr("Export"), self.tr("Exports of completed interviews come here.")))
