"""The answers of one reviewed interview as the review shows them (:func:`answer_lines`): every answer on
its route with its time on screen, its visits and corrections, and its changes (those after the end
marked). Runs in the caller's session.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.calls.rules.calendar import CallingCalendar
from cati.calls.service.calls import case_fields
from cati.interviews.rules import QType, answer_label, render
from cati.interviews.rules.codec import answer_from_json
from cati.interviews.service.catalog import catalog
from cati.platform.models import AnswerChange, CallCase, Client, MeasurementPeriod
from cati.supervision.service.quality_reading import LoadedInterview, user_names
from cati.supervision.service.quality_results import AnswerLine


def answer_lines(s: Session, iv: LoadedInterview, calendar: CallingCalendar) -> list[AnswerLine]:
    """Every answer on the interview's route in the form's order (a grid: a line per row), with its
    changes in local time (``calendar``)."""
    form = catalog().forms[iv.form_id]
    assert iv.facts is not None
    changes: dict[str, list[str]] = defaultdict(list)
    after: set[str] = set()
    users = user_names(s, {u for u in s.scalars(select(AnswerChange.user_id)
                                                 .where(AnswerChange.interview_id == iv.id)) if u is not None})
    for var, old, new, at, user in s.execute(
        select(AnswerChange.variable, AnswerChange.old_value, AnswerChange.new_value, AnswerChange.changed_at,
               AnswerChange.user_id).where(AnswerChange.interview_id == iv.id).order_by(AnswerChange.id)
    ):
        if not form.has_var(var):
            continue
        before = answer_label(form, var, answer_from_json(old)) if old else "—"
        now = answer_label(form, var, answer_from_json(new)) if new else "—"
        changes[var].append(f"{before} → {now} ({calendar.local(at):%d-%m-%Y %H:%M}, "
                            f"{users.get(user or 0, '?')})")
        if at > iv.completed_at:
            after.add(var)
    fields = _fields(s, iv)
    lines: list[AnswerLine] = []
    for q in form.questions:
        if q.var not in iv.facts.route:
            continue
        screen = iv.facts.screens.get(q.var)
        rows = dict(screen.row_seconds) if screen is not None else {}
        if q.type is QType.GRID:
            for item in q.items:
                a = iv.answers.get(item.var)
                lines.append(AnswerLine(item.var, q.var, render(item.text, form, fields, iv.answers), answer_label(form, item.var, a) if a else "",
                                        rows.get(item.var), screen.visits if screen else 0,
                                        screen.corrections if screen else 0, tuple(changes.get(item.var, ())),
                                        item.var in after))
            continue
        a = iv.answers.get(q.var)
        shown = "" if a is None or q.type is QType.INFO else answer_label(form, q.var, a)
        lines.append(AnswerLine(q.var, q.var, render(q.text, form, fields, iv.answers), shown, screen.seconds if screen else None,
                                screen.visits if screen else 0, screen.corrections if screen else 0,
                                tuple(changes.get(q.var, ())), q.var in after))
    return lines


#: what the review shows for ``{client_name}``: the question as read, without the client's name (the review
#: judges how an interview went, not who gave it)
CLIENT_NAME_SHOWN = "[naam cliënt]"


def _fields(s: Session, iv: LoadedInterview) -> dict[str, object]:
    """The case fields the question texts were filled with, the client's name left out."""
    row = s.execute(select(Client.service, Client.variant, CallCase.queue, MeasurementPeriod.start_date,
                           MeasurementPeriod.end_date)
                    .join(CallCase, CallCase.client_id == Client.id)
                    .join(MeasurementPeriod, MeasurementPeriod.id == Client.period_id)
                    .where(CallCase.id == iv.case_id)).one()
    return case_fields(iv.provider, CLIENT_NAME_SHOWN, row.start_date, row.end_date, row.service, row.variant,
                       row.queue)
