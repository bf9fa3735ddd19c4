"""The queues' caps (settings ``queue.<queue>.cap``): read in one query, reused for ``CAPS_TTL``
seconds, and the closing of a queue whose cap is reached (behind ``CallService.caps`` and
``CallService.close_full_queue``; the quota rules themselves are :mod:`cati.calls.rules.quota`).
"""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cati.accounts.rules.roles import Actor
from cati.accounts.service.audit import record
from cati.accounts.service.settings import SettingsService
from cati.accounts.service.settings import defaults as settings_defaults
from cati.calls.store import case_queries as cq
from cati.platform.context import ServiceContext
from cati.platform.models import Setting

__all__ = ["CAPS_TTL", "QuotaCaps", "read_caps"]

CAPS_TTL = 5.0  # seconds a service reuses the queue caps it read (a changed cap counts within this)


def read_caps(s: Session, today: date) -> dict[str, int | None]:
    """Every queue's cap (setting ``queue.<queue>.cap``) in force on ``today``, in one query; None = no cap."""
    keys = {f"queue.{q}.cap": q for q in cq.QUEUES}
    values: dict[str, Any] = {q: settings_defaults().get(k) for k, q in keys.items()}
    rows = s.execute(
        select(Setting.key, Setting.value).where(Setting.key.in_(list(keys)), Setting.valid_from <= today)
        .order_by(Setting.valid_from)
    )
    for key, value in rows:
        values[keys[key]] = json.loads(value)
    return {q: None if v is None else int(v) for q, v in values.items()}


class QuotaCaps:
    """The caps one call service reads (cached per service) and the closing of full queues."""

    def __init__(self, ctx: ServiceContext, settings: SettingsService) -> None:
        self.ctx = ctx
        self._settings = settings
        self._read: tuple[date, float, dict[str, int | None]] | None = None

    def cap(self, queue: str, on: date | None = None) -> int | None:
        """The queue's cap (setting ``queue.<queue>.cap``); None = no cap."""
        try:
            value = self._settings.get(f"queue.{queue}.cap", on)
        except ValueError:
            return None
        return None if value is None else int(value)

    def caps(self, s: Session | None = None) -> dict[str, int | None]:
        """Every queue's cap in force today, in one query (inside the caller's transaction if given),
        reused for ``CAPS_TTL`` seconds."""
        today = self.ctx.now().date()
        read = self._read
        if read is not None and read[0] == today and time.monotonic() - read[1] < CAPS_TTL:
            return dict(read[2])
        if s is None:
            with self.ctx.db.unit_of_work(immediate=False) as own:
                caps = read_caps(own, today)
        else:
            caps = read_caps(s, today)
        self._read = (today, time.monotonic(), caps)
        return dict(caps)

    def close_full_queue(self, actor: Actor | None, period_id: int, queue: str) -> int:
        """End the open cases of a queue whose cap is reached as QUOTA_FULL (nothing when it is not
        full); how many. Runs again after a deadlock or serialization failure."""
        cap = self.caps().get(queue)
        if cap is None:
            return 0

        def close(s: Session) -> int:
            if cq.completes(s, period_id, queue) < cap:
                return 0
            closed = cq.close_for_quota(s, period_id, queue)
            if closed:
                record(s, actor, "quota_full", at=self.ctx.now(), object_type="measurement_period",
                       object_id=period_id, queue=queue, cap=cap, closed=closed)
            return closed

        return self.ctx.db.retrying(close, immediate=True)
