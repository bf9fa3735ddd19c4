"""Fieldwork progress per queue and per interviewer (issue 7)."""

from __future__ import annotations

from cati.services.context import ServiceContext


class ProgressService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
