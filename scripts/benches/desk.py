"""The interviewer's desk on real widgets (offscreen): Enter to the next question drawn, over whole
interviews driven by the keyboard, with the answers saved in the background on a demo SQLite db."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import Figure, bench

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 11:00 in Amsterdam: calling hours
# Between two Enters the interviewer reads a question aloud and listens (seconds); the bench lets the
# event loop run this long before each Enter (the previous save commits, answer widgets get built).
READ_PAUSE = 0.1


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


@bench
def desk_next_question(args: argparse.Namespace) -> list[Figure]:
    """Per question: the Enter key press until the next question screen is painted (ms)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from cati.container import build_services
    from cati.gui.app import make_application
    from cati.gui.main_window import MainWindow
    from cati.gui.tasks import TaskRunner
    from cati.tools.demo import seed_demo
    from tests.gui import desk_keys as dk

    interviews = 2 if args.quick else 6
    times: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        services = build_services(f"sqlite:///{Path(tmp) / 'desk.sqlite'}", clock=lambda: NOW)
        seed_demo(services, seed=1, clients_per_provider=20)
        app = make_application("nl")
        runner = TaskRunner()
        window = MainWindow(runner)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        window.set_services(services)

        def wait(condition) -> None:  # type: ignore[no-untyped-def]
            end = time.monotonic() + 30
            while not condition():
                assert time.monotonic() < end, "desk bench: timed out"
                app.processEvents()
                time.sleep(0.001)

        dk.QTest.keyClicks(window.login_page.username, "anna")
        dk.QTest.keyClicks(window.login_page.password, "welkom-anna")
        dk.QTest.keyClick(window.login_page.password, Qt.Key.Key_Return)
        wait(lambda: window.actor is not None)
        desk = window.tabs.currentWidget().desk  # type: ignore[attr-defined]
        wait(lambda: runner.pending == 0 and desk.current_screen == "queueScreen")
        for _ in range(interviews):
            dk.key(desk, Qt.Key.Key_F5)
            wait(lambda: runner.pending == 0 and desk.current_screen == "caseScreen")
            dk.key(desk, Qt.Key.Key_F4)
            wait(lambda: runner.pending == 0 and desk.current_screen == "questionScreen")
            while desk.engine is not None and not desk.engine.finished and desk.current_screen == "questionScreen":
                q = desk.engine.question
                assert q is not None
                if q.closing:
                    break
                if q.type.value == "grid":
                    for _item in q.items:
                        dk.type_text(desk, "2")
                elif dk.default_keys(q):
                    dk.type_text(desk, dk.default_keys(q))
                read_aloud = time.monotonic() + READ_PAUSE  # the event loop runs while the interviewer talks
                while time.monotonic() < read_aloud:
                    app.processEvents()
                    time.sleep(0.002)
                target = dk.focused(desk)
                t0 = time.perf_counter()
                dk.QTest.keyClick(target, Qt.Key.Key_Return)
                desk.question.repaint()  # painted, not just laid out
                times.append(time.perf_counter() - t0)
                assert desk.engine.position != q.var, f"{q.var} was not accepted"
            dk.enter(desk)  # the closing screen: COMPLETE
            wait(lambda: runner.pending == 0 and desk.current_screen == "queueScreen")
        runner.shutdown()
        window.close()
        services.db.dispose()
        QApplication.processEvents()
    ms = [t * 1000 for t in times]
    return [
        Figure("desk_enter_to_next_question_p95", _p95(ms), "ms", "<=30"),
        Figure("desk_enter_to_next_question_median", statistics.median(ms), "ms", "info"),
        Figure("desk_enter_to_next_question_max", max(ms), "ms", "info"),
        Figure("desk_questions_measured", float(len(ms)), "n", "info"),
    ]
