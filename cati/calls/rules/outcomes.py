"""The call outcome table: loaded from data (resources/outcomes.yaml), validated, looked up.

Pure domain code: no Qt, no database. Errors name the outcome code and the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from cati.core.paths import resources_dir
from cati.core.yaml_files import load_data_file

DEFAULT_OUTCOMES_PATH = resources_dir() / "outcomes.yaml"

AAPOR_GROUPS: frozenset[str] = frozenset({"I", "P", "R", "NC", "O", "UH", "UR", "UO", "NE"})
# First digit of the AAPOR code -> groups that may carry it.
_GROUPS_BY_CLASS: dict[str, frozenset[str]] = {
    "1": frozenset({"I", "P"}),
    "2": frozenset({"R", "NC", "O"}),
    "3": frozenset({"UH", "UR", "UO"}),
    "4": frozenset({"NE"}),
}
_AAPOR_RE = re.compile(r"^[1-4](\.\d{1,3})?$")
_CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")

MAX_ATTEMPTS = "MAX_ATTEMPTS"
QUOTA_FULL = "QUOTA_FULL"
DESK_LOST = "DESK_LOST"  # system: the desk holding the case stopped during the attempt
PARTIAL = "PARTIAL"
APPOINTMENT = "APPOINTMENT"
CALLBACK = "CALLBACK"
DO_NOT_CALL = "DO_NOT_CALL"
COMPLETE = "COMPLETE"
LANGUAGE = "LANGUAGE"
ROUTES = frozenset({"language"})  # an outcome that ends the case only when no route is left
REQUIRED_CODES: frozenset[str] = frozenset({MAX_ATTEMPTS, QUOTA_FULL, PARTIAL, APPOINTMENT, CALLBACK, COMPLETE})


class OutcomeTableError(ValueError):
    """The outcome table is invalid; the message names the code and the field."""


class Finality(Enum):
    NO = "no"
    CASE = "yes"
    NUMBER = "number"


@dataclass(frozen=True)
class RetryRule:
    delay_minutes: int = 0
    delay_days: int = 0
    other_day_part: bool = False
    max_retries: int | None = None
    exhausted_as: str | None = None


@dataclass(frozen=True)
class Outcome:
    code: str
    label_nl: str
    label_en: str
    aapor: str
    group: str
    final: Finality
    contact: bool
    selectable: bool
    key: int | None
    retry: RetryRule | None = None
    aapor_if_contacted: str | None = None
    group_if_contacted: str | None = None
    route: str | None = None  # "language": back to the queue for a speaker of the language heard

    @property
    def is_case_final(self) -> bool:
        return self.final is Finality.CASE

    @property
    def is_number_final(self) -> bool:
        return self.final is Finality.NUMBER

    def aapor_for(self, contacted_ever: bool) -> tuple[str, str]:
        """(AAPOR code, group) for a case that ended on this outcome."""
        if contacted_ever and self.aapor_if_contacted is not None and self.group_if_contacted is not None:
            return self.aapor_if_contacted, self.group_if_contacted
        return self.aapor, self.group


@dataclass(frozen=True)
class OutcomeTable:
    outcomes: tuple[Outcome, ...]

    def __post_init__(self) -> None:
        _check_table(self.outcomes)

    def __iter__(self) -> Iterator[Outcome]:
        return iter(self.outcomes)

    def __len__(self) -> int:
        return len(self.outcomes)

    def __contains__(self, code: object) -> bool:
        return any(o.code == code for o in self.outcomes)

    def get(self, code: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.code == code:
                return outcome
        raise KeyError(f"unknown outcome code {code!r}")

    def selectable(self) -> tuple[Outcome, ...]:
        """Interviewer-selectable outcomes in shortcut order."""
        chosen = [o for o in self.outcomes if o.selectable]
        return tuple(sorted(chosen, key=lambda o: (o.key if o.key is not None else 10**6, o.code)))

    def system_only(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.selectable)

    def in_group(self, group: str) -> tuple[Outcome, ...]:
        if group not in AAPOR_GROUPS:
            raise KeyError(f"unknown AAPOR group {group!r}")
        return tuple(o for o in self.outcomes if o.group == group)

    def groups(self) -> dict[str, tuple[str, ...]]:
        """AAPOR group -> outcome codes (codes' default group, see aapor_for for MAX_ATTEMPTS)."""
        result: dict[str, tuple[str, ...]] = {}
        for outcome in self.outcomes:
            result[outcome.group] = (*result.get(outcome.group, ()), outcome.code)
        return result

    def aapor_for(self, code: str, contacted_ever: bool) -> tuple[str, str]:
        """(AAPOR code, group) of a case that ended on `code`; MAX_ATTEMPTS depends on contact."""
        return self.get(code).aapor_for(contacted_ever)


# ---------------------------------------------------------------- loading


def load_outcome_table(source: Path | str | Mapping[str, Any] | None = None) -> OutcomeTable:
    """Load from a YAML path (read and checked once per version of the file), an already parsed
    mapping, or (None) the packaged default."""
    if source is None or isinstance(source, (str, Path)):
        return load_data_file(source if source is not None else DEFAULT_OUTCOMES_PATH, _table_from_data)
    return _table_from_data(source)


def _table_from_data(data: Any) -> OutcomeTable:
    if not isinstance(data, Mapping):
        raise OutcomeTableError("outcome table: top level must be a mapping with 'outcomes'")
    raw = data.get("outcomes")
    if not isinstance(raw, list) or not raw:
        raise OutcomeTableError("outcome table: 'outcomes' must be a non-empty list")
    outcomes = tuple(_parse_outcome(i, item) for i, item in enumerate(raw))
    return OutcomeTable(outcomes)


def _err(code: str, field: str, problem: str) -> OutcomeTableError:
    return OutcomeTableError(f"outcome {code}: field '{field}' {problem}")


def _str(item: Mapping[str, Any], code: str, field: str, required: bool = True) -> str | None:
    value = item.get(field)
    if value is None:
        if required:
            raise _err(code, field, "is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        raise _err(code, field, f"must be a non-empty text, got {value!r}")
    return value.strip()


def _bool(item: Mapping[str, Any], code: str, field: str) -> bool:
    value = item.get(field)
    if not isinstance(value, bool):
        raise _err(code, field, f"must be true or false, got {value!r}")
    return value


def _opt_int(value: object, code: str, field: str, minimum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise _err(code, field, f"must be a whole number >= {minimum}, got {value!r}")
    return value


def _finality(value: object, code: str) -> Finality:
    if value is True or value == "yes":
        return Finality.CASE
    if value is False or value == "no":
        return Finality.NO
    if value == "number":
        return Finality.NUMBER
    raise _err(code, "final", f"must be yes, no or number, got {value!r}")


def _aapor(item: Mapping[str, Any], code: str, field: str, group: str | None) -> str | None:
    value = item.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not _AAPOR_RE.match(value):
        raise _err(code, field, f"must be a quoted AAPOR code like \"2.11\", got {value!r}")
    if group is not None and group not in _GROUPS_BY_CLASS[value[0]]:
        raise _err(code, field, f"{value} is a {value[0]}.x code and cannot be in group {group}")
    return value


def _group(item: Mapping[str, Any], code: str, field: str) -> str | None:
    value = item.get(field)
    if value is None:
        return None
    if value not in AAPOR_GROUPS:
        raise _err(code, field, f"must be one of {', '.join(sorted(AAPOR_GROUPS))}, got {value!r}")
    return str(value)


_KNOWN_FIELDS = frozenset(
    {"code", "label_nl", "label_en", "aapor", "group", "final", "contact", "selectable", "key", "retry",
     "aapor_if_contacted", "group_if_contacted", "route"}
)
_RETRY_FIELDS = frozenset({"delay_minutes", "delay_days", "other_day_part", "max_retries", "exhausted_as"})


def _parse_outcome(index: int, item: object) -> Outcome:
    if not isinstance(item, Mapping):
        raise OutcomeTableError(f"outcome #{index + 1}: must be a mapping, got {item!r}")
    raw_code = item.get("code")
    if not isinstance(raw_code, str) or not _CODE_RE.match(raw_code):
        raise OutcomeTableError(f"outcome #{index + 1}: field 'code' must be UPPER_SNAKE text, got {raw_code!r}")
    code = raw_code
    unknown = set(item) - _KNOWN_FIELDS
    if unknown:
        raise _err(code, sorted(unknown)[0], "is not a known field")
    group = _group(item, code, "group")
    if group is None:
        raise _err(code, "group", "is missing")
    aapor = _aapor(item, code, "aapor", group)
    if aapor is None:
        raise _err(code, "aapor", "is missing")
    group_c = _group(item, code, "group_if_contacted")
    aapor_c = _aapor(item, code, "aapor_if_contacted", group_c)
    if (group_c is None) != (aapor_c is None):
        raise _err(code, "aapor_if_contacted", "and 'group_if_contacted' must be given together")
    final = _finality(item.get("final"), code)
    selectable = _bool(item, code, "selectable")
    key = _opt_int(item.get("key"), code, "key", 1)
    if selectable and key is None:
        raise _err(code, "key", "is required for an interviewer-selectable outcome")
    retry = _parse_retry(item.get("retry"), code)
    if final is Finality.NO and retry is None:
        raise _err(code, "retry", "is required when final is no")
    if final is not Finality.NO and retry is not None:
        raise _err(code, "retry", "is only allowed when final is no")
    route = item.get("route")
    if route is not None and (route not in ROUTES or final is not Finality.CASE):
        raise _err(code, "route", f"must be one of {', '.join(sorted(ROUTES))}, on a final outcome; got {route!r}")
    return Outcome(
        code=code,
        label_nl=_str(item, code, "label_nl") or "",
        label_en=_str(item, code, "label_en") or "",
        aapor=aapor,
        group=group,
        final=final,
        contact=_bool(item, code, "contact"),
        selectable=selectable,
        key=key,
        retry=retry,
        aapor_if_contacted=aapor_c,
        group_if_contacted=group_c,
        route=route,
    )


def _parse_retry(raw: object, code: str) -> RetryRule | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise _err(code, "retry", f"must be a mapping, got {raw!r}")
    unknown = set(raw) - _RETRY_FIELDS
    if unknown:
        raise _err(code, f"retry.{sorted(unknown)[0]}", "is not a known field")
    other = raw.get("other_day_part", False)
    if not isinstance(other, bool):
        raise _err(code, "retry.other_day_part", f"must be true or false, got {other!r}")
    exhausted = raw.get("exhausted_as")
    if exhausted is not None and not isinstance(exhausted, str):
        raise _err(code, "retry.exhausted_as", f"must be an outcome code, got {exhausted!r}")
    return RetryRule(
        delay_minutes=_opt_int(raw.get("delay_minutes"), code, "retry.delay_minutes", 0) or 0,
        delay_days=_opt_int(raw.get("delay_days"), code, "retry.delay_days", 0) or 0,
        other_day_part=other,
        max_retries=_opt_int(raw.get("max_retries"), code, "retry.max_retries", 0),
        exhausted_as=exhausted,
    )


def _check_table(outcomes: tuple[Outcome, ...]) -> None:
    seen: set[str] = set()
    keys: dict[int, str] = {}
    for outcome in outcomes:
        if outcome.code in seen:
            raise _err(outcome.code, "code", "occurs more than once")
        seen.add(outcome.code)
        if outcome.key is not None:
            if outcome.key in keys:
                raise _err(outcome.code, "key", f"{outcome.key} is already used by {keys[outcome.key]}")
            keys[outcome.key] = outcome.code
    missing = REQUIRED_CODES - seen
    if missing:
        raise OutcomeTableError(f"outcome table: required code(s) missing: {', '.join(sorted(missing))}")
    by_code = {o.code: o for o in outcomes}
    for outcome in outcomes:
        target = outcome.retry.exhausted_as if outcome.retry else None
        if target is not None:
            if target not in by_code:
                raise _err(outcome.code, "retry.exhausted_as", f"names unknown outcome {target!r}")
            if not by_code[target].is_case_final:
                raise _err(outcome.code, "retry.exhausted_as", f"{target} must be a final outcome")
        if outcome.retry and outcome.retry.exhausted_as and outcome.retry.max_retries is None:
            raise _err(outcome.code, "retry.max_retries", "is required with retry.exhausted_as")
    for code in (MAX_ATTEMPTS, QUOTA_FULL):
        if not by_code[code].is_case_final:
            raise _err(code, "final", "must be yes")
