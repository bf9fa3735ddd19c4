"""May this number be dialled now? The check before a dialer places a call by itself.

A softphone dials without the interviewer reading the number first, so cati checks at the dial
moment what it checked when it showed the case: the interviewer holds the case, the case is open,
it is calling hours, and the number is the one on screen and still callable (not on the do-not-call
list, not finished); and, whatever the database says, never a premium-rate, pager or invalid number
(:func:`cati.sample.rules.phones.parse_phone`, the import's own rule).
"""

from __future__ import annotations

from datetime import datetime

from cati.calls.rules.calendar import CallingCalendar
from cati.calls.rules.scheduling_state import CaseState
from cati.sample.rules.phones import PhoneProblem, parse_phone


def dial_refusal(state: CaseState, e164: str, now: datetime, calendar: CallingCalendar, user_id: int) -> str | None:
    """Why ``e164`` may not be dialled for this case now (Dutch, for the interviewer); None: it may."""
    if state.is_final:
        return "Deze zaak is al afgesloten: er wordt niet gebeld."
    if state.held_by != user_id:
        return "Deze zaak is niet (meer) aan u toegewezen: er wordt niet gebeld."
    if not calendar.is_callable(now):
        return "Het is nu buiten de beltijden: er wordt niet gebeld."
    number = state.active_number
    if number is None or number.e164 != e164:
        return "Dit nummer mag niet (meer) gebeld worden (niet-bellen-lijst of afgehandeld)."
    parsed, _ = parse_phone(e164)
    if isinstance(parsed, PhoneProblem):
        return f"Dit nummer wordt nooit gebeld: {parsed.reason}."
    return None
