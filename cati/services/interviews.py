"""Interviews: start/resume, answers saved as confirmed, partial/complete (issue 3)."""

from __future__ import annotations

from cati.services.context import ServiceContext


class InterviewService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
