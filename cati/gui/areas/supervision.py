"""Supervision area: progress, the call order, providers and imports, exports, report figures (one tab each)."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from cati.accounts.rules.roles import Actor
from cati.container import Services
from cati.gui.areas.supervision_export import ExportPage
from cati.gui.areas.supervision_order import OrderPage
from cati.gui.areas.supervision_progress import ProgressPage
from cati.gui.areas.supervision_providers import ProvidersPage
from cati.gui.areas.supervision_report import ReportPage
from cati.gui.tasks import TaskRunner


class SupervisionArea(QTabWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supervisionTabs")
        self.progress = ProgressPage(services, runner, actor)
        self.providers = ProvidersPage(services, runner, actor)
        self.export = ExportPage(services, runner, actor)
        self.report = ReportPage(services, runner, actor)
        self.order = OrderPage(services, runner, actor)
        self.addTab(self.progress, self.tr("Progress"))
        self.addTab(self.order, self.tr("Call order"))
        self.addTab(self.providers, self.tr("Providers and client files"))
        self.addTab(self.export, self.tr("Export"))
        self.addTab(self.report, self.tr("Report figures"))
