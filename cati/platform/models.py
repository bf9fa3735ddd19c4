"""SQLAlchemy 2 models of cati's core entities.

Conventions: times are aware UTC (:class:`UTCDateTime`), money is integer cents, codes are short
strings whose meaning lives in the domain layer (outcome table, queue kinds, roles). Schema changes
go through Alembic migrations in ``cati/platform/migrations``; never ``create_all`` in production code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cati.platform.types import Sealed, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class DatabaseInfo(Base):
    """Key/value facts about this database (e.g. ``test_database``), not user settings."""

    __tablename__ = "database_info"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Setting(Base):
    """A dated setting: the row with the latest ``valid_from`` on or before a date is in force."""

    __tablename__ = "setting"
    __table_args__ = (UniqueConstraint("key", "valid_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    value: Mapped[str] = mapped_column(Text)  # JSON
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )
    languages: Mapped[list[UserLanguage]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class UserLanguage(Base):
    """A language an interviewer speaks besides Dutch (ISO 639-1), for cases that need it."""

    __tablename__ = "user_language"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)


class LoginThrottle(Base):
    """Failed logins per name typed at a source and per source (``accounts.rules.throttle``)."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A token for scheduled jobs (``CATI_TOKEN``); only its SHA-256 is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class UserRole(Base):
    __tablename__ = "user_role"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    user: Mapped[User] = relationship(back_populates="roles")


