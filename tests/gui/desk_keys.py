"""Drive the interviewer's desk with the keyboard only, as an interviewer would (tests, bench, driver).

Every key goes to the widget that has the keyboard focus, like a real key press.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from cati.gui.desk import Desk
from cati.interviews.rules import QType, Question


def focused(desk: Desk) -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    assert desk.isAncestorOf(widget), f"focus is outside the desk: {widget.objectName()}"
    return widget


def key(desk: Desk, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(desk), k, mods)


def type_text(desk: Desk, text: str) -> None:
    QTest.keyClicks(focused(desk), text)


def enter(desk: Desk) -> None:
    key(desk, Qt.Key.Key_Return)


def default_keys(q: Question) -> str:
    """What an interviewer types for a plausible answer (before Enter)."""
    if q.type in (QType.SINGLE, QType.MULTI):
        opt = next(o for o in q.options if not o.other and not o.exclusive)
        return str(opt.code)
    if q.type is QType.GRADE:
        return "8" if (q.max is None or q.max >= 8) else str(q.max)
    if q.type is QType.NUMBER:
        return "2" if (q.min is None or q.min <= 2) and (q.max is None or q.max >= 2) else str(q.min)
    if q.type is QType.OPEN:
        return "prima geholpen"
    if q.type is QType.DATE:
        return "01-02-2020"
    return ""


def answer_current(desk: Desk, plan: Mapping[str, str] | None = None) -> str:
    """Answer the question on screen by keyboard and press Enter; returns its variable.

    ``plan`` maps a variable to the keys to type: a digit string, "F8"/"F9", or "code|other text" for
    an "Anders, namelijk" option.
    """
    assert desk.engine is not None and desk.engine.question is not None
    q = desk.engine.question
    keys = (plan or {}).get(q.var)
    items = list(q.items)
    if keys in ("F8", "F9"):
        key(desk, Qt.Key.Key_F8 if keys == "F8" else Qt.Key.Key_F9)  # a grid: the first row
        if q.type is not QType.GRID:
            return q.var
        keys, items = None, items[1:]
    if q.type is QType.GRID:
        for _item in items:
            type_text(desk, keys or "2")
    elif keys and "|" in keys:
        code, other = keys.split("|", 1)
        type_text(desk, code)
        type_text(desk, other)  # the "Anders, namelijk" box has the focus now
    else:
        type_text(desk, keys if keys is not None else default_keys(q))
    enter(desk)
    return q.var


def answer_until(desk: Desk, stop_at: str | None = None, plan: Mapping[str, str] | None = None,
                 limit: int = 200) -> list[str]:
    """Answer questions until the engine is at ``stop_at`` (None: through the closing screen)."""
    done: list[str] = []
    for _ in range(limit):
        if desk.engine is None or desk.engine.finished or desk.current_screen != "questionScreen":
            return done
        if stop_at is not None and desk.engine.position == stop_at:
            return done
        done.append(answer_current(desk, plan))
    raise AssertionError(f"interview did not end within {limit} screens")
