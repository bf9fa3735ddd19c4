"""Phone numbers from provider files: parse (region NL) to E.164, repair exact Excel damage, classify.

Rules (docs/dispositions.md, "Numbers"):
- never dial premium rate (0900/0906/0909), pager (066) or invalid numbers -> ``PhoneProblem``;
- flag toll-free (0800), UAN (084/087/088, 14xxx), VoIP (085/091), shared-cost/personal and foreign
  numbers for a look -> ``Phone`` with ``flag`` set;
- repair Excel damage only where it is exact (``612345678.0``, ``6.12345678E+08``, a lost leading 0,
  ``31612345678`` without ``+``/``00``); every repair is reported, nothing is changed silently;
- several numbers in one cell (``/``, ``;``, ``,``, `` of ``) are several numbers;
- typographic dashes and spaces (a non-breaking hyphen U+2011, a narrow no-break space) read as ``-``
  and a space; a label (``tel:``, ``mobiel:``), Excel's text formula (``="0612345678"``) and an
  extension (``toestel 12``, ``ext. 12``, ``x12``) are taken off the number, each with a warning (the
  extension's says which one to ask for: cati dials the number itself).

The Dutch prefixes are checked on the national number first, so the never-dial rule does not depend
on the metadata version of ``phonenumbers``; its number type is the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

import phonenumbers
from phonenumbers import PhoneNumberType

PhoneKind = Literal["mobile", "fixed", "toll_free", "uan", "voip", "shared_cost", "personal", "foreign"]

# National-number prefixes (without the trunk 0), most specific first.
_NEVER_DIAL_PREFIXES: tuple[tuple[str, str], ...] = (
    ("900", "betaalnummer (0900), wordt nooit gebeld"),
    ("906", "betaalnummer (0906), wordt nooit gebeld"),
    ("909", "betaalnummer (0909), wordt nooit gebeld"),
    ("66", "semafoon/pagernummer (066), wordt nooit gebeld"),
)
_DOUBTFUL_PREFIXES: tuple[tuple[str, PhoneKind, str], ...] = (
    ("800", "toll_free", "gratis 0800-nummer"),
    ("84", "uan", "servicenummer (084)"),
    ("87", "uan", "servicenummer (087)"),
    ("88", "uan", "bedrijfsnummer (088)"),
    ("14", "uan", "gemeentenummer (14xxx)"),
    ("85", "voip", "VoIP-nummer (085)"),
    ("91", "voip", "VoIP-nummer (091)"),
)
_TYPE_KIND: dict[int, tuple[PhoneKind, str | None]] = {
    PhoneNumberType.MOBILE: ("mobile", None),
    PhoneNumberType.FIXED_LINE: ("fixed", None),
    PhoneNumberType.FIXED_LINE_OR_MOBILE: ("fixed", None),
    PhoneNumberType.TOLL_FREE: ("toll_free", "gratis nummer"),
    PhoneNumberType.UAN: ("uan", "servicenummer"),
    PhoneNumberType.VOIP: ("voip", "VoIP-nummer"),
    PhoneNumberType.SHARED_COST: ("shared_cost", "gedeelde-kostennummer"),
    PhoneNumberType.PERSONAL_NUMBER: ("personal", "persoonlijk doorschakelnummer"),
}
_NEVER_DIAL_TYPES: dict[int, str] = {
    PhoneNumberType.PREMIUM_RATE: "betaalnummer, wordt nooit gebeld",
    PhoneNumberType.PAGER: "semafoon/pagernummer, wordt nooit gebeld",
}

_SPLIT_RE = re.compile(r"\s*(?:/|;|,|\|| of |\n)\s*", re.IGNORECASE)
_MAY_SPLIT_RE = re.compile(r"[/;,|\n]| of ", re.IGNORECASE)
_FLOAT_RE = re.compile(r"^\s*(\d+)[.,]0+\s*$")
_SCI_RE = re.compile(r"^\s*(\d)(?:[.,](\d+))?[eE]\+?(\d{1,2})\s*$")
_TRUNK_ZERO_RE = re.compile(r"^\+31\s*\(0\)")
_COMMENT_RE = re.compile(r"\([^)]*[^\d\s)][^)]*\)")  # "(moeder)", "(werk)": not "(0)"
_NOISE_RE = re.compile(r"[\s\-.()\u00a0]")
_LETTERS_RE = re.compile(r"[^\d+]")
_NL_NATIONAL_RE = re.compile(r"^0([1-9]\d{8})$")
_NEEDS_PREP = re.compile(r"[^\d\s+\-.()/]")
_DASHES = re.compile("[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_LABEL = re.compile(r"^(?:tel(?:efoon(?:nummer)?)?|tel\.?\s*nr|mob(?:iel)?|gsm|phone|t|m|callto|sip)\s*[:.]+\s*",
                    re.IGNORECASE)
_TEXT_FORMULA = re.compile(r'^=\s*"(.*)"$')
_EXTENSION = re.compile(r"\s*[,;]?\s*\(?\s*(?:toestel|tst|ext|extensie|extension|doorkiesnummer|doorkies|x|#)\.?\s*:?\s*"
                        r"(\d{1,6})\s*\)?$", re.IGNORECASE)
_EXTENSION_ONLY = re.compile(r"^\(?\s*(?:toestel|tst|ext|extensie|extension|doorkiesnummer|doorkies|x|#)\.?\s*:?\s*"
                             r"\d{1,6}\s*\)?$", re.IGNORECASE)


#: a number's final code when it is on the do-not-call list: the call outcome's own code
#: (``cati.calls.rules.outcomes.DO_NOT_CALL``; a test checks they stay one)
NUMBER_DO_NOT_CALL = "DO_NOT_CALL"


@dataclass(frozen=True, slots=True)
class Phone:
    """A dialable number. ``flag`` is set (in Dutch) when a supervisor should look at it first."""

    e164: str
    kind: PhoneKind
    flag: str | None = None

    @property
    def doubtful(self) -> bool:
        return self.flag is not None

    @property
    def national(self) -> str:
        return format_national(self.e164)


@dataclass(frozen=True, slots=True)
class PhoneProblem:
    """A number that is never dialled: why, in Dutch."""

    raw: str
    reason: str


@dataclass(frozen=True, slots=True)
class PhoneRepair:
    raw: str
    e164: str
    what: str  # e.g. "Excel-schade '.0' verwijderd, voorloopnul ontbrak"


@dataclass(frozen=True, slots=True)
class PhoneCell:
    """Everything found in one cell: numbers kept (in order), numbers refused, repairs made."""

    phones: tuple[Phone, ...] = ()
    problems: tuple[PhoneProblem, ...] = ()
    repairs: tuple[PhoneRepair, ...] = ()


def _excel_number_text(value: float | int) -> tuple[str, str | None]:
    """Digits of a number Excel stored as a number; error text if the digits are not exact."""
    if isinstance(value, bool):
        return str(value), "geen telefoonnummer"
    if isinstance(value, float):
        if not value.is_integer() or value <= 0 or value >= 1e15:
            return repr(value), "getal met decimalen, geen telefoonnummer"
        return str(int(value)), None
    return str(value), None


def _undo_excel_text(text: str) -> tuple[str, list[str], str | None]:
    """Undo ``612345678.0`` and ``6.12345678E+08`` if exact: (digits, repairs, error)."""
    m = _FLOAT_RE.match(text)
    if m:
        return m.group(1), ["Excel-schade '.0' verwijderd"], None
    m = _SCI_RE.match(text)
    if m:
        mantissa = m.group(1) + (m.group(2) or "")
        exponent = int(m.group(3))
        if len(mantissa.rstrip("0")) > exponent + 1:
            return text, [], "getal met decimalen, geen telefoonnummer"
        if len(mantissa) < exponent + 1:
            # 6.12346E+08: digits were cut off (or were zeros; we cannot tell): not exact.
            return text, [], "door Excel afgekapt (wetenschappelijke notatie), niet te herstellen"
        try:
            digits = str(int(Decimal(text.strip().replace(",", "."))))
        except InvalidOperation:  # pragma: no cover - regex guarantees a number
            return text, [], "ongeldig nummer"
        return digits, ["Excel-schade (wetenschappelijke notatie) hersteld"], None
    return text, [], None


# Every Dutch pattern in the phonenumbers metadata is "a prefix of at most 6 digits, then \d{n}", so the
# type of an NL number is fixed by (first 6 digits, length). Caching on that key makes 100k rows fast;
# tests/unit/client_file/test_phones.py checks the cache against phonenumbers itself.
_NL_TYPE_CACHE: dict[tuple[str, int], int] = {}


def _nl_number_type(national: str) -> int:
    key = (national[:6], len(national))
    ntype = _NL_TYPE_CACHE.get(key)
    if ntype is None:
        num = phonenumbers.PhoneNumber(country_code=31, national_number=int(national))
        ntype = _NL_TYPE_CACHE[key] = phonenumbers.number_type(num)
    return ntype


def _classify_nl(national: str, raw: str) -> Phone | PhoneProblem:
    for prefix, reason in _NEVER_DIAL_PREFIXES:
        if national.startswith(prefix):
            return PhoneProblem(raw, reason)
    ntype = _nl_number_type(national)
    if ntype == PhoneNumberType.UNKNOWN:
        return PhoneProblem(raw, "ongeldig nummer")
    e164 = "+31" + national
    for prefix, doubtful_kind, doubt in _DOUBTFUL_PREFIXES:
        if national.startswith(prefix):
            return Phone(e164, doubtful_kind, doubt)
    if ntype in _NEVER_DIAL_TYPES:
        return PhoneProblem(raw, _NEVER_DIAL_TYPES[ntype])
    kind, type_flag = _TYPE_KIND.get(ntype, ("fixed", "onbekend nummertype"))
    return Phone(e164, kind, type_flag)


def _classify(num: phonenumbers.PhoneNumber, raw: str) -> Phone | PhoneProblem:
    if num.country_code == 31:
        return _classify_nl(str(num.national_number), raw)
    ntype = phonenumbers.number_type(num)
    if ntype == PhoneNumberType.UNKNOWN:
        return PhoneProblem(raw, "ongeldig nummer")
    if ntype in _NEVER_DIAL_TYPES:
        return PhoneProblem(raw, _NEVER_DIAL_TYPES[ntype])
    region: str = phonenumbers.region_code_for_number(num) or f"+{num.country_code}"
    return Phone(f"+{num.country_code}{num.national_number}", "foreign", f"buitenlands nummer ({region})")


def _prepare(raw: str) -> tuple[str, list[str]]:
    """Typographic dashes and spaces made plain; a label, Excel's text formula and an extension taken
    off (each a repair, in Dutch)."""
    text = _SPACES.sub(" ", _DASHES.sub("-", _ZERO_WIDTH.sub("", raw))).strip()
    notes: list[str] = []
    if m := _TEXT_FORMULA.match(text):
        text = m.group(1).strip()
        notes.append("Excel-tekstformule =\"…\" weggelaten")
    if m := _LABEL.match(text):
        notes.append(f"voorvoegsel '{m.group(0).strip()}' weggelaten")
        text = text[m.end():]
    m = _EXTENSION.search(text)
    if m and sum(c.isdigit() for c in text[:m.start()]) >= 6:
        notes.append(f"toestel {m.group(1)} weggelaten: vraag bij opnemen naar toestel {m.group(1)}")
        text = text[:m.start()]
    return text.strip(), notes


def parse_phone(text: str) -> tuple[Phone | PhoneProblem, tuple[str, ...]]:
    """Parse one number (no splitting). Returns the result and the repairs made (Dutch, may be empty)."""
    raw = text.strip()
    prepared, notes = _prepare(raw) if _NEEDS_PREP.search(raw) else (raw, [])
    digits, repairs, error = _undo_excel_text(prepared)
    if error:
        return PhoneProblem(raw, error), ()
    repairs = notes + repairs
    cleaned = _TRUNK_ZERO_RE.sub("+31", digits)
    cleaned = _COMMENT_RE.sub("", cleaned)
    cleaned = _NOISE_RE.sub("", cleaned)
    if not cleaned:
        return PhoneProblem(raw, "leeg nummer"), ()
    if _LETTERS_RE.search(cleaned.lstrip("+")) or cleaned.count("+") > 1:
        return PhoneProblem(raw, "bevat tekens die geen cijfers zijn"), ()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    elif not cleaned.startswith(("+", "0")):
        if len(cleaned) == 11 and cleaned.startswith("31"):
            cleaned = "+" + cleaned
            repairs.append("landcode 31 zonder '+' of '00'")
        elif len(cleaned) == 9:
            cleaned = "0" + cleaned
            repairs.append("voorloopnul ontbrak")
    m = _NL_NATIONAL_RE.match(cleaned)
    if m:  # fast path for the common 10-digit Dutch number
        return _classify_nl(m.group(1), raw), tuple(repairs)
    try:
        num = phonenumbers.parse(cleaned, "NL")
    except phonenumbers.NumberParseException:
        return PhoneProblem(raw, "ongeldig nummer"), ()
    return _classify(num, raw), tuple(repairs)


def _split(text: str) -> list[str]:
    if not _MAY_SPLIT_RE.search(text) or _FLOAT_RE.match(text) or _SCI_RE.match(text):  # "6,12345678E+08" is one damaged number
        return [text]
    parts = [p for p in _SPLIT_RE.split(text.strip()) if p.strip()]
    for i in range(len(parts) - 1, 0, -1):  # "020 1234567, toestel 12": the extension belongs to the number
        if _EXTENSION_ONLY.match(parts[i].strip()):
            parts[i - 1] = f"{parts[i - 1]} {parts.pop(i).strip()}"
    if len(parts) > 1:
        # "010/1234567" is one number written with a slash, not two numbers.
        short = [p for p in parts if len(re.sub(r"\D", "", p)) < 5]
        if short:
            return ["".join(parts)]
    return parts


def parse_phone_cell(value: str | int | float | None) -> PhoneCell:
    """Parse one cell that may hold zero, one or several numbers."""
    if value is None:
        return PhoneCell()
    if isinstance(value, (int, float)):
        text, error = _excel_number_text(value)
        if error:
            return PhoneCell(problems=(PhoneProblem(text, error),))
        parts = [text]
    else:
        if not value.strip():
            return PhoneCell()
        parts = _split(value)
    phones: list[Phone] = []
    problems: list[PhoneProblem] = []
    repairs: list[PhoneRepair] = []
    for part in parts:
        result, what = parse_phone(part)
        if isinstance(result, PhoneProblem):
            problems.append(result)
            continue
        if what:
            repairs.append(PhoneRepair(part.strip(), result.e164, ", ".join(what)))
        phones.append(result)
    return PhoneCell(tuple(phones), tuple(problems), tuple(repairs))


def format_national(e164: str) -> str:
    """Display form: ``06 12345678``, ``010 1234567``, ``0800 123456``; international for foreign."""
    try:
        num = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if num.country_code != 31:
        return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    national = str(num.national_number)
    if national.startswith("14") and len(national) <= 6:
        return "14" + national[2:]
    ndc = phonenumbers.length_of_national_destination_code(num)
    if ndc <= 0:
        for prefix, *_ in (*_DOUBTFUL_PREFIXES, *_NEVER_DIAL_PREFIXES):
            if national.startswith(prefix):
                ndc = len(prefix)
                break
        else:
            return "0" + national
    return f"0{national[:ndc]} {national[ndc:]}"
