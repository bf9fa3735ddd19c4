"""The thresholds of interview quality control: :class:`QualitySettings`, read from the dated
``qc.*`` settings (:data:`SETTING_KEYS`, ``resources/settings.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class QualitySettings:
    """The thresholds (dated settings ``qc.*``, :data:`SETTING_KEYS`)."""

    words_per_minute: float = 180.0
    too_fast_share: float = 0.25
    straightline_min_rows: int = 4
    straightline_min_grids: int = 2
    short_ratio: float = 0.5
    min_comparison: int = 10
    dont_know_share: float = 0.25
    dont_know_min: int = 4
    outside_grace_minutes: int = 30
    far: float = 3.0
    min_interviews: int = 5
    min_calls: int = 20

    @classmethod
    def read(cls, get: Callable[[str], Any]) -> QualitySettings:
        """From a settings look-up (``SettingsService.get``)."""
        values: dict[str, Any] = {}
        for name, key in SETTING_KEYS.items():
            default = getattr(cls, name)
            raw = get(key)
            values[name] = type(default)(Decimal(str(raw))) if isinstance(default, float) else int(raw)
        return cls(**values)


SETTING_KEYS: dict[str, str] = {
    "words_per_minute": "qc.read_words_per_minute",
    "too_fast_share": "qc.too_fast_share",
    "straightline_min_rows": "qc.straightline_min_rows",
    "straightline_min_grids": "qc.straightline_min_grids",
    "short_ratio": "qc.short_interview_ratio",
    "min_comparison": "qc.min_comparison",
    "dont_know_share": "qc.dont_know_share",
    "dont_know_min": "qc.dont_know_min",
    "outside_grace_minutes": "qc.outside_hours_grace_minutes",
    "far": "qc.interviewer_far",
    "min_interviews": "qc.interviewer_min_interviews",
    "min_calls": "qc.interviewer_min_calls",
}
