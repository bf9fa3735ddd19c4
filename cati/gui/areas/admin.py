"""Admin area: users (add, roles, languages, disable), lock-outs after failed logins, the audit trail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from cati.accounts.rules.roles import Actor, Role
from cati.accounts.service.audit import AuditRow
from cati.accounts.service.users import Lockout, UserError, UserRow
from cati.container import Services
from cati.gui.areas.admin_settings import SettingsBox
from cati.gui.table_model import Column, RowTableModel
from cati.gui.tasks import TaskRunner
from cati.gui.widgets import named


class AdminArea(QWidget):
    def __init__(self, services: Services, runner: TaskRunner, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services, self.runner, self.actor = services, runner, actor
        self.users_model: RowTableModel[UserRow] = RowTableModel([
            Column(self.tr("User"), lambda r: r.username),
            Column(self.tr("Name"), lambda r: r.display_name),
            Column(self.tr("Roles"), lambda r: ", ".join(r.roles)),
            Column(self.tr("Languages besides Dutch"), lambda r: ", ".join(r.languages)),
            Column(self.tr("Disabled"), lambda r: self.tr("yes") if r.disabled else self.tr("no")),
            Column(self.tr("Failed logins"), lambda r: r.failed_logins, align_right=True),
        ], self)
        self.audit_model: RowTableModel[AuditRow] = RowTableModel([
            Column(self.tr("When"), lambda r: r.at.astimezone().strftime("%d-%m-%Y %H:%M:%S")),
            Column(self.tr("User"), lambda r: r.username),
            Column(self.tr("Action"), lambda r: r.action),
            Column(self.tr("Object"), lambda r: f"{r.object_type} {r.object_id}".strip()),
            Column(self.tr("Details"), lambda r: ", ".join(f"{k}={v}" for k, v in sorted(r.detail.items()))),
        ], self)

        self.lockouts_model: RowTableModel[Lockout] = RowTableModel([
            Column(self.tr("Kind"), lambda r: self.tr("user name") if r.kind == "name" else self.tr("source")),
            Column(self.tr("User name typed"), lambda r: r.name),
            Column(self.tr("Source"), lambda r: r.source),
            Column(self.tr("Failed"), lambda r: r.failures, align_right=True),
            Column(self.tr("Waits until"), lambda r: r.until.astimezone().strftime("%d-%m-%Y %H:%M:%S")),
        ], self)
        self.users_view = _table(self.users_model, "usersTable")
        self.lockouts_view = _table(self.lockouts_model, "lockoutsTable")
        self.audit_view = _table(self.audit_model, "auditTable")

        users_box = QGroupBox(self.tr("Users"))
        ub = QVBoxLayout(users_box)
        ub.addWidget(self.users_view)
        buttons = QHBoxLayout()
        self.disable_button = named(QPushButton(self.tr("Disable / enable selected")), "toggleDisabled")
        buttons.addWidget(self.disable_button)
        buttons.addStretch(1)
        ub.addLayout(buttons)
        languages = QHBoxLayout()
        languages.addWidget(QLabel(self.tr("Languages of the selected user besides Dutch:")))
        self.languages_edit = named(QLineEdit(), "languagesEdit")
        self.languages_edit.setPlaceholderText(self.tr("codes or names, e.g. ar, en, tr"))
        self.languages_button = named(QPushButton(self.tr("Set languages")), "setLanguages")
        languages.addWidget(self.languages_edit, 1)
        languages.addWidget(self.languages_button)
        ub.addLayout(languages)
        self.languages_hint = named(QLabel(self.tr(
            "Cases in a language go only to interviewers who speak it; a change counts from their next login.")),
            "languagesHint")
        self.languages_hint.setWordWrap(True)
        ub.addWidget(self.languages_hint)

        add_box = QGroupBox(self.tr("Add user"))
        form = QFormLayout(add_box)
        self.new_username = named(QLineEdit(), "newUsername")
        self.new_name = named(QLineEdit(), "newName")
        self.new_password = named(QLineEdit(), "newPassword")
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.role_boxes = {r: named(QCheckBox(self.role_label(r)), f"role_{r.value}") for r in Role}
        roles_row = QHBoxLayout()
        for box in self.role_boxes.values():
            roles_row.addWidget(box)
        form.addRow(self.tr("User name"), self.new_username)
        form.addRow(self.tr("Full name"), self.new_name)
        form.addRow(self.tr("Password"), self.new_password)
        form.addRow(self.tr("Roles"), roles_row)
        self.add_button = named(QPushButton(self.tr("Add")), "addUser")
        self.message = named(QLabel(""), "adminMessage")
        self.message.setWordWrap(True)
        form.addRow(self.add_button)
        form.addRow(self.message)

        audit_box = QWidget()
        ab = QVBoxLayout(audit_box)
        ab.addWidget(self.audit_view)
        export_row = QHBoxLayout()
        self.export_button = named(QPushButton(self.tr("Export audit trail…")), "exportAudit")
        export_row.addStretch(1)
        export_row.addWidget(self.export_button)
        ab.addLayout(export_row)
        lockouts_box = QWidget()
        lb = QVBoxLayout(lockouts_box)
        hint = named(QLabel(self.tr(
            "After failed logins a user name must wait at the computer it was typed at, and a computer that tried "
            "many names waits for every name. Clearing lets them try again at once.")), "lockoutsHint")
        hint.setWordWrap(True)
        lb.addWidget(hint)
        lb.addWidget(self.lockouts_view)
        clear_row = QHBoxLayout()
        self.clear_lockout_button = named(QPushButton(self.tr("Clear selected lock-out")), "clearLockout")
        clear_row.addStretch(1)
        clear_row.addWidget(self.clear_lockout_button)
        lb.addLayout(clear_row)
        self.settings_box = SettingsBox(services, runner, actor)
        lower = named(QTabWidget(), "adminLower")
        lower.addTab(audit_box, self.tr("Audit trail (newest first)"))
        lower.addTab(lockouts_box, self.tr("Lock-outs"))
        lower.addTab(self.settings_box, self.tr("Settings"))
        # how the export asks for a file name; tests replace it
        self.choose_export_file: Callable[[], str] = lambda: QFileDialog.getSaveFileName(
            self, self.tr("Export audit trail"), "audittrail.csv", "CSV (*.csv)")[0]

        top = QWidget()
        tl = QHBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(users_box, 3)
        tl.addWidget(add_box, 2)
        split = QSplitter()
        split.setOrientation(split.orientation().Vertical)
        split.addWidget(top)
        split.addWidget(lower)
        lay = QVBoxLayout(self)
        lay.addWidget(split)

        self.add_button.clicked.connect(self.add_user)
        self.disable_button.clicked.connect(self.toggle_disabled)
        self.languages_button.clicked.connect(self.set_languages)
        self.languages_edit.returnPressed.connect(self.set_languages)
        self.users_view.selectionModel().selectionChanged.connect(self._selected)
        self.export_button.clicked.connect(self.export_audit)
        self.clear_lockout_button.clicked.connect(self.clear_lockout)
        self.refresh()

    def refresh(self) -> None:
        users, audit, actor = self.services.users, self.services.audit, self.actor
        self.runner.submit(lambda: (users.list_users(actor), audit.events(actor, limit=500), users.lockouts(actor)),
                           self._show, self._error)

    def _show(self, data: tuple[list[UserRow], list[AuditRow], list[Lockout]]) -> None:
        sel = self.users_view.selectionModel().selectedRows()
        kept = self.users_model.row(sel[0].row()).username if sel else None
        self.users_model.set_rows(data[0])
        for i, r in enumerate(data[0]):
            if r.username == kept:  # the selected user stays selected
                self.users_view.selectRow(i)
        self.audit_model.set_rows(data[1])
        self.lockouts_model.set_rows(data[2])
        self.lockouts_view.resizeColumnsToContents()
        self.users_view.resizeColumnsToContents()
        self.audit_view.resizeColumnsToContents()

    def _error(self, exc: BaseException) -> None:
        self.message.setText(str(exc))

    def add_user(self) -> None:
        roles = {r for r, box in self.role_boxes.items() if box.isChecked()}
        username, name, password = self.new_username.text(), self.new_name.text(), self.new_password.text()
        users, actor = self.services.users, self.actor
        self.runner.submit(lambda: users.add_user(actor, username, password, roles, name), self._added, self._error)

    def _added(self, row: UserRow) -> None:
        self.message.setText(self.tr("User %s added.") % row.username)
        for w in (self.new_username, self.new_name, self.new_password):
            w.clear()
        for box in self.role_boxes.values():
            box.setChecked(False)
        self.refresh()

    def role_label(self, role: Role) -> str:
        return {
            Role.INTERVIEWER: self.tr("interviewer"),
            Role.SUPERVISOR: self.tr("supervisor"),
            Role.FINANCE: self.tr("finance"),
            Role.ADMIN: self.tr("admin"),
        }[role]

    def export_audit(self) -> None:
        name = self.choose_export_file()
        if not name:
            return
        audit, actor, path = self.services.audit, self.actor, Path(name)

        def done(n: int) -> None:
            self.message.setText(self.tr("Audit rows written: %s") % n)
            self.refresh()

        self.runner.submit_long(lambda: audit.export_csv(actor, path), done, self._error)

    def _selected(self, *_args: object) -> None:
        sel = self.users_view.selectionModel().selectedRows()
        if sel:
            self.languages_edit.setText(", ".join(self.users_model.row(sel[0].row()).languages))

    def set_languages(self) -> None:
        """The languages of the selected user (besides Dutch), from the line: codes or names."""
        sel = self.users_view.selectionModel().selectedRows()
        if not sel:
            self.message.setText(self.tr("Select a user first."))
            return
        row = self.users_model.row(sel[0].row())
        users, actor, text = self.services.users, self.actor, self.languages_edit.text()

        def done(codes: tuple[str, ...]) -> None:
            shown = ", ".join(codes) if codes else self.tr("Dutch only")
            self.message.setText(self.tr("%1 speaks: %2. This counts from their next login.")
                                 .replace("%1", row.username).replace("%2", shown))
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.message.setText(str(exc) if isinstance(exc, UserError) else repr(exc))

        self.runner.submit(lambda: users.set_languages(actor, row.username, text), done, failed)

    def clear_lockout(self) -> None:
        """The selected lock-out: a user name at every computer, or a computer for every name."""
        sel = self.lockouts_view.selectionModel().selectedRows()
        if not sel:
            self.message.setText(self.tr("Select a lock-out first."))
            return
        row = self.lockouts_model.row(sel[0].row())
        users, actor = self.services.users, self.actor
        who = row.name if row.kind == "name" else row.source

        def work() -> int:
            if row.kind == "name":
                return users.clear_lockout(actor, name=row.name)
            return users.clear_lockout(actor, source=row.source)

        def done(_: object) -> None:
            self.message.setText(self.tr("%s may log in again.") % who)
            self.refresh()

        self.runner.submit(work, done, self._error)

    def toggle_disabled(self) -> None:
        sel = self.users_view.selectionModel().selectedRows()
        if not sel:
            self.message.setText(self.tr("Select a user first."))
            return
        row = self.users_model.row(sel[0].row())
        users, actor = self.services.users, self.actor

        def work() -> None:
            users.set_disabled(actor, row.username, not row.disabled)

        def done(_: object) -> None:
            self.message.setText("")
            self.refresh()

        def failed(exc: BaseException) -> None:
            self.message.setText(str(exc) if isinstance(exc, UserError) else repr(exc))

        self.runner.submit(work, done, failed)


def _table(model: RowTableModel[object] | RowTableModel[UserRow] | RowTableModel[AuditRow] | RowTableModel[Lockout],
           name: str) -> QTableView:
    view = named(QTableView(), name)
    view.setModel(model)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view
