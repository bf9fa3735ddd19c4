"""paradata and interview quality control: screen visits, reviews, back-check cases

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08

- ``screen_visit``: one row per question screen shown (paradata): the variable, shown and left (UTC),
  how it was reached and left, its language, corrections, whether it changed an earlier answer and a
  grid's seconds per row. No answer values, names or numbers.
- ``interview_review``: a supervisor's decisions on flagged interviews (accept, void, back-check) and
  a back-check's answer.
- ``call_case.checks_interviewer``: a back-check case verifies an interview of this interviewer and is
  never offered to them (the call order's Due condition ``NOT_CHECKED_INTERVIEWER``); the partial index
  ``ix_call_case_queue_backcheck`` drives the back-check tier's window.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "screen_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("variable", sa.String(length=64), nullable=False),
        sa.Column("shown_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrived", sa.String(length=10), nullable=False),
        sa.Column("left_by", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.Column("row_seconds", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["interview_id"], ["interview.id"], name=op.f("fk_screen_visit_interview_id_interview"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_screen_visit_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screen_visit")),
    )
    op.create_index("ix_screen_visit_interview", "screen_visit", ["interview_id", "shown_at"])
    op.create_table(
        "interview_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("flags", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("backcheck_case_id", sa.Integer(), nullable=True),
        sa.Column("backcheck_result", sa.Text(), nullable=True),
        sa.Column("backcheck_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("backcheck_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["interview_id"], ["interview.id"],
                                name=op.f("fk_interview_review_interview_id_interview"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["app_user.id"], name=op.f("fk_interview_review_decided_by_app_user")),
        sa.ForeignKeyConstraint(["backcheck_case_id"], ["call_case.id"],
                                name=op.f("fk_interview_review_backcheck_case_id_call_case")),
        sa.ForeignKeyConstraint(["backcheck_by"], ["app_user.id"],
                                name=op.f("fk_interview_review_backcheck_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview_review")),
    )
    op.create_index(op.f("ix_interview_review_interview_id"), "interview_review", ["interview_id"])
    op.create_index(op.f("ix_interview_review_backcheck_case_id"), "interview_review", ["backcheck_case_id"])
    with op.batch_alter_table("call_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checks_interviewer", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_call_case_checks_interviewer_app_user"), "app_user",
                                    ["checks_interviewer"], ["id"])
        batch_op.create_index("ix_call_case_queue_backcheck", ["period_id", "queue", "next_call_at", "id"],
                              sqlite_where=sa.text("checks_interviewer IS NOT NULL"),
                              postgresql_where=sa.text("checks_interviewer IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table("call_case", schema=None) as batch_op:
        batch_op.drop_index("ix_call_case_queue_backcheck")
        batch_op.drop_constraint(batch_op.f("fk_call_case_checks_interviewer_app_user"), type_="foreignkey")
        batch_op.drop_column("checks_interviewer")
    op.drop_index(op.f("ix_interview_review_backcheck_case_id"), table_name="interview_review")
    op.drop_index(op.f("ix_interview_review_interview_id"), table_name="interview_review")
    op.drop_table("interview_review")
    op.drop_index("ix_screen_visit_interview", table_name="screen_visit")
    op.drop_table("screen_visit")
