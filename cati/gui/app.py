"""Start the desktop app: QApplication, language, style, main window, background start-up."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from cati.core.paths import resources_dir
from cati.gui.i18n import install_translators
from cati.gui.main_window import MainWindow
from cati.gui.tasks import TaskRunner


def make_application(lang: str = "nl", argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationName("cati")
    app.setOrganizationName("cati")
    app._cati_translators = install_translators(app, lang)  # type: ignore[attr-defined]  # keep alive
    style = resources_dir() / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def run_app(args: argparse.Namespace) -> int:
    app = make_application(args.lang)
    runner = TaskRunner()
    window = MainWindow(runner)
    screenshot: Path | None = args.screenshot
    password: str | None = None
    if args.user:
        from cati.core.terminal import read_password

        password = read_password(bool(getattr(args, "password_stdin", False)), "Wachtwoord: ")

    def grab_and_quit() -> None:
        assert screenshot is not None
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(screenshot))
        print(f"screenshot: {screenshot}")
        app.quit()

    def on_ready() -> None:
        if args.user and password is not None:
            window.login_page.username.setText(args.user)
            window.login_page.password.setText(password)
            window.login_page.try_login()
        elif screenshot is not None:
            QTimer.singleShot(300, grab_and_quit)

    if screenshot is not None:
        window.areas_shown.connect(lambda: QTimer.singleShot(500, grab_and_quit))

        def give_up() -> None:
            print(f"cati: no screenshot: {window.login_page.message.text()}", file=sys.stderr)
            app.exit(1)

        QTimer.singleShot(30_000, give_up)
    window.ready.connect(on_ready)
    t0 = os.environ.get("CATI_STARTUP_T0")  # set by scripts/bench: wall-clock time of the spawn
    if t0:

        def report(what: str) -> None:
            print(f"startup {what} {time.time() - float(t0):.3f}", file=sys.stderr)

        QTimer.singleShot(0, lambda: report("login_screen_shown"))
        window.ready.connect(lambda: report("login_usable"))
    window.show()
    db_url = args.db

    def start_services() -> object:
        # On the worker thread: importing SQLAlchemy and the services, and upgrading the schema,
        # happen while the login screen is already on screen.
        from cati.container import build_services

        return build_services(db_url)

    runner.submit(start_services, window.set_services, window.show_startup_error)
    code = app.exec()
    runner.shutdown()
    return int(code)
