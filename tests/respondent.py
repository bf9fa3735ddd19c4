"""The respondent for softphone tests: a second, real baresip on 127.0.0.1, scripted over its own ctrl_tcp.

It has one SIP account, ``sip:<number>@127.0.0.1`` (the digits of the number it answers to; any
other number dialled there gets baresip's own ``404 Not Found``), plays a tone (baresip's ``ausine``)
and plays what it hears into nothing (``aubridge``): no sound card. What it does with a call is the
test's choice (:attr:`Respondent.mode`):

* ``answers``: answers after ``ring_seconds`` and stays on the line;
* ``hangs_up``: answers after ``ring_seconds``, hangs up ``talk_seconds`` after its own answer;
* ``busy``: rejects the call at once (baresip's rejection is ``486``);
* ``never``: lets it ring.

The ctrl_tcp client here is written separately from cati's on purpose (a second reading of the
protocol). ``calls`` lists the calls that reached it, so a test can prove a call was never placed.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from cati.telephony.io.baresip import free_port

MODULES = ("/usr/lib/baresip/modules", "/usr/lib64/baresip/modules", "/usr/local/lib/baresip/modules")

# ./scripts/test installs baresip-core and sets CATI_REQUIRE_BARESIP: there its absence is a failure, not a skip
if os.environ.get("CATI_REQUIRE_BARESIP") and shutil.which("baresip") is None:
    raise RuntimeError("CATI_REQUIRE_BARESIP is set but baresip (Debian: baresip-core) is not installed")
NEEDS_BARESIP = pytest.mark.skipif(shutil.which("baresip") is None, reason="baresip (baresip-core) is not installed")


@dataclass
class Call:
    """One call that reached the respondent (times: time.monotonic())."""

    peer: str
    incoming_at: float
    established_at: float | None = None
    closed_at: float | None = None
    closed_reason: str = ""


@dataclass
class Respondent:
    directory: Path
    number: str = "+31612345678"
    mode: str = "answers"
    ring_seconds: float = 1.0
    talk_seconds: float = 3.0
    calls: list[Call] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.user = self.number.lstrip("+")
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timers: list[threading.Timer] = []

    @property
    def uri_template(self) -> str:
        """``dialer.softphone_uri`` for a desk that calls this respondent."""
        return f"sip:{{digits}}@127.0.0.1:{self.sip_port}"

    # -- start and stop -----------------------------------------------------------------------
    def start(self, timeout: float = 30.0) -> Respondent:
        module_path = next(d for d in MODULES if Path(d, "ctrl_tcp.so").is_file())
        self.directory.mkdir(parents=True, exist_ok=True)
        for _ in range(5):
            self.sip_port, self.ctrl_port = free_port(), free_port()
            (self.directory / "config").write_text("\n".join([
                f"module_path {module_path}", f"sip_listen 127.0.0.1:{self.sip_port}", "net_interface 127.0.0.1",
                "audio_source ausine,440", "ausrc_srate 48000", "ausrc_channels 2",
                "audio_player aubridge,respondent-ear", "audio_alert aubridge,respondent-ear",
                f"ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}",
                *(f"module {m}.so" for m in ("account", "menu", "ctrl_tcp", "g711", "ausine", "aubridge")),
            ]) + "\n")
            (self.directory / "accounts").write_text(f"<sip:{self.user}@127.0.0.1>;regint=0;answermode=manual\n")
            (self.directory / "contacts").write_text("")
            log = (self.directory / "baresip.log").open("wb")
            self._proc = subprocess.Popen(["baresip", "-f", str(self.directory)], stdin=subprocess.DEVNULL,
                                          stdout=log, stderr=subprocess.STDOUT)
            log.close()
            weakref.finalize(self, _kill, self._proc)  # never left running, whatever the test does
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and self._proc.poll() is None:
                if b"in use" in (self.directory / "baresip.log").read_bytes():
                    break
                try:
                    self._sock = socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            if self._sock is not None:
                self._sock.settimeout(None)
                threading.Thread(target=self._read, daemon=True).start()
                return self
            self.stop()
        raise RuntimeError(f"the respondent's baresip did not start: {(self.directory / 'baresip.log').read_text()}")

    def stop(self) -> None:
        for t in self._timers:
            t.cancel()
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(3)

    # -- the script ---------------------------------------------------------------------------
    def send(self, command: str) -> None:
        body = json.dumps({"command": command}).encode()
        assert self._sock is not None
        self._sock.sendall(str(len(body)).encode() + b":" + body + b",")

    def _later(self, seconds: float, command: str) -> None:
        timer = threading.Timer(seconds, self.send, (command,))
        timer.daemon = True
        self._timers.append(timer)
        timer.start()

    def _read(self) -> None:
        buf = b""
        while self._sock is not None:
            try:
                data = self._sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            at = time.monotonic()
            buf += data
            while b":" in buf:
                head, rest = buf.split(b":", 1)
                size = int(head)
                if len(rest) < size + 1:
                    break
                self._on(json.loads(rest[:size]), at)
                buf = rest[size + 1:]

    def _on(self, msg: dict[str, Any], at: float) -> None:
        with self._lock:
            self.events.append(msg)
        if not msg.get("event") or msg.get("class") != "call":
            return
        kind = msg.get("type")
        if kind == "CALL_INCOMING":
            with self._lock:
                self.calls.append(Call(str(msg.get("peeruri")), at))
            if self.mode == "busy":
                self.send("hangup")
            elif self.mode in ("answers", "hangs_up"):
                self._later(self.ring_seconds, "accept")
        elif kind == "CALL_ESTABLISHED" and self.calls:
            self.calls[-1].established_at = at
            if self.mode == "hangs_up":
                self._later(self.talk_seconds, "hangup")
        elif kind == "CALL_CLOSED" and self.calls:
            self.calls[-1].closed_at = at
            self.calls[-1].closed_reason = str(msg.get("param") or "")

    def wait_closed(self, timeout: float = 30.0) -> Call:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.calls and self.calls[-1].closed_at is not None:
                return self.calls[-1]
            time.sleep(0.02)
        raise AssertionError(f"the respondent saw no call end: {self.calls}")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait(5)


def tone_file(path: Path, seconds: int = 240) -> Path:
    """A quiet 8 kHz mono WAV tone for the desk's microphone (baresip's ``aufile``; the call ends
    when the file does, so it is longer than any test call)."""
    import math
    import struct
    import wave

    if path.is_file():
        return path
    period = bytes(b"".join(struct.pack("<h", int(3000 * math.sin(2 * math.pi * i / 20))) for i in range(20)))
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(period * (400 * seconds))
    return path
