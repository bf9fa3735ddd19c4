"""The distributions the quality charts show: an interviewer's share per bin of interview length and of
seconds per question (:func:`shares`), and the colleagues' band behind it (:func:`band`).
"""

from __future__ import annotations

from collections.abc import Sequence

#: the bins of the charts: interview length (minutes) and seconds per question
LENGTH_BINS: tuple[float, ...] = (0, 3, 6, 9, 12, 15, 20, 30)
SECONDS_BINS: tuple[float, ...] = (0, 2, 5, 10, 20, 40, 80)


def bin_label(bins: Sequence[float], i: int) -> str:
    low = bins[i]
    if i + 1 < len(bins):
        return f"{low:g}–{bins[i + 1]:g}"
    return f"≥{low:g}"


def shares(values: Sequence[float], bins: Sequence[float]) -> tuple[float, ...]:
    """The share of ``values`` in each bin (``bins`` are lower bounds; the last is open)."""
    counts = [0] * len(bins)
    for v in values:
        i = max(j for j, low in enumerate(bins) if v >= low) if v >= bins[0] else 0
        counts[i] += 1
    n = len(values)
    return tuple(c / n if n else 0.0 for c in counts)


def band(groups: Sequence[Sequence[float]], bins: Sequence[float]) -> tuple[tuple[float, float], ...]:
    """Per bin, the colleagues' band: the lowest and highest share among them (their spread)."""
    per = [shares(g, bins) for g in groups if g]
    if not per:
        return tuple((0.0, 0.0) for _ in bins)
    return tuple((min(p[i] for p in per), max(p[i] for p in per)) for i in range(len(bins)))
