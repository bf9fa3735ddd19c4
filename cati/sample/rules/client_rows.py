"""Validate one delivered client row; find duplicates within a batch (and against earlier imports).

A row becomes an ``Accepted`` (a ``ClientRecord`` plus warnings) or a ``Rejection`` (Dutch reasons a
supervisor understands). Nothing is changed silently: every repair or interpretation is a warning
carrying the line number.

Values come from outside: control characters (NUL, which PostgreSQL refuses in text; an ANSI escape;
invisible direction marks) are removed and a line break or tab inside a name, client number or e-mail
becomes a space, each with a warning naming the column, the same on every database. A client number,
name or e-mail longer than cati stores (``MAX_LENGTHS``, the columns of the client table) rejects the
row: it is never cut.

Choice: ``telefonisch=ja`` while the provider did not buy the phone option is *accepted with a warning*
and the client is not put in the purchased queue. Rejecting would drop a valid respondent from the
mail/post survey and shrink the net sample for a contract detail the client cannot help; phoning would
bill the provider for something it did not buy. If the client also qualifies for the inburgering queue
(service 11, profile 1/2) it goes there. A purchased client of service 11 with profile 1/2 goes to the
purchased queue: the provider paid for the call, so it is not subject to the inburgering cap of 25.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal

from cati.core.languages import parse_language
from cati.sample.rules.dienst import INBURGERING, Dienst, DienstError, parse_dienst
from cati.sample.rules.phones import Phone, format_national, parse_phone_cell

RawValue = str | int | float | bool | date | datetime | time | timedelta | None
Variant = Literal["regular", "low_threshold"]
Queue = Literal["purchased", "inburgering", "mail_post"]

COLUMNS: tuple[str, ...] = (
    "klantnummer", "naam", "telefoon", "telefoon2", "email",
    "dienst", "einddatum", "vragenlijst", "leerprofiel", "telefonisch", "taal",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("klantnummer", "naam", "dienst", "einddatum")
LOW_PROFILES: frozenset[int] = frozenset({1, 2})
#: the longest value cati stores per column (the client table's columns; a test checks they agree)
MAX_LENGTHS: dict[str, int] = {"klantnummer": 100, "naam": 300, "email": 300}
_MAX_ID, _MAX_NAME, _MAX_EMAIL = MAX_LENGTHS["klantnummer"], MAX_LENGTHS["naam"], MAX_LENGTHS["email"]
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
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_ID_FLOAT_RE = re.compile(r"^(\d+)\.0+$")

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


@dataclass(frozen=True, slots=True)
class MeasurementPeriod:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("meetperiode: einde ligt voor het begin")

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{format_date(self.start)} t/m {format_date(self.end)}"


class AccountingError(RuntimeError):
    """The lines of a file do not add up to what became of them: a fault in cati, never stored."""


@dataclass(frozen=True, slots=True)
class Accounting:
    """Where every data line (a non-empty line below the header) of a delivered file went. Each is
    exactly one of: accepted to be phoned (a call case, or no case because every number is on the
    do-not-call list: ``do_not_call`` of them), accepted and not phoned (mail/post), rejected, or a
    duplicate."""

    lines: int
    phoned: int
    mail_post: int
    rejected: int
    duplicates: int
    do_not_call: int = 0  # of ``phoned``

    @property
    def accounted(self) -> int:
        return self.phoned + self.mail_post + self.rejected + self.duplicates

    @property
    def balanced(self) -> bool:
        return self.accounted == self.lines and 0 <= self.do_not_call <= self.phoned

    def text(self) -> str:
        """The sum in words, as the import summary shows it."""
        dnc = f" (waarvan {self.do_not_call} alleen met niet-bellen-nummers)" if self.do_not_call else ""
        lines = f"{self.lines} regel{'' if self.lines == 1 else 's'} met gegevens"
        return (f"{lines} = {self.phoned} te bellen{dnc} + {self.mail_post} niet gebeld "
                f"(mail/post) + {self.rejected} afgewezen + {self.duplicates} dubbel")

    def check(self) -> None:
        """Raise :class:`AccountingError` unless every line is accounted for exactly once."""
        if not self.balanced:
            raise AccountingError(f"De telling van het bestand klopt niet ({self.text()}, samen {self.accounted}); "
                                  "er is niets opgeslagen. Dit is een fout in cati: meld het, met het bestand.")


@dataclass(frozen=True, slots=True)
class RowWarning:
    line: int
    message: str

    def __str__(self) -> str:
        return f"regel {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class ClientRecord:
    line: int
    client_number: str
    name: str
    phones: tuple[Phone, ...]  # dialable numbers in file order; doubtful ones carry a flag
    email: str | None
    service: Dienst
    end_date: date
    variant: Variant
    learning_profile: int | None
    phone_option: bool  # telefonisch=ja AND the provider bought the option
    queue: Queue
    language: str | None = None  # the client's language (ISO 639-1), from the optional column taal

    @property
    def phone_numbers(self) -> tuple[str, ...]:
        return tuple(p.e164 for p in self.phones)

    @property
    def phoned(self) -> bool:
        return self.queue != "mail_post"


@dataclass(frozen=True, slots=True)
class Accepted:
    record: ClientRecord
    warnings: tuple[RowWarning, ...] = ()


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    client_number: str | None
    reasons: tuple[str, ...]

    @property
    def message(self) -> str:
        return f"regel {self.line}: " + "; ".join(self.reasons)

    def __str__(self) -> str:
        return self.message


def _text(value: RawValue) -> str | None:
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
    text = _text(value)
    if text is None:
        return "regular"
    return _VARIANTS.get(" ".join(text.casefold().replace("_", " ").split()))


def parse_yes_no(value: RawValue) -> bool | None:
    """ja/nee (empty = nee); None when not understood."""
    if isinstance(value, bool):
        return value
    text = _text(value)
    if text is None:
        return False
    key = text.casefold().rstrip(".")
    return True if key in _YES else False if key in _NO else None


def parse_profile(value: RawValue) -> tuple[int | None, str | None]:
    """(profile, error). Empty gives (None, None)."""
    if isinstance(value, bool):
        return None, "leerprofiel is geen getal"
    text = _text(value)
    if text is None:
        return None, None
    m = _INT_RE.match(text)
    if not m or int(m.group(1)) < 1:
        return None, f"leerprofiel '{text}' is geen geldig profiel (een getal vanaf 1)"
    return int(m.group(1)), None


def validate_row(
    values: Mapping[str, RawValue],
    line: int,
    period: MeasurementPeriod,
    provider_has_phone_option: bool,
) -> Accepted | Rejection:
    """Check one row (canonical column -> raw cell) for the given period and provider contract."""
    reasons: list[str] = []
    warnings: list[str] = []
    for value in values.values():  # (every character _SUSPECT finds is one str.isprintable() refuses)
        if type(value) is str and not value.isprintable() and _SUSPECT.search(value):
            values = _cleaned(values, warnings)
            break

    client_number = _text(values.get("klantnummer"))
    if client_number is None:
        reasons.append("klantnummer ontbreekt")
    elif m := _ID_FLOAT_RE.match(client_number):
        warnings.append(f"klantnummer '{client_number}' gelezen als {m.group(1)} (Excel-schade '.0')")
        client_number = m.group(1)

    name = _text(values.get("naam"))
    if name is None:
        reasons.append("naam ontbreekt")
    email = _text(values.get("email"))
    if (client_number is not None and len(client_number) > _MAX_ID or name is not None and len(name) > _MAX_NAME
            or email is not None and len(email) > _MAX_EMAIL):
        for column, value in (("klantnummer", client_number), ("naam", name), ("email", email)):
            if value is not None and len(value) > MAX_LENGTHS[column]:
                reasons.append(f"{column} is {len(value)} tekens lang; cati bewaart er hoogstens {MAX_LENGTHS[column]}")

    service: Dienst | None = None
    try:
        service = parse_dienst(_dienst_value(values.get("dienst")))
    except DienstError as exc:
        reasons.append(str(exc))
    if service is not None and service.retired:
        reasons.append(f"dienst {service} is vervallen: nieuwe cliënten mogen deze dienst niet hebben")

    end_date, date_warning, date_error = parse_end_date(values.get("einddatum"))
    if date_error:
        reasons.append(date_error)
    elif end_date is not None:
        if date_warning:
            warnings.append(date_warning)
        if end_date not in period:
            reasons.append(f"einddatum {format_date(end_date)} ligt buiten de meetperiode {period}")

    variant = parse_variant(values.get("vragenlijst"))
    if variant is None:
        reasons.append(f"vragenlijst '{_text(values.get('vragenlijst'))}' onbekend (regulier of laagdrempelig)")

    profile, profile_error = parse_profile(values.get("leerprofiel"))
    is_inburgering = service is not None and service.number == INBURGERING
    if is_inburgering:
        if profile_error:
            reasons.append(profile_error)
        elif profile is None:
            reasons.append("leerprofiel ontbreekt (verplicht bij dienst 11)")
    elif profile_error:
        warnings.append(f"{profile_error}; genegeerd (alleen nodig bij dienst 11)")

    wants_phone = parse_yes_no(values.get("telefonisch"))
    if wants_phone is None:
        reasons.append(f"telefonisch '{_text(values.get('telefonisch'))}' onbekend (ja of nee)")
        wants_phone = False
    phone_option = wants_phone and provider_has_phone_option
    if wants_phone and not provider_has_phone_option:
        warnings.append("telefonisch=ja, maar de dienstverlener heeft de telefonische optie niet ingekocht: "
                        "niet in de wachtrij 'ingekocht'")
    queue: Queue = "mail_post"
    if phone_option:
        queue = "purchased"
    elif is_inburgering and profile in LOW_PROFILES:
        queue = "inburgering"

    phones = _phones(values, queue != "mail_post", reasons, warnings)

    if reasons or client_number is None or name is None or service is None or end_date is None or variant is None:
        return Rejection(line, client_number, tuple(reasons))
    if email is not None and not _EMAIL_RE.match(email):
        warnings.append(f"e-mailadres '{email}' lijkt ongeldig")
    language = parse_language(_text(values.get("taal")))
    if language is None and _text(values.get("taal")) is not None:
        warnings.append(f"taal '{_text(values.get('taal'))}' onbekend; genegeerd (gebruik een taalnaam of -code "
                        "zoals Arabisch of ar)")
    record = ClientRecord(
        line=line, client_number=client_number, name=name, phones=phones, email=email, service=service,
        end_date=end_date, variant=variant, learning_profile=profile, phone_option=phone_option, queue=queue,
        language=language,
    )
    return Accepted(record, tuple(RowWarning(line, w) for w in warnings))


def _cleaned(values: Mapping[str, RawValue], warnings: list[str]) -> dict[str, RawValue]:
    """The row without the characters no value should hold (see the module docstring), a warning per
    column that had any."""
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


def _dienst_value(value: RawValue) -> str | int | float | None:
    if isinstance(value, (date, time, timedelta)):
        return str(value)
    return value


def _phones(values: Mapping[str, RawValue], phoned: bool, reasons: list[str], warnings: list[str]) -> tuple[Phone, ...]:
    kept: list[Phone] = []
    problems: list[str] = []
    for column in ("telefoon", "telefoon2"):
        raw = values.get(column)
        if isinstance(raw, (date, time, timedelta, bool)):
            problems.append(f"{column} '{raw}' is geen telefoonnummer")
            continue
        cell = parse_phone_cell(raw)
        for rep in cell.repairs:
            warnings.append(f"{column} '{rep.raw}' gelezen als {format_national(rep.e164)} ({rep.what})")
        for prob in cell.problems:
            problems.append(f"{column} '{prob.raw}': {prob.reason}")
        for phone in cell.phones:
            if any(p.e164 == phone.e164 for p in kept):
                warnings.append(f"{column}: {phone.national} staat dubbel bij deze cliënt, één keer bewaard")
                continue
            kept.append(phone)
            if phone.flag:
                warnings.append(f"{column} {phone.national}: {phone.flag}, eerst controleren")
    if phoned and not kept:
        why = "; ".join(problems) if problems else "telefoonnummer ontbreekt"
        reasons.append(f"{why} (cliënt moet gebeld worden, maar heeft geen bruikbaar nummer)")
    else:
        warnings.extend(f"{p}, niet overgenomen" for p in problems)
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class Duplicate:
    line: int
    client_number: str
    first_line: int | None  # None: already present from an earlier import
    reasons: tuple[str, ...]

    @property
    def message(self) -> str:
        return f"regel {self.line}: " + "; ".join(self.reasons)

    def __str__(self) -> str:
        return self.message


def find_duplicates(
    records: Iterable[ClientRecord],
    *,
    known_client_numbers: Collection[str] = (),
    known_phones: Mapping[str, str] | None = None,
) -> list[Duplicate]:
    """Later rows that repeat a klantnummer or another client's phone number; the first one stays.

    ``known_client_numbers`` and ``known_phones`` (E.164 -> klantnummer) hold what earlier imports of the
    same provider and period contain; a row repeating those is a duplicate too. Client numbers compare
    case-insensitively; a client keeping its own number is no phone duplicate.
    """
    known_ids = {c.strip().casefold() for c in known_client_numbers}
    known_tel = {tel: c.strip().casefold() for tel, c in (known_phones or {}).items()}
    seen_ids: dict[str, ClientRecord] = {}
    seen_tel: dict[str, ClientRecord] = {}
    result: list[Duplicate] = []
    for rec in records:
        key = rec.client_number.strip().casefold()
        reasons: list[str] = []
        first_line: int | None = None
        if key in seen_ids:
            first_line = seen_ids[key].line
            reasons.append(f"klantnummer {rec.client_number} staat al op regel {first_line}")
        elif key in known_ids:
            reasons.append(f"klantnummer {rec.client_number} is al eerder geïmporteerd")
        for tel in rec.phone_numbers:
            other = seen_tel.get(tel)
            if other is not None and other.client_number.strip().casefold() != key:
                first_line = first_line or other.line
                reasons.append(f"telefoonnummer {format_national(tel)} hoort al bij klant "
                               f"{other.client_number} (regel {other.line})")
            elif other is None and known_tel.get(tel, key) != key:
                reasons.append(f"telefoonnummer {format_national(tel)} is al eerder geïmporteerd bij een andere klant")
        if reasons:
            result.append(Duplicate(rec.line, rec.client_number, first_line, tuple(reasons)))
            continue
        seen_ids[key] = rec
        for tel in rec.phone_numbers:
            seen_tel.setdefault(tel, rec)
    return result
