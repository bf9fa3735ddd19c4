"""Measurement periods as users write them: ``2021-01-01..2021-12-31``."""

from __future__ import annotations

from datetime import date


class PeriodError(ValueError):
    pass


def parse_period(text: str) -> tuple[date, date]:
    """Parse ``START..END`` (ISO dates); the end must not lie before the start."""
    parts = text.strip().split("..")
    if len(parts) != 2:
        raise PeriodError(f"periode {text!r}: schrijf BEGIN..EIND, bijvoorbeeld 2021-01-01..2021-12-31")
    try:
        start, end = (date.fromisoformat(p.strip()) for p in parts)
    except ValueError:
        raise PeriodError(f"periode {text!r}: datums als JJJJ-MM-DD, bijvoorbeeld 2021-01-01..2021-12-31") from None
    if end < start:
        raise PeriodError(f"periode {text!r}: het einde ligt voor het begin")
    return start, end


def format_period(start: date, end: date) -> str:
    return f"{start.isoformat()}..{end.isoformat()}"
