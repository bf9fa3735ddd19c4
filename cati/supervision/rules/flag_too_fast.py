"""The flag **too fast** (``too_fast``): on more than ``too_fast_share`` of the screens that are read
aloud, the time on screen is below what reading the screen aloud takes (its words ÷
``words_per_minute``). Interviews without paradata have no screens and are not judged by it.
"""

from __future__ import annotations

from cati.supervision.rules.quality_facts import InterviewFacts
from cati.supervision.rules.quality_flags import Flag, FlagCode, raised_by
from cati.supervision.rules.quality_settings import QualitySettings
from cati.supervision.rules.quality_text import num_text, pct_text


def too_fast(facts: InterviewFacts, settings: QualitySettings) -> Flag | None:
    read = [s for s in facts.screens.values() if s.words > 0]
    if not read:
        return None
    fast = [s for s in read if s.seconds < s.words * 60.0 / settings.words_per_minute]
    share = len(fast) / len(read)
    if share <= settings.too_fast_share:
        return None
    needed = sum(s.words * 60.0 / settings.words_per_minute for s in fast)
    spent = sum(s.seconds for s in fast)
    examples = sorted(fast, key=lambda s: s.seconds / max(1e-9, s.words * 60.0 / settings.words_per_minute))[:3]
    shown = ", ".join(f"{s.variable} {num_text(s.seconds)} s voor {s.words} woorden" for s in examples)
    reason = (f"{len(fast)} van de {len(read)} voorgelezen schermen ({pct_text(share)}) korter op het scherm dan "
              f"voorlezen duurt bij {num_text(settings.words_per_minute, 0)} woorden per minuut (toegestaan: "
              f"{pct_text(settings.too_fast_share)}); samen {num_text(spent)} s waar voorlezen {num_text(needed)} s kost "
              f"({shown})")
    return Flag(FlagCode.TOO_FAST, reason, {
        "screens_fast": len(fast), "screens_read": len(read), "share": round(share, 3),
        "allowed_share": settings.too_fast_share, "words_per_minute": settings.words_per_minute,
        "seconds_spent": round(spent, 1), "seconds_reading": round(needed, 1),
        "fastest": [[s.variable, round(s.seconds, 1), s.words] for s in examples],
    }, raised_by(facts, fast))
