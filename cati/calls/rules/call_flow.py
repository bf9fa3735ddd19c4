"""The interviewer's desk as a state machine: which step the desk is at and which keys are live.

Pure and small: the desk widget (``cati/gui/desk/desk.py``) keeps one :class:`CallFlow`, feeds it
what happened (:meth:`CallFlow.on`), renders the step's screen and acts on a key only when
:meth:`CallFlow.allows` it. Every path of a call lives here, so it is tested without Qt
(``tests/unit/test_call_flow.py``)::

    STARTING --started(held)--> CASE | QUEUE
    QUEUE --next_case--> CLAIMING --claimed--> CASE
                                  --nothing--> QUEUE
    CASE --dialled--> CASE (the attempt runs)      --contact--> OPENING --opened--> INTERVIEW
         --outcome(needs an appointment)--> APPOINTMENT --picked--> RECORDING
         --outcome--> RECORDING --recorded--> QUEUE
                                --failed--> back where the outcome was chosen
    INTERVIEW --stop--> APPOINTMENT (when to call back) --picked--> RECORDING
              --ended(complete)--> RECORDING
              --ended(not complete)--> CASE (choose the outcome; COMPLETE is not offered)
    APPOINTMENT --cancelled--> back where it was opened
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum


class Step(StrEnum):
    STARTING = "starting"  # at login: is there a case this interviewer was still working on?
    QUEUE = "queue"  # choose a queue; the next case on request
    CLAIMING = "claiming"  # asking for the next case
    CASE = "case"  # the case card: dial, contact, the outcome of the call
    OPENING = "opening"  # the questionnaire is being opened
    INTERVIEW = "interview"  # the question screens
    APPOINTMENT = "appointment"  # when to call back: for an outcome, or to stop the interview
    RECORDING = "recording"  # the outcome (or the complete) is being saved


class Key(StrEnum):
    """What the interviewer can do, with the key the desk maps it to."""

    NEXT_CASE = "F5 / Enter"
    DIAL = "F2"
    CONTACT = "F4"  # contact: start or resume the interview
    OUTCOME = "number + Enter"
    NOTE = "Tab"
    ANSWER = "Enter"
    BACK = "PgUp / Alt+Left"
    DONT_KNOW = "F8"
    REFUSED = "F9"
    STOP = "F10"
    LANGUAGE = "F7"  # the language list: the question again in another language
    PICK = "Enter (appointment)"
    CANCEL = "Esc"


KEYS: dict[Step, frozenset[Key]] = {
    Step.STARTING: frozenset(),
    Step.QUEUE: frozenset({Key.NEXT_CASE}),
    Step.CLAIMING: frozenset(),
    Step.CASE: frozenset({Key.DIAL, Key.CONTACT, Key.OUTCOME, Key.NOTE}),
    Step.OPENING: frozenset(),
    Step.INTERVIEW: frozenset({Key.ANSWER, Key.BACK, Key.DONT_KNOW, Key.REFUSED, Key.STOP, Key.LANGUAGE}),
    Step.APPOINTMENT: frozenset({Key.PICK, Key.CANCEL}),
    Step.RECORDING: frozenset(),
}


class FlowError(ValueError):
    """An event that cannot happen at this step (a bug in the desk, not the interviewer's doing)."""


@dataclass(frozen=True)
class CallFlow:
    """Where the desk is. ``dialled``: the attempt runs (a number was dialled or the call started);
    ``interview``: the case has an interview (to resume, or running); ``interview_ended``: the
    questions ran out without a complete interview; ``back``: the step the appointment picker
    returns to; ``picker_for``: ``"outcome"`` or ``"stop"``; ``saving_from``: the step a save
    started from (a failed save returns there, nothing lost)."""

    step: Step = Step.STARTING
    dialled: bool = False
    interview: bool = False
    interview_ended: bool = False
    back: Step | None = None
    picker_for: str = ""
    saving_from: Step | None = None
    dial_possible: bool = True

    # -- what the desk shows ------------------------------------------------------------------
    def allows(self, key: Key) -> bool:
        if key is Key.DIAL and not self.dial_possible:
            return False
        if key is Key.CONTACT and self.interview_ended:
            return False
        return key in KEYS[self.step]

    @property
    def keys(self) -> frozenset[Key]:
        return frozenset(k for k in Key if self.allows(k))

    @property
    def busy(self) -> bool:
        """The desk waits for the database: nothing may be done meanwhile."""
        return not KEYS[self.step]

    def hidden_outcomes(self, complete: str, partial: str) -> tuple[str, ...]:
        """Outcome codes the case screen does not offer: COMPLETE (recorded by the interview itself),
        and PARTIAL when there is no interview to stop."""
        return (complete,) if self.interview and not self.interview_ended else (complete, partial)

    # -- what happened --------------------------------------------------------------------------
    def on(self, event: str, **kw: object) -> CallFlow:
        """The flow after ``event`` (see the module); FlowError when it cannot happen now."""
        handler = getattr(self, f"_{event}", None)
        if handler is None:
            raise FlowError(f"unknown event {event!r}")
        result = handler(**kw)
        assert isinstance(result, CallFlow)
        return result

    def _need(self, *steps: Step) -> None:
        if self.step not in steps:
            raise FlowError(f"not at {', '.join(s.value for s in steps)} but at {self.step.value}")

    def _started(self, held: bool, interview: bool = False, dial_possible: bool = True) -> CallFlow:
        self._need(Step.STARTING)
        if held:
            return CallFlow(Step.CASE, interview=interview, dial_possible=dial_possible)
        return CallFlow(Step.QUEUE)

    def _next_case(self) -> CallFlow:
        self._need(Step.QUEUE)
        return CallFlow(Step.CLAIMING)

    def _claimed(self, interview: bool = False, dial_possible: bool = True) -> CallFlow:
        self._need(Step.CLAIMING)
        return CallFlow(Step.CASE, interview=interview, dial_possible=dial_possible)

    def _nothing(self) -> CallFlow:
        self._need(Step.CLAIMING)
        return CallFlow(Step.QUEUE)

    def _dialled(self) -> CallFlow:
        self._need(Step.CASE)
        return replace(self, dialled=True)

    def _contact(self) -> CallFlow:
        self._need(Step.CASE)
        if self.interview_ended:
            raise FlowError("the interview has ended: choose the outcome")
        return replace(self, step=Step.OPENING, dialled=True)

    def _opened(self) -> CallFlow:
        self._need(Step.OPENING)
        return replace(self, step=Step.INTERVIEW, interview=True)

    def _open_failed(self) -> CallFlow:
        self._need(Step.OPENING)
        return replace(self, step=Step.CASE)

    def _outcome(self, needs_appointment: bool = False) -> CallFlow:
        self._need(Step.CASE)
        if needs_appointment:
            return replace(self, step=Step.APPOINTMENT, back=Step.CASE, picker_for="outcome")
        return replace(self, step=Step.RECORDING, saving_from=Step.CASE)

    def _stop(self) -> CallFlow:
        self._need(Step.INTERVIEW)
        return replace(self, step=Step.APPOINTMENT, back=Step.INTERVIEW, picker_for="stop")

    def _picked(self) -> CallFlow:
        self._need(Step.APPOINTMENT)
        return replace(self, step=Step.RECORDING, saving_from=Step.APPOINTMENT)

    def _cancelled(self) -> CallFlow:
        self._need(Step.APPOINTMENT)
        assert self.back is not None
        return replace(self, step=self.back, back=None, picker_for="")

    def _ended(self, complete: bool) -> CallFlow:
        self._need(Step.INTERVIEW)
        if complete:
            return replace(self, step=Step.RECORDING, saving_from=Step.INTERVIEW)
        return replace(self, step=Step.CASE, interview_ended=True)

    def _recorded(self) -> CallFlow:
        self._need(Step.RECORDING)
        return CallFlow(Step.QUEUE)

    def _failed(self) -> CallFlow:
        """Saving failed: back to the step it started from (the picker keeps where it returns to)."""
        self._need(Step.RECORDING)
        assert self.saving_from is not None
        return replace(self, step=self.saving_from, saving_from=None)
