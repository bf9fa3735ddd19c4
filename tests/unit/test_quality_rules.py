"""Every quality rule (issue 17) on hand-built interviews: flags per interview, the interviewers'
standing among colleagues, the charts' bins, and the paradata's own rules (words read aloud)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cati.calls.rules.calendar import CallingCalendar
from cati.interviews.rules import Form, GridItem, Option, QType, Question, Section
from cati.interviews.rules.paradata import (
    Arrival,
    Leave,
    ScreenVisit,
    count_words,
    reading_seconds,
    words_to_read,
)
from cati.supervision.rules.flag_route_length import question_norms
from cati.supervision.rules.interview_flags import interview_flags
from cati.supervision.rules.interviewer_standing import InterviewerFigures, standing
from cati.supervision.rules.quality_charts import LENGTH_BINS, band, shares
from cati.supervision.rules.quality_facts import GridAnswers, InterviewFacts, ScreenTime, sessions_of
from cati.supervision.rules.quality_flags import FlagCode
from cati.supervision.rules.quality_settings import SETTING_KEYS, QualitySettings

CAL = CallingCalendar()
QS = QualitySettings()  # 180 words a minute: 3 words a second
START = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # Monday 11:00 in Amsterdam


def facts(screens: dict[str, tuple[float, int]] | None = None, *, start: datetime = START, minutes: float = 10,
          **kw: object) -> InterviewFacts:
    """An interview whose screens are ``{var: (seconds, words)}``; route = those screens."""
    screens = screens if screens is not None else {f"q{i}": (12.0, 30) for i in range(10)}
    times = {v: ScreenTime(v, sec, words) for v, (sec, words) in screens.items()}
    values: dict[str, object] = {"route": tuple(screens), "screens": times}
    values.update(kw)
    return InterviewFacts(1, 7, "client_regular", start, start + timedelta(minutes=minutes), **values)  # type: ignore[arg-type]


def codes(flags: tuple[object, ...]) -> set[str]:
    return {f.code.value for f in flags}  # type: ignore[attr-defined]


# ---------------------------------------------------------------- too fast


def test_an_interview_read_at_a_normal_pace_raises_nothing() -> None:
    assert interview_flags(facts(), QS, CAL) == ()


def test_too_fast_when_more_screens_than_allowed_are_shorter_than_reading_them_aloud() -> None:
    # 30 words take 10 s at 180 words a minute: 4 of 10 screens at 4 s is 40 % > 25 %
    screens = {f"q{i}": ((4.0 if i < 4 else 12.0), 30) for i in range(10)}
    (flag,) = [f for f in interview_flags(facts(screens), QS, CAL) if f.code is FlagCode.TOO_FAST]
    assert flag.figures["screens_fast"] == 4 and flag.figures["screens_read"] == 10
    assert "4 van de 10 voorgelezen schermen (40%)" in flag.reason and "180 woorden per minuut" in flag.reason
    # two of ten (20 %) is within the share allowed; exactly the share is allowed too
    screens = {f"q{i}": ((4.0 if i < 2 else 12.0), 30) for i in range(10)}
    assert FlagCode.TOO_FAST.value not in codes(interview_flags(facts(screens), QS, CAL))
    exactly = {f"q{i}": ((4.0 if i < 1 else 12.0), 30) for i in range(4)}
    assert FlagCode.TOO_FAST.value not in codes(interview_flags(facts(exactly), QS, CAL))


def test_too_fast_counts_only_screens_with_words_and_follows_the_reading_speed() -> None:
    screens = {"leeg": (0.2, 0), "q1": (8.0, 30), "q2": (8.0, 30)}  # 8 s < 10 s: both read screens too fast
    assert FlagCode.TOO_FAST.value in codes(interview_flags(facts(screens), QS, CAL))
    slow_reader = QualitySettings(words_per_minute=240)  # 30 words in 7.5 s: 8 s is fine
    assert FlagCode.TOO_FAST.value not in codes(interview_flags(facts(screens), slow_reader, CAL))


def test_without_paradata_the_timing_rules_are_not_applied() -> None:
    bare = facts({}, route=("q1", "q2"))
    assert not bare.has_paradata and bare.length_seconds == 600  # start to complete
    assert interview_flags(bare, QS, CAL, {("client_regular", "q1"): 300.0, ("client_regular", "q2"): 300.0}) == ()


# ---------------------------------------------------------------- straight-lining


def grid(var: str, *row_codes: int | None) -> GridAnswers:
    return GridAnswers(var, tuple(row_codes), {1: "Zeer tevreden", 2: "Tevreden"})


def test_straight_lining_when_enough_grids_have_one_answer_on_every_row() -> None:
    two = facts(grids=(grid("tev_contact", 2, 2, 2, 2, 2), grid("tev_kantoor", 2, 2, 2, 2), grid("tev_b", 1, 2, 1, 2)))
    (flag,) = [f for f in interview_flags(two, QS, CAL) if f.code is FlagCode.STRAIGHT_LINING]
    assert flag.figures["grids_straight"] == 2 and flag.figures["grids"] == 3
    assert "tev_contact: alle 5 rijen 'Tevreden'" in flag.reason
    one = facts(grids=(grid("tev_contact", 2, 2, 2, 2, 2), grid("tev_kantoor", 1, 2, 2, 2)))
    assert FlagCode.STRAIGHT_LINING.value not in codes(interview_flags(one, QS, CAL))  # one of two: allowed


def test_straight_lining_counts_only_grids_with_enough_rows_and_real_answers() -> None:
    short = facts(grids=(grid("a", 2, 2, 2), grid("b", 2, 2, 2)))  # 3 rows < 4
    assert FlagCode.STRAIGHT_LINING.value not in codes(interview_flags(short, QS, CAL))
    dont_know = facts(grids=(grid("a", None, None, None, None), grid("b", None, None, None, None)))
    assert FlagCode.STRAIGHT_LINING.value not in codes(interview_flags(dont_know, QS, CAL))
    only_grid = facts(grids=(grid("a", 1, 1, 1, 1),))  # the route has one such grid: that one is enough
    assert FlagCode.STRAIGHT_LINING.value in codes(interview_flags(only_grid, QS, CAL))


# ---------------------------------------------------------------- short for the route


def test_short_interview_against_the_colleagues_median_per_question_of_its_route() -> None:
    norms = {("client_regular", f"q{i}"): 20.0 for i in range(10)}  # the route takes 200 s
    quick = facts({f"q{i}": (9.0, 0) for i in range(10)})  # 90 s: 45 % < 50 %
    (flag,) = [f for f in interview_flags(quick, QS, CAL, norms) if f.code is FlagCode.SHORT]
    assert flag.figures["expected_seconds"] == 200.0 and flag.figures["seconds"] == 90.0
    assert "1 min 30 s voor 10 schermen" in flag.reason and "45%" in flag.reason
    fine = facts({f"q{i}": (11.0, 0) for i in range(10)})  # 110 s: 55 %
    assert FlagCode.SHORT.value not in codes(interview_flags(fine, QS, CAL, norms))


def test_a_flag_names_whose_screens_raised_it() -> None:
    """An interview stopped by one interviewer and finished by a colleague: the fast screens were the
    first one's."""
    screens = {f"q{i}": ScreenTime(f"q{i}", 1.0 if i < 6 else 12.0, 30, by=8 if i < 6 else 7) for i in range(10)}
    mixed = InterviewFacts(1, 7, "client_regular", START, START + timedelta(minutes=10), tuple(screens), screens)
    norms = {("client_regular", f"q{i}"): 12.0 for i in range(10)}
    flags = {f.code: f for f in interview_flags(mixed, QS, CAL, norms)}
    assert flags[FlagCode.TOO_FAST].by == (8,)
    assert flags[FlagCode.SHORT].by == (8,)  # 54 s of the 120 s the route takes: 8's six screens took 6 s
    late = facts(start=datetime(2026, 3, 1, 10, 0, tzinfo=UTC))
    assert [f.by for f in interview_flags(late, QS, CAL)] == [(7,)]  # the interview's own interviewer


