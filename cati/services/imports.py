"""Client-file imports and the do-not-call list (issue 4)."""

from __future__ import annotations

from cati.services.context import ServiceContext


class ImportService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
