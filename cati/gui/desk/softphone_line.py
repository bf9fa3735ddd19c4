"""The desk's softphone and its line (``dialer.kind: softphone``).

F2 asks the call service whether the number may be dialled now (``dial_permit``), then the softphone
dials it; the line's events (``softphone_bridge.py``) go into the desk's call flow (dialling, ringing,
connected, ended) and are shown on the case screen and in the line bar above every screen. When the
line ends unanswered, its suggestion (busy, no answer, …) is preselected; the interviewer confirms with
Enter or picks another. F3 hangs up; the desk hangs up itself before anything is saved with the line
still open, when the case is let go and when the app closes.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer

from cati.calls.rules.call_flow import FlowError, Key, Step
from cati.calls.rules.line import EndCause, LineState
from cati.calls.service.calls import DialPermit, DialRefused
from cati.gui.desk.dialer_setup import DialerSetup, dialer_settings
from cati.gui.desk.softphone_bridge import SoftphoneBridge
from cati.telephony.io.desk_settings import DeskSettings, DeskSettingsError, load_desk_settings
from cati.telephony.io.dialer import DialerError, softphone_uri
from cati.telephony.io.softphone import LineEvent, SoftphoneProblem

if TYPE_CHECKING:
    from cati.gui.desk.desk import Desk


def mmss(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


class SoftphoneLine(QObject):
    """The desk's softphone, the call on it and how the line is shown; the desk's call flow keeps the line."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.desk = desk
        self.setup = DialerSetup()
        self.line_outcomes = desk.services.calls.line_outcomes(desk.actor)
        self.desk_problem = ""
        self.desk_settings: DeskSettings | None = None
        try:
            self.desk_settings = load_desk_settings()
        except DeskSettingsError as e:
            self.desk_problem = str(e)
        self.softphone: SoftphoneBridge | None = None
        self.call_number = 0  # the softphone's number for this case's call (0: none)
        self.dial_mono = 0.0  # time.monotonic() of the dial
        self.dial_pending = False
        self.retry_banner = False  # F2 started the softphone again: say how that went on the case screen
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.show_line)

    def set_setup(self, setup: DialerSetup) -> None:
        """The dialer settings read with a case: this desk's own kind wins; a softphone is started."""
        own = self.desk_settings.dialer_kind if self.desk_settings is not None else None
        self.setup = DialerSetup(own or setup.kind, setup.uri_template, setup.softphone_uri, setup.no_answer_seconds)
        if self.setup.kind == "softphone":
            if self.softphone is None or self.softphone.state == "closed":  # after a problem: F2 tries again
                self._open_softphone()
        elif self.softphone is not None and not self.desk.flow.line.live:
            self.softphone.close()
            self.softphone = None
        self.show_line()

    def _open_softphone(self) -> None:
        if self.desk_problem or self.desk_settings is None:
            self.show_line()
            return
        if self.softphone is None:
            self.softphone = SoftphoneBridge(self.desk_settings.softphone, self.desk)
            # queued, also from the GUI thread: the events are taken after the call that made them returned
            self.softphone.changed.connect(self._drain, Qt.ConnectionType.QueuedConnection)
            self.softphone.opened.connect(self._softphone_opened)
        self.softphone.open(max(120, self.setup.no_answer_seconds + 60))
        self.show_line()

    def _softphone_opened(self, _result: object) -> None:
        """The softphone started (or did not): said in the line bar, and on the case screen when F2 asked."""
        self.show_line()
        if self.retry_banner and self.desk.card is not None and self.softphone is not None:
            _, problem = self.softphone_status()
            self.desk.case.set_banner(self.tr("Not dialled: the softphone still cannot call (see above).") if problem
                                      else self.tr("The softphone is ready: press F2 to dial."))
        self.retry_banner = False

    def softphone_status(self) -> tuple[str, bool]:
        """The softphone's state in words, and whether it is a problem ("" when there is no softphone)."""
        if self.setup.kind != "softphone":
            return "", False
        if self.desk_problem:
            return self.tr("This desk's settings file cannot be used: %s") % self.desk_problem, True
        phone = self.softphone
        if phone is None or phone.state == "closed":
            return self.tr("Softphone: not started."), True
        if phone.state == "opening":
            return self.tr("Softphone: starting…"), False
        if phone.state == "registering":
            return self.tr("Softphone: registering at the exchange…"), False
        if phone.state == "ready":
            return self.tr("Softphone ready (%s).") % phone.phone.aor, False
        return self.problem_text(phone.problem or SoftphoneProblem(phone.state)), True

    def problem_text(self, problem: SoftphoneProblem) -> str:
        """What the interviewer reads when the softphone cannot call."""
        detail = problem.detail or "?"
        where = str(self.desk_settings.path or "desk.yaml") if self.desk_settings is not None else "desk.yaml"
        if problem.kind == "missing":
            return self.tr("The softphone is not installed on this computer (%s not found). Ask the administrator; "
                           "meanwhile dial by hand.") % detail
        if problem.kind == "no_account":
            return self.tr("The softphone has no SIP account: set softphone.account in %1 (%2).") \
                .replace("%1", where).replace("%2", detail)
        if problem.kind == "not_registered":
            return self.tr("The softphone is not registered at the exchange (%s): it cannot call.") % detail
        if problem.kind == "dropped":
            return self.tr("The softphone stopped (%s). Press F2 to start it again.") % detail
        if problem.kind == "busy":
            return self.tr("A call is still on the line: hang up first (F3).")
        return self.tr("The softphone did not start (%s). Press F2 to try again.") % detail

    def dial(self) -> None:
        """F2 on a softphone desk: ask whether the number may be dialled now, then dial it."""
        desk = self.desk
        assert desk.card is not None and desk.card.dial is not None
        if self.dial_pending:
            return
        phone = self.softphone
        if self.desk_problem or phone is None or phone.state in ("closed", "problem", "dropped"):
            self.retry_banner = not self.desk_problem
            self._open_softphone()
            desk.case.set_banner(self.tr("Not dialled: the softphone cannot call (see above). Starting it again…")
                                 if self.retry_banner else self.tr("Not dialled: the softphone cannot call (see above)."))
            return
        if phone.state == "opening":
            desk.case.set_banner(self.tr("The softphone is still starting: press F2 again in a moment."))
            return
        if not phone.usable:
            desk.case.set_banner(self.softphone_status()[0])
            return
        calls, settings, actor = desk.services.calls, desk.services.settings, desk.actor
        case_id, e164 = desk.card.case_id, desk.card.dial.e164
        self.dial_pending = True
        desk.case.set_banner("")
        desk.submit(lambda: (calls.dial_permit(actor, case_id, e164), dialer_settings(settings)), self._permitted,
                    self._not_permitted)

    def _permitted(self, data: tuple[DialPermit, DialerSetup]) -> None:
        """The number may be dialled now: the softphone dials it (with the settings as they are now)."""
        permit, setup = data
        self.dial_pending = False
        self.setup = DialerSetup(self.setup.kind, setup.uri_template, setup.softphone_uri, setup.no_answer_seconds)
        phone, desk = self.softphone, self.desk
        if desk.card is None or desk.card.case_id != permit.case_id or not desk.flow.allows(Key.DIAL) or phone is None:
            return
        try:
            uri = softphone_uri(self.setup.softphone_uri, permit.e164)
        except DialerError as e:
            desk.case.set_banner(self.tr("The setting dialer.softphone_uri is wrong (%s): nothing was dialled.") % e)
            return
        try:
            self.call_number = phone.phone.dial(uri, self.setup.no_answer_seconds)
        except SoftphoneProblem as e:
            desk.case.set_banner(self.problem_text(e))
            return
        self._drain()

    def _not_permitted(self, exc: BaseException) -> None:
        self.dial_pending = False
        if isinstance(exc, DialRefused):
            self.desk.case.set_banner(self.tr("Not dialled: %s") % exc)
        else:
            self.desk.show_error(exc)

    def _drain(self) -> None:
        """Take the softphone's news: the line's events into the call flow, its state on screen."""
        if self.softphone is not None:
            for event in self.softphone.take_events():
                self._on_line(event)
        self.show_line()

    def _on_line(self, event: LineEvent) -> None:
        desk = self.desk
        if event.kind == "status" or event.call != self.call_number or desk.card is None:
            return  # the softphone's state (shown by show_line), or a call of a case gone by
        try:
            if event.kind == "dialling":
                self.dial_mono, desk.attempt_started = event.at, desk.now()
                desk._go("line_dialling", at=desk.attempt_started)
            elif event.kind == "ringing":
                desk._go("line_ringing")
            elif event.kind == "connected":
                desk._go("line_connected", after=event.at - self.dial_mono)
            elif event.kind == "ended":
                desk._go("line_ended", after=event.at - self.dial_mono, cause=event.cause or EndCause.FAILED,
                         reason=event.reason, outcomes=self.line_outcomes)
                suggestion = desk.flow.line.suggestion
                if suggestion is not None and desk.flow.step is Step.CASE:
                    desk.case.outcome.preselect(suggestion.outcome, suggestion.reason)
        except FlowError:
            return  # an event the line cannot have now (e.g. a second close): the flow stays as it is

    def hang_up(self) -> None:
        """F3: hang up the softphone's line."""
        if self.desk.flow.allows(Key.HANGUP):
            self.line_down()
            if self.desk.flow.step is Step.CASE:
                self.desk.case.outcome.setFocus()

    def line_down(self) -> None:
        """Hang up when the line is still open (before a save, when the case is let go)."""
        desk = self.desk
        if not desk.flow.line.live:
            return
        event = self.softphone.phone.hangup() if self.softphone is not None else None
        if event is not None:
            self._on_line(event)
        self._drain()
        if desk.flow.line.live:  # the softphone lost the call without a word: it is down all the same
            desk._go("line_ended", after=time.monotonic() - self.dial_mono, cause=EndCause.DROPPED,
                     reason="", outcomes=self.line_outcomes)
        self.show_line()

    def line_text(self) -> tuple[str, str]:
        """The line in words (kiest, gaat over 0:07, verbonden 00:42, opgehangen …) and its state."""
        line = self.desk.flow.line
        now = time.monotonic()
        if line.state is LineState.DIALLING:
            return self.tr("Dialling…"), "dialling"
        if line.state is LineState.RINGING:
            return self.tr("Ringing  %s") % mmss(now - self.dial_mono), "ringing"
        if line.state is LineState.CONNECTED:
            return self.tr("Connected  %s") % mmss(now - self.dial_mono - (line.answered_after or 0.0)), "connected"
        if line.state is LineState.ENDED:
            if line.suggestion is not None:
                return self.tr("Hung up: %s") % line.suggestion.reason, "ended"
            talk = f" ({mmss(line.talk_seconds or 0)})" if line.answered else ""
            if line.cause is EndCause.REMOTE and line.answered:
                return self.tr("Hung up by the respondent") + talk, "ended"
            if line.cause is EndCause.DROPPED:
                return self.tr("Line lost: the softphone stopped") + talk, "ended"
            return self.tr("Hung up") + talk, "ended"
        return "", ""

    def show_line(self) -> None:
        """The line on the case screen, and in the bar above every screen (or the softphone's state)."""
        desk = self.desk
        text, state = self.line_text()
        desk.case.show_line(text, state)
        if desk.flow.line.live and not self.ticker.isActive():
            self.ticker.start()
        elif not desk.flow.line.live:
            self.ticker.stop()
        status, problem = self.softphone_status()
        bar = text if text and desk.stack.currentWidget() is not desk.case else status
        if text and desk.flow.line.live and bar == text:
            bar += "  ·  " + self.tr("F3: hang up")
        desk.line_bar.setText(bar)
        desk.line_bar.setProperty("line", ("problem" if problem else "") if bar == status else state)
        desk.line_bar.style().unpolish(desk.line_bar)
        desk.line_bar.style().polish(desk.line_bar)
        desk.line_bar.setVisible(bool(bar))

    def shutdown(self) -> None:
        """The desk closes: the line hung up, the softphone stopped."""
        self.ticker.stop()
        if self.softphone is not None:
            event = self.softphone.close()
            if event is not None:
                self._on_line(event)
            self.softphone = None
