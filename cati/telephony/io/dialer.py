"""Dialers: how a number reaches the phone. Chosen in settings (``dialer.kind``).

* ``manual``: the desk phone. The app shows the number large; the interviewer dials it by hand.
* ``uri``: a softphone. The number is put in a ``tel:``/``sip:``/``callto:`` template and handed to
  the desktop, which opens the softphone registered for that scheme. The GUI passes the opener
  (``QDesktopServices.openUrl``); this module stays free of Qt.
* ``softphone``: cati drives baresip itself (``softphone.py``) and learns what the line does; what it
  dials is :func:`softphone_uri` of the setting ``dialer.softphone_uri``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from cati.sample.rules.phones import format_national

SCHEMES = ("tel", "sip", "sips", "callto")
KINDS = ("manual", "uri", "softphone")
_DIALLABLE = re.compile(r"^[0-9+*#]+$")


class DialerError(ValueError):
    pass


@dataclass(frozen=True)
class DialResult:
    number: str  # E.164
    display: str  # national format, for the big number on screen
    uri: str | None  # what was handed to the desktop, if anything
    handed_over: bool


class ManualDialer:
    kind = "manual"

    def dial(self, e164: str) -> DialResult:
        return DialResult(e164, format_national(e164), None, False)


class UriDialer:
    kind = "uri"

    def __init__(self, template: str, opener: Callable[[str], bool]) -> None:
        check_template(template)
        self.template = template
        self.opener = opener

    def uri_for(self, e164: str) -> str:
        return _fill(self.template, e164)

    def dial(self, e164: str) -> DialResult:
        uri = self.uri_for(e164)
        return DialResult(e164, format_national(e164), uri, bool(self.opener(uri)))


Dialer = ManualDialer | UriDialer


def check_template(template: str) -> None:
    scheme = template.split(":", 1)[0].lower() if ":" in template else ""
    if scheme not in SCHEMES:
        raise DialerError(f"dialer-sjabloon {template!r}: begin met {', '.join(s + ':' for s in SCHEMES)}")
    try:
        template.format(number="+31612345678", national="0612345678", digits="31612345678")
    except (KeyError, IndexError, ValueError) as e:
        raise DialerError(f"dialer-sjabloon {template!r}: alleen {{number}}, {{national}} of {{digits}} ({e})") from None
    if "{number}" not in template and "{national}" not in template and "{digits}" not in template:
        raise DialerError(f"dialer-sjabloon {template!r}: het nummer ontbreekt ({{number}} of {{national}})")


def _fill(template: str, e164: str) -> str:
    national = format_national(e164).replace(" ", "")
    return template.format(number=quote(e164, safe="+"), national=quote(national), digits=e164.lstrip("+"))


def softphone_uri(template: str, e164: str) -> str:
    """What the softphone dials for ``e164``: ``{national}`` (or ``{number}``, ``{digits}``) alone, which
    baresip completes with its account's exchange, or a ``sip:``/``sips:`` URI
    (``sip:{digits}@pbx.bureau.nl``). DialerError for any other template."""
    if not template or any(c.isspace() for c in template):
        raise DialerError(f"softphone-sjabloon {template!r}: zonder spaties, bijvoorbeeld {{national}}")
    if ":" in template.split("{", 1)[0]:
        check_template(template)
        if template.split(":", 1)[0].lower() not in ("sip", "sips"):
            raise DialerError(f"softphone-sjabloon {template!r}: begin met sip: of sips:, of geef alleen het nummer")
        return _fill(template, e164)
    try:
        uri = _fill(template, e164)
    except (KeyError, IndexError, ValueError) as e:
        raise DialerError(f"softphone-sjabloon {template!r}: alleen {{number}}, {{national}} of {{digits}} ({e})") from None
    if "{" not in template or not _DIALLABLE.match(uri):
        raise DialerError(f"softphone-sjabloon {template!r}: alleen het nummer ({{national}}) of een sip:-adres")
    return uri


def make_dialer(kind: str, template: str, opener: Callable[[str], bool]) -> Dialer:
    if kind == "manual":
        return ManualDialer()
    if kind == "uri":
        return UriDialer(template, opener)
    raise DialerError(f"onbekend soort dialer {kind!r}: manual of uri (softphone: zie softphone.py)")
