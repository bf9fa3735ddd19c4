"""Calls: the interviewer's desk (see cati/gui/desk)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from cati.accounts.rules.roles import Actor
from cati.container import Services
from cati.gui.desk import Desk
from cati.gui.tasks import TaskRunner


class CallsArea(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self.desk = Desk(services, runner, actor)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.desk)

    def focus_start(self) -> None:
        self.desk.focus_current()

    def busy_reason(self) -> str:
        """Why the user may not log out now ("" when free)."""
        if self.desk.card is not None:
            return self.tr("Record an outcome for the open case first (%s).") % self.desk.card.client_name
        return ""

    def close_area(self) -> None:
        self.desk.shutdown()  # stops the lease timer, hangs up, stops the softphone
