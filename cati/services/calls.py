"""Next case, claims and leases, call outcomes, appointments (issue 9)."""

from __future__ import annotations

from cati.services.context import ServiceContext


class CallService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
