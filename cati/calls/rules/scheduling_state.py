"""Immutable state of one case in a call queue, and the events the scheduler reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from cati.calls.rules.calendar import ensure_aware


class SchedulingError(ValueError):
    """An outcome or appointment that cannot be applied; message in Dutch for the interviewer."""


class CaseStatus(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    FINAL = "final"


class NumberStatus(StrEnum):
    ACTIVE = "active"
    FINAL = "final"  # a number-level outcome (wrong person, disconnected, fax)
    EXHAUSTED = "exhausted"  # max attempts per number reached
    DO_NOT_CALL = "do_not_call"


class AppointmentKind(StrEnum):
    EXACT = "exact"
    DAYPART = "daypart"


@dataclass(frozen=True)
class PhoneNumber:
    e164: str
    status: NumberStatus = NumberStatus.ACTIVE
    attempts: int = 0
    final_code: str | None = None

    @property
    def callable(self) -> bool:
        return self.status is NumberStatus.ACTIVE


@dataclass(frozen=True)
class Appointment:
    """Exact time (`at`) or day part (`day` + `day_part`, local date); `made_by` = user id."""

    kind: AppointmentKind
    made_by: int | None = None
    at: datetime | None = None
    day: date | None = None
    day_part: str | None = None

    def __post_init__(self) -> None:
        if self.kind is AppointmentKind.EXACT:
            if self.at is None or self.day is not None or self.day_part is not None:
                raise SchedulingError("Een afspraak op een vast tijdstip heeft alleen een tijdstip (at)")
            ensure_aware(self.at, "appointment time")
        elif self.day is None or self.day_part is None or self.at is not None:
            raise SchedulingError("Een terugbelafspraak per dagdeel heeft een datum en een dagdeel")

    @classmethod
    def exact(cls, at: datetime, made_by: int | None = None) -> Appointment:
        return cls(AppointmentKind.EXACT, made_by=made_by, at=at)

    @classmethod
    def daypart(cls, day: date, day_part: str, made_by: int | None = None) -> Appointment:
        return cls(AppointmentKind.DAYPART, made_by=made_by, day=day, day_part=day_part)


Counts = tuple[tuple[str, int], ...]


def bump(counts: Counts, key: str) -> Counts:
    merged = dict(counts)
    merged[key] = merged.get(key, 0) + 1
    return tuple(sorted(merged.items()))


@dataclass(frozen=True)
class CaseState:
    case_id: str = ""
    queue: str = ""
    status: CaseStatus = CaseStatus.NEW
    numbers: tuple[PhoneNumber, ...] = ()
    current_number: int = 0
    attempts: int = 0
    day_parts_tried: Counts = ()
    outcome_counts: Counts = ()
    last_outcome: str | None = None
    last_attempt_at: datetime | None = None
    next_call_at: datetime | None = None
    appointment: Appointment | None = None
    contacted_ever: bool = False
    final_code: str | None = None
    held_by: int | None = None
    lease_expires_at: datetime | None = None
    language: str | None = None  # the language it needs an interviewer for (ISO 639-1); None: Dutch

    @property
    def is_final(self) -> bool:
        return self.status is CaseStatus.FINAL

    @property
    def attempts_per_number(self) -> tuple[int, ...]:
        return tuple(n.attempts for n in self.numbers)

    @property
    def active_number(self) -> PhoneNumber | None:
        if 0 <= self.current_number < len(self.numbers) and self.numbers[self.current_number].callable:
            return self.numbers[self.current_number]
        return None

    def tried(self, day_part: str) -> int:
        return dict(self.day_parts_tried).get(day_part, 0)

    def outcome_count(self, code: str) -> int:
        return dict(self.outcome_counts).get(code, 0)

    @classmethod
    def new(cls, case_id: str, numbers: list[str] | tuple[str, ...], queue: str = "") -> CaseState:
        return cls(case_id=case_id, queue=queue, numbers=tuple(PhoneNumber(n) for n in numbers))


# ---------------------------------------------------------------- events


@dataclass(frozen=True)
class RetryScheduled:
    at: datetime
    day_part: str | None


@dataclass(frozen=True)
class AppointmentSet:
    appointment: Appointment
    at: datetime


@dataclass(frozen=True)
class NumberFinalized:
    index: int
    e164: str
    code: str


@dataclass(frozen=True)
class NumberExhausted:
    index: int
    e164: str
    attempts: int


@dataclass(frozen=True)
class SwitchedNumber:
    from_index: int
    to_index: int
    e164: str


@dataclass(frozen=True)
class DoNotCallNumber:
    e164: str


@dataclass(frozen=True)
class LanguageRouted:
    """A language problem sent the case back to the queue for a speaker of ``language``."""

    language: str


@dataclass(frozen=True)
class CaseFinalized:
    code: str
    aapor: str
    group: str
    reason: str  # outcome | no_numbers_left | max_attempts | retries_exhausted | quota_full | system


SchedulingEvent = (
    RetryScheduled | AppointmentSet | NumberFinalized | NumberExhausted | SwitchedNumber | DoNotCallNumber
    | LanguageRouted | CaseFinalized
)
