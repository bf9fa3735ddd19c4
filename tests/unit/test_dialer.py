from __future__ import annotations

import pytest

from cati.telephony.io.dialer import DialerError, ManualDialer, UriDialer, make_dialer


def test_manual_dialer_shows_the_national_number() -> None:
    r = ManualDialer().dial("+31612345678")
    assert (r.display, r.uri, r.handed_over) == ("06 12345678", None, False)


def test_uri_dialer_fills_the_template_and_hands_it_over() -> None:
    opened: list[str] = []
    d = UriDialer("sip:{digits}@pbx.bureau.local;user=phone", lambda uri: opened.append(uri) is None)
    r = d.dial("+31201234567")
    assert opened == ["sip:31201234567@pbx.bureau.local;user=phone"]
    assert r.handed_over and r.display == "020 1234567"
    assert UriDialer("tel:{number}", lambda u: True).uri_for("+31612345678") == "tel:+31612345678"
    assert UriDialer("callto:{national}", lambda u: True).uri_for("+31612345678") == "callto:0612345678"


def test_a_refused_handover_is_reported() -> None:
    assert not UriDialer("tel:{number}", lambda u: False).dial("+31612345678").handed_over


@pytest.mark.parametrize("template", ["http://x/{number}", "tel:{nummer}", "tel:", "tel:{0}"])
def test_bad_templates_are_refused(template: str) -> None:
    with pytest.raises(DialerError):
        UriDialer(template, lambda u: True)


def test_make_dialer() -> None:
    assert make_dialer("manual", "", lambda u: True).kind == "manual"
    assert make_dialer("uri", "tel:{number}", lambda u: True).kind == "uri"
    with pytest.raises(DialerError):
        make_dialer("carrier-pigeon", "", lambda u: True)