def test_short_interview_falls_back_on_reading_time_where_too_few_colleagues_had_a_question() -> None:
    quick = facts({"q1": (3.0, 0), "q2": (3.0, 0)})
    words = {"q1": 60, "q2": 60}  # 20 s each at 180 words a minute: 40 s; 6 s is 15 %
    (flag,) = [f for f in interview_flags(quick, QS, CAL, {}, words) if f.code is FlagCode.SHORT]
    assert flag.figures["measured_screens"] == 0 and flag.figures["expected_seconds"] == 40.0


def test_question_norms_are_medians_where_enough_interviews_had_the_question() -> None:
    group = [facts({"q1": (float(s), 10), **({"q2": (5.0, 10)} if s < 12 else {})}) for s in range(10, 21)]
    norms = question_norms(group, min_comparison=10)
    assert norms == {("client_regular", "q1"): 15.0}  # q2: only 2 interviews


# ---------------------------------------------------------------- the other rules


def test_many_dont_know() -> None:
    assert FlagCode.DONT_KNOW.value in codes(interview_flags(facts(answered=16, specials=4), QS, CAL))
    assert FlagCode.DONT_KNOW.value not in codes(interview_flags(facts(answered=17, specials=4), QS, CAL))  # 23.5 %
    assert FlagCode.DONT_KNOW.value not in codes(interview_flags(facts(answered=9, specials=3), QS, CAL))  # only 3
    (flag,) = [f for f in interview_flags(facts(answered=10, specials=5), QS, CAL) if f.code is FlagCode.DONT_KNOW]
    assert "5 van de 10 antwoorden (50%)" in flag.reason


