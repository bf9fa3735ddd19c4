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

The line (a softphone dialer, :mod:`cati.calls.rules.line`) runs beside the steps, from the case
card until the outcome is saved::

    IDLE --line_dialling--> DIALLING --line_ringing--> RINGING --line_connected--> CONNECTED
                                     --line_ended (busy, not found, no answer, …)--> ENDED
                                                                --line_ended (hung up)--> ENDED

While the line is dialling or ringing the interviewer waits (F3 hangs up); no outcome and no
interview. Outcomes the line already knows (busy, no answer, …) are suggested on ENDED, never
recorded alone. The line must be hung up before a save (RECORDING): the desk hangs up first when an
outcome is chosen, an appointment picked or the interview completed with the line still open; in the
appointment picker the line may stay open (the respondent names the time).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from cati.calls.rules.line import EndCause, Line, LineError, LineOutcomes, LineState


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
    HANGUP = "F3"  # hang up the softphone's line
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
    Step.CASE: frozenset({Key.DIAL, Key.HANGUP, Key.CONTACT, Key.OUTCOME, Key.NOTE}),
    Step.OPENING: frozenset(),
    Step.INTERVIEW: frozenset({Key.ANSWER, Key.BACK, Key.DONT_KNOW, Key.REFUSED, Key.STOP, Key.LANGUAGE, Key.HANGUP}),
    Step.APPOINTMENT: frozenset({Key.PICK, Key.CANCEL, Key.HANGUP}),
    Step.RECORDING: frozenset(),
}


#: the steps with a case on the desk: the line may change at any of them
WITH_CASE = (Step.CASE, Step.OPENING, Step.INTERVIEW, Step.APPOINTMENT, Step.RECORDING)
#: line states in which the interviewer waits for the line (no outcome, no interview)
WAITING = (LineState.DIALLING, LineState.RINGING)


class FlowError(ValueError):
    """An event that cannot happen at this step (a bug in the desk, not the interviewer's doing)."""


@dataclass(frozen=True)
class CallFlow:
    """Where the desk is. ``dialled``: the attempt runs (a number was dialled or the call started);
    ``interview``: the case has an interview (to resume, or running); ``interview_ended``: the
    questions ran out without a complete interview; ``back``: the step the appointment picker
    returns to; ``picker_for``: ``"outcome"`` or ``"stop"``; ``saving_from``: the step a save
    started from (a failed save returns there, nothing lost); ``line``: the softphone's line of this
    attempt (:class:`~cati.calls.rules.line.Line`, IDLE with another dialer)."""

    step: Step = Step.STARTING
    dialled: bool = False
    interview: bool = False
    interview_ended: bool = False
    back: Step | None = None
    picker_for: str = ""
    saving_from: Step | None = None
    dial_possible: bool = True
    line: Line = Line()

    # -- what the desk shows ------------------------------------------------------------------
    def allows(self, key: Key) -> bool:
        line = self.line.state
        if key is Key.DIAL and (not self.dial_possible or line is not LineState.IDLE):
            return False
        if key is Key.HANGUP and not self.line.live:
            return False
        if key is Key.CONTACT and (self.interview_ended or line not in (LineState.IDLE, LineState.CONNECTED)):
            return False  # an interview needs someone on the line (or a line cati does not see)
        if key is Key.OUTCOME and line in WAITING:
            return False  # hang up first (F3), or wait for the line to say what happened
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
        try:
            result = handler(**kw)
        except LineError as e:
            raise FlowError(str(e)) from None
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
        if self.line.state not in (LineState.IDLE, LineState.CONNECTED):
            raise FlowError(f"no one on the line ({self.line.state.value})")
        return replace(self, step=Step.OPENING, dialled=True)

    def _opened(self) -> CallFlow:
        self._need(Step.OPENING)
        return replace(self, step=Step.INTERVIEW, interview=True)

    def _open_failed(self) -> CallFlow:
        self._need(Step.OPENING)
        return replace(self, step=Step.CASE)

    def _outcome(self, needs_appointment: bool = False) -> CallFlow:
        self._need(Step.CASE)
        if self.line.state in WAITING:
            raise FlowError("the line is still being set up: hang up first")
        if needs_appointment:
            return replace(self, step=Step.APPOINTMENT, back=Step.CASE, picker_for="outcome")
        self._need_line_down()
        return replace(self, step=Step.RECORDING, saving_from=Step.CASE)

    def _stop(self) -> CallFlow:
        self._need(Step.INTERVIEW)
        return replace(self, step=Step.APPOINTMENT, back=Step.INTERVIEW, picker_for="stop")

    def _picked(self) -> CallFlow:
        self._need(Step.APPOINTMENT)
        self._need_line_down()
        return replace(self, step=Step.RECORDING, saving_from=Step.APPOINTMENT)

    def _cancelled(self) -> CallFlow:
        self._need(Step.APPOINTMENT)
        assert self.back is not None
        return replace(self, step=self.back, back=None, picker_for="")

    def _ended(self, complete: bool) -> CallFlow:
        self._need(Step.INTERVIEW)
        if complete:
            self._need_line_down()
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

    # -- the line -------------------------------------------------------------------------------
    def _need_line_down(self) -> None:
        if self.line.live:
            raise FlowError(f"the line is still {self.line.state.value}: hang up before saving")

    def _line_dialling(self, at: datetime) -> CallFlow:
        """The softphone dials the case's number: the attempt starts."""
        self._need(Step.CASE)
        if not self.dial_possible:
            raise FlowError("this case has no number to dial")
        return replace(self, dialled=True, line=self.line.dialling(at))

    def _line_ringing(self) -> CallFlow:
        self._need(*WITH_CASE)
        return replace(self, line=self.line.ringing())

    def _line_connected(self, after: float) -> CallFlow:
        self._need(*WITH_CASE)
        return replace(self, line=self.line.connected(after))

    def _line_ended(self, after: float, cause: EndCause, reason: str = "",
                    outcomes: LineOutcomes | None = None) -> CallFlow:
        """The line is down ``after`` seconds after the dial; what it suggests comes from ``outcomes``."""
        self._need(*WITH_CASE)
        return replace(self, line=self.line.ended(after, cause, reason, outcomes))
