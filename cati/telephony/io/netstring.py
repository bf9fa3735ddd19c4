"""Netstrings (D. J. Bernstein): ``<length>:<bytes>,``, the framing of baresip's ``ctrl_tcp``.

``12:hello world!,`` carries ``hello world!``. The length is decimal without leading zeros, at
most nine digits (baresip refuses more, and so does this reader).
"""

from __future__ import annotations

MAX_DIGITS = 9


class NetstringError(ValueError):
    """The stream is not made of netstrings (the other end is not ctrl_tcp, or out of step)."""


def encode(payload: bytes) -> bytes:
    """One netstring around ``payload``."""
    return b"%d:%s," % (len(payload), payload)


class NetstringDecoder:
    """Cuts a byte stream into netstrings as the bytes arrive (any split of the stream is fine)."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """The netstrings completed by ``data`` (maybe none); NetstringError on a malformed stream."""
        self._buf += data
        out: list[bytes] = []
        while self._buf:
            colon = self._buf.find(b":", 0, MAX_DIGITS + 1)
            head = bytes(self._buf[:colon] if colon >= 0 else self._buf[:MAX_DIGITS + 1])
            if not head.isdigit() and head:
                raise NetstringError(f"no netstring length: {bytes(self._buf[:20])!r}")
            if colon < 0:
                if len(head) > MAX_DIGITS:
                    raise NetstringError("netstring length longer than nine digits")
                break  # the length is still coming
            if not head or (len(head) > 1 and head.startswith(b"0")):
                raise NetstringError(f"bad netstring length {head!r}")
            size = int(head)
            end = colon + 1 + size
            if len(self._buf) <= end:
                break  # the payload or the comma is still coming
            if self._buf[end] != ord(","):
                raise NetstringError("netstring without its closing comma")
            out.append(bytes(self._buf[colon + 1:end]))
            del self._buf[:end + 1]
        return out
