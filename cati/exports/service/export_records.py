"""Writing the export records of complete interviews that have none, or one for an older column layout.

The interview service writes an interview's record when it completes and when an answer changes
afterwards (``services/interviews.py``). Interviews completed before records existed (revision 0004),
rows written by other tools, and interviews of a questionnaire whose columns changed have no current
record: the export then reads their answers, which is correct but slow for large exports.
:func:`refresh_records` writes those records (``cati export --refresh-records``).

Each batch is one transaction that first locks its interviews (PostgreSQL ``FOR UPDATE``; SQLite's
write lock is taken at BEGIN), the same lock the interview service takes to change an answer, so a
record never overwrites a newer one made from a changed answer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from sqlalchemy import select

from cati.exports.service.export_reader import answer_lines
from cati.exports.store.records import write_records
from cati.interviews.rules import Form, export_columns
from cati.interviews.rules import record as rec
from cati.platform.context import ServiceContext
from cati.platform.models import Interview, InterviewRecord

BATCH = 5_000


def stale_interviews(ctx: ServiceContext, forms: dict[str, Form]) -> list[tuple[int, str]]:
    """(id, form id) of the complete, not voided interviews of a loaded form without a current record."""
    layouts = {form_id: rec.layout_key(form) for form_id, form in forms.items()}
    with ctx.db.unit_of_work() as s:
        rows = s.execute(
            select(Interview.id, Interview.form_id, InterviewRecord.layout)
            .outerjoin(InterviewRecord, InterviewRecord.interview_id == Interview.id)
            .where(Interview.status == "complete", Interview.voided_at.is_(None),
                   Interview.form_id.in_(list(forms)))
            .order_by(Interview.id)
        ).all()
    return [(i, f) for i, f, layout in rows if layout != layouts[f]]


def refresh_records(
    ctx: ServiceContext, forms: dict[str, Form], progress: Callable[[int, int], None] | None = None
) -> int:
    """Write the missing and outdated records; returns how many were written."""
    todo = stale_interviews(ctx, forms)
    written = 0
    for lo in range(0, len(todo), BATCH):
        by_form: dict[str, list[int]] = defaultdict(list)
        for interview_id, form_id in todo[lo:lo + BATCH]:
            by_form[form_id].append(interview_id)
        with ctx.db.unit_of_work(immediate=True) as s:
            for form_id, ids in by_form.items():
                locked = select(Interview.id).where(Interview.id.in_(ids), Interview.status == "complete",
                                                    Interview.voided_at.is_(None))
                if not ctx.db.is_sqlite:
                    locked = locked.with_for_update()
                ids = sorted(s.scalars(locked))
                form = forms[form_id]
                lines = answer_lines(s.connection(), [(i, form_id) for i in ids], export_columns(form), (form_id,),
                                     forms, None, None, batch_size=BATCH, fetch_size=1_000)
                key = rec.layout_key(form)
                written += write_records(s, [(i, key, line) for i, line in zip(ids, lines, strict=True)], ctx.now())
        if progress:
            progress(min(lo + BATCH, len(todo)), len(todo))
    return written
