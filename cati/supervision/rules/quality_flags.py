"""A flag on an interview: its code (:class:`FlagCode`), its label, its reason in words with the figures
behind it, and whose work raised it (:func:`raised_by`). The rules that raise flags are the ``flag_*``
modules beside this one; :func:`~cati.supervision.rules.interview_flags.interview_flags` applies them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cati.supervision.rules.quality_facts import InterviewFacts, ScreenTime


class FlagCode(StrEnum):
    TOO_FAST = "too_fast"
    STRAIGHT_LINING = "straight_lining"
    SHORT = "short_interview"
    DONT_KNOW = "dont_know"
    CHANGED_AFTER_END = "changed_after_end"
    OUTSIDE_HOURS = "outside_hours"
    OTHER_CASE = "other_case"


FLAG_LABELS: dict[FlagCode, str] = {
    FlagCode.TOO_FAST: "Te snel voorgelezen",
    FlagCode.STRAIGHT_LINING: "Overal hetzelfde antwoord in rasters",
    FlagCode.SHORT: "Kort voor de gevolgde route",
    FlagCode.DONT_KNOW: "Veel weet niet / wil niet zeggen",
    FlagCode.CHANGED_AFTER_END: "Antwoorden gewijzigd na afloop",
    FlagCode.OUTSIDE_HOURS: "Buiten de beltijden",
    FlagCode.OTHER_CASE: "Tijdens een andere zaak",
}


@dataclass(frozen=True)
class Flag:
    code: FlagCode
    reason: str  # Dutch, with the figures in words
    figures: Mapping[str, Any]  # the numbers behind it (JSON-ready)
    by: tuple[int, ...] = ()  # the interviewers whose work raised it (an interview resumed by a colleague has two)

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.code]


def raised_by(facts: InterviewFacts, screens: Iterable[ScreenTime] = ()) -> tuple[int, ...]:
    """Who raised a flag: the interviewers of these screens, else the interview's interviewer."""
    found = sorted({s.by for s in screens if s.by is not None})
    if found:
        return tuple(found)
    return (facts.interviewer_id,) if facts.interviewer_id is not None else ()
