"""Run the real desktop app on a database file, log in, take a case and answer N questions with the
keyboard; then write a status file and keep running until killed (tests/gui/test_desk_crash.py).

    python tests/gui/desk_driver.py --db sqlite:///x.sqlite --clock 2026-03-02T10:00:00+00:00 \
        --user anna --password welkom-anna --answers 6 --status status.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def wait_until(app, condition: Callable[[], bool], timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("desk_driver: timed out")
        app.processEvents()
        time.sleep(0.005)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--clock", required=True, help="the services' time at start (ISO, aware)")
    parser.add_argument("--user", default="anna")
    parser.add_argument("--password", default="welkom-anna")
    parser.add_argument("--answers", type=int, default=5)
    parser.add_argument("--status", required=True)
    args = parser.parse_args()

    from PySide6.QtCore import Qt

    from cati.container import build_services
    from cati.gui.app import make_application
    from cati.gui.main_window import MainWindow
    from cati.gui.tasks import TaskRunner
    from tests.gui import desk_keys as dk

    start, t0 = datetime.fromisoformat(args.clock), time.monotonic()

    def clock() -> datetime:
        return start + timedelta(seconds=time.monotonic() - t0)

    app = make_application("nl")
    runner = TaskRunner()
    window = MainWindow(runner)
    window.show()
    window.activateWindow()
    runner.submit(lambda: build_services(args.db, clock=clock), window.set_services, window.show_startup_error)
    wait_until(app, lambda: window.services is not None)
    page = window.login_page
    dk.QTest.keyClicks(page.username, args.user)
    dk.QTest.keyClicks(page.password, args.password)
    dk.QTest.keyClick(page.password, Qt.Key.Key_Return)
    wait_until(app, lambda: window.actor is not None)
    desk = window.tabs.currentWidget().desk  # type: ignore[attr-defined]
    wait_until(app, lambda: not desk.queue.busy and runner.pending == 0)
    dk.key(desk, Qt.Key.Key_F5)
    wait_until(app, lambda: desk.current_screen == "caseScreen" and runner.pending == 0)
    dk.key(desk, Qt.Key.Key_F2)
    dk.key(desk, Qt.Key.Key_F4)
    wait_until(app, lambda: desk.current_screen == "questionScreen" and runner.pending == 0)
    answered = [dk.answer_current(desk) for _ in range(args.answers)]
    wait_until(app, lambda: runner.pending == 0)  # every answer committed
    status = {"case_id": desk.card.case_id, "interview_id": desk.interview_id, "answered": answered,
              "position": desk.engine.position, "form_id": desk.card.form_id}
    tmp = Path(args.status + ".tmp")
    tmp.write_text(json.dumps(status), encoding="utf-8")
    tmp.replace(args.status)
    print("READY", flush=True)
    return app.exec()  # the interviewer keeps working… until the parent kills the process


if __name__ == "__main__":
    raise SystemExit(main())
