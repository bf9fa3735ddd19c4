"""The review records of interview quality control (table ``interview_review``): a decision written
(:func:`decide`) and read back (:func:`review_history`), where an interview's review stands
(:func:`review_item`), and a back-check's answers as the review shows them (:func:`backcheck_result`).
Each runs in the caller's session; :class:`~cati.supervision.service.quality.QualityService` checks the
role, opens the unit of work and writes the audit event.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor
from cati.interviews.rules import Answer, Form, QType
from cati.interviews.service.catalog import catalog
from cati.platform.models import CallCase, InterviewReview
from cati.sample.rules.forms import BACKCHECK_FORM
from cati.supervision.service.quality_reading import LoadedInterview, flagged_by, user_names
from cati.supervision.service.quality_results import BackcheckResult, QualityError, ReviewDecision, ReviewItem


def review_history(s: Session, interview_ids: Sequence[int]) -> dict[int, tuple[ReviewDecision, ...]]:
    """Per interview, its decisions so far (oldest first), each with its back-check's state."""
    if not interview_ids:
        return {}
    rows = list(s.scalars(select(InterviewReview).where(InterviewReview.interview_id.in_(list(interview_ids)))
                          .order_by(InterviewReview.decided_at, InterviewReview.id)))
    users = user_names(s, {u for r in rows for u in (r.decided_by, r.backcheck_by) if u is not None})
    cases = {c.id: c for c in s.scalars(select(CallCase).where(
        CallCase.id.in_([r.backcheck_case_id for r in rows if r.backcheck_case_id is not None])))}
    out: dict[int, list[ReviewDecision]] = defaultdict(list)
    for r in rows:
        check = None
        if r.backcheck_case_id is not None:
            check = backcheck_result(r, cases.get(r.backcheck_case_id), users)
        out[r.interview_id].append(decision_of(r, users.get(r.decided_by or 0, ""), check))
    return {k: tuple(v) for k, v in out.items()}


def decision_of(row: InterviewReview, by: str, check: BackcheckResult | None) -> ReviewDecision:
    return ReviewDecision(row.id, row.decision, tuple(json.loads(row.flags or "[]")), row.note or "", by,
                          row.decided_at, check)


def decide(s: Session, actor: Actor, iv: LoadedInterview, decision: str, note: str, at: datetime,
           case_id: int | None = None) -> InterviewReview:
    """Write a decision on the interview (with the flags it had) at ``at``."""
    row = InterviewReview(interview_id=iv.id, decision=decision, note=note,
                          flags=json.dumps([f.code.value for f in iv.flags]), decided_by=actor.user_id,
                          decided_at=at, backcheck_case_id=case_id)
    s.add(row)
    s.flush()
    return row


def review_item(iv: LoadedInterview, reviews: Sequence[ReviewDecision], names: Mapping[int, str]) -> ReviewItem:
    """The interview in the review list: its flags and where its review stands (``names``: user names by id)."""
    assert iv.facts is not None
    latest = reviews[-1] if reviews else None
    status = "open" if iv.flags else "unflagged"
    if latest is not None and latest.decision == "backcheck":
        waiting = latest.backcheck is not None and latest.backcheck.state == "waiting"
        status = "backcheck_pending" if waiting else "backcheck_done"
    elif latest is not None and latest.decision == "accept":
        later = [at for _, at in iv.changes_after_end if at > latest.decided_at]
        status = "open" if later else "accepted"
    return ReviewItem(
        iv.id, iv.case_id, iv.provider, iv.period_id, iv.form_id, iv.interviewer_id,
        names.get(iv.interviewer_id or 0, ""), iv.completed_at, iv.facts.length_seconds, iv.facts.has_paradata,
        iv.flags, status, latest, tuple(names.get(u, str(u)) for u in flagged_by(iv)),
    )


def required_note(note: str) -> str:
    """A decision's note, which must say something."""
    note = note.strip()
    if not note:
        raise QualityError("Geef een toelichting bij de beslissing.")
    return note


def answer_value(answer: Answer) -> Any:
    """An answer as a code (or number, or "dont_know"/"refused") for the review's record: no texts."""
    if answer.special is not None:
        return answer.special.value
    if answer.code is not None:
        return answer.code
    if answer.codes:
        return list(answer.codes)
    if answer.number is not None:
        return str(answer.number)
    return None


def backcheck_confirmed(values: Mapping[str, Any]) -> bool | None:
    spoken = values.get("bc_gesproken")
    return True if spoken == 1 else False if spoken == 2 else None


def backcheck_result(row: InterviewReview, case: CallCase | None, users: Mapping[int, str]) -> BackcheckResult:
    case_id = row.backcheck_case_id or 0
    if row.backcheck_result:
        data = json.loads(row.backcheck_result)
        values: dict[str, Any] = data.get("answers", {})
        form = catalog().forms.get(BACKCHECK_FORM)
        answers: list[tuple[str, str]] = []
        for var, value in values.items():
            if form is None or not form.has_var(var) or form.question(var).type is QType.INFO or value is None:
                continue
            answers.append((var, _label(form, var, value)))
        confirmed = backcheck_confirmed(values)
        said = {True: "bevestigt het gesprek", False: "zegt niet met ons gesproken te hebben",
                None: "weet niet meer of er een gesprek was"}[confirmed]
        details = "; ".join(f"{var}: {label}" for var, label in answers if var not in ("bc_identiteit", "bc_gesproken"))
        summary = f"De respondent {said}" + (f" ({details})" if details else "")
        return BackcheckResult(case_id, "answered", case.final_outcome if case else None, confirmed, tuple(answers),
                               row.backcheck_at, users.get(row.backcheck_by or 0, ""), summary)
    if case is not None and case.status == "final":
        return BackcheckResult(case_id, "ended", case.final_outcome, None,
                               summary=f"Nacontrole afgesloten zonder antwoord ({case.final_outcome})")
    attempts = case.attempts if case is not None else 0
    return BackcheckResult(case_id, "waiting", None, None,
                           summary=f"Nacontrole staat in de belrij ({attempts} poging(en))")


def _label(form: Form, var: str, value: Any) -> str:
    if value in ("dont_know", "refused"):
        return form.dont_know_label if value == "dont_know" else form.refused_label
    q = form.question(var)
    if q.type is QType.GRADE or q.type is QType.NUMBER:
        return str(value).replace(".", ",")
    if isinstance(value, int):
        opt = q.option(value)
        return opt.label if opt is not None else str(value)
    return str(value)
