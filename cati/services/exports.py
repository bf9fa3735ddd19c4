"""Exports of completed interviews (issue 7)."""

from __future__ import annotations

from cati.services.context import ServiceContext


class ExportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
