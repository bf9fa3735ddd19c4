"""A language problem is a route, not an end: where the LANGUAGE outcome sends a case.

The interviewer names the language heard. The case goes back to the queue for an interviewer who
speaks it (the call order offers it only to them: ``order.Due.SPEAKS_LANGUAGE``), and the interview
starts in that language's version of the form. The case ends as LANGUAGE (AAPOR 2.332) only when
no route is left: no language was named (or Dutch), nobody speaks it, the form has no translation in
it (when the setting ``language.route_needs_translation`` asks for one), or this is the case's second
language problem.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from cati.calls.rules.outcomes import LANGUAGE
from cati.calls.rules.scheduling_state import CaseState
from cati.core.languages import SOURCE, is_known, name_nl


@dataclass(frozen=True)
class LanguageRoute:
    """``language``: the language the case now needs (None: the case ends as LANGUAGE); why, in Dutch."""

    language: str | None
    reason_nl: str
    reason_code: str  # routed | no_language | second_problem | no_speaker | no_translation


def language_route(
    state: CaseState, heard: str | None, *, speakers: Collection[str], translated: Collection[str],
    needs_translation: bool,
) -> LanguageRoute:
    """Where a language problem on ``state`` (before this attempt) sends the case. ``speakers``: the
    languages enabled interviewers speak; ``translated``: the languages the case's form is in."""
    if heard is None or not is_known(heard) or heard == SOURCE:
        return LanguageRoute(None, "Geen andere taal genoemd: de zaak wordt afgesloten", "no_language")
    name = name_nl(heard)
    if state.outcome_count(LANGUAGE) >= 1:
        return LanguageRoute(None, f"Tweede taalprobleem ({name}): de zaak wordt afgesloten", "second_problem")
    if heard not in speakers:
        return LanguageRoute(None, f"Geen interviewer spreekt {name}: de zaak wordt afgesloten", "no_speaker")
    if needs_translation and heard not in translated:
        return LanguageRoute(None, f"De vragenlijst is niet vertaald in het {name}: de zaak wordt afgesloten",
                             "no_translation")
    return LanguageRoute(heard, f"Terug in de wachtrij voor een interviewer die {name} spreekt", "routed")
