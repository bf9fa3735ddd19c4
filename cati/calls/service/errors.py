"""The errors of call actions (the modules of ``calls/service/``); Dutch messages."""

from __future__ import annotations

from cati.accounts.rules.roles import Actor, Permission, PermissionDenied

__all__ = ["CallError", "CaseClosed", "CaseNotHeld", "DialRefused", "QuotaFull"]


class CallError(ValueError):
    """A call action that cannot be done (closed case, bad outcome or appointment); Dutch message."""


class CaseClosed(CallError):
    """The case is final already."""


class DialRefused(CallError):
    """This number may not be dialled now (``calls/rules/dialling.py`` says why)."""


class QuotaFull(CallError):
    """The queue's cap allows no (further) interview or complete now."""


class CaseNotHeld(PermissionDenied):
    """The actor does not hold this case (another interviewer does, or nobody)."""

    def __init__(self, actor: Actor | None, case_id: int) -> None:
        super().__init__(actor, Permission.WORK_CASES)
        who = actor.username if actor else "(niet ingelogd)"
        self.args = (f"{who} heeft zaak {case_id} niet in behandeling",)
        self.case_id = case_id