def test_answers_changed_after_the_end() -> None:
    end = START + timedelta(minutes=10)
    changed = facts(changes_after_end=(("rapportcijfer", end + timedelta(hours=2)),))
    (flag,) = [f for f in interview_flags(changed, QS, CAL) if f.code is FlagCode.CHANGED_AFTER_END]
    assert "rapportcijfer" in flag.reason and "13:10" in flag.reason  # Amsterdam time


@pytest.mark.parametrize(("start", "minutes", "flagged"), [
    (datetime(2026, 3, 2, 10, 0, tzinfo=UTC), 10, False),  # Monday 11:00
    (datetime(2026, 3, 1, 10, 0, tzinfo=UTC), 10, True),  # a Sunday: never called
    (datetime(2026, 3, 2, 21, 10, tzinfo=UTC), 10, True),  # Monday 22:10: after the window
    (datetime(2026, 3, 2, 19, 50, tzinfo=UTC), 25, False),  # 20:50-21:15: within the grace
    (datetime(2026, 3, 2, 19, 50, tzinfo=UTC), 45, True),  # 20:50-21:35: past the grace
])
def test_outside_calling_hours(start: datetime, minutes: int, flagged: bool) -> None:
    assert (FlagCode.OUTSIDE_HOURS.value in codes(interview_flags(facts(start=start, minutes=minutes), QS, CAL))) \
        is flagged


def test_an_attempt_on_another_case_during_the_interview() -> None:
    minute = timedelta(minutes=1)
    other = facts(case_id=5, attempts=((5, START, START + 10 * minute), (42, START + 3 * minute, START + 4 * minute)))
    (flag,) = [f for f in interview_flags(other, QS, CAL) if f.code is FlagCode.OTHER_CASE]
    assert "zaak 42 11:03–11:04" in flag.reason and flag.figures["attempts"] == 1  # its own case's attempt not
    # an interview stopped and resumed later: the calls in between are not "during" it
    resumed = facts(case_id=5, minutes=120, sessions=sessions_of([(START, START + 5 * minute),
                                                                  (START + 100 * minute, START + 120 * minute)]),
                    attempts=((42, START + 30 * minute, START + 35 * minute), (43, START + 5 * minute, START + 6 * minute)))
    assert [c for c, _, _ in resumed.other_cases] == [] and len(resumed.worked) == 2
    touching = facts(case_id=5, attempts=((44, START + 10 * minute, START + 11 * minute),))  # right after it
    assert touching.other_cases == ()


# ---------------------------------------------------------------- interviewers among colleagues


def figures(user: int, minutes: float, flag_rate: float = 0.0, n: int = 20, **kw: object) -> InterviewerFigures:
    values: dict[str, object] = {"dont_know_rate": 0.02, "mean_grade": 7.5, "attempts": 100, "contacts": 40,
                                 "refusals": 8}
    values.update(kw)
    return InterviewerFigures(user, "client_regular", n, minutes, flag_rate, **values)  # type: ignore[arg-type]


def test_an_interviewer_far_from_the_colleagues_is_marked_with_the_measure_and_how_far() -> None:
    group = [figures(1, 11.0), figures(2, 12.0, 0.05), figures(3, 10.5), figures(4, 11.5), figures(5, 3.0, 1.0)]
    result = standing(group, QS)
    careless = {s.measure: s for s in result[(5, "client_regular")]}
    assert careless["minutes"].far and careless["minutes"].distance < -3
    assert careless["flag_rate"].far and careless["flag_rate"].colleagues == 0.0
    assert "Interviewduur (mediaan): 3,0 min, collega's 11,2 min (mediaan van 4)" in careless["minutes"].text
    assert "lager" in careless["minutes"].text
    for honest in (1, 2, 3, 4):
        assert not any(s.far for s in result[(honest, "client_regular")]), honest


def test_the_spread_has_a_floor_so_similar_colleagues_do_not_make_small_differences_far() -> None:
    group = [figures(1, 10.0), figures(2, 10.0), figures(3, 10.0), figures(4, 11.4)]  # 15 % of 10 = 1.5 min
    assert not any(s.far for s in standing(group, QS)[(4, "client_regular")])


def test_a_rate_over_few_attempts_must_differ_by_more_than_chance() -> None:
    """Colleagues at 40 % contact per attempt (with 100 attempts each): 20 % over 20 attempts is chance
    (its standard error is 11 %), over 400 attempts it is far."""
    colleagues = [figures(u, 10.0, attempts=100, contacts=c) for u, c in ((1, 40), (2, 41), (3, 39), (4, 40))]
    few = standing([*colleagues, figures(5, 10.0, attempts=20, contacts=4)], QS)[(5, "client_regular")]
    many = standing([*colleagues, figures(5, 10.0, attempts=400, contacts=80)], QS)[(5, "client_regular")]
    assert not next(s for s in few if s.measure == "contact_rate").far
    assert next(s for s in many if s.measure == "contact_rate").far


