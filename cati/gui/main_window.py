"""The main window: composes the login page and the work areas; it holds no screen logic itself."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QStackedWidget, QTabWidget, QWidget

from cati.accounts.rules.roles import Actor, Role
from cati.gui.login import LoginPage
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named

if TYPE_CHECKING:  # the services (and SQLAlchemy) load on the worker thread, after the window shows
    from cati.container import Services


class MainWindow(QMainWindow):
    ready = Signal()  # services are built and the login page accepts input
    areas_shown = Signal()  # a user logged in and the work areas are in place

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services: Services | None = None
        self.actor: Actor | None = None
        self.setWindowTitle(self.tr("cati — telephone interviews Blik op Werk"))
        self.resize(1366, 768)
        self.setMinimumSize(1024, 640)

        self.stack = QStackedWidget()
        self.login_page = LoginPage(runner)
        self.tabs = named(QTabWidget(), "areas")
        self.tabs.setDocumentMode(True)
        self.stack.addWidget(self.login_page)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        self.db_label = named(QLabel(self.tr("Database: connecting…")), "dbLabel")
        self.user_label = named(QLabel(self.tr("Not logged in")), "userLabel")
        self.busy_label = named(QLabel(""), "busyLabel")
        self.statusBar().addWidget(self.db_label, 1)
        self.statusBar().addPermanentWidget(self.busy_label)
        self.statusBar().addPermanentWidget(self.user_label)
        runner.busy_changed.connect(lambda busy: self.busy_label.setText(self.tr("working…") if busy else ""))

        menu = self.menuBar().addMenu(self.tr("&File"))
        self.logout_action = QAction(self.tr("Log &out"), self)
        self.logout_action.setEnabled(False)
        self.logout_action.triggered.connect(self.logout)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menu.addAction(self.logout_action)
        menu.addSeparator()
        menu.addAction(quit_action)

        self.login_page.logged_in.connect(self.on_logged_in)
        self.tabs.currentChanged.connect(self.focus_area)

    # -- start-up ----------------------------------------------------------------------
    def set_services(self, services: Services) -> None:
        self.services = services
        self.db_label.setText(self.tr("Database: %s") % services.db.describe())
        self.login_page.set_services(services)
        self.ready.emit()

    def show_startup_error(self, exc: BaseException) -> None:
        self.db_label.setText(self.tr("Database: not available"))
        self.login_page.message.setText(self.tr("The database could not be opened: %s") % exc)
        QMessageBox.critical(self, self.tr("cati"), self.tr("The database could not be opened:\n%s") % exc)

    # -- session -------------------------------------------------------------------------
    def on_logged_in(self, actor: Actor) -> None:
        assert self.services is not None
        self.actor = actor
        roles = ", ".join(self.role_name(r) for r in sorted(actor.roles, key=list(Role).index))
        self.user_label.setText(self.tr("%1 (%2)").replace("%1", actor.username).replace("%2", roles))
        self.tabs.clear()
        for area, title in self.areas_for(actor):
            self.tabs.addTab(area, title)
        self.stack.setCurrentWidget(self.tabs)
        self.logout_action.setEnabled(True)
        self.focus_area()
        self.areas_shown.emit()

    def focus_area(self, _index: int = -1) -> None:
        """Put the keyboard focus where work starts in the current area (not on the tab bar)."""
        area = self.tabs.currentWidget()
        if area is not None:
            getattr(area, "focus_start", area.setFocus)()

    def areas_for(self, actor: Actor) -> list[tuple[QWidget, str]]:
        """The work areas this user's roles give, in a fixed order."""
        assert self.services is not None
        # Imported here, not at the top: the login screen must appear before these heavy modules load.
        from cati.gui.areas.admin import AdminArea
        from cati.gui.areas.calls import CallsArea
        from cati.gui.areas.finance import FinanceArea
        from cati.gui.areas.supervision import SupervisionArea

        args = (self.services, self.runner, actor)
        areas: list[tuple[QWidget, str]] = []
        if actor.has_role(Role.INTERVIEWER):
            areas.append((CallsArea(*args), self.tr("Calls")))
        if actor.has_role(Role.SUPERVISOR):
            areas.append((SupervisionArea(*args), self.tr("Supervision")))
        if actor.has_role(Role.FINANCE):
            areas.append((FinanceArea(*args), self.tr("Finance")))
        if actor.has_role(Role.ADMIN):
            areas.append((AdminArea(*args), self.tr("Admin")))
        return areas

    def role_name(self, role: Role) -> str:
        return {
            Role.INTERVIEWER: self.tr("interviewer"),
            Role.SUPERVISOR: self.tr("supervisor"),
            Role.FINANCE: self.tr("finance"),
            Role.ADMIN: self.tr("admin"),
        }[role]

    def logout(self) -> bool:
        """Log out, unless an area says it is busy (e.g. a case without an outcome). Areas are
        closed and deleted, so their timers stop and nothing of this user stays on screen."""
        areas = [self.tabs.widget(i) for i in range(self.tabs.count())]
        for area in areas:
            reason = getattr(area, "busy_reason", lambda: "")()
            if reason:
                self.inform(self.tr("Log out"), reason)
                return False
        for area in areas:
            getattr(area, "close_area", lambda: None)()
        self.tabs.clear()
        for area in areas:
            if area is not None:
                area.deleteLater()
        self.actor = None
        self.stack.setCurrentWidget(self.login_page)
        self.user_label.setText(self.tr("Not logged in"))
        self.logout_action.setEnabled(False)
        self.login_page.username.setFocus()
        return True

    def inform(self, title: str, text: str) -> None:
        """Tell the user something; tests replace this to read the message."""
        QMessageBox.information(self, title, text)

    def closeEvent(self, event):  # type: ignore[no-untyped-def]
        for i in range(self.tabs.count()):  # the desk hangs up and stops its softphone
            getattr(self.tabs.widget(i), "close_area", lambda: None)()
        self.runner.shutdown()
        super().closeEvent(event)
