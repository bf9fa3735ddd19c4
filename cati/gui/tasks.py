"""The background database runner: two serial lanes; results come back as Qt signals.

Screens never touch the database on the GUI thread. They call ``runner.submit(fn, on_done,
on_error)``; ``fn`` runs on the worker, and ``on_done(result)`` / ``on_error(exc)`` run on the GUI
thread. Serial on purpose: actions of one desk happen in the order the interviewer did them.
Long jobs (imports, exports, report files, statements to a file) go to a lane of their own
(``submit_long``), so the desk's lease renewal and next case never wait behind a long export.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)


class TaskRunner(QObject):
    _finished = Signal(object, object, object)  # callback, payload, is_error
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cati-db")
        self._long = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cati-jobs")
        self._pending = 0
        self._closed = False
        self._finished.connect(self._deliver)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[Any]:
        """Run ``fn`` on the database lane (quick work, in order)."""
        return self._submit(self._pool, fn, on_done, on_error)

    def submit_long(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> Future[Any]:
        """Run a long job (an import, an export, a file) on its own lane, in order with other long jobs."""
        return self._submit(self._long, fn, on_done, on_error)

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[BaseException], None] | None,
    ) -> Future[Any]:
        if self._closed:  # the window is closing: a screen's timer fired after the lanes stopped
            dropped: Future[Any] = Future()
            dropped.cancel()
            return dropped
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)

        def job() -> Any:
            try:
                result = fn()
            except BaseException as exc:  # delivered to the GUI thread, never swallowed
                log.debug("task failed: %s", "".join(traceback.format_exception(exc)))
                self._finished.emit(on_error or _default_error, exc, True)
                raise
            self._finished.emit(on_done, result, False)
            return result

        return pool.submit(job)

    @Slot(object, object, object)
    def _deliver(self, callback: Callable[[Any], None] | None, payload: Any, _is_error: bool) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        if callback is not None:
            callback(payload)

    @property
    def pending(self) -> int:
        return self._pending

    def shutdown(self) -> None:
        """Finish what was submitted; what is submitted from now on is dropped (a cancelled future)."""
        self._closed = True
        self._long.shutdown(wait=True)
        self._pool.shutdown(wait=True)


def _default_error(exc: BaseException) -> None:
    log.error("background task failed: %s", exc)
