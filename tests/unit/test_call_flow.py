"""The desk's call flow (``cati.calls.rules.call_flow``) without Qt: every path of a call, and which
keys are live at each step."""

from __future__ import annotations

import pytest

from cati.calls.rules.call_flow import KEYS, CallFlow, FlowError, Key, Step


def run(flow: CallFlow, *events: str | tuple[str, dict[str, object]]) -> CallFlow:
    for e in events:
        name, kw = (e, {}) if isinstance(e, str) else e
        flow = flow.on(name, **kw)
    return flow


def test_a_plain_call_from_the_queue_to_an_outcome() -> None:
    flow = run(CallFlow(), ("started", {"held": False}))
    assert flow.step is Step.QUEUE and flow.keys == {Key.NEXT_CASE}
    flow = flow.on("next_case")
    assert flow.step is Step.CLAIMING and flow.busy and flow.keys == frozenset()
    flow = flow.on("claimed")
    assert flow.step is Step.CASE and flow.keys == {Key.DIAL, Key.CONTACT, Key.OUTCOME, Key.NOTE}
    assert not flow.dialled and flow.hidden_outcomes("COMPLETE", "PARTIAL") == ("COMPLETE", "PARTIAL")
    flow = flow.on("dialled")
    assert flow.dialled and flow.step is Step.CASE
    flow = flow.on("outcome")
    assert flow.step is Step.RECORDING and flow.busy
    assert flow.on("recorded") == CallFlow(Step.QUEUE)


def test_nothing_to_call_returns_to_the_queue() -> None:
    assert run(CallFlow(), ("started", {"held": False}), "next_case", "nothing").step is Step.QUEUE


def test_an_appointment_outcome_goes_through_the_picker_and_can_be_cancelled() -> None:
    case = run(CallFlow(), ("started", {"held": False}), "next_case", "claimed", "dialled")
    picker = case.on("outcome", needs_appointment=True)
    assert picker.step is Step.APPOINTMENT and picker.picker_for == "outcome"
    assert picker.keys == {Key.PICK, Key.CANCEL}
    back = picker.on("cancelled")
    assert back.step is Step.CASE and back.dialled and back.picker_for == ""
    saving = picker.on("picked")
    assert saving.step is Step.RECORDING
    failed = saving.on("failed")
    assert failed.step is Step.APPOINTMENT and failed.back is Step.CASE  # nothing lost: pick again
    assert failed.on("cancelled").step is Step.CASE


def test_an_interview_to_a_complete() -> None:
    case = run(CallFlow(), ("started", {"held": False}), "next_case", "claimed")
    opening = case.on("contact")
    assert opening.step is Step.OPENING and opening.busy and opening.dialled  # the attempt started
    flow = opening.on("opened")
    assert flow.step is Step.INTERVIEW and flow.interview
    assert flow.keys == {Key.ANSWER, Key.BACK, Key.DONT_KNOW, Key.REFUSED, Key.STOP, Key.LANGUAGE}
    saving = flow.on("ended", complete=True)
    assert saving.step is Step.RECORDING
    assert saving.on("failed").step is Step.INTERVIEW  # the last question again
    assert saving.on("recorded").step is Step.QUEUE


def test_stopping_an_interview_asks_when_to_call_back() -> None:
    flow = run(CallFlow(), ("started", {"held": False}), "next_case", "claimed", "contact", "opened", "stop")
    assert flow.step is Step.APPOINTMENT and flow.picker_for == "stop" and flow.back is Step.INTERVIEW
    assert flow.on("cancelled").step is Step.INTERVIEW
    assert run(flow, "picked", "recorded").step is Step.QUEUE


def test_an_interview_that_ends_without_a_complete_asks_for_the_outcome() -> None:
    flow = run(CallFlow(), ("started", {"held": False}), "next_case", "claimed", "contact", "opened",
               ("ended", {"complete": False}))
    assert flow.step is Step.CASE and flow.interview_ended
    assert not flow.allows(Key.CONTACT) and flow.allows(Key.OUTCOME)
    assert flow.hidden_outcomes("COMPLETE", "PARTIAL") == ("COMPLETE", "PARTIAL")
    with pytest.raises(FlowError):
        flow.on("contact")


def test_a_held_case_after_a_restart_offers_its_interview() -> None:
    flow = CallFlow().on("started", held=True, interview=True)
    assert flow.step is Step.CASE and flow.interview and flow.allows(Key.CONTACT)
    assert flow.hidden_outcomes("COMPLETE", "PARTIAL") == ("COMPLETE",)  # PARTIAL: stop the interview


def test_no_dialling_without_a_number_and_opening_can_fail() -> None:
    flow = run(CallFlow(), ("started", {"held": False}), "next_case", ("claimed", {"dial_possible": False}))
    assert not flow.allows(Key.DIAL) and flow.allows(Key.OUTCOME)
    assert flow.on("contact").on("open_failed").step is Step.CASE


@pytest.mark.parametrize("step", list(Step))
def test_events_that_cannot_happen_at_a_step_are_refused(step: Step) -> None:
    flow = CallFlow(step, back=Step.CASE, saving_from=Step.CASE)
    allowed = {
        Step.STARTING: {"started"}, Step.QUEUE: {"next_case"}, Step.CLAIMING: {"claimed", "nothing"},
        Step.CASE: {"dialled", "contact", "outcome"}, Step.OPENING: {"opened", "open_failed"},
        Step.INTERVIEW: {"stop", "ended"}, Step.APPOINTMENT: {"picked", "cancelled"},
        Step.RECORDING: {"recorded", "failed"},
    }[step]
    events = {"started": {"held": False}, "next_case": {}, "claimed": {}, "nothing": {}, "dialled": {},
              "contact": {}, "opened": {}, "open_failed": {}, "outcome": {}, "stop": {}, "picked": {},
              "cancelled": {}, "ended": {"complete": True}, "recorded": {}, "failed": {}}
    for name, kw in events.items():
        if name in allowed:
            assert isinstance(flow.on(name, **kw), CallFlow)
        else:
            with pytest.raises(FlowError):
                flow.on(name, **kw)
    with pytest.raises(FlowError):
        flow.on("teleport")


def test_every_step_has_its_keys_and_busy_steps_have_none() -> None:
    assert set(KEYS) == set(Step)
    assert {s for s in Step if not KEYS[s]} == {Step.STARTING, Step.CLAIMING, Step.OPENING, Step.RECORDING}