def test_a_mean_over_few_interviews_is_judged_by_the_colleagues_spread() -> None:
    """Grades spread 1-10 among colleagues (sd 2.9): a mean of 8.1 over 7 interviews against 4.9 is
    within chance, even when this interviewer's own grades happened to lie close together."""
    colleagues = [figures(u, 10.0, mean_grade=g, grades=(1,) * 10, grade_sd=2.9) for u, g in
                  ((1, 4.9), (2, 5.3), (3, 4.6), (4, 5.0))]
    me = figures(5, 10.0, n=7, mean_grade=8.1, grades=(0, 0, 0, 0, 1, 1, 0, 1, 2, 2), grade_sd=1.6)
    grade = next(s for s in standing([*colleagues, me], QS)[(5, "client_regular")] if s.measure == "mean_grade")
    assert not grade.far and grade.spread > 1.0


def test_standing_needs_enough_interviews_and_two_colleagues() -> None:
    few = standing([figures(1, 10.0), figures(2, 10.0), figures(3, 2.0, n=4)], QS)
    assert {s.measure for s in few[(3, "client_regular")]} == {"contact_rate", "refusal_rate"}
    calls = standing([figures(1, 10.0), figures(2, 10.0), figures(3, 10.0, attempts=19, contacts=5)], QS)
    assert "contact_rate" not in {s.measure for s in calls[(3, "client_regular")]}  # 19 attempts: too few
    alone = standing([figures(1, 10.0), figures(2, 3.0)], QS)
    assert alone[(2, "client_regular")] == ()
    contact = figures(1, 10.0)
    assert contact.contact_rate == 0.4 and contact.refusal_rate == 0.2


def test_settings_are_read_from_the_dated_settings() -> None:
    values = {"qc.read_words_per_minute": 150, "qc.too_fast_share": "0.10", "qc.interviewer_far": "2.5"}
    names = {key: name for name, key in SETTING_KEYS.items()}
    qs = QualitySettings.read(lambda key: values.get(key, getattr(QS, names[key])))
    assert (qs.words_per_minute, qs.too_fast_share, qs.far, qs.min_interviews) == (150.0, 0.1, 2.5, 5)


def test_chart_shares_and_the_colleagues_band() -> None:
    assert shares([1, 4, 4, 13, 45], LENGTH_BINS) == (0.2, 0.4, 0.0, 0.0, 0.2, 0.0, 0.0, 0.2)
    assert band([[1, 1], [4, 1]], (0, 3)) == ((0.5, 1.0), (0.0, 0.5))
    assert band([], (0, 3)) == ((0.0, 0.0), (0.0, 0.0))


# ---------------------------------------------------------------- paradata


def test_words_read_aloud_are_the_question_its_rows_and_answers_read_out() -> None:
    grid_q = Question("tev", QType.GRID, "Hoe tevreden bent u over {provider}?", "s",
                      options=(Option(1, "Tevreden"), Option(2, "Ontevreden")),
                      items=(GridItem("a", "De eerste"),))
    read_out = Question("duur", QType.SINGLE, "Hoe lang duurde het?", "s", read_out_options=True,
                        options=(Option(1, "Korter dan 5 minuten"), Option(2, "Langer")), instruction="Niet lezen")
    form = Form("f", "1", "t", (Section("s", "S", (grid_q, read_out)),))
    assert count_words("Hoe tevreden bent u over {provider}?") == 6
    assert words_to_read(form, grid_q) == 6 + 2  # rows read, the scale not (not read out)
    assert words_to_read(form, read_out) == 4 + 4 + 1  # the instruction is not read aloud
    assert reading_seconds(30, 180) == 10.0


def test_a_screen_visit_is_checked_when_it_is_made() -> None:
    visit = ScreenVisit("q1", START, START + timedelta(seconds=7.5), Arrival.NEXT, Leave.BACK, row_seconds=(("a", 1.0),))
    assert visit.seconds == 7.5
    with pytest.raises(ValueError):
        ScreenVisit("q1", START, START - timedelta(seconds=1), Arrival.NEXT, Leave.NEXT)
    with pytest.raises(ValueError):
        ScreenVisit("q1", START.replace(tzinfo=None), START, Arrival.NEXT, Leave.NEXT)
    with pytest.raises(ValueError):
        ScreenVisit("q1", START, START, "sideways", Leave.NEXT)  # type: ignore[arg-type]


def test_the_shipped_settings_are_the_rules_defaults() -> None:
    from cati.accounts.service.settings import defaults

    assert QualitySettings.read(defaults().__getitem__) == QualitySettings()
