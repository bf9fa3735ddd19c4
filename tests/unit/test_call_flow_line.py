"""The softphone's line on the desk (``cati.calls.rules.line`` and the call flow's line states), and the
outcomes the line already knows (``resources/line_outcomes.yaml``), without Qt and without a phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cati.calls.rules.call_flow import CallFlow, FlowError, Key, Step
from cati.calls.rules.line import (
    EndCause,
    Line,
    LineOutcomes,
    LineOutcomesError,
    LineState,
    load_line_outcomes,
    sip_code,
)
from cati.calls.rules.outcomes import load_outcome_table
from cati.core.paths import resources_dir

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SELECTABLE = [o.code for o in load_outcome_table().selectable()]


@pytest.fixture(scope="module")
def table() -> LineOutcomes:
    return load_line_outcomes(resources_dir() / "line_outcomes.yaml", SELECTABLE)


def ended(table: LineOutcomes, cause: EndCause, reason: str = "", answered: float | None = None,
          after: float = 12.0) -> Line:
    line = Line().dialling(T0).ringing()
    if answered is not None:
        line = line.connected(answered)
    return line.ended(after, cause, reason, table)


# -- the line -------------------------------------------------------------------------------------
def test_a_connected_call_has_its_times_and_talk_seconds(table: LineOutcomes) -> None:
    line = Line().dialling(T0)
    assert line.state is LineState.DIALLING and line.live and line.talk_seconds is None
    line = line.ringing().connected(4.2)
    assert line.state is LineState.CONNECTED and line.answered_at == T0 + timedelta(seconds=4.2)
    line = line.ended(46.9, EndCause.REMOTE, "Connection reset by peer", table)
    assert not line.live and line.state is LineState.ENDED
    assert line.ended_at == T0 + timedelta(seconds=46.9) and line.talk_seconds == 43
    assert line.suggestion is None  # answered: the interviewer knows what happened
    assert line.sip_code is None


def test_the_line_refuses_what_cannot_happen() -> None:
    with pytest.raises(ValueError):
        Line().ringing()
    with pytest.raises(ValueError):
        Line().dialling(T0).dialling(T0)
    with pytest.raises(ValueError):
        Line().ended(1.0, EndCause.DESK, "", None)
    with pytest.raises(ValueError):
        Line().dialling(T0.replace(tzinfo=None))


@pytest.mark.parametrize(("reason", "code"), [("486 Busy Here", 486), ("404 Not Found", 404), (" 603 Decline", 603),
                                              ("Connection refused", None), ("4860 x", None), ("", None)])
def test_sip_codes_are_read_off_the_reason(reason: str, code: int | None) -> None:
    assert sip_code(reason) == code


# -- what the line suggests -------------------------------------------------------------------
@pytest.mark.parametrize(("cause", "reason", "outcome", "text"), [
    (EndCause.REMOTE, "486 Busy Here", "BUSY", "In gesprek (486 Busy Here)"),
    (EndCause.REMOTE, "486 Rejected", "BUSY", "In gesprek (486 Rejected)"),
    (EndCause.REMOTE, "600 Busy Everywhere", "BUSY", "In gesprek (600 Busy Everywhere)"),
    (EndCause.REMOTE, "404 Not Found", "DISCONNECTED", "Nummer bestaat niet (404 Not Found)"),
    (EndCause.REMOTE, "484 Address Incomplete", "DISCONNECTED", "Nummer bestaat niet (484 Address Incomplete)"),
    (EndCause.REMOTE, "603 Decline", "NO_ANSWER", "Oproep geweigerd (603 Decline)"),
    (EndCause.REMOTE, "480 Temporarily Unavailable", "NO_ANSWER",
     "Tijdelijk niet bereikbaar (480 Temporarily Unavailable)"),
    (EndCause.REMOTE, "503 Service Unavailable", "LINE_PROBLEM", "Niet bereikbaar (503 Service Unavailable)"),
    (EndCause.REMOTE, "403 Forbidden", "LINE_PROBLEM", "Niet bereikbaar (403 Forbidden)"),
    (EndCause.NO_ANSWER, "", "NO_ANSWER", "Geen gehoor na 12 seconden"),
    (EndCause.NO_ANSWER, "Local timeout", "NO_ANSWER", "Geen gehoor na 12 seconden (Local timeout)"),
    (EndCause.FAILED, "Connection refused", "LINE_PROBLEM", "Niet bereikbaar (Connection refused)"),
    (EndCause.DROPPED, "baresip stopped", "LINE_PROBLEM", "Niet bereikbaar (baresip stopped)"),
])
def test_an_unanswered_line_suggests_its_outcome(table: LineOutcomes, cause: EndCause, reason: str, outcome: str,
                                                 text: str) -> None:
    suggestion = ended(table, cause, reason).suggestion
    assert suggestion is not None and (suggestion.outcome, suggestion.reason) == (outcome, text)


def test_answered_calls_and_the_interviewers_hang_up_suggest_nothing(table: LineOutcomes) -> None:
    assert ended(table, EndCause.DESK).suggestion is None
    assert ended(table, EndCause.REMOTE, "486 Busy Here", answered=3.0).suggestion is None
    assert ended(table, EndCause.DROPPED, "gone", answered=3.0).suggestion is None
    assert ended(table, EndCause.REMOTE, "Connection reset by peer").suggestion is None  # no status, no rule


def test_every_suggested_outcome_is_one_the_interviewer_may_choose(table: LineOutcomes) -> None:
    assert {r.outcome for r in table.rules} == {"BUSY", "DISCONNECTED", "NO_ANSWER", "LINE_PROBLEM"}
    assert set(r.outcome for r in table.rules) <= set(SELECTABLE)
    assert table.rule_for(EndCause.REMOTE, 486) is table.rules[0]


@pytest.mark.parametrize(("rules", "message"), [
    ([{"name": "x", "status": [486], "outcome": "BUSSY", "reason_nl": "In gesprek"}], "not an outcome"),
    ([{"name": "x", "status": [486], "outcome": "MAX_ATTEMPTS", "reason_nl": "x"}], "not an outcome"),
    ([{"name": "x", "status": [486], "outcome": "BUSY"}], "reason_nl"),
    ([{"name": "x", "status": [200], "outcome": "BUSY", "reason_nl": "x"}], "400-699"),
    ([{"name": "x", "status": ["4xx"], "outcome": "BUSY", "reason_nl": "x"}], "not a code"),
    ([{"name": "x", "cause": ["teleport"], "outcome": "BUSY", "reason_nl": "x"}], "teleport"),
    ([{"name": "x", "cause": ["desk"], "outcome": "BUSY", "reason_nl": "x"}], "suggests nothing"),
    ([{"name": "x", "outcome": "BUSY", "reason_nl": "x"}], "status codes or causes"),
    ([{"name": "x", "status": [486], "outcome": "BUSY", "reason_nl": "na {minutes}"}], "{seconds}"),
])
def test_a_broken_mapping_is_refused_with_the_rule_named(rules: list[dict[str, object]], message: str) -> None:
    with pytest.raises(LineOutcomesError, match="x|rules") as e:
        load_line_outcomes({"version": 1, "rules": rules}, SELECTABLE)
    assert message in str(e.value)
    with pytest.raises(LineOutcomesError):
        load_line_outcomes({"rules": []}, SELECTABLE)


def test_the_shipped_mapping_loads_from_its_file(tmp_path: Path) -> None:
    copy = tmp_path / "line_outcomes.yaml"
    copy.write_text((resources_dir() / "line_outcomes.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert len(load_line_outcomes(copy, SELECTABLE).rules) == 6


# -- the line in the desk's call flow ---------------------------------------------------------
def case_flow() -> CallFlow:
    return CallFlow().on("started", held=False).on("next_case").on("claimed")


def test_while_the_line_is_set_up_the_interviewer_waits_or_hangs_up(table: LineOutcomes) -> None:
    flow = case_flow().on("line_dialling", at=T0)
    assert flow.dialled and flow.line.state is LineState.DIALLING
    assert flow.keys == {Key.HANGUP, Key.NOTE}  # no second dial, no outcome, no interview yet
    flow = flow.on("line_ringing")
    assert flow.keys == {Key.HANGUP, Key.NOTE}
    with pytest.raises(FlowError):
        flow.on("outcome")
    with pytest.raises(FlowError):
        flow.on("contact")
    busy = flow.on("line_ended", after=1.5, cause=EndCause.REMOTE, reason="486 Busy Here", outcomes=table)
    assert busy.line.suggestion is not None and busy.line.suggestion.outcome == "BUSY"
    assert busy.keys == {Key.OUTCOME, Key.NOTE}  # confirm (or pick another); no redial, no interview
    assert busy.on("outcome").step is Step.RECORDING


def test_an_answered_call_goes_on_to_the_interview_and_is_hung_up_before_the_save(table: LineOutcomes) -> None:
    flow = case_flow().on("line_dialling", at=T0).on("line_ringing").on("line_connected", after=3.0)
    assert flow.keys == {Key.HANGUP, Key.CONTACT, Key.OUTCOME, Key.NOTE}
    flow = flow.on("contact").on("opened")
    assert Key.HANGUP in flow.keys and Key.ANSWER in flow.keys
    with pytest.raises(FlowError):
        flow.on("ended", complete=True)  # the line is still open: hang up first
    down = flow.on("line_ended", after=60.0, cause=EndCause.DESK, reason="", outcomes=table)
    assert Key.HANGUP not in down.keys and down.line.talk_seconds == 57
    saving = down.on("ended", complete=True)
    assert saving.step is Step.RECORDING and saving.line.talk_seconds == 57
    assert saving.on("recorded").line == Line()  # the next case starts with an idle line


def test_an_appointment_is_picked_with_the_respondent_still_on_the_line(table: LineOutcomes) -> None:
    flow = case_flow().on("line_dialling", at=T0).on("line_connected", after=2.0)
    picker = flow.on("outcome", needs_appointment=True)
    assert picker.step is Step.APPOINTMENT and picker.keys == {Key.PICK, Key.CANCEL, Key.HANGUP}
    with pytest.raises(FlowError):
        picker.on("picked")
    down = picker.on("line_ended", after=30.0, cause=EndCause.DESK, outcomes=table)
    assert down.on("picked").step is Step.RECORDING
    with pytest.raises(FlowError):
        flow.on("outcome")  # straight to the save with the line open: hang up first


def test_the_respondent_hanging_up_during_the_interview_leaves_stop_and_no_hang_up_key(table: LineOutcomes) -> None:
    flow = case_flow().on("line_dialling", at=T0).on("line_connected", after=2.0).on("contact").on("opened")
    gone = flow.on("line_ended", after=90.0, cause=EndCause.REMOTE, reason="Connection reset by peer",
                   outcomes=table)
    assert gone.step is Step.INTERVIEW and gone.line.suggestion is None
    assert gone.keys == {Key.ANSWER, Key.BACK, Key.DONT_KNOW, Key.REFUSED, Key.STOP, Key.LANGUAGE}
    assert gone.on("stop").on("picked").step is Step.RECORDING


def test_line_events_need_a_case_and_the_line_in_the_right_state(table: LineOutcomes) -> None:
    queue = CallFlow().on("started", held=False)
    for event, kw in [("line_dialling", {"at": T0}), ("line_ringing", {}), ("line_connected", {"after": 1.0}),
                      ("line_ended", {"after": 1.0, "cause": EndCause.DESK})]:
        with pytest.raises(FlowError):
            queue.on(event, **kw)
    case = case_flow()
    with pytest.raises(FlowError):
        case.on("line_ringing")  # nothing dialled
    no_number = CallFlow().on("started", held=False).on("next_case").on("claimed", dial_possible=False)
    with pytest.raises(FlowError):
        no_number.on("line_dialling", at=T0)
    down = case.on("line_dialling", at=T0).on("line_ended", after=0.1, cause=EndCause.FAILED,
                                                reason="Connection refused", outcomes=table)
    with pytest.raises(FlowError):
        down.on("line_ended", after=0.2, cause=EndCause.DESK)  # ended once
    with pytest.raises(FlowError):
        down.on("line_dialling", at=T0)  # one dial per attempt
    assert not down.allows(Key.DIAL) and not down.allows(Key.CONTACT)


def test_a_manual_dial_keeps_the_line_idle() -> None:
    flow = case_flow().on("dialled")
    assert flow.line.state is LineState.IDLE and flow.allows(Key.CONTACT) and flow.allows(Key.DIAL)
    assert not flow.allows(Key.HANGUP)
