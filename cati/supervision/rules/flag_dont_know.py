"""The flag **many "weet niet"** (``dont_know``): at least ``dont_know_min`` answers "weet niet"/"wil
niet zeggen", and at least ``dont_know_share`` of the answers on the route.
"""

from __future__ import annotations

from cati.supervision.rules.quality_facts import InterviewFacts
from cati.supervision.rules.quality_flags import Flag, FlagCode, raised_by
from cati.supervision.rules.quality_settings import QualitySettings
from cati.supervision.rules.quality_text import pct_text


def many_dont_know(facts: InterviewFacts, settings: QualitySettings) -> Flag | None:
    if facts.answered <= 0 or facts.specials < settings.dont_know_min:
        return None
    share = facts.specials / facts.answered
    if share < settings.dont_know_share:
        return None
    reason = (f"{facts.specials} van de {facts.answered} antwoorden ({pct_text(share)}) zijn 'weet niet' of 'wil niet "
              f"zeggen' (grens: {settings.dont_know_min} en {pct_text(settings.dont_know_share)})")
    return Flag(FlagCode.DONT_KNOW, reason, {
        "specials": facts.specials, "answered": facts.answered, "share": round(share, 3),
        "min": settings.dont_know_min, "min_share": settings.dont_know_share,
    }, raised_by(facts))
