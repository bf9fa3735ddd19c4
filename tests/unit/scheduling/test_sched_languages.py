"""Languages in the call order (the Due condition SPEAKS_LANGUAGE, read by an Asker), in the
explanation, and the language problem as a route (``language_route`` and ``apply_outcome``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from cati.calls.rules.explain import explain
from cati.calls.rules.language_route import language_route
from cati.calls.rules.order import DUE, Asker, Due, is_due, priority_key, rank
from cati.calls.rules.outcomes import LANGUAGE, OutcomeTable
from cati.calls.rules.scheduling import CaseState, SchedulerSettings, apply_outcome
from cati.calls.rules.scheduling_state import CaseFinalized, LanguageRouted, RetryScheduled

AMS = SchedulerSettings().calendar.tz
WED = datetime(2026, 3, 11, 14, 0, tzinfo=AMS)
AMINA = Asker(1, frozenset({"ar"}))
DIRK = Asker(2)  # Dutch only


def case(case_id: str, language: str | None = None, attempts: int = 0) -> CaseState:
    state = CaseState.new(case_id, ("+31612345678",))
    if attempts:
        state = replace(state, attempts=attempts, last_outcome="NO_ANSWER", last_attempt_at=WED - timedelta(hours=3),
                        next_call_at=WED - timedelta(hours=1))
    return replace(state, language=language)


def test_speaks_language_is_one_of_the_due_conditions() -> None:
    assert Due.SPEAKS_LANGUAGE in DUE
    assert AMINA.speaks("ar") and AMINA.speaks(None) and AMINA.speaks("nl") and not AMINA.speaks("en")
    assert Asker.anyone().speaks("so") and not DIRK.speaks("ar")


def test_a_case_in_a_language_goes_only_to_its_speakers_in_the_same_order(settings: SchedulerSettings) -> None:
    cases = [case("1", attempts=2), case("2", "ar"), case("3"), case("4", "ar", attempts=1), case("5", "nl"),
             case("6", "en")]
    assert [c.case_id for c in rank(cases, WED, AMINA, settings)] == ["2", "3", "5", "4", "1"]
    assert [c.case_id for c in rank(cases, WED, DIRK, settings)] == ["3", "5", "1"]
    assert [c.case_id for c in rank(cases, WED, None, settings)] == ["2", "3", "5", "6", "4", "1"]  # anyone
    assert not is_due(cases[1], WED, 2, settings) and is_due(cases[1], WED, AMINA, settings)
    # the language is a condition, not a key: it does not move a case in the order
    assert priority_key(cases[1], WED, AMINA, settings) == priority_key(replace(cases[1], language=None), WED, DIRK,
                                                                         settings)


def test_explain_says_who_a_case_waits_for(settings: SchedulerSettings) -> None:
    arabic = case("7", "ar")
    waiting = explain(arabic, WED, settings, None, frozenset({"en"}))
    assert (waiting.callable_now, waiting.code, waiting.reason_nl) == (
        False, "WAITING_FOR_SPEAKER", "Wacht op een interviewer die Arabisch spreekt")
    due = explain(arabic, WED, settings, None, frozenset({"ar", "en"}))
    assert due.callable_now and due.reason_nl == "Nog niet gebeld (alleen voor interviewers die Arabisch spreken)"
    mine = explain(arabic, WED, settings, DIRK)
    assert (mine.callable_now, mine.code) == (False, "NOT_SPOKEN")
    assert explain(case("8", "nl"), WED, settings, DIRK, frozenset()).code == "DUE_NEW"


def test_the_route_of_a_language_problem(settings: SchedulerSettings) -> None:
    first = case("9", attempts=1)
    kw = {"speakers": {"ar", "tr"}, "translated": {"ar", "en"}, "needs_translation": True}
    assert language_route(first, "ar", **kw).language == "ar"
    assert language_route(first, "tr", **kw).reason_code == "no_translation"  # spoken, not translated
    assert language_route(first, "tr", **{**kw, "needs_translation": False}).language == "tr"  # the setting
    assert language_route(first, "en", **kw).reason_code == "no_speaker"
    assert language_route(first, None, **kw).reason_code == "no_language"
    assert language_route(first, "nl", **kw).reason_code == "no_language"
    again = replace(first, outcome_counts=((LANGUAGE, 1),))
    route = language_route(again, "ar", **kw)
    assert (route.language, route.reason_code) == (None, "second_problem")
    assert route.reason_nl == "Tweede taalprobleem (Arabisch): de zaak wordt afgesloten"


def test_a_routed_language_problem_sends_the_case_back(settings: SchedulerSettings, outcomes: OutcomeTable) -> None:
    state = case("10", attempts=1)
    routed = apply_outcome(state, LANGUAGE, WED, settings, outcomes, route_to="ar")
    new = routed.state
    assert not new.is_final and new.language == "ar" and new.attempts == 2 and new.next_call_at == WED
    assert new.outcome_count(LANGUAGE) == 1 and new.last_outcome == LANGUAGE and new.contacted_ever
    assert [type(e) for e in routed.events] == [LanguageRouted, RetryScheduled]
    assert is_due(new, WED, AMINA, settings) and not is_due(new, WED, DIRK, settings)
    ended = apply_outcome(new, LANGUAGE, WED + timedelta(hours=1), settings, outcomes)  # no route: the end
    assert ended.state.final_code == LANGUAGE and ended.state.is_final
    final = ended.events[-1]
    assert isinstance(final, CaseFinalized) and (final.aapor, final.group) == ("2.332", "O")


def test_no_route_on_other_outcomes_and_none_after_the_last_attempt(
    settings: SchedulerSettings, outcomes: OutcomeTable
) -> None:
    import pytest

    from cati.calls.rules.scheduling_state import SchedulingError

    with pytest.raises(SchedulingError, match="niet door naar een andere taal"):
        apply_outcome(case("11", attempts=1), "NO_ANSWER", WED, settings, outcomes, route_to="ar")
    last = case("12", attempts=settings.max_attempts_per_case - 1)
    ended = apply_outcome(last, LANGUAGE, WED, settings, outcomes, route_to="ar")
    assert ended.state.is_final and ended.state.final_code == LANGUAGE
