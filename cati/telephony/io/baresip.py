"""baresip, the SIP softphone cati drives: its config directory, its process, its ``ctrl_tcp`` link.

cati talks to baresip (``baresip-core`` in Debian; written for 1.0.0, the Debian 12 package, and
later versions alike) over the ``ctrl_tcp`` module: JSON in netstrings on a TCP connection.

* Commands (``menu`` module): ``{"command": "dial", "params": "sip:…", "token": "7"}``,
  ``{"command": "hangup"}``, ``{"command": "reginfo"}``. The answer:
  ``{"response": true, "ok": true, "data": "…", "token": "7"}``.
* Events: ``{"event": true, "class": "call", "type": "CALL_RINGING" | "CALL_ESTABLISHED" |
  "CALL_CLOSED" | …, "direction": "outgoing", "id": "…", "param": "486 Busy Here"}`` and
  ``"class": "register"`` (``REGISTER_OK``, ``REGISTER_FAIL``).

ctrl_tcp serves one connection at a time (a new one replaces the old) and listens where the config
says; cati always puts it on 127.0.0.1. The SIP stack, the codecs and the audio are baresip's.

cati starts baresip with a config directory of its own (:func:`write_config`; rewritten at every
start), or connects to one already running (``softphone.control`` in the desk's settings).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cati.telephony.io.netstring import NetstringDecoder, NetstringError, encode

#: where baresip's modules live on the systems a desk runs (the first with ctrl_tcp wins)
MODULE_DIRS = (
    "/usr/lib/baresip/modules",  # Debian, Ubuntu
    "/usr/lib64/baresip/modules",  # Fedora, openSUSE
    "/usr/local/lib/baresip/modules",  # built from source
    "/opt/homebrew/lib/baresip/modules",  # macOS (Homebrew)
)
REQUIRED_MODULES = ("account", "menu", "ctrl_tcp", "g711")
OPTIONAL_MODULES = ("g722", "opus")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class SoftphoneProblem(Exception):
    """The softphone cannot do what is asked. ``kind`` (the desk shows a sentence for each):

    * ``missing``: baresip, or one of its modules, is not installed;
    * ``not_started``: baresip did not come up (the log's last lines in ``detail``);
    * ``no_account``: baresip runs but has no (or another) SIP account;
    * ``not_registered``: the account is not registered at the exchange (``detail``: why);
    * ``dropped``: the connection to baresip is gone (it stopped, or crashed);
    * ``busy``: a call is already on the line.
    """

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


@dataclass(frozen=True)
class BaresipConfig:
    """What a desk sets for the softphone cati starts (see ``cati/telephony/io/softphone.py``).

    ``account``: a baresip account line, e.g. ``<sip:desk07@pbx.bureau.nl>;auth_pass=…``
    (``;regint=0`` for a line without registration). ``audio_source`` / ``audio_player``: baresip
    devices (``alsa,default``, ``portaudio``, ``pulse``, ``aufile,/path.wav``, ``ausine,440``);
    empty: baresip's default. ``sip_listen``: where SIP listens (``127.0.0.1:0``: a free port on
    loopback, chosen at start); empty: baresip's default. ``recording_dir``: the seam for recording
    with consent (baresip's ``sndfile`` module writes each call to a WAV there); nothing sets it yet.
    """

    account: str
    audio_source: str = ""
    audio_player: str = ""
    sip_listen: str = ""
    net_interface: str = ""
    module_path: str = ""
    binary: str = "baresip"
    recording_dir: Path | None = None

    @property
    def aor(self) -> str:
        """The account's address (``sip:desk07@pbx.bureau.nl``), as baresip lists it."""
        m = re.search(r"<([^>]+)>", self.account)
        return (m.group(1) if m else self.account).split(";", 1)[0].strip()


def find_module_path(configured: str = "", candidates: Iterable[str] = MODULE_DIRS) -> Path:
    """The directory with baresip's modules (the one configured, else the first known with ctrl_tcp)."""
    for directory in ([configured] if configured else list(candidates)):
        if directory and (Path(directory) / "ctrl_tcp.so").is_file():
            return Path(directory)
    where = configured or ", ".join(candidates)
    raise SoftphoneProblem("missing", f"ctrl_tcp.so in {where}")


def audio_module(device: str) -> str:
    """The module a device needs (``alsa,default`` -> ``alsa``)."""
    return device.split(",", 1)[0].strip()


def config_text(cfg: BaresipConfig, module_path: Path, ctrl_port: int, sip_listen: str, local_timeout: int) -> str:
    """baresip's ``config`` for cati's softphone (only the modules and settings it needs)."""
    lines = ["# Written by cati at every start of the softphone: changes here are lost.",
             f"module_path\t\t{module_path}"]
    if sip_listen:
        lines.append(f"sip_listen\t\t{sip_listen}")
    if cfg.net_interface:
        lines.append(f"net_interface\t\t{cfg.net_interface}")
    if cfg.audio_player:
        lines += [f"audio_player\t\t{cfg.audio_player}", f"audio_alert\t\t{cfg.audio_player}"]
    if cfg.audio_source:
        lines.append(f"audio_source\t\t{cfg.audio_source}")
    # baresip's own give-up on an unanswered call; cati's no-answer time comes first
    lines.append(f"call_local_timeout\t{local_timeout}")
    lines.append(f"ctrl_tcp_listen\t\t127.0.0.1:{ctrl_port}")
    modules = [*REQUIRED_MODULES, *(m for m in OPTIONAL_MODULES if (module_path / f"{m}.so").is_file())]
    for device in (cfg.audio_source, cfg.audio_player):
        if device and audio_module(device) not in modules:
            modules.append(audio_module(device))
    if cfg.recording_dir is not None:  # the seam for recording with consent; not switched on by cati yet
        modules.append("sndfile")
        lines.append(f"snd_path\t\t{cfg.recording_dir}")
    for name in modules:
        if not (module_path / f"{name}.so").is_file():
            raise SoftphoneProblem("missing", f"{name}.so in {module_path}")
        lines.append(f"module\t\t\t{name}.so")
    return "\n".join(lines) + "\n"


def free_port() -> int:
    """A port free for TCP and UDP on 127.0.0.1 now (SIP listens on both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                try:
                    udp.bind(("127.0.0.1", port))
                except OSError:
                    continue
        return port
    raise OSError("no free port on 127.0.0.1")


def log_tail(path: Path, lines: int = 6) -> str:
    """The last lines of baresip's log, without colour codes (for a message)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    kept = [ANSI.sub("", line).strip() for line in text.splitlines()]
    return " | ".join([line for line in kept if line][-lines:])


class BaresipProcess:
    """A baresip that cati starts, with its own config directory, and stops again.

    ``directory`` holds ``config``, ``accounts``, ``contacts``, ``baresip.log`` and ``baresip.pid``; a
    baresip left running on it by a cati that crashed is stopped before a new one starts.
    """

    def __init__(self, cfg: BaresipConfig, directory: Path) -> None:
        self.cfg = cfg
        self.directory = directory
        self.proc: subprocess.Popen[bytes] | None = None
        self.ctrl_port = 0
        self.sip_listen = ""
        self._finalizer: weakref.finalize[Any, Any] | None = None

    @property
    def log(self) -> Path:
        return self.directory / "baresip.log"

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self, *, local_timeout: int = 120, timeout: float = 20.0) -> socket.socket:
        """Write the config, start baresip and connect to its ctrl_tcp; the connected socket.

        Ports cati picks (ctrl_tcp always, SIP with ``sip_listen`` ``…:0``) are picked again when
        baresip finds one taken in the meantime. SoftphoneProblem ``missing`` or ``not_started``."""
        exe = shutil.which(self.cfg.binary)
        if exe is None:
            raise SoftphoneProblem("missing", self.cfg.binary)  # the program, not found on PATH
        module_path = find_module_path(self.cfg.module_path)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._stop_leftover()
        last = ""
        for _ in range(3):
            self.ctrl_port = free_port()
            host, _, port = self.cfg.sip_listen.rpartition(":")
            self.sip_listen = f"{host}:{free_port()}" if host and port == "0" else self.cfg.sip_listen
            (self.directory / "config").write_text(
                config_text(self.cfg, module_path, self.ctrl_port, self.sip_listen, local_timeout), encoding="utf-8")
            (self.directory / "accounts").write_text(self.cfg.account.strip() + "\n", encoding="utf-8")
            (self.directory / "contacts").write_text("", encoding="utf-8")
            with self.log.open("wb") as log:
                self.proc = subprocess.Popen([exe, "-f", str(self.directory)], stdin=subprocess.DEVNULL,
                                             stdout=log, stderr=subprocess.STDOUT, cwd=self.directory)
            (self.directory / "baresip.pid").write_text(str(self.proc.pid), encoding="utf-8")
            # stopped also when this object is forgotten or Python exits without stop()
            self._finalizer = weakref.finalize(self, _terminate, self.proc)
            sock = self._connect(timeout)
            if sock is not None:
                return sock
            last, taken = log_tail(self.log), self._port_taken()
            self.stop()
            if not taken:
                break
        raise SoftphoneProblem("not_started", last or "baresip stopped without a message")

    def _port_taken(self) -> bool:
        """Whether baresip says a port it was to listen on is in use (another program took it after
        cati picked it): then cati starts it again on other ports. The same lines decide both."""
        return "in use" in log_tail(self.log, 20)

    def _connect(self, timeout: float) -> socket.socket | None:
        """The ctrl_tcp connection once baresip listens; None when it stopped or never listened."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive:
                return None
            if self._port_taken():  # a SIP port taken: baresip runs on, without an account
                return None
            try:
                return socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=1.0)
            except OSError:
                time.sleep(0.05)
        return None

    def _stop_leftover(self) -> None:
        """Stop a baresip a crashed cati left running on this directory (its pid file, checked)."""
        pid_file = self.directory / "baresip.pid"
        try:
            pid = int(pid_file.read_text(encoding="utf-8").strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            return
        if cmdline and cmdline[0].endswith(b"baresip") and str(self.directory).encode() in cmdline:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGTERM)
                time.sleep(0.5)
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        """Stop baresip (it hangs up and unregisters on SIGTERM); killed when it does not within 3 s."""
        proc, self.proc = self.proc, None
        if self._finalizer is not None:
            self._finalizer.detach()
            self._finalizer = None
        if proc is None:
            return
        _terminate(proc)
        with contextlib.suppress(OSError):
            (self.directory / "baresip.pid").unlink()


def _terminate(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (baresip hangs up and unregisters), SIGKILL when it is not gone within 3 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(3)


Message = dict[str, Any]


class BaresipLink:
    """One ctrl_tcp connection: commands out, responses and events in on a reader thread.

    ``on_message(message, monotonic_time)`` gets every event (and every response); ``on_closed(why)``
    once when the connection ends without :meth:`close` (baresip stopped or crashed). Both are
    called on the reader thread."""

    def __init__(self, sock: socket.socket, on_message: Callable[[Message, float], None],
                 on_closed: Callable[[str], None]) -> None:
        self.sock = sock
        self.sock.settimeout(None)
        self.on_message = on_message
        self.on_closed = on_closed
        self._send_lock = threading.Lock()
        self._tokens = itertools.count(1)
        self._waiting: dict[str, tuple[threading.Event, list[Message]]] = {}
        self._closing = False
        self._reader = threading.Thread(target=self._read, name="baresip-ctrl", daemon=True)
        self._reader.start()

    @classmethod
    def connect(cls, host: str, port: int, on_message: Callable[[Message, float], None],
                on_closed: Callable[[str], None], timeout: float = 5.0) -> BaresipLink:
        try:
            sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as e:
            raise SoftphoneProblem("not_started", f"no baresip on {host}:{port} ({e.strerror or e})") from None
        return cls(sock, on_message, on_closed)

    def send(self, command: str, params: str | None = None, token: str | None = None) -> None:
        body: Message = {"command": command}
        if params is not None:
            body["params"] = params
        if token is not None:
            body["token"] = token
        data = encode(json.dumps(body).encode("utf-8"))
        try:
            with self._send_lock:
                self.sock.sendall(data)
        except OSError as e:
            raise SoftphoneProblem("dropped", f"ctrl_tcp: {e.strerror or e}") from None

    def request(self, command: str, params: str | None = None, timeout: float = 5.0) -> Message:
        """Send a command and wait for its response (matched by token)."""
        token = f"cati-{next(self._tokens)}"
        done: tuple[threading.Event, list[Message]] = (threading.Event(), [])
        self._waiting[token] = done
        try:
            self.send(command, params, token)
            if not done[0].wait(timeout):
                raise SoftphoneProblem("dropped", f"baresip did not answer {command!r} within {timeout:g} s")
            if not done[1]:
                raise SoftphoneProblem("dropped", "the connection to baresip closed")
            return done[1][0]
        finally:
            self._waiting.pop(token, None)

    def close(self) -> None:
        self._closing = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()
        if self._reader is not threading.current_thread():
            self._reader.join(2.0)

    def _read(self) -> None:
        decoder = NetstringDecoder()
        why = "baresip closed the connection"
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                at = time.monotonic()
                for frame in decoder.feed(data):
                    try:
                        message = json.loads(frame)
                    except ValueError:
                        continue
                    if isinstance(message, dict):
                        self._deliver(message, at)
        except (OSError, NetstringError) as e:
            why = str(e)
        for event, _ in list(self._waiting.values()):
            event.set()
        if not self._closing:
            self.on_closed(why)

    def _deliver(self, message: Message, at: float) -> None:
        token = message.get("token")
        if message.get("response") and isinstance(token, str) and token in self._waiting:
            event, box = self._waiting[token]
            box.append(message)
            event.set()
            return
        self.on_message(message, at)


def user_agents(reginfo: str) -> list[tuple[str, str]]:
    """``reginfo``'s user agents as (aor, registration): ``"ok"``, ``"failed"``, ``"registering"``, or
    ``""`` when the account does not register (no registrar, ``regint=0``). The current one first."""
    agents: list[tuple[bool, str, str]] = []
    for raw in ANSI.sub("", reginfo).splitlines():
        line = raw.rstrip()
        m = re.match(r"^([> ]) (\S+)(.*)$", line)
        if not m or not m.group(2).startswith(("sip:", "sips:")):
            continue
        rest = m.group(3).split()
        state = "ok" if "OK" in rest else "failed" if "ERR" in rest else "registering" if "zzz" in rest else ""
        agents.append((m.group(1) == ">", m.group(2), state))
    agents.sort(key=lambda a: not a[0])
    return [(aor, state) for _, aor, state in agents]
