"""The call order: which due case an interviewer is offered first. One description, as data.

:data:`CALL_ORDER` lists the tiers, best first; a case belongs to the first tier whose condition
(a :class:`Fact`) holds, and within a tier cases are sorted by that tier's :class:`Key`\\ s, then by
case id. :data:`DUE` lists the conditions (all must hold) for a case to be offered to an
interviewer now, inside the calling hours. The Python ranking below (:func:`tier_of`,
:func:`is_due`, :func:`priority_key`, :func:`rank`) is read off these tuples, and so is the SQL
(:mod:`cati.calls.store.order_sql`: the claim's ranking, every candidate window's ``ORDER BY`` and
the supervisor's ``cati queue --order`` list). Change the order here, and nowhere else.

Who asks is an :class:`Asker`: the interviewer's id (their own appointments come first) and the
languages they speak besides Dutch (a case that needs a language is offered only to its speakers,
in the same order as every other case).

The order (``shared/docs/dispositions.md``): due hard appointments (first only to the interviewer
who made them, for ``appointment_own_interviewer_minutes``, then to anyone) > partial interviews to
resume > due day-part callbacks > never-called cases > retries (fewest attempts first, then the
longest waiting). A missed appointment (more than the grace after its time, or after its day part
ended) is not lost: it stays due and is ordered by the rest of the rules (usually a retry).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import IntEnum, StrEnum

from cati.calls.rules.calendar import CalendarError, ensure_aware
from cati.calls.rules.outcomes import PARTIAL
from cati.calls.rules.scheduling import appointment_interval
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import AppointmentKind, CaseState
from cati.core.languages import SOURCE

#: "never" for a sort key that is not set (a case never called, a pure state without a plan)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Tier(IntEnum):
    APPOINTMENT = 0
    PARTIAL = 1
    CALLBACK = 2
    NEW = 3
    RETRY = 4


class Fact(StrEnum):
    """A condition on one case at a moment: which tier it is in."""

    LIVE_EXACT_APPOINTMENT = "live_exact_appointment"  # an appointment at a time, not missed yet
    PARTIAL_INTERVIEW = "partial_interview"  # the last outcome was PARTIAL: resume the interview
    LIVE_CALLBACK = "live_callback"  # a day-part callback whose day part has not ended
    NEVER_CALLED = "never_called"  # no attempt yet
    ALWAYS = "always"


class Key(StrEnum):
    """A sort key within a tier, ascending (the smallest is offered first)."""

    OWN_APPOINTMENT_FIRST = "own_appointment_first"  # 0 for the interviewer who made the appointment
    DUE_SINCE = "due_since"  # when the case became due (its planned call): the oldest first
    FEWEST_ATTEMPTS = "fewest_attempts"
    LONGEST_WAITING = "longest_waiting"  # the oldest last attempt first


class Due(StrEnum):
    """A condition for a case to be offered to an interviewer now (inside the calling hours)."""

    OPEN = "open"  # not final
    CALLABLE_NUMBER = "callable_number"  # a number that may be dialled (not final, not do-not-call)
    FREE = "free"  # not held by anyone (an expired lease is released, its attempt closed, first)
    TIME_REACHED = "time_reached"  # its planned call time has come
    NOT_RESERVED_FOR_OTHER = "not_reserved_for_other"  # not an appointment kept for its own interviewer
    SPEAKS_LANGUAGE = "speaks_language"  # the interviewer speaks the language the case needs (if any)


@dataclass(frozen=True)
class Asker:
    """Who asks for a case: an interviewer (``user_id``) and the languages they speak besides Dutch;
    ``languages`` None: any interviewer, whatever the language (the supervisor's view of the order)."""

    user_id: int | None
    languages: frozenset[str] | None = frozenset()

    @classmethod
    def anyone(cls) -> Asker:
        return cls(None, None)

    def speaks(self, language: str | None) -> bool:
        """May a case that needs ``language`` (None: Dutch) be offered to this interviewer?"""
        return language is None or language == SOURCE or self.languages is None or language in self.languages


Who = Asker | int | None  # an Asker; an interviewer's id (Dutch only); None: any interviewer


def asker_of(who: Who) -> Asker:
    """``who`` as an :class:`Asker` (an id alone speaks Dutch only; None is anyone)."""
    if isinstance(who, Asker):
        return who
    return Asker.anyone() if who is None else Asker(who)


@dataclass(frozen=True)
class TierRule:
    tier: Tier
    when: Fact
    keys: tuple[Key, ...]
    label_nl: str
    label_en: str


#: the tiers, best first; the last one's condition always holds
CALL_ORDER: tuple[TierRule, ...] = (
    TierRule(Tier.APPOINTMENT, Fact.LIVE_EXACT_APPOINTMENT, (Key.OWN_APPOINTMENT_FIRST, Key.DUE_SINCE),
             "afspraak", "appointment"),
    TierRule(Tier.PARTIAL, Fact.PARTIAL_INTERVIEW, (Key.DUE_SINCE,), "hervatten", "partial interview"),
    TierRule(Tier.CALLBACK, Fact.LIVE_CALLBACK, (Key.DUE_SINCE,), "terugbellen", "callback"),
    TierRule(Tier.NEW, Fact.NEVER_CALLED, (Key.DUE_SINCE,), "nieuw", "never called"),
    TierRule(Tier.RETRY, Fact.ALWAYS, (Key.FEWEST_ATTEMPTS, Key.LONGEST_WAITING), "nieuwe poging", "retry"),
)
#: every condition must hold for a case to be offered now
DUE: tuple[Due, ...] = tuple(Due)

RULES: dict[Tier, TierRule] = {rule.tier: rule for rule in CALL_ORDER}
assert CALL_ORDER[-1].when is Fact.ALWAYS and len(RULES) == len(CALL_ORDER) == len(Tier)


# ---------------------------------------------------------------- appointments


def appointment_deadline(state: CaseState, settings: SchedulerSettings) -> datetime | None:
    """When the case's appointment counts as missed: an exact one at its time + the grace, a day-part
    callback when its day part ends (at the end of that day when the part is not called that day)."""
    appointment = state.appointment
    if appointment is None:
        return None
    if appointment.kind is AppointmentKind.EXACT:
        assert appointment.at is not None
        return appointment.at.astimezone(UTC) + timedelta(minutes=settings.missed_appointment_grace_minutes)
    assert appointment.day is not None
    try:
        span = appointment_interval(appointment, settings.calendar)
    except CalendarError:
        span = None  # a day part the calendar does not know
    if span is not None:
        return span[1]
    return settings.calendar.at_local(appointment.day + timedelta(days=1), time(0))


def appointment_missed(state: CaseState, now: datetime, settings: SchedulerSettings) -> bool:
    deadline = appointment_deadline(state, settings)
    return deadline is not None and ensure_aware(now, "now") >= deadline


def reserved_for(state: CaseState, now: datetime, settings: SchedulerSettings) -> tuple[int, datetime] | None:
    """(user id, until) while an exact appointment is reserved for the interviewer who made it."""
    appointment = state.appointment
    if (
        appointment is None
        or appointment.kind is not AppointmentKind.EXACT
        or appointment.made_by is None
        or appointment.at is None
    ):
        return None
    until = appointment.at.astimezone(UTC) + timedelta(minutes=settings.appointment_own_interviewer_minutes)
    if ensure_aware(now, "now") >= until:
        return None
    return appointment.made_by, until


# ---------------------------------------------------------------- the description, read in Python


def fact_holds(fact: Fact, state: CaseState, now: datetime, settings: SchedulerSettings) -> bool:
    appointment = state.appointment
    if fact is Fact.LIVE_EXACT_APPOINTMENT:
        return (appointment is not None and appointment.kind is AppointmentKind.EXACT
                and not appointment_missed(state, now, settings))
    if fact is Fact.PARTIAL_INTERVIEW:
        return state.last_outcome == PARTIAL
    if fact is Fact.LIVE_CALLBACK:
        return (appointment is not None and appointment.kind is AppointmentKind.DAYPART
                and not appointment_missed(state, now, settings))
    if fact is Fact.NEVER_CALLED:
        return state.attempts == 0
    return True


def key_value(key: Key, state: CaseState, who: Who) -> int | datetime:
    user_id = asker_of(who).user_id
    if key is Key.OWN_APPOINTMENT_FIRST:
        own = state.appointment is not None and user_id is not None and state.appointment.made_by == user_id
        return 0 if own else 1
    if key is Key.DUE_SINCE:
        return state.next_call_at or EPOCH
    if key is Key.FEWEST_ATTEMPTS:
        return state.attempts
    return state.last_attempt_at or EPOCH


def due_holds(cond: Due, state: CaseState, now: datetime, who: Who, settings: SchedulerSettings) -> bool:
    asker = asker_of(who)
    if cond is Due.OPEN:
        return not state.is_final
    if cond is Due.CALLABLE_NUMBER:
        return state.active_number is not None
    if cond is Due.FREE:
        return state.held_by is None
    if cond is Due.TIME_REACHED:
        return state.next_call_at is None or state.next_call_at <= now
    if cond is Due.SPEAKS_LANGUAGE:
        return asker.speaks(state.language)
    reserved = reserved_for(state, now, settings)
    return reserved is None or reserved[0] == asker.user_id


def case_order(case_id: str) -> tuple[int, int, str]:
    """The last sort key: the case id (numbers as numbers, as the database sorts its integer ids)."""
    return (0, int(case_id), "") if case_id.isdigit() else (1, 0, case_id)


@dataclass(frozen=True, order=True)
class PriorityKey:
    """Sort ascending: the smallest key is offered first. Meaningful only for due cases; ``keys`` are
    the values of the tier's :attr:`TierRule.keys`."""

    tier: Tier
    keys: tuple[int | datetime, ...]
    case: tuple[int, int, str]


def tier_of(state: CaseState, now: datetime, settings: SchedulerSettings) -> Tier:
    for rule in CALL_ORDER:
        if fact_holds(rule.when, state, now, settings):
            return rule.tier
    raise AssertionError("the last tier of CALL_ORDER holds always")


def is_due(state: CaseState, now: datetime, who: Who, settings: SchedulerSettings) -> bool:
    """May this case be offered to ``who`` (an :class:`Asker`) at ``now``?"""
    ensure_aware(now, "now")
    if not settings.calendar.is_callable(now):
        return False
    asker = asker_of(who)
    return all(due_holds(cond, state, now, asker, settings) for cond in DUE)


def priority_key(state: CaseState, now: datetime, who: Who, settings: SchedulerSettings) -> PriorityKey:
    """Sort key among due cases (smaller first)."""
    rule = RULES[tier_of(state, now, settings)]
    return PriorityKey(rule.tier, tuple(key_value(k, state, who) for k in rule.keys), case_order(state.case_id))


def rank(states: Iterable[CaseState], now: datetime, who: Who, settings: SchedulerSettings) -> list[CaseState]:
    """The cases that may be offered to ``who`` now, in the order they will be offered."""
    asker = asker_of(who)
    due = [s for s in states if is_due(s, now, asker, settings)]
    return sorted(due, key=lambda s: priority_key(s, now, asker, settings))


def next_case(states: Iterable[CaseState], now: datetime, who: Who, settings: SchedulerSettings) -> CaseState | None:
    """The case to offer ``who`` now."""
    ranked = rank(states, now, who, settings)
    return ranked[0] if ranked else None
