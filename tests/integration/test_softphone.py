"""cati's softphone (``cati/telephony/io``) against a real respondent: two baresip processes on 127.0.0.1.

The desk's baresip is started by cati (its own config directory, account and audio from the
settings: a WAV file as the microphone, no sound card); the respondent's is scripted by the test
(``tests/respondent.py``): it answers, is busy, never answers, hangs up after N seconds, or is not
the number dialled (404). Every test checks the line's events and what the line suggests.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cati.calls.rules.line import EndCause, Line, LineOutcomes, load_line_outcomes
from cati.calls.rules.outcomes import load_outcome_table
from cati.core.paths import resources_dir
from cati.telephony.io.baresip import BaresipConfig, SoftphoneProblem
from cati.telephony.io.softphone import LineEvent, Softphone, SoftphoneSettings
from tests.respondent import NEEDS_BARESIP, Respondent, free_port, tone_file

pytestmark = NEEDS_BARESIP
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
NUMBER = "+31612345678"


@pytest.fixture(scope="module")
def table() -> LineOutcomes:
    return load_line_outcomes(resources_dir() / "line_outcomes.yaml",
                              [o.code for o in load_outcome_table().selectable()])


@pytest.fixture(scope="module")
def tone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tone_file(tmp_path_factory.mktemp("audio") / "tone.wav")


def desk_config(tone: Path, account: str = "<sip:cati@127.0.0.1>;regint=0") -> BaresipConfig:
    return BaresipConfig(account, audio_source=f"aufile,{tone}", audio_player="aubridge,desk-ear",
                         sip_listen="127.0.0.1:0", net_interface="127.0.0.1")


@pytest.fixture
def respondent(tmp_path: Path) -> Iterator[Respondent]:
    r = Respondent(tmp_path / "respondent", NUMBER).start()
    yield r
    r.stop()


@pytest.fixture
def phone(tmp_path: Path, tone: Path) -> Iterator[Softphone]:
    sp = Softphone(SoftphoneSettings(desk_config(tone), directory=tmp_path / "desk"))
    assert sp.open() == "ready"
    yield sp
    sp.close()


def uri(r: Respondent, number: str = NUMBER) -> str:
    return f"sip:{number.lstrip('+')}@127.0.0.1:{r.sip_port}"


def events_until(sp: Softphone, kind: str, timeout: float = 30.0) -> list[LineEvent]:
    """The softphone's events until one of ``kind`` (generous: the machine may be busy)."""
    seen: list[LineEvent] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen += sp.take_events()
        if any(e.kind == kind for e in seen):
            return seen
        time.sleep(0.02)
    raise AssertionError(f"no {kind} event within {timeout} s: {seen}")


def line_of(events: list[LineEvent], table: LineOutcomes) -> Line:
    """The line as the desk builds it from the events (times from the dial)."""
    line, t0 = Line(), 0.0
    for e in events:
        if e.kind == "dialling":
            line, t0 = line.dialling(T0), e.at
        elif e.kind == "ringing":
            line = line.ringing()
        elif e.kind == "connected":
            line = line.connected(e.at - t0)
        elif e.kind == "ended":
            assert e.cause is not None
            line = line.ended(e.at - t0, e.cause, e.reason, table)
    return line


def test_answered_then_hung_up_by_the_desk(phone: Softphone, respondent: Respondent, table: LineOutcomes) -> None:
    respondent.ring_seconds = 1.0
    phone.dial(uri(respondent), no_answer_after=30)
    events = events_until(phone, "connected")
    assert [e.kind for e in events] == ["dialling", "ringing", "connected"]
    assert phone.call_live
    time.sleep(2.0)
    ended = phone.hangup()
    assert ended is not None and ended.cause is EndCause.DESK and not phone.call_live
    line = line_of([*events, ended], table)
    assert line.suggestion is None and line.talk_seconds in (2, 3)
    assert 0.7 <= line.answered_after <= 4.0  # type: ignore[operator]  # rang about a second
    call = respondent.wait_closed()
    assert call.peer.startswith("sip:cati@127.0.0.1") and call.established_at is not None
    assert phone.take_events() == []  # baresip's own close of the call was not reported again


def test_the_respondent_hangs_up_after_n_seconds_and_talk_time_is_within_a_second(
        phone: Softphone, respondent: Respondent, table: LineOutcomes) -> None:
    respondent.mode, respondent.talk_seconds = "hangs_up", 4.0
    phone.dial(uri(respondent), no_answer_after=30)
    events = events_until(phone, "ended")
    assert [e.kind for e in events] == ["dialling", "ringing", "connected", "ended"]
    end = events[-1]
    assert end.cause is EndCause.REMOTE and "reset by peer" in end.reason.lower()
    line = line_of(events, table)
    talk = end.at - events[2].at
    assert abs(talk - 4.0) < 1.0, f"talk time {talk:.3f} s for a scripted 4 s"
    assert line.talk_seconds in (3, 4, 5) and line.suggestion is None


def test_busy(phone: Softphone, respondent: Respondent, table: LineOutcomes) -> None:
    respondent.mode = "busy"
    phone.dial(uri(respondent), no_answer_after=30)
    events = events_until(phone, "ended")
    assert "connected" not in [e.kind for e in events]
    assert events[-1].cause is EndCause.REMOTE and events[-1].reason.startswith("486")
    line = line_of(events, table)
    assert line.suggestion is not None and line.suggestion.outcome == "BUSY"
    assert line.suggestion.reason.startswith("In gesprek (486") and line.talk_seconds is None


