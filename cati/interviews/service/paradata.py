"""Paradata writes: the screen visits a save brings along (one INSERT in the save's own transaction) and
their purge with a period's contact data. No answer values, names or numbers go into paradata.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import CursorResult, delete, insert, select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor
from cati.core.languages import SOURCE
from cati.interviews.rules import Form
from cati.interviews.rules.paradata import Leave, ScreenVisit
from cati.platform.models import CallCase, Interview
from cati.platform.models import ScreenVisit as VisitRow

__all__ = ["purge_visits", "write_visits"]


def write_visits(
    s: Session, interview_id: int, actor: Actor, form: Form, visits: Sequence[ScreenVisit], changed: str | None,
) -> None:
    """Store the screen visits (one INSERT); ``changed``: the question whose answer this save changed
    (its last visit is marked). Visits of variables the form does not know are left out."""
    known = [v for v in visits if form.has_var(v.variable)]
    if not known:
        return
    last = max((i for i, v in enumerate(known) if v.variable == changed and v.left_by is Leave.NEXT),
               default=-1)
    s.execute(insert(VisitRow), [
        {"interview_id": interview_id, "user_id": actor.user_id, "variable": v.variable, "shown_at": v.shown_at,
         "left_at": v.left_at, "arrived": v.arrived.value, "left_by": v.left_by.value,
         "language": None if v.language == SOURCE else v.language, "corrections": v.corrections,
         "changed": i == last,
         "row_seconds": json.dumps(dict((k, round(sec, 3)) for k, sec in v.row_seconds)) if v.row_seconds
         else None}
        for i, v in enumerate(known)
    ])


def purge_visits(s: Session, period_id: int) -> int:
    """In the caller's unit of work: delete the screen visits of the period's interviews; how many."""
    interviews = (select(Interview.id).join(CallCase, CallCase.id == Interview.case_id)
                  .where(CallCase.period_id == period_id))
    result = s.execute(delete(VisitRow).where(VisitRow.interview_id.in_(interviews)))
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
