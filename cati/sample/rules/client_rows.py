"""Validate one delivered client row: which queue and which questionnaire a client gets, or why the
row is rejected.

A row becomes an ``Accepted`` (a ``ClientRecord`` plus warnings) or a ``Rejection`` (Dutch reasons a
supervisor understands). Nothing is changed silently: every repair or interpretation is a warning
carrying the line number. Single values are read by :mod:`cati.sample.rules.client_values` (which also
takes out control characters); duplicates are :mod:`cati.sample.rules.duplicates`, the sum of a whole
file :mod:`cati.sample.rules.accounting`.

A client number, name or e-mail longer than cati stores (``MAX_LENGTHS``, the columns of the client
table) rejects the row: it is never cut.

Choice: ``telefonisch=ja`` while the provider did not buy the phone option is *accepted with a warning*
and the client is not put in the purchased queue. Rejecting would drop a valid respondent from the
mail/post survey and shrink the net sample for a contract detail the client cannot help; phoning would
bill the provider for something it did not buy. If the client also qualifies for the inburgering queue
(service 11, profile 1/2) it goes there. A purchased client of service 11 with profile 1/2 goes to the
purchased queue: the provider paid for the call, so it is not subject to the inburgering cap of 25.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal

from cati.core.languages import parse_language
from cati.sample.rules.client_values import (
    RawValue,
    Variant,
    cell_text,
    cleaned,
    format_date,
    parse_end_date,
    parse_profile,
    parse_variant,
    parse_yes_no,
)
from cati.sample.rules.dienst import INBURGERING, Dienst, DienstError, parse_dienst
from cati.sample.rules.phones import Phone, format_national, parse_phone_cell

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

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_ID_FLOAT_RE = re.compile(r"^(\d+)\.0+$")


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


def validate_row(
    values: Mapping[str, RawValue],
    line: int,
    period: MeasurementPeriod,
    provider_has_phone_option: bool,
) -> Accepted | Rejection:
    """Check one row (canonical column -> raw cell) for the given period and provider contract."""
    reasons: list[str] = []
    warnings: list[str] = []
    values = cleaned(values, warnings)

    client_number = cell_text(values.get("klantnummer"))
    if client_number is None:
        reasons.append("klantnummer ontbreekt")
    elif m := _ID_FLOAT_RE.match(client_number):
        warnings.append(f"klantnummer '{client_number}' gelezen als {m.group(1)} (Excel-schade '.0')")
        client_number = m.group(1)

    name = cell_text(values.get("naam"))
    if name is None:
        reasons.append("naam ontbreekt")
    email = cell_text(values.get("email"))
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
        reasons.append(f"vragenlijst '{cell_text(values.get('vragenlijst'))}' onbekend (regulier of laagdrempelig)")

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
        reasons.append(f"telefonisch '{cell_text(values.get('telefonisch'))}' onbekend (ja of nee)")
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
    language = parse_language(cell_text(values.get("taal")))
    if language is None and cell_text(values.get("taal")) is not None:
        warnings.append(f"taal '{cell_text(values.get('taal'))}' onbekend; genegeerd (gebruik een taalnaam of -code "
                        "zoals Arabisch of ar)")
    record = ClientRecord(
        line=line, client_number=client_number, name=name, phones=phones, email=email, service=service,
        end_date=end_date, variant=variant, learning_profile=profile, phone_option=phone_option, queue=queue,
        language=language,
    )
    return Accepted(record, tuple(RowWarning(line, w) for w in warnings))


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
