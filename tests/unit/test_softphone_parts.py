"""The softphone's parts that need no phone: may this number be dialled (``calls/rules/dialling.py``),
netstrings, baresip's config and ``reginfo`` text, the desk's settings file, the softphone URI."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cati.calls.rules.calendar import CallingCalendar
from cati.calls.rules.dialling import dial_refusal
from cati.calls.rules.scheduling_state import CaseState, CaseStatus, NumberStatus, PhoneNumber
from cati.telephony.io.baresip import BaresipConfig, SoftphoneProblem, config_text, user_agents
from cati.telephony.io.desk_settings import DeskSettingsError, load_desk_settings
from cati.telephony.io.dialer import DialerError, softphone_uri
from cati.telephony.io.netstring import NetstringDecoder, NetstringError, encode

MONDAY_10 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
MONDAY_22 = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
SUNDAY = datetime(2026, 3, 1, 11, 0, tzinfo=UTC)
ANNA = 7


def held(*numbers: PhoneNumber, current: int = 0) -> CaseState:
    return CaseState(case_id="1", status=CaseStatus.ACTIVE, numbers=numbers, current_number=current, held_by=ANNA)


# -- may this number be dialled ----------------------------------------------------------------
def test_the_number_on_screen_may_be_dialled_in_calling_hours() -> None:
    cal = CallingCalendar()
    assert dial_refusal(held(PhoneNumber("+31612345678")), "+31612345678", MONDAY_10, cal, ANNA) is None


@pytest.mark.parametrize(("state", "e164", "now", "why"), [
    (held(PhoneNumber("+31612345678")), "+31612345678", MONDAY_22, "buiten de beltijden"),
    (held(PhoneNumber("+31612345678")), "+31612345678", SUNDAY, "buiten de beltijden"),
    (held(PhoneNumber("+31612345678", NumberStatus.DO_NOT_CALL)), "+31612345678", MONDAY_10, "niet-bellen"),
    (held(PhoneNumber("+31612345678", NumberStatus.FINAL)), "+31612345678", MONDAY_10, "niet-bellen"),
    (held(PhoneNumber("+31612345678")), "+31687654321", MONDAY_10, "niet-bellen"),  # not the number on screen
    (held(PhoneNumber("+31612345678"), PhoneNumber("+31687654321")), "+31687654321", MONDAY_10, "niet-bellen"),
    (held(PhoneNumber("+319001234567")), "+319001234567", MONDAY_10, "betaalnummer"),
    (held(PhoneNumber("+31661234567")), "+31661234567", MONDAY_10, "pagernummer"),
    (replace(held(PhoneNumber("+31612345678")), held_by=8), "+31612345678", MONDAY_10, "niet (meer) aan u"),
    (replace(held(PhoneNumber("+31612345678")), status=CaseStatus.FINAL), "+31612345678", MONDAY_10, "afgesloten"),
])
def test_what_must_not_be_dialled_is_refused_with_the_reason(state: CaseState, e164: str, now: datetime,
                                                              why: str) -> None:
    refusal = dial_refusal(state, e164, now, CallingCalendar(), ANNA)
    assert refusal is not None and why in refusal


# -- the softphone's URI ---------------------------------------------------------------------
def test_the_softphone_dials_the_national_number_or_a_sip_uri() -> None:
    assert softphone_uri("{national}", "+31201234567") == "0201234567"
    assert softphone_uri("sip:{digits}@127.0.0.1:5062", "+31612345678") == "sip:31612345678@127.0.0.1:5062"
    assert softphone_uri("sips:{number}@pbx.bureau.nl", "+31612345678") == "sips:+31612345678@pbx.bureau.nl"
    for bad in ("tel:{number}", "{nummer}", "sip:x@pbx", "{national}; quit"):
        with pytest.raises(DialerError):
            softphone_uri(bad, "+31612345678")


# -- netstrings ------------------------------------------------------------------------------------
def test_netstrings_come_out_whole_however_the_stream_is_cut() -> None:
    stream = encode(b'{"event":true}') + encode(b"") + encode("é".encode()) + encode(b"x" * 1234)
    for size in (1, 2, 3, 7, 100, len(stream)):
        decoder = NetstringDecoder()
        out = [frame for i in range(0, len(stream), size) for frame in decoder.feed(stream[i:i + size])]
        assert out == [b'{"event":true}', b"", "é".encode(), b"x" * 1234]
    assert encode(b"hello world!") == b"12:hello world!,"


@pytest.mark.parametrize("junk", [b"HTTP/1.1 200 OK\r\n", b"3:abcd,", b"01:a,", b"1234567890:", b":a,"])
def test_a_stream_that_is_not_netstrings_is_refused(junk: bytes) -> None:
    with pytest.raises(NetstringError):
        NetstringDecoder().feed(junk)


# -- baresip's config and reginfo ------------------------------------------------------------------
def test_the_config_loads_what_the_desk_needs(tmp_path: Path) -> None:
    for name in ("account", "menu", "ctrl_tcp", "g711", "opus", "alsa", "aufile"):
        (tmp_path / f"{name}.so").write_bytes(b"")
    cfg = BaresipConfig("<sip:desk07@pbx.bureau.nl>;auth_pass=x", audio_source="aufile,/tmp/a.wav",
                        audio_player="alsa,default")
    text = config_text(cfg, tmp_path, 40001, "", 150)
    assert "ctrl_tcp_listen\t\t127.0.0.1:40001" in text and "call_local_timeout\t150" in text
    assert "audio_player\t\talsa,default" in text and "audio_alert\t\talsa,default" in text
    modules = [line.split()[-1] for line in text.splitlines() if line.startswith("module\t")]
    assert modules == ["account.so", "menu.so", "ctrl_tcp.so", "g711.so", "opus.so", "aufile.so", "alsa.so"]
    assert "sip_listen" not in text and "sndfile" not in text  # recording: a seam, off
    assert cfg.aor == "sip:desk07@pbx.bureau.nl"
    with pytest.raises(SoftphoneProblem, match="pulse.so"):
        config_text(replace(cfg, audio_player="pulse"), tmp_path, 40001, "", 150)


def test_reginfo_says_which_accounts_and_whether_they_are_registered() -> None:
    text = ("\n--- User Agents (3) ---\n  sip:a@pbx   \x1b[32mOK \x1b[;m sip:pbx Expires 3600s\n"
            "> sip:b@pbx   \x1b[31mERR\x1b[;m sip:pbx Expires 0s\n  sip:c@127.0.0.1                        \n\n")
    assert user_agents(text) == [("sip:b@pbx", "failed"), ("sip:a@pbx", "ok"), ("sip:c@127.0.0.1", "")]
    assert user_agents("\n--- User Agents (0) ---\n\n") == []


# -- the desk's settings file ---------------------------------------------------------------------
def test_the_desk_settings_file(tmp_path: Path) -> None:
    path = tmp_path / "desk.yaml"
    assert load_desk_settings(path).dialer_kind is None and load_desk_settings(path).path is None
    path.write_text('dialer.kind: softphone\nsoftphone.account: "<sip:desk07@pbx>;regint=0"\n'
                    "softphone.audio_source: alsa,default\nsoftphone.directory: " + str(tmp_path / "bs") + "\n")
    desk = load_desk_settings(path)
    assert desk.dialer_kind == "softphone" and desk.path == path
    assert desk.softphone.baresip is not None and desk.softphone.baresip.aor == "sip:desk07@pbx"
    assert desk.softphone.baresip.audio_source == "alsa,default" and desk.softphone.directory == tmp_path / "bs"
    path.write_text("softphone.control: 127.0.0.1:4444\n")
    assert load_desk_settings(path).softphone.control == "127.0.0.1:4444"
    for bad, why in [("dialer.kind: pigeon\n", "dialer.kind"), ("softphone.acount: x\n", "acount"),
                     ("- a\n", "key: value"), ("softphone.account: [1]\n", "text")]:
        path.write_text(bad)
        with pytest.raises(DeskSettingsError, match=why):
            load_desk_settings(path)


# -- a port taken between cati picking it and baresip binding it -------------------------------------
def test_a_port_taken_early_in_the_log_still_starts_baresip_again(tmp_path: Path) -> None:
    """ctrl_tcp's port taken (another program bound it after cati picked it): baresip says so early on,
    then goes on (its account registers, or not) without ctrl_tcp. Whether to start it again on other
    ports is decided on the same lines as the wait for ctrl_tcp gives up on, not on the message's last
    six: a run of the suite once reported "not started" for a baresip that only needed new ports."""
    from cati.telephony.io.baresip import BaresipProcess, log_tail

    process = BaresipProcess(BaresipConfig("<sip:cati@127.0.0.1>;regint=0"), tmp_path)
    tmp_path.joinpath("baresip.log").write_text("\n".join([
        "baresip v1.0.0 Copyright (C) 2010 - 2020 Alfred E. Heggestad et al.",  # as that run's log read
        "Local network address:  IPv4=lo|127.0.0.1", "Populated 1 account",
        "\x1b[31mtcp: sock_bind: bind: Address already in use (af=2, 127.0.0.1:32987)\x1b[;m",
        "ctrl_tcp: failed to listen on TCP 127.0.0.1:32987 (Address already in use)",
        "module ctrl_tcp.so: Address already in use", "aucodec: PCMU/8000/1", "ausrc: aufile",
        "Populated 4 audio codecs", "Populated 0 audio filters", "Populated 0 video codecs",
        "Populated 0 video filters", "baresip is ready.",
        "reg: sip:desk07@127.0.0.1:34399: Register: Connection refused",
    ]) + "\n", encoding="utf-8")
    assert "in use" not in log_tail(process.log)  # the message's lines: not where it says so
    assert process._port_taken()
    tmp_path.joinpath("baresip.log").write_text("baresip is ready.\nua: init failed (No such device)\n", encoding="utf-8")
    assert not process._port_taken()
