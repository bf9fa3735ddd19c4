"""The flag **straight-lining** (``straight_lining``): grids of at least ``straightline_min_rows`` rows
with the same answer on every row; flagged when at least ``straightline_min_grids`` of them are (or
every such grid on the route, when the route has fewer).
"""

from __future__ import annotations

from cati.supervision.rules.quality_facts import InterviewFacts
from cati.supervision.rules.quality_flags import Flag, FlagCode, raised_by
from cati.supervision.rules.quality_settings import QualitySettings
from cati.supervision.rules.quality_text import num_text


def straight_lining(facts: InterviewFacts, settings: QualitySettings) -> Flag | None:
    eligible = [g for g in facts.grids if len(g.codes) >= settings.straightline_min_rows]
    if not eligible:
        return None
    straight = [g for g in eligible if g.codes[0] is not None and len(set(g.codes)) == 1]
    needed = min(settings.straightline_min_grids, len(eligible))
    if len(straight) < max(1, needed):
        return None
    parts = []
    for g in straight:
        code = g.codes[0]
        assert code is not None
        label = g.labels.get(code, str(code))
        screen = facts.screens.get(g.variable)
        rows = f", {num_text(screen.seconds / len(g.codes))} s per rij" if screen is not None else ""
        parts.append(f"{g.variable}: alle {len(g.codes)} rijen '{label}'{rows}")
    reason = (f"{len(straight)} van de {len(eligible)} rasters met ten minste {settings.straightline_min_rows} "
              f"rijen hebben op elke rij hetzelfde antwoord ({'; '.join(parts)})")
    return Flag(FlagCode.STRAIGHT_LINING, reason, {
        "grids_straight": len(straight), "grids": len(eligible), "min_rows": settings.straightline_min_rows,
        "min_grids": settings.straightline_min_grids,
        "straight": [[g.variable, g.codes[0], len(g.codes),
                      round(facts.screens[g.variable].seconds / len(g.codes), 1) if g.variable in facts.screens
                      else None] for g in straight],
    }, raised_by(facts, [facts.screens[g.variable] for g in straight if g.variable in facts.screens]))
