"""The background runner: quick database work never waits behind a long job (an export, an import)."""

from __future__ import annotations

import threading

from cati.gui.tasks import TaskRunner


def test_quick_work_is_not_held_up_by_a_long_job(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    release = threading.Event()
    done: list[str] = []
    runner.submit_long(lambda: release.wait(10) and "export", done.append)
    runner.submit(lambda: "lease renewed", done.append)
    runner.submit(lambda: "next case", done.append)
    qtbot.waitUntil(lambda: done == ["lease renewed", "next case"], timeout=5000)
    assert runner.pending == 1  # the long job still runs
    release.set()
    qtbot.waitUntil(lambda: done == ["lease renewed", "next case", "export"], timeout=5000)
    assert runner.pending == 0
    runner.shutdown()


def test_errors_come_back_on_either_lane(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    errors: list[str] = []

    def fail(text: str) -> None:
        raise ValueError(text)

    runner.submit(lambda: fail("quick"), None, lambda e: errors.append(str(e)))
    runner.submit_long(lambda: fail("long"), None, lambda e: errors.append(str(e)))
    qtbot.waitUntil(lambda: sorted(errors) == ["long", "quick"], timeout=5000)
    runner.shutdown()


def test_work_submitted_after_shutdown_is_dropped_not_raised(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A screen's refresh timer that fires while the window closes must not raise in the event loop."""
    runner = TaskRunner()
    done: list[int] = []
    runner.submit(lambda: 1, done.append)
    runner.shutdown()
    qtbot.waitUntil(lambda: done == [1], timeout=5_000)
    for submit in (runner.submit, runner.submit_long):
        future = submit(lambda: done.append(2), done.append)
        assert future.cancelled()
    qtbot.wait(50)
    assert done == [1] and runner.pending == 0
