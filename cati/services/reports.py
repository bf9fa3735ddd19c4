"""The report figures per provider (issue 7)."""

from __future__ import annotations

from cati.services.context import ServiceContext


class ReportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
