"""How this desk dials: the database's dialer settings (``dialer.*``) as one small value, read with each
case (the desk's own settings file may override the kind; see ``softphone_line.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DialerSetup:
    """How this desk dials (the database's settings, ``kind`` overridden by the desk's own file)."""

    kind: str = "manual"
    uri_template: str = "tel:{number}"
    softphone_uri: str = "{national}"
    no_answer_seconds: int = 30


def dialer_settings(settings: Any) -> DialerSetup:
    """The dialer settings as they are now (called on the worker thread, with the other reads)."""
    return DialerSetup(str(settings.get("dialer.kind")), str(settings.get("dialer.uri_template")),
                       str(settings.get("dialer.softphone_uri")), int(settings.get("dialer.no_answer_seconds")))
