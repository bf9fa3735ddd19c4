"""Export records of complete interviews (``interview_record``): the export's own derived table, written
when an interview completes (the interview service, through ``ExportService.write_records``) and by
``cati export --refresh-records``, read by the export (:mod:`cati.interviews.rules.record` says what
a line holds)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from cati.platform.models import InterviewRecord


def write_records(s: Session, records: Iterable[tuple[int, str, str]], now: datetime) -> int:
    """Store (interview id, layout key, line) records, replacing any older record of the same
    interview, in the caller's transaction; returns how many were written."""
    rows = [{"interview_id": i, "layout": layout, "line": line, "written_at": now} for i, layout, line in records]
    if not rows:
        return 0
    conn = s.connection()
    ids = [r["interview_id"] for r in rows]
    for lo in range(0, len(ids), 5000):
        conn.execute(delete(InterviewRecord).where(InterviewRecord.interview_id.in_(ids[lo:lo + 5000])))
    conn.execute(insert(InterviewRecord), rows)
    return len(rows)
