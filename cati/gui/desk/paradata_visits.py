"""Paradata at the desk: every question screen shown is a visit (``ScreenVisit``: shown and left by the
service clock, how it was reached and left, its language, the corrections on it, a grid's seconds per row).

The desk collects them here and hands them to the next save (the answer, a stop), which writes them in
its own transaction: Enter costs nothing more than making the visit. A save that fails puts its visits
back for the next one. The desk starts and ends visits through ``Desk._begin_visit`` and
``Desk._end_visit`` (a bench switches those off to measure what paradata costs).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from cati.interviews.rules.paradata import Arrival, Leave, ScreenVisit

if TYPE_CHECKING:
    from cati.gui.desk.desk import Desk


class VisitKeeper:
    """The visit on screen now, and the visits left since the last save."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.visit: tuple[str, datetime, Arrival, str] | None = None  # the screen on now: var, shown, how, language
        self.visits: list[ScreenVisit] = []  # left since the last save: they go with the next one

    def begin(self, arrived: Arrival) -> None:
        """The question on screen is shown now (a visit starts)."""
        desk = self.desk
        q = desk.engine.question if desk.engine is not None else None
        self.visit = (q.var, desk.now(), arrived, desk.form_language) if q is not None else None
        if q is not None and desk.question.widget is not None:
            desk.question.widget.begin(self.visit[1] if self.visit else desk.now())

    def end(self, left: Leave) -> None:
        """The question on screen is left now: its visit waits for the next save."""
        if self.visit is None:
            return
        var, shown, arrived, language = self.visit
        self.visit = None
        now = max(self.desk.now(), shown)
        widget = self.desk.question.widget
        rows = widget.row_seconds(now) if widget is not None else ()
        self.visits.append(ScreenVisit(var, shown, now, arrived, left, language,
                                       widget.corrections if widget is not None else 0, rows))

    def take(self) -> list[ScreenVisit]:
        """The visits for a save (gone from here: a failed save puts them back)."""
        visits, self.visits = self.visits, []
        return visits

    def put_back(self, visits: list[ScreenVisit]) -> None:
        """A save failed: the visits it carried go with the next one."""
        self.visits[:0] = visits

    def clear(self) -> None:
        """A new interview, or the case is done: no visit on, none kept."""
        self.visit, self.visits = None, []