class AuditEvent(Base):
    """Append-only: rows are inserted, never updated, deleted or truncated (triggers enforce it), and
    chained (``prev_hash``, ``row_hash``: :mod:`cati.accounts.rules.audit_chain`) so that a change
    by a database owner shows."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    username: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(50), index=True)
    object_type: Mapped[str] = mapped_column(String(50), default="")
    object_id: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON, never personal data
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class Provider(Base):
    __tablename__ = "provider"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    phone_option: Mapped[bool] = mapped_column(Boolean, default=False)
    tariff_cents: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    periods: Mapped[list[MeasurementPeriod]] = relationship(back_populates="provider")


class MeasurementPeriod(Base):
    __tablename__ = "measurement_period"
    __table_args__ = (UniqueConstraint("provider_id", "start_date", "end_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    key_id: Mapped[str | None] = mapped_column(String(16))  # its contact data's key (in the key file)
    provider: Mapped[Provider] = relationship(back_populates="periods")


class ImportBatch(Base):
    __tablename__ = "import_batch"
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("measurement_period.id"), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON counts


class Client(Base):
    __tablename__ = "client"
    __table_args__ = (UniqueConstraint("period_id", "client_number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("measurement_period.id"), index=True)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"))
    client_number: Mapped[str] = mapped_column(String(100))
    respondent_key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(Sealed)  # sealed with the period's key (cati.platform.keys)
    email: Mapped[str | None] = mapped_column(Sealed)
    service: Mapped[int] = mapped_column(Integer)
    end_date: Mapped[date] = mapped_column(Date)
    variant: Mapped[str] = mapped_column(String(20), default="regular")
    learning_profile: Mapped[int | None] = mapped_column(Integer)
    phone_option: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str | None] = mapped_column(String(8))  # the client file's taal (ISO 639-1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    phones: Mapped[list[PhoneNumber]] = relationship(
        back_populates="client", order_by="PhoneNumber.position", cascade="all, delete-orphan"
    )


class PhoneNumber(Base):
    __tablename__ = "phone_number"
    __table_args__ = (UniqueConstraint("client_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    e164: Mapped[str | None] = mapped_column(Sealed)  # sealed with the period's key; NULL once purged
    e164_hash: Mapped[str | None] = mapped_column(String(20), index=True)  # looked up by (keys.number_hash)
    kind: Mapped[str] = mapped_column(String(20), default="")  # mobile, fixed, voip, uan, ...
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | final
    final_outcome: Mapped[str | None] = mapped_column(String(30))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    client: Mapped[Client] = relationship(back_populates="phones")


class DoNotCall(Base):
    """The do-not-call list: numbers by their keyed hash (``h:…``, ``KeyStore.number_hash``, the key in
    the key file), never readable; the column keeps its first name."""

    __tablename__ = "do_not_call"
    e164: Mapped[str] = mapped_column(String(20), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CallCase(Base):
    """A client in a call queue. ``held_by``/``lease_expires_at`` is the claim lease.

    The columns the call order (:mod:`cati.calls.rules.order`) filters and sorts on are real,
    indexed columns; the constraints state what the order relies on: a new case was never called,
    an active one was (and has its last attempt's time), an open one always has a planned call.
    """

    __tablename__ = "call_case"
    __table_args__ = (
        UniqueConstraint("client_id", "queue"),
        # never-called cases by due time (Tier.NEW), the queue summaries
        Index("ix_call_case_queue_status_next", "period_id", "queue", "status", "next_call_at", "id"),
        # retries: fewest attempts, longest waiting (Tier.RETRY)
        Index("ix_call_case_queue_retry", "period_id", "queue", "status", "attempts", "last_attempt_at", "id"),
        # held cases whose lease ran out (their desk is gone): a few rows
        Index("ix_call_case_lease", "lease_expires_at", sqlite_where=text("held_by IS NOT NULL"),
              postgresql_where=text("held_by IS NOT NULL")),
        # partial interviews to resume (Tier.PARTIAL): a few rows
        Index("ix_call_case_queue_partial", "period_id", "queue", "next_call_at", "id",
              sqlite_where=text("last_outcome = 'PARTIAL'"), postgresql_where=text("last_outcome = 'PARTIAL'")),
        # back-checks (Tier.BACKCHECK): verification calls of a supervisor's review, a few rows
        Index("ix_call_case_queue_backcheck", "period_id", "queue", "next_call_at", "id",
              sqlite_where=text("checks_interviewer IS NOT NULL"),
              postgresql_where=text("checks_interviewer IS NOT NULL")),
        CheckConstraint("status IN ('new', 'active', 'final')", name="status"),
        CheckConstraint("status <> 'new' OR attempts = 0", name="new_never_called"),
        CheckConstraint("status <> 'active' OR (attempts > 0 AND last_attempt_at IS NOT NULL)", name="active_called"),
        CheckConstraint("status = 'final' OR next_call_at IS NOT NULL", name="open_planned"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("measurement_period.id"))
    queue: Mapped[str] = mapped_column(String(20))  # purchased | inburgering
    status: Mapped[str] = mapped_column(String(20), default="new")  # new | active | final
    last_outcome: Mapped[str | None] = mapped_column(String(30))
    final_outcome: Mapped[str | None] = mapped_column(String(30))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    contacted: Mapped[bool] = mapped_column(Boolean, default=False)
    current_phone_position: Mapped[int] = mapped_column(Integer, default=0)
    # the planned call (a new case: when it entered the queue); None only once final
    next_call_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # start of the current lease
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # given back without an attempt
    day_parts_tried: Mapped[str] = mapped_column(String(100), default="")
    held_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(Text, default="{}")  # scheduler detail (JSON)
    # the language the case needs an interviewer for (ISO 639-1); None: Dutch, which everyone speaks
    language: Mapped[str | None] = mapped_column(String(8))
    # a back-check (revision 0010): the interviewer whose interview it verifies, to whom it is never offered
    checks_interviewer: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CallAttempt(Base):
    __tablename__ = "call_attempt"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("call_case.id"), index=True)
    phone_id: Mapped[int | None] = mapped_column(ForeignKey("phone_number.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(30))
    note: Mapped[str] = mapped_column(Sealed, default="")  # free text: sealed like contact data
    # the softphone's line (revision 0006); empty when the number was dialled by hand or by URI
    dialled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hung_up_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    line_end: Mapped[str | None] = mapped_column(String(12))  # remote | desk | no_answer | failed | dropped
    sip_reason: Mapped[str | None] = mapped_column(String(120))  # as the softphone said it: "486 Busy Here"
    talk_seconds: Mapped[int | None] = mapped_column(Integer)


class Appointment(Base):
    __tablename__ = "appointment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("call_case.id"), index=True)
    made_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # exact | daypart
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    day_part: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | done | missed | cancelled
    note: Mapped[str] = mapped_column(Sealed, default="")  # free text: sealed like contact data
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Interview(Base):
    __tablename__ = "interview"
    # partials to resume and interviews in progress are looked up by status on every claim
    __table_args__ = (Index("ix_interview_status_case", "status", "case_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("call_case.id"), index=True)
    form_id: Mapped[str] = mapped_column(String(50))
    form_version: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    # in_progress | partial | complete | breakoff | backcheck (a back-check call's verification, not a survey
    # interview: never counted, billed or exported as a complete)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    current_variable: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))  # its main language; None: Dutch
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    void_reason: Mapped[str | None] = mapped_column(Text)


class Answer(Base):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("interview_id", "variable"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), index=True)
    variable: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)  # JSON of the domain answer
    on_route: Mapped[bool] = mapped_column(Boolean, default=True)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    language: Mapped[str | None] = mapped_column(String(8))  # the language it was asked in; None: Dutch


class InterviewRecord(Base):
    """A complete interview's export record: its form columns as one CSV line
    (:mod:`cati.interviews.rules.record`), written when it completes and when an answer changes
    afterwards; ``layout`` names the form's column layout the line was written for."""

    __tablename__ = "interview_record"
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), primary_key=True)
    layout: Mapped[str] = mapped_column(String(64))
    line: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AnswerChange(Base):
    """Every change of a confirmed answer (the answer audit trail)."""

    __tablename__ = "answer_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), index=True)
    variable: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class ScreenVisit(Base):
    """Paradata: one question screen shown during an interview, from shown to left (revision 0010).

    Written in the transaction of the answer (or the stop) that follows it. No answer values, names or
    numbers: what was on screen (the variable, its language), when, how it was reached and left, how
    often the answer on it was corrected, whether it changed an earlier answer, and a grid's seconds per
    row (JSON ``{item variable: seconds}``). Deleted with the period's contact data (``cati purge``)."""

    __tablename__ = "screen_visit"
    __table_args__ = (Index("ix_screen_visit_interview", "interview_id", "shown_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    variable: Mapped[str] = mapped_column(String(64))
    shown_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime] = mapped_column(UTCDateTime)
    arrived: Mapped[str] = mapped_column(String(10))  # start | resume | next | back | jump | language | retry
    left_by: Mapped[str] = mapped_column(String(10))  # next | back | jump | stop | language
    language: Mapped[str | None] = mapped_column(String(8))  # the language the screen was shown in; None: Dutch
    corrections: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[bool] = mapped_column(Boolean, default=False)  # it changed an answer given before
    row_seconds: Mapped[str | None] = mapped_column(Text)  # grids: JSON {item variable: seconds}


class InterviewReview(Base):
    """A supervisor's decision on a flagged interview (revision 0010): accept (the flags named are
    cleared), void, or back-check (a verification call, ``backcheck_case_id``, whose answer is
    recorded here when it is done). Every decision is also in the audit trail."""

    __tablename__ = "interview_review"
    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), index=True)
    decision: Mapped[str] = mapped_column(String(12))  # accept | void | backcheck
    flags: Mapped[str] = mapped_column(Text, default="[]")  # JSON: the flag codes the decision was about
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    backcheck_case_id: Mapped[int | None] = mapped_column(ForeignKey("call_case.id"), index=True)
    backcheck_result: Mapped[str | None] = mapped_column(Text)  # JSON: the back-check's answers (codes)
    backcheck_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    backcheck_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
