"""Providers and measurement periods (issue 4)."""

from __future__ import annotations

from cati.services.context import ServiceContext


class ProviderService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
