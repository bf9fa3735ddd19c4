"""The 13 services (diensten) of the Blik op Werk keurmerk; service 12 is retired for new clients."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

INBURGERING = 11
RETIRED: frozenset[int] = frozenset({12})


@dataclass(frozen=True, slots=True)
class Dienst:
    number: int
    name: str

    @property
    def retired(self) -> bool:
        """True when new clients may not carry this service."""
        return self.number in RETIRED

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


_NAMES = {
    1: "Scholing en opleiding",
    2: "Fysieke en mentale behandeling of begeleiding",
    3: "Diagnose, onderzoek en loopbaanoriëntatie",
    4: "Organisatieadvies en onderzoek",
    5: "Jobcoaching",
    6: "Verzuimbegeleiding (wet poortwachter)",
    7: "Outplacement",
    8: "Toeleiden van werk naar werk (eerste en tweede spoor)",
    9: "Toeleiden naar werk vanuit situatie geen werk",
    10: "Sociale activering en participatie",
    11: "Inburgeringscursussen en duale trajecten",
    12: "Duurzame inzetbaarheid",
    13: "Supported employment",
}
DIENSTEN: MappingProxyType[int, Dienst] = MappingProxyType({n: Dienst(n, name) for n, name in _NAMES.items()})


class DienstError(ValueError):
    """The value is not one of the 13 services; the message is Dutch, for a supervisor."""


def normalize(text: str) -> str:
    """Lower case, no diacritics, no punctuation, single spaces: 'Loopbaanoriëntatie ' -> 'loopbaanorientatie'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


def _keys(name: str) -> tuple[str, ...]:
    full = normalize(name)
    short = normalize(re.sub(r"\(.*?\)", "", name))
    return (full, short) if short != full else (full,)


_BY_NAME: dict[str, int] = {key: n for n, name in _NAMES.items() for key in _keys(name)}
_NUMBER_RE = re.compile(r"^(?:dienst\s*)?(\d{1,2})(?:[.,]0+)?(?:\s*[-:.)]?\s*(.*))?$", re.IGNORECASE | re.DOTALL)
_MIN_PREFIX = 6


def _by_name(text: str) -> int | None:
    key = normalize(text)
    if not key:
        return None
    if key in _BY_NAME:
        return _BY_NAME[key]
    if len(key) >= _MIN_PREFIX:  # "Inburgering", "Verzuimbegeleiding": a unique start of one name
        hits = {n for k, n in _BY_NAME.items() if k.startswith(key)}
        if len(hits) == 1:
            return hits.pop()
    return None


def parse_dienst(value: str | int | float | None) -> Dienst:
    """A service from a number (11, 11.0, '11', 'dienst 11', '11 - Inburgering…') or its name.

    Raises DienstError when empty, unknown or contradictory ('3 Jobcoaching'). Retired services are
    returned (check ``Dienst.retired``), so the caller can say *why* a row is refused.
    """
    if value is None or isinstance(value, bool):
        raise DienstError("dienst ontbreekt")
    if isinstance(value, float):
        if not value.is_integer():
            raise DienstError(f"dienst {value:g} is geen geheel getal")
        value = int(value)
    if isinstance(value, int):
        if value in DIENSTEN:
            return DIENSTEN[value]
        raise DienstError(f"dienst {value} bestaat niet (geldig: 1 t/m 13)")
    text = " ".join(value.split())
    if not text:
        raise DienstError("dienst ontbreekt")
    m = _NUMBER_RE.match(text)
    if m:
        number = int(m.group(1))
        if number not in DIENSTEN:
            raise DienstError(f"dienst {number} bestaat niet (geldig: 1 t/m 13)")
        rest = (m.group(2) or "").strip()
        if rest and _by_name(rest) != number:
            raise DienstError(f"dienst '{text}': nummer {number} past niet bij de naam '{rest}'")
        return DIENSTEN[number]
    found = _by_name(text)
    if found is None:
        raise DienstError(f"dienst '{text}' is onbekend (geef een nummer 1 t/m 13 of de naam)")
    return DIENSTEN[found]
