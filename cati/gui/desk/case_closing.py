"""How the desk lets a case go: the outcome (number + Enter), the appointment picker, F10 stopping an
interview (PARTIAL with a callback), the closing screen recording COMPLETE, then back to the queue.

The line is hung up before anything is saved with it still open, and saved with the attempt. A save
that fails brings the interviewer back where the outcome was chosen, with the message; nothing lost.
A language problem (outcome LANGUAGE) says which language was heard and sends the case to its speakers.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from cati.calls.rules.call_flow import Key, Step
from cati.calls.rules.line import Line, LineState
from cati.calls.rules.outcomes import APPOINTMENT, CALLBACK, COMPLETE, LANGUAGE, PARTIAL
from cati.calls.service.calls import AppointmentRequest, OutcomeResult
from cati.interviews.rules import Interview
from cati.interviews.rules.paradata import Arrival, Leave, ScreenVisit

if TYPE_CHECKING:
    from cati.gui.desk.desk import Desk


class CaseClosing(QObject):
    """Records the case's outcome (or the interview's end) and brings the desk back to the queue."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.desk = desk
        self.pending_outcome = ""

    def started_at(self) -> datetime:
        assert self.desk.card is not None
        return self.desk.attempt_started or self.desk.card.claimed_at

    def saved_line(self) -> Line | None:
        """The softphone's line, for the attempt (None when nothing was dialled by the softphone)."""
        return self.desk.flow.line if self.desk.flow.line.dialled_at is not None else None

    # -- the outcome ----------------------------------------------------------------------
    def outcome_chosen(self, code: str, note: str) -> None:
        desk = self.desk
        if desk.card is None:
            return
        if desk.flow.step is Step.CASE and desk.flow.line.state in (LineState.DIALLING, LineState.RINGING):
            desk.case.outcome.message.setText(self.tr("The line is still ringing: wait, or hang up first (F3)."))
            return
        if not desk.flow.allows(Key.OUTCOME):
            return
        self.pending_outcome = code
        heard = desk.case.outcome.heard if code == LANGUAGE else None
        if code in (APPOINTMENT, CALLBACK) or (code == PARTIAL and desk.interview_id is not None):
            label = next((o.label_nl for o in desk.outcomes if o.code == code), code)
            title = self.tr("%1 with %2").replace("%1", label).replace("%2", desk.card.client_name)
            desk._go("outcome", needs_appointment=True)
            self.open_picker(title, exact=code == APPOINTMENT, may_switch=code == PARTIAL, note=note)
            return
        desk.phone_line.line_down()
        desk._go("outcome")
        self.record(code, note, None, heard)

    def record(self, code: str, note: str, appointment: AppointmentRequest | None, heard: str | None = None) -> None:
        desk = self.desk
        assert desk.card is not None
        calls, actor, case_id = desk.services.calls, desk.actor, desk.card.case_id
        started, line = self.started_at(), self.saved_line()
        ended = max(desk.now(), started, (line.ended_at if line else None) or started)
        desk.submit(lambda: calls.record_outcome(actor, case_id, code, started, ended, note, appointment, line=line,
                                                 heard=heard),
                    self.case_done, self._save_failed_outcome)

    def _save_failed_outcome(self, exc: BaseException) -> None:
        """The outcome was not saved: back where it was chosen, with the message; nothing lost."""
        self.desk._go("failed")
        self.desk.show_error(exc)

    def case_done(self, result: OutcomeResult) -> None:
        desk = self.desk
        desk._go("recorded")
        card = desk.card
        desk.lease_timer.stop()
        desk.case.stop_timer()
        desk.card, desk.engine, desk.interview_id, desk.attempt_started = None, None, None, None
        desk.paradata.clear()
        desk.phone_line.call_number = 0
        desk.phone_line.show_line()
        label = next((o.label_nl for o in desk.outcomes if o.code == result.outcome), result.outcome)
        text = self.tr("Recorded: %1 for %2.").replace("%1", label).replace("%2", card.client_name if card else "")
        if result.route_nl:
            text += " " + result.route_nl + "."
        elif result.next_call_at is not None and not result.case_final:
            text += " " + self.tr("Next call %s.") % desk.calendar.local(result.next_call_at).strftime("%d-%m %H:%M")
        desk.queue.set_busy(False, text + " " + self.tr("F5 or Enter: next case."))
        desk.show_screen(desk.queue)
        desk.queue.focus()
        desk.case_closed.emit(result)
        calls, actor = desk.services.calls, desk.actor
        desk.submit(lambda: calls.my_appointments(actor), desk._set_mine)
        desk.submit(lambda: calls.my_queues(actor), desk._set_queues)

    # -- appointments ---------------------------------------------------------------------
    def open_picker(self, title: str, exact: bool, may_switch: bool, note: str = "") -> None:
        desk = self.desk
        desk.picker.open(title, desk.now(), exact, may_switch)
        desk.picker.note.setText(note)
        desk.show_screen(desk.picker)
        desk.picker.days.setFocus()

    def picked(self, request: AppointmentRequest, note: str) -> None:
        desk = self.desk
        if desk.card is None or not desk.flow.allows(Key.PICK):
            return
        stopping = desk.flow.picker_for == "stop" and desk.interview_id is not None
        desk.phone_line.line_down()
        desk._go("picked")
        if stopping:
            interviews, actor, iid, started = desk.services.interviews, desk.actor, desk.interview_id, self.started_at()
            assert iid is not None
            line = self.saved_line()
            visits = desk.paradata.take()
            desk.submit(lambda: interviews.stop(actor, iid, request, note, started, line=line, visits=visits),
                        self.case_done, lambda exc: self._stop_failed(visits, exc))
        else:
            self.record(self.pending_outcome, note, request)

    def _stop_failed(self, visits: list[ScreenVisit], exc: BaseException) -> None:
        self.desk.paradata.put_back(visits)  # kept for the next save
        self._save_failed_outcome(exc)

    def pick_cancelled(self) -> None:
        desk = self.desk
        if not desk.flow.allows(Key.CANCEL):
            return
        desk._go("cancelled")
        if desk.flow.step is Step.INTERVIEW and desk.question.widget is not None:
            desk._begin_visit(Arrival.RESUME)  # back on the question after a cancelled stop
            desk.question.widget.focus_target().setFocus()
        else:
            desk.case.outcome.setFocus()

    # -- the interview's end --------------------------------------------------------------
    def finish(self) -> None:
        """Past the last screen: COMPLETE when the engine says so, else the interviewer picks the outcome."""
        desk = self.desk
        assert desk.engine is not None and desk.card is not None
        if desk.engine.is_complete and desk.interview_id is not None:
            desk.phone_line.line_down()
            desk._go("ended", complete=True)
            interviews, actor, iid, started = desk.services.interviews, desk.actor, desk.interview_id, self.started_at()
            line = self.saved_line()
            desk.question.message.setText(self.tr("Recording the complete interview…"))
            desk.submit(lambda: interviews.complete(actor, iid, "", started, line=line), self.case_done,
                        self._complete_failed)
            return
        desk._go("ended", complete=False)
        desk.case.outcome.set_outcomes(desk.outcomes, desk.flow.hidden_outcomes(COMPLETE, PARTIAL))
        desk.case.set_banner(self.tr("The interview ended without a complete interview: choose the outcome "
                                     "(for example a refusal or wrong person)."))
        desk.show_screen(desk.case)
        desk.case.outcome.setFocus()

    def _complete_failed(self, exc: BaseException) -> None:
        desk = self.desk
        desk._go("failed")
        if desk.engine is not None and desk.engine.finished:
            last = desk.engine.route[-1].var if desk.engine.route else None
            if last is not None:
                desk.engine = Interview(desk.engine.form, desk.engine.case, desk.engine.answers, last)
                desk.interview.show_question(Arrival.RETRY)
        desk.question.show_save_error(self.tr("The interview could not be closed: %s") % exc)

    def stop_interview(self) -> None:
        """F10: stop the interview; the picker asks when to call back (PARTIAL)."""
        desk = self.desk
        if desk.card is None or desk.interview_id is None or not desk.flow.allows(Key.STOP):
            return
        self.pending_outcome = PARTIAL
        title = self.tr("Stop the interview with %s: when shall we call back?") % desk.card.client_name
        desk._end_visit(Leave.STOP)
        desk._go("stop")
        self.open_picker(title, exact=False, may_switch=True)
