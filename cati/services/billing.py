"""Billing statements, subsidy claim, reconciliation, voids (issue 8)."""

from __future__ import annotations

from cati.services.context import ServiceContext


class BillingService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
