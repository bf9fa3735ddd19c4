"""One desk's softphone: baresip started by cati (or one already running), a call at a time, and
what the line does, as :class:`LineEvent`\\ s.

The desk (``cati/gui/desk``) opens it, dials the number a :meth:`CallService.dial_permit` allowed,
hangs up, and takes the events (:meth:`Softphone.take_events`) when ``notify`` says there are new
ones; ``notify`` is called on baresip's reader thread (or a timer thread), so the GUI turns it into a
signal. Times are ``time.monotonic()`` at the moment cati learned of the event: talk time is the
difference of two of them, whatever the wall clock does.

A call that is not answered within ``no_answer_after`` seconds is hung up by cati (cause
``no_answer``). How a call ended (:class:`~cati.calls.rules.line.EndCause`):

* ``CALL_CLOSED`` after ``CALL_ESTABLISHED``: ``remote`` (the respondent hung up);
* ``CALL_CLOSED`` with a SIP status (``486 Busy Here``, ``404 Not Found``): ``remote``;
* ``CALL_CLOSED`` with baresip's ``Local timeout``: ``no_answer``;
* ``CALL_CLOSED`` with another text (``Connection refused``): ``failed``; a refused ``dial`` too;
* :meth:`Softphone.hangup`: ``desk``; the connection to baresip lost: ``dropped``.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cati.calls.rules.line import EndCause, sip_code
from cati.telephony.io.baresip import (
    BaresipConfig,
    BaresipLink,
    BaresipProcess,
    Message,
    SoftphoneProblem,
    log_tail,
    user_agents,
)

__all__ = ["LineEvent", "Softphone", "SoftphoneProblem", "SoftphoneSettings"]

LIVE = ("dialling", "ringing", "connected")
ORPHAN_SECONDS = 3.0  # how long the close of a call hung up before baresip named it may still come


@dataclass(frozen=True)
class SoftphoneSettings:
    """How this desk reaches its softphone: ``control`` ``host:port`` of a baresip already running
    (its ctrl_tcp); else cati starts ``baresip`` with ``directory`` as its config directory."""

    baresip: BaresipConfig | None = None
    control: str = ""
    directory: Path = Path()
    start_timeout: float = 20.0


@dataclass(frozen=True)
class LineEvent:
    """What the softphone reports. ``kind``: ``dialling``, ``ringing``, ``connected``, ``ended`` (a
    call, numbered by ``call``), or ``status`` (``status``: ``ready``, ``registering``,
    ``not_registered``, ``dropped``; ``detail``: why). ``at``: ``time.monotonic()``."""

    kind: str
    call: int
    at: float
    cause: EndCause | None = None
    reason: str = ""
    status: str = ""
    detail: str = ""


@dataclass
class _Call:
    number: int
    uri: str
    state: str = "dialling"
    baresip_id: str | None = None
    timer: threading.Timer | None = field(default=None, repr=False)


class Softphone:
    """The desk's softphone (see the module). Thread-safe: the desk calls it on the GUI thread, baresip's
    messages arrive on the link's reader thread, the no-answer timer fires on its own."""

    def __init__(self, settings: SoftphoneSettings, notify: Callable[[], None] | None = None) -> None:
        self.settings = settings
        self.notify = notify or (lambda: None)
        self.process: BaresipProcess | None = None
        self.link: BaresipLink | None = None
        self.aor = ""
        self.registration = "closed"  # closed | ready | registering | not_registered | dropped
        self.registration_detail = ""
        self._lock = threading.RLock()
        self._events: deque[LineEvent] = deque()
        self._numbers = itertools.count(1)
        self._call: _Call | None = None
        self._finished: set[str] = set()
        self._orphans: list[float] = []  # deadlines of calls hung up before baresip named them

    # -- opening and closing ---------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.link is not None and self.registration != "dropped"

    def open(self, local_timeout: int = 120) -> str:
        """Start (or connect to) baresip and check its account; the registration state (``ready`` or
        ``registering``). SoftphoneProblem ``missing``, ``not_started``, ``no_account`` or
        ``not_registered``; nothing is left running then."""
        self.close()
        try:
            return self._open(local_timeout)
        except BaseException:
            self.close()
            raise

    def _open(self, local_timeout: int) -> str:
        s = self.settings
        if s.control:
            host, _, port = s.control.rpartition(":")
            try:
                number = int(port)
            except ValueError:
                raise SoftphoneProblem("not_started", f"softphone.control {s.control!r} is not host:port") from None
            self.link = BaresipLink.connect(host or "127.0.0.1", number, self._on_message, self._on_closed)
        else:
            if s.baresip is None or not s.baresip.account.strip():
                raise SoftphoneProblem("no_account", "no softphone.account in this desk's settings")
            self.process = BaresipProcess(s.baresip, s.directory)
            sock = self.process.start(local_timeout=local_timeout, timeout=s.start_timeout)
            self.link = BaresipLink(sock, self._on_message, self._on_closed)
        reply = self.link.request("reginfo", timeout=s.start_timeout)
        agents = user_agents(str(reply.get("data", "")))
        wanted = s.baresip.aor if s.baresip is not None and not s.control else ""
        if not agents or (wanted and wanted not in [a for a, _ in agents]):
            tail = log_tail(self.process.log) if self.process is not None else ""
            raise SoftphoneProblem("no_account", tail or "baresip has no SIP account")
        aor, registered = next(((a, r) for a, r in agents if a == wanted), agents[0])
        self.aor = aor
        if registered == "failed":
            why = log_tail(self.process.log, 1) if self.process is not None else ""
            raise SoftphoneProblem("not_registered", why or f"{aor} is not registered at the exchange")
        with self._lock:
            self.registration = "registering" if registered == "registering" else "ready"
        return self.registration

    def close(self) -> LineEvent | None:
        """Hang up a call still on the line, let go of baresip (and stop it when cati started it);
        the hung-up call's ``ended`` event, if there was one (not queued, as :meth:`hangup`)."""
        event = self.hangup()
        link, self.link = self.link, None
        if link is not None:
            link.close()
        process, self.process = self.process, None
        if process is not None:
            process.stop()
        with self._lock:
            self.registration = "closed"
        return event

    # -- calls -------------------------------------------------------------------------------------
    @property
    def call_live(self) -> bool:
        with self._lock:
            return self._call is not None and self._call.state in LIVE

    def dial(self, uri: str, no_answer_after: float) -> int:
        """Dial ``uri`` (a number the call service allowed); the call's number. The events follow.
        SoftphoneProblem when the softphone is not ready or a call is on the line."""
        with self._lock:
            if self.link is None or self.registration in ("closed", "dropped"):
                raise SoftphoneProblem("dropped", "the softphone is not running")
            if self.registration == "registering":
                raise SoftphoneProblem("not_registered", "still registering at the exchange")
            if self.registration == "not_registered":
                raise SoftphoneProblem("not_registered", self.registration_detail)
            if self._call is not None and self._call.state in LIVE:
                raise SoftphoneProblem("busy", "a call is on the line")
            call = _Call(next(self._numbers), uri)
            self._call = call
            self._events.append(LineEvent("dialling", call.number, time.monotonic()))
            call.timer = threading.Timer(max(0.0, no_answer_after), self._no_answer, (call.number,))
            call.timer.daemon = True
            call.timer.start()
            link = self.link
        self.notify()
        try:
            link.send("dial", uri, f"dial-{call.number}")
        except SoftphoneProblem as e:
            self._dropped(str(e.detail))
        return call.number

    def hangup(self) -> LineEvent | None:
        """Hang up the call on the line (cause ``desk``); its ``ended`` event, which is not queued
        (the caller has it). None when no call is on the line (an ended event may be queued)."""
        with self._lock:
            call = self._call
            if call is None or call.state not in LIVE:
                return None
            event = self._end(call, time.monotonic(), EndCause.DESK, "")
            if call.baresip_id is None:
                self._orphans.append(time.monotonic() + ORPHAN_SECONDS)
            link = self.link
        if link is not None:
            with contextlib.suppress(SoftphoneProblem):
                link.send("hangup")
        return event

    def take_events(self) -> list[LineEvent]:
        """The events since the last call, oldest first."""
        with self._lock:
            events = list(self._events)
            self._events.clear()
        return events

    # -- what baresip says ---------------------------------------------------------------------
    def _end(self, call: _Call, at: float, cause: EndCause, reason: str, *, queue: bool = False) -> LineEvent:
        """Mark the call ended (under the lock); the event, queued when ``queue``."""
        call.state = "ended"
        if call.timer is not None:
            call.timer.cancel()
        if call.baresip_id:
            self._finished.add(call.baresip_id)
        event = LineEvent("ended", call.number, at, cause, reason)
        if queue:
            self._events.append(event)
        return event

    def _no_answer(self, number: int) -> None:
        with self._lock:
            call = self._call
            if call is None or call.number != number or call.state not in ("dialling", "ringing"):
                return
            self._end(call, time.monotonic(), EndCause.NO_ANSWER, "", queue=True)
            link = self.link
        if link is not None:
            with contextlib.suppress(SoftphoneProblem):
                link.send("hangup")
        self.notify()

    def _on_message(self, message: Message, at: float) -> None:
        if message.get("response"):
            self._on_response(message, at)
        elif message.get("event"):
            kind = message.get("class")
            if kind == "register":
                self._on_register(message)
            elif kind == "call" and message.get("direction") == "outgoing":
                self._on_call(message, at)

    def _on_response(self, message: Message, at: float) -> None:
        token = str(message.get("token") or "")
        if not token.startswith("dial-") or message.get("ok"):
            return
        with self._lock:
            call = self._call
            if call is None or f"dial-{call.number}" != token or call.state not in LIVE:
                return
            self._end(call, at, EndCause.FAILED, str(message.get("data") or "dial refused").strip(), queue=True)
        self.notify()

    def _on_register(self, message: Message) -> None:
        aor = message.get("accountaor")
        if self.aor and aor and aor != self.aor:
            return
        kind = message.get("type")
        with self._lock:
            if kind == "REGISTER_OK":
                self.registration, self.registration_detail = "ready", ""
            elif kind == "REGISTER_FAIL":
                self.registration, self.registration_detail = "not_registered", str(message.get("param") or "")
            else:
                return
            self._events.append(LineEvent("status", 0, time.monotonic(), status=self.registration,
                                          detail=self.registration_detail))
        self.notify()

    def _on_call(self, message: Message, at: float) -> None:
        kind = message.get("type")
        cid = message.get("id") or None
        reason = str(message.get("param") or "").strip()
        with self._lock:
            call = self._call
            if cid in self._finished:
                return
            if call is None or call.state not in LIVE:
                if kind == "CALL_CLOSED" and cid and self._orphan():
                    self._finished.add(str(cid))
                return
            if cid and call.baresip_id is None:
                if kind == "CALL_CLOSED" and self._orphan():  # the close of a call hung up before
                    self._finished.add(str(cid))
                    return
                call.baresip_id = str(cid)
            elif cid and cid != call.baresip_id:
                return  # another call (baresip's own, or an old one)
            if kind in ("CALL_RINGING", "CALL_PROGRESS") and call.state == "dialling":
                call.state = "ringing"
                self._events.append(LineEvent("ringing", call.number, at))
            elif kind == "CALL_ESTABLISHED" and call.state != "connected":
                call.state = "connected"
                if call.timer is not None:
                    call.timer.cancel()
                self._events.append(LineEvent("connected", call.number, at))
            elif kind == "CALL_CLOSED":
                self._end(call, at, self._cause(call, reason), reason, queue=True)
            else:
                return
        self.notify()

    def _orphan(self) -> bool:
        """Consume one pending close of a call hung up before baresip named it (under the lock)."""
        now = time.monotonic()
        self._orphans = [d for d in self._orphans if d > now]
        if self._orphans:
            self._orphans.pop(0)
            return True
        return False

    @staticmethod
    def _cause(call: _Call, reason: str) -> EndCause:
        if call.state == "connected" or sip_code(reason) is not None:
            return EndCause.REMOTE
        if reason.lower() == "local timeout":
            return EndCause.NO_ANSWER
        if reason.lower().startswith("connection reset by user"):
            return EndCause.DESK  # hung up on baresip itself
        return EndCause.FAILED

    def _on_closed(self, why: str) -> None:
        detail = why
        if self.process is not None and not self.process.alive:
            detail = log_tail(self.process.log, 3) or why
        self._dropped(detail)

    def _dropped(self, detail: str) -> None:
        with self._lock:
            if self.registration == "dropped":
                return
            self.registration, self.registration_detail = "dropped", detail
            call = self._call
            at = time.monotonic()
            if call is not None and call.state in LIVE:
                self._end(call, at, EndCause.DROPPED, detail, queue=True)
            self._events.append(LineEvent("status", 0, at, status="dropped", detail=detail))
        self.notify()
