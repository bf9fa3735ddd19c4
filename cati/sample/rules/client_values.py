"""Read one delivered value: a cell as text, the end date, the questionnaire variant, yes/no, the learning
profile; and take out the characters no delivered value should hold.

Values come from outside: control characters (NUL, which PostgreSQL refuses in text; an ANSI escape;
invisible direction marks) are removed and a line break or tab inside a name, client number or e-mail
becomes a space, each with a warning naming the column, the same on every database
(:func:`cleaned`). How a whole row is judged is :mod:`cati.sample.rules.client_rows`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Literal

RawValue = str | int | float | bool | date | datetime | time | timedelta | None
Variant = Literal["regular", "low_threshold"]

_MULTI_LINE = frozenset({"telefoon", "telefoon2"})  # a line break separates numbers there

# Characters no delivered value should hold: C0 and C1 controls (a tab and line breaks aside, see
# _BREAKS), zero-width space, direction overrides and isolates, a stray byte-order mark, non-characters.
_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff\ufffe\uffff]")
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")  # terminal codes, whole
_BREAKS = re.compile(r"[\t\n\x0b\x0c\r\x1c-\x1f\x85\u2028\u2029]+")

_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 10_000, 100_000  # 1927-05-18 .. 2173-10-14: anything else is not a date here
_DMY_RE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_YMD_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SERIAL_RE = re.compile(r"^(\d{5})(?:[.,]\d+)?$")
_INT_RE = re.compile(r"^(?:leer)?(?:profiel|lp)?\s*(\d{1,2})(?:[.,]0+)?$", re.IGNORECASE)

_VARIANTS: dict[str, Variant] = {
    "regulier": "regular", "regular": "regular", "normaal": "regular", "standaard": "regular",
    "r": "regular", "reg": "regular", "gewoon": "regular",
    "laagdrempelig": "low_threshold", "laag drempelig": "low_threshold", "laag-drempelig": "low_threshold",
    "laagdrempelige": "low_threshold", "laagdrempelige versie": "low_threshold", "ld": "low_threshold",
    "l": "low_threshold", "eenvoudig": "low_threshold", "makkelijk": "low_threshold",
    "low threshold": "low_threshold", "low_threshold": "low_threshold",
}
_YES = frozenset({"ja", "j", "yes", "y", "1", "x", "waar", "true", "wel"})
_NO = frozenset({"nee", "n", "no", "0", "onwaar", "false", "niet"})


def format_date(d: date) -> str:
    """Dutch display date without padding: 3-2-2020."""
    return f"{d.day}-{d.month}-{d.year}"


def cell_text(value: RawValue) -> str | None:
    """A cell as stripped text; None when empty."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    text = str(value).strip()
    return text or None


def parse_end_date(value: RawValue) -> tuple[date | None, str | None, str | None]:
    """(date, warning, error). Accepts date cells, d-m-yyyy, dd-mm-yyyy, yyyy-mm-dd and Excel serials."""
    if isinstance(value, datetime):
        return value.date(), None, None
    if isinstance(value, date):
        return value, None, None
    if value is None or isinstance(value, (bool, time, timedelta)):
        # a time or a duration cell ([h]:mm) is not a date
        return None, None, "einddatum ontbreekt" if value is None else "einddatum is geen datum"
    serial: float | None = None
    if isinstance(value, (int, float)):
        serial = float(value)
        shown = f"{value:g}"
    else:
        shown = value.strip()
        if not shown:
            return None, None, "einddatum ontbreekt"
        m = _SERIAL_RE.match(shown)
        if m:
            serial = float(shown.replace(",", "."))
    if serial is not None:
        if not _SERIAL_MIN <= serial < _SERIAL_MAX:
            return None, None, f"einddatum '{shown}' is geen datum"
        day = _EXCEL_EPOCH + timedelta(days=int(serial))
        return day, f"einddatum Excel-datumnummer {shown} gelezen als {format_date(day)}", None
    if m := _DMY_RE.match(shown):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _YMD_RE.match(shown):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        return None, None, f"einddatum '{shown}' is geen datum (verwacht d-m-jjjj of jjjj-mm-dd)"
    try:
        return date(y, mo, d), None, None
    except ValueError:
        return None, None, f"einddatum '{shown}' bestaat niet"


def parse_variant(value: RawValue) -> Variant | None:
    """'regulier' (also when empty) or 'laagdrempelig' in its spellings; None when not understood."""
    text = cell_text(value)
    if text is None:
        return "regular"
    return _VARIANTS.get(" ".join(text.casefold().replace("_", " ").split()))


def parse_yes_no(value: RawValue) -> bool | None:
    """ja/nee (empty = nee); None when not understood."""
    if isinstance(value, bool):
        return value
    text = cell_text(value)
    if text is None:
        return False
    key = text.casefold().rstrip(".")
    return True if key in _YES else False if key in _NO else None


def parse_profile(value: RawValue) -> tuple[int | None, str | None]:
    """(profile, error). Empty gives (None, None)."""
    if isinstance(value, bool):
        return None, "leerprofiel is geen getal"
    text = cell_text(value)
    if text is None:
        return None, None
    m = _INT_RE.match(text)
    if not m or int(m.group(1)) < 1:
        return None, f"leerprofiel '{text}' is geen geldig profiel (een getal vanaf 1)"
    return int(m.group(1)), None


def cleaned(values: Mapping[str, RawValue], warnings: list[str]) -> Mapping[str, RawValue]:
    """The row without the characters no value should hold (see the module docstring), a warning per
    column that had any; the row itself when no value holds any."""
    for value in values.values():  # (every character _SUSPECT finds is one str.isprintable() refuses)
        if type(value) is str and not value.isprintable() and _SUSPECT.search(value):
            return _cleaned(values, warnings)
    return values


def _cleaned(values: Mapping[str, RawValue], warnings: list[str]) -> dict[str, RawValue]:
    """:func:`cleaned` for a row that holds such characters: each value that has any, cleaned."""
    out = dict(values)
    for column, value in values.items():
        if type(value) is not str or not _SUSPECT.search(value):
            continue
        found = sorted({f"U+{ord(c):04X}" for c in _SUSPECT.findall(value)
                        if column in _MULTI_LINE and c not in "\t\n\r" or column not in _MULTI_LINE})
        text = _INVISIBLE.sub("", _ANSI.sub("", value))
        if column not in _MULTI_LINE:
            text = _BREAKS.sub(" ", text)
        out[column] = text.strip()
        if found:
            warnings.append(f"{column}: onzichtbare tekens of stuurtekens ({', '.join(found[:5])}) verwijderd of "
                            "door een spatie vervangen")
    return out
