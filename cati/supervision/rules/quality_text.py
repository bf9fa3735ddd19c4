"""How interview quality control writes its figures in Dutch: ``7,5``, ``25%``, ``12 min 05 s``."""

from __future__ import annotations


def num_text(value: float, decimals: int = 1) -> str:
    """Dutch notation: ``7,5``."""
    return f"{value:.{decimals}f}".replace(".", ",")


def pct_text(share: float) -> str:
    return f"{round(share * 100)}%"


def duration_text(seconds: float) -> str:
    """``12 min 05 s``."""
    whole = int(round(seconds))
    return f"{whole // 60} min {whole % 60:02d} s"