def test_never_answers_is_hung_up_after_the_set_seconds(phone: Softphone, respondent: Respondent,
                                                         table: LineOutcomes) -> None:
    respondent.mode = "never"
    phone.dial(uri(respondent), no_answer_after=3)
    events = events_until(phone, "ended")
    assert [e.kind for e in events] == ["dialling", "ringing", "ended"]
    assert events[-1].cause is EndCause.NO_ANSWER and 2.9 <= events[-1].at - events[0].at <= 6.0
    line = line_of(events, table)
    assert line.suggestion is not None and line.suggestion.outcome == "NO_ANSWER"
    assert line.suggestion.reason in ("Geen gehoor na 3 seconden", "Geen gehoor na 4 seconden",
                                      "Geen gehoor na 5 seconden")
    call = respondent.wait_closed()  # cati cancelled the call: it stopped ringing there
    assert call.established_at is None


def test_a_number_that_does_not_exist(phone: Softphone, respondent: Respondent, table: LineOutcomes) -> None:
    phone.dial(uri(respondent, "+31687654321"), no_answer_after=30)
    events = events_until(phone, "ended")
    assert events[-1].cause is EndCause.REMOTE and events[-1].reason == "404 Not Found"
    line = line_of(events, table)
    assert line.suggestion is not None and line.suggestion.outcome == "DISCONNECTED"
    assert line.suggestion.reason == "Nummer bestaat niet (404 Not Found)"
    assert respondent.calls == []


def test_an_unreachable_exchange(phone: Softphone, table: LineOutcomes) -> None:
    phone.dial(f"sip:31612345678@127.0.0.1:{free_port()};transport=tcp", no_answer_after=30)
    events = events_until(phone, "ended")
    assert events[-1].cause is EndCause.FAILED
    line = line_of(events, table)
    assert line.suggestion is not None and line.suggestion.outcome == "LINE_PROBLEM"
    assert line.suggestion.reason.startswith("Niet bereikbaar (")


def test_one_call_at_a_time(phone: Softphone, respondent: Respondent) -> None:
    respondent.mode = "never"
    phone.dial(uri(respondent), no_answer_after=30)
    with pytest.raises(SoftphoneProblem) as e:
        phone.dial(uri(respondent), no_answer_after=30)
    assert e.value.kind == "busy"
    assert phone.hangup() is not None and phone.hangup() is None
    assert len(respondent.calls) <= 1


def test_the_softphone_stopping_during_a_call_is_reported(phone: Softphone, respondent: Respondent) -> None:
    phone.dial(uri(respondent), no_answer_after=30)
    events_until(phone, "connected")
    assert phone.process is not None and phone.process.proc is not None
    phone.process.proc.kill()
    events = events_until(phone, "status")
    ended = next(e for e in events if e.kind == "ended")
    status = next(e for e in events if e.kind == "status")
    assert ended.cause is EndCause.DROPPED and status.status == "dropped" and not phone.is_open
    with pytest.raises(SoftphoneProblem) as e:
        phone.dial(uri(respondent), no_answer_after=30)
    assert e.value.kind == "dropped"
    assert phone.open() == "ready"  # started again


def test_a_baresip_already_running_is_used(tmp_path: Path, respondent: Respondent, table: LineOutcomes) -> None:
    running = Respondent(tmp_path / "desk-baresip", "+31200000000").start()  # any baresip with ctrl_tcp
    try:
        sp = Softphone(SoftphoneSettings(control=f"127.0.0.1:{running.ctrl_port}"))
        assert sp.open() == "ready" and sp.aor == "sip:31200000000@127.0.0.1"
        respondent.mode = "busy"
        sp.dial(uri(respondent), no_answer_after=30)
        events = events_until(sp, "ended")
        assert line_of(events, table).suggestion.outcome == "BUSY"  # type: ignore[union-attr]
        sp.close()
        assert running._proc is not None and running._proc.poll() is None  # cati does not stop it
    finally:
        running.stop()


def test_no_baresip_running_there(tmp_path: Path) -> None:
    sp = Softphone(SoftphoneSettings(control=f"127.0.0.1:{free_port()}"))
    with pytest.raises(SoftphoneProblem) as e:
        sp.open()
    assert e.value.kind == "not_started" and "no baresip on 127.0.0.1" in e.value.detail


def test_an_account_that_cannot_register(tmp_path: Path, tone: Path) -> None:
    exchange = f"127.0.0.1:{free_port()}"  # nothing listens there
    sp = Softphone(SoftphoneSettings(desk_config(tone, f"<sip:desk07@{exchange};transport=tcp>;regint=60"),
                                     directory=tmp_path / "desk"))
    try:
        state = sp.open()
    except SoftphoneProblem as e:
        assert e.kind == "not_registered" and "refused" in e.detail.lower()
        assert sp.process is None  # nothing left running
        return
    assert state == "registering"  # the answer of the exchange was not in yet: it comes as an event
    status = next(e for e in events_until(sp, "status") if e.kind == "status")
    assert status.status == "not_registered"
    with pytest.raises(SoftphoneProblem) as problem:
        sp.dial("sip:31612345678@127.0.0.1:5060", no_answer_after=30)
    assert problem.value.kind == "not_registered"
    sp.close()


def test_baresip_not_installed_is_said_plainly(tmp_path: Path, tone: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    sp = Softphone(SoftphoneSettings(desk_config(tone), directory=tmp_path / "desk"))
    with pytest.raises(SoftphoneProblem) as e:
        sp.open()
    assert e.value.kind == "missing" and e.value.detail == "baresip"  # the program not found
    monkeypatch.setenv("PATH", os.defpath)
    sp = Softphone(SoftphoneSettings(BaresipConfig("<sip:cati@127.0.0.1>", module_path=str(tmp_path)),
                                     directory=tmp_path / "desk"))
    with pytest.raises(SoftphoneProblem) as e:
        sp.open()
    assert e.value.kind == "missing" and "ctrl_tcp" in e.value.detail
