"""SQLAlchemy models of closed billing statements (issue 8).

Only CLOSED statements are stored: drafts are always computed from the interview records. A
closed statement and its lines never change; later events (a void) become correction lines on a
later statement. Money is integer cents; the terms used are kept as JSON text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cati.platform.models import Base
from cati.platform.types import UTCDateTime


class BillingStatement(Base):
    """A closed statement for one provider and measurement period."""

    __tablename__ = "statement"
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("measurement_period.id"), index=True)
    statement_date: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    terms: Mapped[str] = mapped_column(Text)  # JSON of domain Terms (Decimals as strings)
    tariff_cents: Mapped[int] = mapped_column(Integer)
    cost_cents: Mapped[int] = mapped_column(Integer)
    subsidy_cents: Mapped[int] = mapped_column(Integer)
    provider_cents: Mapped[int] = mapped_column(Integer)
    subsidised_count: Mapped[int] = mapped_column(Integer)
    full_count: Mapped[int] = mapped_column(Integer)
    inburgering_count: Mapped[int] = mapped_column(Integer)  # net on this statement
    inburgering_count_to_date: Mapped[int] = mapped_column(Integer)  # in the period, up to this one
    inburgering_cents: Mapped[int] = mapped_column(Integer)
    lines: Mapped[list[BillingStatementLine]] = relationship(
        back_populates="statement", order_by="BillingStatementLine.id", cascade="all, delete-orphan"
    )


class BillingStatementLine(Base):
    """One line of a closed statement; ``corrects_statement`` set = a reversal of an earlier line."""

    __tablename__ = "statement_line"
    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("statement.id", ondelete="CASCADE"), index=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id"), index=True)
    interview_key: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20))  # purchased | inburgering
    subsidised: Mapped[bool] = mapped_column(Boolean, default=False)
    cost_cents: Mapped[int] = mapped_column(Integer)  # inburgering: the amount at its tariff
    subsidy_cents: Mapped[int] = mapped_column(Integer, default=0)
    provider_cents: Mapped[int] = mapped_column(Integer, default=0)
    corrects_statement: Mapped[str | None] = mapped_column(String(20))
    statement: Mapped[BillingStatement] = relationship(back_populates="lines")
