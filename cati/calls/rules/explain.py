"""Why a case is (not) callable now: for supervisors (`cati queue --explain`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cati.calls.rules.calendar import CallingCalendar, ensure_aware
from cati.calls.rules.leases import is_held
from cati.calls.rules.order import Tier, Who, appointment_missed, asker_of, reserved_for, tier_of
from cati.calls.rules.scheduling_settings import SchedulerSettings
from cati.calls.rules.scheduling_state import AppointmentKind, CaseState
from cati.core.languages import SOURCE, name_nl

DAY_PART_NL: dict[str, str] = {"morning": "ochtend", "afternoon": "middag", "evening": "avond"}
WEEKDAY_NL: tuple[str, ...] = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


@dataclass(frozen=True)
class Explanation:
    callable_now: bool
    code: str  # stable English code, e.g. OUTSIDE_WINDOW, DUE_RETRY
    reason_nl: str
    reason_en: str
    next_callable_at: datetime | None  # aware UTC; `now` when callable now; None when final

    def __str__(self) -> str:
        return f"{self.code}: {self.reason_nl}"


def _fmt(cal: CallingCalendar, moment: datetime) -> str:
    local = cal.local(moment)
    return f"{WEEKDAY_NL[local.weekday()]} {local:%d-%m-%Y %H:%M}"


def _part_nl(part: str | None) -> str:
    return DAY_PART_NL.get(part or "", part or "?")


def explain(
    state: CaseState, now: datetime, settings: SchedulerSettings, who: Who = None,
    spoken_today: frozenset[str] | None = None,
) -> Explanation:
    """Is the case callable now for ``who`` (an interviewer's id or :class:`~cati.calls.rules.order.Asker`;
    None: for any interviewer), and if not, why and when. ``spoken_today``: the languages of the
    interviewers who logged in today (a case that needs another language waits for a speaker)."""
    ensure_aware(now, "now")
    asker = asker_of(who)
    cal = settings.calendar
    if state.is_final:
        return Explanation(
            False, "FINAL", f"Afgesloten met uitkomst {state.final_code}",
            f"case is final ({state.final_code})", None,
        )
    if state.active_number is None:
        return Explanation(False, "NO_NUMBER", "Geen belbaar nummer meer", "no callable number left", None)
    if state.held_by is not None and not is_held(state, now):
        return Explanation(
            False, "LEASE_EXPIRED",
            f"De werkplek van interviewer {state.held_by} reageert niet meer; de zaak komt vrij zodra de "
            "volgende claim de verloren poging heeft afgesloten",
            f"the desk of user {state.held_by} stopped; released at the next claim", now,
        )
    if is_held(state, now):
        assert state.lease_expires_at is not None
        later = max(state.lease_expires_at, state.next_call_at or state.lease_expires_at)
        return Explanation(
            False, "HELD",
            f"In behandeling bij interviewer {state.held_by} (lease tot {_fmt(cal, state.lease_expires_at)})",
            f"held by user {state.held_by}", cal.snap(later),
        )
    if state.next_call_at is not None and state.next_call_at > now:
        return _planned(state, cal)
    if not cal.is_callable(now):
        return _closed(now, cal)
    language = state.language if state.language != SOURCE else None
    if language is not None and not asker.speaks(language):
        return Explanation(
            False, "NOT_SPOKEN", f"Alleen voor interviewers die {name_nl(language)} spreken",
            f"only for interviewers who speak {language}", None,
        )
    if language is not None and spoken_today is not None and language not in spoken_today:
        return Explanation(
            False, "WAITING_FOR_SPEAKER", f"Wacht op een interviewer die {name_nl(language)} spreekt",
            f"waiting for an interviewer who speaks {language}", None,
        )
    reserved = reserved_for(state, now, settings)
    if reserved is not None and reserved[0] != asker.user_id:
        owner, until = reserved
        return Explanation(
            False, "RESERVED_FOR_OWN_INTERVIEWER",
            f"Afspraak is tot {_fmt(cal, until)} voorbehouden aan interviewer {owner}",
            f"appointment reserved for user {owner}", cal.snap(until),
        )
    return _due(state, now, settings)


def speaker_note(language: str | None) -> str:
    """`` (alleen voor interviewers die Arabisch spreken)`` for a case that needs a language."""
    if language is None or language == SOURCE:
        return ""
    return f" (alleen voor interviewers die {name_nl(language)} spreken)"


def _planned(state: CaseState, cal: CallingCalendar) -> Explanation:
    assert state.next_call_at is not None
    at = state.next_call_at
    nxt = cal.snap(at)
    appointment = state.appointment
    if appointment is not None and appointment.kind is AppointmentKind.EXACT:
        return Explanation(
            False, "APPOINTMENT_PLANNED", f"Afspraak op {_fmt(cal, at)}", "appointment not yet due", nxt
        )
    if appointment is not None and appointment.day is not None:
        return Explanation(
            False, "CALLBACK_PLANNED",
            f"Terugbellen op {WEEKDAY_NL[appointment.day.weekday()]} {appointment.day:%d-%m-%Y} "
            f"in de {_part_nl(appointment.day_part)}",
            "day-part callback not yet due", nxt,
        )
    after = f" (na {state.last_outcome})" if state.last_outcome else ""
    return Explanation(
        False, "NOT_YET_DUE", f"Volgende poging gepland op {_fmt(cal, nxt)}{after}", "retry not yet due", nxt
    )


def _closed(now: datetime, cal: CallingCalendar) -> Explanation:
    local = cal.local(now)
    nxt = cal.next_window_start(now)
    holiday = cal.holiday_name(local.date())
    if holiday is not None:
        return Explanation(
            False, "HOLIDAY", f"Vandaag is het {holiday}: er wordt niet gebeld (weer vanaf {_fmt(cal, nxt)})",
            "public holiday", nxt,
        )
    windows = cal.windows[local.weekday()]
    if not windows:
        return Explanation(
            False, "CLOSED_DAY",
            f"Op {WEEKDAY_NL[local.weekday()]} wordt niet gebeld (weer vanaf {_fmt(cal, nxt)})",
            "no calling on this weekday", nxt,
        )
    hours = ", ".join(str(w) for w in windows)
    return Explanation(
        False, "OUTSIDE_WINDOW",
        f"Buiten de beltijden (vandaag {hours}); weer vanaf {_fmt(cal, nxt)}",
        "outside calling hours", nxt,
    )


def _due(state: CaseState, now: datetime, settings: SchedulerSettings) -> Explanation:
    cal = settings.calendar
    tier = tier_of(state, now, settings)
    appointment = state.appointment
    if tier is Tier.APPOINTMENT and appointment is not None and appointment.at is not None:
        nl, en, code = f"Afspraak van {cal.local(appointment.at):%H:%M}: nu bellen", "appointment due", "DUE_APPOINTMENT"
    elif tier is Tier.PARTIAL:
        nl, en, code = "Onderbroken interview: hervatten", "partial interview to resume", "DUE_PARTIAL"
    elif tier is Tier.CALLBACK and appointment is not None:
        nl, en, code = (
            f"Terugbelafspraak in de {_part_nl(appointment.day_part)}", "day-part callback due", "DUE_CALLBACK"
        )
    elif tier is Tier.NEW:
        nl, en, code = "Nog niet gebeld", "never called", "DUE_NEW"
    elif appointment is not None and appointment_missed(state, now, settings):
        nl, en, code = (
            f"Afspraak gemist: gewone nieuwe poging (poging {state.attempts + 1} "
            f"van {settings.max_attempts_per_case})",
            "missed appointment, normal retry", "DUE_MISSED_APPOINTMENT",
        )
    else:
        nl, en, code = (
            f"Nieuwe poging {state.attempts + 1} van {settings.max_attempts_per_case}", "retry due", "DUE_RETRY"
        )
    return Explanation(True, code, nl + speaker_note(state.language), en, now)
