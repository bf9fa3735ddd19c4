"""A desktop that dies mid-interview loses nothing: the real app runs in a subprocess, answers
questions through the real widgets and is killed with SIGKILL; a restarted app offers the case and
resumes the interview at the right question with every earlier answer."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from cati.container import build_services
from cati.gui.app import make_application
from cati.gui.main_window import MainWindow
from cati.gui.tasks import TaskRunner
from cati.interviews.rules.codec import answer_from_json
from cati.platform.models import Answer as AnswerRow
from cati.platform.models import CallCase, Interview
from cati.tools.demo import seed_demo
from tests.conftest import FakeClock
from tests.gui import desk_keys as dk
from tests.gui.test_main_window import login

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = 7


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_mid_interview_resumes_at_the_right_question(  # type: ignore[no-untyped-def]
    qtbot, tmp_path, sqlite_url, make_services
) -> None:
    url = sqlite_url
    clock = FakeClock()
    seeded = make_services(url, clock=clock)
    seed_demo(seeded, seed=1, clients_per_provider=10)  # its users' cheap hashes verify in the app below
    seeded.db.dispose()

    status = tmp_path / "status.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "gui" / "desk_driver.py"), "--db", url, "--clock",
         clock.now.isoformat(), "--answers", str(ANSWERS), "--status", str(status)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while not status.exists():
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"driver ended early ({proc.returncode}): {out.decode()} {err.decode()}")
            assert time.monotonic() < deadline, "driver did not get there in time"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)  # mid-interview: no clean shutdown, no release
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    got = json.loads(status.read_text(encoding="utf-8"))
    assert len(got["answered"]) == ANSWERS and got["position"] not in got["answered"]

    # restart: another process, a few minutes later, the same interviewer (the app's own composition)
    clock.advance(minutes=5)
    services = build_services(url, clock=clock)
    anna = services.users.login("anna", "welkom-anna")
    with services.db.unit_of_work() as s:
        iv = s.get(Interview, got["interview_id"])
        assert iv is not None and iv.status == "in_progress" and iv.current_variable == got["position"]
        stored = {r.variable: answer_from_json(r.value)
                  for r in s.scalars(select(AnswerRow).where(AnswerRow.interview_id == iv.id))}
        case = s.get(CallCase, got["case_id"])
        assert case is not None and case.held_by == anna.user_id
    assert set(stored) == set(got["answered"])  # every confirmed answer was committed

    make_application("nl")
    runner = TaskRunner()
    window = MainWindow(runner)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    with qtbot.waitSignal(window.ready, timeout=10_000):
        runner.submit(lambda: services, window.set_services)
    login(qtbot, window, "anna", "welkom-anna")
    desk = window.tabs.currentWidget().desk
    qtbot.waitUntil(lambda: desk.current_screen == "caseScreen" and runner.pending == 0, timeout=10_000)
    assert desk.card.case_id == got["case_id"] and desk.card.interview_id == got["interview_id"]
    assert desk.case.banner.isVisible()
    dk.key(desk, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: desk.current_screen == "questionScreen" and runner.pending == 0, timeout=10_000)
    assert desk.engine.position == got["position"]
    assert all(desk.engine.answers.get(v) == a for v, a in stored.items())
    dk.key(desk, Qt.Key.Key_PageUp)
    assert desk.engine.position == got["answered"][-1]
    dk.enter(desk)
    assert desk.engine.position == got["position"]
    dk.answer_until(desk)
    qtbot.waitUntil(lambda: desk.current_screen == "queueScreen" and runner.pending == 0, timeout=10_000)
    with services.db.unit_of_work() as s:
        iv = s.get(Interview, got["interview_id"])
        assert iv is not None and iv.status == "complete"
        assert iv.completed_at is not None and iv.completed_at - clock.now < timedelta(seconds=1)
    runner.shutdown()
    services.db.dispose()
