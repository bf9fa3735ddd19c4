"""The desk's softphone in Qt: the io softphone (``cati/telephony/io/softphone.py``) with its news as
signals on the GUI thread, and its start on a thread of its own (starting baresip takes a moment).

``changed`` fires (queued to the GUI thread) whenever the softphone has events waiting: the desk
then takes them (:meth:`take_events`). ``opened(result)``: the start finished, with the state
(``ready``, ``registering``) or the :class:`SoftphoneProblem`.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal

from cati.telephony.io.softphone import LineEvent, Softphone, SoftphoneProblem, SoftphoneSettings


class SoftphoneBridge(QObject):
    changed = Signal()
    opened = Signal(object)  # str state | SoftphoneProblem

    def __init__(self, settings: SoftphoneSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.phone = Softphone(settings, self.changed.emit)
        self.state = "closed"  # closed | opening | ready | registering | not_registered | dropped | problem
        self.problem: SoftphoneProblem | None = None
        self._thread: threading.Thread | None = None
        self.opened.connect(self._opened)

    @property
    def usable(self) -> bool:
        return self.state == "ready" and self.phone.registration == "ready"

    def open(self, local_timeout: int) -> None:
        """Start (or connect to) the softphone in the background; ``opened`` says how it went."""
        if self.state == "opening":
            return
        self.state, self.problem = "opening", None

        def run() -> None:
            try:
                result: object = self.phone.open(local_timeout)
            except SoftphoneProblem as e:
                result = e
            except Exception as e:  # noqa: BLE001  (anything else: said, not swallowed)
                result = SoftphoneProblem("not_started", str(e) or repr(e))
            self.opened.emit(result)

        self._thread = threading.Thread(target=run, name="softphone-open", daemon=True)
        self._thread.start()

    def _opened(self, result: object) -> None:
        if isinstance(result, SoftphoneProblem):
            self.state, self.problem = "problem", result
        else:
            self.state = str(result)

    def take_events(self) -> list[LineEvent]:
        events = self.phone.take_events()
        for e in events:
            if e.kind == "status":
                self.state = e.status
                self.problem = None if e.status == "ready" else SoftphoneProblem(e.status, e.detail)
        return events

    def close(self) -> LineEvent | None:
        """Hang up and stop (waits for a start still running first); the hung-up call's event."""
        if self._thread is not None:
            self._thread.join(30)
        event = self.phone.close()
        self.state = "closed"
        return event
