"""Duplicate clients: later rows of a delivered file that repeat a client number or another client's
phone number, within the file and against earlier imports of the same provider and period."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

from cati.sample.rules.client_rows import ClientRecord
from cati.sample.rules.phones import format_national


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


class PhoneOwners(Protocol):
    """Who had a number in earlier imports (a dict will do; the import asks the database by hash)."""

    def get(self, e164: str, /) -> str | None: ...


def find_duplicates(
    records: Iterable[ClientRecord],
    *,
    known_client_numbers: Collection[str] = (),
    known_phones: PhoneOwners | None = None,
) -> list[Duplicate]:
    """Later rows that repeat a klantnummer or another client's phone number; the first one stays.

    ``known_client_numbers`` and ``known_phones`` (E.164 -> klantnummer, asked one number at a time)
    hold what earlier imports of the same provider and period contain; a row repeating those is a
    duplicate too. Client numbers compare
    case-insensitively; a client keeping its own number is no phone duplicate.
    """
    known_ids = {c.strip().casefold() for c in known_client_numbers}
    known_tel: PhoneOwners = known_phones or {}
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
            elif other is None and (known_tel.get(tel) or rec.client_number).strip().casefold() != key:
                reasons.append(f"telefoonnummer {format_national(tel)} is al eerder geïmporteerd bij een andere klant")
        if reasons:
            result.append(Duplicate(rec.line, rec.client_number, first_line, tuple(reasons)))
            continue
        seen_ids[key] = rec
        for tel in rec.phone_numbers:
            seen_tel.setdefault(tel, rec)
    return result
