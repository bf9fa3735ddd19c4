"""A small bar chart drawn with QPainter (PySide6-Essentials has no Qt Charts).

``BarChart(vertical=True)``: bars standing on a baseline, labels under them (completes per day,
grade spread). ``BarChart(vertical=False)``: horizontal bars with the label on the left (outcome
mix). Values are whole numbers; every bar shows its value.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

BAR = QColor("#2f6f9f")
AXIS = QColor("#777777")
TEXT = QColor("#222222")


class BarChart(QWidget):
    def __init__(self, title: str = "", *, vertical: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.vertical = vertical
        self._data: list[tuple[str, float]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 140)

    def set_data(self, data: Sequence[tuple[str, float]]) -> None:
        self._data = [(str(label), float(value)) for label, value in data]
        self.update()

    def data(self) -> list[tuple[str, float]]:
        return list(self._data)

    def sizeHint(self) -> QSize:
        return QSize(420, 220)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = p.fontMetrics()
        line = fm.height()
        rect = QRectF(self.rect()).adjusted(6, 4, -6, -4)
        p.setPen(TEXT)
        if self.title:
            p.drawText(rect.adjusted(0, 0, 0, -(rect.height() - line)), Qt.AlignmentFlag.AlignLeft, self.title)
            rect.adjust(0, line + 4, 0, 0)
        if not self._data:
            p.setPen(AXIS)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, "—")
            p.end()
            return
        top = max(v for _, v in self._data) or 1.0
        if self.vertical:
            self._vertical(p, rect, top, line)
        else:
            self._horizontal(p, rect, top, line)
        p.end()

    def _vertical(self, p: QPainter, rect: QRectF, top: float, line: int) -> None:
        n = len(self._data)
        plot = rect.adjusted(0, line, 0, -line - 2)  # value labels above, category labels below
        slot = plot.width() / n
        width = max(2.0, slot * 0.7)
        p.setPen(AXIS)
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        step = max(1, int((n * p.fontMetrics().horizontalAdvance("00-00")) // max(plot.width(), 1)) + 1)
        for i, (label, value) in enumerate(self._data):
            h = plot.height() * value / top
            x = plot.left() + i * slot + (slot - width) / 2
            bar = QRectF(x, plot.bottom() - h, width, h)
            p.fillRect(bar, BAR)
            p.setPen(TEXT)
            if value:
                p.drawText(QRectF(x - 10, bar.top() - line, width + 20, line), Qt.AlignmentFlag.AlignCenter,
                           f"{value:g}")
            if i % step == 0:
                p.drawText(QRectF(plot.left() + i * slot - 20, plot.bottom() + 2, slot + 40, line),
                           Qt.AlignmentFlag.AlignCenter, label)

    def _horizontal(self, p: QPainter, rect: QRectF, top: float, line: int) -> None:
        fm = p.fontMetrics()
        label_w = min(rect.width() * 0.45, max(fm.horizontalAdvance(label) for label, _ in self._data) + 8)
        value_w = fm.horizontalAdvance(f"{top:g}") + 8
        plot = rect.adjusted(label_w, 0, -value_w, 0)
        n = len(self._data)
        slot = min(plot.height() / n, line * 1.8)
        height = max(2.0, slot * 0.7)
        for i, (label, value) in enumerate(self._data):
            y = plot.top() + i * slot
            p.setPen(TEXT)
            elided = fm.elidedText(label, Qt.TextElideMode.ElideRight, int(label_w - 8))
            p.drawText(QRectF(rect.left(), y, label_w - 8, slot), Qt.AlignmentFlag.AlignRight
                       | Qt.AlignmentFlag.AlignVCenter, elided)
            w = plot.width() * value / top
            p.fillRect(QRectF(plot.left(), y + (slot - height) / 2, w, height), BAR)
            p.drawText(QRectF(plot.left() + w + 4, y, value_w, slot), Qt.AlignmentFlag.AlignLeft
                       | Qt.AlignmentFlag.AlignVCenter, f"{value:g}")
        p.setPen(AXIS)
        p.drawLine(plot.topLeft(), plot.bottomLeft())


BAND = QColor("#c9d6e3")
BAND_EDGE = QColor("#8aa2ba")


class BandChart(QWidget):
    """One interviewer's distribution (bars: the share of their values in each bin) against the
    colleagues' band (per bin, the lowest to the highest share among the colleagues, drawn behind the
    bar). Shares are 0..1, shown as percentages."""

    def __init__(self, title: str = "", legend: tuple[str, str] = ("", ""), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.legend = legend  # (the interviewer, the colleagues)
        self._labels: list[str] = []
        self._shares: list[float] = []
        self._band: list[tuple[float, float]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 160)

    def set_data(self, labels: Sequence[str], shares: Sequence[float], band: Sequence[tuple[float, float]]) -> None:
        self._labels, self._shares, self._band = list(labels), [float(s) for s in shares], list(band)
        self.update()

    def data(self) -> list[tuple[str, float, tuple[float, float]]]:
        return list(zip(self._labels, self._shares, self._band, strict=False))

    def sizeHint(self) -> QSize:
        return QSize(440, 240)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = p.fontMetrics().height()
        rect = QRectF(self.rect()).adjusted(6, 4, -6, -4)
        p.setPen(TEXT)
        if self.title:
            p.drawText(QRectF(rect.left(), rect.top(), rect.width(), line), Qt.AlignmentFlag.AlignLeft, self.title)
            rect.adjust(0, line + 2, 0, 0)
        mine, theirs = self.legend
        if mine or theirs:  # the legend: a bar and a band
            x = rect.left()
            p.fillRect(QRectF(x, rect.top() + line * 0.25, 12, line * 0.5), BAR)
            p.drawText(QRectF(x + 16, rect.top(), rect.width() / 2, line), Qt.AlignmentFlag.AlignLeft, mine)
            x += 24 + p.fontMetrics().horizontalAdvance(mine)
            p.fillRect(QRectF(x, rect.top() + line * 0.1, 12, line * 0.8), BAND)
            p.drawText(QRectF(x + 16, rect.top(), rect.width() / 2, line), Qt.AlignmentFlag.AlignLeft, theirs)
            rect.adjust(0, line + 4, 0, 0)
        if not self._labels:
            p.setPen(AXIS)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, "—")
            p.end()
            return
        top = max([*self._shares, *(hi for _, hi in self._band), 0.01])
        plot = rect.adjusted(0, line, 0, -line - 2)
        n = len(self._labels)
        slot = plot.width() / n
        width = max(2.0, slot * 0.45)
        p.setPen(AXIS)
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        for i, label in enumerate(self._labels):
            x0 = plot.left() + i * slot
            lo, hi = self._band[i] if i < len(self._band) else (0.0, 0.0)
            if hi > 0:  # colleagues who agree (lowest = highest) still show as a band, 4 px high
                height = max(4.0, plot.height() * (hi - lo) / top)
                band = QRectF(x0 + slot * 0.12, min(plot.bottom() - height, plot.bottom() - plot.height() * hi / top),
                              slot * 0.76, height)
                p.fillRect(band, BAND)
                p.setPen(BAND_EDGE)
                p.drawRect(band)
            share = self._shares[i] if i < len(self._shares) else 0.0
            h = plot.height() * share / top
            bar = QRectF(x0 + (slot - width) / 2, plot.bottom() - h, width, h)
            p.fillRect(bar, BAR)
            p.setPen(TEXT)
            if share:
                p.drawText(QRectF(x0, bar.top() - line, slot, line), Qt.AlignmentFlag.AlignCenter,
                           f"{round(share * 100)}%")
            p.drawText(QRectF(x0 - 4, plot.bottom() + 2, slot + 8, line), Qt.AlignmentFlag.AlignCenter, label)
        p.end()
