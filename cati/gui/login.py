"""The login page: name and password; the roles of the user decide which areas show."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cati.accounts.rules.roles import Actor
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named

if TYPE_CHECKING:
    from cati.container import Services


class LoginPage(QWidget):
    logged_in = Signal(object)  # Actor

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.services: Services | None = None
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = named(QFrame(), "loginBox")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setMaximumWidth(460)
        lay = QVBoxLayout(box)
        title = named(QLabel(self.tr("Log in to cati")), "pageTitle")
        lay.addWidget(title)
        form = QFormLayout()
        self.username = named(QLineEdit(), "username")
        self.password = named(QLineEdit(), "password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        lay.addLayout(form)
        self.message = named(QLabel(""), "loginMessage")
        self.message.setWordWrap(True)
        lay.addWidget(self.message)
        self.button = named(QPushButton(self.tr("Log in")), "loginButton")
        self.button.setDefault(True)
        self.button.setEnabled(False)
        lay.addWidget(self.button)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        self.button.clicked.connect(self.try_login)
        self.password.returnPressed.connect(self.try_login)
        self.username.returnPressed.connect(self.password.setFocus)
        self.message.setText(self.tr("Connecting to the database…"))

    def set_services(self, services: Services) -> None:
        self.services = services
        self.button.setEnabled(True)
        self.message.setText("")
        self.username.setFocus()

    def try_login(self) -> None:
        if self.services is None or not self.button.isEnabled():
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.message.setText(self.tr("Enter your user name and password."))
            return
        self.button.setEnabled(False)
        self.message.setText(self.tr("Checking…"))
        users = self.services.users
        self.runner.submit(lambda: users.login(username, password), self._done, self._failed)

    def _done(self, actor: Actor) -> None:
        self.password.clear()
        self.message.setText("")
        self.button.setEnabled(True)
        self.logged_in.emit(actor)

    def _failed(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.password.clear()
        self.password.setFocus()
        from cati.accounts.service.users import LoginFailed  # loaded by now: the worker raised it

        if isinstance(exc, LoginFailed):
            self.message.setText(str(exc))
        else:
            self.message.setText(self.tr("Logging in failed: %s") % exc)
