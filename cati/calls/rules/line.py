"""The telephone line of one call attempt, as the softphone reports it, and the outcomes it already knows.

A softphone (``cati/telephony``) tells the desk what the line does: dialling, ringing, connected,
ended (with the SIP reason, e.g. ``486 Busy Here``). :class:`Line` keeps that, with the times
measured from the dial (so talk time never depends on a clock that jumps), and is what an attempt
stores: dial, answer and end times, how the line ended, the SIP reason and the talk seconds.

When the line ends without being answered, :class:`LineOutcomes` (``resources/line_outcomes.yaml``)
says which outcome it suggests (busy, no answer after N seconds, number does not exist, rejected,
unreachable) and why, in Dutch. It is a suggestion only: the desk preselects it and the interviewer
confirms with Enter or picks another. An answered call, or one the interviewer hung up, suggests
nothing: the interviewer knows what happened.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from cati.calls.rules.calendar import ensure_aware
from cati.core.yaml_files import safe_load


class LineState(StrEnum):
    IDLE = "idle"  # nothing dialled by a softphone (a manual or URI dialer, or not dialled yet)
    DIALLING = "dialling"  # kiest: the call is being set up
    RINGING = "ringing"  # gaat over
    CONNECTED = "connected"  # verbonden: answered
    ENDED = "ended"  # opgehangen


class EndCause(StrEnum):
    """What ended the line (stored on the attempt as ``line_end``)."""

    REMOTE = "remote"  # the other side: a final SIP status (busy, not found, …) or it hung up
    DESK = "desk"  # the interviewer hung up (F3, or an outcome or interview end with the line open)
    NO_ANSWER = "no_answer"  # cati hung up: nobody answered within the set seconds
    FAILED = "failed"  # the call could not be set up and no SIP status came (refused, timed out)
    DROPPED = "dropped"  # the softphone went away during the call


class LineError(ValueError):
    """A line event that cannot happen now (a bug in the desk or the softphone glue)."""


_SIP_CODE = re.compile(r"^\s*([1-6]\d\d)(?:\s|$)")


def sip_code(reason: str) -> int | None:
    """The SIP status code a reason starts with (``"486 Busy Here"`` -> 486), else None."""
    m = _SIP_CODE.match(reason or "")
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Suggestion:
    """The outcome the line suggests, and why (Dutch, shown to the interviewer)."""

    outcome: str
    reason: str


@dataclass(frozen=True)
class Line:
    """The line of the attempt. ``answered_after`` and ``ended_after``: seconds after the dial."""

    state: LineState = LineState.IDLE
    dialled_at: datetime | None = None
    answered_after: float | None = None
    ended_after: float | None = None
    cause: EndCause | None = None
    sip_reason: str = ""
    suggestion: Suggestion | None = None

    # -- what it says --------------------------------------------------------------------------
    @property
    def live(self) -> bool:
        """The line is open: dialling, ringing or connected (hang up before the case is let go)."""
        return self.state in (LineState.DIALLING, LineState.RINGING, LineState.CONNECTED)

    @property
    def answered(self) -> bool:
        return self.answered_after is not None

    @property
    def answered_at(self) -> datetime | None:
        return self._at(self.answered_after)

    @property
    def ended_at(self) -> datetime | None:
        return self._at(self.ended_after)

    @property
    def talk_seconds(self) -> int | None:
        """Whole seconds from answer to hang-up (None when never answered or still connected)."""
        if self.answered_after is None or self.ended_after is None:
            return None
        return max(0, round(self.ended_after - self.answered_after))

    @property
    def sip_code(self) -> int | None:
        return sip_code(self.sip_reason)

    def _at(self, after: float | None) -> datetime | None:
        if after is None or self.dialled_at is None:
            return None
        return self.dialled_at + timedelta(seconds=after)

    # -- what happened -------------------------------------------------------------------------
    def dialling(self, at: datetime) -> Line:
        if self.state is not LineState.IDLE:
            raise LineError(f"dialling on a line that is {self.state.value}")
        return Line(LineState.DIALLING, dialled_at=ensure_aware(at, "dialled_at"))

    def ringing(self) -> Line:
        if self.state not in (LineState.DIALLING, LineState.RINGING):
            raise LineError(f"ringing on a line that is {self.state.value}")
        return replace(self, state=LineState.RINGING)

    def connected(self, after: float) -> Line:
        if self.state not in (LineState.DIALLING, LineState.RINGING):
            raise LineError(f"answered on a line that is {self.state.value}")
        return replace(self, state=LineState.CONNECTED, answered_after=max(0.0, after))

    def ended(self, after: float, cause: EndCause, sip_reason: str, outcomes: LineOutcomes | None) -> Line:
        """The line ended ``after`` seconds after the dial; the suggestion from ``outcomes``."""
        if not self.live:
            raise LineError(f"hang-up on a line that is {self.state.value}")
        after = max(after, self.answered_after or 0.0, 0.0)
        ended = replace(self, state=LineState.ENDED, ended_after=after, cause=cause, sip_reason=sip_reason.strip())
        suggestion = outcomes.suggest(ended) if outcomes is not None else None
        return replace(ended, suggestion=suggestion)


# ---------------------------------------------------------------- the outcomes the line knows


@dataclass(frozen=True)
class LineRule:
    """One line of ``line_outcomes.yaml``: SIP statuses (ranges) or end causes -> an outcome."""

    name: str
    outcome: str
    reason_nl: str
    statuses: tuple[tuple[int, int], ...] = ()
    causes: tuple[EndCause, ...] = ()

    def matches(self, cause: EndCause, code: int | None) -> bool:
        if cause in self.causes:
            return True
        return code is not None and any(lo <= code <= hi for lo, hi in self.statuses)


@dataclass(frozen=True)
class LineOutcomes:
    """The outcomes a line that ended unanswered suggests (first matching rule wins)."""

    rules: tuple[LineRule, ...]

    def suggest(self, line: Line) -> Suggestion | None:
        """The suggestion for an ended line; None when it was answered or the interviewer hung up."""
        if line.state is not LineState.ENDED or line.cause is None or line.answered or line.cause is EndCause.DESK:
            return None
        code = line.sip_code if line.cause is EndCause.REMOTE else None
        for rule in self.rules:
            if rule.matches(line.cause, code):
                reason = rule.reason_nl.format(seconds=round(line.ended_after or 0))
                if line.sip_reason:
                    reason += f" ({line.sip_reason})"
                return Suggestion(rule.outcome, reason)
        return None

    def rule_for(self, cause: EndCause, code: int | None = None) -> LineRule | None:
        return next((r for r in self.rules if r.matches(cause, code)), None)


class LineOutcomesError(ValueError):
    """``line_outcomes.yaml`` is invalid; the message names the rule and the field."""


def load_line_outcomes(source: Path | Mapping[str, Any], selectable: Collection[str]) -> LineOutcomes:
    """Read and check the mapping: every outcome must be one the interviewer may choose
    (``selectable``), every rule has statuses (codes or ``"500-599"``) or causes."""
    if isinstance(source, Path):
        with source.open(encoding="utf-8") as fh:
            data = safe_load(fh)
    else:
        data = source
    if not isinstance(data, Mapping) or data.get("version") != 1 or not isinstance(data.get("rules"), list):
        raise LineOutcomesError("line_outcomes: 'version: 1' and a list 'rules' are required")
    rules = []
    for i, item in enumerate(data["rules"], 1):
        if not isinstance(item, Mapping):
            raise LineOutcomesError(f"line_outcomes rule {i}: not a mapping")
        name = str(item.get("name") or f"rule {i}")
        outcome, reason = item.get("outcome"), item.get("reason_nl")
        if outcome not in selectable:
            raise LineOutcomesError(f"line_outcomes {name}: outcome {outcome!r} is not an outcome an interviewer "
                                    "may choose")
        if not isinstance(reason, str) or not reason.strip():
            raise LineOutcomesError(f"line_outcomes {name}: reason_nl is required")
        try:
            reason.format(seconds=0)
        except (KeyError, IndexError, ValueError) as e:
            raise LineOutcomesError(f"line_outcomes {name}: reason_nl may only use {{seconds}} ({e})") from None
        statuses = tuple(_status_range(name, s) for s in item.get("status") or ())
        try:
            causes = tuple(EndCause(c) for c in item.get("cause") or ())
        except ValueError as e:
            raise LineOutcomesError(f"line_outcomes {name}: {e}") from None
        if EndCause.DESK in causes:
            raise LineOutcomesError(f"line_outcomes {name}: a hang-up by the interviewer suggests nothing")
        if not statuses and not causes:
            raise LineOutcomesError(f"line_outcomes {name}: give status codes or causes")
        rules.append(LineRule(name, str(outcome), reason.strip(), statuses, causes))
    return LineOutcomes(tuple(rules))


def _status_range(name: str, value: object) -> tuple[int, int]:
    text = str(value).strip()
    lo_text, _, hi_text = text.partition("-")
    try:
        lo, hi = int(lo_text), int(hi_text or lo_text)
    except ValueError:
        raise LineOutcomesError(f"line_outcomes {name}: status {value!r} is not a code or a range") from None
    if not 400 <= lo <= hi <= 699:
        raise LineOutcomesError(f"line_outcomes {name}: status {value!r} is not a final failure (400-699)")
    return lo, hi
